"""Health checks for a load balancer or an orchestrator.

- ``/healthz``: the process is alive and answering. Touches nothing else, the database
  included, so a database outage never gets the web servers restarted.
- ``/readyz``: the database answers ``SELECT 1`` (PostgreSQL is given 2 seconds), so
  this server can serve pages; 503 when it cannot.

Both answer in plain text, are never cached, and accept only GET and HEAD.
"""

import logging

from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .outage import RETRY_AFTER, close_broken_connections, first_line

logger = logging.getLogger(__name__)

READY_TIMEOUT_MS = 2000


def _plain(text, status=200):
    return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz(request):
    return _plain("ok")


@never_cache
@require_safe
def readyz(request):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Bounds a server that accepts connections but does not answer.
                cursor.execute(f"SET LOCAL statement_timeout = {READY_TIMEOUT_MS}")
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning(
            "Not ready: the database cannot be reached (%s)", first_line(error) or type(error).__name__
        )
        close_broken_connections()
        response = _plain("database unavailable", status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return _plain("ready")
