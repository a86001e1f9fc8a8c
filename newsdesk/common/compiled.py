"""ORM queries turned into SQL once per process, then run on a plain cursor: the light key reads of a page.

A page served from cached fragments still reads a few keys (its article's columns, the section list) on every
request, and for such a query Django spends ten times longer building the SQL than the database spends running it.
The query is still written with the ORM (joins, visibility filters and column names stay in one place); it is
compiled the first time with marker values standing for its arguments, and later calls only swap the arguments in.
Rows come back as the database driver gives them (SQLite gives dates as text): they are keys and plain values, not
model fields.
"""

from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Stand for the arguments while compiling; an argument must reach the SQL as a parameter equal to its marker. Django
# leaves a filter on a value out of its column's range out of the SQL: these fit every integer column but the small.
_MARKERS = (2147480001, 2147480002, 2147480003)
_compiled: dict[tuple[str, str], tuple[str, tuple, tuple[int, ...]]] = {}


def _compile(build: Callable[..., QuerySet], arity: int, alias: str) -> tuple[str, tuple, tuple[int, ...]]:
    markers = _MARKERS[:arity]
    sql, params = build(*markers).query.get_compiler(using=alias).as_sql()
    positions = tuple(params.index(marker) for marker in markers)
    if sorted(position for position, value in enumerate(params) if value in markers) != sorted(positions):
        raise ValueError("each argument must reach the query once, as a parameter")
    return sql, tuple(params), positions


def compiled_rows(name: str, build: Callable[..., QuerySet], *args: Any, using: str = "default") -> list[tuple]:
    """The rows of `build(*args)` (a values_list() queryset; at most three arguments, each used once in a filter),
    as the driver returns them. `name` identifies the query: the SQL is built once per process and database."""
    key = (name, using)
    if key not in _compiled:
        _compiled[key] = _compile(build, len(args), using)
    sql, params, positions = _compiled[key]
    values = list(params)
    for position, arg in zip(positions, args, strict=True):
        values[position] = arg
    with connections[using].cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchall()
