"""A reader's `?lang=` on the site's pages and feeds, parsed as the API and the search page parse it: a malformed
value is a 400 naming what is expected, not a page silently listing every language."""

from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.utils.translation import get_language_info

from newsdesk.articles.filters import FilterError, language_param


class LanguageRefused(BadRequest):
    """A malformed `?lang=`; str() is the one-line message the 400 page shows (site.views.errors)."""


def language_name(code: str) -> str:
    """The language's English name for headings and menus ("fr" → "French"); the code itself for a well-formed code
    no language is known by (Django's `language_name` filter would raise on it)."""
    try:
        return get_language_info(code)["name"]
    except KeyError:
        return code


def language_asked(request: HttpRequest) -> str:
    """The request's `?lang=` as the primary subtag we store ("fr-BE" → "fr"), "" when absent; LanguageRefused when
    malformed."""
    try:
        return language_param(request.GET.get("lang"))
    except FilterError as refused:
        raise LanguageRefused(str(refused)) from None
