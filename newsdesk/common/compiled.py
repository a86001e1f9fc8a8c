"""Light key queries (a list's ids and the few columns its cached renderings are keyed on) compiled once.

A cached list page costs one key query, and most of that query's CPU went to the ORM rather than the database:
building the QuerySet, compiling it to SQL and passing every value through its converters one call at a time
(a feed's 50 rows hold 150 dates). The SQL of such a query is a function of its arguments alone (the category, the
language, the ids of a page), so it is compiled once per set of arguments and kept with its parameters and
converters; later calls only execute it. Rows come back as values_list(named=True) gives them, value for value.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import NamedValuesListIterable
from django.db.models.utils import create_namedtuple_class

# Distinct argument sets kept compiled per process: a site's feeds, sections and first pages are a few hundred;
# the rest (API cursors, deep pages) come and go. One entry is a statement of 1-2 KB.
COMPILED_QUERIES = 1024


class _Compiled(NamedTuple):
    alias: str
    sql: str | None  # None: the query can match nothing (an empty IN list), nothing to execute
    params: tuple
    row: Callable[..., tuple]  # the named tuple class values_list(named=True) would build
    converters: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column, converter) for the columns that have any


_cache: OrderedDict[Hashable, _Compiled] = OrderedDict()
_lock = threading.Lock()


def key_rows(key: Hashable, build: Callable[[], QuerySet]) -> list[tuple]:
    """The rows of `build()` (a `values_list(..., named=True)` QuerySet), equal to `list(build())`, compiled once
    per `key`. `key` must determine the whole query: every argument `build` closes over."""
    with _lock:
        compiled = _cache.get(key)
        if compiled is not None:
            _cache.move_to_end(key)
    if compiled is None:
        compiled = _compile(build())
        with _lock:
            _cache[key] = compiled
            while len(_cache) > COMPILED_QUERIES:
                _cache.popitem(last=False)
    if compiled.sql is None:
        return []
    with connections[compiled.alias].cursor() as cursor:
        cursor.execute(compiled.sql, compiled.params)
        rows = cursor.fetchall()
    make, converters = compiled.row, compiled.converters
    if not converters:
        return [make(*row) for row in rows]
    result = []
    for row in rows:
        values = list(row)
        for index, convert in converters:
            values[index] = convert(values[index])
        result.append(make(*values))
    return result


def forget() -> None:
    """Drop every compiled query (tests that change what compiling depends on, the database say)."""
    with _lock:
        _cache.clear()


def _compile(queryset: QuerySet) -> _Compiled:
    fields = queryset._fields  # values_list's own record of the names its rows carry
    if not fields or queryset._iterable_class is not NamedValuesListIterable:
        raise ValueError("key_rows needs a values_list(..., named=True) QuerySet")
    alias = queryset.db
    connection = connections[alias]
    compiler = queryset.query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        sql, params = None, ()
    columns = [expression for expression, _, _ in compiler.select]
    if sql is not None and len(columns) != len(fields):
        raise ValueError(f"key_rows: {len(columns)} columns selected for {len(fields)} names")
    row = create_namedtuple_class(*fields)  # Django's own (cached) class for these names
    converters = tuple(
        (index, _converter(connection, functions, expression))
        for index, (functions, expression) in sorted(compiler.get_converters(columns).items())
    )
    return _Compiled(alias, sql, tuple(params), row, converters)


def _converter(connection, functions: list, expression) -> Callable[[Any], Any]:
    """One column's converters as one call: SQLite's date and boolean converters (the common ones) inlined, the
    rest applied as the ORM applies them."""
    operations = connection.ops
    # Only SQLite's (and MySQL's, Oracle's) operations have these; PostgreSQL's driver gives both types as they are.
    datetimes = getattr(operations, "convert_datetimefield_value", None)
    booleans = getattr(operations, "convert_booleanfield_value", None)
    if settings.USE_TZ and datetimes is not None and functions == [datetimes]:
        zone = connection.timezone

        def aware(value: Any) -> Any:
            if value is None:
                return None
            if not isinstance(value, datetime):
                return datetimes(value, expression, connection)
            return value.replace(tzinfo=zone) if value.tzinfo is None else value

        return aware
    if booleans is not None and functions == [booleans]:
        return lambda value: bool(value) if value in (1, 0) else value

    def apply(value: Any) -> Any:
        for function in functions:
            value = function(value, expression, connection)
        return value

    return apply
