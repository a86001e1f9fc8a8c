"""A story's counts, lead and image, recomputed from its members in the database (stories.services calls it inside
its turns; it takes none itself)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import Coalesce

from newsdesk.articles.models import Article
from newsdesk.stories.models import Story

# A story this small (by its size as last counted) is recounted from one narrow read of its members: one query
# instead of five to eight. A larger one (a wire text carried by thousands of outlets) is counted by aggregates in
# the database, which do not carry every member's row back. Both read the same rules; only the cost differs.
SMALL_STORY = 150


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
        members.values_list("at", "pk", "publisher_id", "language", "image_url", "signature__is_repeat", "title"),
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
    image = lead if lead[4] else next((row for row in rows if row[4] != ""), None)
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
    lead = Article.objects.only("title", "language", "image_url").get(pk=lead_id)
    image_id = (
        lead.pk
        if lead.image_url
        else members.exclude(image_url="").order_by(*arrival).values_list("pk", flat=True).first()
    )
    _story_set(
        story,
        outlets=totals["outlets"],
        reports=totals["reports"],
        languages=languages,
        lead=(lead.pk, lead.title, lead.language),
        image_id=image_id,
        first=totals["first"],
        last=totals["last"],
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
