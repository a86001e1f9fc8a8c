"""How a story is presented on every public surface. Its summary and image come from its articles through the
articles' display policy (`newsdesk.articles.presentation`), so a story never shows more than they may."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from newsdesk.articles.models import Article
from newsdesk.articles.policy import article_rule, excerpt_of
from newsdesk.articles.presentation import absolute_url, image_alt, is_headline_only, teaser, visible_image_url
from newsdesk.articles.selectors import article_by_ids
from newsdesk.sources.models import Publisher
from newsdesk.stories.models import Story
from newsdesk.stories.selectors import story_language_leads

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
    image_alt: str  # a link preview's (og:image:alt); on our pages the image is beside what it illustrates: alt=""
    image_credit: str  # the publisher the image comes from
    first_seen: datetime
    last_seen: datetime
    is_closed: bool
    reader_language: str = ""  # told by its report in this language (a reader asked for it): its page's `?lang=`
    told_by: Article | None = None  # the report whose headline and summary the card carries (its credit in feeds)
    image_from: Article | None = None  # the report the image comes from (its page's caption quotes its headline)

    @property
    def image_from_another_report(self) -> bool:
        """The image comes from a report other than the one whose headline the card shows (often in another
        language): the page's caption then names that report's headline, marked with its own language."""
        return self.image_from is not None and self.image_from.title[:500] != self.headline

    @property
    def reader_url(self) -> str:
        """Our page as this card tells the story, site-relative: its `?lang=` reading when told by a report in a
        reader's language, else the plain page (which stays the story's identity: canonical, feed ids)."""
        return f"{self.url}?lang={self.reader_language}" if self.reader_language else self.url


def story_summary(story: Story) -> str:
    """The lead article's summary: lead_summary."""
    return lead_summary(story.lead_article)


def lead_summary(lead: Article | None) -> str:
    """A story's summary from the report leading it (its lead, or its report in a reader's language): the report's
    summary (its dek), else its policy-allowed teaser; "" when its publisher allows headlines only (every policy
    that shows any text shows the summary: see articles.policy.visible_body)."""
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
    report: Article | None = None


def story_image(story: Story) -> StoryImage:
    """The image we may show for the story (lead and card sizes, alt text, the publisher credited), or none."""
    return article_image(story.image_article)


def article_image(article: Article | None) -> StoryImage:
    """The image we may show of `article` for a story, or none."""
    url = visible_image_url(article) if article is not None else ""
    if not url:
        return StoryImage()
    return StoryImage(
        url, visible_image_url(article, size="card"), image_alt(article), article.publisher.name, report=article
    )


def story_card(story: Story, *, lead: Article | None = None) -> StoryCard:
    """The card of `story`; with `lead`, the story as its report `lead` tells it (headline, summary, language): a
    reader who asked for a language sees each story in it (stories.selectors.story_language_leads)."""
    # Its report's own image when that may be shown (its alt text is in the report's language), else the story's.
    image = article_image(lead)
    image = image if image.url else story_image(story)
    return StoryCard(
        story=story,
        headline=lead.title[:500] if lead is not None else story.headline,
        url=story.get_absolute_url(),
        language=lead.language if lead is not None else story.language,
        languages=list(story.languages),
        outlet_count=story.outlet_count,
        size=story.shown_size,  # the articles readers are shown, not every member
        summary=lead_summary(lead) if lead is not None else story_summary(story),
        image_url=image.url,
        thumbnail_url=image.thumbnail_url,
        image_alt=image.alt,
        image_credit=image.credit,
        first_seen=story.first_seen,
        last_seen=story.last_seen,
        is_closed=story.is_closed,
        reader_language=lead.language if lead is not None else "",
        told_by=_credited(lead if lead is not None else story.lead_article),
        image_from=image.report,
    )


def _credited(report: Article | None) -> Article | None:
    """`report` when its publisher may be named (shown: active, not blocked), else None. A story's lead is chosen
    among shown reports and chosen again when a policy changes; this keeps a name off every surface in between."""
    if report is None or not report.publisher.is_active or not article_rule(report).is_listed:
        return None
    return report


def story_cards(stories: list[Story], *, language: str = "") -> list[StoryCard]:
    """The cards of `stories`; with `language`, each story not led in it shown by its report in it (feeds and the
    API list: two queries for the lot, none per story)."""
    led_in = {story.pk: story.lead_article.language if story.lead_article else story.language for story in stories}
    return story_cards_told(stories, story_language_leads(led_in, language=language))


def story_cards_told(stories: Sequence[Story], leads: Mapping[int, tuple]) -> list[StoryCard]:
    """The cards of `stories`, each story in `leads` (story_language_leads rows by story id) as that report tells it;
    the reports are loaded in one query, none when `leads` names none of `stories`."""
    wanted = [leads[story.pk].id for story in stories if story.pk in leads]
    reports = article_by_ids(wanted) if wanted else {}
    return [story_card(story, lead=reports.get(leads[story.pk].id) if story.pk in leads else None) for story in stories]


def story_url(story: Story, *, site_url: str | None = None) -> str:
    """The absolute URL of our page for `story` (on `site_url` when given, else on settings.SITE_URL)."""
    return absolute_url(story.get_absolute_url(), site_url=site_url)
