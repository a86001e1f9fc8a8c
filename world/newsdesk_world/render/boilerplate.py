"""The parts of a news page that are not the article: the clutter an extractor has to throw away."""

from __future__ import annotations

from html import escape

from ..model import CATEGORIES, Article
from .context import SiteContext
from .dates import human_date, iso_local

FEED_MIME_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "jsonfeed": "application/feed+json"}


def document(ctx: SiteContext, *, title: str, head_extra: str, body: str, body_class: str) -> str:
    """A complete HTML document with the publisher's head, cookie banner, header, navigation and footer."""
    p = ctx.prefix
    lang = ctx.publisher.language
    if ctx.publisher.style.html_lang_region:
        lang = f"{lang}-{ctx.publisher.country}"
    alternates = "\n".join(
        f'<link rel="alternate" type="{mime}" title="{escape(ctx.publisher.name)} ({kind})" href="{ctx.feed_href(kind)}">'
        for kind, mime in FEED_MIME_TYPES.items()
    )
    cookie = cookie_banner(ctx)
    top_cookie = cookie if ctx.publisher.style.layout in {"classic", "portal"} else ""
    bottom_cookie = "" if top_cookie else cookie
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
{alternates}
<link rel="stylesheet" href="/static/{p}.css">
{head_extra}
<script>window.dataLayer = window.dataLayer || []; window.dataLayer.push({{"site": "{p}"}});</script>
</head>
<body class="{body_class}">
{top_cookie}
{site_header(ctx)}
{body}
{site_footer(ctx)}
{bottom_cookie}
</body>
</html>
"""


def cookie_banner(ctx: SiteContext) -> str:
    ui = ctx.lexicon.ui
    return f"""<div id="cookie-consent" class="cookie-banner" role="dialog" aria-live="polite">
<p>{escape(ui["cookie_text"])} <a href="/privacy">{escape(ui["privacy"])}</a></p>
<button type="button" class="cookie-accept">{escape(ui["cookie_accept"])}</button>
<button type="button" class="cookie-settings">{escape(ui["cookie_settings"])}</button>
</div>"""


def site_header(ctx: SiteContext) -> str:
    p = ctx.prefix
    ui = ctx.lexicon.ui
    items = [f'<li><a href="/">{escape(ui["home"])}</a></li>']
    items += [
        f'<li><a href="{ctx.section_path(c)}">{escape(ctx.lexicon.section_names[c])}</a></li>' for c in CATEGORIES
    ]
    return f"""<header class="{p}-masthead">
<div class="{p}-brand"><a href="/" class="{p}-logo">{escape(ctx.publisher.name)}</a></div>
<nav class="{p}-nav" aria-label="{escape(ui["home"])}"><ul>{"".join(items)}</ul></nav>
<form class="{p}-search" action="/search" method="get"><input type="search" name="q"></form>
</header>
{ad_block(ctx, "leaderboard", 0)}"""


def ad_block(ctx: SiteContext, slot: str, index: int) -> str:
    ads = ctx.lexicon.ads
    text = ads[index % len(ads)]
    return f"""<div class="ad ad-{slot}" data-ad-slot="{ctx.prefix}-{slot}-{index}">
<span class="ad-label">{escape(ctx.lexicon.ui["advertisement"])}</span>
<a href="/ads/click?slot={slot}&amp;n={index}" rel="sponsored nofollow">{escape(text)}</a>
</div>"""


def newsletter_box(ctx: SiteContext) -> str:
    ui = ctx.lexicon.ui
    return f"""<section class="newsletter-signup {ctx.prefix}-newsletter">
<h3>{escape(ui["newsletter_title"])}</h3>
<p>{escape(ui["newsletter_text"])}</p>
<form action="/newsletter/subscribe" method="post">
<input type="email" name="email" placeholder="{escape(ui["email_placeholder"])}">
<button type="submit">{escape(ui["subscribe"])}</button>
</form>
</section>"""


def related_links(ctx: SiteContext, article: Article) -> str:
    items = "".join(f'<li><a href="{a.path}">{escape(a.headline)}</a></li>' for a in ctx.related(article))
    return f"""<section class="related-articles {ctx.prefix}-related">
<h3>{escape(ctx.lexicon.ui["related"])}</h3>
<ul>{items}</ul>
</section>"""


def most_read(ctx: SiteContext) -> str:
    items = "".join(f'<li><a href="{a.path}">{escape(a.headline)}</a></li>' for a in ctx.articles[1:6])
    return f"""<section class="most-read"><h3>{escape(ctx.lexicon.ui["most_read"])}</h3><ol>{items}</ol></section>"""


def share_bar(ctx: SiteContext) -> str:
    return f"""<div class="share-tools"><span>{escape(ctx.lexicon.ui["share"])}</span>
<a href="#share-facebook" class="share-fb">Facebook</a> <a href="#share-x" class="share-x">X</a>
<a href="#share-email" class="share-mail">E-mail</a></div>"""


def comment_section(ctx: SiteContext, article: Article) -> str:
    ui = ctx.lexicon.ui
    items = "".join(
        f"""<li class="comment"><div class="comment-author">{escape(c.author)}</div>
<time datetime="{iso_local(c.posted_at, ctx.publisher)}">{escape(human_date(c.posted_at, ctx.publisher))}</time>
<p class="comment-text">{escape(c.text)}</p></li>"""
        for c in article.comments
    )
    return f"""<section id="comments" class="comments {ctx.prefix}-comments">
<h3>{escape(ui["comments"])} ({len(article.comments)})</h3>
<ol class="comment-list">{items}</ol>
<form class="comment-form" action="/comments/post" method="post">
<label>{escape(ui["comment_prompt"])}<textarea name="comment"></textarea></label>
<button type="submit">OK</button>
</form>
</section>"""


def site_footer(ctx: SiteContext) -> str:
    ui = ctx.lexicon.ui
    year = ctx.world.anchor.year
    return f"""<footer class="{ctx.prefix}-footer site-footer">
<ul class="footer-links">
<li><a href="/contact">{escape(ui["contact"])}</a></li>
<li><a href="/contact#about">{escape(ui["about"])}</a></li>
<li><a href="/privacy">{escape(ui["privacy"])}</a></li>
</ul>
<p class="copyright">© {year} {escape(ctx.publisher.name)}. {escape(ui["rights"])}</p>
<p class="contact-line"><a href="mailto:{ctx.publisher.contact_email}">{ctx.publisher.contact_email}</a></p>
</footer>"""


def simple_page(ctx: SiteContext, title: str, text: str) -> str:
    """The contact and privacy pages: boilerplate around one paragraph."""
    body = f"""<main class="{ctx.prefix}-page"><h1>{escape(title)}</h1><p id="about">{escape(text)}</p>
<p><a href="mailto:{ctx.publisher.contact_email}">{ctx.publisher.contact_email}</a></p></main>"""
    return document(
        ctx,
        title=f"{title}{ctx.publisher.style.title_separator}{ctx.publisher.name}",
        head_extra="",
        body=body,
        body_class="page",
    )
