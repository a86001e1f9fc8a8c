"""Template filters that keep list surfaces inside the display policy and hrefs on http(s)."""

from django import template

from newsdesk.articles import presentation
from newsdesk.articles.models import Article

register = template.Library()


@register.filter
def teaser(article: Article) -> str:
    """A short policy-allowed snippet ("" for headline-only articles)."""
    return presentation.teaser(article)


@register.filter
def thumbnail_url(article: Article) -> str:
    """Our card-size copy of the article's image, if it may be shown and is stored."""
    return presentation.visible_image_url(article, size="card")


@register.filter
def web_url(url: str) -> str:
    """`url` if it is http(s), else "" — for any href or src built from fetched data."""
    return presentation.web_url(url)
