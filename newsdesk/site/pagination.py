"""`?page=` handling for list pages: junk means page 1, a page past the end is a 404, never a 500."""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

PER_PAGE = 30


def paginate(request: HttpRequest, items: QuerySet, per_page: int = PER_PAGE) -> Page:
    paginator = Paginator(items, per_page)
    raw = request.GET.get("page", "1")
    try:
        return paginator.page(raw[:20])
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage as exc:
        raise Http404("No such page") from exc
