"""Pagination of the public lists without counting every matching row.

A list of 100,000 commitments was counted in full on every request, and a deep page
(``?page=3141``) made PostgreSQL read and skip 78,000 rows first. The lists now count
matching rows up to ``settings.LIST_COUNT_LIMIT`` and offer that many rows, in pages;
past the limit they say "more than" and point to the filters and the downloads, which
always hold every matching row.

A search lists the rows matching in a name or heading first (``search_rank`` 0, see
``meetings.filters.SearchFilter``), then the others, each group in the list's order.
Sorted as one list, every match had to be found and ranked before the first page could
be cut (321 ms for a two-character search of 100,000 commitments). The paginator cuts
each group on its own instead, in the list's order, which an index gives (2 ms).
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.utils.functional import cached_property

from .filters import SEARCH_RANK


class CappedPaginator(Paginator):
    """Counts rows up to ``count_limit``; past it, ``count_is_lower_bound`` and that many rows in pages.

    ``count_limit`` is ``settings.LIST_COUNT_LIMIT`` unless a subclass or the keyword sets it.
    """

    count_limit = None
    count_is_lower_bound = False

    def __init__(self, object_list, per_page, *args, count_limit=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if count_limit is not None:
            self.count_limit = count_limit
        elif self.count_limit is None:
            self.count_limit = settings.LIST_COUNT_LIMIT

    @cached_property
    def count(self):
        # COUNT(*) over a subquery with LIMIT: it stops at the first count_limit + 1 rows.
        counted = self.object_list.order_by().values("pk")[: self.count_limit + 1].count()
        if counted > self.count_limit:
            self.count_is_lower_bound = True
            return self.count_limit
        return counted

    def page(self, number):
        groups = _rank_groups(self.object_list)
        if groups is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        first, rest = groups
        rows = list(first[bottom:top])
        if len(rows) < top - bottom:
            # The first group ends before this page does: the page goes on with the second.
            # (One query more, and one more again when the first group ended on an earlier page.)
            first_size = bottom + len(rows) if rows else first.order_by()[:bottom].count()
            start = bottom + len(rows) - first_size
            rows += list(rest[start : start + (top - bottom - len(rows))])
        # Related rows for the whole page at once, as a single sorted list would have had them.
        prefetch_related_objects(rows, *self.object_list._prefetch_related_lookups)
        return self._get_page(rows, number, self)


def _rank_groups(queryset):
    """(rank 0 rows, rank 1 rows), each in the list's order, for a ranked search; else None."""
    order = getattr(getattr(queryset, "query", None), "order_by", ())
    if not order or order[0] != SEARCH_RANK:
        return None
    queryset = queryset.prefetch_related(None)  # done once for the page, above
    return tuple(queryset.filter(**{SEARCH_RANK: rank}).order_by(*order[1:]) for rank in (0, 1))


class KnownCountPaginator(Paginator):
    """A paginator told its row count, for a list whose count is known already: no COUNT query."""

    def __init__(self, object_list, per_page, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # fills in the cached property
