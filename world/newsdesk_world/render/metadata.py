"""The <head> metadata of article pages: canonical, robots, author, Open Graph and JSON-LD NewsArticle."""

from __future__ import annotations

import json
from html import escape

from ..model import Article
from .context import SiteContext
from .dates import iso_local


def meta_author(ctx: SiteContext, article: Article) -> str:
    """What `<meta name="author">` says; wire copies of some sites name the agency there."""
    if article.wire_credit and ctx.publisher.style.wire_meta_author:
        return article.wire_credit
    return article.byline


def article_head(ctx: SiteContext, article: Article) -> str:
    style = ctx.publisher.style
    canonical = ctx.url(article.path)
    image = ctx.url(article.image_path)
    tags = [f'<meta name="description" content="{escape(article.dek)}">', f'<link rel="canonical" href="{canonical}">']
    if style.layout in {"classic", "portal", "modern"} or style.wire_meta_author:
        tags.append(f'<meta name="author" content="{escape(meta_author(ctx, article))}">')
    if ctx.publisher.noarchive:
        tags.append('<meta name="robots" content="noarchive">')
    if style.layout == "portal":
        tags.append(f'<meta name="news_keywords" content="{escape(", ".join(article.tags))}">')
    if style.og_tags:
        tags += _open_graph(ctx, article, canonical, image)
    if style.json_ld:
        tags.append(_json_ld(ctx, article, canonical, image))
    return "\n".join(tags)


def _open_graph(ctx: SiteContext, article: Article, canonical: str, image: str) -> list[str]:
    properties = [
        ("og:type", "article"),
        ("og:site_name", ctx.publisher.name),
        ("og:title", article.headline),
        ("og:description", article.dek),
        ("og:url", canonical),
        ("og:image", image),
        ("og:locale", f"{ctx.publisher.language}_{ctx.publisher.country}"),
        ("article:published_time", iso_local(article.published, ctx.publisher)),
        ("article:modified_time", iso_local(article.last_modified, ctx.publisher)),
        ("article:section", ctx.lexicon.section_names[article.category]),
        *(("article:tag", tag) for tag in article.tags),
    ]
    tags = [f'<meta property="{name}" content="{escape(value)}">' for name, value in properties]
    if ctx.publisher.style.layout == "modern":
        tags += [
            '<meta name="twitter:card" content="summary_large_image">',
            f'<meta name="twitter:title" content="{escape(article.headline)}">',
        ]
    return tags


def _json_ld(ctx: SiteContext, article: Article, canonical: str, image: str) -> str:
    if article.wire_credit:
        author = {"@type": "Organization", "name": meta_author(ctx, article)}
    else:
        author = {"@type": "Person", "name": article.byline}
    news_article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.dek,
        "datePublished": iso_local(article.published, ctx.publisher),
        "dateModified": iso_local(article.last_modified, ctx.publisher),
        "author": [author],
        "publisher": {
            "@type": "Organization",
            "name": ctx.publisher.name,
            "logo": {"@type": "ImageObject", "url": ctx.url("/static/logo.svg")},
        },
        "image": [image],
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "articleSection": ctx.lexicon.section_names[article.category],
        "keywords": list(article.tags),
        "inLanguage": article.language,
        "isAccessibleForFree": True,
    }
    if ctx.publisher.style.layout == "magazine":
        # WordPress SEO plugins wrap the article in a @graph next to the site and breadcrumbs.
        website = {"@type": "WebSite", "@id": ctx.url("/#website"), "name": ctx.publisher.name, "url": ctx.url("/")}
        news_article.pop("@context")
        payload: dict = {"@context": "https://schema.org", "@graph": [website, news_article]}
    else:
        payload = news_article
    # "</" inside a script element would end it early.
    text = json.dumps(payload, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'
