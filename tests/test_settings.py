"""Start-up settings: the database the suite runs on, and refusing an unsafe production start."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection


def test_the_suite_runs_on_the_database_ci_asked_for(db):
    # CI sets EXPECT_DB_VENDOR, so a run meant for PostgreSQL cannot pass on SQLite by accident.
    expected = os.environ.get("EXPECT_DB_VENDOR")
    if expected is None:
        pytest.skip("EXPECT_DB_VENDOR is set by CI only")
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def _start(env):
    """Import the production settings in a fresh interpreter with exactly ``env``."""
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "consensus.settings"}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**base, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_off_without_secret_key_refuses_to_start():
    result = _start({"ALLOWED_HOSTS": "tracker.example.org"})
    assert result.returncode != 0
    assert "set SECRET_KEY in the environment" in result.stderr


def test_debug_off_without_allowed_hosts_refuses_to_start():
    result = _start({"SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "set ALLOWED_HOSTS in the environment" in result.stderr


def test_debug_off_with_both_set_starts():
    result = _start({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "tracker.example.org"})
    assert result.returncode == 0, result.stderr


def test_a_malformed_debug_value_is_named_in_the_error():
    result = _start({"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_local_run_with_debug_on_needs_no_secrets():
    result = _start({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_postgresql_connections_are_persistent_with_health_checks():
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] >= 60
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_makemigrations_check_needs_no_production_secrets(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        env={"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def _database_options(env):
    """The default database's OPTIONS as the production settings build them from ``env``."""
    code = (
        "from django.conf import settings; import json; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "consensus.settings", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env={**base, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_connections_start_with_the_planner_settings_unless_told_otherwise():
    url = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused"}
    generic = "-c plan_cache_mode=force_generic_plan"  # for the prepared compiled queries
    assert _database_options(url)["options"] == (
        f"-c random_page_cost=1.1 -c max_parallel_workers_per_gather=0 {generic}"
    )
    assert _database_options({**url, "PG_SESSION_OPTIONS": ""})["options"] == generic
    assert _database_options({**url, "PG_SESSION_OPTIONS": "-c work_mem=8MB"})["options"] == (
        f"-c work_mem=8MB {generic}"
    )
    unprepared = {**url, "PREPARE_COMPILED_QUERIES": "0"}
    assert (
        _database_options(unprepared)["options"]
        == "-c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"
    )
    assert "options" not in _database_options({**unprepared, "PG_SESSION_OPTIONS": ""})
    # SQLite has no such setting.
    assert "options" not in _database_options({"DATABASE_URL": "sqlite:////tmp/unused.sqlite3"})


def test_the_planner_settings_are_in_force_on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)


def test_production_settings_pass_the_deployment_checks_with_nothing_reported():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={
            "PATH": os.environ["PATH"],
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "tracker.example.org",
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def _setting_values(env, *names):
    code = "import django; django.setup(); from django.conf import settings; " + "; ".join(
        f"print(settings.{name})" for name in names
    )
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "consensus.settings", "LOG_LEVEL": "ERROR"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


COOKIE_SETTINGS = ["SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "LANGUAGE_COOKIE_NAME", "SESSION_COOKIE_SECURE"]


def test_production_cookies_have_host_only_names():
    production = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "tracker.example.org"}
    values = _setting_values(production, *COOKIE_SETTINGS)
    assert values == ["__Host-sessionid", "__Host-csrftoken", "__Host-language", "True"]


def test_a_local_run_over_plain_http_keeps_plain_cookie_names():
    # Browsers refuse a __Host- cookie that is not Secure, and a local run has no HTTPS.
    values = _setting_values({"DEBUG": "1"}, *COOKIE_SETTINGS, "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS")
    assert values == ["sessionid", "csrftoken", "django_language", "False", "False", "0"]


def test_a_negative_trusted_proxy_count_refuses_to_start():
    result = _start({"DEBUG": "1", "TRUSTED_PROXY_COUNT": "-1"})
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be 0 or more" in result.stderr


@pytest.mark.parametrize("name", ["LOGIN_FAILURE_LIMIT", "LOGIN_COOLOFF_MINUTES"])
def test_a_lockout_setting_below_one_refuses_to_start(name):
    # A cool-off of 0 would make django-axes lock out for good.
    result = _start({"DEBUG": "1", name: "0"})
    assert result.returncode != 0
    assert f"{name} must be 1 or more" in result.stderr
