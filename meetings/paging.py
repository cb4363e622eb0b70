"""Pagination of the public lists without counting every matching row.

A list of 100,000 commitments was counted in full on every request, and a deep page
(``?page=3141``) made PostgreSQL read and skip 78,000 rows first. The lists now count
matching rows up to ``settings.LIST_COUNT_LIMIT`` and offer that many rows, in pages;
past the limit they say "more than" and point to the filters and the downloads, which
always hold every matching row.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts rows up to ``count_limit``; past it, ``count_is_lower_bound`` and that many rows in pages."""

    count_is_lower_bound = False

    def __init__(self, object_list, per_page, count_limit=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_limit = settings.LIST_COUNT_LIMIT if count_limit is None else count_limit

    @cached_property
    def count(self):
        # COUNT(*) over a subquery with LIMIT: it stops at the first count_limit + 1 rows.
        counted = self.object_list.order_by()[: self.count_limit + 1].count()
        if counted > self.count_limit:
            self.count_is_lower_bound = True
            return self.count_limit
        return counted


class KnownCountPaginator(Paginator):
    """A paginator told its row count, for a list whose count is known already: no COUNT query."""

    def __init__(self, object_list, per_page, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # fills in the cached property
