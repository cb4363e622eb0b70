"""Counting related rows for a list page without multiplying rows."""

from django.db.models import F, Func, IntegerField, OuterRef, Subquery


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
