"""Body candidates for the ensemble (ensemble.py): each one is a complete guess at the article body from one
source, as sanitized HTML plus the plain text the ensemble compares.

Sources: trafilatura with several settings (balanced, favor_precision, favor_recall) on the boilerplate-pruned
tree, a readability-style scorer (the readability-lxml port that ships inside trafilatura, so the algorithm is
not installed twice), the page's JSON-LD `articleBody` and the feed's full content when the caller has it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from html import escape
from itertools import islice
from typing import TYPE_CHECKING

from lxml import etree

from newsdesk.reader.extract.boilerplate import drop_keep_tail, is_call_to_action
from newsdesk.reader.extract.sanitize import element_to_text, html_to_text, sanitize_element, sanitize_html

# trafilatura is imported where a candidate is built, not with this module: every `newsdesk` process imports the
# extract package at Django setup (services, ingest context), and most never extract a page (a third of start-up).
if TYPE_CHECKING:
    from trafilatura.settings import Extractor

TRAFILATURA = "trafilatura"
TRAFILATURA_PRECISION = "trafilatura-precision"
TRAFILATURA_RECALL = "trafilatura-recall"
READABILITY = "readability"
JSON_LD = "json-ld"
FEED = "feed"

# name -> trafilatura Extractor keyword arguments (besides the shared ones in _trafilatura_options)
TRAFILATURA_SETTINGS: dict[str, dict[str, bool]] = {
    TRAFILATURA: {},
    TRAFILATURA_PRECISION: {"precision": True},
    TRAFILATURA_RECALL: {"recall": True},
}

_WORD = re.compile(r"\w+")
_CAPTION = re.compile(r"caption|credit|photo-?info|image-?info|figcaption")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\r\n\s*\r\n")
_TRUNCATED = re.compile(r"(?:\.\.\.|…|\[\.\.\.\])\s*$")
_ELLIPSIS_CHARS = 5  # "[...]", the longest ellipsis _TRUNCATED knows
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# Headings that name a rail of other stories, in the languages we see most; a plain "More" or "Latest" is not
# enough ("More than 300 people were evacuated" can head a list of facts).
_RAIL_HEADING = re.compile(
    r"^(?:more (?:must.reads?|stories|news|articles|coverage|reads?|videos|from\b|on (?:this|the)\b|to read)"
    r"|related\b|read (?:more|next|also)\b|recommended\b|most (?:popular|read|viewed|shared)\b|trending\b"
    r"|top stories\b|you (?:may|might) (?:also )?like\b|don.t miss\b|must.reads?\b|also (?:read|on)\b"
    r"|(?:à )?lire aussi\b|sur le même sujet\b|mehr zum thema\b|weitere (?:artikel|nachrichten|meldungen)\b"
    r"|lee también\b|te puede interesar\b|más noticias\b"
    r"|other (?:\w+ )?(?:columns|stories|articles|news)\b"
    r"|(?:today|elsewhere) on\b|(?:from )?around the web\b"  # "Today on WebMD": a site's own rail
    r"|featured (?:slide ?shows?|videos?|galler(?:y|ies)|stories|articles|posts)\b)",
    re.I,
)
_RAIL_ITEM_WORDS = 20
_TEASER_WORDS = 50  # a teaser's standfirst under its headline: a sentence or two
_RAIL_MIN_ITEMS = 3
_RAIL_HEADING_WORDS = 8
_PLACEHOLDER_WORDS = 30  # a line or two: what a rail shows while its items load
# Chrome above the article that trafilatura keeps: a breadcrumb ("News > Economy > Business") and a line that is
# only a timestamp ("Published 2013-10-24 03:00:00 Updated 2013-10-24 03:00:00", in any language's words; "Sunday,
# Feb 1, 2015 11:57 AM UTC", an English month's name).
_CRUMB_SPLIT = re.compile(r"\s*[>\u203a»]\s*")
_MONTH_DATE = r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b"
_DATE_IN_LINE = re.compile(r"\b\d{4}[-./]\d{1,2}[-./]\d{1,2}\b|\b\d{1,2}[-./]\d{1,2}[-./]\d{4}\b|" + _MONTH_DATE, re.I)
_DATE_TOKENS = re.compile(
    r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4}|\d{1,2}:\d{2}(?::\d{2})?|[ap]\.?m\.?|" + _MONTH_DATE,
    re.I,
)
_TOP_ELEMENTS = 3
# A breadcrumb has at most 10 words, a timestamp line at most 4 beside its dates and times: longer is no such line.
_TOP_LINE_WORDS = 30


@dataclass(frozen=True)
class BodyCandidate:
    """One source's body. `truncated`: the text ends in an ellipsis (a teaser, not the whole article).

    A draft (`finish` set) has no HTML yet and a text read from the extractor's own tree, for the vote only: most
    candidates lose it, and sanitizing one (each link and image URL checked) costs more than the vote. The one
    chosen is finished: sanitized, its text taken from the sanitized HTML like any other candidate's."""

    source: str
    html: str  # sanitized, safe to render ("" in a draft)
    text: str
    truncated: bool = False
    opens_with_heading: bool = False  # its first element with text is a heading (a kept headline, dek or kicker)
    one_block: bool = False  # all its text is in one element (trafilatura's whole-page fallback has this shape)
    finish: Callable[[], BodyCandidate | None] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def words(self) -> int:
        """Counted once: the vote reads it up to four times, and a long page's text has 14,000 words."""
        return len(words_of(self.text))

    def has_words(self, at_least: int) -> bool:
        """`words >= at_least`, counting no further than `at_least` words while the whole count is not known: the vote
        asks this of every body, and a long one is split into all its words only if its 4-grams are needed."""
        if "words" in self.__dict__:
            return self.words >= at_least
        return at_least <= 0 or next(islice(_WORD.finditer(self.text), at_least - 1, None), None) is not None

    def finished(self) -> BodyCandidate | None:
        """The candidate as shown: sanitized HTML and its text (None when nothing is left of a draft)."""
        return self.finish() if self.finish is not None else self


@lru_cache(maxsize=16)
def words_of(text: str) -> list[str]:
    """The text's words, found once for the candidate's word count and the vote's 4-grams (ensemble.py) alike: a
    long page's text takes a tenth of a millisecond to split. Callers never change the list they get."""
    return _WORD.findall(text)


def lowered_words(text: str) -> list[str]:
    """The text's words in lower case, to compare two texts word for word (a heading with the title, a byline's
    last part with the site's name) whatever their case, spacing and punctuation."""
    return [w.lower() for w in _WORD.findall(text or "")]


def trafilatura_candidate(
    pruned: etree._Element, *, source: str, url: str, title: str, base_url: str, allow_loopback: bool
) -> BodyCandidate | None:
    """trafilatura (one of TRAFILATURA_SETTINGS) on the pruned tree, with our post-cleaning of its body."""
    import trafilatura
    from trafilatura.htmlprocessing import convert_to_html

    options = copy.copy(_trafilatura_options(source))  # a copy: the URL is this page's
    options.url = options.source = url or None
    # No copy of the tree: handed a tree, bare_extraction copies it before changing anything
    # (tests/reader/extract/test_ensemble.py holds that).
    result = trafilatura.bare_extraction(pruned, options=options)
    if result is None or result.body is None:
        return None
    body = result.body
    _drop_title_headings(body, title)
    _drop_calls_to_action(body)
    _drop_captions(body)
    _drop_trailing_rail(body)
    _drop_top_chrome(body)
    return _draft(source, convert_to_html(body)[0], base_url=base_url, allow_loopback=allow_loopback)


@cache
def _trafilatura_options(source: str) -> Extractor:
    """One setting's options, built once: building them reads trafilatura's config file values every time."""
    from trafilatura.settings import Extractor

    return Extractor(
        # "xml": the body tree is all we use; the default "python" format also renders it to text, unused here.
        output_format="xml",
        # Fast: no readability/justext fallback inside trafilatura; readability is a candidate of its own here.
        fast=True,
        comments=False,
        # Links off: with them on, trafilatura splits paragraphs at some inline links and glues the
        # following word to the link text ("MacBook Prowas released").
        links=False,
        # Images off: with them on, trafilatura also keeps galleries and captions as paragraphs, and the lead
        # image comes from the page metadata anyway.
        images=False,
        formatting=True,
        tables=True,
        with_metadata=False,
        **TRAFILATURA_SETTINGS[source],
    )


def readability_candidate(
    pruned: etree._Element, *, title: str, base_url: str, allow_loopback: bool
) -> BodyCandidate | None:
    from trafilatura.external import try_readability

    summary = try_readability(copy.deepcopy(pruned))
    if summary is None or not len(summary):
        return None
    for heading in list(summary.iter("h1", "h2"))[:2]:
        if lowered_words(heading.text_content()) == lowered_words(title):
            drop_keep_tail(heading, blank_tail=False)
    for el in list(summary.iter("p", "div", "li")):
        if el.getparent() is not None and is_call_to_action(el.text_content()):
            drop_keep_tail(el, blank_tail=False)
    return _draft(READABILITY, summary, base_url=base_url, allow_loopback=allow_loopback)


def text_candidate(source: str, text: str) -> BodyCandidate | None:
    """A plain-text body (JSON-LD articleBody): paragraphs at blank lines, or at line breaks when it has none."""
    text = (text or "").strip()
    if not text:
        return None
    blocks = _PARAGRAPH_BREAK.split(text) if _PARAGRAPH_BREAK.search(text) else text.splitlines()
    markup = "".join(f"<p>{escape(' '.join(block.split()))}</p>" for block in blocks if block.strip())
    return _candidate(source, sanitize_html(markup, base_url=""))


def html_candidate(source: str, html: str, *, base_url: str, allow_loopback: bool) -> BodyCandidate | None:
    """An HTML body from outside the page (the feed's full content)."""
    if not (html or "").strip():
        return None
    if "<" not in html:
        return text_candidate(source, html)
    return _candidate(source, sanitize_html(html, base_url=base_url, allow_loopback=allow_loopback))


def _draft(source: str, body: etree._Element, *, base_url: str, allow_loopback: bool) -> BodyCandidate | None:
    text = element_to_text(body)
    if not text.strip():
        return None

    def finish() -> BodyCandidate | None:
        # The draft's tree is ours and read no more: sanitized in place, not serialized and parsed again.
        return _candidate(source, sanitize_element(body, base_url=base_url, allow_loopback=allow_loopback))

    # Read up to each block's first words, not all its text (one table can hold the whole article).
    blocks = [el for el in body if any(part.strip() for part in el.itertext())]
    first = blocks[0] if blocks else None
    return BodyCandidate(
        source=source,
        html="",
        text=text,
        truncated=_truncated(text),
        opens_with_heading=first is not None and first.tag in _HEADINGS,
        one_block=len(blocks) == 1,
        finish=finish,
    )


def _candidate(source: str, html: str) -> BodyCandidate | None:
    text = html_to_text(html)
    if not text.strip():
        return None
    return BodyCandidate(source=source, html=html, text=text, truncated=_truncated(text))


def _truncated(text: str) -> bool:
    """The text ends in an ellipsis. Only its last characters are searched: a search of the whole text tries the
    pattern at each of its characters (0.3 ms on a 14,000-word body, for each candidate)."""
    return bool(_TRUNCATED.search(text.rstrip()[-_ELLIPSIS_CHARS:]))


def _drop_title_headings(body: etree._Element, title: str) -> None:
    """trafilatura often repeats the headline as the first heading; the page title already carries it."""
    wanted = lowered_words(title)
    for el in list(body)[:3]:
        if el.tag == "head" and wanted and lowered_words("".join(el.itertext())) == wanted:
            drop_keep_tail(el, blank_tail=False)
            return


def _drop_top_chrome(body: etree._Element) -> None:
    """A breadcrumb ("News > Economy > Business") or a bare timestamp line ("Published 2013-10-24 03:00") among the
    first elements of trafilatura's body: page chrome above the article."""
    for el in list(body)[:_TOP_ELEMENTS]:
        # Split no further than one word past a line: the whole body in one element is not split into all its words.
        words = "".join(el.itertext()).split(None, _TOP_LINE_WORDS)
        if len(words) > _TOP_LINE_WORDS:  # a paragraph, or the whole body in one element: its text is no line
            continue
        text = " ".join(words)
        parts = [part for part in _CRUMB_SPLIT.split(text) if part]
        crumb = len(parts) >= 3 and len(words) <= 10 and all(len(part.split()) <= 3 for part in parts)
        stamp = bool(_DATE_IN_LINE.search(text)) and len(_DATE_TOKENS.sub(" ", text).split()) <= 4
        if crumb or stamp:
            drop_keep_tail(el, blank_tail=False)


def _drop_trailing_rail(body: etree._Element) -> None:
    """A rail of other stories that trafilatura kept at the end of the body: a short heading that names it ("More
    Must-Reads From TIME", "Related stories", "Featured Slide Shows"), then its items (_rail_lists, _teaser_cards) or
    only the placeholders of items that never came (_placeholders_only). The heading and all that follows go."""
    children = list(body)
    for index, el in enumerate(children):
        if el.tag != "head":
            continue
        heading = " ".join("".join(el.itertext()).split())
        if len(heading.split()) > _RAIL_HEADING_WORDS or not _RAIL_HEADING.match(heading):
            continue
        after = children[index + 1 :]
        if not (_rail_lists(after) or _teaser_cards(after) or _placeholders_only(after)):
            continue
        for gone in (el, *after):
            drop_keep_tail(gone, blank_tail=False)
        return


def _rail_lists(after: list[etree._Element]) -> bool:
    """Lists holding at least three items, each a headline (at most a line) or a card (an item with a heading of its
    own: a slideshow's slides, a carousel's teasers; an article's own bullet points have no headings), and nothing
    else longer than a line."""
    if not after or after[0].tag != "list":
        return False
    if any(el.tag != "list" and _word_count(el) > _RAIL_ITEM_WORDS for el in after):
        return False
    items = [item for el in after if el.tag == "list" for item in el if _word_count(item)]
    return len(items) >= _RAIL_MIN_ITEMS and all(
        _word_count(item) <= _RAIL_ITEM_WORDS or item.find(".//head") is not None for item in items
    )


def _placeholders_only(after: list[etree._Element]) -> bool:
    """No items at all, a line or two at most: the rail's items load by script, or trafilatura dropped them as links,
    and what is left are placeholders ("Loading Comments...", "Please wait...") or another widget's line."""
    counts = [_word_count(el) for el in after]
    return (
        all(el.tag != "list" for el in after)
        and all(count <= _RAIL_ITEM_WORDS for count in counts)
        and sum(counts) <= _PLACEHOLDER_WORDS
    )


def _word_count(el: etree._Element) -> int:
    return len("".join(el.itertext()).split())


def _teaser_cards(after: list[etree._Element]) -> bool:
    """Teaser cards and nothing else: at least three headline-length headings, each followed by at most one
    short standfirst paragraph ("Other Opinion Columns": kicker and headline, then the column's first sentence)."""
    headings = 0
    for el, previous in zip(after, [None, *after], strict=False):
        words = len("".join(el.itertext()).split())
        if el.tag == "head" and words <= _RAIL_ITEM_WORDS:
            headings += 1
        elif el.tag != "p" or words > _TEASER_WORDS or previous is None or previous.tag != "head":
            return False
    return headings >= _RAIL_MIN_ITEMS


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
