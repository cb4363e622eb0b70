"""What keeps the admin quick on large tables (a million pledges, thousands of participants).

Three pieces, each replacing a default that reads every row or runs a query per row:

- ``LargeTablePaginator`` counts a list without reading it all;
- ``SearchRelatedByKey`` searches each related table on its own instead of OR-ing over joins;
- ``ShowsLoadedChoices`` lets an inline's autocomplete boxes show the objects loaded with its rows.
"""

from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import F, Lookup, Q
from django.db.models.lookups import In
from django.forms import ModelForm
from django.utils.functional import cached_property
from django.utils.text import smart_split, unescape_string_literal

from ..lookups import contains_lookup
from ..paging import CappedPaginator


class LargeTablePaginator(CappedPaginator):
    """A paginator whose count stays cheap however many rows match.

    - The whole table, on PostgreSQL, past ``estimate_above`` rows: the row count from the
      planner's statistics (``pg_class.reltuples``, kept by autovacuum's ANALYZE), not
      COUNT(*) over every row (0.1-0.2 s on a million pledges). The list says "about"
      (``count_is_estimate``); as the estimate drifts from the true count between two
      ANALYZEs, the last page may come out short or empty. Smaller, empty or never
      analysed tables are counted.
    - A filtered or searched list: rows are counted up to ``count_limit``; past it the list
      says "more than" the limit (``count_is_lower_bound``) and offers that many pages, so
      a search matching 100,000 pledges costs a count of 10,001.

    The templates in templates/admin/meetings/ show these words next to the count.
    """

    count_limit = 10_000
    estimate_above = 100_000
    count_is_estimate = False

    @cached_property
    def count(self):
        estimate = self._estimated_table_rows()
        if estimate is not None and estimate > self.estimate_above:
            self.count_is_estimate = True
            return estimate
        return super().count

    def _estimated_table_rows(self):
        """The planner's row count of the table when the list is all of it (PostgreSQL only)."""
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None or query.where or query.distinct or query.combinator:
            return None
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)",
                [connection.ops.quote_name(queryset.model._meta.db_table)],
            )
            row = cursor.fetchone()
        # -1: never analysed; 0: empty, or analysed while empty.
        return int(row[0]) if row and row[0] > 0 else None


class InKeys(Lookup):
    """``field IN (keys)`` for a list of thousands of keys: on PostgreSQL one array parameter
    (``= ANY(%s)``), which the field's index serves as it serves IN. Django's ``__in`` makes
    a parameter of each key, prepared one by one in Python: 0.3 s for 10,000 keys."""

    lookup_name = "in_keys"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return In(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # Typed as the column: an array of another integer type is searched key by key.
        array_type = self.lhs.output_field.rel_db_type(connection)
        return f"{lhs} = ANY(%s::{array_type}[])", (*lhs_params, list(self.rhs))


def _keys_in(name, keys):
    """The condition "``name`` is one of ``keys``", a list of keys or a subquery."""
    return Q(InKeys(F(name), keys)) if isinstance(keys, list) else Q(**{f"{name}__in": keys})


def _forward_relation(model, name):
    field = model._meta.get_field(name)
    if not (field.many_to_one or field.one_to_one) or field.auto_created:
        raise ImproperlyConfigured(f"{model.__name__}.{name}: search through foreign keys only.")
    return field


def matching_rows(model, field_paths, term, key_limit=10_000):
    """Rows of ``model`` where one of ``field_paths`` contains ``term``: ``(condition, keys)``.

    Finds the rows Django's ``icontains`` over joins finds, but through indexes: each table
    is searched on its own (a path through a foreign key, ``organization__name``, becomes
    ``organization__in=[keys of the matching organizations]``), because on PostgreSQL an OR
    spanning several tables can use no index and reads every row of the list. ``condition``
    selects the rows; ``keys`` lists their primary keys, collected one table at a time,
    when there are at most ``key_limit`` of them (else None). Queries: one or two per table.
    """
    lookup = contains_lookup(term, connections[model.objects.db].vendor)
    own, related = Q(), {}
    for path in field_paths:
        name, _, rest = path.partition("__")
        if rest:
            related.setdefault(name, []).append(rest)
        else:
            own |= Q(**{f"{name}__{lookup}": term})
    parts = [own] if own else []
    for name, paths in related.items():
        target = _forward_relation(model, name).related_model
        target_condition, target_keys = matching_rows(target, paths, term, key_limit)
        if target_keys is None:
            target_keys = target._default_manager.filter(target_condition).order_by().values("pk")
        parts.append(_keys_in(name, target_keys))
    condition = Q()
    for part in parts:
        condition |= part
    rows = model._default_manager.order_by()
    keys = set()
    for part in parts:
        keys.update(rows.filter(part).values_list("pk", flat=True)[: key_limit + 1])
        if len(keys) > key_limit:
            return condition, None
    return condition, sorted(keys)


class SearchRelatedByKey:
    """ModelAdmin mixin: the search box, answered through indexes (see ``matching_rows``).

    Django ORs ``icontains`` over every search field, joining the related tables: every
    search read every pledge (5 s on a million) or every evidence entry (3 s). Each word
    still has to appear in one of ``search_fields`` (plain paths through foreign keys; no
    ``^``/``=``/``@`` prefixes). When few rows match, the list is then read by primary key.
    """

    def get_search_results(self, request, queryset, search_term):
        fields = self.get_search_fields(request)
        if not (fields and search_term):
            return queryset, False
        for word in smart_split(search_term):
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            condition, keys = matching_rows(self.model, fields, word)
            queryset = queryset.filter(condition if keys is None else _keys_in("pk", keys))
        return queryset, False


class LoadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete box that shows the chosen object it was given (``chosen``) rather than
    looking it up: Django's box runs one query per box, so one per inline row."""

    chosen = None

    def optgroups(self, name, value, attr=None):
        chosen = self.chosen
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        key_name = self.field.remote_field.get_related_field().attname
        if chosen is None or selected != {str(getattr(chosen, key_name))}:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(chosen)
        options.append(self.create_option(name, getattr(chosen, key_name), label, True, len(options)))
        return [(None, options, 0)]


class LoadedChoicesForm(ModelForm):
    """Gives each ``LoadedAutocompleteSelect`` the related object loaded with the row, if any.

    A row already saved also loses the icons around its box (add, change, delete, view the
    related record): rendering them took a third of the time of a meeting page with 80
    participants. Blank rows keep them, so "add another organization" is still at hand,
    and each saved row links to its own page, where the box has them all.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the icons' wrapper
            if not isinstance(widget, LoadedAutocompleteSelect):
                continue
            if self.instance.pk is not None:
                field.widget = widget
            model_field = self.instance._meta.get_field(name)
            if model_field.is_cached(self.instance):
                widget.chosen = getattr(self.instance, name)


class ShowsLoadedChoices:
    """Inline mixin for long lists of rows with autocomplete boxes: the related objects are
    loaded with the rows (``loaded_related``, also what ``__str__`` of a row shows) and
    shown in the boxes, and saved rows link to their own page (see ``LoadedChoicesForm``),
    so a meeting with 200 participants renders in a fixed number of queries."""

    form = LoadedChoicesForm
    loaded_related = ()
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.loaded_related)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LoadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
