"""`?page=` handling for list pages: junk means page 1, a page past the end is a 404, never a 500."""

from collections.abc import Sequence

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest

PER_PAGE = 30


def paginate(request: HttpRequest, items: Sequence, per_page: int = PER_PAGE) -> Page:
    """The page of `items` (a QuerySet, or a sequence with count() such as ArticleKeyList) that `?page=` asks for."""
    paginator = Paginator(items, per_page)
    raw = request.GET.get("page", "1")
    try:
        return paginator.page(raw[:20])
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage as exc:
        raise Http404("No such page") from exc


def page_asked(request: HttpRequest) -> int:
    """The page number `?page=` asks for, as paginate reads it (junk means page 1, below 1 is a 404), for a list
    that is not counted (search results: a page knows whether another follows, not how many do)."""
    try:
        number = int(request.GET.get("page", "1")[:20])
    except ValueError:
        return 1
    if number < 1:
        raise Http404("No such page")
    return number
