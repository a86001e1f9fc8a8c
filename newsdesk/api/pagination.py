"""Keyset (cursor) pagination of API lists.

A cursor is the sort key of the last item a page returned, encoded as URL-safe base64 of compact JSON, so clients
treat it as opaque. The next page starts strictly after that key: rows inserted meanwhile never shift a page the
way `offset` does, and no row is returned twice or skipped. Decoding checks the shape and raises CursorError
with one message for any bad cursor (never a traceback).
"""

import base64
import binascii
import json
from typing import Any

MAX_CURSOR_CHARS = 512
ERROR_BAD_CURSOR = "cursor is not valid: pass the value of a `next` link unchanged"
# The site's lists page by `?page=N`; a client carrying that over would get the first page again and again (unknown
# parameters are otherwise ignored), so this one is refused by name.
ERROR_PAGE_PARAM = "page is not a parameter of the API: lists page by cursor (follow `next` until it is null)"


class CursorError(ValueError):
    """The cursor parameter is not one we issued."""


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
