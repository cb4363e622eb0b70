"""The request log: one line per request with its id, errors with the same id, no secrets."""

import logging
import re

import pytest
from django.test import Client
from django.urls import include, path

from consensus.requestlog import RequestIdFilter

pytestmark = pytest.mark.django_db

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log(caplog):
    """Every record at DEBUG and above, with the request id the site's handler would add."""
    caplog.set_level(logging.DEBUG)
    caplog.handler.addFilter(RequestIdFilter())
    return caplog


def request_lines(log):
    return [record for record in log.records if record.name == "consensus.requests"]


def test_each_request_logs_one_line_with_its_id_method_path_status_and_duration(client, log):
    response = client.get("/meetings/")

    [line] = request_lines(log)
    request_id = response["X-Request-ID"]
    assert HEX_ID.fullmatch(request_id)
    assert line.request_id == request_id
    message = line.getMessage()
    assert re.fullmatch(
        r'request method=GET path="/meetings/" status=200 duration_ms=\d+\.\d user=-', message
    ), message


def test_the_404_and_the_user_id_of_a_signed_in_editor_are_logged(editor_client, editor, log):
    editor_client.get("/admin/")
    editor_client.get("/no-such-page/")
    first, second = (line.getMessage() for line in request_lines(log))
    assert 'path="/admin/" status=200' in first and first.endswith(f"user={editor.pk}")
    assert 'path="/no-such-page/" status=404' in second


def test_a_sane_incoming_request_id_is_kept_and_echoed(client, log):
    response = client.get("/", HTTP_X_REQUEST_ID="lb-2026.11.30_0042")
    assert response["X-Request-ID"] == "lb-2026.11.30_0042"
    assert request_lines(log)[0].request_id == "lb-2026.11.30_0042"


@pytest.mark.parametrize(
    "offered",
    ["forged\nINFO admin signed in", "x" * 10_000, "", "a b", "<script>", "id;rm -rf", "é"],
)
def test_a_hostile_incoming_request_id_is_replaced(client, log, offered):
    response = client.get("/", HTTP_X_REQUEST_ID=offered)
    assert HEX_ID.fullmatch(response["X-Request-ID"])
    [line] = request_lines(log)
    assert line.request_id == response["X-Request-ID"]
    if offered:
        assert offered not in line.getMessage()


def test_the_query_string_is_not_logged(client, log):
    client.get("/meetings/", {"q": "private-search-words"})
    assert not any("private-search-words" in record.getMessage() for record in log.records)
    assert 'path="/meetings/"' in request_lines(log)[0].getMessage()


def test_a_forged_newline_in_the_path_stays_on_one_line(client, log):
    client.get("/meetings/%0AINFO%20forged%20line/")
    message = request_lines(log)[0].getMessage()
    assert "\n" not in message
    assert '\\nINFO forged line/"' in message


def test_a_very_long_path_is_cut(client, log):
    client.get("/" + "a" * 5000 + "/")
    assert len(request_lines(log)[0].getMessage()) < 500


def test_a_sign_in_never_puts_the_password_or_the_session_in_the_log(editor, log):
    client = Client()
    client.post("/admin/login/", {"username": "editor", "password": "wrong-secret-attempt"}, secure=True)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": "a-long-password"}, secure=True
    )
    assert response.status_code == 302
    client.get("/admin/", secure=True)
    session_id = response.cookies["__Host-sessionid"].value
    csrf_token = client.cookies["__Host-csrftoken"].value

    text = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in log.records)
    assert request_lines(log)
    for secret in ["a-long-password", "wrong-secret-attempt", session_id, csrf_token]:
        assert secret not in text


def broken_view(request):
    raise RuntimeError("the failing view's own words")


# The site's URLs plus one that fails (tests only).
urlpatterns = [path("broken/", broken_view), path("", include("consensus.urls"))]


def test_an_error_is_logged_with_the_request_id_and_its_traceback(settings, log):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/broken/", HTTP_X_REQUEST_ID="trace-me-1")

    assert response.status_code == 500
    assert response["X-Request-ID"] == "trace-me-1"
    [error] = [record for record in log.records if record.name == "django.request"]
    assert error.levelno == logging.ERROR
    assert error.request_id == "trace-me-1"
    assert error.exc_info[0] is RuntimeError
    assert 'path="/broken/" status=500' in request_lines(log)[0].getMessage()


def test_records_outside_a_request_carry_a_dash(log):
    logging.getLogger("consensus.test").info("between requests")
    assert log.records[-1].request_id == "-"


def test_logging_a_request_never_loads_its_user(client, editor, caplog, django_assert_num_queries):
    """An editor's cookie on a page that needs no user: no session read just for the log line."""
    client.force_login(editor)
    with caplog.at_level(logging.INFO, logger="consensus.requests"), django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200
    (line,) = [r.getMessage() for r in caplog.records if 'path="/healthz"' in r.getMessage()]
    assert line.endswith("user=-")
