"""`?page=` of the site's list pages (home, category, publisher, search), read one way everywhere: absent or empty is
page 1; a whole number from 1 is that page, and a page past the list's end is a 404; anything else ("abc", "0",
"-1", "1.5") is a 400 naming what is expected (site.views.errors), never another page shown in its place, never a
500."""

from collections.abc import Sequence

from django.core.exceptions import BadRequest
from django.core.paginator import EmptyPage, Page, Paginator
from django.http import Http404, HttpRequest

PER_PAGE = 30
ERROR_BAD_PAGE = "page must be a whole number from 1 (leave it out for the first page)"
# More digits than this is past the end of any list (and never an int() of thousands of digits).
MAX_PAGE_DIGITS = 18


class PageRefused(BadRequest):
    """A `?page=` that is not a page number; str() is the one-line message the 400 page shows."""


def page_asked(request: HttpRequest) -> int:
    """The page number `?page=` asks for (1 when absent or empty); PageRefused when it is not a whole number from 1,
    Http404 when it has more digits than any list has pages. For a list that is not counted (search results: a page
    knows whether another follows, not how many do) the caller answers a page past the end with a 404 itself."""
    raw = request.GET.get("page", "")
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit()) or not raw.strip("0"):
        raise PageRefused(ERROR_BAD_PAGE)
    if len(raw.lstrip("0")) > MAX_PAGE_DIGITS:
        raise Http404("No such page")
    return int(raw)


def paginate(request: HttpRequest, items: Sequence, per_page: int = PER_PAGE) -> Page:
    """The page of `items` (a QuerySet, or a sequence with count() such as ArticleKeyList) that `?page=` asks for
    (page_asked; past the last page a 404, an empty list's page 1 its empty page)."""
    number = page_asked(request)
    try:
        return Paginator(items, per_page).page(number)
    except EmptyPage as exc:
        raise Http404("No such page") from exc
