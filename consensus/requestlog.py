"""One log line per request, and a request id on every log record written while it runs.

The line reads ``request method=GET path=/meetings/ status=200 duration_ms=12.3 user=-``
(``user`` is the signed-in editor's id). It never holds the query string, cookies, headers
or anything posted: those can carry session ids and passwords.

The id is the caller's ``X-Request-ID`` when that is a plain token (a proxy or load balancer
that already numbers requests keeps its numbering), else a new random one; the answer
carries it back in ``X-Request-ID``, so a visitor reporting an error can quote it.
"""

import contextvars
import logging
import re
import time
import unicodedata
import uuid

from django.conf import settings

logger = logging.getLogger("consensus.requests")

HEADER = "X-Request-ID"
# Letters, digits and . _ - only, at most 64 of them: enough for a UUID or a proxy's own
# ids, and nothing that could break a log line or a header.
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_PATH_LIMIT = 300

_request_id = contextvars.ContextVar("request_id", default="-")


def current_request_id():
    """The id of the request being answered in this context, or "-" outside one."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record, so the formatter can print it (see settings.LOGGING)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


def request_id_from(request):
    offered = request.headers.get(HEADER, "")
    return offered if _SANE_ID.fullmatch(offered) else uuid.uuid4().hex


def _escaped(char):
    if char in '"\\':
        return "\\" + char
    if unicodedata.category(char)[0] == "C":  # control, format, private-use, unassigned
        return char.encode("unicode_escape").decode("ascii")
    return char


def printable(text, limit=_PATH_LIMIT):
    """``text`` cut to ``limit`` characters, with quotes and control characters (a forged
    newline, say) escaped, so that one request always makes exactly one line."""
    if len(text) > limit:
        text = text[:limit] + "…"
    return "".join(_escaped(char) for char in text)


def _user_id(request):
    # The user the request already loaded (AuthenticationMiddleware keeps it as _cached_user),
    # never a new look-up: that would read the session for nothing on a public page, and
    # fail during a database outage, turning even /healthz into an error.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return "-"
    user = getattr(request, "_cached_user", None)
    return user.pk if user is not None and user.is_authenticated else "-"


class RequestLogMiddleware:
    """First in MIDDLEWARE: times everything below it, cached pages and static files included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request)
        token = _request_id.set(request_id)
        request.request_id = request_id
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            logger.info(
                'request method=%s path="%s" status=%s duration_ms=%.1f user=%s',
                printable(request.method, 16),
                printable(request.path),
                response.status_code,
                (time.perf_counter() - started) * 1000,
                _user_id(request),
                extra={"request_id": request_id},
            )
            return response
        finally:
            _request_id.reset(token)
