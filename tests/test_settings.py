"""Start-up settings: the database the suite runs on, and refusing an unsafe production start."""

import os
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
    return result.stdout.strip()


def test_postgresql_connections_start_with_the_planner_setting_unless_told_otherwise():
    url = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused"}
    assert _database_options(url) == '{"options": "-c random_page_cost=1.1"}'
    assert _database_options({**url, "PG_SESSION_OPTIONS": ""}) == "{}"
    assert (
        _database_options({**url, "PG_SESSION_OPTIONS": "-c work_mem=8MB"})
        == '{"options": "-c work_mem=8MB"}'
    )
    # SQLite has no such setting.
    assert _database_options({"DATABASE_URL": "sqlite:////tmp/unused.sqlite3"}) == "{}"


def test_the_planner_setting_is_in_force_on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)
