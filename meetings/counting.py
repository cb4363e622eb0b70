"""Counting related rows for list pages and downloads without multiplying rows.

Counts are made for the rows shown (a page, or a chunk of a download), after paging: as
columns of the list query, PostgreSQL would compute them for every row OFFSET skips.
"""

from django.db.models import Count, F, Func, IntegerField, OuterRef, Subquery

from .models import Commitment, Meeting, Participation, Pledge


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


def commitment_counts(meeting_ids):
    """``{meeting id: number of points}`` for these meetings (none: absent). One query."""
    counted = (
        Commitment.objects.filter(meeting_id__in=meeting_ids).values("meeting_id").annotate(n=Count("pk"))
    )
    return {row["meeting_id"]: row["n"] for row in counted.order_by()}


def _published_counts(rows, organization_ids):
    """``{organization id: number of rows}`` for rows of published meetings; one grouped query."""
    counted = (
        rows.filter(organization_id__in=organization_ids).values("organization_id").annotate(n=Count("pk"))
    )
    return {row["organization_id"]: row["n"] for row in counted.order_by()}


def published_counts(organization_ids):
    """``{organization id: (meetings taken part in, pledges)}``, of published meetings. Two queries."""
    published = Meeting.Status.PUBLISHED
    participations = Participation.objects.filter(meeting__status=published)
    meetings = _published_counts(participations, organization_ids)
    pledges = _published_counts(
        Pledge.objects.filter(commitment__meeting__status=published), organization_ids
    )
    return {pk: (meetings.get(pk, 0), pledges.get(pk, 0)) for pk in organization_ids}
