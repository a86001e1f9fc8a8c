"""`extract_article`: one page's HTML in, a cleaned `ExtractedArticle` out.

The body is chosen by an ensemble (ensemble.py) among trafilatura, readability, the page's JSON-LD
`articleBody` and the feed's content; our own metadata pass (metadata/) decides canonical URL, title, byline,
dates, language, image and robots flags, because those are the fields attribution and rights depend on.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import lxml.html
from lxml import etree

from newsdesk.reader.dedup.wire import detect_wire_credit
from newsdesk.reader.extract import candidates
from newsdesk.reader.extract.boilerplate import prune_boilerplate, strip_inert
from newsdesk.reader.extract.candidates import BodyCandidate
from newsdesk.reader.extract.decode import decode_html
from newsdesk.reader.extract.ensemble import DEFAULT_PARAMS, EnsembleParams, choose_body
from newsdesk.reader.extract.errors import (
    EMPTY_DOCUMENT,
    NOT_HTML,
    OUT_OF_TIME,
    PAGE_TOO_LARGE,
    TOO_MANY_ELEMENTS,
    ExtractionError,
)
from newsdesk.reader.extract.language import identify_language
from newsdesk.reader.extract.metadata import read_metadata
from newsdesk.reader.extract.metadata.bylines import clean_byline
from newsdesk.reader.extract.restructure import (
    merge_sibling_articles,
    paragraphs_from_breaks,
    unwrap_layout_tables,
    wrap_stray_text,
)
from newsdesk.reader.feeds.dates import parse_date
from newsdesk.reader.types import ExtractedArticle
from newsdesk.reader.urls import is_publishable_url

_BY_LINE = re.compile(r"^(?:By|BY|Von|Par|Por)\s+([^\n]{3,100})$")
# Comments go at parse time: "suffered<!-- --> months" must stay one sentence, and trafilatura drops a
# comment's tail along with the comment when it is handed a tree that still has them.
_HTML_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
# Every element an HtmlElement, chosen inside libxml2's binding: lxml.html's own lookup is Python code run for each
# element proxy made (≈ 300,000 on the 115 dev pages, ≈ 10 % of the time); its per-tag classes (forms, inputs,
# labels) go unused: those elements are stripped as inert before any candidate reads the tree.
_HTML_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)
# Counted inside libxml2: iterating would build a Python proxy (and an lxml.html class lookup) per element.
_COUNT_ELEMENTS = etree.XPath("count(//*)")
# What htmldate needs to find any date (see _may_hold_a_date): a year it accepts (1990-2039) written in ASCII digits,
# or a day, month and two-digit year ("05.04.15", "5/4/15", "05-04-15"), the one form it reads without a full year.
_YEAR_STEMS = ("201", "202", "200", "199", "203")  # the likeliest first: a dated page stops at its first year
_SHORT_YEAR_DATE = re.compile(r"[0-9][./-][0-9][0-9]?[./-][0-9][0-9]")
_DIGIT_REFERENCES = ("&#4", "&#5", "&#x3", "&#X3")  # "&#50;" is a "2" once parsed
# The one date htmldate reads without a year written: an <abbr data-utime="1425000000"> (seconds since 1970).
_EPOCH_ATTRIBUTE = "data-utime"


@dataclass(frozen=True)
class ExtractOptions:
    """What one page may cost, and which links and images may be kept.

    The caps bound memory and time (a 15 MB page took 440 MB and 17 s before them; a page at both caps takes
    about 3 s and 120 MB on one core). The time budget is checked between stages, so a stage that starts in
    time runs to its end: the caps are what keep each stage short.
    """

    allow_loopback: bool = False  # keep links and images on 127.0.0.0/8 (the demo and tests fetch from there)
    max_bytes: int = 4 * 1024 * 1024  # real article pages, inline scripts and JSON included, stay well below
    max_elements: int = 25_000  # a long live blog has about 10,000
    time_budget_s: float = 5.0
    ensemble: EnsembleParams = field(default=DEFAULT_PARAMS)


DEFAULT_OPTIONS = ExtractOptions()


class _Budget:
    def __init__(self, seconds: float) -> None:
        self._deadline = time.monotonic() + seconds
        self._seconds = seconds

    def check(self, stage: str) -> None:
        if time.monotonic() > self._deadline:
            raise ExtractionError(OUT_OF_TIME, f"{self._seconds:g}s spent before {stage}")


def extract_article(
    html: bytes | str,
    *,
    url: str,
    headers: dict[str, str] | None = None,
    options: ExtractOptions = DEFAULT_OPTIONS,
    feed_html: str = "",
) -> ExtractedArticle:
    """Extract body (sanitized HTML and text) and metadata from one article page. `feed_html` is the feed's
    full content for this entry, when it has one: one more body candidate.

    Raises ExtractionError for empty or non-HTML input and for a page over the options' size, element or time
    budget. A page where no body is found still returns its metadata with empty body fields.
    """
    budget = _Budget(options.time_budget_s)
    if len(html) > options.max_bytes:
        raise ExtractionError(PAGE_TOO_LARGE, f"{len(html):,} bytes, the limit is {options.max_bytes:,}")
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    text = decode_html(html, content_type=lowered.get("content-type", ""))
    if not text.strip():
        raise ExtractionError(EMPTY_DOCUMENT)
    if "\x00" in text[:2048]:
        raise ExtractionError(NOT_HTML, "binary content")
    try:
        document = lxml.html.document_fromstring(text, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError(NOT_HTML, str(error)) from None
    may_hold_a_date = _may_hold_a_date(text, url)  # a dated page answers at its first year: microseconds
    del text
    elements = int(_COUNT_ELEMENTS(document))
    if elements > options.max_elements:
        raise ExtractionError(TOO_MANY_ELEMENTS, f"{elements:,}, the limit is {options.max_elements:,}")
    budget.check("metadata")
    meta = read_metadata(document, url=url, headers=lowered)
    notes = list(meta.notes)
    image_url = meta.image_url
    if image_url and not is_publishable_url(image_url, allow_loopback=options.allow_loopback):
        notes.append(f"image ignored: not a public address: {image_url[:120]}")
        image_url = ""
    base_url = meta.canonical_url or url
    published, published_is_date = meta.published, meta.published_is_date
    if published is None and may_hold_a_date:
        # Read before the candidates prune the page in place (htmldate needs the whole page; pruning a copy instead
        # cost a deep copy of the tree on every page without a declared date).
        budget.check("dates")
        published, published_is_date = _htmldate(document, url), True  # htmldate finds days, never times
    budget.check("body extraction")
    found, second_opinion, tie_breakers = _body_candidates(
        document,
        url=url,
        title=meta.title,
        base_url=base_url,
        allow_loopback=options.allow_loopback,
        article_body=meta.article_body,
        feed_html=feed_html,
        in_place=True,  # nothing reads the page's own tree after the candidates
    )
    choice = choose_body(
        found,
        second_opinion=second_opinion,
        tie_breakers=tie_breakers,
        params=options.ensemble,
        description=meta.description,
    )
    chosen = choice.candidate.finished() if choice.candidate else None
    body_html = chosen.html if chosen else ""
    body_text = chosen.text if chosen else ""
    budget.check("language")
    byline = meta.byline or _byline_from_text(body_text)
    # dateModified equal to (or before) datePublished is the CMS filling both fields, not an update.
    updated = meta.updated if meta.updated and (published is None or meta.updated > published) else None
    return ExtractedArticle(
        url=url,
        canonical_url=meta.canonical_url,
        title=meta.title,
        byline=byline,
        published=published,
        published_is_date=published is not None and published_is_date,
        updated=updated,
        language=identify_language(f"{meta.title}\n{body_text}", hints=(meta.language,)),
        description=meta.description,
        body_html=body_html,
        body_text=body_text,
        image_url=image_url,
        site_name=meta.site_name,
        wire_credit=detect_wire_credit(body_text, byline, meta.meta_author),
        noarchive=meta.noarchive,
        robots_directives=meta.robots_directives,
        categories=meta.categories,
        notes=tuple(notes),
        body_source=choice.source,
        body_reasons=choice.reasons,
    )


def _body_candidates(
    document: etree._Element,
    *,
    url: str,
    title: str,
    base_url: str,
    allow_loopback: bool,
    article_body: str,
    feed_html: str,
    prune: bool = True,
    in_place: bool = False,
) -> tuple[list[BodyCandidate], Callable[[], list[BodyCandidate]], Callable[[], list[BodyCandidate]]]:
    """The candidates every page gets (trafilatura, outside sources), a callable for readability's (asked for
    unless an outside source agrees with trafilatura) and one for the tie-breakers the ensemble asks for only
    when trafilatura and readability disagree. `prune=False` skips the boilerplate pass
    (the cross-validation compares both); `in_place=True` prunes `document` itself instead of a copy."""
    pruned = document if in_place else copy.deepcopy(document)
    strip_inert(pruned)
    if prune:
        prune_boilerplate(pruned)
    merge_sibling_articles(pruned)
    unwrap_layout_tables(pruned)
    paragraphs_from_breaks(pruned)
    wrap_stray_text(pruned)
    found = [
        candidates.trafilatura_candidate(
            pruned,
            source=candidates.TRAFILATURA,
            url=url,
            title=title,
            base_url=base_url,
            allow_loopback=allow_loopback,
        ),
        candidates.text_candidate(candidates.JSON_LD, article_body),
        candidates.html_candidate(candidates.FEED, feed_html, base_url=base_url, allow_loopback=allow_loopback),
    ]

    def second_opinion() -> list[BodyCandidate]:
        readable = candidates.readability_candidate(
            pruned, title=title, base_url=base_url, allow_loopback=allow_loopback
        )
        return [readable] if readable else []

    def tie_breakers() -> list[BodyCandidate]:
        precise = candidates.trafilatura_candidate(
            pruned,
            source=candidates.TRAFILATURA_PRECISION,
            url=url,
            title=title,
            base_url=base_url,
            allow_loopback=allow_loopback,
        )
        return [precise] if precise else []

    return [c for c in found if c is not None], second_opinion, tie_breakers


def _byline_from_text(body_text: str) -> str:
    """A "By Jane Doe" line among the first lines of the body."""
    for line in body_text.splitlines()[:6]:
        match = _BY_LINE.match(line.strip())
        if match:
            return clean_byline(match.group(1))
    return ""


def _may_hold_a_date(page: str, url: str) -> bool:
    """Whether htmldate could find a date on this page at all, read from the page's text before it is parsed.

    Every date htmldate takes is written with digits: a year it accepts (1990-2039, in a URL, a meta tag, JSON, the
    text or an attribute), a day, month and two-digit year, or a time in seconds (an <abbr>'s data-utime). A page whose
    text is ASCII (no other script's digits, which its patterns would also read) and holds none of these, nor a digit
    written as a character reference, holds no date it could find; there it copied, serialized and searched the whole page for nothing (4 ms on a 180 KB page of
    links). Only a page that passes no test is searched to its end: a dated page stops at its first year, and a
    page that is not ASCII is not searched at all."""
    if not page.isascii() or any(stem in url or stem in page for stem in _YEAR_STEMS):
        return True
    if any(ref in page for ref in _DIGIT_REFERENCES) or _SHORT_YEAR_DATE.search(page) is not None:
        return True
    return _EPOCH_ATTRIBUTE in page.lower()  # lowered: attribute names are not case-sensitive in HTML


def _htmldate(document: etree._Element, url: str) -> datetime | None:
    """htmldate as the last resort for the publication date (it reads URLs, visible dates, ...)."""
    try:
        from htmldate import find_date
    except ImportError:  # pragma: no cover - htmldate ships with trafilatura
        return None
    try:
        found = find_date(document, url=url or None, original_date=True, extensive_search=False)
    except Exception:  # htmldate raises anything on odd pages; a missing date is fine
        return None
    return parse_date(found) if found else None
