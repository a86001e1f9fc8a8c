"""Small element-level readers shared by the RSS and Atom parsers: text, markup, URLs, images, people."""

from __future__ import annotations

import base64
import binascii
import functools
import html
import re
from urllib.parse import urljoin

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS10 = "http://purl.org/rss/1.0/"
RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
USERLAND_RSS2 = "http://backend.userland.com/rss2"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
# Dublin Core 1.0 names the same elements; older RSS 1.0 generators still declare it.
DC_NAMESPACES = (DC, "http://purl.org/dc/elements/1.0/")
DCTERMS = "http://purl.org/dc/terms/"
MEDIA_NAMESPACES = (
    "http://search.yahoo.com/mrss/",
    "http://search.yahoo.com/mrss",
    "http://video.search.yahoo.com/mrss",
)
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XHTML_DIV = f"{{{XHTML}}}div"

_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAG = re.compile(r"</?(?:p|br|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article)\b[^>]*>", re.I)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_NS_DECL = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
_NS_PREFIX = re.compile(r"(</?)\w+:")
# One pattern per attribute: a literal prefix lets the regex engine skip ahead (an alternation or a
# look-behind for "data-src=" makes it try every position, ~5x slower); _resolve_match checks the prefix.
_RELATIVE_REFS = tuple(
    re.compile(attribute + r"""(\s*=\s*["'])(?![a-zA-Z][a-zA-Z0-9+.-]*:|#|//)([^"'<>]+)""")
    for attribute in ("href", "src")
)
_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s*\((.+)\)\s*$")
_IMAGE_EXT = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")


def sort_children(el: etree._Element, table: dict[str, int], n: int) -> tuple[list, dict[int, list] | None]:
    """The children sorted into slots by tag: slots below `n` keep their first child (None where none came),
    the others keep every child in order ({slot: [children]}, or None when there was none). Children
    whose tag is not in `table` are skipped."""
    first: list = [None] * n
    many: dict[int, list] | None = None
    get_slot = table.get
    for child in el:
        slot = get_slot(child.tag)
        if slot is None:
            continue
        if slot < n:
            if first[slot] is None:
                first[slot] = child
        elif many is None:
            many = {slot: [child]}
        elif slot in many:
            many[slot].append(child)
        else:
            many[slot] = [child]
    return first, many


def plain_text(value: str) -> str:
    """Markup-free, unescaped, single-spaced text (for titles and names)."""
    if "<" in value:
        if "<s" in value or "<S" in value:
            value = _SCRIPT.sub(" ", value)
        # Block tags separate words; inline ones ("say <code>what</code>?") must not add a space.
        value = _TAG.sub("", _BLOCK_TAG.sub(" ", value))
    if "&" in value:
        value = html.unescape(value)
    return " ".join(value.split())


def element_text(el: etree._Element) -> str:
    """All text inside an element, markup dropped."""
    if len(el):
        return "".join(el.itertext())
    return el.text or ""


def inner_markup(el: etree._Element) -> str:
    """The element's content as an HTML string: its text if it has no children, else its serialized children."""
    if not len(el):
        return (el.text or "").strip()
    # One serialization of the whole element, then cut its own start and end tags off: far cheaper
    # than serializing each child (XHTML bodies have dozens).
    markup = etree.tostring(el, encoding="unicode", with_tail=False)
    start, end = markup.find(">") + 1, markup.rfind("</")
    if start <= 0 or end < start:
        return ""
    inner = markup[start:end]
    if "xmlns" in inner:
        inner = _NS_DECL.sub("", inner)
    if ":" in inner:
        inner = _NS_PREFIX.sub(r"\1", inner)
    return inner.strip()


def atom_html(el: etree._Element) -> str:
    """An Atom text construct (title, summary, content) as an HTML string."""
    kind = (el.get("type") or "text").lower()
    if el.get("mode") == "base64":  # Atom 0.3
        raw = _from_base64(el.text or "")
        return raw if "html" in kind else html.escape(raw, quote=False)
    if "xhtml" in kind:
        div = el[0] if len(el) and el[0].tag == _XHTML_DIV else el
        return inner_markup(div)
    raw = element_text(el).strip() if len(el) else (el.text or "").strip()
    if "html" in kind:
        return raw
    return html.escape(raw, quote=False)


def atom_title(el: etree._Element) -> str:
    """An Atom text construct as plain text."""
    kind = el.get("type")
    if kind is None and not len(el) and el.get("mode") is None:
        return plain_text(el.text or "")  # the common case: type="text", no markup to build
    return plain_text(atom_html(el))


def _from_base64(value: str) -> str:
    try:
        return base64.b64decode(value.strip(), validate=False).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return ""


def resolve_url(el: etree._Element, href: str, fallback_base: str) -> str:
    """Absolute http(s) URL for `href` as seen from `el` (xml:base aware), or "" for other schemes."""
    href = href.strip()
    if not href:
        return ""
    if href.startswith(("http://", "https://")):
        return href
    base = el.base or fallback_base
    absolute = urljoin(base, href) if base else href
    return absolute if absolute.startswith(("http://", "https://")) else ""


def absolutize_markup(markup: str, el: etree._Element, fallback_base: str) -> str:
    """Resolve relative href/src inside feed HTML against the element's xml:base (or the feed URL), as
    the feed's author meant them; later stages only know the article URL, which can differ."""
    if not markup:
        return markup
    for pattern in _RELATIVE_REFS:
        if pattern.search(markup) is not None:
            base = el.base or fallback_base
            if base:
                markup = pattern.sub(functools.partial(_resolve_match, base=base), markup)
    return markup


def _resolve_match(match: re.Match[str], *, base: str) -> str:
    start = match.start()
    previous = match.string[start - 1] if start else " "
    if previous.isalnum() or previous in "-_:":
        return match.group(0)  # data-src=, xlink:href= ...: not a URL attribute we resolve
    attribute = match.group(0)[: match.start(1) - start]
    return attribute + match.group(1) + html.escape(urljoin(base, html.unescape(match.group(2))))


def person_name(value: str) -> str:
    """'jane@example.com (Jane Doe)' -> 'Jane Doe'; anything else is cleaned and returned."""
    match = _EMAIL_NAME.match(value)
    if match:
        return match.group(1).strip()
    return plain_text(value)


def is_image(url: str, mime: str = "", medium: str = "") -> bool:
    """Whether a media/enclosure reference points at a still image."""
    if medium:
        return medium == "image"
    if mime:
        return mime.startswith("image/")
    return url.lower().split("?", 1)[0].endswith(_IMAGE_EXT)


def media_image(el: etree._Element, local: str, fallback_base: str) -> tuple[int, str]:
    """(rank, url) of an image carried by a media:* element; lower rank wins, 99 means none."""
    if local == "group":
        best = (99, "")
        for child in el:
            tag = child.tag
            if isinstance(tag, str) and tag.startswith("{") and tag[1 : tag.find("}")] in MEDIA_NAMESPACES:
                best = min(best, media_image(child, tag[tag.find("}") + 1 :], fallback_base), key=lambda r: r[0])
        return best
    url = el.get("url") or ""
    if not url:
        return 99, ""
    if local == "content" and is_image(url, el.get("type") or "", el.get("medium") or ""):
        return 0, resolve_url(el, url, fallback_base)
    if local == "thumbnail":
        return 1, resolve_url(el, url, fallback_base)
    return 99, ""
