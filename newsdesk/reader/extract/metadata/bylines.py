"""The page's byline: its JSON-LD authors, its author <meta> or a byline element, cleaned to the names alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from newsdesk.reader.dedup.wire import detect_wire_credit
from newsdesk.reader.extract import jsonld, xpaths
from newsdesk.reader.extract.candidates import lowered_words
from newsdesk.reader.extract.metadata.fields import MetaValues, clean_field

_BYLINE_PREFIX = re.compile(r"^\s*(?:by|von|par|por|di|de)\s*:?\s+", re.I)
_MONTHS = (
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?"
    r"|Nov(?:ember)?|Dec(?:ember)?"
)
# German, French and Spanish dates put the day first: "3. März 2026", "3 mars 2026", "3 de marzo de 2026".
_MONTHS_AFTER_DAY = (
    rf"{_MONTHS}|Januar|Februar|März|Juni|Juli|Oktober|Dezember|janvier|février|mars|avril|mai|juin|juillet|août"
    r"|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre"
    r"|noviembre|diciembre"
)
# A date ends the name even when the page glued it on ("By Jane DoeMarch 3, 2026"): no word boundary before it.
_BYLINE_DATE = (
    rf"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}\.?\s+(?:de\s+)?(?:{_MONTHS_AFTER_DAY})\.?,?\s+(?:de\s+)?\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}"
)
_BYLINE_NOISE = re.compile(
    rf"\s*(?:\||•|·|\bupdated\b|\bpublished\b|\bposted\b|\d{{1,2}}:\d{{2}}|\bon\s+\w+day\b|{_BYLINE_DATE}).*$", re.I
)
_MAX_BYLINE = 120
_OXFORD_AND = re.compile(r",\s+and\s+", re.I)
_BYLINES = etree.XPath(xpaths.BYLINE_XPATH)


def read_byline(document: etree._Element, meta: MetaValues, article: dict[str, Any]) -> str:
    """The JSON-LD article's author names, else the first author <meta>, else the first byline element that
    reads as a name ("" when none does)."""
    names = [n for n in jsonld.names_of(article.get("author")) if not n.startswith(("http://", "https://"))]
    if names:
        return clean_byline(", ".join(dict.fromkeys(names)))
    author = first_person([v for key in xpaths.AUTHOR_META for v in meta.get(key, ())])
    if author:
        return clean_byline(author)
    for el in _BYLINES(document)[:5]:
        text = clean_byline(el.text_content() if hasattr(el, "text_content") else "".join(el.itertext()))
        if text:
            return text
    return ""


def first_person(values: list[str]) -> str:
    """The first of `values` that is not a profile URL ("" when none)."""
    for value in values:
        if value and not value.startswith(("http://", "https://")):
            return value
    return ""


def clean_byline(value: str) -> str:
    """'By Jane Doe | Updated 5:03 PM' -> 'Jane Doe'; empty when what is left does not look like a name."""
    value = _BYLINE_NOISE.sub("", _BYLINE_PREFIX.sub("", clean_field(value))).strip(" ,;:-\u2013—")
    if not value or len(value) > _MAX_BYLINE or not any(ch.isalpha() for ch in value):
        return ""
    return value


def strip_outlet(byline: str, site_name: str, *urls: str) -> str:
    """'Jane Doe, Max Roe, and Ann Poe, CNN' -> 'Jane Doe, Max Roe, Ann Poe': the outlet after the last comma is the
    site's own name, not an author's, and the list reads like every other byline list. A news agency stays even on its
    own site ("Jane Doe, Associated Press"): the wire credit is read from it."""
    names_site = _outlet_namer(site_name, urls)
    head, comma, last = byline.rpartition(",")
    # A loop: some sites print their name twice ("Jane Doe, CNN, CNN").
    while comma and head.strip() and names_site(last) and not detect_wire_credit("", last):
        byline = head.strip()
        head, comma, last = byline.rpartition(",")
    return _OXFORD_AND.sub(", ", byline)


def _outlet_namer(site_name: str, urls: tuple[str, ...]) -> Callable[[str], bool]:
    """A test of whether a byline's last part names the site: whole words of its declared name ("Verge" of "The
    Verge"), or whole labels of its host ("cnn.com", "theverge"). Whole words, not the titles' looser match
    (titles._site_namer): a byline's last part is often a given name ("Lee, Min"), and "min" is inside
    "Minneapolis"."""
    site_words = lowered_words(site_name)
    host_runs: set[str] = set()
    for url in urls:
        labels = (urlsplit(url).hostname or "").lower().removeprefix("www.").split(".") if url else []
        host_runs |= {"".join(labels[i:j]) for i in range(len(labels)) for j in range(i + 1, len(labels) + 1)}

    def names_site(part: str) -> bool:
        words = lowered_words(part)
        if not words:
            return False
        n = len(words)
        in_name = any(site_words[i : i + n] == words for i in range(len(site_words) - n + 1))
        return in_name or "".join(words) in host_runs - {""}

    return names_site
