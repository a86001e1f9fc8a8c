"""Atom 1.0 and Atom 0.3 from a parsed lxml tree."""

from __future__ import annotations

from lxml import etree

from newsdesk.reader.feeds import fields as f
from newsdesk.reader.feeds.dates import parse_date
from newsdesk.reader.types import ParsedEntry, ParsedFeed

_HTML_TYPES = ("", "text/html", "application/xhtml+xml", "html")


def _tag_table(ns: str) -> dict[str, str]:
    prefix = f"{{{ns}}}" if ns else ""
    table = {
        f"{prefix}{local}": local
        for local in ("title", "link", "id", "summary", "content", "author", "category", "published", "updated")
    }
    table.update(
        {
            f"{prefix}issued": "published",
            f"{prefix}created": "created",
            f"{prefix}modified": "updated",
            f"{prefix}source": "source",
            f"{{{f.DC}}}creator": "creator",
            f"{{{f.DC}}}date": "created",
            f"{{{f.DC}}}subject": "category",
            f"{{{f.DCTERMS}}}issued": "created",
            f"{{{f.DCTERMS}}}modified": "dcmodified",
            f"{{{f.ITUNES}}}image": "itunes_image",
        }
    )
    for media_ns in f.MEDIA_NAMESPACES:
        for local in ("content", "thumbnail", "group"):
            table[f"{{{media_ns}}}{local}"] = "media:" + local
    return table


# "" covers <feed> without a namespace, which some generators emit and feedparser accepts.
_TABLES = {ns: _tag_table(ns) for ns in (f.ATOM, f.ATOM03, "")}
_MULTI = frozenset({"link", "category", "media:content", "media:thumbnail", "media:group"})


def parse_atom(root: etree._Element, *, url: str, resolve_markup: bool = True) -> ParsedFeed:
    """Read an Atom <feed> document (1.0 or 0.3, by the root's namespace). `resolve_markup`: resolve
    relative URLs inside entry HTML."""
    ns = root.tag[1 : root.tag.find("}")] if root.tag.startswith("{") else ""
    table = _TABLES.get(ns, _TABLES[f.ATOM])
    title, link, hub, self_url = "", "", "", ""
    prefix = f"{{{ns}}}" if ns else ""
    # <item> inside an Atom feed is wrong but feedparser accepts it, and so do we.
    entry_tags = (prefix + "entry", prefix + "item")
    entry_elements = []
    for child in root:
        name = table.get(child.tag)
        if child.tag in entry_tags:
            entry_elements.append(child)
        elif name == "title" and not title:
            title = f.atom_title(child)
        elif name == "link":
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
        title=title,
        link=link,
        language=language,
        entries=tuple(_parse_entry(entry, table, url, language, resolve_markup) for entry in entry_elements),
        hub_url=hub,
        self_url=self_url,
    )


def _parse_entry(
    entry: etree._Element, table: dict[str, str], base: str, feed_language: str, resolve_markup: bool
) -> ParsedEntry:
    one: dict[str, etree._Element] = {}
    many: dict[str, list[etree._Element]] = {}
    get_name = table.get
    for child in entry:
        name = get_name(child.tag)
        if name is None:
            continue
        if name in _MULTI:
            if name in many:
                many[name].append(child)
            else:
                many[name] = [child]
        elif name not in one:
            one[name] = child
    get = one.get

    links = many.get("link")
    link, image = _entry_links(links, base) if links else ("", "")
    id_el = get("id")
    guid = ""
    if id_el is not None:
        guid = id_el.text or ""
        if guid and (guid[0].isspace() or guid[-1].isspace()):
            guid = guid.strip()
    if not link and guid.startswith(("http://", "https://")):
        link = guid  # an Atom id that is a URL is, in practice, the permalink
    summary_el, content_el, title_el = get("summary"), get("content"), get("title")
    published_el = get("published")
    if published_el is None:
        published_el = get("created")
    updated_el = get("updated")
    if updated_el is None:
        updated_el = get("dcmodified")
    if image:
        pass
    elif "media:content" in many or "media:thumbnail" in many or "media:group" in many or "itunes_image" in one:
        image = _media_image(many, get("itunes_image"), base)
    categories = many.get("category")
    language = entry.get(f.XML_LANG)
    language = language.strip() or feed_language if language else feed_language
    return f.make_entry(
        link,
        f.atom_title(title_el) if title_el is not None else "",
        guid,
        _markup(summary_el, base, resolve_markup) if summary_el is not None else "",
        _markup(content_el, base, resolve_markup) if content_el is not None and not content_el.get("src") else "",
        _entry_author(get, table) if "author" in one or "creator" in one else "",
        parse_date(published_el.text) if published_el is not None else None,
        parse_date(updated_el.text) if updated_el is not None else None,
        image,
        language,
        tuple(_categories(categories)) if categories else (),
    )


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


def _entry_author(get, table: dict[str, str]) -> str:
    author = get("author")
    if author is not None:
        for child in author:
            if table.get(child.tag) is None and child.tag.endswith("}name"):
                name = f.plain_text(child.text or "")
                if name:
                    return name
        name = f.plain_text(f.element_text(author))
        if name and len(author) == 0:
            return name
    creator = get("creator")
    if creator is not None:
        return f.person_name(creator.text or "")
    return ""


def _media_image(many: dict[str, list[etree._Element]], itunes_image, base: str) -> str:
    best_rank, best = 99, ""
    for name in ("media:content", "media:thumbnail", "media:group"):
        for el in many.get(name, ()):
            rank, url = f.media_image(el, name[6:], base)
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
