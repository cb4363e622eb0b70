"""Production settings plus what the benchmark needs: the bench app (fortunes, dataset marker) and its URLs.

Everything else, DEBUG off included, comes from ``consensus.settings`` and the environment,
so the pages are measured as production serves them. ``BENCH_STATIC_EXTRA`` names a folder
of extra static files (the page-sized file the static row of the table fetches).
"""

import os

from consensus.settings import *  # noqa: F403
from consensus.settings import INSTALLED_APPS, STATICFILES_DIRS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"

# gunicorn is measured over plain HTTP on the loopback: no redirect to HTTPS.
SECURE_SSL_REDIRECT = False

if os.environ.get("BENCH_STATIC_EXTRA"):
    STATICFILES_DIRS = [*STATICFILES_DIRS, ("bench", os.environ["BENCH_STATIC_EXTRA"])]
