"""How an article is presented on every public surface: what text, which image, and its credit line.

Everything here derives from `newsdesk.articles.policy.visible_body`, so pages, feeds, search results and the
API can never show more than the publisher's display policy allows.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import storages
from django.utils.html import format_html

from newsdesk.articles.models import Article
from newsdesk.articles.policy import VisibleBody, article_rule, excerpt_of, visible_body
from newsdesk.sources.models import Publisher

TEASER_CHARS = 280
IMAGE_ALT = "Image from {publisher} for “{title}”"
HEADLINE_ONLY_NOTE = "This publisher allows headlines only — read it at the source"


def absolute_url(path: str, *, site_url: str | None = None) -> str:
    """`path` on our public origin: `site_url` (see common.site_url.site_url_for), else settings.SITE_URL."""
    return (settings.SITE_URL if site_url is None else site_url) + path


def article_url(article: Article, *, site_url: str | None = None) -> str:
    """The absolute URL of our page for `article` (on `site_url` when given, else on settings.SITE_URL)."""
    return absolute_url(article.get_absolute_url(), site_url=site_url)


def article_policy(article: Article) -> str:
    """The display policy that applies to `article` (the publisher's, tightened by the page's signals)."""
    return article_rule(article).mode


def is_headline_only(article: Article) -> bool:
    return article_policy(article) in (Publisher.DisplayPolicy.HEADLINE, Publisher.DisplayPolicy.BLOCKED)


def visible_image_url(article: Article, *, size: str = "lead") -> str:
    """Our copy of the lead image we may show ("card" or "lead" size, see newsdesk.media), site-relative: none
    until the workers stored it, and none for headline-only articles or noimageindex pages. Readers' browsers
    never load a publisher's image."""
    if not article.image_key or not article_rule(article).show_image:
        return ""
    return storages["images"].url(f"{article.image_key}-{size}.webp")


def image_alt(article: Article) -> str:
    """Alt text of an article's image in a link preview (og:image:alt), where nothing beside it says what it is. We
    cannot see what it shows, so it says whose picture it is and for what. On our pages the image sits beside the
    headline it illustrates, credited by its caption: alt="" there (WCAG's decorative images)."""
    return IMAGE_ALT.format(publisher=article.publisher.name, title=article.title)


def web_url(url: str) -> str:
    """`url` if it is an http(s) URL, else "" (keeps javascript: and data: out of href/src)."""
    try:
        scheme = urlsplit(url or "").scheme.lower()
    except ValueError:
        return ""
    return url if scheme in {"http", "https"} else ""


def teaser(article: Article, limit: int = TEASER_CHARS) -> str:
    """A short policy-allowed snippet for lists and search results ("" for headline-only)."""
    return excerpt_of(visible_body(article).text, limit)


def credit_text(article: Article) -> str:
    """The attribution line every syndicated item carries."""
    line = f"Originally published by {article.publisher.name}: {article.original_url}"
    if article.wire_credit:
        line += f" — With {article.wire_credit}"
    return line


def credit_html(article: Article) -> str:
    """`credit_text` as an HTML paragraph with the original URL linked. Its words are the site's, English, and it
    says so: it ends items in every language (a French entry's xml:lang would have them read as French)."""
    wire = format_html(" — With {}", article.wire_credit) if article.wire_credit else ""
    return format_html(
        '<p class="attribution" lang="en">Originally published by {}: <a href="{}">{}</a>{}</p>',
        article.publisher.name,
        web_url(article.original_url),
        article.original_url,
        wire,
    )


def syndicated_html(article: Article, *, body: VisibleBody | None = None) -> str:
    """Item content for feeds: the policy-allowed body (sanitized HTML or escaped text), then the credit. `body` is
    visible_body(article) when the caller has it already."""
    body = body or visible_body(article)
    if body.html:
        content = body.html
    elif body.text:
        content = format_html("<p>{}</p>", body.text)
    else:
        content = ""
    return content + credit_html(article)


def syndicated_text(article: Article, *, body: VisibleBody | None = None) -> str:
    """Plain-text item content: the policy-allowed text, then the credit line."""
    text = (body or visible_body(article)).text
    return f"{text}\n\n{credit_text(article)}" if text else credit_text(article)
