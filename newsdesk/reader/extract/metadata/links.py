"""The page's own addresses: its <base>, its canonical URL and its lead image, each resolved against the page and
refused (with a note saying why) when it is no usable http(s) URL."""

from __future__ import annotations

from typing import Any

from lxml import etree

from newsdesk.reader.extract import jsonld, xpaths
from newsdesk.reader.extract.metadata.fields import MetaValues
from newsdesk.reader.urls import canonicalize_url, resolve_page_url

_NOTE_URL_CHARS = 120


def read_base_url(document: etree._Element, url: str, notes: list[str]) -> str:
    """The URL the page's relative links resolve against."""
    for base in document.iter("base"):
        # Only the first <base> counts (as in browsers); an unusable one leaves the page's own URL as the base.
        return _absolute(base.get("href") or "", url, notes, what="<base href>") or url
    return url


def read_canonical_url(
    document: etree._Element, meta: MetaValues, article: dict[str, Any], base: str, notes: list[str]
) -> str:
    """The first usable of <link rel=canonical>, og:url and the JSON-LD article's `url`."""
    candidates = [
        ("canonical link", link.get("href") or "")
        for link in document.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    candidates += [("og:url", value) for value in meta.get("og:url", ())]
    candidates.append(("JSON-LD url", jsonld.url_of(article.get("url"))))
    for what, href in candidates:
        absolute = _absolute(href, base, notes, what=what)
        if absolute:
            return canonicalize_url(absolute)
    return ""


def read_image_url(
    document: etree._Element, meta: MetaValues, article: dict[str, Any], base: str, notes: list[str]
) -> str:
    """The first usable of the image <meta> values, the JSON-LD article's `image` and <link rel=image_src>."""
    candidates = [(key, value) for key in xpaths.IMAGE_META for value in meta.get(key, ())]
    candidates.append(("JSON-LD image", jsonld.url_of(article.get("image"))))
    candidates += [
        ("image_src link", link.get("href") or "")
        for link in document.iter("link")
        if (link.get("rel") or "").lower() == "image_src"
    ]
    for what, href in candidates:
        absolute = _absolute(href, base, notes, what=what)
        if absolute:
            return absolute
    return ""


def _absolute(href: str, base: str, notes: list[str], *, what: str) -> str:
    """`href` resolved against `base` when it is a usable http(s) URL; otherwise "" and a note saying why."""
    if not (href or "").strip():
        return ""
    absolute, problem = resolve_page_url(href, base=base)
    if problem:
        notes.append(f"{what} ignored: {problem}: {_shown(href)}")
    return absolute


def _shown(href: str) -> str:
    """A refused URL as it may appear in a one-line note: printable, short."""
    text = repr(href.strip())[1:-1]
    return text if len(text) <= _NOTE_URL_CHARS else text[: _NOTE_URL_CHARS - 1] + "…"
