"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 documents for one publisher, plus a deliberately malformed RSS."""

from __future__ import annotations

import json
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from ..model import FEED_PATHS
from .context import SiteContext
from .dates import iso_local, iso_utc, rfc822
from .feed_items import FeedItem, feed_items, newest_update

GENERATOR = "newsdesk simulated world"


def _language_tag(ctx: SiteContext) -> str:
    return f"{ctx.publisher.language}-{ctx.publisher.country.lower()}"


def _cdata(html: str) -> str:
    return "<![CDATA[" + html.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _rss_item(ctx: SiteContext, item: FeedItem) -> str:
    style = ctx.publisher.style
    permalink = "true" if style.guid_permalink else "false"
    parts = [
        f"<title>{escape(item.title)}</title>",
        f"<link>{escape(item.link)}</link>",
        f'<guid isPermaLink="{permalink}">{escape(item.guid)}</guid>',
        f"<pubDate>{rfc822(item.published)}</pubDate>",
        f"<dc:creator>{escape(item.author)}</dc:creator>",
        *(f"<category>{escape(c)}</category>" for c in item.categories),
        f"<description>{escape(item.summary)}</description>",
    ]
    if style.rss_content_encoded:
        parts.append(f"<content:encoded>{_cdata(item.content_html)}</content:encoded>")
    if item.image and style.rss_media == "media":
        parts.append(
            f'<media:content url={quoteattr(item.image)} medium="image" type="{item.image_type}" width="640" height="360"/>'
        )
    elif item.image:
        parts.append(f'<enclosure url={quoteattr(item.image)} length="0" type="{item.image_type}"/>')
    return "<item>\n" + "\n".join(parts) + "\n</item>"


def render_rss(ctx: SiteContext, self_path: str = FEED_PATHS["rss"]) -> str:
    items = feed_items(ctx)
    built = newest_update(items) or ctx.world.anchor
    body = "\n".join(_rss_item(ctx, item) for item in items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
<title>{escape(ctx.publisher.name)}</title>
<link>{ctx.url("/")}</link>
<description>{escape(ctx.lexicon.ui["latest"])} — {escape(ctx.publisher.name)}</description>
<language>{_language_tag(ctx)}</language>
<lastBuildDate>{rfc822(built)}</lastBuildDate>
<atom:link href={quoteattr(ctx.url(self_path))} rel="self" type="application/rss+xml"/>
<generator>{GENERATOR}</generator>
<ttl>15</ttl>
<image><url>{ctx.url("/static/logo.png")}</url><title>{escape(ctx.publisher.name)}</title><link>{ctx.url("/")}</link></image>
{body}
</channel>
</rss>
"""


def render_malformed_rss(ctx: SiteContext) -> str:
    """A feed a broken CMS might emit: cut off mid-item, with a bare ampersand and an unclosed tag."""
    text = render_rss(ctx)
    cut = text.index("<item>", len(text) // 3)
    return text[:cut] + "<item>\n<title>Dernière minute & suite</title>\n<link>" + ctx.url("/") + "\n<description><p>"


def _tag_uri(ctx: SiteContext, moment: datetime, specific: str) -> str:
    return f"tag:{ctx.publisher.contact_domain},{moment:%Y-%m-%d}:{specific}"


def _atom_entry(ctx: SiteContext, item: FeedItem) -> str:
    parts = [
        f"<id>{escape(_tag_uri(ctx, item.published, item.key))}</id>",
        f'<title type="text">{escape(item.title)}</title>',
        f'<link rel="alternate" type="text/html" href={quoteattr(item.link)}/>',
        f"<published>{iso_local(item.published, ctx.publisher)}</published>",
        f"<updated>{iso_local(item.updated, ctx.publisher)}</updated>",
        f"<author><name>{escape(item.author)}</name></author>",
        *(f"<category term={quoteattr(c)}/>" for c in item.categories),
        f'<summary type="text">{escape(item.summary)}</summary>',
    ]
    if item.image:
        parts.append(f'<link rel="enclosure" type="{item.image_type}" href={quoteattr(item.image)}/>')
    if ctx.publisher.style.atom_content:
        parts.append(f'<content type="html">{escape(item.content_html)}</content>')
    return "<entry>\n" + "\n".join(parts) + "\n</entry>"


def render_atom(ctx: SiteContext) -> str:
    items = feed_items(ctx)
    updated = newest_update(items) or ctx.world.anchor
    entries = "\n".join(_atom_entry(ctx, item) for item in items)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{_language_tag(ctx)}">
<id>{escape(_tag_uri(ctx, ctx.world.anchor, "feed"))}</id>
<title>{escape(ctx.publisher.name)}</title>
<subtitle>{escape(ctx.lexicon.ui["latest"])}</subtitle>
<updated>{iso_utc(updated)}</updated>
<link rel="self" type="application/atom+xml" href={quoteattr(ctx.url(FEED_PATHS["atom"]))}/>
<link rel="alternate" type="text/html" href={quoteattr(ctx.url("/"))}/>
<generator>{GENERATOR}</generator>
<rights>© {ctx.world.anchor.year} {escape(ctx.publisher.name)}</rights>
{entries}
</feed>
"""


def render_json_feed(ctx: SiteContext) -> str:
    items = []
    for item in feed_items(ctx):
        entry = {
            "id": item.guid,
            "url": item.link,
            "title": item.title,
            "summary": item.summary,
            "date_published": iso_local(item.published, ctx.publisher),
            "date_modified": iso_local(item.updated, ctx.publisher),
            "authors": [{"name": item.author}],
            "tags": list(item.categories),
            "language": ctx.publisher.language,
        }
        if ctx.publisher.style.json_content_html:
            entry["content_html"] = item.content_html
        else:
            entry["content_text"] = item.summary
        if item.image:
            entry["image"] = item.image
        items.append(entry)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": ctx.publisher.name,
        "home_page_url": ctx.url("/"),
        "feed_url": ctx.url(FEED_PATHS["jsonfeed"]),
        "description": ctx.lexicon.ui["latest"],
        "language": _language_tag(ctx),
        "icon": ctx.url("/static/logo.png"),
        "authors": [{"name": ctx.publisher.name, "url": ctx.url("/")}],
        "items": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=1)
