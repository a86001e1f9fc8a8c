"""Reads of stories and syndication groups. Views, feeds and the API call these, never the ORM directly.

A module a topic: story_pages (a story's page and cards), ranking (the home page's order), article_pages (an
article's story and wire copies) and repeats (wire copies left out of lists). What other apps read is importable
from here."""

from newsdesk.stories.selectors.article_pages import (
    article_page_get,
    article_page_key,
    article_syndication,
    syndication_copy_keys,
)
from newsdesk.stories.selectors.ranking import stories_by_id, story_rank, story_rank_key, story_top, story_top_after
from newsdesk.stories.selectors.repeats import (
    REPEAT_FLAG,
    SHOWN_REPEAT,
    STORY_OF,
    without_repeats,
    without_shown_repeats,
)
from newsdesk.stories.selectors.story_pages import (
    MAX_ID,
    story_card_keys,
    story_coverage,
    story_get,
    story_language_leads,
    story_member_keys,
    story_page_key,
    story_sitemap_keys,
    story_sitemap_size,
)

__all__ = [
    "MAX_ID",
    "REPEAT_FLAG",
    "SHOWN_REPEAT",
    "STORY_OF",
    "article_page_get",
    "article_page_key",
    "article_syndication",
    "stories_by_id",
    "story_card_keys",
    "story_coverage",
    "story_get",
    "story_language_leads",
    "story_member_keys",
    "story_page_key",
    "story_rank",
    "story_rank_key",
    "story_sitemap_keys",
    "story_sitemap_size",
    "story_top",
    "story_top_after",
    "syndication_copy_keys",
    "without_repeats",
    "without_shown_repeats",
]
