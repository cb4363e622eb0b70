# The two set-up commands are `make run` and `make test`; everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrations-check install install-dev browser screenshots bench-articles bench outage-check clean

# The stamp files make repeat runs skip the install unless pyproject.toml changed.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py import_meetings meetings/data/*.yaml
	@echo ""
	@echo "Serving http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo "To edit records at http://$(HOST):$(PORT)/admin/, create a login first:"
	@echo "    DEBUG=1 $(BIN)/python manage.py createsuperuser"
	@echo ""
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite runs in one process per core (pytest-xdist), each with its own test database;
# PYTEST_WORKERS=0 runs it in this process alone.
PYTEST_WORKERS ?= auto
test: install-dev
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The browser tests (tests/browser/, marker "browser") drive Debian's Chromium; without it they
# are skipped with a message (REQUIRE_BROWSER=1 makes them fail instead, as in CI). This
# installs it, with the Chinese fonts the pages are laid out in (as root, Debian/Ubuntu).
browser:
	@if [ -x /usr/bin/chromium ] && fc-list :lang=zh | grep -q .; then echo "Chromium and CJK fonts are installed."; \
	else apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; fi

# The README's pictures (docs/screenshots/*.png), taken by the browser tests' screenshot step.
# pngquant, when installed, makes them a third of the size.
screenshots: install-dev browser
	SCREENSHOT_DIR=docs/screenshots REQUIRE_BROWSER=1 $(BIN)/python -m pytest -m screenshots -q -p no:randomly
	@if command -v pngquant >/dev/null; then pngquant --force --ext .png --quality 70-95 --speed 1 docs/screenshots/*.png; \
	else echo "pngquant is not installed: the pictures are left uncompressed (apt-get install pngquant)."; fi
	@ls -l docs/screenshots

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install-dev
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Time per article for cleaning, extraction and drafting, on the test articles.
bench-articles: install
	DEBUG=1 $(BIN)/python -m meetings.articles.benchmark

# Requests per second of every public page type through gunicorn on PostgreSQL, measured with
# wrk (installed with apt-get when missing) and compared with a minimal "fortunes" page.
# BENCH_SCALE=tiny|small|medium|large (default large), BENCH_DURATION=seconds per page type.
# The table goes to bench/results/latest.md; see bench/run.py.
bench: install
	$(BIN)/python -m bench.run

# A database outage for real: a throwaway PostgreSQL cluster under gunicorn, stopped and started
# again; pages must answer 503 with Retry-After meanwhile and 200 after (scripts/outage_check.py).
outage-check: install
	$(BIN)/python scripts/outage_check.py

clean:
	rm -rf $(VENV) staticfiles
