"""Article pages in five layout families (classic, storybody, magazine, portal, modern).

Each publisher combines a family with its own class prefix, byline position, date format and
metadata choices, so no two sites share markup exactly.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from ..model import Article
from .boilerplate import ad_block, comment_section, document, most_read, newsletter_box, related_links, share_bar
from .context import SiteContext
from .dates import human_date, iso_local
from .metadata import article_head


def render_article_page(ctx: SiteContext, article: Article) -> str:
    layout = LAYOUTS[ctx.publisher.style.layout]
    title = f"{article.headline}{ctx.publisher.style.title_separator}{ctx.publisher.name}"
    return document(
        ctx, title=title, head_extra=article_head(ctx, article), body=layout(ctx, article), body_class="article-page"
    )


def _date(ctx: SiteContext, moment: datetime, css: str, itemprop: str = "") -> str:
    text = escape(human_date(moment, ctx.publisher))
    if not ctx.publisher.style.machine_time:
        return f'<span class="{css}">{text}</span>'
    prop = f' itemprop="{itemprop}"' if itemprop else ""
    return f'<time class="{css}"{prop} datetime="{iso_local(moment, ctx.publisher)}">{text}</time>'


def _dates(ctx: SiteContext, article: Article) -> str:
    ui = ctx.lexicon.ui
    html = f"{escape(ui['published'])} {_date(ctx, article.published, 'published', 'datePublished')}"
    if article.updated:
        html += f" · {escape(ui['updated'])} {_date(ctx, article.updated, 'updated', 'dateModified')}"
    return html


def _byline(ctx: SiteContext, article: Article, css: str) -> str:
    return f'<div class="{css}">{escape(ctx.lexicon.ui["by"])} <span class="author-name">{escape(article.byline)}</span></div>'


def _paragraphs(ctx: SiteContext, article: Article, *, ad_after: int = 0, read_also_after: int = 0) -> str:
    """Body paragraphs with optional inline ad and "read also" box, which extractors must drop."""
    parts = []
    related = ctx.related(article, 1)
    for index, text in enumerate(article.paragraphs, start=1):
        parts.append(f"<p>{escape(text)}</p>")
        if index == ad_after:
            parts.append(ad_block(ctx, "inline", index))
        if index == read_also_after and related:
            parts.append(
                f'<aside class="read-also"><strong>{escape(ctx.lexicon.ui["read_also"])}:</strong> '
                f'<a href="{related[0].path}">{escape(related[0].headline)}</a></aside>'
            )
    return "\n".join(parts)


def _image(ctx: SiteContext, article: Article) -> str:
    credit = article.wire_credit or ctx.publisher.name
    return f'<img src="{article.image_path}" alt="{escape(article.headline)}" width="640" height="360" data-credit="{escape(credit)}">'


def _caption(ctx: SiteContext, article: Article) -> str:
    return f"{escape(ctx.lexicon.ui['photo'])}: {escape(article.wire_credit or ctx.publisher.name)}"


def _tags(ctx: SiteContext, article: Article, css: str) -> str:
    items = "".join(f'<li><a href="/tag/{i}">{escape(t)}</a></li>' for i, t in enumerate(article.tags))
    return f'<ul class="{css}" aria-label="{escape(ctx.lexicon.ui["tags"])}">{items}</ul>'


def _section_link(ctx: SiteContext, article: Article, css: str) -> str:
    name = escape(ctx.lexicon.section_names[article.category])
    return f'<a class="{css}" href="{ctx.section_path(article.category)}">{name}</a>'


def _classic(ctx: SiteContext, article: Article) -> str:
    p = ctx.prefix
    top = ctx.publisher.style.byline_position == "top"
    byline = _byline(ctx, article, f"{p}-byline")
    return f"""<main class="{p}-main">
<article class="{p}-article" id="article-{article.id}">
<header class="{p}-article-header">
{_section_link(ctx, article, f"{p}-kicker")}
<h1 class="{p}-headline">{escape(article.headline)}</h1>
<p class="{p}-standfirst">{escape(article.dek)}</p>
{byline if top else ""}
<div class="{p}-dateline">{_dates(ctx, article)}</div>
</header>
<figure class="{p}-lead-image">{_image(ctx, article)}<figcaption>{_caption(ctx, article)}</figcaption></figure>
{share_bar(ctx)}
<div class="{p}-article-body">
{_paragraphs(ctx, article, read_also_after=3)}
</div>
{"" if top else byline}
<footer class="{p}-article-footer">{_tags(ctx, article, f"{p}-tags")}</footer>
</article>
<aside class="{p}-sidebar">{ad_block(ctx, "mpu", 1)}{most_read(ctx)}</aside>
</main>
{related_links(ctx, article)}
{newsletter_box(ctx)}
{comment_section(ctx, article)}"""


def _storybody(ctx: SiteContext, article: Article) -> str:
    p = ctx.prefix
    top = ctx.publisher.style.byline_position == "top"
    byline = _byline(ctx, article, "author-info")
    return f"""<div id="page" class="{p}-page">
<div class="story-wrapper">
<div class="story-header">
{_section_link(ctx, article, "section-label")}
<h1 class="story-headline">{escape(article.headline)}</h1>
<p class="story-summary">{escape(article.dek)}</p>
{byline if top else ""}
<div class="story-date">{_dates(ctx, article)}</div>
</div>
<div class="story-image">{_image(ctx, article)}<span class="caption">{_caption(ctx, article)}</span></div>
<div class="story-body">
{_paragraphs(ctx, article, ad_after=2)}
</div>
{"" if top else byline}
<div class="story-tags">{_tags(ctx, article, "tag-list")}</div>
{share_bar(ctx)}
</div>
{related_links(ctx, article)}
{comment_section(ctx, article)}
</div>
{newsletter_box(ctx)}"""


def _magazine(ctx: SiteContext, article: Article) -> str:
    p = ctx.prefix
    number = article.id.rsplit("-", 1)[-1]
    author_slug = "-".join(article.byline.lower().split())
    return f"""<div id="primary" class="content-area {p}-content">
<main id="content" class="site-main">
<section class="entry post-{number} type-post status-publish">
<header class="entry-header">
<div class="entry-categories">{_section_link(ctx, article, "category-link")}</div>
<h1 class="entry-title">{escape(article.headline)}</h1>
<div class="entry-meta"><span class="posted-on">{_dates(ctx, article)}</span>
<span class="byline"> {escape(ctx.lexicon.ui["by"])} <span class="author vcard"><a class="url fn n" href="/author/{escape(author_slug)}/">{escape(article.byline)}</a></span></span></div>
</header>
<div class="entry-summary"><p><strong>{escape(article.dek)}</strong></p></div>
<div class="post-thumbnail">{_image(ctx, article)}</div>
<div class="entry-content">
{_paragraphs(ctx, article, ad_after=2, read_also_after=4)}
</div>
<footer class="entry-footer"><span class="tags-links">{_tags(ctx, article, "post-tags")}</span>{share_bar(ctx)}</footer>
</section>
{newsletter_box(ctx)}
{related_links(ctx, article)}
{comment_section(ctx, article)}
</main>
<aside id="secondary" class="widget-area">{ad_block(ctx, "sidebar", 2)}{most_read(ctx)}</aside>
</div>"""


def _portal(ctx: SiteContext, article: Article) -> str:
    p = ctx.prefix
    return f"""<div id="main">
<div class="row">
<div class="col-8">
<div class="{p}-item">
<div class="{p}-kicker">{_section_link(ctx, article, f"{p}-section")}</div>
<h1 class="{p}-title">{escape(article.headline)}</h1>
<h2 class="{p}-intro">{escape(article.dek)}</h2>
<div class="{p}-signature"><span class="author">{escape(article.byline)}</span> | <span class="date">{_dates(ctx, article)}</span></div>
<div class="{p}-photo">{_image(ctx, article)}<p class="photo-caption">{_caption(ctx, article)}</p></div>
<div class="{p}-text">
{_paragraphs(ctx, article, ad_after=4)}
</div>
<div class="{p}-labels">{_tags(ctx, article, f"{p}-label-list")}</div>
</div>
{related_links(ctx, article)}
{comment_section(ctx, article)}
</div>
<div class="col-4">{ad_block(ctx, "skyscraper", 1)}{most_read(ctx)}{newsletter_box(ctx)}</div>
</div>
</div>"""


def _modern(ctx: SiteContext, article: Article) -> str:
    p = ctx.prefix
    top = ctx.publisher.style.byline_position == "top"
    author = (
        f'<address class="author" itemprop="author" itemscope itemtype="https://schema.org/Person">'
        f'{escape(ctx.lexicon.ui["by"])} <span itemprop="name">{escape(article.byline)}</span></address>'
    )
    return f"""<main id="main-content">
<article class="article-{p}" itemscope itemtype="https://schema.org/NewsArticle" data-article-id="{article.id}">
<div class="headline-block">
<p class="eyebrow">{_section_link(ctx, article, "eyebrow-link")}</p>
<h1 itemprop="headline">{escape(article.headline)}</h1>
<p itemprop="description" class="summary">{escape(article.dek)}</p>
</div>
<div class="meta-row">{author if top else ""}<div class="timestamps">{_dates(ctx, article)}</div></div>
<picture class="lead-media">{_image(ctx, article)}</picture>
<section itemprop="articleBody" class="article-body">
{_paragraphs(ctx, article, read_also_after=2)}
</section>
{"" if top else author}
{share_bar(ctx)}
{_tags(ctx, article, "topic-pills")}
</article>
{related_links(ctx, article)}
{newsletter_box(ctx)}
{comment_section(ctx, article)}
</main>"""


LAYOUTS = {
    "classic": _classic,
    "storybody": _storybody,
    "magazine": _magazine,
    "portal": _portal,
    "modern": _modern,
}
