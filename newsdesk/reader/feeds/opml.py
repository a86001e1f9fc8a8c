"""OPML subscription lists: read them into sites (one publisher each) and write them back as OPML 2.0.

Grouping rule: a folder outline that names a site (it has an `htmlUrl`, or our own `newsdesk:slug`)
is one site whatever hosts its feeds live on; that is how `build_opml` writes publishers. Feeds
anywhere else (top level, or in category folders such as "Tech") are grouped by the origin (scheme, host,
port: `reader.urls.url_origin`) of their `htmlUrl`, or of the feed URL when there is none, and the site is named
after the first feed's title. Two publishers on one host with different ports stay two sites.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit

from lxml import etree

from newsdesk.reader.feeds.encoding import to_utf8
from newsdesk.reader.feeds.errors import FeedParseError
from newsdesk.reader.feeds.xmlsafe import parse_xml
from newsdesk.reader.urls import url_origin

NEWSDESK_NS = "urn:x-newsdesk:opml:1"  # our own attributes: the publisher slug and the feed kind
MAX_OPML_BYTES = 10 * 1024 * 1024
MAX_URL_LENGTH = 2000

OPML_EMPTY = "the OPML file is empty"
OPML_TOO_LARGE = "the OPML file is larger than 10 MiB"
OPML_MALFORMED = "the OPML file is not well-formed XML"
OPML_NOT_OPML = "not an OPML document: the root element must be <opml>"
OPML_NO_BODY = "the OPML document has no <body>"
OPML_BAD_URL = "feed URL is not an absolute http(s) URL"


class OpmlError(ValueError):
    """An OPML document we cannot read. `reason` is one of the OPML_* constants."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass(frozen=True)
class OpmlFeed:
    xml_url: str
    title: str = ""
    html_url: str = ""
    kind: str = ""  # "rss" | "atom" | "jsonfeed" | "sitemap" when the file says so, else ""


@dataclass(frozen=True)
class OpmlSite:
    """Feeds that belong to one publisher."""

    name: str
    homepage: str
    slug: str = ""  # only from our own exports
    feeds: tuple[OpmlFeed, ...] = ()


@dataclass(frozen=True)
class OpmlDocument:
    title: str
    sites: tuple[OpmlSite, ...]
    skipped: tuple[str, ...] = ()  # "<url>: <reason>" per feed outline we could not use


@dataclass
class _SiteDraft:
    name: str
    homepage: str
    slug: str
    feeds: list[OpmlFeed] = field(default_factory=list)


def parse_opml(data: bytes) -> OpmlDocument:
    """Read an OPML 1.0/2.0 subscription list. Raises OpmlError for anything that is not one."""
    if not data or not data.strip():
        raise OpmlError(OPML_EMPTY)
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(OPML_TOO_LARGE)
    try:
        root = parse_xml(to_utf8(data))
    except FeedParseError as exc:
        raise OpmlError(OPML_MALFORMED, exc.reason) from None
    if not isinstance(root.tag, str) or etree.QName(root).localname.lower() != "opml":
        raise OpmlError(OPML_NOT_OPML)
    body = _child(root, "body")
    if body is None:
        raise OpmlError(OPML_NO_BODY)
    head = _child(root, "head")
    title_element = _child(head, "title") if head is not None else None
    title = (title_element.text or "").strip() if title_element is not None else ""
    drafts: dict[str, _SiteDraft] = {}
    skipped: list[str] = []
    for outline, folder in _feed_outlines(body):
        feed = _feed_from(outline)
        if not _is_http_url(feed.xml_url):
            skipped.append(f"{feed.xml_url[:200]}: {OPML_BAD_URL}")
            continue
        _add_to_site(drafts, feed, folder)
    sites = tuple(
        OpmlSite(name=d.name, homepage=d.homepage, slug=d.slug, feeds=tuple(d.feeds)) for d in drafts.values()
    )
    return OpmlDocument(title=title, sites=sites, skipped=tuple(skipped))


def build_opml(sites: Iterable[OpmlSite], *, title: str, created: datetime | None = None) -> bytes:
    """OPML 2.0 with one folder outline per site (text, title, htmlUrl, newsdesk:slug) holding its feeds."""
    opml = etree.Element("opml", version="2.0", nsmap={"newsdesk": NEWSDESK_NS})
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(created or datetime.now(UTC), usegmt=True)
    body = etree.SubElement(opml, "body")
    for site in sites:
        folder = etree.SubElement(body, "outline", text=site.name, title=site.name)
        if site.homepage:
            folder.set("htmlUrl", site.homepage)
        if site.slug:
            folder.set(f"{{{NEWSDESK_NS}}}slug", site.slug)
        for feed in site.feeds:
            name = feed.title or site.name
            item = etree.SubElement(folder, "outline", type="rss", text=name, title=name, xmlUrl=feed.xml_url)
            if feed.html_url:
                item.set("htmlUrl", feed.html_url)
            if feed.kind:
                item.set(f"{{{NEWSDESK_NS}}}kind", feed.kind)
    return etree.tostring(opml, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _child(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname.lower() == name:
            return child
    return None


def _is_outline(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and etree.QName(element).localname.lower() == "outline"


def _attr(element: etree._Element, name: str) -> str:
    """An attribute by name, case-insensitively (xmlurl and XMLURL occur in the wild), stripped."""
    for key, value in element.attrib.items():
        if etree.QName(key).localname.lower() == name.lower():
            return value.strip()
    return ""


def _feed_outlines(body: etree._Element) -> Iterable[tuple[etree._Element, etree._Element | None]]:
    """Every outline with an xmlUrl, with its nearest enclosing folder outline (document order)."""
    stack: list[tuple[etree._Element, etree._Element | None]] = [
        (child, None) for child in reversed(body) if _is_outline(child)
    ]
    while stack:
        outline, folder = stack.pop()
        if _attr(outline, "xmlUrl"):
            yield outline, folder
            continue
        stack.extend((child, outline) for child in reversed(outline) if _is_outline(child))


def _feed_from(outline: etree._Element) -> OpmlFeed:
    kind = outline.get(f"{{{NEWSDESK_NS}}}kind", "") or _attr(outline, "type").lower()
    return OpmlFeed(
        xml_url=_attr(outline, "xmlUrl"),
        title=_attr(outline, "title") or _attr(outline, "text"),
        html_url=_attr(outline, "htmlUrl") if _is_http_url(_attr(outline, "htmlUrl")) else "",
        kind=kind if kind in ("rss", "atom", "jsonfeed", "sitemap") else "",
    )


def _add_to_site(drafts: dict[str, _SiteDraft], feed: OpmlFeed, folder: etree._Element | None) -> None:
    folder_home = _attr(folder, "htmlUrl") if folder is not None else ""
    folder_slug = folder.get(f"{{{NEWSDESK_NS}}}slug", "").strip() if folder is not None else ""
    folder_name = (_attr(folder, "title") or _attr(folder, "text")) if folder is not None else ""
    if folder is not None and folder_name and (folder_slug or _is_http_url(folder_home)):
        key = f"folder:{id(folder)}"
        name, slug = folder_name, folder_slug
        homepage = folder_home if _is_http_url(folder_home) else feed.html_url or url_origin(feed.xml_url) + "/"
    else:
        homepage = feed.html_url or url_origin(feed.xml_url) + "/"
        key = f"site:{url_origin(homepage)}"
        name, slug = feed.title or urlsplit(homepage).hostname or homepage, ""
    draft = drafts.setdefault(key, _SiteDraft(name=name[:200], homepage=homepage, slug=slug[:100]))
    if all(existing.xml_url != feed.xml_url for existing in draft.feeds):
        draft.feeds.append(feed)


def _is_http_url(url: str) -> bool:
    """An absolute http(s) URL with a host and a valid port ("http://[::1" and "http://x:99999/" are not)."""
    return bool(url) and len(url) <= MAX_URL_LENGTH and not any(ch.isspace() for ch in url) and bool(url_origin(url))
