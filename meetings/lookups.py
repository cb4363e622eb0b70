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
"""

from django.db.models import CharField, Lookup, TextField

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


def contains_lookup(word, vendor):
    """The name of the lookup that finds the texts containing ``word`` in any letter case, fastest."""
    caseless = word.upper() == word.lower()
    if len(word) >= SHORTEST_INDEXED:
        return "icontains"
    if vendor == "postgresql":
        return "substring" if caseless else "isubstring"
    return "contains" if caseless else "icontains"
