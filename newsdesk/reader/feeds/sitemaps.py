"""XML sitemaps, Google News sitemaps and sitemap indexes (plus plain-text URL lists).

Namespaces vary in the wild (0.9, Google's old 0.84, none at all), so elements are matched by local name.
"""

from __future__ import annotations

from lxml import etree

from newsdesk.reader.feeds import fields as f
from newsdesk.reader.feeds.budget import UNLIMITED, ParseBudget
from newsdesk.reader.feeds.dates import parse_date
from newsdesk.reader.types import ParsedEntry, ParsedFeed

SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
_MAX_TEXT_LINES = 50_000  # the sitemap protocol's own per-file limit


def local_name(tag: object) -> str:
    """'{ns}name' -> 'name'; comments and PIs -> ''."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def parse_sitemap(root: etree._Element, *, url: str, budget: ParseBudget = UNLIMITED) -> ParsedFeed:
    """Read a <urlset> (entries) or a <sitemapindex> (child sitemap URLs)."""
    if local_name(root.tag) == "sitemapindex":
        children = []
        for sitemap in root:
            loc = _child_text(sitemap, "loc")
            absolute = f.resolve_url(sitemap, loc, url) if loc else ""
            if absolute:
                children.append(absolute)
        return ParsedFeed(kind="sitemapindex", sitemaps=tuple(children))
    entries = []
    publication, language = "", ""
    for node in budget.each(root, "reading sitemap URLs"):
        if local_name(node.tag) != "url":
            continue
        entry, pub_name = _url_entry(node, url)
        if entry is not None:
            entries.append(entry)
            publication = publication or pub_name
            language = language or entry.language
    return ParsedFeed(kind="sitemap", title=publication, language=language, entries=tuple(entries))


def _url_entry(node: etree._Element, base: str) -> tuple[ParsedEntry | None, str]:
    loc, lastmod, title, published, language, publication, image = "", "", "", "", "", "", ""
    keywords: tuple[str, ...] = ()
    for child in node:
        name = local_name(child.tag)
        if name == "loc":
            loc = (child.text or "").strip()
        elif name == "lastmod":
            lastmod = child.text or ""
        elif name == "news":
            for item in child:
                item_name = local_name(item.tag)
                if item_name == "title":
                    title = f.plain_text(item.text or "")
                elif item_name == "publication_date":
                    published = item.text or ""
                elif item_name == "keywords":
                    keywords = tuple(k.strip() for k in (item.text or "").split(",") if k.strip())
                elif item_name == "publication":
                    publication = _child_text(item, "name")
                    language = _child_text(item, "language")
        elif name == "image" and not image:
            image = f.resolve_url(child, _child_text(child, "loc"), base)
    link = f.resolve_url(node, loc, base) if loc else ""
    if not link:
        return None, ""
    entry = ParsedEntry(
        link=link,
        title=title,
        published=parse_date(published),
        updated=parse_date(lastmod),
        image_url=image,
        language=language,
        categories=keywords,
    )
    return entry, publication


def _child_text(el: etree._Element, name: str) -> str:
    for child in el:
        if local_name(child.tag) == name:
            return (child.text or "").strip()
    return ""


def looks_like_text_sitemap(text: str) -> bool:
    """Every non-blank line is an http(s) URL (the sitemap protocol's text format)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return bool(lines) and all(line.startswith(("http://", "https://")) and " " not in line for line in lines)


def parse_text_sitemap(text: str, *, url: str) -> ParsedFeed:
    """One URL per line."""
    links = [line.strip() for line in text.splitlines() if line.strip()][:_MAX_TEXT_LINES]
    return ParsedFeed(kind="sitemap", entries=tuple(ParsedEntry(link=link) for link in links))
