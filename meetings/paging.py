"""Pagination of the public lists without counting every matching row.

A list of 100,000 commitments was counted in full on every request, and a deep page
(``?page=3141``) made PostgreSQL read and skip 78,000 rows first. The lists now count
matching rows up to ``settings.LIST_COUNT_LIMIT`` and offer that many rows, in pages;
past the limit they say "more than" and point to the filters and the downloads, which
always hold every matching row.

The public lists read the ids of the matching rows (up to the limit) once, and take both
the count and the page from them (``ListPaginator``): counting, then reading a page, made
PostgreSQL find the matching rows twice.

A search lists the rows matching in a name or heading first (``search_rank`` 0, see
``meetings.filters.SearchFilter``), then the others, each group in the list's order.
Sorted as one list, every match had to be found and ranked first (321 ms for a
two-character search of 100,000 commitments; 79 ms instead of 46 ms for the ids alone).
The ids are read in the list's order instead, which an index gives, each with its rank
(``_ranked_ids``).
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .compiled import by_ids
from .filters import SEARCH_FIRST, SEARCH_RANK


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


def _ranked_ids(queryset, wanted):
    """The ids of the first ``wanted`` rows of a ranked search, rank 0 first; None if ``queryset`` is not one.

    The matching rows are read once in the list's order, each with its rank, up to
    ``wanted``. When fewer match, those are every match, and they are put in order here:
    a word that matches few rows made PostgreSQL read every row twice when each group was
    read on its own (a two-character search of 100,000 commitments: 330 ms). When that
    many match, their rank-1 rows are the first of that group, and only the rank-0 group
    is read on its own, in the list's order.
    """
    order = getattr(getattr(queryset, "query", None), "order_by", ())
    if not order or order[0] != SEARCH_RANK:
        return None
    queryset = queryset.prefetch_related(None).order_by(*order[1:])  # prefetched for the page, above
    rows = list(queryset.values_list("pk", SEARCH_RANK)[:wanted])
    later = [pk for pk, rank in rows if rank]
    if len(rows) < wanted:
        return [pk for pk, rank in rows if not rank] + later
    first = list(queryset.filter(**{SEARCH_FIRST: True}).values_list("pk", flat=True)[:wanted])
    return (first + later)[:wanted]


class KnownCountPaginator(Paginator):
    """A paginator told its row count, for a list whose count is known already: no COUNT query."""

    def __init__(self, object_list, per_page, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # fills in the cached property


class ListPaginator(CappedPaginator):
    """The public lists' paginator: the matching rows' ids read once, for the count and the page.

    Counting and then reading a page made PostgreSQL find the matching rows twice, which is
    most of a filtered list's time when the filter reads the whole table (a two-character
    search, an industry): the companies list took 41.5 ms instead of 33 ms on the large data.
    The ids of the first ``count_limit + 1`` rows, in the list's order (rank 0 first for a
    ranked search), give the count, and the page's rows are read by their ids.
    """

    @cached_property
    def ids(self):
        wanted = self.count_limit + 1
        ranked = _ranked_ids(self.object_list, wanted)
        return ranked if ranked is not None else list(self.object_list.values_list("pk", flat=True)[:wanted])

    @cached_property
    def count(self):
        if len(self.ids) > self.count_limit:
            self.count_is_lower_bound = True
            return self.count_limit
        return len(self.ids)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        wanted = self.ids[bottom : min(bottom + self.per_page, self.count)]
        rows = {row.pk: row for row in self._rows(wanted)} if wanted else {}
        return self._get_page([rows[pk] for pk in wanted if pk in rows], number, self)

    def _rows(self, ids):
        """The rows with these ids, loaded as the list loads its rows, without the list's filters again.

        The filters found the ids already; compiling them again (a search is a long OR) cost
        a millisecond a page. Annotations are not carried over: the lists have none but the
        search rank, which only orders them. The query is compiled once for each kind of list
        (``meetings.compiled.by_ids``): only the ids change from page to page.
        """
        listed = self.object_list
        select_related = listed.query.select_related
        deferred_names, deferred = listed.query.deferred_loading
        prefetches = tuple(listed._prefetch_related_lookups)
        if any(not isinstance(lookup, str) for lookup in prefetches):
            raise TypeError("ListPaginator lists prefetch by name only.")
        key = (
            "list rows",
            listed.model,
            repr(select_related),
            frozenset(deferred_names),
            deferred,
            prefetches,
        )

        def build(*ids):
            rows = listed.model._default_manager.filter(pk__in=ids)
            rows.query.select_related = select_related
            rows.query.deferred_loading = (deferred_names, deferred)
            return rows.prefetch_related(*prefetches)

        return by_ids(key, build, ids, self.per_page)
