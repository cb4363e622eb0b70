"""Counting related rows for list pages and downloads without multiplying rows.

Counts are made for the rows shown (a page, or a chunk of a download), after paging: as
columns of the list query, PostgreSQL would compute them for every row OFFSET skips.
The companies' counts are not made here: they are stored on each organization
(``Organization.published_count_rows``, kept by ``meetings.public``).
"""

from django.db.models import Count, F, Func, IntegerField, OuterRef, Subquery

from .compiled import by_ids
from .models import Commitment


def correlated_count(rows, organization_field="organization"):
    """A correlated COUNT(*) of ``rows`` belonging to the outer record (an organization by default).

    Unlike Count() over a join, it is computed only for the rows of the page shown, after
    the list is sorted and cut, and it never multiplies rows.
    """
    counted = (
        rows.filter(**{organization_field: OuterRef("pk")})
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return Subquery(counted, output_field=IntegerField())


def _commitment_counts(*meeting_ids):
    counted = (
        Commitment.objects.filter(meeting_id__in=meeting_ids).values("meeting_id").annotate(n=Count("pk"))
    )
    return counted.order_by().values_list("meeting_id", "n")


def commitment_counts(meeting_ids, most=None):
    """``{meeting id: number of points}`` for these meetings (none: absent). One query, or none without ids.

    ``most``: the most ids a call can have (a list's page size). The query is then compiled
    once for that many ids (``meetings.compiled.by_ids``).
    """
    meeting_ids = list(meeting_ids)
    if not meeting_ids:
        return {}
    if most is None:
        return dict(_commitment_counts(*meeting_ids))
    return dict(by_ids("commitment counts", _commitment_counts, meeting_ids, most))
