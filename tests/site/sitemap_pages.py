"""The whole sitemap as a crawler reads it: the index at /sitemap.xml, then every page the index lists."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_pages(client) -> dict[str, bytes]:
    """{path and query of each page the index lists: its body}; every one answers 200."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    pages = {}
    for location in ET.fromstring(index.content).iter(f"{SITEMAP}loc"):
        parts = urlsplit(location.text)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.content
    return pages


def sitemap_locations(client) -> list[str]:
    """Every URL of every page of the sitemap, in order (a URL listed twice shows twice)."""
    return [
        loc.text for content in sitemap_pages(client).values() for loc in ET.fromstring(content).iter(f"{SITEMAP}loc")
    ]


def sitemap_text(client) -> str:
    """Every page of the sitemap as one text, to look for a URL in."""
    return "\n".join(content.decode() for content in sitemap_pages(client).values())
