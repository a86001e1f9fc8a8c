"""The home page's ranking of stories: coverage weighed by freshness, worked out from a few columns of the most
recently active stories; a page of it loads only its own stories."""

import math
from collections.abc import Sequence
from datetime import datetime
from typing import overload

from django.db.models import QuerySet
from django.utils import timezone

from newsdesk.common.compiled import key_rows
from newsdesk.stories.models import Story
from newsdesk.stories.selectors.story_pages import SHOWN_STORY

# The home page ranks the most recently active stories only: older ones cannot outrank them by design.
RANKED_WINDOW = 500


# A story's weight halves every FRESHNESS_HALF_LIFE_H hours since its last article.
FRESHNESS_HALF_LIFE_H = 12.0


def coverage_rank(
    *, outlet_count: int, language_count: int, report_count: int, last_seen: datetime, now: datetime
) -> float:
    """Coverage (outlets, languages and independent reports) weighed by freshness (halving every half-life)."""
    coverage = outlet_count + 0.5 * language_count + 0.25 * report_count
    age_h = max(0.0, (now - last_seen).total_seconds() / 3600)
    return coverage * math.pow(0.5, age_h / FRESHNESS_HALF_LIFE_H)


def story_rank(story: Story, *, now: datetime) -> float:
    """Where `story` stands at `now`: coverage_rank of its stored counts."""
    return coverage_rank(
        outlet_count=story.outlet_count,
        language_count=len(story.languages),
        report_count=story.report_count,
        last_seen=story.last_seen,
        now=now,
    )


def story_rank_key(story: Story, *, now: datetime) -> tuple[float, datetime, int]:
    """Where `story` stands in story_top at `now` (greater is better): the key a cursor resumes from."""
    return (story_rank(story, now=now), story.last_seen, story.pk)


def stories_by_id(ids: list[int]) -> list[Story]:
    """The stories `ids` in that order, with what a card shows joined (one query); the clustering state, which no
    surface shows, is left in the database."""
    found = Story.objects.filter(pk__in=ids).defer("state")
    by_id = found.select_related("lead_article__publisher", "image_article__publisher").in_bulk()
    return [by_id[pk] for pk in ids if pk in by_id]


class StoryRanking(Sequence[Story]):
    """story_top's answer: the ranking, worked out from a few columns of each candidate story; indexing or slicing
    it loads only the stories asked for, in one query (a page of 20 never loads the other 480)."""

    def __init__(self, keys: list[tuple[float, datetime, int]]) -> None:
        self.keys = keys  # best first

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, index: int) -> Story: ...

    @overload
    def __getitem__(self, index: slice) -> list[Story]: ...

    def __getitem__(self, index: int | slice) -> Story | list[Story]:
        if isinstance(index, slice):
            return stories_by_id([key[2] for key in self.keys[index]])
        found = stories_by_id([self.keys[index][2]])
        if not found:
            raise IndexError(index)
        return found[0]


def story_top(*, language: str = "", now: datetime | None = None) -> StoryRanking:
    """Stories ranked by coverage and freshness (best first), optionally only those covered in `language`."""
    now = now or timezone.now()

    def recent() -> QuerySet[Story]:
        candidates = Story.objects.filter(SHOWN_STORY).order_by("-last_seen", "-id")[:RANKED_WINDOW]
        return candidates.values_list("id", "outlet_count", "languages", "report_count", "last_seen", named=True)

    keys = [
        (
            coverage_rank(
                outlet_count=outlets, language_count=len(languages), report_count=reports, last_seen=seen, now=now
            ),
            seen,
            pk,
        )
        for pk, outlets, languages, reports, seen in key_rows(("story-top", RANKED_WINDOW), recent)
        if not language or language in languages
    ]
    keys.sort(reverse=True)
    return StoryRanking(keys)


def story_top_after(*, key: tuple[float, datetime, int], now: datetime, language: str = "") -> StoryRanking:
    """The rest of story_top ranked at `now` after the story keyed `key`: pages of one ranking share its clock,
    so a story cannot move between pages just because time passed."""
    ranking = story_top(language=language, now=now)
    return StoryRanking([rank_key for rank_key in ranking.keys if rank_key < key])
