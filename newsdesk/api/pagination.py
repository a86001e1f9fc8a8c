"""Keyset (cursor) pagination of API lists, and the paging parameters every list reads.

A cursor is the sort key of the last item a page returned, encoded as URL-safe base64 of compact JSON, so clients
treat it as opaque. The next page starts strictly after that key: rows inserted meanwhile never shift a page the
way `offset` does, and no row is returned twice or skipped. Decoding checks the shape and raises CursorError
with one message for any bad cursor (never a traceback).
"""

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from django.http import HttpResponseBase

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CURSOR_CHARS = 512
ERROR_BAD_LIMIT = f"limit must be an integer from 1 to {MAX_LIMIT}"
ERROR_CURSOR_AND_OFFSET = "pass either cursor or offset, not both"
DEPRECATION_LINK = '</api/docs#pagination>; rel="deprecation"'
ERROR_BAD_CURSOR = "cursor is not valid: pass the value of a `next` link unchanged"
# The site's lists page by `?page=N`; a client carrying that over would get the first page again and again (unknown
# parameters are otherwise ignored), so this one is refused by name.
ERROR_PAGE_PARAM = "page is not a parameter of the API: lists page by cursor (follow `next` until it is null)"


class CursorError(ValueError):
    """The cursor parameter is not one we issued."""


class PageParamError(ValueError):
    """A list's paging parameters are not ones it takes; the message says which, for a 400."""


class PageParams(NamedTuple):
    limit: int
    offset: int  # deprecated: see mark_offset_deprecated
    cursor: str | None


def bad_offset_error(max_offset: int) -> str:
    return f"offset must be an integer from 0 to {max_offset}"


def page_params(query: Mapping[str, str], *, max_offset: int) -> PageParams:
    """The limit, offset and cursor of a list's query; PageParamError for a `page`, a limit or an offset out of
    range, or both a cursor and an offset."""
    if "page" in query:
        raise PageParamError(ERROR_PAGE_PARAM)
    limit = _int_param(query.get("limit"), default=DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
    if limit is None:
        raise PageParamError(ERROR_BAD_LIMIT)
    offset = _int_param(query.get("offset"), default=0, low=0, high=max_offset)
    if offset is None:
        raise PageParamError(bad_offset_error(max_offset))
    cursor = query.get("cursor")
    if cursor is not None and "offset" in query:
        raise PageParamError(ERROR_CURSOR_AND_OFFSET)
    return PageParams(limit=limit, offset=offset, cursor=cursor)


def _int_param(raw: str | None, *, default: int, low: int, high: int) -> int | None:
    """The integer in `raw` if it lies in [low, high], `default` when absent, None when invalid."""
    if raw is None:
        return default
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        return None
    value = int(raw)
    return value if low <= value <= high else None


def mark_offset_deprecated(response: HttpResponseBase, query: Mapping[str, str]) -> None:
    """A response to a query that pages by `offset` says that parameter is deprecated, and links to the docs."""
    if "offset" in query:
        response["Deprecation"] = "true"
        response["Link"] = DEPRECATION_LINK


def cursor_encode(key: list[Any]) -> str:
    raw = json.dumps(key, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def cursor_decode(cursor: str, *, kinds: tuple[type | None, ...]) -> list[Any]:
    """The key in `cursor`, each element of the type in `kinds` (None allows null as well as str)."""
    if not cursor or len(cursor) > MAX_CURSOR_CHARS or not cursor.isascii():
        raise CursorError(ERROR_BAD_CURSOR)
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as error:
        raise CursorError(ERROR_BAD_CURSOR) from error
    if not isinstance(key, list) or len(key) != len(kinds):
        raise CursorError(ERROR_BAD_CURSOR)
    for value, kind in zip(key, kinds, strict=True):
        allowed = (str, type(None)) if kind is None else (kind,)
        # bool is an int to isinstance; a cursor never carries one.
        if isinstance(value, bool) or not isinstance(value, allowed):
            raise CursorError(ERROR_BAD_CURSOR)
    return key
