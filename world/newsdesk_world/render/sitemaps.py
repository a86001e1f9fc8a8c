"""Google News sitemap, the sitemap index that points at it, and robots.txt (which points at both)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from ..model import FEED_PATHS, SITEMAP_INDEX_PATH
from ..publishers import ROBOTS_BLOCKED_PREFIX
from .context import SiteContext
from .dates import iso_local, iso_utc
from .feed_items import feed_items, newest_update


def render_news_sitemap(ctx: SiteContext) -> str:
    urls = []
    for item in feed_items(ctx):
        image = f"\n<image:image><image:loc>{escape(item.image)}</image:loc></image:image>" if item.image else ""
        keywords = escape(", ".join(item.categories))
        urls.append(
            f"""<url>
<loc>{escape(item.canonical)}</loc>
<lastmod>{iso_local(item.updated, ctx.publisher)}</lastmod>
<news:news>
<news:publication><news:name>{escape(ctx.publisher.name)}</news:name><news:language>{ctx.publisher.language}</news:language></news:publication>
<news:publication_date>{iso_local(item.published, ctx.publisher)}</news:publication_date>
<news:title>{escape(item.title)}</news:title>
<news:keywords>{keywords}</news:keywords>
</news:news>{image}
</url>"""
        )
    body = "\n".join(urls)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
{body}
</urlset>
"""


def render_sitemap_index(ctx: SiteContext) -> str:
    lastmod = newest_update(feed_items(ctx)) or ctx.world.anchor
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{ctx.url(FEED_PATHS["sitemap"])}</loc><lastmod>{iso_utc(lastmod)}</lastmod></sitemap>
</sitemapindex>
"""


def render_robots(ctx: SiteContext) -> str:
    """Ordinary rules for every site; one site also forbids its article pages while allowing its feeds."""
    lines = ["User-agent: *", "Disallow: /search", "Disallow: /newsletter/", "Disallow: /comments/", "Disallow: /ads/"]
    if ctx.publisher.robots_disallows_articles:
        lines.append(f"Disallow: {ROBOTS_BLOCKED_PREFIX}")
        lines += [f"Allow: {path}" for path in (*FEED_PATHS.values(), SITEMAP_INDEX_PATH)]
    lines += ["", "User-agent: GPTBot", "Disallow: /", "", f"Sitemap: {ctx.url(SITEMAP_INDEX_PATH)}"]
    if ctx.publisher.primary_feed_kind == "sitemap":
        lines.append(f"Sitemap: {ctx.url(FEED_PATHS['sitemap'])}")
    return "\n".join(lines) + "\n"
