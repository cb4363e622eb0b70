"""Settings for the test suite: production settings with test-only secrets and fast hashing.

DATABASE_URL chooses the database exactly as in production (unset = SQLite), so the
same suite runs against SQLite and PostgreSQL.
"""

import os

import jinja2

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from consensus.settings import *  # noqa: F403
from consensus.settings import STORAGES, TEMPLATES

# The manifest storage needs collectstatic first; the suite checks pages, not hashing.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files are served from the app folders in tests; there is no collected folder.
STATIC_ROOT = None
# The test client speaks plain HTTP; the tests of the redirect to HTTPS turn it back on.
SECURE_SSL_REDIRECT = False

# A name a public page's template uses but its view does not give is an error here,
# not an empty string on the page.
TEMPLATES[0]["OPTIONS"] = {**TEMPLATES[0]["OPTIONS"], "undefined": jinja2.StrictUndefined}
