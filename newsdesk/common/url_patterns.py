"""URLs of routes with one argument, reversed once per process instead of once per link: a list page links every
article, publisher and category it shows, and Django's reverse() costs more than the rest of a card's rendering."""

import functools

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import NoReverseMatch, register_converter, reverse

# Stands in for the argument while reversing; fits <int:…>, <slug:…> and <str:…> routes.
_MARKER = "7319046285"


@functools.cache
def _around(name: str) -> tuple[str, str]:
    try:
        prefix, found, suffix = reverse(name, args=[_MARKER]).partition(_MARKER)
    except NoReverseMatch:
        found = ""
    if not found:
        raise ValueError(f"route {name} does not take one argument")
    return prefix, suffix


@functools.cache
def route(name: str) -> str:
    """reverse(name) for a route without arguments (every page's header and footer link a few)."""
    return reverse(name)


def url_for(name: str, value: object) -> str:
    """reverse(name, args=[value]) for a route whose one argument is an int or a slug (nothing to escape)."""
    prefix, suffix = _around(name)
    return f"{prefix}{value}{suffix}"


def moved_permanently(request: HttpRequest, path: str) -> HttpResponsePermanentRedirect:
    """301 to `path`, keeping the request's query string (a reader's `?lang=`)."""
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(path + (f"?{query}" if query else ""))


class ZeroLedId:
    """An id written with leading zeros ("01", "007"): the same page as its plain digits, reached by a 301 to them so
    one page has one address (the int route takes "1" and its page's canonical link names /article/1/); the site's
    pages and the API's details alike."""

    regex = "0+[1-9][0-9]*"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


ZERO_LED_ID = "zero_led_id"
register_converter(ZeroLedId, ZERO_LED_ID)
