"""A story's counts, lead and image, recomputed from its members in the database (stories.services calls it inside
its turns; it takes none itself)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import Coalesce

from newsdesk.articles.models import Article
from newsdesk.articles.policy import display_rule
from newsdesk.sources.models import Publisher
from newsdesk.stories.models import Story

# A story this small (by its size as last counted) is recounted from one narrow read of its members: one query
# instead of five to eight. A larger one (a wire text carried by thousands of outlets) is counted by aggregates in
# the database, which do not carry every member's row back. Both read the same rules; only the cost differs.
SMALL_STORY = 150
# What the display policy reads to decide whether an article's image may be shown (articles.policy.article_rule).
IMAGE_POLICY_FIELDS = ("publisher__display_policy", "noarchive", "robots_directives")
# Only these publisher policies ever show an image; the page's own signals can only tighten them.
IMAGE_POLICIES = (Publisher.DisplayPolicy.FULL, Publisher.DisplayPolicy.EXCERPT)


def story_counts_refresh(story: Story) -> None:
    """Size, outlets, reports, languages, times, lead and image of a story, from its members, in the members'
    arrival order (time published, else fetched; then id)."""
    members = Article.objects.filter(story_membership__story=story).annotate(at=Coalesce("published_at", "fetched_at"))
    if story.size <= SMALL_STORY:
        _counts_from_rows(story, members)
    else:
        _counts_in_database(story, members)


def _counts_from_rows(story: Story, members: QuerySet[Article]) -> None:
    """The counts from one read of the members' narrow rows (no signature yet: not a known repeat)."""
    rows = sorted(
        members.values_list(
            "at", "pk", "publisher_id", "language", "image_url", "signature__is_repeat", "title", *IMAGE_POLICY_FIELDS
        ),
        key=lambda row: (row[0], row[1]),
    )
    story.size = len(rows)
    if not rows:
        story.save()
        return
    arrived: dict[str, tuple[datetime, int]] = {}
    for at, pk, _, language, *_ in rows:
        if language:
            arrived.setdefault(language, (at, pk))
    uses = Counter(row[3] for row in rows if row[3])
    languages = sorted(uses, key=lambda code: (-uses[code], arrived[code]))
    main_language = languages[0] if languages else ""
    originals = [row for row in rows if row[5] is not True]
    lead = next((row for row in originals if row[3] == main_language), None) or (originals or rows)[0]
    image = next((row for row in (lead, *rows) if _image_shown(row[4], *row[7:])), None)
    _story_set(
        story,
        outlets=len({row[2] for row in rows}),
        reports=len(originals),
        languages=languages,
        lead=(lead[1], lead[6], lead[3]),
        image_id=image[1] if image else None,
        first=rows[0][0],
        last=rows[-1][0],
    )


def _counts_in_database(story: Story, members: QuerySet[Article]) -> None:
    """The counts by aggregates in the database (a story of a wire text carried by thousands of outlets is
    recounted for every copy it gains)."""
    original = Q(signature__isnull=True) | Q(signature__is_repeat=False)  # no signature yet: not a known repeat
    originals = members.filter(original)
    totals = members.aggregate(
        size=Count("pk"),
        outlets=Count("publisher_id", distinct=True),
        reports=Count("pk", filter=original),
        first=Min("at"),
        last=Max("at"),
    )
    story.size = totals["size"]
    if not story.size:
        story.save()
        return
    arrival = ("at", "pk")
    languages = _languages_by_use(members.exclude(language=""))
    main_language = languages[0] if languages else ""
    # Ids first, then the one row: sorting whole article rows (bodies and all) cost more than the counts.
    lead_id = (
        originals.filter(language=main_language).order_by(*arrival).values_list("pk", flat=True).first()
        or originals.order_by(*arrival).values_list("pk", flat=True).first()
        or members.order_by(*arrival).values_list("pk", flat=True).first()
    )
    lead = Article.objects.values_list("title", "language", "image_url", *IMAGE_POLICY_FIELDS).get(pk=lead_id)
    if _image_shown(*lead[2:]):
        image_id = lead_id
    else:
        # The publisher's policy is asked in the database; the page's own signals (rarely set) row by row.
        candidates = members.exclude(image_url="").filter(publisher__display_policy__in=IMAGE_POLICIES)
        rows = candidates.order_by(*arrival).values_list("pk", "image_url", *IMAGE_POLICY_FIELDS)
        image_id = next((row[0] for row in rows.iterator() if _image_shown(*row[1:])), None)
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


def _image_shown(image_url: str, publisher_policy: str, noarchive: bool, directives: str) -> bool:
    """Whether an article has a lead image its display policy lets a story show: the story's image is the lead
    article's only when that one may be shown (a headline-only lead shows none), else the first such member's."""
    rule = display_rule(publisher_policy=publisher_policy, noarchive=noarchive, directives=directives)
    return bool(image_url) and rule.show_image


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
    story.is_closed = False
    story.save()


def _languages_by_use(members: QuerySet[Article]) -> list[str]:
    """The members' languages, most used first; a tie goes to the language that arrived first."""
    counts = {row["language"]: row["n"] for row in members.values("language").annotate(n=Count("pk"))}
    if len(set(counts.values())) == len(counts):
        return sorted(counts, key=lambda code: -counts[code])
    first = {
        code: members.filter(language=code).order_by("at", "pk").values_list("at", "pk").first() for code in counts
    }
    return sorted(counts, key=lambda code: (-counts[code], first[code]))
