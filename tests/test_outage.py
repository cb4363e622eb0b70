"""A database outage: every page a short 503 with Retry-After, /healthz and /readyz, reconnection.

The database is made unreachable for real, not mocked: the ``default`` alias is pointed at
a server that is not there (a closed port for PostgreSQL, a folder that does not exist for
SQLite), so every query meets the driver's own connection error. The whole story, with a
PostgreSQL cluster stopped and started under gunicorn, is ``scripts/outage_check.py``
(run by ``test_outage_check.py``).
"""

import contextlib
import copy
import logging
import socket

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.utils import load_backend
from django.test import Client

from consensus.outage import RETRY_AFTER
from tests.conftest import FOUNDING_FILE

MEETING = "gallium-symposium-2023"
PAGES = [
    "/",
    "/meetings/",
    f"/meetings/{MEETING}/",
    f"/meetings/{MEETING}/changes/",
    "/companies/",
    "/companies/chalco/",
    "/organizations/cnia/",
    "/commitments/",
    "/commitments/?company=chalco",
    f"/commitments/{MEETING}/4/",
    "/meetings/export.csv",
    "/companies/export.json",
    "/commitments/export.csv",
    "/feeds/meetings/",
    "/feeds/evidence/",
    "/companies/chalco/feed/",
    f"/meetings/{MEETING}/feed/",
]
ADMIN_PAGES = ["/admin/", "/admin/meetings/meeting/", "/admin/meetings/pledge/"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable_copy(wrapper, tmp_path):
    """A new connection for ``wrapper``'s alias whose server is not there."""
    settings_dict = copy.deepcopy(wrapper.settings_dict)
    if wrapper.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
    else:
        settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias=wrapper.alias)


@contextlib.contextmanager
def unreachable_database(tmp_path):
    """The default database unreachable inside the block; yields the connection in use."""
    original = connections["default"]
    broken = unreachable_copy(original, tmp_path)
    connections["default"] = broken
    try:
        yield broken
    finally:
        broken.close()
        connections["default"] = original


@pytest.fixture
def database_down(db, tmp_path):
    """The default database unreachable for the whole test."""
    with unreachable_database(tmp_path) as broken:
        yield broken


def assert_outage_page(response):
    assert response.status_code == 503, response.request["PATH_INFO"]
    assert response["Retry-After"] == str(RETRY_AFTER) and int(response["Retry-After"]) <= 5
    assert "no-store" in response["Cache-Control"]
    assert "X-Page-Cache" not in response
    html = response.content.decode()
    assert "<h1>Temporarily unavailable</h1>" in html
    assert "Traceback" not in html and "OperationalError" not in html
    # Styled like the site, from a static file (no database needed), with its main landmark.
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert '<main id="main" class="page">' in html


# -- every page ----------------------------------------------------------------------------


def test_every_public_page_answers_503_with_retry_after_when_the_database_is_unreachable(
    client, founding_record, tmp_path
):
    for path in PAGES:
        assert client.get(path).status_code == 200, path

        with unreachable_database(tmp_path):
            # The test client raises any exception a view lets through: a 503 here was answered.
            response = client.get(path)

        assert_outage_page(response)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_an_admin_page_answers_503_for_a_signed_in_editor(editor_client, database_down, path):
    assert_outage_page(editor_client.get(path))


def test_signing_in_answers_503(database_down):
    response = Client().post("/admin/login/", {"username": "editor", "password": "a-long-password"})
    assert_outage_page(response)


def test_the_page_is_in_the_readers_language(in_language, database_down):
    response = in_language("zh-hant").get("/meetings/")
    html = response.content.decode()
    assert response.status_code == 503
    assert '<html lang="zh-Hant">' in html
    assert "暫時無法使用" in html

    html = in_language("zh-hans").get("/meetings/").content.decode()
    assert '<html lang="zh-Hans">' in html and "暂时无法使用" in html


def test_each_answer_is_one_warning_line_and_no_traceback(client, database_down, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/meetings/?year=2023")

    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert records[0].getMessage().startswith("Database unavailable, answered 503: GET /meetings/ (")
    assert records[0].exc_info is None


def test_the_broken_connection_is_closed_after_the_answer(client, database_down):
    client.get("/meetings/")
    assert database_down.connection is None


class ReadsTheDatabase:
    """A middleware that opens the database before the view, as a sign-in's session save does after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        connection.ensure_connection()
        return self.get_response(request)


def test_an_outage_met_outside_a_view_is_a_503_too(settings, database_down, caplog):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_outage.ReadsTheDatabase"]
    browser = Client(raise_request_exception=False)

    with caplog.at_level(logging.INFO):
        response = browser.get("/meetings/")

    assert_outage_page(response)
    assert [r.levelname for r in caplog.records if r.levelno >= logging.WARNING] == ["WARNING"]


def test_other_errors_are_still_server_errors(settings, db, caplog):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_outage.Fails"]
    response = Client(raise_request_exception=False).get("/meetings/")
    assert response.status_code == 500
    assert "Retry-After" not in response


class Fails:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise RuntimeError("a bug, not an outage")


# -- health checks -------------------------------------------------------------------------


def test_healthz_answers_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]


def test_healthz_stays_200_during_an_outage(client, database_down):
    assert client.get("/healthz").status_code == 200
    assert client.head("/healthz").status_code == 200


def test_readyz_is_200_when_the_database_answers(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"ready\n"
    assert "no-store" in response["Cache-Control"]


def test_readyz_is_503_when_it_does_not(client, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert database_down.connection is None


def test_health_checks_only_answer_reads(client, db):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


# -- coming back ---------------------------------------------------------------------------


def test_when_the_database_is_back_the_same_connection_serves_pages_again(client, transactional_db, tmp_path):
    call_command("import_meetings", str(FOUNDING_FILE), verbosity=0)
    original = connections["default"]
    reachable = copy.deepcopy(original.settings_dict)
    returning = unreachable_copy(original, tmp_path)
    connections["default"] = returning
    try:
        assert client.get(f"/meetings/{MEETING}/").status_code == 503
        returning.settings_dict.update(reachable)  # the server is back, at the same address

        response = client.get(f"/meetings/{MEETING}/")
    finally:
        returning.close()
        connections["default"] = original

    assert response.status_code == 200
    assert "鎵產業高質量發展專題座談會" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ends a PostgreSQL server process")
def test_a_connection_the_server_dropped_mid_request_is_replaced_on_the_next_one(client, transactional_db):
    call_command("import_meetings", str(FOUNDING_FILE), verbosity=0)
    original = connections["default"]
    # Without the health check at the start of each request, the dead connection is used
    # as it is: the first query fails mid-request, as when the server goes away under it.
    settings_dict = copy.deepcopy(original.settings_dict) | {"CONN_HEALTH_CHECKS": False, "CONN_MAX_AGE": 60}
    persistent = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias="default")
    persistent.ensure_connection()
    with original.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [persistent.connection.info.backend_pid])
    connections["default"] = persistent
    try:
        assert_outage_page(client.get("/meetings/"))
        assert persistent.connection is None

        assert client.get("/meetings/").status_code == 200
    finally:
        persistent.close()
        connections["default"] = original


# -- the page cache ------------------------------------------------------------------------


def test_a_503_is_never_cached_and_cached_pages_are_still_served(
    client, page_cache_on, transactional_db, tmp_path
):
    call_command("import_meetings", str(FOUNDING_FILE), verbosity=0)
    assert client.get("/meetings/")["X-Page-Cache"] == "miss"
    with unreachable_database(tmp_path):
        # Stored before the outage, and still true: nothing can be written while it lasts.
        cached = client.get("/meetings/")
        outage = client.get("/companies/")
        ready = client.get("/readyz")

    assert cached.status_code == 200 and cached["X-Page-Cache"] == "hit"
    assert_outage_page(outage)
    assert ready.status_code == 503 and "X-Page-Cache" not in ready
    after = client.get("/companies/")
    assert after.status_code == 200 and after["X-Page-Cache"] == "miss"
    assert client.get("/readyz").status_code == 200


def test_a_write_during_an_outage_does_not_fail_in_the_page_cache(client, page_cache_on, database_down):
    assert_outage_page(client.post("/admin/login/", {"username": "editor", "password": "x"}))
