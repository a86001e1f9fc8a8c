"""Detail pages (an article's, a story's) cached in two layers, each under what it shows (newsdesk.common.fragments).

1. Blocks: the title, description, meta and content blocks of a page's `_…_page.html` template, the same for every
   reader, rendered together and cached under an identity the page's module builds from light key rows (the
   row's `updated_at`, what is written without save(), the rows of the others it shows).
2. A visitor's whole page: a request without a session, a flash message or credentials (and so nothing of its
   own on the page) gets the page whole, cached under the blocks' identity plus the section navigation's and the
   approved comments' rows (read on every request, so each shows at once when it changes), the templates and the
   static files' names. Anyone else gets the page rendered around the cached blocks: their comments, their header.
"""

import functools
import json
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.template.loader_tags import BlockNode
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe

from newsdesk.articles.selectors import category_nav
from newsdesk.common.fragments import Identity, fragments, template_digest
from newsdesk.common.response_cache import is_private
from newsdesk.community.selectors import approved_comment_keys

# What every visitor page is rendered from besides its blocks and its own template.
CHROME_TEMPLATES = ("site/base.html", "site/_sections_nav.html", "community/_comments.html", "community/_comment.html")


def page_fixed(*templates: str) -> tuple:
    """What every page's blocks depend on besides their rows: their templates, the time zone and language, the
    site."""
    digests = tuple(template_digest(name) for name in templates)
    return (*digests, *_locale(), settings.SITE_NAME, settings.SITE_URL)


def render_blocks(name: str, context: dict) -> dict[str, str]:
    """Each top-level {% block %} of template `name` rendered alone with `context`, by block name."""
    template = get_template(name).template
    page = Context({"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context})
    with page.bind_template(template):
        return {node.name: node.render(page) for node in template.nodelist if isinstance(node, BlockNode)}


def lazy_blocks(identity: Identity, render: Callable[[], dict[str, str] | None]) -> SimpleLazyObject:
    """cached_blocks(identity, render), looked up only when a template reads them (a visitor's cached page does
    not); an object gone meanwhile is then not found (404)."""

    def blocks() -> dict[str, SafeString]:
        found = cached_blocks(identity, render)
        if found is None:
            raise Http404("Gone meanwhile")
        return found

    return SimpleLazyObject(blocks)


def cached_blocks(identity: Identity, render: Callable[[], dict[str, str] | None]) -> dict[str, SafeString] | None:
    """The blocks cached under `identity`, else `render()` (None: the object went away meanwhile; nothing stored)."""

    def render_missing(_: Sequence) -> list[str | None]:
        blocks = render()
        return [json.dumps(blocks) if blocks is not None else None]

    page = fragments([identity], key_of=lambda identity: identity, render=render_missing)[0]
    if page is None:
        return None
    return {name: mark_safe(html) for name, html in json.loads(page).items()}


def _locale() -> tuple[str, str]:
    # Dates are written in the current time zone, month names in the current language.
    return (timezone.get_current_timezone_name(), translation.get_language())


@functools.cache
def _assets() -> tuple[str, ...]:
    # The stylesheet's and icon's hashed names: a release with new static files makes new visitor pages.
    return (static("site/site.css"), static("site/icon.svg"))


def page_response(
    request: HttpRequest, template: str, context: dict, *, blocks: Identity, target: models.Model
) -> HttpResponse:
    """`template` (which extends site/base.html and shows `target`'s comments) for this request: a visitor's whole
    page from the cache, anyone else's rendered (private to them when signed in)."""
    if not is_private(request.COOKIES, request.META) and not request.user.is_authenticated:

        def key_of(_: object) -> Identity:  # not asked for when fragments are not cached
            parts = (
                *(template_digest(name) for name in (template, *CHROME_TEMPLATES)),
                *_assets(),
                *_locale(),
                blocks,
                *category_nav(),
                *approved_comment_keys(target=target),
            )
            return ("visitor-page", parts)

        def render_page(_: Sequence) -> list[str]:
            return [render_to_string(template, context, request)]

        return HttpResponse(fragments([blocks], key_of=key_of, render=render_page)[0])
    response = render(request, template, context)
    if request.user.is_authenticated:
        # Their page carries their name, their pending comments and a CSRF token: no shared cache may keep it.
        patch_cache_control(response, private=True, no_store=True)
    return response
