"""How long the admin's heaviest pages take for a signed-in editor, in-process.

The admin is used by a few editors at a time, so it is measured by response time, not by
requests per second: each page is requested once untimed, then ``REPEATS`` times, and the
median and the slowest are reported with the number of SQL queries and the page's size.
The pages are the pledge and commitment lists (plain and searched), the meeting and
evidence lists, and the change page of the meeting with the most pledges.
"""

import statistics
import time
from urllib.parse import urlencode

REPEATS = 5
# The admin's pages should answer within this many milliseconds on the large data set.
LIMIT_MS = 500
EDITOR = "bench-editor"


def admin_pages():
    """``[(label, path)]`` of the pages measured, the largest meeting found in the database."""
    from django.db.models import Count

    from meetings.models import Commitment, Meeting, Organization

    largest = Meeting.objects.annotate(pledges=Count("commitments__pledges")).order_by("-pledges").first()
    company = Organization.objects.companies().order_by("pk").first()
    heading = Commitment.objects.order_by("pk").values_list("heading", flat=True).first() or ""
    pages = [
        ("pledge list", "/admin/meetings/pledge/"),
        ("commitment list", "/admin/meetings/commitment/"),
        ("meeting list", "/admin/meetings/meeting/"),
        ("evidence list", "/admin/meetings/evidence/"),
    ]
    if company is not None:
        query = urlencode({"q": company.name[:4]})
        pages.append(("pledge list, searched", f"/admin/meetings/pledge/?{query}"))
    if heading:
        query = urlencode({"q": heading[:2]})
        pages.append(("commitment list, searched", f"/admin/meetings/commitment/?{query}"))
    if largest is not None:
        label = f"largest meeting's change page ({largest.pledges:,} pledges)"
        pages.append((label, f"/admin/meetings/meeting/{largest.pk}/change/"))
    return pages


def measure_admin(repeats=REPEATS):
    """``[{label, path, status, median_ms, max_ms, queries, kilobytes}]``, signed in as a superuser.

    The editor account is made (without a usable password) in the benchmark's database.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user, _created = get_user_model().objects.get_or_create(
        username=EDITOR, defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    results = []
    for label, path in admin_pages():
        client.get(path)
        seconds = []
        for _ in range(repeats):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                seconds.append(time.perf_counter() - started)
        results.append(
            {
                "label": label,
                "path": path,
                "status": response.status_code,
                "median_ms": statistics.median(seconds) * 1000,
                "max_ms": max(seconds) * 1000,
                "queries": len(queries.captured_queries),
                "kilobytes": len(response.content) / 1024,
            }
        )
    return results


def format_table(results):
    lines = [
        "| page | path | status | median ms | slowest ms | queries | kB |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        slow = " **slow**" if r["median_ms"] > LIMIT_MS or r["status"] != 200 else ""
        lines.append(
            f"| {r['label']} | `{r['path']}` | {r['status']} | {r['median_ms']:,.0f}{slow} | "
            f"{r['max_ms']:,.0f} | {r['queries']} | {r['kilobytes']:,.0f} |"
        )
    return "\n".join(lines) + "\n"
