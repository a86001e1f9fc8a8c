"""`extract_article`: one page's HTML in, a cleaned `ExtractedArticle` out.

trafilatura finds the body; our own metadata pass (metadata.py) decides canonical URL, title, byline,
dates, language, image and robots flags, because those are the fields attribution and rights depend on.
"""

from __future__ import annotations

import copy
import re
import time
from dataclasses import dataclass
from datetime import datetime

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.htmlprocessing import convert_to_html

from newsdesk.reader.dedup.wire import detect_wire_credit
from newsdesk.reader.extract.boilerplate import drop_keep_tail, is_call_to_action, prune_boilerplate
from newsdesk.reader.extract.decode import decode_html
from newsdesk.reader.extract.errors import (
    EMPTY_DOCUMENT,
    NOT_HTML,
    OUT_OF_TIME,
    PAGE_TOO_LARGE,
    TOO_MANY_ELEMENTS,
    ExtractionError,
)
from newsdesk.reader.extract.language import detect_language
from newsdesk.reader.extract.metadata import clean_byline, read_metadata
from newsdesk.reader.extract.sanitize import html_to_text, sanitize_html
from newsdesk.reader.feeds.dates import parse_date
from newsdesk.reader.types import ExtractedArticle
from newsdesk.reader.urls import is_publishable_url

_BY_LINE = re.compile(r"^(?:By|BY|Von|Par|Por)\s+([^\n]{3,100})$")
_WORD = re.compile(r"\w+")
_CAPTION = re.compile(r"caption|credit|photo-?info|image-?info|figcaption")
# Comments go at parse time: "suffered<!-- --> months" must stay one sentence, and trafilatura drops a
# comment's tail along with the comment when it is handed a tree that still has them.
_HTML_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)


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


DEFAULT_OPTIONS = ExtractOptions()


class _Budget:
    def __init__(self, seconds: float) -> None:
        self._deadline = time.monotonic() + seconds
        self._seconds = seconds

    def check(self, stage: str) -> None:
        if time.monotonic() > self._deadline:
            raise ExtractionError(OUT_OF_TIME, f"{self._seconds:g}s spent before {stage}")

    @property
    def left(self) -> bool:
        return time.monotonic() <= self._deadline


def extract_article(
    html: bytes | str,
    *,
    url: str,
    headers: dict[str, str] | None = None,
    options: ExtractOptions = DEFAULT_OPTIONS,
) -> ExtractedArticle:
    """Extract body (sanitized HTML and text) and metadata from one article page.

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
    del text
    elements = sum(1 for _ in document.iter())
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
    budget.check("body extraction")
    body_html = _extract_body(
        document, url=url, title=meta.title, base_url=base_url, allow_loopback=options.allow_loopback
    )
    budget.check("text conversion")
    body_text = html_to_text(body_html)
    byline = meta.byline or _byline_from_text(body_text)
    # htmldate is the slowest, least needed stage: skipped once the budget is spent.
    published = meta.published or (_htmldate(document, url) if budget.left else None)
    # dateModified equal to (or before) datePublished is the CMS filling both fields, not an update.
    updated = meta.updated if meta.updated and (published is None or meta.updated > published) else None
    return ExtractedArticle(
        url=url,
        canonical_url=meta.canonical_url,
        title=meta.title,
        byline=byline,
        published=published,
        updated=updated,
        language=meta.language or detect_language(body_text),
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
    )


def _extract_body(document: etree._Element, *, url: str, title: str, base_url: str, allow_loopback: bool) -> str:
    pruned = copy.deepcopy(document)
    prune_boilerplate(pruned)
    result = trafilatura.bare_extraction(
        pruned,
        url=url or None,
        include_comments=False,
        # Links off: with them on, trafilatura splits paragraphs at some inline links and glues the
        # following word to the link text ("MacBook Prowas released"); the F1 is the same either way.
        include_links=False,
        # Images off: with them on, trafilatura also keeps galleries and captions as paragraphs (-0.004 F1
        # on the dev set), and the lead image comes from the page metadata anyway.
        include_images=False,
        include_formatting=True,
        include_tables=True,
        with_metadata=False,
    )
    if result is None or result.body is None:
        return ""
    body = result.body
    _drop_title_headings(body, title)
    _drop_calls_to_action(body)
    _drop_captions(body)
    markup = etree.tostring(convert_to_html(body)[0], encoding="unicode")
    return sanitize_html(markup, base_url=base_url, allow_loopback=allow_loopback)


def _drop_title_headings(body: etree._Element, title: str) -> None:
    """trafilatura often repeats the headline as the first heading; the page title already carries it."""
    wanted = _words(title)
    for el in list(body)[:3]:
        if el.tag == "head" and wanted and _words("".join(el.itertext())) == wanted:
            drop_keep_tail(el, blank_tail=False)
            return


def _drop_calls_to_action(body: etree._Element) -> None:
    for el in list(body.iter("p", "head", "item", "quote")):
        if is_call_to_action("".join(el.itertext())):
            drop_keep_tail(el, blank_tail=False)


def _drop_captions(body: etree._Element) -> None:
    """Image captions and credits come through as paragraphs beside the image; they are not article text."""
    for el in list(body.iter("p", "head")):
        names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
        if _CAPTION.search(names):
            drop_keep_tail(el, blank_tail=False)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "")]


def _byline_from_text(body_text: str) -> str:
    """A "By Jane Doe" line among the first lines of the body."""
    for line in body_text.splitlines()[:6]:
        match = _BY_LINE.match(line.strip())
        if match:
            return clean_byline(match.group(1))
    return ""


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
