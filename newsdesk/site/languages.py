"""A reader's `?lang=` on the site's pages and feeds, parsed as the API and the search page parse it: a malformed
value is a 400 naming what is expected, not a page silently listing every language."""

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import get_language_info

from newsdesk.articles.filters import FilterError, language_param


class LanguageRefused(BadRequest):
    """A malformed `?lang=`; str() is the one-line message the 400 page shows (site.views.errors)."""


def language_name(code: str) -> str:
    """The language's English name for the pages' English sentences ("Top stories in French"); the code itself for a
    well-formed code no language is known by (Django's `language_name` filter would raise on it)."""
    return _language_info(code, "name")


def language_own_name(code: str) -> str:
    """The language's name in itself ("fr" → "Français") for badges and menus that list languages, each marked with
    its `lang`: a reader looks for their language as they write it. Capitalised, as a menu item or label starts
    (Django has "français", "español"). The code itself for one no language is known by."""
    name = _language_info(code, "name_local")
    return name if name == code else capfirst(name)


def _language_info(code: str, field: str) -> str:
    """Django's name of the language (`field`: "name" English, "name_local" its own), else CLDR's through Babel:
    Django knows the languages it is translated into, not all those we identify ("zh", "yue", "am", "zu" …, stored as
    primary subtags); else the code itself."""
    try:
        return get_language_info(code)[field]
    except KeyError:
        return _cldr_name(code, own=field == "name_local") or code


@lru_cache(maxsize=256)
def _cldr_name(code: str, *, own: bool) -> str:
    """CLDR's name of the language `code` exactly (no likely-subtag guess: "und" is no language), "" for none."""
    try:
        locale = Locale(code)
    except (UnknownLocaleError, ValueError):
        return ""
    return locale.get_language_name() if own else locale.get_language_name("en")


def language_asked(request: HttpRequest) -> str:
    """The request's `?lang=` as the primary subtag we store ("fr-BE" → "fr"), "" when absent; LanguageRefused when
    malformed."""
    try:
        return language_param(request.GET.get("lang"))
    except FilterError as refused:
        raise LanguageRefused(str(refused)) from None
