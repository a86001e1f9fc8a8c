"""GET /api/stories (top stories, ranked by coverage and freshness) and GET /api/stories/<id> (one story with
its articles)."""

from typing import Any

from django.http import HttpRequest, JsonResponse

from newsdesk.api.articles import DEFAULT_LIMIT, ERROR_BAD_LIMIT, MAX_ID_DIGITS, MAX_LIMIT, _int_param
from newsdesk.api.responses import ERROR_NOT_FOUND, JsonApiView, json_error, json_ok
from newsdesk.api.schemas import article_output
from newsdesk.articles.presentation import absolute_url, article_url
from newsdesk.common.site_url import site_url_for
from newsdesk.stories.presentation import StoryCard, story_card, story_url
from newsdesk.stories.selectors import language_filter, story_coverage, story_get, story_top

MAX_OFFSET = 10_000
ERROR_BAD_OFFSET = f"offset must be an integer from 0 to {MAX_OFFSET}"


def story_output(card: StoryCard, *, site_url: str) -> dict[str, Any]:
    return {
        "id": card.story.pk,
        "url": story_url(card.story, site_url=site_url),
        "headline": card.headline,
        "language": card.language,
        "languages": card.languages,
        "outlet_count": card.outlet_count,
        "article_count": card.size,
        "summary": card.summary,
        "image_url": card.image_url,
        "first_seen": card.first_seen.isoformat(),
        "last_seen": card.last_seen.isoformat(),
        "closed": card.is_closed,
    }


class StoryListApi(JsonApiView):
    def get(self, request: HttpRequest) -> JsonResponse:
        limit = _int_param(request.GET.get("limit"), default=DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
        if limit is None:
            return json_error(ERROR_BAD_LIMIT, 400)
        offset = _int_param(request.GET.get("offset"), default=0, low=0, high=MAX_OFFSET)
        if offset is None:
            return json_error(ERROR_BAD_OFFSET, 400)
        language = language_filter(request.GET.get("lang"))
        stories = story_top(language=language)[offset : offset + limit + 1]
        has_more = len(stories) > limit
        query = f"limit={limit}&offset={offset + limit}" + (f"&lang={language}" if language else "")
        site_url = site_url_for(request)
        return json_ok(
            {
                "items": [story_output(story_card(story), site_url=site_url) for story in stories[:limit]],
                "limit": limit,
                "offset": offset,
                "next": absolute_url(f"{request.path}?{query}", site_url=site_url) if has_more else None,
            }
        )


class StoryDetailApi(JsonApiView):
    def get(self, request: HttpRequest, story_id: str) -> JsonResponse:
        valid = story_id.isascii() and story_id.isdigit() and len(story_id) <= MAX_ID_DIGITS
        story = story_get(story_id=int(story_id)) if valid else None
        if story is None:
            return json_error(ERROR_NOT_FOUND, 404)
        coverage = story_coverage(story)
        site_url = site_url_for(request)
        data = story_output(story_card(story), site_url=site_url)
        data["outlets"] = coverage.publishers
        data["articles"] = [
            {
                **article_output(report.article, site_url=site_url),
                "primary_source": report.is_primary_source,
                "also_carried_by": [article_url(copy, site_url=site_url) for copy in report.carried_by],
            }
            for report in coverage.reports
        ]
        return json_ok(data)
