"""A story's counts, lead and image, recomputed from its members in the database (stories.services calls it inside
its turns; it takes none itself)."""

from __future__ import annotations

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import Coalesce

from newsdesk.articles.models import Article
from newsdesk.stories.models import Story


def story_counts_refresh(story: Story) -> None:
    """Size, outlets, reports, languages, times, lead and image of a story, from its members: counted in the
    database (a story of a wire text carried by thousands of outlets is recounted for every copy it gains), in
    the members' arrival order (time published, else fetched; then id)."""
    members = Article.objects.filter(story_membership__story=story).annotate(at=Coalesce("published_at", "fetched_at"))
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
    story.outlet_count = totals["outlets"]
    story.report_count = totals["reports"]
    story.languages = languages
    story.language = lead.language
    story.headline = lead.title[:500]
    story.lead_article_id = lead.pk
    story.image_article_id = image_id
    story.first_seen = totals["first"]
    story.last_seen = totals["last"]
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
