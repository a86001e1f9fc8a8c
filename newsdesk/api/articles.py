"""GET /api/articles and GET /api/articles/<id>."""

from django.http import HttpRequest, JsonResponse

from newsdesk.api.responses import ERROR_NOT_FOUND, JsonApiView, json_error, json_ok
from newsdesk.api.schemas import article_output
from newsdesk.articles.presentation import absolute_url
from newsdesk.articles.selectors import article_get, article_latest
from newsdesk.common.site_url import site_url_for

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 100_000
MAX_ID_DIGITS = 19
ERROR_BAD_LIMIT = f"limit must be an integer from 1 to {MAX_LIMIT}"
ERROR_BAD_OFFSET = f"offset must be an integer from 0 to {MAX_OFFSET}"


def _int_param(raw: str | None, *, default: int, low: int, high: int) -> int | None:
    """The integer in `raw` if it lies in [low, high], `default` when absent, None when invalid."""
    if raw is None:
        return default
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        return None
    value = int(raw)
    return value if low <= value <= high else None


class ArticleListApi(JsonApiView):
    def get(self, request: HttpRequest) -> JsonResponse:
        limit = _int_param(request.GET.get("limit"), default=DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
        if limit is None:
            return json_error(ERROR_BAD_LIMIT, 400)
        offset = _int_param(request.GET.get("offset"), default=0, low=0, high=MAX_OFFSET)
        if offset is None:
            return json_error(ERROR_BAD_OFFSET, 400)
        articles = article_latest(limit=limit + 1, offset=offset)
        has_more = len(articles) > limit
        site_url = site_url_for(request)
        next_path = f"{request.path}?limit={limit}&offset={offset + limit}"
        next_url = absolute_url(next_path, site_url=site_url) if has_more else None
        return json_ok(
            {
                "items": [article_output(a, site_url=site_url) for a in articles[:limit]],
                "limit": limit,
                "offset": offset,
                "next": next_url,
            }
        )


class ArticleDetailApi(JsonApiView):
    def get(self, request: HttpRequest, article_id: str) -> JsonResponse:
        valid = article_id.isascii() and article_id.isdigit() and len(article_id) <= MAX_ID_DIGITS
        article = article_get(article_id=int(article_id)) if valid else None
        if article is None:
            return json_error(ERROR_NOT_FOUND, 404)
        return json_ok(article_output(article, site_url=site_url_for(request)))
