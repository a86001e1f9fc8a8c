"""One neutral list of feed entries per publisher, shared by the RSS, Atom, JSON Feed and sitemap writers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from .context import SiteContext

IMAGE_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


@dataclass(frozen=True)
class FeedItem:
    key: str  # stable per item, for Atom ids
    guid: str
    title: str
    link: str  # what feeds give as the item link (may carry tracking parameters)
    canonical: str  # what the sitemap lists and the page declares
    summary: str
    content_html: str
    author: str
    published: datetime
    updated: datetime
    categories: tuple[str, ...]
    image: str  # absolute URL, "" for none
    image_type: str


def _guid(ctx: SiteContext, item_id: str, canonical: str) -> str:
    if ctx.publisher.style.guid_permalink:
        return canonical
    return f"urn:{ctx.publisher.slug}:article:{item_id}"


def feed_items(ctx: SiteContext) -> list[FeedItem]:
    """Every article of the week plus the broken links, newest first."""
    items = []
    image_type = IMAGE_TYPES[ctx.publisher.style.image_format]
    for article in ctx.articles:
        canonical = ctx.url(article.path)
        items.append(
            FeedItem(
                key=article.id,
                guid=_guid(ctx, article.id, canonical),
                title=article.headline,
                link=ctx.url(article.feed_link_path),
                canonical=canonical,
                summary=article.dek,
                content_html="".join(f"<p>{escape(text)}</p>" for text in article.paragraphs),
                author=article.byline,
                published=article.published,
                updated=article.last_modified,
                categories=(ctx.lexicon.section_names[article.category], *article.tags[1:]),
                image=ctx.url(article.image_path),
                image_type=image_type,
            )
        )
    for broken in ctx.world.broken_links_of(ctx.publisher.slug):
        canonical = ctx.url(broken.path)
        key = broken.path.strip("/").replace("/", "-")
        items.append(
            FeedItem(
                key=key,
                guid=_guid(ctx, key, canonical),
                title=broken.headline,
                link=canonical + ctx.publisher.style.feed_link_query,
                canonical=canonical,
                summary=broken.headline,
                content_html=f"<p>{escape(broken.headline)}</p>",
                author=ctx.lexicon.ui["staff_credit"],
                published=broken.published,
                updated=broken.published,
                categories=(),
                image="",
                image_type="",
            )
        )
    items.sort(key=lambda item: item.published, reverse=True)
    return items


def newest_update(items: list[FeedItem]) -> datetime | None:
    return max((item.updated for item in items), default=None)
