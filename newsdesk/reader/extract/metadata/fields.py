"""What every metadata reader shares: the page's <meta> values by name, the first of several, and a field's text
made plain."""

from __future__ import annotations

import re

from lxml import etree

MetaValues = dict[str, list[str]]  # lower-cased property/name/itemprop/http-equiv -> contents, in page order

_SPACE = re.compile(r"[ \t\n\r\f\v]+")
# A no-break space between words of a title or a name is layout ("Joan\xa0Biskupic", "guns and\xa0drones"): a plain
# space, so the field compares and searches like any other. Kept where it is typography: inside a number ("6\xa0450"),
# before French ; : ! ? » and after «. Narrow no-break spaces (U+202F) are always typography and stay.
_LAYOUT_NBSP = re.compile(r"(?<![\d«\u2039])\xa0(?![;:!?»\u203a])|(?<=\d)\xa0(?![\d;:!?»\u203a])")


def meta_values(document: etree._Element) -> MetaValues:
    """The non-blank contents of the page's <meta> elements, by each of their lower-cased key attributes."""
    values: MetaValues = {}
    for el in document.iter("meta"):
        content = el.get("content")
        if content is None or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                values.setdefault(key.strip().lower(), []).append(content.strip())
    return values


def first_meta(meta: MetaValues, keys: tuple[str, ...]) -> str:
    """The first value under the first of `keys` that has one ("" when none has)."""
    for key in keys:
        for value in meta.get(key, ()):
            if value:
                return value
    return ""


def clean_field(value: str) -> str:
    """`value` on one line: runs of whitespace and layout no-break spaces as one space, trimmed."""
    return _SPACE.sub(" ", _LAYOUT_NBSP.sub(" ", value)).strip()
