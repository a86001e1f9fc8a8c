"""The page's publication and update dates: JSON-LD first, then <meta>, then dated markup (itemprop, <time>)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from lxml import etree

from newsdesk.reader.extract import jsonld, xpaths
from newsdesk.reader.extract.metadata.fields import MetaValues
from newsdesk.reader.feeds.dates import parse_date

_HAS_TIME = re.compile(r"\d:\d\d|T\d")  # "2026-03-01" is a day; "2026-03-01T09:30" and "09:30" are times
_ITEMPROP = etree.XPath("//@itemprop[.=$name]/..")  # by attribute, as xpaths.BYLINE_XPATH


def read_published(document: etree._Element, meta: MetaValues, article: dict[str, Any]) -> tuple[datetime | None, bool]:
    """When the page says it was published, and whether it gave a day with no time."""
    published_text = _date_text(jsonld.text_of(article.get("datePublished")), meta, xpaths.PUBLISHED_META)
    published = parse_date(published_text) if published_text else None
    if published is None:
        published_text = _time_element_text(document, "datePublished")
        published = parse_date(published_text) if published_text else None
    return published, published is not None and not _HAS_TIME.search(published_text)


def read_updated(document: etree._Element, meta: MetaValues, article: dict[str, Any]) -> datetime | None:
    """When the page says it was last modified."""
    return parse_date(
        _date_text(jsonld.text_of(article.get("dateModified")), meta, xpaths.UPDATED_META)
        or _time_element_text(document, "dateModified")
    )


def _date_text(jsonld_value: str, meta: MetaValues, keys: tuple[str, ...]) -> str:
    """The first of the JSON-LD value and the meta values that parses as a date ("" when none does)."""
    for value in (jsonld_value, *(v for key in keys for v in meta.get(key, ()))):
        if value and parse_date(value) is not None:
            return value
    return ""


def _time_element_text(document: etree._Element, itemprop: str) -> str:
    for el in _ITEMPROP(document, name=itemprop):
        value = el.get("datetime") or el.get("content") or ""
        if parse_date(value) is not None:
            return value
    if itemprop != "datePublished":
        return ""
    for el in document.iter("time"):
        value = el.get("datetime") or ""
        if parse_date(value) is not None:
            return value
    return ""
