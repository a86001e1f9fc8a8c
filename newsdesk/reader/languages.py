"""Language codes as we store them: BCP 47 primary subtags ("en", not "en-US"), so one language is one value
everywhere (a `?lang=` filter, a story's languages, a publisher's). Kept apart from language identification,
which loads a model: the database fields normalise with this on every write."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


def normalise_language(code: str) -> str:
    """'en-US' / 'fr_FR' / 'DE' -> 'en' / 'fr' / 'de', in BCP 47's canonical form ('eng' / 'fre' -> 'en' / 'fr',
    the withdrawn 'iw' -> 'he'); anything unparseable -> ""."""
    match = _CODE.match((code or "").strip().split(",")[0].strip())
    return canonical_language_code(match.group(1).lower()) if match else ""


def normalise_languages(codes: Iterable[str]) -> list[str]:
    """Each code normalised, in their order, without repeats or unparseable ones (["en-US", "en", "x!"] -> ["en"])."""
    seen: dict[str, None] = {}
    for code in codes:
        if primary := normalise_language(code):
            seen.setdefault(primary, None)
    return list(seen)


# Registered in BCP 47 (IANA's registry) but withdrawn from ISO 639-1, so absent from ISO 639-3's tables: pages still
# declare them (`<html lang="iw">`). Each is stored as the registry's Preferred-Value, so one language is one value.
_WITHDRAWN_CODES = {"in": "id", "iw": "he", "ji": "yi", "jw": "jv", "mo": "ro"}


def names_a_language(code: str) -> bool:
    """Whether the primary subtag `code` (lower case) names a language: an ISO 639-3 language (living, extinct,
    historical or constructed) by its ISO 639-1 or 639-3 code, or a withdrawn 639-1 code BCP 47 still registers.
    Well-formed codes that name none are refused: the special `und`, `mul`, `zxx`, `mis`, the private-use
    `qaa` to `qtz`, collections such as `sla`, and unassigned ones (`xx`, `zz`)."""
    return code in _WITHDRAWN_CODES or code in _language_codes()[0]


def canonical_language_code(code: str) -> str:
    """A primary subtag (lower case) in the form we store: the 2-letter code of the language a 3-letter ISO 639-2 or
    639-3 code names, when it has one ("eng" -> "en", "fra" and the bibliographic "fre" -> "fr"), as BCP 47 makes the
    shortest code the canonical tag; a withdrawn 2-letter code's replacement ("iw" -> "he"); any other code as it is
    ("bcl", "en", "xx"). Only a 3-letter code loads the ISO 639 table (about 50 ms, once)."""
    if len(code) == 3:
        return _language_codes()[1].get(code, code)
    return _WITHDRAWN_CODES.get(code, code)


@cache
def _language_codes() -> tuple[frozenset[str], dict[str, str]]:
    """Every ISO 639-1 and 639-3 code of a language, and the 2-letter code of each 3-letter one (639-3 and 639-2/B)
    that has one (pycountry's tables; about 45 ms the first time, so loaded at the first `?lang=` asked, not at
    import)."""
    import pycountry

    codes: set[str] = set()
    two_letter: dict[str, str] = {}
    for language in pycountry.languages:
        if language.type != "S":  # special: mis, mul, und, zxx
            codes.add(language.alpha_3)
            if alpha_2 := getattr(language, "alpha_2", None):
                codes.add(alpha_2)
                two_letter[language.alpha_3] = alpha_2
                if bibliographic := getattr(language, "bibliographic", None):
                    two_letter[bibliographic] = alpha_2
    return frozenset(codes), two_letter
