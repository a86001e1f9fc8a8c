"""How a story is presented on every public surface. Its summary and image come from its articles through the
articles' display policy (`newsdesk.articles.presentation`), so a story never shows more than they may."""

from dataclasses import dataclass
from datetime import datetime

from newsdesk.articles.policy import article_rule, excerpt_of
from newsdesk.articles.presentation import absolute_url, image_alt, is_headline_only, teaser, visible_image_url
from newsdesk.sources.models import Publisher
from newsdesk.stories.models import Story

SUMMARY_CHARS = 320


@dataclass(frozen=True)
class StoryCard:
    """A story as one card of a list: headline, summary, image and the breadth of its coverage."""

    story: Story
    headline: str
    url: str  # our page, site-relative
    language: str
    languages: list[str]
    outlet_count: int
    size: int
    summary: str
    image_url: str  # lead size, site-relative (our copy: newsdesk.media)
    thumbnail_url: str  # card size
    image_alt: str
    image_credit: str  # the publisher the image comes from
    first_seen: datetime
    last_seen: datetime
    is_closed: bool


def story_summary(story: Story) -> str:
    """The lead article's summary (its dek), else its policy-allowed teaser; "" when its publisher allows headlines
    only (every policy that shows any text shows the summary: see articles.policy.visible_body)."""
    lead = story.lead_article
    if lead is None or is_headline_only(lead):
        return ""
    rule = article_rule(lead)
    # Under an excerpt or a max-snippet the dek counts against the limit: the teaser applies it.
    if rule.mode == Publisher.DisplayPolicy.FULL and rule.snippet_chars is None and lead.summary.strip():
        return excerpt_of(lead.summary, SUMMARY_CHARS)
    return teaser(lead, SUMMARY_CHARS)


@dataclass(frozen=True)
class StoryImage:
    url: str = ""
    thumbnail_url: str = ""
    alt: str = ""
    credit: str = ""


def story_image(story: Story) -> StoryImage:
    """The image we may show for the story (lead and card sizes, alt text, the publisher credited), or none."""
    article = story.image_article
    url = visible_image_url(article) if article is not None else ""
    if not url:
        return StoryImage()
    return StoryImage(url, visible_image_url(article, size="card"), image_alt(article), article.publisher.name)


def story_card(story: Story) -> StoryCard:
    image = story_image(story)
    return StoryCard(
        story=story,
        headline=story.headline,
        url=story.get_absolute_url(),
        language=story.language,
        languages=list(story.languages),
        outlet_count=story.outlet_count,
        size=story.size,
        summary=story_summary(story),
        image_url=image.url,
        thumbnail_url=image.thumbnail_url,
        image_alt=image.alt,
        image_credit=image.credit,
        first_seen=story.first_seen,
        last_seen=story.last_seen,
        is_closed=story.is_closed,
    )


def story_url(story: Story, *, site_url: str | None = None) -> str:
    """The absolute URL of our page for `story` (on `site_url` when given, else on settings.SITE_URL)."""
    return absolute_url(story.get_absolute_url(), site_url=site_url)
