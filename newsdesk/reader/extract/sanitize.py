"""Make article HTML safe to render: an nh3 (ammonia) allow-list, absolute http(s) URLs only."""

from __future__ import annotations

import functools
import re
from urllib.parse import urljoin

import lxml.html
import nh3
from lxml import etree

from newsdesk.reader.urls import is_publishable_url, page_url_problem

ALLOWED_TAGS = frozenset(
    {"p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a", "em", "strong", "b", "i", "figure", "figcaption",
     "img", "br"}
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
LINK_REL = "nofollow noopener ugc"
# Dropped together with everything inside them: executable, interactive or embedded content, none of
# which belongs in a news body (ammonia drops the tag but keeps the text of anything else not allowed).
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "button", "select",
     "textarea", "noscript", "template", "svg", "math", "canvas", "audio", "video", "title", "head"}
)  # fmt: skip
_URL_SCHEMES = {"http", "https"}
# Tags outside the allow-list whose meaning we keep by renaming rather than flattening.
_RENAMES = {
    "h1": "h2", "h5": "h4", "h6": "h4", "dt": "p", "dd": "p", "pre": "p",
    "table": "div", "thead": "div", "tbody": "div", "tfoot": "div", "tr": "p", "td": "span", "th": "span",
}  # fmt: skip
_RENAMED_IN_PARAGRAPH = etree.XPath(
    "boolean(descendant-or-self::p//*[" + " or ".join(f"self::{tag}" for tag in _RENAMES) + "])"
)
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
_BLOCKS = frozenset({"p", "h2", "h3", "h4", "li", "blockquote", "figure", "figcaption", "ul", "ol", "div", "section",
                     "tr", "table", "h1", "h5", "h6", "pre", "dt", "dd", "header", "footer", "article"})  # fmt: skip
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_URL_NOISE = re.compile(r"[\t\n\r\x00-\x1f]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
# _SPACES in two steps that scan the text in C: the other space characters become spaces, then runs of spaces one.
# One str.replace per character: str.translate looks every character up in a dict once the text has a non-ASCII one
# (16 ms on a 110,000-character French body, 0.02 ms this way).
_AS_SPACE = ("\t", "\r", "\f", "\v", "\u00a0")
_RUNS_OF_SPACES = re.compile(r"  +")


def sanitize_html(html: str, *, base_url: str, allow_loopback: bool = False) -> str:
    """Keep only the article allow-list; relative links and images are resolved against `base_url`.

    Without a valid absolute http(s) `base_url`, relative URLs are removed (they could not be resolved
    correctly once the HTML is shown on our own pages). Links and images the fetcher would refuse (private,
    link-local, internal hosts; loopback unless `allow_loopback`) are not kept as links or images.
    """
    if not html or not html.strip():
        return ""
    return _allowed_only(_rename_structural_tags(html), base_url=base_url, allow_loopback=allow_loopback)


def sanitize_element(el: etree._Element, *, base_url: str, allow_loopback: bool = False) -> str:
    """sanitize_html of an element's markup (its tail left out). The element is changed in place: its structural
    tags are renamed on the tree, where sanitize_html would serialize the markup, parse it again to rename them and
    serialize it once more (a quarter of a millisecond a page, for a tree the caller already holds)."""
    tail, el.tail = el.tail, None
    if _RENAMED_IN_PARAGRAPH(el):
        # Renamed on the tree, a <pre> or <tr> inside a <p> would become a <p> inside a <p>, which ammonia's parser
        # splits differently than lxml's parse of the original markup did: the string path keeps the result the same.
        html = etree.tostring(el, encoding="unicode", method="html")
        el.tail = tail
        return sanitize_html(html, base_url=base_url, allow_loopback=allow_loopback)
    _rename_tags(el)
    html = etree.tostring(el, encoding="unicode", method="html")
    el.tail = tail
    return _allowed_only(html, base_url=base_url, allow_loopback=allow_loopback)


def _allowed_only(renamed: str, *, base_url: str, allow_loopback: bool) -> str:
    # A page controls its base URL (canonical, <base href>): a malformed one must never reach ammonia, which
    # raises on a base it cannot parse (one hostile page would otherwise stop the whole refresh).
    base = base_url if not page_url_problem(base_url) else ""
    try:
        cleaned = _clean(renamed, base=base, allow_loopback=allow_loopback)
    except ValueError:
        cleaned = _clean(renamed, base="", allow_loopback=allow_loopback)
    if "<img" in cleaned:
        cleaned = _IMG_WITHOUT_SRC.sub("", cleaned)
    return cleaned.strip()


def _clean(html: str, *, base: str, allow_loopback: bool) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        # "*": ammonia otherwise allows lang and title on every tag.
        attributes={"*": set()} | {tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=functools.partial(_filter_attribute, base=base, allow_loopback=allow_loopback),
        link_rel=LINK_REL,
        url_schemes=set(_URL_SCHEMES),
        # ammonia resolves (or drops) relative URLs before _filter_attribute sees them.
        url_relative=("rewrite_with_base", base) if base else "deny",
        strip_comments=True,
    )


def _filter_attribute(tag: str, attribute: str, value: str, *, base: str, allow_loopback: bool) -> str | None:
    """Absolute, publishable http(s) URLs only. Tabs and newlines go first: browsers ignore them inside URLs, so
    "java\tscript:" must be judged (and stored) the way a browser would read it."""
    if attribute not in ("href", "src"):
        return value
    value = _URL_NOISE.sub("", value).strip()
    if not value.startswith(("http://", "https://")) and base and not _SCHEME.match(value):
        value = urljoin(base, value)
    if not value.startswith(("http://", "https://")):
        return None
    return value if is_publishable_url(value, allow_loopback=allow_loopback) else None


def _rename_structural_tags(html: str) -> str:
    """h1/h5/h6 and table rows would otherwise collapse into the surrounding text."""
    if not any(f"<{tag}" in html or f"<{tag.upper()}" in html for tag in _RENAMES):
        return html
    try:
        fragments = lxml.html.fragments_fromstring(html)
    except (etree.ParserError, ValueError):
        return html
    out = []
    for fragment in fragments:
        if isinstance(fragment, str):
            out.append(fragment)
            continue
        _rename_tags(fragment)
        out.append(lxml.html.tostring(fragment, encoding="unicode"))
    return "".join(out)


def _rename_tags(root: etree._Element) -> None:
    for el in root.iter(etree.Element):
        tag = el.tag.lower()
        if tag in _RENAMES:
            el.tag = _RENAMES[tag]
            if tag in ("td", "th"):
                el.tail = " " + (el.tail or "")


def html_to_text(html: str) -> str:
    """Readable plain text: one paragraph per block element, blank line between blocks, no markup."""
    if not html or not html.strip():
        return ""
    try:
        fragments = lxml.html.fragments_fromstring(html)
    except (etree.ParserError, ValueError):
        return _SPACES.sub(" ", re.sub(r"<[^>]+>", " ", html)).strip()
    parts: list[str] = []
    for fragment in fragments:
        if isinstance(fragment, str):
            parts.append(fragment)
        else:
            _collect_text(fragment, parts)
    return _joined(parts)


def element_to_text(el: etree._Element) -> str:
    """html_to_text of an element's own text and descendants (its tail is not part of it), without serializing."""
    parts: list[str] = []
    _collect_text(el, parts)
    if el.tail:
        parts.pop()
    return _joined(parts)


def _joined(parts: list[str]) -> str:
    """The text's lines, each with its runs of spaces (tabs, NBSPs) made one space and stripped, and no more than one
    blank line in a row. Done with str methods over the whole text: a regex run over each line matched every single
    space (2 ms on a 14,000-word body), and the blank-line regex took as long again."""
    text = "".join(parts)
    for char in _AS_SPACE:
        if char in text:
            text = text.replace(char, " ")
    text = _RUNS_OF_SPACES.sub(" ", text)
    lines: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip()


def _collect_text(el: etree._Element, parts: list[str]) -> None:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in DROPPED_WITH_CONTENT:
        if el.tail:
            parts.append(el.tail)
        return
    block = tag in _BLOCKS
    if block:
        parts.append("\n\n")
    if tag == "br":
        parts.append("\n")
    if el.text and tag:
        parts.append(el.text)
    for child in el:
        _collect_text(child, parts)
    if block:
        parts.append("\n\n")
    if el.tail:
        parts.append(el.tail)
