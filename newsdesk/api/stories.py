"""GET /api/stories (top stories, ranked by coverage and freshness; cursor pagination) and GET /api/stories/<id>
(one story with its articles)."""

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.utils import timezone

from newsdesk.api.articles import MAX_ID_DIGITS
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
from newsdesk.articles.filters import FilterError, language_param
from newsdesk.articles.models import Article
from newsdesk.articles.presentation import absolute_url, article_url
from newsdesk.common.site_url import site_url_for
from newsdesk.common.url_patterns import moved_permanently, url_for
from newsdesk.stories.models import Story
from newsdesk.stories.presentation import StoryCard, story_cards, story_url
from newsdesk.stories.redirects import story_gone, story_redirect_target
from newsdesk.stories.selectors import story_coverage, story_get, story_rank_key, story_top, story_top_after

MAX_OFFSET = 10_000
ERROR_BAD_OFFSET = bad_offset_error(MAX_OFFSET)
ERROR_STORY_GONE = "gone: the story this one became was removed"


def story_output(card: StoryCard, *, site_url: str) -> dict[str, Any]:
    return {
        "id": card.story.pk,
        "url": story_url(card.story, site_url=site_url),
        # The page as this item tells the story (`?lang=` when told by its report in the asked language, as the site's
        # cards and the feeds link it); `url` stays the story's identity.
        "reader_url": absolute_url(card.reader_url, site_url=site_url),
        "headline": card.headline,
        "language": card.language,
        "languages": card.languages,
        "outlet_count": card.outlet_count,
        "article_count": card.size,
        "summary": card.summary,
        "image_url": absolute_url(card.image_url, site_url=site_url) if card.image_url else "",
        "thumbnail_url": absolute_url(card.thumbnail_url, site_url=site_url) if card.thumbnail_url else "",
        "first_seen": card.first_seen.isoformat(),
        "last_seen": card.last_seen.isoformat(),
        "closed": card.is_closed,
        # The headline and summary are this report's words: what a client must credit, as the feeds do.
        "told_by": _credit(card.told_by, site_url=site_url) if card.told_by is not None else None,
    }


def _credit(article: Article, *, site_url: str) -> dict[str, str]:
    return {
        "url": article_url(article, site_url=site_url),
        "publisher": article.publisher.name,
        "original_url": article.original_url,
        "wire_credit": article.wire_credit,
    }


def story_cursor(story: Story, *, now: datetime) -> str:
    """The cursor after `story` in the ranking at `now`: the clock, then the story's rank key."""
    rank, last_seen, story_id = story_rank_key(story, now=now)
    return cursor_encode([now.isoformat(), rank, last_seen.isoformat(), story_id])


def _cursor_key(cursor: str) -> tuple[datetime, tuple[float, datetime, int]]:
    now, rank, last_seen, story_id = cursor_decode(cursor, kinds=(str, float, str, int))
    try:
        clock, seen = datetime.fromisoformat(now), datetime.fromisoformat(last_seen)
    except ValueError as error:
        raise CursorError(ERROR_BAD_CURSOR) from error
    if clock.tzinfo is None or seen.tzinfo is None:
        raise CursorError(ERROR_BAD_CURSOR)
    return clock, (rank, seen, story_id)


class StoryListApi(JsonApiView):
    def get(self, request: HttpRequest) -> JsonResponse:
        try:
            limit, offset, cursor = page_params(request.GET, max_offset=MAX_OFFSET)
        except PageParamError as error:
            return json_error(str(error), 400)
        try:
            language = language_param(request.GET.get("lang"))
            if cursor is None:
                now = timezone.now()
                ranked = story_top(language=language, now=now)
            else:
                now, key = _cursor_key(cursor)
                ranked = story_top_after(key=key, now=now, language=language)
        except (FilterError, CursorError) as error:
            return json_error(str(error), 400)
        stories = ranked[offset : offset + limit + 1]
        site_url = site_url_for(request)
        next_url = None
        if len(stories) > limit:
            query = {"limit": limit, **({"lang": language} if language else {})}
            query["cursor"] = story_cursor(stories[limit - 1], now=now)
            next_url = absolute_url(f"{request.path}?{urlencode(query)}", site_url=site_url)
        response = json_ok(
            {
                "items": [
                    story_output(card, site_url=site_url) for card in story_cards(stories[:limit], language=language)
                ],
                "limit": limit,
                "offset": offset,
                "next": next_url,
            }
        )
        mark_offset_deprecated(response, request.GET)
        return response


class StoryDetailApi(JsonApiView):
    def get(self, request: HttpRequest, story_id: str) -> JsonResponse | HttpResponsePermanentRedirect:
        valid = story_id.isascii() and story_id.isdigit() and len(story_id) <= MAX_ID_DIGITS
        story = story_get(story_id=int(story_id)) if valid else None
        if story is None:
            target = story_redirect_target(story_id=int(story_id)) if valid else None
            if target is None and valid and story_gone(story_id=int(story_id)):
                return json_error(ERROR_STORY_GONE, 410)
            if target is None:
                return json_error(ERROR_NOT_FOUND, 404)
            # A story merged into another: its id leads to the one it became (query kept), as its page does.
            return moved_permanently(request, url_for("api:story_detail", target))
        try:
            language = language_param(request.GET.get("lang"))
        except FilterError as error:
            return json_error(str(error), 400)
        coverage = story_coverage(story)
        site_url = site_url_for(request)
        # With `lang`, told by its report in that language, as its item in the list was.
        (card,) = story_cards([story], language=language)
        data = story_output(card, site_url=site_url)
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
