"""Reads of stories for their pages and cards: one story, its articles as reports and timeline, the light keys its
page and cards are cached by, the report a reader's language leads it with, and the stories a sitemap lists."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, QuerySet
from django.db.models.functions import Coalesce

from newsdesk.articles.models import Article
from newsdesk.articles.selectors import ARTICLE_CARD_FIELDS, article_shown
from newsdesk.common.compiled import key_rows
from newsdesk.common.sitemap_rows import sitemap_page_keys, sitemap_size
from newsdesk.stories.counts import lead_of, reports_in
from newsdesk.stories.models import Story

MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class StoryCoverage:
    """One story with its articles as a story page shows them: primary sources first, each wire text once with
    the outlets that also carried it."""

    story: Story
    reports: list["Report"]
    timeline: list[Article]  # every article, oldest first
    publishers: list[str]  # every outlet's name, by first report


@dataclass(frozen=True)
class Report:
    """An article we show in a story, with the wire copies of the same text that other outlets printed."""

    article: Article
    is_primary_source: bool  # the credited original of a syndication group
    carried_by: list[Article]


SHOWN_STORY = Story.SHOWN


def story_get(*, story_id: int) -> Story | None:
    """One story that has articles, or None (also for ids no database column can hold)."""
    if not 0 < story_id <= MAX_ID:
        return None
    found = Story.objects.filter(SHOWN_STORY, pk=story_id).defer("state")
    return found.select_related("lead_article__publisher", "image_article__publisher").first()


# What a story card shows besides what the story's `updated_at` vouches for: its closing and the lead and image
# articles' values (see newsdesk.site.cards), read for a page's stories without loading them.
STORY_CARD_KEY_FIELDS = (
    "id",
    "updated_at",
    "is_closed",
    *(f"{role}__{field}" for role in ("lead_article", "image_article") for field in ARTICLE_CARD_FIELDS),
)


def story_card_keys(ids: list[int]) -> list[tuple]:
    """The STORY_CARD_KEY_FIELDS of the stories `ids`, in that order, as named tuples (one query, no instance)."""
    ids = list(ids)
    found = key_rows(
        ("story-card-keys", tuple(ids)),
        lambda: Story.objects.filter(pk__in=ids).values_list(*STORY_CARD_KEY_FIELDS, named=True),
    )
    by_id = {key.id: key for key in found}
    return [by_id[pk] for pk in ids if pk in by_id]


# A story's report in a reader's language, as story_language_leads reads it: its story, its card's key, then its
# title (what the page's head names it by before the page is rendered: its comments feed).
LANGUAGE_LEAD_FIELDS = ("story_membership__story_id", *ARTICLE_CARD_FIELDS, "title")


def story_language_leads(led_in: Mapping[int, str], *, language: str) -> dict[int, tuple]:
    """The report in `language` that a card of each story shows when a reader asked for that language: of its
    visible reports in that language (arrival order) the one that would lead it (stories.counts.lead_of: the first
    whose display policy shows text, else the first). `led_in`: each story's id and the language its lead article is
    in. A story led in `language` already is told as it is: the one place that decides which stories a reader's
    language retells (home cards, story pages, feeds and the API). LANGUAGE_LEAD_FIELDS rows (named tuples) by story
    id, one query (none when no story needs one); a story with no such report is left out. Its reports are the story
    page's (stories.counts.reports_in)."""
    ids = [story_id for story_id, led in led_in.items() if led != language] if language else []
    if not ids:
        return {}

    def build() -> QuerySet[Article]:
        members = Article.objects.filter(story_membership__story_id__in=ids, language=language)
        arrival = Coalesce("published_at", "fetched_at")
        members = article_shown(members).annotate(at=arrival)
        # The story page's reports (one per wire text, a copy standing in for a primary the story does not show).
        members = members.filter(reports_in(OuterRef("story_membership__story_id"))).order_by("at", "id")
        return members.values_list(*LANGUAGE_LEAD_FIELDS, named=True)

    by_story: dict[int, list[tuple]] = {}
    for row in key_rows(("story-language-leads", language, tuple(ids)), build):
        by_story.setdefault(row.story_membership__story_id, []).append(row)
    leads = {story_id: lead_of(rows, policy=_policy_fields) for story_id, rows in by_story.items()}
    return {story_id: lead for story_id, lead in leads.items() if lead is not None}


def _policy_fields(row: tuple) -> tuple[str, bool, str]:
    """POLICY_FIELDS (stories.counts) of a LANGUAGE_LEAD_FIELDS row."""
    return (row.publisher__display_policy, row.noarchive, row.robots_directives)


# What a story's page shows of the story beyond its card's key.
STORY_PAGE_FIELDS = (
    *STORY_CARD_KEY_FIELDS,
    "headline",
    "language",
    "languages",
    "shown_size",
    "outlet_count",
    "first_seen",
    "last_seen",
)


# What a story's page shows of each of its articles (titles and the rest are vouched for by `updated_at`).
STORY_MEMBER_FIELDS = (
    "id",
    "updated_at",
    "published_at",
    "fetched_at",
    "language",
    "wire_credit",
    "publisher_id",
    "publisher__name",
    "publisher__slug",
    "signature__group_id",
    "signature__is_repeat",
)


def story_page_key(*, story_id: int) -> tuple | None:
    """STORY_PAGE_FIELDS of one story that has articles (story_get's), or None: the light first read of its page."""
    if not 0 < story_id <= MAX_ID:
        return None
    rows = key_rows(
        ("story-page-key", story_id),
        lambda: Story.objects.filter(SHOWN_STORY, pk=story_id).values_list(*STORY_PAGE_FIELDS, named=True),
    )
    # Its languages are a list: a key holds them as a tuple.
    return rows[0]._replace(languages=tuple(rows[0].languages)) if rows else None


def story_member_keys(*, story_id: int) -> list[tuple]:
    """STORY_MEMBER_FIELDS of a story's visible articles (story_articles'), by id."""
    return key_rows(
        ("story-member-keys", story_id),
        lambda: (
            article_shown(Article.objects.filter(story_membership__story_id=story_id))
            .values_list(*STORY_MEMBER_FIELDS, named=True)
            .order_by("id")
        ),
    )


def story_sitemap_keys(*, offset: int, limit: int) -> list[tuple]:
    """(id, updated_at) of the stories some reader is shown, `offset`..`offset + limit` by id, for a sitemap page."""
    return sitemap_page_keys("story-sitemap", lambda: Story.objects.filter(SHOWN_STORY), offset=offset, limit=limit)


def story_sitemap_size() -> tuple[int, datetime | None]:
    """(how many, latest updated_at) of the stories some reader is shown: a sitemap index's page count and lastmod."""
    return sitemap_size(Story.objects.filter(SHOWN_STORY))


def story_articles(story: Story) -> list[Article]:
    """The story's visible articles, oldest first, each annotated `reports`: whether it reports its text in the
    story (stories.counts.reports_in, the rule its counts read) or is a copy another of them reports."""
    articles = article_shown(Article.objects.filter(story_membership__story=story))
    articles = articles.select_related("publisher", "category", "signature__group").defer("signature__signature")
    articles = articles.annotate(at=Coalesce("published_at", "fetched_at"))
    articles = articles.annotate(reports=ExpressionWrapper(reports_in(story.pk), output_field=BooleanField()))
    return sorted(articles, key=lambda a: (a.published_at or a.fetched_at, a.pk))


def story_coverage(story: Story) -> StoryCoverage:
    """The story page's content: reports (primary sources first, then the other reports, newest first) and
    the timeline."""
    timeline = story_articles(story)
    by_group: dict[int, list[Article]] = {}
    for article in timeline:
        group_id = _group_id(article)
        if group_id is not None:
            by_group.setdefault(group_id, []).append(article)
    reports = []
    for article in timeline:
        if not article.reports:
            continue  # a copy of a text another shown member reports (its primary, or its earliest shown copy)
        group_id = _group_id(article)
        # A wire text's primary, or the copy standing in for a primary the story does not show (its publisher
        # blocked or deactivated, or it fell in another story): the other shown copies carried it, so the text and
        # its outlets stay in the story (the article API and search keep such copies too).
        # The other outlets' copies: the outlet's own second copy of its text (a new address) carried nothing.
        copies = [
            other
            for other in by_group.get(group_id, ())
            if other.pk != article.pk and other.publisher_id != article.publisher_id
        ]
        primary = group_id is not None and not article.signature.is_repeat
        reports.append(Report(article=article, is_primary_source=primary, carried_by=copies))
    reports.sort(key=lambda r: (r.is_primary_source, r.article.published_at or r.article.fetched_at), reverse=True)
    publishers = list(dict.fromkeys(article.publisher.name for article in timeline))
    return StoryCoverage(story=story, reports=reports, timeline=timeline, publishers=publishers)


def _group_id(article: Article) -> int | None:
    signature = getattr(article, "signature", None)
    return signature.group_id if signature is not None else None
