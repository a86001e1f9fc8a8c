"""An article's page rendered once for what it shows and cached (newsdesk.common.fragments), read in two phases.

The page (its title, description and canonical link, the article, its story and wire copies) is a function of
the article's key (ARTICLE_PAGE_FIELDS: its row's `updated_at`, what is written without save(), its publisher,
category, story and group) and of the visible copies of its wire text. Those are read first as plain rows, one
query each on compiled SQL; the article is loaded whole and rendered only when no cache holds the page for them.
So a takedown or a blocked publisher takes the page away at once (its key read finds no row), an edit or a policy
change shows at once (a new key), and a page nothing changed on costs two light queries and no rendering.
The comments and the account bits of the header are the viewer's own: they are rendered on every request.
"""

import functools
import json
import sys

from django.conf import settings
from django.http import HttpRequest
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.template.loader_tags import BlockNode
from django.templatetags.static import static
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from newsdesk.articles import policy, presentation
from newsdesk.articles.models import Article
from newsdesk.articles.selectors import category_nav
from newsdesk.common.fragments import Identity, code_digest, fragments, template_digest
from newsdesk.community.selectors import approved_comment_keys
from newsdesk.stories.selectors import article_page_get, article_page_key, article_syndication, syndication_copy_keys

ARTICLE_DETAIL = "site/article_detail.html"
ARTICLE_PAGE = "site/_article_page.html"
ARTICLE_STORY = "site/_article_story.html"
# What a visitor's whole page is rendered from besides the blocks (site/_article_page.html, keyed by page_key).
VISITOR_TEMPLATES = (
    ARTICLE_DETAIL,
    "site/base.html",
    "site/_sections_nav.html",
    "community/_comments.html",
    "community/_comment.html",
)


def render_blocks(name: str, context: dict) -> dict[str, str]:
    """Each top-level {% block %} of template `name` rendered alone with `context`, by block name."""
    template = get_template(name).template
    page = Context({"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context})
    with page.bind_template(template):
        return {node.name: node.render(page) for node in template.nodelist if isinstance(node, BlockNode)}


def _render(article: Article) -> str:
    context = {
        "article": article,
        "body": policy.visible_body(article),
        "headline_only": presentation.is_headline_only(article),
        "headline_only_note": presentation.HEADLINE_ONLY_NOTE,
        "image_url": presentation.visible_image_url(article),
        "image_alt": presentation.image_alt(article),
        "syndication": article_syndication(article),
    }
    return json.dumps(render_blocks(ARTICLE_PAGE, context))


def article_page(article_id: int) -> tuple[tuple, Identity, dict[str, SafeString]] | None:
    """(key row, fragment key, rendered blocks by name) of a visible article's page, or None when there is no such
    article. Its identity (a fragment's: kind and values) names everything the blocks show."""
    key = article_page_key(article_id=article_id)
    if key is None:
        return None
    copies = syndication_copy_keys(group_id=key.signature__group_id) if key.signature__group_id else []
    fixed = (
        template_digest(ARTICLE_PAGE),
        template_digest(ARTICLE_STORY),
        code_digest(sys.modules[__name__], policy, presentation),
        timezone.get_current_timezone_name(),
        settings.SITE_NAME,
        settings.SITE_URL,
    )

    def render(_: list) -> list[str | None]:
        article = article_page_get(article_id=article_id)
        return [_render(article) if article is not None else None]

    page_key: Identity = ("article-page", (*fixed, *key, *copies))
    page = fragments([page_key], key_of=lambda identity: identity, render=render)[0]
    if page is None:  # taken away between the two reads
        return None
    return key, page_key, {name: mark_safe(html) for name, html in json.loads(page).items()}


@functools.cache
def _assets() -> tuple[str, ...]:
    # The stylesheet's and icon's hashed names: a release with new static files makes new visitor pages.
    return (static("site/site.css"), static("site/icon.svg"))


def visitor_page(request: HttpRequest, context: dict, *, page_key: Identity, target: Article) -> str:
    """site/article_detail.html as every visitor sees it (no session, no flash message, no credentials: nothing of
    their own on it), whole, cached under what it shows: the article's blocks (`page_key`), the section navigation
    and the approved comments, read as rows (so each of them shows at once when it changes), and the templates."""

    def key_of(_: object) -> Identity:  # not asked for when fragments are not cached
        parts = (
            *(template_digest(name) for name in VISITOR_TEMPLATES),
            *_assets(),
            timezone.get_current_timezone_name(),
            page_key,
            *category_nav(),
            *approved_comment_keys(target=target),
        )
        return ("article-visitor-page", parts)

    def render(_: list) -> list[str]:
        return [render_to_string(ARTICLE_DETAIL, context, request)]

    return fragments([page_key], key_of=key_of, render=render)[0] or ""
