"""Atom 1.0 and Atom 0.3 from a parsed lxml tree."""

from __future__ import annotations

from lxml import etree

from newsdesk.reader.feeds import fields as f
from newsdesk.reader.feeds.budget import UNLIMITED, ParseBudget
from newsdesk.reader.feeds.dates import parse_date
from newsdesk.reader.types import ParsedEntry, ParsedFeed

_HTML_TYPES = ("", "text/html", "application/xhtml+xml", "html")


# Single-valued slots (first occurrence wins) ...
(
    TITLE, ID, SUMMARY, CONTENT, AUTHOR, PUBLISHED, UPDATED, CREATED, SOURCE, CREATOR, DCMODIFIED, ITUNES_IMAGE,
    DCTITLE, MEDIA_TITLE,
) = range(14)  # fmt: skip
_SLOTS = 14
# ... and multi-valued ones (every occurrence kept, in order).
LINK, CATEGORY, MEDIA_CONTENT, MEDIA_THUMBNAIL, MEDIA_GROUP = range(100, 105)
_MEDIA_KINDS = ((MEDIA_CONTENT, "content"), (MEDIA_THUMBNAIL, "thumbnail"), (MEDIA_GROUP, "group"))


def _tag_table(ns: str) -> dict[str, int]:
    prefix = f"{{{ns}}}" if ns else ""
    table = {
        f"{prefix}{local}": slot
        for local, slot in (
            ("title", TITLE), ("link", LINK), ("id", ID), ("summary", SUMMARY), ("content", CONTENT),
            ("author", AUTHOR), ("category", CATEGORY), ("published", PUBLISHED), ("updated", UPDATED),
            ("issued", PUBLISHED), ("created", CREATED), ("modified", UPDATED), ("source", SOURCE),
        )
    }  # fmt: skip
    for dc in f.DC_NAMESPACES:
        for local, slot in (("creator", CREATOR), ("date", CREATED), ("subject", CATEGORY), ("title", DCTITLE)):
            table[f"{{{dc}}}{local}"] = slot
    table.update(
        {
            f"{{{f.DCTERMS}}}issued": CREATED,
            f"{{{f.DCTERMS}}}modified": DCMODIFIED,
            f"{{{f.ITUNES}}}image": ITUNES_IMAGE,
        }
    )
    for media_ns in f.MEDIA_NAMESPACES:
        for slot, local in _MEDIA_KINDS:
            table[f"{{{media_ns}}}{local}"] = slot
        table[f"{{{media_ns}}}title"] = MEDIA_TITLE
    return table


# "" covers <feed> without a namespace, which some generators emit and feedparser accepts.
_TABLES = {ns: _tag_table(ns) for ns in (f.ATOM, f.ATOM03, "")}


def parse_atom(
    root: etree._Element, *, url: str, resolve_markup: bool = True, budget: ParseBudget = UNLIMITED
) -> ParsedFeed:
    """Read an Atom <feed> document (1.0 or 0.3, by the root's namespace). `resolve_markup`: resolve
    relative URLs inside entry HTML."""
    ns = root.tag[1 : root.tag.find("}")] if root.tag.startswith("{") else ""
    table = _TABLES.get(ns, _TABLES[f.ATOM])
    title, link, hub, self_url, dc_title = "", "", "", "", ""
    prefix = f"{{{ns}}}" if ns else ""
    # <item> inside an Atom feed is wrong but feedparser accepts it, and so do we.
    entry_tags = (prefix + "entry", prefix + "item")
    entry_elements = []
    for child in root:
        slot = table.get(child.tag)
        if child.tag in entry_tags:
            entry_elements.append(child)
        elif slot == TITLE and not title:
            title = f.atom_title(child)
        elif slot == DCTITLE and not dc_title:
            dc_title = f.plain_text(f.element_text(child))
        elif slot == LINK:
            rel = child.get("rel") or "alternate"
            href = f.resolve_url(child, child.get("href") or "", url)
            if rel == "alternate" and not link:
                link = href
            elif rel == "hub" and not hub:
                hub = href
            elif rel == "self" and not self_url:
                self_url = href
    language = (root.get(f.XML_LANG) or "").strip()
    return ParsedFeed(
        kind="atom",
        title=title or dc_title,
        link=link,
        language=language,
        entries=tuple(
            _parse_entry(entry, table, url, language, resolve_markup)
            for entry in budget.each(entry_elements, "reading entries")
        ),
        hub_url=hub,
        self_url=self_url,
    )


def _parse_entry(
    entry: etree._Element, table: dict[str, int], base: str, feed_language: str, resolve_markup: bool
) -> ParsedEntry:
    one, many = f.sort_children(entry, table, _SLOTS)
    (
        title_el, id_el, summary_el, content_el, author_el, published_el, updated_el, created_el, _source,
        creator_el, dcmodified_el, itunes_image, dc_title_el, media_title_el,
    ) = one  # fmt: skip
    if many is None:
        many = {}

    links = many.get(LINK)
    link, image = _entry_links(links, base) if links else ("", "")
    guid = ""
    if id_el is not None:
        guid = id_el.text or ""
        if guid and (guid[0].isspace() or guid[-1].isspace()):
            guid = guid.strip()
    if not link and guid.startswith(("http://", "https://")):
        link = guid  # an Atom id that is a URL is, in practice, the permalink
    if published_el is None:
        published_el = created_el
    if updated_el is None:
        updated_el = dcmodified_el
    if image:
        pass
    elif MEDIA_CONTENT in many or MEDIA_THUMBNAIL in many or MEDIA_GROUP in many or itunes_image is not None:
        image = _media_image(many, itunes_image, base)
    categories = many.get(CATEGORY)
    language = entry.get(f.XML_LANG)
    language = language.strip() or feed_language if language else feed_language
    return ParsedEntry(
        link=link,
        title=_entry_title(title_el, dc_title_el, media_title_el),
        guid=guid,
        summary=_markup(summary_el, base, resolve_markup) if summary_el is not None else "",
        content_html=_markup(content_el, base, resolve_markup)
        if content_el is not None and not content_el.get("src")
        else "",
        author=_entry_author(author_el, creator_el, table) if author_el is not None or creator_el is not None else "",
        published=parse_date(published_el.text) if published_el is not None else None,
        updated=parse_date(updated_el.text) if updated_el is not None else None,
        image_url=image,
        language=language,
        categories=tuple(_categories(categories)) if categories else (),
    )


def parse_atom_entry_document(root: etree._Element, *, url: str, resolve_markup: bool = True) -> ParsedFeed:
    """An Atom entry document (root <entry>, RFC 4287 section 4.1.2) as a feed of that one entry."""
    ns = root.tag[1 : root.tag.find("}")]
    language = (root.get(f.XML_LANG) or "").strip()
    entry = _parse_entry(root, _TABLES[ns], url, language, resolve_markup)
    return ParsedFeed(kind="atom", language=language, entries=(entry,))


def _entry_title(title_el, dc_title_el, media_title_el) -> str:
    """atom:title, else dc:title, else media:title (feedparser falls back the same way)."""
    if title_el is not None:
        title = f.atom_title(title_el)
        if title:
            return title
    for el in (dc_title_el, media_title_el):
        if el is not None:
            title = f.plain_text(f.element_text(el))
            if title:
                return title
    return ""


def _markup(el: etree._Element, base: str, resolve_markup: bool) -> str:
    markup = f.atom_html(el)
    return f.absolutize_markup(markup, el, base) if resolve_markup else markup


def _entry_links(links: list[etree._Element], base: str) -> tuple[str, str]:
    # Rank: explicit text/html alternate, then untyped alternate, then any other alternate.
    best_rank, best, image = 9, "", ""
    for el in links:
        href = el.get("href") or ""
        if not href:
            continue
        rel = el.get("rel") or "alternate"
        kind = (el.get("type") or "").lower()
        if rel == "alternate":
            rank = 0 if kind in _HTML_TYPES and kind else 1 if not kind else 2
            if rank < best_rank:
                resolved = f.resolve_url(el, href, base)
                if resolved:
                    best_rank, best = rank, resolved
        elif rel == "enclosure" and not image and f.is_image(href, kind):
            image = f.resolve_url(el, href, base)
    return best, image


def _entry_author(author, creator, table: dict[str, int]) -> str:
    if author is not None:
        for child in author:
            if table.get(child.tag) is None and child.tag.endswith("}name"):
                name = f.plain_text(child.text or "")
                if name:
                    return name
        name = f.plain_text(f.element_text(author))
        if name and len(author) == 0:
            return name
    if creator is not None:
        return f.person_name(creator.text or "")
    return ""


def _media_image(many: dict[int, list[etree._Element]], itunes_image, base: str) -> str:
    best_rank, best = 99, ""
    for slot, kind in _MEDIA_KINDS:
        for el in many.get(slot, ()):
            rank, url = f.media_image(el, kind, base)
            if url and rank < best_rank:
                best_rank, best = rank, url
    if not best and itunes_image is not None and itunes_image.get("href"):
        return f.resolve_url(itunes_image, itunes_image.get("href") or "", base)
    return best


def _categories(elements: list[etree._Element]) -> list[str]:
    out = []
    for el in elements:
        value = el.get("term") or el.get("label") or el.text or ""
        value = f.plain_text(value)
        if value:
            out.append(value)
    return out
