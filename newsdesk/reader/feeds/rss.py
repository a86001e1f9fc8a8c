"""RSS 0.9x / 2.0 and RDF (RSS 0.90 / 1.0) from a parsed lxml tree.

This is the hot loop of feed ingestion: each item's children are visited once and sorted into slots by
a tag -> slot table (no XPath, no per-field searches, no per-item dicts).
"""

from __future__ import annotations

import functools

from lxml import etree

from newsdesk.reader.feeds import fields as f
from newsdesk.reader.feeds.budget import UNLIMITED, ParseBudget
from newsdesk.reader.feeds.dates import parse_date
from newsdesk.reader.types import ParsedEntry, ParsedFeed

_RSS_NAMESPACES = ("", f.RSS10, f.RSS090, f.USERLAND_RSS2)

# Single-valued slots (first occurrence wins) ...
(
    TITLE, DESCRIPTION, GUID, PUBDATE, AUTHOR, LANGUAGE, CONTENT, CREATOR, DCDATE, DCTITLE, MODIFIED,
    ITUNES_AUTHOR, ITUNES_IMAGE, ITUNES_SUMMARY, MEDIA_TITLE,
) = range(15)  # fmt: skip
_SLOTS = 15
# ... and multi-valued ones (every occurrence kept, in order).
LINK, CATEGORY, ENCLOSURE, MEDIA_CONTENT, MEDIA_THUMBNAIL, MEDIA_GROUP, ATOM_LINK = range(100, 107)
_MEDIA_KINDS = {MEDIA_CONTENT: "content", MEDIA_THUMBNAIL: "thumbnail", MEDIA_GROUP: "group"}


def _qualified(namespaces: tuple[str, ...], local: str) -> list[str]:
    return [f"{{{ns}}}{local}" if ns else local for ns in namespaces]


@functools.cache
def _tag_table(namespaces: tuple[str, ...] = _RSS_NAMESPACES) -> dict[str, int]:
    table: dict[str, int] = {}
    for local, slot in (
        ("title", TITLE), ("link", LINK), ("description", DESCRIPTION), ("guid", GUID), ("pubDate", PUBDATE),
        ("author", AUTHOR), ("category", CATEGORY), ("enclosure", ENCLOSURE), ("language", LANGUAGE),
    ):  # fmt: skip
        for tag in _qualified(namespaces, local):
            table[tag] = slot
    for dc in f.DC_NAMESPACES:
        for local, slot in (
            ("creator", CREATOR), ("date", DCDATE), ("subject", CATEGORY), ("language", LANGUAGE), ("title", DCTITLE),
        ):  # fmt: skip
            table[f"{{{dc}}}{local}"] = slot
    table.update(
        {
            f"{{{f.CONTENT}}}encoded": CONTENT,
            f"{{{f.DCTERMS}}}issued": DCDATE,
            f"{{{f.DCTERMS}}}created": DCDATE,
            f"{{{f.DCTERMS}}}modified": MODIFIED,
            f"{{{f.ATOM}}}link": ATOM_LINK,
            f"{{{f.ATOM}}}updated": MODIFIED,
            f"{{{f.ATOM}}}published": DCDATE,
            f"{{{f.ITUNES}}}author": ITUNES_AUTHOR,
            f"{{{f.ITUNES}}}image": ITUNES_IMAGE,
            f"{{{f.ITUNES}}}summary": ITUNES_SUMMARY,
        }
    )
    for ns in f.MEDIA_NAMESPACES:
        table[f"{{{ns}}}content"] = MEDIA_CONTENT
        table[f"{{{ns}}}thumbnail"] = MEDIA_THUMBNAIL
        table[f"{{{ns}}}group"] = MEDIA_GROUP
        table[f"{{{ns}}}title"] = MEDIA_TITLE
    return table


_ITEM_TAGS = _tag_table()
_ITEM_NAMES = tuple(_qualified(_RSS_NAMESPACES, "item"))
_CHANNEL_NAMES = frozenset(_qualified(_RSS_NAMESPACES, "channel"))
_RDF_ABOUT = f"{{{f.RDF}}}about"
_RDF_RESOURCE = f"{{{f.RDF}}}resource"


def parse_rss(
    root: etree._Element, *, url: str, resolve_markup: bool = True, budget: ParseBudget = UNLIMITED
) -> ParsedFeed:
    """Read an <rss> or <rdf:RDF> document. `resolve_markup`: resolve relative URLs inside item HTML."""
    channel = root if root.tag in _CHANNEL_NAMES else next((c for c in root if c.tag in _CHANNEL_NAMES), None)
    title, link, language, hub, self_url = _channel_fields(channel) if channel is not None else ("",) * 5
    items = list(root.iter(*_ITEM_NAMES))
    table = _ITEM_TAGS
    if not items:
        # RDF dialects with a namespace of their own (Netscape's channel.netscape.com, ...).
        items = list(root.iter("{*}item"))
        namespace = items[0].tag[1 : items[0].tag.find("}")] if items and items[0].tag.startswith("{") else ""
        table = _tag_table((*_RSS_NAMESPACES, namespace))
    return ParsedFeed(
        kind="rss",
        title=title,
        link=link,
        language=language,
        entries=tuple(
            [_parse_item(item, url, language, table, resolve_markup) for item in budget.each(items, "reading items")]
        ),
        hub_url=hub,
        self_url=self_url,
    )


def _channel_fields(channel: etree._Element) -> tuple[str, str, str, str, str]:
    title = link = language = hub = self_url = dc_title = ""
    for child in channel:
        slot = _ITEM_TAGS.get(child.tag)
        if slot == TITLE and not title:
            title = f.plain_text(f.element_text(child))
        elif slot == DCTITLE and not dc_title:
            dc_title = f.plain_text(f.element_text(child))
        elif slot == LINK and not link:
            link = f.resolve_url(channel, f.element_text(child), "")
        elif slot == LANGUAGE and not language:
            language = (child.text or "").strip()
        elif slot == ATOM_LINK:
            rel = child.get("rel") or ""
            if rel == "hub" and not hub:
                hub = f.resolve_url(child, child.get("href") or "", "")
            elif rel == "self" and not self_url:
                self_url = f.resolve_url(child, child.get("href") or "", "")
    return title or dc_title, link, language, hub, self_url


def _parse_item(
    item: etree._Element, base: str, feed_language: str, table: dict[str, int], resolve_markup: bool
) -> ParsedEntry:
    slots, many = f.sort_children(item, table, _SLOTS)
    (
        title_el, description, guid_el, date_el, author_el, language_el, content, creator_el, dc_date, dc_title,
        modified_el, itunes_author, itunes_image, itunes_summary, media_title,
    ) = slots  # fmt: skip

    if title_el is None:
        title_el = dc_title if dc_title is not None else media_title
    if guid_el is not None:
        guid = guid_el.text or ""
        if guid and (guid[0].isspace() or guid[-1].isspace()):
            guid = guid.strip()
    else:
        guid = ""
    if many is None:
        link = _item_link(item, None, guid_el, guid, None, base)
    else:
        link = _item_link(item, many.get(LINK), guid_el, guid, many.get(ATOM_LINK), base)
    if not guid:
        guid = (item.get(_RDF_ABOUT) or "").strip()
    if description is not None:
        summary = f.inner_markup(description)
        if resolve_markup:
            summary = f.absolutize_markup(summary, description, base)
    elif itunes_summary is not None:
        summary = f.inner_markup(itunes_summary)
    else:
        summary = ""
    if date_el is None:
        date_el = dc_date
    if title_el is not None:
        title = title_el.text or "" if not len(title_el) else f.element_text(title_el)
        title = f.plain_text(title)
    else:
        title = ""
    if creator_el is None and author_el is None and itunes_author is None:
        author = ""
    else:
        author = _item_author(creator_el, author_el, itunes_author)
    language = item.get(f.XML_LANG) or (language_el.text if language_el is not None else "") or ""
    language = language.strip() or feed_language if language else feed_language
    if many is None:
        categories: tuple[str, ...] = ()
        image = _item_image({}, itunes_image, base) if itunes_image is not None else ""
    else:
        found = many.get(CATEGORY)
        categories = tuple([t for t in (f.plain_text(f.element_text(c)) for c in found) if t]) if found else ()
        image = _item_image(many, itunes_image, base)
    return ParsedEntry(
        link=link,
        title=title,
        guid=guid,
        summary=summary,
        content_html=_content(content, base, resolve_markup) if content is not None else "",
        author=author,
        published=parse_date(date_el.text) if date_el is not None else None,
        updated=parse_date(modified_el.text) if modified_el is not None else None,
        image_url=image,
        language=language,
        categories=categories,
    )


def _content(content: etree._Element, base: str, resolve_markup: bool) -> str:
    markup = f.inner_markup(content)
    return f.absolutize_markup(markup, content, base) if resolve_markup else markup


def _item_link(item, links, guid_el, guid, atom_links, base) -> str:
    if links:
        # Several <link>s: the last alternate one wins, as in feedparser (parity matters more than taste).
        for link_el in reversed(links):
            if (link_el.get("rel") or "alternate") == "alternate":
                href = link_el.text or link_el.get("href") or link_el.get(_RDF_RESOURCE) or ""
                link = f.resolve_url(link_el, href, base)
                if link:
                    return link
                break
    for atom_link in atom_links or ():
        if (atom_link.get("rel") or "alternate") == "alternate" and atom_link.get("href"):
            link = f.resolve_url(atom_link, atom_link.get("href") or "", base)
            if link:
                return link
    if guid and guid_el is not None and (guid_el.get("isPermaLink") or "true").lower() == "true":
        link = f.resolve_url(guid_el, guid, base)
        if link:
            return link
    about = item.get(_RDF_ABOUT)
    return f.resolve_url(item, about, base) if about else ""


def _item_author(*elements: etree._Element | None) -> str:
    for el in elements:
        if el is not None:
            value = f.person_name(f.element_text(el))
            if value:
                return value
    return ""


def _item_image(many: dict[int, list[etree._Element]], itunes_image: etree._Element | None, base: str) -> str:
    best_rank, best = 99, ""
    for slot, kind in _MEDIA_KINDS.items():
        for el in many.get(slot, ()):
            rank, url = f.media_image(el, kind, base)
            if url and rank < best_rank:
                best_rank, best = rank, url
    if best_rank <= 1:
        return best
    for enclosure in many.get(ENCLOSURE, ()):
        url = enclosure.get("url") or ""
        if url and f.is_image(url, enclosure.get("type") or ""):
            return f.resolve_url(enclosure, url, base)
    for atom_link in many.get(ATOM_LINK, ()):
        if atom_link.get("rel") == "enclosure" and f.is_image(atom_link.get("href") or "", atom_link.get("type") or ""):
            return f.resolve_url(atom_link, atom_link.get("href") or "", base)
    if itunes_image is not None and itunes_image.get("href"):
        return f.resolve_url(itunes_image, itunes_image.get("href") or "", base)
    return best
