"""An article's page rendered once for what it shows and cached (newsdesk.common.fragments), read in two phases.

The page (its title, description and canonical link, the article, its story and wire copies) is a function of
the article's key (ARTICLE_PAGE_FIELDS: its row's `updated_at`, what is written without save(), its publisher,
category, story and group) and of the visible copies of its wire text. Those are read first as plain rows, one
query each on compiled SQL; the article is loaded whole and rendered only when no cache holds the page for them.
So a takedown or a blocked publisher takes the page away at once (its key read finds no row), an edit or a policy
change shows at once (a new key), and a page nothing changed on costs two light queries and no rendering.
The comments and the account bits of the header are the viewer's own: they are rendered on every request.
"""

import json
import sys

from django.conf import settings
from django.template import Context
from django.template.loader import get_template
from django.template.loader_tags import BlockNode
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from newsdesk.articles import policy, presentation
from newsdesk.articles.models import Article
from newsdesk.common.fragments import code_digest, fragment_key, fragments, template_digest
from newsdesk.stories.selectors import article_page_get, article_page_key, article_syndication, syndication_copy_keys

ARTICLE_PAGE = "site/_article_page.html"
ARTICLE_STORY = "site/_article_story.html"
BLOCKS = ("title", "description", "meta", "content")


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


def article_page(article_id: int) -> tuple[tuple, dict[str, SafeString]] | None:
    """(key row, rendered blocks by name) of a visible article's page, or None when there is no such article."""
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

    page = fragments([key], key_of=lambda key: fragment_key("article-page", (*fixed, *key, *copies)), render=render)[0]
    if page is None:  # taken away between the two reads
        return None
    return key, {name: mark_safe(html) for name, html in json.loads(page).items()}
