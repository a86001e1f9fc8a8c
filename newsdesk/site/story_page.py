"""A story's page, cached for what it shows and read in two phases (newsdesk.site.page_cache).

Its blocks (the headline, summary and image, the coverage, the timeline, the outlets) are a function of the
story's key (STORY_PAGE_FIELDS: its row and its lead and image articles' card keys) and of its visible articles'
keys (STORY_MEMBER_FIELDS), read first as plain rows; the story and its articles are loaded and rendered only when
no cache holds the blocks for them. A takedown or a blocked publisher drops an article from the page at once (its
row leaves the member keys), and a story that lost every article is gone at once.
"""

import sys

from newsdesk.articles import policy, presentation
from newsdesk.common.fragments import Identity, code_digest
from newsdesk.site.article_page import SHARE_META
from newsdesk.site.page_cache import lazy_blocks, page_fixed, render_blocks
from newsdesk.stories import presentation as story_presentation
from newsdesk.stories.selectors import (
    story_coverage,
    story_get,
    story_language_leads,
    story_member_keys,
    story_page_key,
)

STORY_DETAIL = "site/story_detail.html"
STORY_PAGE = "site/_story_page.html"


def story_page(story_id: int, *, language: str = "") -> tuple[tuple, Identity, dict, str] | None:
    """(key row, the blocks' identity, the blocks by name, read when used, the headline the page is headed by) of a
    story's page, or None when there is no such story (or it has no article). With `language` (a reader asked for
    it), a story not led in it is headed by its report in it (story_language_leads), as its card was."""
    key = story_page_key(story_id=story_id)
    if key is None:
        return None
    members = story_member_keys(story_id=story_id)
    lead = story_language_leads({story_id: key.lead_article__language}, language=language).get(story_id)
    fixed = (
        *page_fixed(STORY_PAGE, SHARE_META),
        code_digest(sys.modules[__name__], story_presentation, policy, presentation),
    )

    def render() -> dict[str, str] | None:
        story = story_get(story_id=story_id)
        if story is None:
            return None
        (card,) = story_presentation.story_cards_told([story], {story_id: lead} if lead is not None else {})
        context = {"card": card, "coverage": story_coverage(story)}
        return render_blocks(STORY_PAGE, context)

    identity: Identity = ("story-page", (*fixed, *key, *members, *((lead,) if lead is not None else ())))
    headline = lead.title[:500] if lead is not None else key.headline  # (as story_card heads it)
    return key, identity, lazy_blocks(identity, render), headline
