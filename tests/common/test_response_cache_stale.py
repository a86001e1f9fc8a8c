"""Stale while revalidate in the whole-response cache: after a soft change (new articles) one request renders each
page again while the others get the answer it replaces; after a hard change (a policy, a takedown, a moderated
comment) nothing stored before is ever served, even while another process holds the render lock."""

import pytest
from django.core.cache import cache
from django.test import Client

from newsdesk.common import response_cache
from newsdesk.common.content_version import (
    content_version,
    content_version_bump,
    content_versions,
    hard_content_version_key,
)
from newsdesk.common.response_cache import LOCAL
from tests.common import test_response_cache as table
from tests.common.test_response_cache import CHANGES, SURFACES, _new_article

# The table's fixtures: a loopback publisher with a feed, two articles, a story and a comment.
serve, world = table.serve, table.world

pytestmark = pytest.mark.django_db
HARD_CHANGES = [change for change in CHANGES if change.name != "new article"]


@pytest.fixture(autouse=True)
def _response_cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


class _LocksHeldElsewhere:
    """The shared cache as a process sees it while another process holds every render lock."""

    def __init__(self, real) -> None:
        self.real = real

    def add(self, key, *args, **kwargs):
        return False if ":render:" in key else self.real.add(key, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def locks_held(monkeypatch):
    monkeypatch.setattr(response_cache, "cache", _LocksHeldElsewhere(cache))


def _hard_version() -> int:
    return content_versions([hard_content_version_key()])[0]


def test_a_soft_bump_moves_everything_but_not_the_hard_version_and_a_hard_one_moves_both():
    everything, hard = content_version(), _hard_version()
    content_version_bump(soft=True)
    assert (content_version() > everything, _hard_version()) == (True, hard)
    everything = content_version()
    content_version_bump()
    assert content_version() > everything
    assert _hard_version() > hard
    with pytest.raises(ValueError, match="soft form"):
        content_version_bump("articles.article", 1, soft=True)


def test_new_articles_from_a_feed_are_a_soft_change(world):
    hard = _hard_version()
    _new_article(world)
    assert _hard_version() == hard


@pytest.mark.parametrize("change", HARD_CHANGES, ids=[c.name for c in HARD_CHANGES])
def test_a_hard_change_is_never_served_stale_even_while_another_process_renders(
    change, world, settings, client, locks_held
):
    urls = {name: url(world) for name, url in SURFACES.items()}
    for url in urls.values():
        client.get(url)
        assert client.get(url)["X-Cache"] == "hit"
    change.apply(world)
    wrong = []
    for name, url in urls.items():
        cached, fresh = table.cached_and_fresh(client, settings, url)
        if cached.get("X-Cache") == "stale" or (cached.status_code, cached.content) != (
            fresh.status_code,
            fresh.content,
        ):
            wrong.append(name)
    assert wrong == []


def test_after_new_articles_others_get_the_previous_page_without_a_query_while_one_renders(
    world, client, monkeypatch, django_assert_num_queries
):
    before = client.get("/")
    _new_article(world)
    monkeypatch.setattr(response_cache, "cache", _LocksHeldElsewhere(cache))
    for _ in range(3):
        with django_assert_num_queries(0):
            stale = client.get("/")
        assert (stale["X-Cache"], stale.content, stale["ETag"]) == ("stale", before.content, before["ETag"])
    monkeypatch.undo()
    fresh = client.get("/")
    assert fresh["X-Cache"] == "miss"
    assert b"Harbour lighthouse relit" in fresh.content
    assert client.get("/")["X-Cache"] == "hit"


def test_the_first_request_after_new_articles_renders_once_and_requests_meanwhile_get_the_previous_page(
    world, client, monkeypatch
):
    before = client.get("/").content
    _new_article(world)
    render, seen = response_cache.ResponseCacheMiddleware._render, []

    def render_while_others_ask(self, request, key, version):
        # Requests arriving while this one renders (a nested request is one the lock is held against).
        seen.extend((other["X-Cache"], other.content == before) for other in (Client().get("/") for _ in range(2)))
        return render(self, request, key, version)

    monkeypatch.setattr(response_cache.ResponseCacheMiddleware, "_render", render_while_others_ask)
    first = client.get("/")
    assert first["X-Cache"] == "miss"
    assert seen == [("stale", True), ("stale", True)]
    assert Client().get("/")["X-Cache"] == "hit"  # the lock is gone with the render, the new page stored


def test_a_process_with_an_older_copy_takes_the_newer_shared_entry_rather_than_serving_stale(
    world, client, monkeypatch
):
    client.get("/")
    older_copies = dict(LOCAL._entries)
    _new_article(world)
    assert client.get("/")["X-Cache"] == "miss"  # rendered again and shared...
    LOCAL._entries.update(older_copies)  # ...while another process still holds the page from before
    monkeypatch.setattr(response_cache, "cache", _LocksHeldElsewhere(cache))
    again = client.get("/")
    assert again["X-Cache"] == "hit"
    assert b"Harbour lighthouse relit" in again.content
