"""The parts of base.html every page shows: links reversed once per process, the section navigation cached."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from newsdesk.articles.models import Category
from newsdesk.articles.selectors import category_nav
from newsdesk.common.fragments import fragments, template_digest
from newsdesk.common.url_patterns import route as route_of

register = template.Library()

SECTIONS_NAV = "site/_sections_nav.html"


@register.simple_tag
def route(name: str) -> str:
    """{% url name %} for a route without arguments, reversed once per process."""
    return route_of(name)


@register.simple_tag(takes_context=True)
def sections_nav(context: template.Context) -> SafeString:
    """The section navigation ("" without categories), the page's own `category` marked current. Cached under the
    categories it lists (read as plain rows), so a renamed or added category shows at once."""
    # The context processor's rows (read once per request, also for the search page's filter), or the categories a
    # page read anyway (the home page).
    listed = context.get("nav_categories")
    rows = [(c.id, c.name, c.slug) for c in (category_nav() if listed is None else listed)]
    if not rows:
        return mark_safe("")
    current = context.get("category")
    current_id = current.pk if isinstance(current, Category) else None

    def render(_: list) -> list[str]:
        links = [
            {"url": Category(slug=slug).get_absolute_url(), "name": name, "current": pk == current_id}
            for pk, name, slug in rows
        ]
        return [get_template(SECTIONS_NAV).render({"links": links})]

    identity = ("sections-nav", (template_digest(SECTIONS_NAV), current_id, *rows))
    return mark_safe(fragments([identity], key_of=lambda identity: identity, render=render)[0])
