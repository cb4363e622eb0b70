"""Where one page's time goes, on the bench database: SQL, the rest, the template, and query plans.

    BENCH_SCALE=large python -m bench.explain /companies/ "/commitments/?q=鎵產業" [--plans N]

For each path: the total time of one request in-process (after one untimed request), the
time of its SQL queries, the time spent rendering templates, then each query with its time
and, for the N slowest (default 2), the output of ``EXPLAIN (ANALYZE, BUFFERS)``.
"""

import os
import sys
import tempfile
import time
from contextlib import contextmanager


@contextmanager
def template_timer(queries):
    """Time in the outermost template renders, without the SQL they run, as ``timer["seconds"]``.

    Both engines are timed: the pages' Jinja2 templates and Django's own (widgets, the admin).
    ``queries`` is the running ``CaptureQueriesContext``: querysets evaluated while rendering
    count as SQL, not as template time.
    """
    from django.template.backends import django as django_backend
    from django.template.backends import jinja2 as jinja2_backend

    timer = {"seconds": 0.0, "depth": 0}
    originals = {module: module.Template.render for module in (django_backend, jinja2_backend)}

    def timed(original):
        def render(self, *args, **kwargs):
            timer["depth"] += 1
            started, before = time.perf_counter(), len(queries.captured_queries)
            try:
                return original(self, *args, **kwargs)
            finally:
                timer["depth"] -= 1
                if timer["depth"] == 0:
                    sql = sum(float(q["time"]) for q in queries.captured_queries[before:])
                    timer["seconds"] += time.perf_counter() - started - sql

        return render

    for module, original in originals.items():
        module.Template.render = timed(original)
    try:
        yield timer
    finally:
        for module, original in originals.items():
            module.Template.render = original


def explain(path, plans=2, out=print):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get(path)
    with CaptureQueriesContext(connection) as queries, template_timer(queries) as templates:
        started = time.perf_counter()
        response = client.get(path)
        total = time.perf_counter() - started
    sql = sum(float(query["time"]) for query in queries.captured_queries)
    out(
        f"== {path}: {response.status_code}, {len(response.content) / 1024:.1f} kB, "
        f"{total * 1000:.1f} ms in all: SQL {sql * 1000:.1f} ms in {len(queries.captured_queries)} queries, "
        f"templates {templates['seconds'] * 1000:.1f} ms (without their SQL), "
        f"other {(total - sql - templates['seconds']) * 1000:.1f} ms"
    )
    ranked = sorted(queries.captured_queries, key=lambda query: -float(query["time"]))
    for query in queries.captured_queries:
        out(f"  {float(query['time']) * 1000:8.1f} ms  {query['sql'][:160]}")
    with connection.cursor() as cursor:
        for query in ranked[:plans]:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            out(f"\n-- {float(query['time']) * 1000:.1f} ms: {query['sql']}\n")
            out("\n".join(row[0] for row in cursor.fetchall()))
    out()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    plans = 2
    if "--plans" in argv:
        index = argv.index("--plans")
        plans = int(argv[index + 1])
        del argv[index : index + 2]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 1
    from .database import database_url

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SECRET_KEY", "bench-explain-only")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DATABASE_URL"] = database_url(os.environ.get("BENCH_SCALE", "large"))
    # Static URLs without a collected manifest: the pages render the same otherwise.
    os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="consensus-bench-explain-")
    import django
    from django.conf import settings

    django.setup()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    for path in argv:
        explain(path, plans)
    return 0


if __name__ == "__main__":
    sys.exit(main())
