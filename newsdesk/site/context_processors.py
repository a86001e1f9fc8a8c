from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from newsdesk.articles.selectors import category_nav


def site(request: HttpRequest) -> dict:
    """Site name and origin, and the sections (id, name, slug; read once, and only when a template uses them)."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "nav_categories": SimpleLazyObject(category_nav),
    }
