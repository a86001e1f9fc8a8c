from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from newsdesk.articles.selectors import category_list


def site(request: HttpRequest) -> dict:
    """Site name and origin, and the section navigation (queried only when a template uses it)."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "nav_categories": SimpleLazyObject(lambda: list(category_list())),
    }
