"""A story's counts, lead and image, recomputed from its members in the database (stories.services calls it inside
its turns; it takes none itself)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from itertools import chain
from typing import TypeVar

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Max, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.articles.policy import display_rule
from newsdesk.sources.models import Publisher
from newsdesk.sources.selectors import publisher_shown
from newsdesk.stories.models import Story

# A story this small (by its size as last counted) is recounted from one narrow read of its members: one query
# instead of five to eight. A larger one (a wire text carried by thousands of outlets) is counted by aggregates in
# the database, which do not carry every member's row back. Both read the same rules; only the cost differs.
SMALL_STORY = 150
# Stories recounted by one read of their members and one bulk update (stories_counts_refresh).
RECOUNT_BATCH = 200
T = TypeVar("T")
# What the display policy reads to decide whether an article may show text and an image (articles.policy.article_rule).
POLICY_FIELDS = ("publisher__display_policy", "noarchive", "robots_directives")
# An image candidate's row: its id, our copy's key, its URL, then its POLICY_FIELDS.
IMAGE_FIELDS = ("pk", "image_key", "image_url", *POLICY_FIELDS)
# Only these publisher policies ever show text or an image; the page's own signals can only tighten them.
SHOWING_POLICIES = (Publisher.DisplayPolicy.FULL, Publisher.DisplayPolicy.EXCERPT)
# The members any surface lists (the story page's, story_language_leads'): a blocked or deactivated publisher's
# articles appear nowhere, so they neither head a story nor count among its outlets, reports and languages.
LISTED = publisher_shown("publisher__")
# A member that is no known wire repeat (no signature yet, or its group's primary, or in no group).
ORIGINAL = Q(signature__isnull=True) | Q(signature__is_repeat=False)
# A member's narrow row, as the counts of a small story read it.
ROW_FIELDS = ("at", "pk", "publisher_id", "language", "reports", "title", *IMAGE_FIELDS[1:], "listed")
# What a recount changes: stories_counts_refresh writes these alone.
COUNTED_FIELDS = (
    "size",
    "shown_size",
    "outlet_count",
    "report_count",
    "languages",
    "lead_article",
    "headline",
    "language",
    "image_article",
    "first_seen",
    "last_seen",
    "updated_at",
)


def reports_in(story_id: int | OuterRef) -> Q:
    """The condition that a LISTED member of story `story_id` (an id, or OuterRef("story_membership__story_id") for
    members of several stories; its queryset annotated with `at`, its arrival time:
    published, else fetched) reports a text there: it is an original, or a wire copy that stands in for a primary
    the story does not list (its publisher blocked or deactivated, or it fell in another story) — the earliest
    listed copy of its group in the story (by `at`, then id), when no listed member of that group there is an
    original. The one definition the story page's reports (selectors.story_coverage) and the counts here read:
    such a copy counts as a report, and may lead."""
    listed = Article.objects.filter(LISTED, story_membership__story_id=story_id).exclude(signature__group=None)
    led = listed.filter(signature__is_repeat=False).values("signature__group_id")
    earlier = listed.annotate(at=Coalesce("published_at", "fetched_at")).filter(
        Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), pk__lt=OuterRef("pk")),
        signature__group_id=OuterRef("signature__group_id"),
    )
    # The uncorrelated test first: a copy whose primary is listed (nearly every one) is settled without the
    # per-row one. A copy in no group (its group gone) reports itself, as it did on the story page.
    stands_in = Q(signature__is_repeat=True) & ~Q(signature__group_id__in=led) & ~Exists(earlier)
    return ORIGINAL | stands_in


def story_counts_refresh(story: Story, *, reopen: bool = True) -> None:
    """Size, outlets, reports, languages, times, lead and image of a story, from its members, in the members'
    arrival order (time published, else fetched; then id). Size and times count every member (what the clustering
    keeps); the rest count the listed ones (LISTED). A story none of whose members is listed counts no outlet,
    report or language and shows no image, so no surface shows it (stories.selectors.story_pages.SHOWN_STORY); it
    keeps a lead (its headline) until a publisher of its members is shown again. A story gaining members
    is open again; `reopen=False` keeps a closed story closed (a recount that added nothing: a publisher's policy
    changed)."""
    members = _members(story)
    if story.size <= SMALL_STORY:
        _counts_from_rows(story, members)
    else:
        _counts_in_database(story, members)
    if reopen:
        story.is_closed = False
    story.save()


def stories_counts_refresh(stories: Sequence[Story]) -> None:
    """story_counts_refresh(story, reopen=False) for each of `stories`, RECOUNT_BATCH at a time, each batch written
    by one bulk update: the small stories (nearly all) counted from one read of all their members' rows, so a
    publisher's change, which recounts every story it is in inside the admin's request, costs a few queries a batch
    rather than two a story."""
    for start in range(0, len(stories), RECOUNT_BATCH):
        _batch_refresh(stories[start : start + RECOUNT_BATCH])


def _batch_refresh(stories: Sequence[Story]) -> None:
    small = {story.pk for story in stories if story.size <= SMALL_STORY}
    rows = _rows_by_story(small)
    now = timezone.now()
    for story in stories:
        if story.pk in small:
            _counts_of_rows(story, sorted(rows.get(story.pk, ()), key=lambda row: (row[0], row[1])))
        else:
            _counts_in_database(story, _members(story))
        story.updated_at = now  # as save() would (bulk_update leaves auto_now fields alone)
    Story.objects.bulk_update(stories, COUNTED_FIELDS)


def story_image_refresh(story: Story) -> bool:
    """Choose the story's image again (nothing else): the image step stored one of its members' images, and the
    image it shows is not one we hold (refused, failed, or not fetched yet). Whether it changed."""
    if story.lead_article_id is None:
        return False
    # The lead read now may be gone since the story was (a takedown committed in between, on PostgreSQL): the
    # deletion's own recount chooses the story's image then.
    lead = Article.objects.values_list(*IMAGE_FIELDS).filter(pk=story.lead_article_id).first()
    if lead is None:
        return False
    image_id = _image_in_database(_members(story).filter(LISTED), lead)
    if image_id == story.image_article_id:
        return False
    story.image_article_id = image_id
    story.save(update_fields=["image_article", "updated_at"])
    return True


def _members(story: Story) -> QuerySet[Article]:
    return _annotated(Article.objects.filter(story_membership__story=story))


def _annotated(articles: QuerySet[Article]) -> QuerySet[Article]:
    return articles.annotate(
        at=Coalesce("published_at", "fetched_at"), listed=ExpressionWrapper(LISTED, output_field=BooleanField())
    )


def _rows_by_story(story_ids: set[int]) -> dict[int, list[tuple]]:
    """{story id: its members' ROW_FIELDS rows} of these stories, in one query."""
    if not story_ids:
        return {}
    members = _annotated(Article.objects.filter(story_membership__story_id__in=story_ids)).annotate(
        reports=ExpressionWrapper(reports_in(OuterRef("story_membership__story_id")), output_field=BooleanField())
    )
    by_story: dict[int, list[tuple]] = {}
    for story_id, *row in members.values_list("story_membership__story_id", *ROW_FIELDS):
        by_story.setdefault(story_id, []).append(tuple(row))
    return by_story


def _reporting(members: QuerySet[Article], story: Story) -> QuerySet[Article]:
    """`members` (of `story`, from _members) annotated `reports` (reports_in)."""
    return members.annotate(reports=ExpressionWrapper(reports_in(story.pk), output_field=BooleanField()))


def _counts_from_rows(story: Story, members: QuerySet[Article]) -> None:
    """The counts from one read of the members' narrow rows."""
    _counts_of_rows(
        story, sorted(_reporting(members, story).values_list(*ROW_FIELDS), key=lambda row: (row[0], row[1]))
    )


def _counts_of_rows(story: Story, every: list[tuple]) -> None:
    """The counts from the members' ROW_FIELDS rows, in arrival order."""
    story.size = len(every)
    rows = [row for row in every if row[-1]]
    story.shown_size = len(rows)
    if not every:
        return
    arrived: dict[str, tuple[datetime, int]] = {}
    for at, pk, _, language, *_ in rows:
        if language:
            arrived.setdefault(language, (at, pk))
    uses = Counter(row[3] for row in rows if row[3])
    languages = sorted(uses, key=lambda code: (-uses[code], arrived[code]))
    main_language = languages[0] if languages else ""
    originals = [row for row in rows if row[4]]
    in_language = [row for row in originals if row[3] == main_language]
    lead = lead_of(in_language, policy=lambda row: row[8:11]) or (originals or rows or every)[0]
    # IMAGE_FIELDS, the lead's first (none when no member is listed)
    candidates = [(row[1], *row[6:11]) for row in ((lead, *rows) if rows else ())]
    _story_set(
        story,
        outlets=len({row[2] for row in rows}),
        reports=len(originals),
        languages=languages,
        lead=(lead[1], lead[5], lead[3]),
        image_id=_first_image(candidates, held=True) or _first_image(candidates, held=False),
        first=every[0][0],
        last=every[-1][0],
    )


def _counts_in_database(story: Story, members: QuerySet[Article]) -> None:
    """The counts by aggregates in the database (a story of a wire text carried by thousands of outlets is
    recounted for every copy it gains)."""
    totals = members.aggregate(size=Count("pk"), listed=Count("pk", filter=LISTED), first=Min("at"), last=Max("at"))
    story.size, story.shown_size = totals["size"], totals["listed"]
    if not story.size:
        return
    every, members = members, members.filter(LISTED)
    originals = members.filter(reports_in(story.pk))
    # Counted apart: inside the aggregate, the Exists' outer arrival time is not the member's.
    totals |= members.aggregate(outlets=Count("publisher_id", distinct=True))
    totals["reports"] = originals.count()
    arrival = ("at", "pk")
    languages = _languages_by_use(members.exclude(language=""))
    main_language = languages[0] if languages else ""
    # Ids first, then the one row: sorting whole article rows (bodies and all) cost more than the counts.
    in_language = originals.filter(language=main_language).order_by(*arrival)
    showing = in_language.filter(publisher__display_policy__in=SHOWING_POLICIES).values_list("pk", *POLICY_FIELDS)
    lead_id = (
        next((pk for pk, *policy in showing.iterator() if _shows_text(*policy)), None)
        or in_language.values_list("pk", flat=True).first()
        or originals.order_by(*arrival).values_list("pk", flat=True).first()
        or members.order_by(*arrival).values_list("pk", flat=True).first()
        or every.order_by(*arrival).values_list("pk", flat=True).first()
    )
    lead = Article.objects.values_list("title", "language", *IMAGE_FIELDS).get(pk=lead_id)
    image_id = _image_in_database(members, lead[2:]) if totals["listed"] else None
    _story_set(
        story,
        outlets=totals["outlets"],
        reports=totals["reports"],
        languages=languages,
        lead=(lead_id, lead[0], lead[1]),
        image_id=image_id,
        first=totals["first"],
        last=totals["last"],
    )


def lead_of(in_language: Iterable[T], *, policy: Callable[[T], Sequence]) -> T | None:
    """The report that leads among `in_language` (originals of one language, in arrival order): the first whose
    display policy (`policy` gives its POLICY_FIELDS) shows text, else the first; None for none. A story is led so
    in its main language, and a card shown in a reader's language by its report in that language."""
    reports = list(in_language)
    return next((report for report in reports if _shows_text(*policy(report))), None) or next(iter(reports), None)


def _shows_text(publisher_policy: str, noarchive: bool, directives: str) -> bool:
    """Whether an article's display policy lets it show any text. The story's lead (its headline, and the summary
    its pages show) is the first such original in the story's main language when there is one: a headline-only lead
    left the story without a summary though other reports in that language could give one."""
    rule = display_rule(publisher_policy=publisher_policy, noarchive=noarchive, directives=directives)
    return rule.mode in SHOWING_POLICIES


def _first_image(candidates: Iterable[tuple], *, held: bool) -> int | None:
    """The id of the first candidate (IMAGE_FIELDS rows) whose image its display policy lets a story show; with
    `held`, only one whose image we hold already. A story's image is the lead's when the lead may show it (a
    headline-only lead shows none), else the first such member's; one we hold goes before one not fetched yet,
    which may yet be refused (an SVG) or fail."""
    for pk, key, url, publisher_policy, noarchive, directives in candidates:
        wanted = url and (key or not held)
        if (
            wanted
            and display_rule(publisher_policy=publisher_policy, noarchive=noarchive, directives=directives).show_image
        ):
            return pk
    return None


def _image_in_database(members: QuerySet[Article], lead: tuple) -> int | None:
    """_first_image over the lead (its IMAGE_FIELDS row) then the members in arrival order, read from the database
    only as far as needed: the publisher's policy is asked there, the page's own signals (rarely set) row by row."""
    candidates = members.exclude(image_url="").filter(publisher__display_policy__in=SHOWING_POLICIES)
    ordered = candidates.order_by("at", "pk").values_list(*IMAGE_FIELDS)
    held = ordered.exclude(image_key="")
    return _first_image(chain([lead], held.iterator()), held=True) or _first_image(
        chain([lead], ordered.iterator()), held=False
    )


def _story_set(
    story: Story,
    *,
    outlets: int,
    reports: int,
    languages: list[str],
    lead: tuple[int, str, str],
    image_id: int | None,
    first: datetime,
    last: datetime,
) -> None:
    story.outlet_count = outlets
    story.report_count = reports
    story.languages = languages
    story.lead_article_id, headline, story.language = lead
    story.headline = headline[:500]
    story.image_article_id = image_id
    story.first_seen = first
    story.last_seen = last


def _languages_by_use(members: QuerySet[Article]) -> list[str]:
    """The members' languages, most used first; a tie goes to the language that arrived first."""
    counts = {row["language"]: row["n"] for row in members.values("language").annotate(n=Count("pk"))}
    if len(set(counts.values())) == len(counts):
        return sorted(counts, key=lambda code: -counts[code])
    first = {
        code: members.filter(language=code).order_by("at", "pk").values_list("at", "pk").first() for code in counts
    }
    return sorted(counts, key=lambda code: (-counts[code], first[code]))
