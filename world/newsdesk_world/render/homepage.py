"""Front page and section fronts: teaser lists linking to every article of the week."""

from __future__ import annotations

from html import escape

from ..model import Article
from .boilerplate import ad_block, document, most_read, newsletter_box
from .context import SiteContext
from .dates import human_date, iso_local


def _teaser(ctx: SiteContext, article: Article) -> str:
    section = escape(ctx.lexicon.section_names[article.category])
    when = escape(human_date(article.published, ctx.publisher))
    return (
        f'<li class="teaser teaser-{article.category}"><span class="teaser-section">{section}</span> '
        f'<a class="teaser-link" href="{article.path}">{escape(article.headline)}</a> '
        f'<time datetime="{iso_local(article.published, ctx.publisher)}">{when}</time></li>'
    )


def _front(ctx: SiteContext, articles: list[Article], heading: str) -> str:
    p = ctx.prefix
    if not articles:
        return f'<main class="{p}-front"><h1>{escape(heading)}</h1></main>'
    lead = articles[0]
    teasers = "\n".join(_teaser(ctx, a) for a in articles[1:])
    return f"""<main class="{p}-front">
<h1 class="{p}-front-title">{escape(heading)}</h1>
<section class="{p}-lead-story">
<a href="{lead.path}"><img src="{lead.image_path}" alt="{escape(lead.headline)}" width="640" height="360"></a>
<h2><a href="{lead.path}">{escape(lead.headline)}</a></h2>
<p>{escape(lead.dek)}</p>
</section>
{ad_block(ctx, "billboard", 2)}
<section class="{p}-latest"><h2>{escape(ctx.lexicon.ui["latest"])}</h2>
<ul class="{p}-teasers">
{teasers}
</ul>
</section>
<aside class="{p}-rail">{most_read(ctx)}{newsletter_box(ctx)}</aside>
</main>"""


def render_homepage(ctx: SiteContext) -> str:
    name = ctx.publisher.name
    head = f'<link rel="canonical" href="{ctx.url("/")}">\n<meta name="description" content="{escape(name)}">'
    if ctx.publisher.style.og_tags:
        head += (
            f'\n<meta property="og:type" content="website">\n<meta property="og:site_name" content="{escape(name)}">'
        )
    return document(ctx, title=name, head_extra=head, body=_front(ctx, ctx.articles, name), body_class="home")


def render_section_page(ctx: SiteContext, category: str) -> str:
    section = ctx.lexicon.section_names[category]
    articles = [a for a in ctx.articles if a.category == category]
    head = f'<link rel="canonical" href="{ctx.url(ctx.section_path(category))}">'
    title = f"{section}{ctx.publisher.style.title_separator}{ctx.publisher.name}"
    return document(ctx, title=title, head_extra=head, body=_front(ctx, articles, section), body_class="section")
