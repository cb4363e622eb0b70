"""Settings for the consensus tracker, read from the environment.

Every setting that differs between a laptop and production comes from an
environment variable; a malformed value stops start-up with a message naming
the variable instead of being silently ignored.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}")


def env_int(name, default, minimum=None):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more; got {number}")
    return number


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

if not DEBUG:
    missing = [
        name for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS)) if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"With DEBUG off, set {' and '.join(missing)} in the environment "
            "(for example SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))') "
            "ALLOWED_HOSTS=tracker.example.org). For a local run, use DEBUG=1."
        )
else:
    # A key made fresh for each process: local sessions end on restart, and no
    # usable key is ever written into the repository.
    SECRET_KEY = SECRET_KEY or secrets.token_urlsafe(50)
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "csp",
    "axes",
    "meetings",
]

MIDDLEWARE = [
    # First: gives every request its id and logs one line for it, whatever answers it.
    "consensus.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so that static files get the headers too.
    "consensus.security.CrossOriginResourcePolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before common: picks the interface language from the cookie set by
    # the switcher, else from Accept-Language (zh-TW/zh-HK fall back to zh-hant, zh-CN to zh-hans).
    "django.middleware.locale.LocaleMiddleware",
    # A database outage raised by a view is a translated 503 page with Retry-After, not a
    # 500; the broken connection is closed so the next request reconnects (consensus/outage.py).
    "consensus.outage.DatabaseOutageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records which editor made each change in the edit history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a sign-in refused for too many failures into the lockout page (see AXES_* below).
    "axes.middleware.AxesMiddleware",
    # Last, so that a page served from the cache still gets every header the others add.
    "meetings.cache.PageCacheMiddleware",
]

ROOT_URLCONF = "consensus.urls"
WSGI_APPLICATION = "consensus.wsgi.application"

TEMPLATES = [
    # The public pages: Jinja2 templates in templates/jinja2/ (see meetings/templating.py).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "meetings.templating.environment",
            # The page's language and script, looked up once for the helpers it calls.
            "context_processors": ["meetings.templating.page_context"],
        },
    },
    # The admin, and Django's own templates (forms, the default error pages).
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# Forms outside the public pages (the admin's) render through Django's templates, with the
# commonest widgets written in Python in the same markup (meetings/widgets.py).
FORM_RENDERER = "meetings.widgets.FormRenderer"

# Unset DATABASE_URL means the zero-setup SQLite file beside manage.py;
# production sets postgres://user@host:5432/name.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Reconnecting per request made PostgreSQL pages several times slower.
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails the connection after this many seconds instead of the
    # system's minutes, so pages answer 503 at once (consensus/outage.py).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 3)
    )
# Load balancers probe /healthz and /readyz over plain HTTP: never redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A planner setting for each connection, for a database that fits in memory or sits on
    # SSDs: with the default random_page_cost of 4, the company list's pledge counts were
    # planned as a scan of every commitment (214 ms instead of 6 ms on the large data set of
    # `make bench`); over the list pages' queries it saved 8-23 %, and no page got slower.
    # No parallel workers for one query: the web workers already keep the cores busy, and
    # starting workers made the company list 17 % slower (53 ms instead of 44 ms, one reader).
    # An empty PG_SESSION_OPTIONS leaves the server's own settings.
    _session = os.environ.get(
        "PG_SESSION_OPTIONS", "-c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"
    ).strip()
    if _session:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = _session

# The queries the detail pages run on every request are prepared on PostgreSQL: planned once
# per connection (meetings/compiled.py). 0 where a pooler between the web servers and
# PostgreSQL cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
PREPARE_COMPILED_QUERIES = env_bool("PREPARE_COMPILED_QUERIES", True)
if PREPARE_COMPILED_QUERIES and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django turns psycopg's prepared statements off (prepare_threshold None). A threshold
    # never reached turns them on for the statements asked for only: Django's own cursors
    # bind parameters in the client and are never prepared.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 2**31 - 1)
    # Each prepared statement keeps one plan for every value: the compiled queries look rows up
    # by ids and slugs through indexes, where one plan serves all. Left to choose, PostgreSQL
    # planned the company page's meetings query again on every run (0.7 ms of planning for
    # 0.3 ms of work), its estimate for the company's own row counts looking cheaper. Only
    # prepared statements follow this setting, and only the compiled queries are prepared.
    _options = DATABASES["default"]["OPTIONS"]
    _options["options"] = f"{_options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The public page cache (meetings/cache.py): on when REDIS_URL is set, e.g.
# redis://127.0.0.1:6379/0. Every web server of a deployment uses the same Redis, and
# every write empties the cache for all of them. Without REDIS_URL nothing is cached.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "consensus"),
        }
    }
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600) if REDIS_URL else 0
PAGE_CACHE_EXCLUDED_PREFIXES = ("/admin/", "/i18n/", "/static/", "/healthz", "/readyz")

# The lockout check comes first, so a locked-out sign-in is refused before its password is tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The interface languages. Stored text is never translated by these: originals stay as
# the source printed them (see meetings/templating.py for script conversion).
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["consensus.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Transport, headers and cookies (see "Security" in the README) -----------------------

if not DEBUG:
    # Plain-HTTP requests are sent to HTTPS, and browsers are told to use nothing else for a year.
    # SECURE_SSL_REDIRECT=0 only where the proxy in front already redirects.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_TLS_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"  # consensus.security.CrossOriginResourcePolicyMiddleware
X_FRAME_OPTIONS = "DENY"

# Nothing but this site's own files: no inline script or style, no other origin, no framing.
# The admin's scripts are static files too; its autocomplete boxes fetch from this site.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_NONE],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
        "base-uri": [_NONE],
    }
}

# Cookies (only editors get any: public pages set none) are sent over HTTPS only, hidden from
# scripts, and not on cross-site requests. The __Host- prefix makes the browser refuse them
# unless they are Secure, for this host only and for every path; a local run over plain HTTP
# (DEBUG, or SECURE_COOKIES=0 behind no TLS at all) keeps Django's usual names.
SECURE_COOKIES = not DEBUG and env_bool("SECURE_COOKIES", True)
_COOKIE_PREFIX = "__Host-" if SECURE_COOKIES else ""
SESSION_COOKIE_NAME = f"{_COOKIE_PREFIX}sessionid"
SESSION_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = f"{_COOKIE_PREFIX}csrftoken"
CSRF_COOKIE_SECURE = SECURE_COOKIES
# No script of the site reads the token: the admin's forms carry it in a hidden field.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_NAME = "__Host-language" if SECURE_COOKIES else "django_language"
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_PATH = "/"

# --- Sign-in protection (django-axes) ----------------------------------------------------

# Five wrong passwords for one username from one address lock that pair out for an hour; the
# same username from another address, and other usernames, can still sign in. A success
# clears the count. `manage.py axes_reset` (or axes_reset_username NAME) lifts lockouts early.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
# At least a minute: django-axes reads no cool-off as "locked out for good".
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 60, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "consensus.security.lockout_response"
# The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies that each append the
# address they received the request from to X-Forwarded-For, the address the outermost one saw.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "consensus.security.client_ip"

# One line per request from consensus.requestlog, and every record carries the request's id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "consensus.requestlog.RequestIdFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "line"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# The "new meeting from article" screen posts an article (up to 2 MB) and, at its
# review step, the article and its draft together; Django's default 2.5 MB would
# cut those off with a bare 400 before the form could explain the limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# Public list pages show this many rows per page.
PAGE_SIZE = env_int("PAGE_SIZE", 25)
# They count matching rows up to this many and offer them in pages; past it they say
# "more than" (meetings/paging.py). Downloads always hold every matching row.
LIST_COUNT_LIMIT = env_int("LIST_COUNT_LIMIT", 1000)
