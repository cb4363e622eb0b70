"""How the searches match a word inside a text: the public lists' ``q`` and the admin's large tables.

Both find the rows Django's ``icontains`` finds: the word anywhere in the text, in any letter
case. ``contains_lookup`` picks, for each word, the lookup that finds those rows fastest:

- From three characters on, ``icontains``: PostgreSQL runs it as
  ``UPPER(column) LIKE UPPER('%…%')``, which the trigram indexes on ``UPPER(column)``
  (migration 0004) serve.
- Below three characters no index helps and every row is read. On PostgreSQL, ``strpos()``
  reads them faster than ``LIKE`` (a two-character word in 100,000 commitments' four
  texts: 95–117 ms instead of 148–153 ms), and a word with no letter case (Chinese, digits)
  needs no ``UPPER()``, which costs as much again.
- Elsewhere (SQLite), ``contains`` for a word without letter case, else ``icontains``.

Where a table keeps its searched texts upper-cased in one column (``search_text``, below),
a short word is looked for there instead, on PostgreSQL: one ``strpos()`` a row instead of
one a text, and no ``UPPER()`` of every row at each search.
"""

from django.db.models import CharField, Expression, Lookup, TextField

# Words shorter than this are searched without an index (pg_trgm's trigrams start at three).
SHORTEST_INDEXED = 3


class Substring(Lookup):
    """``field__substring="镓产"``: the text contains the word, as written (strpos() or instr())."""

    lookup_name = "substring"

    def _sides(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return lhs, rhs, (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"instr({lhs}, {rhs}) > 0", params

    def as_postgresql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"strpos({lhs}, {rhs}) > 0", params


class ISubstring(Substring):
    """``field__isubstring="ga"``: the text contains the word in any letter case (both upper-cased)."""

    lookup_name = "isubstring"

    def _sides(self, compiler, connection):
        lhs, rhs, params = super()._sides(compiler, connection)
        return f"UPPER({lhs})", f"UPPER({rhs})", params


for _field in (CharField, TextField):
    _field.register_lookup(Substring)
    _field.register_lookup(ISubstring)


# The column, on PostgreSQL only (migration 0016), holding a table's searched texts upper-cased
# and joined by line breaks, kept by PostgreSQL itself (GENERATED ALWAYS … STORED). The models
# do not declare it: nothing reads or writes it but the short searches, below.
SEARCH_TEXT = "search_text"
SEARCH_TEXT_SEPARATOR = "\n"
# The texts each table's search_text holds, in order (migration 0016 writes the same; a test
# compares them with the database's own definition of the column).
SEARCH_TEXT_FIELDS = {
    "meetings_meeting": ("title", "title_en", "place", "place_en"),
    "meetings_organization": ("name", "name_en"),
    "meetings_organizationalias": ("name",),
}


class StoredSearchText(Expression):
    """``search_text`` of the query's own table (the list's, or a subquery's), named by its alias."""

    output_field = TextField()

    def __init__(self, alias=None):
        super().__init__()
        self.alias = alias

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return type(self)(query.get_initial_alias())

    def relabeled_clone(self, change_map):
        return type(self)(change_map.get(self.alias, self.alias))

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            raise NotImplementedError("search_text is kept on PostgreSQL only.")
        return f"{compiler.quote_name_unless_alias(self.alias)}.{connection.ops.quote_name(SEARCH_TEXT)}", []


class InSearchText(Lookup):
    """The word, upper-cased, in the table's ``search_text``: what ``icontains`` finds in any of its texts.

    ``icontains`` is ``UPPER(text) LIKE UPPER('%word%')`` on PostgreSQL, for each text; the
    stored column holds each ``UPPER(text)``, so the word is in one of them exactly when it
    is in the column, unless it holds the line break that joins them (``searches_stored``).
    """

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"strpos({lhs}, UPPER({rhs})) > 0", (*lhs_params, *rhs_params)


def in_search_text(word):
    """The condition "the word is in one of the searched texts of the query's table", by ``search_text``."""
    return InSearchText(StoredSearchText(), word)


def searches_stored(word, lookup, model, fields):
    """Whether ``word``, searched for in these ``fields`` of ``model``, is looked for in its ``search_text``.

    ``lookup``: the word's lookup by ``contains_lookup``. Only a short word on PostgreSQL
    (``substring``, ``isubstring``), without a line break; and only when the column holds
    exactly those fields, so that it finds exactly the rows the fields' own lookups find.
    """
    return (
        lookup in ("substring", "isubstring")
        and SEARCH_TEXT_SEPARATOR not in word
        and SEARCH_TEXT_FIELDS.get(model._meta.db_table) == tuple(fields)
    )


def contains_lookup(word, vendor):
    """The name of the lookup that finds the texts containing ``word`` in any letter case, fastest."""
    caseless = word.upper() == word.lower()
    if len(word) >= SHORTEST_INDEXED:
        return "icontains"
    if vendor == "postgresql":
        return "substring" if caseless else "isubstring"
    return "contains" if caseless else "icontains"
