"""The public page cache: whole pages kept in Redis, dropped on every write.

Turned on by ``REDIS_URL`` (see the settings). A cached page is stored under a key
made of the *data version*, the interface language and the full address (path and
query string). The data version is one counter in the cache; every write moves it on,
so every page stored before the write is simply never asked for again (Redis expires
it), and no reader sees a page older than the last committed edit.

What moves the version on:

- a save or delete of any record of this app, or a change to a many-to-many link,
  once its transaction commits (so a reader never stores the old page under the new
  version);
- any request that may write (POST, PUT, PATCH, DELETE), such as an admin save or an
  admin action that updates many rows at once, once the request has been answered;
- commands that write in bulk, which call ``bump()`` when they finish.

Only anonymous GET and HEAD requests for the public pages are served from the cache,
and only complete 200 answers without cookies are stored. Several web servers share
one Redis, so the version and the pages are the same for all of them.
"""

import hashlib
import logging

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

logger = logging.getLogger(__name__)

VERSION_KEY = "data-version"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Headers a view sets that belong to the page; the middleware above this one adds the rest.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Link", "Location")


def enabled():
    return bool(settings.PAGE_CACHE_SECONDS)


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def version():
    """The current data version; starts it when the cache has none."""
    cache = _cache()
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        current = cache.get(VERSION_KEY, 1)
    return current


def bump():
    """Move the data version on: every page cached so far is stale. Safe to call at any time.

    When the cache cannot be reached the write still stands; pages cached before it expire
    after PAGE_CACHE_SECONDS at the latest.
    """
    if not enabled():
        return
    cache = _cache()
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet
            cache.add(VERSION_KEY, 2, timeout=None)
    except Exception:
        logger.warning("The page cache could not be emptied after a write", exc_info=True)


def bump_after_commit(**kwargs):
    """Signal receiver: bump once the current transaction commits (at once outside one).

    An import saves thousands of records in one transaction: one bump is registered for
    it, not one per record.
    """
    if not enabled():
        return
    connection = transaction.get_connection()
    # A bump already waiting in this transaction covers this write too: if the savepoint it
    # was registered in rolls back, Django drops it, and the next write registers another.
    if connection.in_atomic_block and any(func is bump for _, func, _ in connection.run_on_commit):
        return
    transaction.on_commit(bump, robust=True)


def connect_signals():
    for model in apps.get_app_config("meetings").get_models():
        if model._meta.label.startswith("meetings.Historical"):
            continue  # the edit history is written with the record it belongs to
        post_save.connect(
            bump_after_commit, sender=model, dispatch_uid=f"page-cache-save-{model._meta.label}"
        )
        post_delete.connect(
            bump_after_commit, sender=model, dispatch_uid=f"page-cache-delete-{model._meta.label}"
        )
    m2m_changed.connect(bump_after_commit, dispatch_uid="page-cache-m2m")


def _key(request):
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{version()}:{request.LANGUAGE_CODE}:{address}"


def _cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class PageCacheMiddleware:
    """Serve public pages from the cache; place it after LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled():
            return self.get_response(request)
        if not _cacheable_request(request):
            response = self.get_response(request)
            if request.method in WRITES:
                # The request's work is done (committed or not). Called directly rather than
                # through on_commit(), which would open a database connection to ask whether
                # one is in a transaction: during a database outage, a failure of its own.
                bump()
            return response
        try:
            key = _key(request)
            stored = _cache().get(key)
        except Exception:
            # Redis unreachable: the page is made as if there were no cache.
            logger.warning("The page cache is unreachable; serving without it", exc_info=True)
            return self.get_response(request)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        ):
            headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
            try:
                _cache().set(
                    key, (response.status_code, headers, response.content), settings.PAGE_CACHE_SECONDS
                )
            except Exception:
                logger.warning("The page cache is unreachable; the page was not stored", exc_info=True)
                return response
            response["X-Page-Cache"] = "miss"
        return response
