"""Language codes as we store them: BCP 47 primary subtags ("en", not "en-US"), so one language is one value
everywhere (a `?lang=` filter, a story's languages, a publisher's). Kept apart from language identification,
which loads a model: the database fields normalise with this on every write."""

from __future__ import annotations

import re
from collections.abc import Iterable

_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


def normalise_language(code: str) -> str:
    """'en-US' / 'fr_FR' / 'DE' -> 'en' / 'fr' / 'de'; anything unparseable -> ""."""
    match = _CODE.match((code or "").strip().split(",")[0].strip())
    return match.group(1).lower() if match else ""


def normalise_languages(codes: Iterable[str]) -> list[str]:
    """Each code normalised, in their order, without repeats or unparseable ones (["en-US", "en", "x!"] -> ["en"])."""
    seen: dict[str, None] = {}
    for code in codes:
        if primary := normalise_language(code):
            seen.setdefault(primary, None)
    return list(seen)
