"""An article's page, cached for what it shows and read in two phases (newsdesk.site.page_cache).

The page's blocks (its title, description and canonical link, the article, its story and wire copies) are a
function of the article's key (ARTICLE_PAGE_FIELDS: its row's `updated_at`, what is written without save(), its
publisher, category, story and group) and of the visible copies of its wire text. Those are read first as plain
rows on compiled SQL; the article is loaded whole and rendered only when no cache holds the blocks for them. So a
takedown or a blocked publisher takes the page away at once (its key read finds no row), an edit or a policy change
shows at once (a new key), and a page nothing changed on costs light queries and no rendering.
"""

import sys
from dataclasses import dataclass

from newsdesk.articles import policy, presentation
from newsdesk.articles.models import Article
from newsdesk.common.fragments import Identity, code_digest
from newsdesk.site.page_cache import lazy_blocks, page_fixed, render_blocks
from newsdesk.stories.models import Story
from newsdesk.stories.selectors import (
    article_page_get,
    article_page_key,
    article_syndication,
    story_language_leads,
    syndication_copy_keys,
)

ARTICLE_DETAIL = "site/article_detail.html"
ARTICLE_PAGE = "site/_article_page.html"
ARTICLE_STORY = "site/_article_story.html"
# Its OpenGraph (an image a link preview and an extractor read), also on story pages.
SHARE_META = "site/_share_meta.html"


@dataclass(frozen=True)
class StoryLink:
    """The article's story as its "Part of the story" link tells it: in the article's language where the story has
    a report in it (its headline, and the story page's `?lang=` reading headed by it), as a home card would."""

    url: str
    headline: str
    language: str


def _story_link(story: Story | None, lead_language: str, told: tuple | None) -> StoryLink | None:
    if story is None:
        return None
    if told is None:
        return StoryLink(story.get_absolute_url(), story.headline, lead_language)
    return StoryLink(f"{story.get_absolute_url()}?lang={told.language}", told.title[:500], told.language)


def _render(article: Article, key: tuple, told: tuple | None) -> dict[str, str]:
    syndication = article_syndication(article)
    context = {
        "article": article,
        "body": policy.visible_body(article),
        "headline_only": presentation.is_headline_only(article),
        "headline_only_note": presentation.HEADLINE_ONLY_NOTE,
        "image_url": presentation.visible_image_url(article),
        "image_alt": presentation.image_alt(article),
        "syndication": syndication,
        "story_link": _story_link(syndication.story, key.story_membership__story__lead_article__language, told),
    }
    return render_blocks(ARTICLE_PAGE, context)


def article_page(article_id: int) -> tuple[tuple, Identity, dict] | None:
    """(key row, the blocks' identity, the blocks by name, read when used) of a visible article's page, or None when there is no
    such article. The identity (a fragment's: kind and values) names everything the blocks show."""
    key = article_page_key(article_id=article_id)
    if key is None:
        return None
    copies = syndication_copy_keys(group_id=key.signature__group_id) if key.signature__group_id else []
    story_id = key.story_membership__story_id
    # The story's report in the article's language (none needed when the story is led in it): a light row, read
    # before the cache as the story page reads its own, so a new report in that language shows at once.
    led_in = {story_id: key.story_membership__story__lead_article__language} if story_id else {}
    told = story_language_leads(led_in, language=key.language).get(story_id)
    fixed = (
        *page_fixed(ARTICLE_PAGE, ARTICLE_STORY, SHARE_META),
        code_digest(sys.modules[__name__], policy, presentation),
    )

    def render() -> dict[str, str] | None:
        article = article_page_get(article_id=article_id)
        return _render(article, key, told) if article is not None else None

    identity: Identity = ("article-page", (*fixed, *key, *copies, *((told,) if told is not None else ())))
    return key, identity, lazy_blocks(identity, render)
