# The two set-up commands are `make run` and `make test`; everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrations-check install install-dev bench-articles bench outage-check clean

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

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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
