"""Reads of stories and syndication groups. Views, feeds and the API call these, never the ORM directly."""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import overload

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.articles.selectors import (
    ARTICLE_CARD_FIELDS,
    ARTICLE_KEY_FIELDS,
    SEARCH_ONLY_FIELDS,
    article_list,
    article_shown,
)
from newsdesk.common.compiled import key_rows
from newsdesk.common.sitemap_rows import sitemap_page_keys, sitemap_size
from newsdesk.sources.selectors import publisher_shown
from newsdesk.stories.counts import lead_of, reports_in
from newsdesk.stories.models import Story, SyndicationGroup

MAX_ID = 2**63 - 1
# The home page ranks the most recently active stories only: older ones cannot outrank them by design.
RANKED_WINDOW = 500
# A story's weight halves every FRESHNESS_HALF_LIFE_H hours since its last article.
FRESHNESS_HALF_LIFE_H = 12.0


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


@dataclass(frozen=True)
class ArticleSyndication:
    """What an article page says about its story and wire copies."""

    story: Story | None
    primary: Article | None  # the group's primary source, when the article is a copy of it
    carried_by: list[Article]  # the other outlets printing the same text
    reasons: list[str]


SHOWN_STORY = Story.SHOWN


def without_repeats(articles: QuerySet[Article]) -> QuerySet[Article]:
    """`articles` without wire copies that are not their group's primary: each wire text once."""
    return articles.exclude(signature__is_repeat=True)


# The lookup that says an article is a wire copy shown elsewhere (its group's primary is shown): article_sections
# reads it with the keys and leaves such articles out.
REPEAT_FLAG = "signature__is_repeat"

# A wire copy whose group's primary some surface shows (its publisher active, not blocked). The article API and search
# leave out these alone: a copy of a primary no surface shows repeats nothing shown, and hiding it too hid the wire
# text everywhere (the primary's publisher deactivated: none of its copies was listed).
SHOWN_REPEAT = Q(signature__is_repeat=True) & publisher_shown("signature__group__primary__publisher__")


def without_shown_repeats(articles: QuerySet[Article]) -> QuerySet[Article]:
    """`articles` without the wire copies whose group's primary is shown (SHOWN_REPEAT)."""
    return articles.exclude(SHOWN_REPEAT)


def story_get(*, story_id: int) -> Story | None:
    """One story that has articles, or None (also for ids no database column can hold)."""
    if not 0 < story_id <= MAX_ID:
        return None
    found = Story.objects.filter(SHOWN_STORY, pk=story_id).defer("state")
    return found.select_related("lead_article__publisher", "image_article__publisher").first()


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


def article_page_get(*, article_id: int) -> Article | None:
    """One visible article by id (article_get) with its story membership and wire group joined for its page, in
    one query; the columns no page shows (search text, clustering state, signature) are left in the database."""
    if not 0 < article_id <= MAX_ID:
        return None
    found = article_list().filter(pk=article_id).select_related("story_membership__story", "signature__group")
    return found.defer(*SEARCH_ONLY_FIELDS, "story_membership__story__state", "signature__signature").first()


# What an article's page shows beyond its own key (ARTICLE_KEY_FIELDS): its story's link and counts, and which wire
# group it is a copy in (the group's visible copies are read by syndication_copy_keys).
ARTICLE_PAGE_FIELDS = (
    *ARTICLE_KEY_FIELDS,
    "story_membership__story_id",
    "story_membership__story__headline",
    "story_membership__story__lead_article__language",  # which report tells the story in the article's language
    "story_membership__story__size",
    "story_membership__story__outlet_count",
    "signature__group_id",
    "signature__group__primary_id",
)
# What the page shows of each copy of a wire text (the order, a link, the outlet, the primary's credit).
SYNDICATION_COPY_FIELDS = ("id", "updated_at", "published_at", "fetched_at", "wire_credit", "publisher__name")


def article_page_key(*, article_id: int) -> tuple | None:
    """ARTICLE_PAGE_FIELDS of one visible article (article_get's visibility), or None: the light first read of its
    page, which is rendered (from article_page_get) only when no cache holds it for these values."""
    if not 0 < article_id <= MAX_ID:
        return None
    rows = key_rows(
        ("article-page-key", article_id),
        lambda: article_list().filter(pk=article_id).values_list(*ARTICLE_PAGE_FIELDS, named=True),
    )
    return rows[0] if rows else None


def syndication_copy_keys(*, group_id: int) -> list[tuple]:
    """SYNDICATION_COPY_FIELDS of the visible copies in a wire group, by id (what article_syndication lists)."""
    return key_rows(
        ("syndication-copy-keys", group_id),
        lambda: _visible_copies(group_id).values_list(*SYNDICATION_COPY_FIELDS, named=True).order_by("id"),
    )


def _visible_copies(group_id: int) -> QuerySet[Article]:
    return article_shown(Article.objects.filter(signature__group_id=group_id))


# What the article page and the article API show of a wire group's copies (their link, outlet, arrival and the
# primary's credit line), and what Article.__str__ and the template's `pk` read.
SYNDICATION_LISTED_FIELDS = ("id", "title", "published_at", "fetched_at", "wire_credit", "publisher__name")


def article_syndication(article: Article) -> ArticleSyndication:
    """The story of `article` and, when other outlets printed the same wire text, its primary and the others
    (article_page_get has joined its membership and signature)."""
    # A missing membership or signature raises DoesNotExist, an AttributeError: getattr's default covers it.
    membership = getattr(article, "story_membership", None)
    story = membership.story if membership is not None and membership.story.size > 0 else None
    signature = getattr(article, "signature", None)
    group: SyndicationGroup | None = signature.group if signature is not None else None
    if group is None:
        return ArticleSyndication(story=story, primary=None, carried_by=[], reasons=[])
    # Only what the lists show of a copy: a wire text carried by thousands of outlets loaded every body before.
    copies = _visible_copies(group.pk).select_related("publisher").only(*SYNDICATION_LISTED_FIELDS)
    copies = sorted(copies, key=lambda a: (a.published_at or a.fetched_at, a.pk))
    primary = next((a for a in copies if a.pk == group.primary_id), None)
    # Other outlets only: an outlet's own copy of its text under another address (a changed slug) carried nothing.
    carried_by = [
        a for a in copies if a.pk not in (article.pk, group.primary_id) and a.publisher_id != article.publisher_id
    ]
    return ArticleSyndication(story=story, primary=primary, carried_by=carried_by, reasons=list(group.reasons))


def syndication_group_list() -> QuerySet[SyndicationGroup]:
    """Every group of copies, with its primary."""
    return SyndicationGroup.objects.filter(size__gt=1).select_related("primary__publisher")
