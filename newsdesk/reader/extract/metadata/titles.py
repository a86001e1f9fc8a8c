"""The page's title: the first of its og:title, JSON-LD headline, <title> and <h1>, without the site's name or a
section label around the headline."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from newsdesk.reader.extract import jsonld, xpaths
from newsdesk.reader.extract.metadata.fields import MetaValues, clean_field, first_meta

_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|\u2013|—|::|·|•|»|/)\s+")
# Right after the page's own headline a separator needs no spaces around it: Chinese and Japanese titles write
# "标题-新华网" and "見出し\uff1a日本経済新聞" (a full-width colon); a headline does not go on with a dash or a
# bar glued to its last word.
_TIGHT_SEPARATOR = re.compile(r"\s*(?:\||-|_|\u2013|—|::|\uff1a|·|•|»|/)")
_LONG_HEADLINE_CHARS = 12  # a headline in a script written without spaces between words: length, not words


def read_title(
    document: etree._Element,
    meta: MetaValues,
    article: dict[str, Any],
    site_name: str,
    url: str,
    canonical: str,
) -> str:
    """The first non-empty title candidate, stripped of the site's name and cut at the page's own headline."""
    candidates = [first_meta(meta, xpaths.TITLE_META), jsonld.text_of(article.get("headline"))]
    title_el = document.find(".//title")
    if title_el is not None and title_el.text:
        candidates.append(title_el.text)
    h1 = document.find(".//h1")
    headline = clean_field(h1.text_content()) if h1 is not None else ""
    candidates.append(headline)
    for candidate in candidates:
        cleaned = strip_site_name(clean_field(candidate or ""), site_name, url, canonical)
        if cleaned:
            return _cut_at_headline(cleaned, headline)
    return ""


def _cut_at_headline(title: str, headline: str) -> str:
    """'Live: floods — updates' over an <h1> 'Live: floods' -> the <h1>: what follows the page's own headline
    after a separator is a label (section, format, site), whatever it says. A headline of fewer than three words
    counts only when it is a long one in a script written without spaces ('短缺药品保供稳价-新华网')."""
    if not headline or not title.startswith(headline):
        return title
    if len(headline.split()) >= 3:
        return headline if _TITLE_SEPARATORS.match(title, len(headline)) else title
    spaceless = len(headline) >= _LONG_HEADLINE_CHARS and not headline.isascii()
    return headline if spaceless and _TIGHT_SEPARATOR.match(title, len(headline)) else title


def strip_site_name(title: str, site_name: str, *urls: str) -> str:
    """'Headline | Site Name' -> 'Headline' (also ' - ', ' — ', ' :: '), when the cut part names the site."""
    cuts = list(_TITLE_SEPARATORS.finditer(title))
    if not cuts:
        return title
    names_site = _site_namer(site_name, urls)
    start, end = 0, len(title)
    while cuts and names_site(title[cuts[-1].end() : end]):
        end = cuts.pop().start()
    while cuts and names_site(title[start : cuts[0].start()]):
        start = cuts.pop(0).end()
    if cuts and cuts[-1].group(0).strip() == "|":
        tail = title[cuts[-1].end() : end]
        if len(tail.split()) <= 4 and len(title[start : cuts[-1].start()].split()) >= 3:
            end = cuts.pop().start()  # a short trailing "| Politics" is a section or site label
    return title[start:end].strip()


def _site_namer(site_name: str, urls: tuple[str, ...]) -> Callable[[str], bool]:
    """A test of whether a piece of text names the site: its declared name, or its host without the dots."""
    hosts = [(urlsplit(u).hostname or "").lower().removeprefix("www.").replace(".", "") for u in urls if u]
    site = site_name.lower().strip()

    def names_site(part: str) -> bool:
        low = part.lower().strip()
        compact = re.sub(r"[^a-z0-9]", "", low)
        return bool(low) and (
            low == site or (bool(site) and low in site) or (len(compact) > 2 and any(compact in h for h in hosts))
        )

    return names_site
