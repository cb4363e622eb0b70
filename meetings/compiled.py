"""Querysets turned into SQL once per process, then run again with other values.

Building a queryset and compiling it to SQL costs Django 0.5-1 ms for a query with a join or
two, more than PostgreSQL takes to answer it: on the large data, the commitment page's lookup
of its point took 1.4 ms through the ORM and 0.57 ms compiled once, its pledges 1.31 ms and
0.84 ms. The detail pages and the home page run the same few queries on every request with
only a slug or an id changing, so they run them through :func:`compiled_query`::

    @compiled_query(str)
    def meeting_by_slug(slug):
        return Meeting.objects.published().filter(slug=slug)

    meetings = list(meeting_by_slug("yinchuan-2023"))

The first call builds the queryset twice, with two sets of stand-in values, and compiles
both. The positions where their SQL parameters differ, and hold the stand-ins, are where
each call's values go; everything else in the SQL (the text, the other parameters, the
columns and the related records to load) is kept for the life of the process. Each later
call binds its values there and runs the kept SQL, and the rows become model instances as
Django's own iteration makes them (``select_related`` included).

Rows read by a list of ids (a list's page) go through :func:`by_ids`, which pads the list
to a fixed length so that every page runs the same SQL.

On PostgreSQL the kept SQL is also *prepared*: sent with its parameters bound by the
server, it is parsed and planned once per connection, and each later run only binds the
values and executes the plan. Planning was most of these queries' time: the commitment
page's six queries took 2.6 ms of SQL a request, and 1.2 ms prepared. Each statement keeps
one plan for every value (``plan_cache_mode=force_generic_plan``, set with the connection):
the constants of the SQL (a status, a flag) are written into it as literals, so that plan
knows them, and only the arguments are parameters. Set
``PREPARE_COMPILED_QUERIES=0`` in the environment where the connection passes through a
pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
The other queries are not prepared: their SQL changes with the filters and the page, and
a plan made for one search word could be kept for another.

What the build function may do, and what it may not:

- each value must reach the SQL as it was given (``slug=slug``, ``meeting_id=pk``,
  ``number=number``), once or more; a lookup that turns it into something else
  (``__year``, ``__contains``) is refused on the first call;
- it must not read anything that changes between requests, such as today's date or a
  setting: the SQL it gives is kept, so such a value would be kept with it. Pass it as
  a value instead;
- an int argument is compared for equality (an id, a point's number): a value no integer
  column can hold (past 64 bits, as a URL may ask for) matches no row, and the call returns
  no rows without a query, as Django's own lookups do;
- the result can be iterated, counted with ``len()`` and tested for truth, but not
  filtered or changed further: that raises ``TypeError`` rather than ignoring the change.

Querysets whose build function is made at run time (a list's page of rows, a filter's
choices) are kept by a key instead, with :func:`kept`.
"""

import copy
import datetime
import functools
import re
import threading
import weakref

from django.conf import settings
from django.db import connections
from django.db.models.sql import Query

# The stand-in values of each type: two sets, a and b, distinct within each (one per argument).
_STAND_INS = {
    str: (lambda i: f"\x00compiled-a{i}\x00", lambda i: f"\x00compiled-b{i}\x00"),
    # Small numbers: an out-of-range value for the field (a PositiveSmallIntegerField
    # holds up to 32,767) would compile to no SQL at all.
    int: (lambda i: 101 + i, lambda i: 201 + i),
    datetime.date: (
        lambda i: datetime.date(2001, 1, 1) + datetime.timedelta(days=i),
        lambda i: datetime.date(2002, 2, 2) + datetime.timedelta(days=i),
    ),
}


# The largest integer a database column holds (a 64-bit BigIntegerField).
_LARGEST_INT = 2**63 - 1


class _PreparedConnection:
    """A database connection as the compiler sees it, whose cursors prepare each statement.

    Everything but ``cursor()`` is the connection's own. The cursor is made as Django makes
    its cursors (the same checks, time zone and wrapper, so that queries are logged and
    counted as usual), but binds the parameters on the server and prepares the statement.
    """

    def __init__(self, connection):
        self._connection = connection

    def __getattr__(self, name):
        return getattr(self._connection, name)

    def cursor(self):
        from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, register_tzloader
        from psycopg.pq import Format

        connection = self._connection
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        with connection.wrap_database_errors:
            cursor = _preparing_cursor_class()(connection.connection)
            # As Django's create_cursor(): the connection's time zone where it differs.
            tzloader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
            if connection.timezone != tzloader.timezone:
                register_tzloader(connection.timezone, cursor)
            return connection._prepare_cursor(cursor)


@functools.cache
def _preparing_cursor_class():
    """Django's cursor for server-side binding, preparing every statement it executes."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query, params=None, **kwargs):
            return super().execute(query, params, prepare=True, **kwargs)

        def _send_query_prepared(self, name, pgq, **kwargs):
            # psycopg keeps the query it sent only when it was not prepared; Django's query
            # log (DEBUG, the tests' query counts) reads it, as the SQL with $1, $2 ….
            self._query = pgq
            return super()._send_query_prepared(name, pgq, **kwargs)

    return PreparingCursor


def _prepares(connection):
    return connection.vendor == "postgresql" and settings.PREPARE_COMPILED_QUERIES


class CompiledQueryError(TypeError):
    """A build function whose SQL cannot be kept, or a compiled query used wrongly."""


class _KeptQuery(Query):
    """A query whose SQL is kept: it answers with its compiler and cannot be changed."""

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self.kept_compiler

    def chain(self, klass=None):
        raise CompiledQueryError(
            "A compiled query cannot be filtered or changed: add the condition to its build function."
        )

    clone = chain


class _Compiled:
    """One build function's SQL on one database, and where each argument's value goes in it."""

    def __init__(self, build, types):
        first = [_STAND_INS[kind][0](index) for index, kind in enumerate(types)]
        second = [_STAND_INS[kind][1](index) for index, kind in enumerate(types)]
        self.queryset = build(*first)
        self.compiler = self.queryset.query.get_compiler(using=self.queryset.db)
        self.sql, params = self.compiler.as_sql()
        params = list(params)
        other = build(*second)
        other_params = list(other.query.get_compiler(using=other.db).as_sql()[1])
        if len(params) != len(other_params):
            raise CompiledQueryError(f"{build.__qualname__} builds SQL whose shape depends on its arguments.")
        self.params = params
        self.positions = []
        for index, (a, b) in enumerate(zip(first, second, strict=True)):
            found = [
                position
                for position, (p, q) in enumerate(zip(params, other_params, strict=True))
                if _same(p, a) and _same(q, b)
            ]
            if not found:
                raise CompiledQueryError(
                    f"Argument {index + 1} of {build.__qualname__} must reach the SQL as it is given: "
                    "a lookup that changes the value cannot be compiled."
                )
            self.positions.append(found)
        placed = {position for positions in self.positions for position in positions}
        unexplained = [
            position
            for position, (p, q) in enumerate(zip(params, other_params, strict=True))
            if p != q and position not in placed
        ]
        if unexplained:
            raise CompiledQueryError(f"{build.__qualname__} builds SQL whose values depend on its arguments.")
        connection = connections[self.queryset.db]
        if connection.vendor == "postgresql":
            self.sql, self.params, self.positions = _constants_written_in(
                self.sql, self.params, self.positions, connection
            )
        self._converters = weakref.WeakKeyDictionary()

    def converters(self, compiler, connection, expressions):
        """The compiler's converters of the kept columns' values, worked out once per connection.

        Django works them out on every run, asking each column's field and the database for
        its converters: a fifth of a run's time for the meeting page's 36 columns. The columns
        are those of the kept SQL, and the converters depend only on them and the connection.
        """
        columns = tuple(map(id, expressions))
        kept = self._converters.get(connection)
        if kept is None or kept[0] != columns:
            converters = type(compiler).get_converters(compiler, expressions)
            kept = self._converters[connection] = (columns, converters)
        return kept[1]

    def queryset_for(self, values):
        params = list(self.params)
        for positions, value in zip(self.positions, values, strict=True):
            for position in positions:
                params[position] = value
        sql = self.sql
        compiler = copy.copy(self.compiler)
        connection = connections[self.queryset.db]
        compiler.connection = _PreparedConnection(connection) if _prepares(connection) else connection
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        compiler.get_converters = functools.partial(self.converters, compiler, connection)
        query = copy.copy(self.queryset.query)
        query.__class__ = _KeptQuery
        query.kept_compiler = compiler
        kept = self.queryset
        queryset = kept.__class__(model=kept.model, query=query, using=kept._db, hints=kept._hints)
        queryset._iterable_class = kept._iterable_class
        queryset._fields = kept._fields
        queryset._prefetch_related_lookups = kept._prefetch_related_lookups
        queryset._known_related_objects = kept._known_related_objects
        return queryset


_PLACEHOLDER = re.compile(r"(%%|%s)")


def _constants_written_in(sql, params, positions, connection):
    """The SQL with every parameter that is not an argument written in as a literal.

    Django passes constants as parameters too (``status = %s`` for "published", ``convenes =
    %s`` for true). A prepared statement keeps one plan for every value of its parameters
    (``plan_cache_mode``, consensus/settings.py), and a plan made without knowing them read
    the 500 convening organizations of 20,000 through the name index, row by row: 3.9 ms
    instead of 0.4 ms. Written in, they are known to the plan; only the arguments vary.
    Returns the SQL, its remaining parameters, and the arguments' positions among them.
    """
    from psycopg import sql as psycopg_sql

    arguments = {position for argument in positions for position in argument}
    connection.ensure_connection()
    pieces, remaining, moved, index = [], [], {}, 0
    for piece in _PLACEHOLDER.split(sql):
        if piece != "%s":
            pieces.append(piece)
            continue
        if index in arguments:
            moved[index] = len(remaining)
            remaining.append(params[index])
            pieces.append(piece)
        else:
            literal = psycopg_sql.Literal(params[index]).as_string(connection.connection)
            pieces.append(literal.replace("%", "%%"))
        index += 1
    if index != len(params):
        raise CompiledQueryError("The compiled SQL does not hold one placeholder for each parameter.")
    return "".join(pieces), remaining, [[moved[position] for position in argument] for argument in positions]


def _same(param, value):
    """Whether a compiled parameter is the value given (SQLite receives dates as text)."""
    return param == value or (isinstance(value, datetime.date) and param == value.isoformat())


def compiled_query(*types):
    """Decorate a function building a queryset from arguments of these ``types`` (str, int, date).

    The decorated function returns the queryset for its arguments from SQL compiled on its
    first call (see the module's docstring for what the build function may do).
    """
    for kind in types:
        if kind not in _STAND_INS:
            raise CompiledQueryError(f"compiled_query takes str, int and date arguments, not {kind!r}.")

    def decorate(build):
        compiled = {}
        lock = threading.Lock()

        @functools.wraps(build)
        def run(*values):
            if len(values) != len(types):
                raise CompiledQueryError(f"{build.__qualname__} takes {len(types)} arguments.")
            for value, kind in zip(values, types, strict=True):
                if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                    raise CompiledQueryError(
                        f"{build.__qualname__} takes {kind.__name__}, not {type(value).__name__}."
                    )
            # Per connection vendor: a test run may point "default" elsewhere.
            key = connections["default"].vendor
            entry = compiled.get(key)
            if entry is None:
                with lock:
                    entry = compiled.get(key)
                    if entry is None:
                        entry = compiled[key] = _Compiled(build, types)
            if any(
                kind is int and not -_LARGEST_INT - 1 <= value <= _LARGEST_INT
                for value, kind in zip(values, types, strict=True)
            ):
                return entry.queryset.none()
            return entry.queryset_for(values)

        return run

    return decorate


_KEPT = {}


def kept(key, build, *types):
    """``compiled_query(*types)(build)``, made on the first call for ``key`` and kept under it.

    For a build function made at run time: ``key`` names what it builds, with everything
    that changes its SQL, and a later call with the same key runs the SQL kept then.
    """
    run = _KEPT.get(key)
    if run is None:
        run = _KEPT.setdefault(key, compiled_query(*types)(build))
    return run


def padded(ids, length):
    """``ids`` made ``length`` long by repeating the last (``pk IN (4, 7, 7)`` finds ``pk IN (4, 7)``)."""
    ids = list(ids)
    if not ids or len(ids) > length:
        raise CompiledQueryError(f"A padded list of ids takes 1 to {length} ids, not {len(ids)}.")
    return [*ids, *[ids[-1]] * (length - len(ids))]


def by_ids(key, build, ids, length):
    """``build(*ids)`` for at most ``length`` ids, compiled once for ``key`` and ``length``.

    The ids are :func:`padded` to ``length``, so that every page of a list runs the same SQL.
    """
    return kept((key, length), build, *[int] * length)(*padded(ids, length))
