"""GET /api/articles (filters `lang`, `publisher`, `category`, `since`, `until`; `q` searches, in `order`; cursor
pagination) and GET /api/articles/<id>."""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse

from newsdesk.api import schemas
from newsdesk.api.pagination import (
    ERROR_BAD_CURSOR,
    CursorError,
    PageParamError,
    bad_offset_error,
    cursor_decode,
    cursor_encode,
    mark_offset_deprecated,
    page_params,
)
from newsdesk.api.responses import ERROR_NOT_FOUND, JsonApiView, json_error, json_ok
from newsdesk.api.schemas import article_output
from newsdesk.articles import policy, presentation
from newsdesk.articles.filters import FilterError, article_filters, clean_query, search_filter
from newsdesk.articles.fragments import article_fragments
from newsdesk.articles.models import Article
from newsdesk.articles.presentation import absolute_url, article_url
from newsdesk.articles.search import SEARCH_CANDIDATES
from newsdesk.articles.selectors import (
    ArticleFilter,
    article_after,
    article_filtered,
    article_keys_of,
    article_search_keys,
)
from newsdesk.common.fragments import code_digest, json_fragment, json_with_fragments
from newsdesk.common.site_url import site_url_for
from newsdesk.rights.selectors import REMOVED_BY_TAKEDOWN, article_was_removed
from newsdesk.stories.presentation import story_url
from newsdesk.stories.selectors import SHOWN_REPEAT, article_page_get, article_syndication, without_shown_repeats

# `offset` is deprecated (responses that use it carry a Deprecation header): `cursor` has no such ceiling.
MAX_OFFSET = 100_000
MAX_ID_DIGITS = 19
ERROR_BAD_OFFSET = bad_offset_error(MAX_OFFSET)
# A search's cursor is its next result's position in the ranking, marked so that a date list's cursor is refused
# by a search and the other way round. A search ranks the SEARCH_CANDIDATES most recently stored matches
# (articles.search): its list ends there.
SEARCH_CURSOR_MARK = "rank"


def article_cursor(article: Article | tuple) -> str:
    """The cursor of the page after `article` (an Article or its key, see article_keys): its NEWEST_FIRST sort key."""
    published = article.published_at.isoformat() if article.published_at else None
    return cursor_encode([published, article.id])


def _cursor_key(cursor: str) -> tuple[datetime | None, int]:
    published, article_id = cursor_decode(cursor, kinds=(None, int))
    try:
        moment = datetime.fromisoformat(published) if published is not None else None
        if moment is not None and moment.tzinfo is not None:
            moment = moment.astimezone(UTC)  # one at the calendar's edge (+14:00 on 0001-01-01) is outside it
    except (ValueError, OverflowError) as error:
        raise CursorError(ERROR_BAD_CURSOR) from error
    if (moment is not None and moment.tzinfo is None) or article_id <= 0:
        raise CursorError(ERROR_BAD_CURSOR)
    return moment, article_id


def _search_position(cursor: str) -> int:
    mark, position = cursor_decode(cursor, kinds=(str, int))
    if mark != SEARCH_CURSOR_MARK or not 0 < position < SEARCH_CANDIDATES:
        raise CursorError(ERROR_BAD_CURSOR)
    return position


def _search_page(request: HttpRequest, filters: ArticleFilter, query: str, *, position: int, limit: int) -> list:
    """Up to limit + 1 keys of the search's results from `position` on, in its ranking (as the site's search page
    has them: each wire text once unless `publisher` is given); none past SEARCH_CANDIDATES."""
    search = search_filter(request.GET, filters)
    hidden = None if filters.publisher is not None else SHOWN_REPEAT
    wanted = min(limit + 1, SEARCH_CANDIDATES - position)
    if wanted <= 0:
        return []
    return article_search_keys(query, limit=wanted, offset=position, search=search, hidden=hidden)


def _page(filters: ArticleFilter, after: tuple[datetime | None, int] | None) -> QuerySet[Article]:
    articles = article_filtered(filters)
    if filters.publisher is None:
        # Each wire text once, as on every list and feed (its primary; the copies are named by the article's own
        # `also_carried_by`); one publisher's list keeps its own copies, which are what was asked for.
        articles = without_shown_repeats(articles)
    if after is None:
        return articles
    return article_after(articles, published_at=after[0], article_id=after[1])


def _filter_key(filters: ArticleFilter) -> tuple:
    """What of `filters` the list's query depends on, as plain values (ids, not instances)."""
    publisher, category = filters.publisher, filters.category
    return (
        filters.language,
        publisher.pk if publisher is not None else None,
        category.pk if category is not None else None,
        filters.since,
        filters.until,
    )


class ArticleListApi(JsonApiView):
    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            limit, offset, cursor = page_params(request.GET, max_offset=MAX_OFFSET)
        except PageParamError as error:
            return json_error(str(error), 400)
        search_query = clean_query(request.GET.get("q", ""))
        try:
            parsed = article_filters(request.GET)
            if search_query:
                position = _search_position(cursor) if cursor is not None else offset
                page = _search_page(request, parsed.filters, search_query, position=position, limit=limit)
            else:
                after = _cursor_key(cursor) if cursor is not None else None
        except (FilterError, CursorError) as error:
            return json_error(str(error), 400)
        if not search_query:
            page = article_keys_of(
                ("api", _filter_key(parsed.filters), after, offset, limit),
                lambda: _page(parsed.filters, after)[offset : offset + limit + 1],
            )
        has_more = len(page) > limit
        site_url = site_url_for(request)
        next_url = None
        if has_more:
            if search_query:
                searched = {"q": search_query, "order": request.GET.get("order") or "relevance"}
                next_cursor = cursor_encode([SEARCH_CURSOR_MARK, position + limit])
                query = urlencode({"limit": limit, **parsed.query, **searched, "cursor": next_cursor})
            else:
                query = urlencode({"limit": limit, **parsed.query, "cursor": article_cursor(page[limit - 1])})
            next_url = absolute_url(f"{request.path}?{query}", site_url=site_url)
        # Each item is the article's cached JSON, rendered (article_output) only when no cache holds it.
        fixed = (code_digest(schemas, presentation, policy), site_url)
        items = article_fragments(
            page[:limit],
            kind="api-article",
            fixed=fixed,
            render=lambda article: json_fragment(article_output(article, site_url=site_url)),
        )
        document = {"items": [], "limit": limit, "offset": offset, "next": next_url}
        response = HttpResponse(
            json_with_fragments(document, key="items", items=[item for _, item in items]),
            content_type="application/json",
        )
        mark_offset_deprecated(response, request.GET)
        return response


class ArticleDetailApi(JsonApiView):
    def get(self, request: HttpRequest, article_id: str) -> JsonResponse:
        valid = article_id.isascii() and article_id.isdigit() and len(article_id) <= MAX_ID_DIGITS
        article = article_page_get(article_id=int(article_id)) if valid else None
        if article is None:
            if valid and article_was_removed(article_id=int(article_id)):
                return json_error(REMOVED_BY_TAKEDOWN, 410)
            return json_error(ERROR_NOT_FOUND, 404)
        site_url = site_url_for(request)
        return json_ok({**article_output(article, site_url=site_url), **syndication_output(article, site_url=site_url)})


def syndication_output(article: Article, *, site_url: str) -> dict[str, Any]:
    """What the article's page says beside it: its story, and for a wire text its primary source and the other
    outlets carrying it (the story API's `primary_source` and `also_carried_by`)."""
    found = article_syndication(article)
    story = {"id": found.story.pk, "url": story_url(found.story, site_url=site_url)} if found.story else None
    is_primary = found.primary is not None and found.primary.pk == article.pk
    copy_of = found.primary if found.primary is not None and not is_primary else None
    return {
        "story": story,
        "primary_source": is_primary,
        "primary_source_url": article_url(copy_of, site_url=site_url) if copy_of else None,
        "also_carried_by": [article_url(other, site_url=site_url) for other in found.carried_by],
    }
