"""Wire groups and stories at scale: a new copy of a text carried by many outlets writes as many rows as one of a text
carried by few (only the repeat marks that change, one story recount), a late better copy still takes the primary
(agency release, canonical votes, earlier time) with its story following, and the story counts computed in the
database match the member-by-member reading of the rules."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.articles.policy import article_rule
from newsdesk.sources.models import Publisher
from newsdesk.stories.counts import story_counts_refresh
from newsdesk.stories.models import ArticleSignature, Story, StoryMembership, SyndicationGroup
from newsdesk.stories.selectors import story_coverage
from newsdesk.stories.services import articles_stories_update
from newsdesk.stories.syndication_services import syndication_group_refresh
from tests.factories import make_article, make_publisher

pytestmark = pytest.mark.django_db

WORDS = [
    "ministers",
    "agreed",
    "overnight",
    "to",
    "extend",
    "the",
    "grain",
    "corridor",
    "through",
    "the",
    "northern",
    "ports",
    "after",
    "talks",
    "in",
    "the",
    "capital",
    "that",
    "lasted",
    "eleven",
    "hours",
    "officials",
    "said",
    "the",
    "deal",
    "covers",
    "fertiliser",
    "shipments",
    "insurance",
    "for",
    "vessels",
    "and",
    "joint",
    "inspections",
    "at",
    "sea",
    "while",
    "critics",
    "warned",
    "that",
    "prices",
    "would",
    "stay",
    "high",
    "through",
    "the",
    "winter",
    "months",
]


def wire_body(seed: int) -> str:
    rng = random.Random(seed)
    return "GENEVA (AFP) — " + " ".join(rng.choice(WORDS) for _ in range(260)) + "."


class Writes:
    """Rows written (INSERT/UPDATE/DELETE row counts) through the connection while installed."""

    def __init__(self) -> None:
        self.rows = 0

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.rows += max(context["cursor"].rowcount, 0)
        return result


@pytest.fixture
def wire():
    """A factory of copies of one wire text, each by its own outlet, published a minute after the previous."""
    base = timezone.now() - timedelta(days=1)
    body = wire_body(11)
    made = []

    def copy(*, minutes: int | None = None, name: str = "", canonical: str = "", host: str = "") -> Article:
        n = len(made)
        publisher = make_publisher(name=name or f"Outlet {n}", homepage=f"https://{host or f'outlet{n}.example'}/")
        url = f"{publisher.homepage}world/grain-{n}"
        article = make_article(
            publisher,
            canonical_url=canonical or url,
            original_url=url,
            title="Grain corridor extended after overnight talks",
            body_text=body,
            summary="",
            wire_credit="AFP",
            published_at=base + timedelta(minutes=n if minutes is None else minutes),
        )
        made.append(article)
        return article

    return copy


def store(article: Article) -> int:
    """Store one copy through the service; the rows it wrote."""
    writes = Writes()
    with connection.execute_wrapper(writes):
        articles_stories_update(articles=[article])
    return writes.rows


def the_group(article: Article) -> SyndicationGroup:
    return SyndicationGroup.objects.get(copies__article=article)


def originals(group: SyndicationGroup) -> list[int]:
    return list(ArticleSignature.objects.filter(group=group, is_repeat=False).values_list("article_id", flat=True))


def test_a_new_copy_writes_as_many_rows_in_a_group_of_120_as_in_one_of_12(wire):
    first = wire()
    rows = [store(first)]
    rows += [store(wire()) for _ in range(12)]
    # Copies 13 to 119 as one refresh stores them (one wire turn, one assignment): only copy 12's and copy 120's
    # writes are compared. One by one, the test took 3,650 statements on PostgreSQL; so, 2,060.
    articles_stories_update(articles=[wire() for _ in range(107)])
    rows += [store(wire())]

    group = the_group(first)
    assert (group.size, len(rows)) == (121, 14)
    assert group.primary_id == first.pk
    assert originals(group) == [first.pk]
    story = StoryMembership.objects.get(article=first).story
    assert (story.size, story.report_count, story.lead_article_id) == (121, 1, first.pk)
    # Copy 12 and copy 120 (both repeats joining an existing group and story) cost the same rows; the old refresh
    # rewrote every copy's repeat mark, 108 more rows at copy 120.
    assert rows[13] == rows[12]


def test_a_late_agency_release_then_a_page_the_canonicals_name_take_the_primary_and_the_story_follows(wire):
    first = wire()
    store(first)
    for _ in range(40):
        store(wire())
    story_id = StoryMembership.objects.get(article=first).story_id

    # The agency's own release, published after every copy: the agency outranks the earliest copy.
    agency = wire(minutes=90, name="AFP", host="www.afp.com")
    store(agency)
    group = the_group(first)
    assert group.primary_id == agency.pk
    assert group.reasons[0] == "published by the credited agency (AFP)"
    assert originals(group) == [agency.pk]
    story = Story.objects.get(pk=story_id)
    assert (story.report_count, story.lead_article_id) == (1, agency.pk)

    # Two late copies whose canonical names copy 5's page: what they republished outranks the agency.
    fifth = ArticleSignature.objects.filter(group=group).order_by("article_id")[5].article
    for n in range(2):
        store(wire(minutes=120, canonical=fifth.original_url.replace("https://", "http://www.") + f"?from={n}"))
    group = the_group(first)
    assert group.primary_id == fifth.pk
    assert group.reasons[0] == "canonical link of 2 other copies points at it"
    assert originals(group) == [fifth.pk]
    story = Story.objects.get(pk=story_id)
    assert (story.size, story.report_count, story.lead_article_id) == (44, 1, fifth.pk)


def test_a_copy_published_before_every_other_takes_the_primary_when_it_arrives_last(wire):
    first = wire(minutes=30)
    store(first)
    for n in range(30):
        store(wire(minutes=31 + n))
    earliest = wire(minutes=0)
    store(earliest)

    group = the_group(first)
    assert group.primary_id == earliest.pk
    assert group.reasons == ["earliest published", "wire text credited to AFP"]
    assert originals(group) == [earliest.pk]
    story = StoryMembership.objects.get(article=first).story
    assert (story.size, story.report_count, story.lead_article_id) == (32, 1, earliest.pk)


def reporting(members: list[Article]) -> list[Article]:
    """The listed members (in arrival order) that report a text: originals, and of a wire group no listed member of
    which is its original (the primary hidden, or in another story) the earliest listed copy; a copy in no group
    reports itself."""
    signatures = [getattr(a, "signature", None) for a in members]
    led = {s.group_id for s in signatures if s is not None and not s.is_repeat}
    kept, seen = [], set()
    for article, signature in zip(members, signatures, strict=True):
        if signature is None or not signature.is_repeat or signature.group_id is None:
            kept.append(article)
        elif signature.group_id not in led and signature.group_id not in seen:
            kept.append(article)
            seen.add(signature.group_id)
    return kept


def reference_counts(story: Story) -> dict:
    """The counts read member by member, as the rules say (the form they had before the database counted)."""
    every = sorted(
        Article.objects.filter(story_membership__story=story).select_related("signature", "publisher"),
        key=lambda a: (a.published_at or a.fetched_at, a.pk),
    )
    # Outlets, reports, languages, lead and image: of the members a surface lists (their publisher active and not
    # blocked); when none is, no outlet, report, language or image, and the first member for a headline.
    members = [a for a in every if a.publisher.is_active and a.publisher.display_policy != "blocked"]
    languages = Counter(a.language for a in members if a.language)
    main = languages.most_common(1)[0][0] if languages else ""
    kept = reporting(members)
    # The lead: the first original in the main language that may show text (a summary), else the first original in
    # that language, else the first original, else the first member.
    in_language = [a for a in kept if a.language == main]
    showing = [a for a in in_language if article_rule(a).mode in ("full", "excerpt")]
    lead = (showing or in_language or kept or members or every)[0]
    # The image: the lead's when its display policy lets it be shown, else the first member's that may be; one we
    # hold a copy of before one not fetched yet.
    shown = [a for a in ((lead, *members) if members else ()) if a.image_url and article_rule(a).show_image]
    image = next((a for a in shown if a.image_key), shown[0] if shown else None)
    return {
        "size": len(every),
        "shown_size": len(members),
        "outlet_count": len({a.publisher_id for a in members}),
        "report_count": len(kept),
        "reports": sorted(a.pk for a in kept),
        "languages": [code for code, _ in languages.most_common()],
        "language": lead.language,
        "headline": lead.title[:500],
        "lead_article_id": lead.pk,
        "image_article_id": image.pk if image else None,
        "first_seen": every[0].published_at or every[0].fetched_at,
        "last_seen": every[-1].published_at or every[-1].fetched_at,
    }


def random_member_add(
    rng: random.Random, story: Story, *, title: str, publishers: list, groups: list, base: datetime
) -> Article:
    """A member of `story` by one of `publishers` at a time near `base` (ties, or fetched only), in a random language,
    with or without an image (held or not) and page signals, and marked an original or a repeat in one of `groups`
    or in none — or not marked at all."""
    at = base + timedelta(minutes=rng.choice([0, 5, 5, 9, 30]))  # ties: the id decides
    article = make_article(
        rng.choice(publishers),
        title=title,
        language=rng.choice(["en", "en", "fr", "de", ""]),
        published_at=None if rng.random() < 0.3 else at,
        fetched_at=at + timedelta(minutes=rng.choice([0, 1])),
        image_url=rng.choice(["", "https://img.example/a.jpg"]),
        robots_directives=rng.choice(["", "", "", "noimageindex", "max-snippet:0"]),
    )
    if rng.random() < 0.4:  # its image not fetched yet, or refused
        Article.objects.filter(pk=article.pk).update(image_key="")
    mark = rng.choice([None, True, False])
    if mark is not None:
        group = rng.choice([None, *groups])
        ArticleSignature.objects.create(article=article, signature={}, is_repeat=mark, group=group)
    StoryMembership.objects.create(article=article, story=story)
    return article


@pytest.mark.parametrize("path", ["rows", "aggregates"])
@pytest.mark.parametrize("seed", range(12))
def test_story_counts_from_the_database_match_the_member_by_member_reading(seed, path, monkeypatch):
    # A small story is counted from its members' rows, a large one by aggregates: both must read the rules alike.
    monkeypatch.setattr("newsdesk.stories.counts.SMALL_STORY", 10_000 if path == "rows" else -1)
    rng = random.Random(seed)
    base = timezone.now().replace(microsecond=0) - timedelta(days=2)
    publishers = [make_publisher(policy=rng.choice(Publisher.DisplayPolicy.values)) for _ in range(3)]
    publishers.append(make_publisher(policy=rng.choice(Publisher.DisplayPolicy.values), is_active=False))
    story = Story.objects.create(headline="x", first_seen=base, last_seen=base)
    # Wire groups, some of whose primaries (hidden, or in another story) are not among the story's listed members.
    groups = [SyndicationGroup.objects.create(size=2) for _ in range(3)]
    for n in range(rng.randint(1, 14)):
        random_member_add(rng, story, title=f"Report {seed}-{n}", publishers=publishers, groups=groups, base=base)

    story_counts_refresh(story)

    story.refresh_from_db()
    expected = reference_counts(story)
    # The reports the counts count are the ones the story page lists.
    page = sorted(report.article.pk for report in story_coverage(story).reports)
    assert {key: getattr(story, key) for key in expected if key != "reports"} | {"reports": page} == expected


def group_state(group: SyndicationGroup) -> tuple:
    group.refresh_from_db()
    marks = sorted(ArticleSignature.objects.filter(group=group).values_list("article_id", "is_repeat"))
    return group.primary_id, group.reasons, group.wire_credit, group.size, group.tally, marks


@pytest.mark.parametrize("seed", range(3))
def test_copies_added_by_the_tally_leave_the_group_as_a_full_recount_would(wire, seed):
    # Late copies of every kind: canonicals naming an earlier copy's page (other scheme, www.), the agency's page
    # or their own; agency releases; copies without a time. After each, a recount from every copy changes nothing.
    rng = random.Random(seed)
    stored: list[Article] = []
    for n in range(36):
        kind = rng.choice(["plain", "plain", "points", "agency", "untimed", "points-agency"])
        if kind == "points" and stored:
            target = rng.choice(stored).original_url
            canonical = rng.choice([target, target.replace("https://", "http://www.")]) + f"?c={n}"
            article = wire(minutes=rng.randrange(120), canonical=canonical)
        elif kind == "agency":
            article = wire(minutes=rng.randrange(120), name="AFP", host=f"www{n}.afp.com")
        elif kind == "points-agency":
            article = wire(minutes=rng.randrange(120), canonical=f"https://www.afp.com/en/grain?c={n}")
        else:
            article = wire(minutes=rng.randrange(120))
            if kind == "untimed":
                Article.objects.filter(pk=article.pk).update(published_at=None)
                article.refresh_from_db()
        store(article)
        stored.append(article)
        if n == 0:
            continue  # one copy: no group yet
        group = the_group(stored[0])
        added = group_state(group)
        syndication_group_refresh(group=group)
        assert group_state(group) == added, f"copy {n} ({kind})"
    assert the_group(stored[0]).size == 36


def test_a_group_without_a_usable_tally_is_recounted_when_a_copy_joins(wire):
    # Groups stored before the tally existed have {}; a primary no longer among the copies cannot be ranked against.
    first = wire()
    store(first)
    store(wire())
    group = the_group(first)
    SyndicationGroup.objects.filter(pk=group.pk).update(tally={})
    store(wire())
    assert group_state(group)[4]["size"] == 3
    outsider = wire()
    SyndicationGroup.objects.filter(pk=group.pk).update(primary=outsider)
    late = wire()
    store(late)
    added = group_state(group)
    syndication_group_refresh(group=group)
    assert group_state(group) == added
    assert added[0] == first.pk
    assert added[3] == 4


def test_a_copy_whose_canonical_names_an_idna_site_recounts_the_group(wire):
    # The stored URL can spell the host in Unicode, where a search for its xn-- form would miss it.
    first = wire()
    store(first)
    umlaut = wire(host="bücher.example", minutes=200)
    store(umlaut)
    pointing = wire(canonical="https://xn--bcher-kva.example/world/original", minutes=300)
    store(pointing)

    group = the_group(first)
    assert group.primary_id == umlaut.pk
    assert group.reasons[0] == "canonical link of 1 other copy points at it"
