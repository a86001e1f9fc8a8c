"""The generated world: determinism, counts, wire stories, shared entities and publisher policies."""

from __future__ import annotations

import ast
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from newsdesk_world import World, generate_world
from newsdesk_world.model import CATEGORIES, DISPLAY_POLICIES, FEED_KINDS, LANGUAGES, WIRE_AGENCIES

from .loopback import ANCHOR

WORLD_PACKAGE = Path(__file__).resolve().parents[2] / "newsdesk" / "world"


def _words(text: str) -> set[str]:
    return set(text.lower().split())


def test_same_seed_and_anchor_give_an_identical_world(world: World) -> None:
    again = generate_world(seed=7, anchor=ANCHOR, slow_delay_s=world.slow_delay_s)
    assert again == world
    assert [a.paragraphs for a in again.articles] == [a.paragraphs for a in world.articles]


def test_a_different_seed_gives_a_different_world(world: World) -> None:
    other = generate_world(seed=8, anchor=ANCHOR)
    assert [a.headline for a in other.articles] != [a.headline for a in world.articles]
    assert other.events[0].people != world.events[0].people


def test_generating_a_world_is_cheap() -> None:
    # CPU time of this process, not wall-clock: other processes on a loaded CI machine do not count. About 0.5 s
    # here, roughly 3x that under coverage's tracer; the budget catches an order-of-magnitude regression.
    started = time.process_time()
    generate_world(seed=11, anchor=ANCHOR)
    assert time.process_time() - started < 4.0


def test_world_has_enough_publishers_languages_events_and_articles(world: World) -> None:
    assert len(world.publishers) >= 12
    per_language = Counter(p.language for p in world.publishers)
    assert set(per_language) == set(LANGUAGES)
    assert min(per_language.values()) >= 2
    assert len({p.country for p in world.publishers}) >= 6
    assert len(world.events) >= 40
    assert {e.category for e in world.events} == set(CATEGORIES)
    assert len(world.articles) >= 300
    assert all(len(world.articles_of(p.slug)) >= 12 for p in world.publishers)


def test_articles_lie_within_the_week_before_the_anchor(world: World) -> None:
    for article in world.articles:
        assert ANCHOR - timedelta(days=7) <= article.published < ANCHOR
        if article.updated:
            assert article.published < article.updated < ANCHOR


def test_articles_are_complete(world: World) -> None:
    for article in world.articles:
        publisher = world.publisher(article.publisher)
        assert article.language == publisher.language
        assert article.category in CATEGORIES
        assert article.headline
        assert article.dek
        assert article.byline
        assert 5 <= len(article.paragraphs) <= 12
        assert article.image_path.startswith(publisher.style.image_dir)
        assert article.tags
        assert article.wire_credit in {"", *WIRE_AGENCIES}
    assert any(a.updated for a in world.articles)
    assert any(a.feed_link_query for a in world.articles)


def test_article_paths_are_unique_per_publisher(world: World) -> None:
    keys = [(a.publisher, a.path) for a in world.articles]
    keys += [(b.publisher_slug, b.path) for b in world.broken_article_urls]
    assert len(keys) == len(set(keys))


def test_articles_of_an_event_share_its_named_entities(world: World) -> None:
    for article in world.articles:
        event = world.event(article.event)
        text = " ".join((article.headline, *article.paragraphs))
        mentioned = [name for name in event.entities if name.split()[-1] in text]
        assert len(mentioned) >= 2, (article.id, event.entities)


def test_about_ten_wire_stories_are_republished_by_three_to_five_outlets(world: World) -> None:
    wire_events = [e for e in world.events if e.wire_agency]
    assert 8 <= len(wire_events) <= 12
    for event in wire_events:
        copies = world.wire_copies(event.id)
        assert 3 <= len({a.publisher for a in copies}) <= 5
        assert {a.wire_credit for a in copies} == {event.wire_agency}
        originals = {o.language: o for o in world.wire_originals if o.event == event.id}
        for copy in copies:
            original = originals[copy.language]
            overlap = _words(" ".join(copy.paragraphs)) & _words(" ".join(original.paragraphs))
            assert len(overlap) / len(_words(" ".join(original.paragraphs))) > 0.6
        texts = [a.paragraphs for a in copies]
        assert len(set(texts)) == len(texts), "each outlet edits the agency copy differently"


def test_wire_copies_credit_the_agency_in_the_outlets_style(world: World) -> None:
    styles = set()
    for article in (a for a in world.articles if a.wire_credit):
        style = world.publisher(article.publisher).style
        agency = article.wire_credit
        credited = (
            agency in article.byline or f"({agency})" in article.paragraphs[0] or agency in article.paragraphs[-1]
        )
        assert credited, article.id
        if style.wire_dateline:
            styles.add("dateline")
            assert f"({agency})" in article.paragraphs[0]
        if style.wire_tail:
            styles.add("tail")
            assert article.paragraphs[-1] == style.wire_tail.format(agency=agency)
    assert styles == {"dateline", "tail"}
    tails = {world.publisher(a.publisher).style.wire_tail for a in world.articles if a.wire_credit}
    assert {"Mit {agency}", "Con información de {agency}", "({agency})"} <= tails


def test_staff_articles_carry_a_staff_byline(world: World) -> None:
    for article in (a for a in world.articles if not a.wire_credit):
        staff = world.publisher(article.publisher).staff
        assert any(article.byline.startswith(name) for name in staff)


def test_publisher_policies_cover_every_case(world: World) -> None:
    policies = Counter(p.display_policy_hint for p in world.publishers)
    assert set(policies) == set(DISPLAY_POLICIES)
    assert policies["headline"] >= 1
    assert policies["excerpt"] >= 2
    assert policies["full"] >= 2
    assert sum(p.robots_disallows_articles for p in world.publishers) == 1
    assert sum(p.noarchive for p in world.publishers) == 1
    assert {p.primary_feed_kind for p in world.publishers} == set(FEED_KINDS)
    assert min(Counter(p.primary_feed_kind for p in world.publishers).values()) >= 2


def test_generator_and_server_modules_do_not_import_django() -> None:
    for path in WORLD_PACKAGE.rglob("*.py"):
        if "management" in path.parts or path.name == "apps.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(name.split(".")[0] == "django" for name in names), path
