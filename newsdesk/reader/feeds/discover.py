"""Find a site's feeds from one of its HTML pages (`<link rel="alternate">`), plus paths worth probing."""

from __future__ import annotations

from urllib.parse import urljoin

import lxml.html
from lxml import etree

# Probed in this order by callers when a page advertises nothing; the first ones are the commonest
# (WordPress, Ghost, Hugo/Jekyll, Blogger, Substack, Medium-style).
COMMON_FEED_PATHS = (
    "/feed",
    "/rss",
    "/feed.xml",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feed/",
    "/rss/",
    "/feeds/posts/default",
    "/?feed=rss2",
    "/feed.json",
    "/index.rss",
    "/rss/index.xml",
)

FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/rdf+xml": "rss",
    "application/atom+xml": "atom",
    "application/feed+json": "jsonfeed",
    "application/json": "jsonfeed",
    "application/xml": "xml",
    "text/xml": "xml",
}


def discover_feeds(html: bytes, *, url: str) -> list[tuple[str, str]]:
    """(absolute feed URL, kind) for every feed the page advertises, in document order, without duplicates.

    kind is "rss", "atom", "jsonfeed" or "xml" (a generic XML type: could be either).
    """
    if not html or not html.strip():
        return []
    try:
        document = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base = url
    for base_el in document.iter("base"):
        href = (base_el.get("href") or "").strip()
        if href:
            base = urljoin(url, href)
        break
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for link in document.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "alternate" not in rels:
            continue
        kind = FEED_TYPES.get((link.get("type") or "").split(";")[0].strip().lower())
        href = (link.get("href") or "").strip()
        if kind is None or not href:
            continue
        absolute = urljoin(base, href)
        if absolute.startswith(("http://", "https://")) and absolute not in seen:
            seen.add(absolute)
            found.append((absolute, kind))
    return found
