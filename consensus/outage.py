"""Database outages: a short 503 page instead of a server error, and a clean reconnection.

When PostgreSQL is stopped, restarting or unreachable, every query raises
``OperationalError`` (or ``InterfaceError`` for a connection that broke under it).
Without this module each page would be a 500 with a traceback in the log. Instead:

- ``DatabaseOutageMiddleware`` answers such an error raised by a view (or by rendering
  its template) with ``templates/503.html``, a ``Retry-After`` header and
  ``Cache-Control: no-store``, logs one warning line, and closes the broken
  connections, so the next request opens a fresh one: when the database is back,
  pages work again without restarting the web server;
- ``server_error`` (the project's ``handler500``) does the same for the rare error
  raised outside a view, in a middleware (saving a session on sign-in, for example),
  and is Django's own 500 page for everything else.

The page cache (``meetings/cache.py``) stores only 200 answers, so a 503 is never
served to anyone else; pages it stored before the outage stay correct, since nothing
can be written while the database is down.
"""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger(__name__)

# Seconds a client should wait before trying again. A restart of PostgreSQL takes a few.
RETRY_AFTER = 5


def is_outage(error):
    """Whether ``error`` (or what caused it) says the database cannot be used just now."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def close_broken_connections():
    """Close every open database connection outside a transaction; the next query reconnects.

    A connection inside ``atomic()`` is left to the block that opened it, which rolls it back.
    """
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue
        try:
            connection.close()
        except DatabaseError:
            connection.connection = None


def first_line(error):
    """The first line of an error's message, for a one-line log entry ("" when it has none)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else ""


def unavailable(request, error):
    """The 503 answer; logs one line (not a traceback) naming the request and the error."""
    logger.warning(
        "Database unavailable, answered 503: %s %s (%s: %s)",
        request.method,
        request.path,
        type(error).__name__,
        first_line(error),
    )
    close_broken_connections()
    # Rendered without the request: no context processor may reach for the database.
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    # Logged above, once: Django would otherwise log every 503 again as an error.
    response._has_been_logged = True
    return response


class DatabaseOutageMiddleware:
    """Answer a view's database connection error with the 503 page (see the module's notes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_outage(exception):
            return unavailable(request, exception)
        return None


def server_error(request, template_name="500.html"):
    """``handler500``: the 503 page when the error in flight is a database outage, else Django's."""
    error = sys.exc_info()[1]
    if is_outage(error):
        return unavailable(request, error)
    return defaults.server_error(request, template_name=template_name)
