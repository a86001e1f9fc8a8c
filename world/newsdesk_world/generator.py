"""`generate_world`: the seeded, offline week of news that the demo and end-to-end tests ingest."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from faker import Faker

from .events import AGENCY_LANGUAGES, LOCALE_LANGUAGE, generate_events
from .lexicon import lexicon_for
from .model import (
    PROBLEM_MALFORMED,
    PROBLEM_NOT_FOUND,
    PROBLEM_REDIRECT,
    PROBLEM_SERVER_ERROR,
    PROBLEM_SLOW,
    Article,
    BrokenArticleLink,
    Comment,
    Event,
    ExtraFeed,
    Publisher,
    WireOriginal,
    World,
)
from .publishers import ARTICLE_PATH_PATTERNS, publisher_catalogue
from .wire import draft_wire_story, republish
from .writing import (
    article_tags,
    comment_texts,
    compose_paragraphs,
    event_slots,
    join_paragraphs,
    pick_dek,
    pick_headline,
    published_between,
    slugify,
)

STAFF_PER_PUBLISHER = 6
MIN_ARTICLES_PER_PUBLISHER = 17
# Floor for the whole world, so every seed clears the 300 articles the end-to-end tests count on.
MIN_TOTAL_ARTICLES = 330
# Chance that a publisher covers an event, by importance; same-language news is likelier to be covered.
COVERAGE_BASE = {"major": 0.85, "regular": 0.55, "minor": 0.24}
SAME_LANGUAGE_BOOST = 1.45
OTHER_LANGUAGE_DAMPING = 0.8
COAUTHOR_JOIN = {"en": " and ", "fr": " et ", "de": " und ", "es": " y "}

# The broken or unusual feeds every world carries: (publisher, path, kind, problem).
EXTRA_FEEDS = (
    ExtraFeed("veilleur-montfleury", "/feeds/une.xml", "rss", PROBLEM_MALFORMED),
    ExtraFeed("tannenfelder-anzeiger", "/feeds/sport.xml", "rss", PROBLEM_NOT_FOUND),
    ExtraFeed("faro-de-valdeluna", "/rss/economia.xml", "rss", PROBLEM_SERVER_ERROR),
    ExtraFeed("pinecrest-observer", "/feeds/slow.xml", "rss", PROBLEM_SLOW),
    ExtraFeed("northbridge-courier", "/feed/", "rss", PROBLEM_REDIRECT),
)
# Feed items whose links fail: (publisher, HTTP status).
BROKEN_LINKS = (("gazette-des-tilleuls", 404), ("heraldo-sierra-alta", 500), ("echo-deux-rives", 404))


def default_anchor() -> datetime:
    """Today at 00:00 UTC: the end of the simulated week."""
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def generate_world(seed: int = 7, anchor: datetime | None = None, slow_delay_s: float = 2.0) -> World:
    """Build the whole simulated week; the same (seed, anchor) always gives an equal World."""
    if anchor is None:
        anchor = default_anchor()
    anchor = anchor.replace(tzinfo=UTC) if anchor.tzinfo is None else anchor.astimezone(UTC)
    rng = random.Random(seed)
    fake = Faker(list(LOCALE_LANGUAGE))
    fake.seed_instance(seed)
    publishers = tuple(
        replace(p, staff=tuple(fake[p.locale].name() for _ in range(STAFF_PER_PUBLISHER)))
        for p in publisher_catalogue()
    )
    events = generate_events(rng, fake, anchor)
    newsroom = _Newsroom(rng, fake, anchor, publishers)
    for event in events:
        newsroom.cover(event)
    newsroom.top_up()
    return World(
        seed=seed,
        anchor=anchor,
        slow_delay_s=slow_delay_s,
        publishers=publishers,
        events=events,
        articles=tuple(sorted(newsroom.articles, key=lambda a: (a.published, a.id))),
        wire_originals=tuple(newsroom.wire_originals),
        extra_feeds=EXTRA_FEEDS,
        broken_article_urls=tuple(newsroom.broken_links()),
    )


class _Newsroom:
    """Decides who covers what, and writes the articles with unique paths per publisher."""

    def __init__(self, rng: random.Random, fake: Faker, anchor: datetime, publishers: tuple[Publisher, ...]) -> None:
        self.rng = rng
        self.fake = fake
        self.anchor = anchor
        self.publishers = publishers
        self.articles: list[Article] = []
        self.wire_originals: list[WireOriginal] = []
        self.serials = {p.slug: rng.randrange(10_000, 90_000) for p in publishers}
        self.paths: set[tuple[str, str]] = set()
        self.covered: set[tuple[str, str]] = set()
        self.events: list[Event] = []

    def by_language(self, language: str) -> list[Publisher]:
        return [p for p in self.publishers if p.language == language]

    def cover(self, event: Event) -> None:
        self.events.append(event)
        home_language = LOCALE_LANGUAGE[event.home_locale]
        wire_outlets = self._republish_wire(event) if event.wire_agency else set()
        for publisher in self.publishers:
            if publisher.slug in wire_outlets:
                continue
            chance = COVERAGE_BASE[event.importance]
            chance *= SAME_LANGUAGE_BOOST if publisher.language == home_language else OTHER_LANGUAGE_DAMPING
            if self.rng.random() < min(chance, 0.95):
                self.write_staff_article(publisher, event)
        if not any(key[1] == event.id for key in self.covered):
            self.write_staff_article(self.rng.choice(self.by_language(home_language)), event)

    def _republish_wire(self, event: Event) -> set[str]:
        languages = AGENCY_LANGUAGES[event.wire_agency]
        primary = self.rng.choice(languages)
        outlets = self.rng.sample(self.by_language(primary), self.rng.randint(3, 4))
        if len(languages) > 1 and self.rng.random() < 0.5:
            other = self.rng.choice([lang for lang in languages if lang != primary])
            outlets.append(self.rng.choice(self.by_language(other)))
        released = event.starts_at + timedelta(minutes=self.rng.randrange(10, 90))
        drafts = {}
        seen: set[tuple[str, ...]] = set()
        for publisher in outlets:
            if publisher.language not in drafts:
                drafts[publisher.language] = draft_wire_story(
                    self.rng, event, event.wire_agency, publisher.language, released
                )
                self.wire_originals.append(drafts[publisher.language].original())
            version = republish(self.rng, drafts[publisher.language], publisher)
            for _ in range(10):
                # Two outlets with the same credit habit could otherwise print identical copies.
                if version.paragraphs not in seen:
                    break
                version = republish(self.rng, drafts[publisher.language], publisher)
            seen.add(version.paragraphs)
            published = min(
                released + timedelta(minutes=self.rng.randrange(15, 240)), self.anchor - timedelta(minutes=5)
            )
            self.add(
                publisher,
                event,
                version.headline,
                version.dek,
                version.paragraphs,
                version.byline,
                published,
                event.wire_agency,
            )
        return {p.slug for p in outlets}

    def write_staff_article(self, publisher: Publisher, event: Event) -> None:
        lexicon = lexicon_for(publisher.language)
        slots = event_slots(event, lexicon, publisher.country)
        paragraphs = compose_paragraphs(self.rng, lexicon, slots, event.category, self.rng.randint(5, 12))
        byline = self.rng.choice(publisher.staff)
        if self.rng.random() < 0.1:
            byline += COAUTHOR_JOIN[publisher.language] + self.rng.choice([s for s in publisher.staff if s != byline])
        end = min(event.starts_at + timedelta(hours=36), self.anchor - timedelta(minutes=10))
        published = published_between(self.rng, event.starts_at + timedelta(minutes=20), end)
        headline = pick_headline(self.rng, lexicon, slots, event.category)
        dek = pick_dek(self.rng, lexicon, slots)
        self.add(publisher, event, headline, dek, join_paragraphs(paragraphs), byline, published, "")

    def add(
        self,
        publisher: Publisher,
        event: Event,
        headline: str,
        dek: str,
        paragraphs: tuple[str, ...],
        byline: str,
        published: datetime,
        wire_credit: str,
    ) -> None:
        lexicon = lexicon_for(publisher.language)
        self.serials[publisher.slug] += self.rng.randint(1, 9)
        serial = self.serials[publisher.slug]
        path = self._unique_path(publisher, event, headline, published, serial)
        updated = None
        if self.rng.random() < 0.3:
            candidate = published + timedelta(minutes=self.rng.randrange(30, 720))
            updated = candidate if candidate < self.anchor else None
        slots = event_slots(event, lexicon, publisher.country)
        comment_count = self.rng.randint(0, 5)
        comments = tuple(
            Comment(
                author=self.fake[publisher.locale].user_name()
                if self.rng.random() < 0.4
                else self.fake[publisher.locale].name(),
                text=text,
                posted_at=published_between(self.rng, published, self.anchor),
            )
            for text in comment_texts(self.rng, lexicon, slots, comment_count)
        )
        style = publisher.style
        self.articles.append(
            Article(
                id=f"{publisher.slug}-{serial}",
                publisher=publisher.slug,
                event=event.id,
                category=event.category,
                language=publisher.language,
                headline=headline,
                dek=dek,
                paragraphs=paragraphs,
                byline=byline,
                published=published,
                updated=updated,
                image_path=f"{style.image_dir}/{published:%Y/%m}/{serial}.{style.image_format}",
                tags=article_tags(self.rng, lexicon, event),
                wire_credit=wire_credit,
                path=path,
                feed_link_query=style.feed_link_query,
                comments=tuple(sorted(comments, key=lambda c: c.posted_at)),
            )
        )
        self.covered.add((publisher.slug, event.id))

    def _unique_path(self, publisher: Publisher, event: Event, headline: str, published: datetime, serial: int) -> str:
        local = published + timedelta(hours=publisher.utc_offset_hours)
        section = lexicon_for(publisher.language).section_slugs[event.category]
        pattern = ARTICLE_PATH_PATTERNS[publisher.style.article_path]
        slug = slugify(headline)
        for attempt in range(1, 100):
            candidate = slug if attempt == 1 else f"{slug}-{attempt}"
            path = pattern.format(
                yyyy=f"{local:%Y}", mm=f"{local:%m}", dd=f"{local:%d}", section=section, slug=candidate, num=serial
            )
            if (publisher.slug, path) not in self.paths:
                self.paths.add((publisher.slug, path))
                return path
        raise RuntimeError(f"no free article path for {publisher.slug} {slug}")

    def top_up(self) -> None:
        """Give thin publishers a few more staff stories so every feed has a realistic week."""
        for publisher in self.publishers:
            missing = [e for e in self.events if (publisher.slug, e.id) not in self.covered]
            count = sum(1 for a in self.articles if a.publisher == publisher.slug)
            for event in self.rng.sample(missing, max(0, min(len(missing), MIN_ARTICLES_PER_PUBLISHER - count))):
                self.write_staff_article(publisher, event)
        uncovered = [(p, e) for p in self.publishers for e in self.events if (p.slug, e.id) not in self.covered]
        shortfall = max(0, MIN_TOTAL_ARTICLES - len(self.articles))
        for publisher, event in self.rng.sample(uncovered, min(shortfall, len(uncovered))):
            self.write_staff_article(publisher, event)

    def broken_links(self) -> list[BrokenArticleLink]:
        """Feed items that point at pages answering with an error; written like any other headline."""
        links = []
        for slug, status in BROKEN_LINKS:
            publisher = next(p for p in self.publishers if p.slug == slug)
            event = self.rng.choice(self.events)
            lexicon = lexicon_for(publisher.language)
            headline = pick_headline(self.rng, lexicon, event_slots(event, lexicon, publisher.country), event.category)
            end = min(event.starts_at + timedelta(hours=30), self.anchor - timedelta(minutes=10))
            published = published_between(self.rng, event.starts_at + timedelta(minutes=30), end)
            self.serials[slug] += self.rng.randint(1, 9)
            path = self._unique_path(publisher, event, headline, published, self.serials[slug])
            links.append(BrokenArticleLink(slug, path, status, headline, published))
        return links
