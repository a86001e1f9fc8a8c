"""Whole-response caching: each kind of change shows on each surface the new state at once (the cached answer is
byte for byte what a render from scratch, without cached responses or cached cards, gives now), scoped changes leave the other entries cached, and the HTTP
caching headers and 304s are right."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.articles.services import publisher_policy_set
from newsdesk.common.content_version import content_version_bump
from newsdesk.community.models import Comment
from newsdesk.community.services import comment_create, comments_approve
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.services import feed_refresh
from tests.community.conftest import make_member
from tests.factories import make_article, make_category, make_feed, make_publisher
from tests.rights.removal import operator_takedown
from tests.sources.conftest import serve  # noqa: F401 - loopback server fixture
from tests.sources.loopback import Reply
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _response_cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


@dataclass
class World:
    base: str
    server: object
    publisher: object
    category: object
    first: Article
    second: Article
    story: object
    feed: object


def _page(title: str) -> bytes:
    paragraphs = "".join(f"<p>Paragraph {n}: the harbour {title.lower()} drew a crowd at dawn.</p>" for n in range(8))
    return f"""<!doctype html><html lang="en"><head><title>{title}</title></head>
<body><article><h1>{title}</h1>{paragraphs}</article></body></html>""".encode()


def _feed(base: str, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
        f"<category>world</category></item>"
        for path, title in items
    )
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title><link>{base}/</link>
{entries}</channel></rss>""".encode()


@pytest.fixture
def world(serve) -> World:  # noqa: F811
    server = serve({})
    base = server.base
    publisher = make_publisher(name="Harbour Times", policy="full", homepage=base + "/")
    category = make_category(name="World", slug="world")
    now = timezone.now()
    # Published after `second`, which so leads the story (the factory's default time depends on the tests run before).
    first = make_article(
        publisher,
        title="Harbour reopens",
        category=category,
        body_text="The harbour reopens.",
        published_at=now,
        image_url="",
    )
    second = make_article(
        publisher,
        title="Harbour crowds",
        category=category,
        body_text="The harbour crowds grow.",
        published_at=now - timedelta(hours=1),
        image_url="",
    )
    story = make_story([first, second])
    # A comments feed without comments is dated "now" (Django's feeds do that): one comment makes it stable.
    comment_create(author=make_member(trusted=True), target=first, body="First to say: welcome back.")
    feed = make_feed(publisher, url=base + "/feed.xml")
    server.routes["/feed.xml"] = Reply(body=_feed(base, []), content_type="application/rss+xml")
    return World(base, server, publisher, category, first, second, story, feed)


SURFACES: dict[str, Callable[[World], str]] = {
    "home": lambda w: "/",
    "article": lambda w: f"/article/{w.first.pk}/",
    "other article": lambda w: f"/article/{w.second.pk}/",
    "story": lambda w: f"/stories/{w.story.pk}/",
    "publisher": lambda w: f"/publisher/{w.publisher.slug}/",
    "category": lambda w: f"/category/{w.category.slug}/",
    "search": lambda w: "/search/?q=harbour",
    "rss": lambda w: "/feeds/rss.xml",
    "json feed": lambda w: "/feeds/feed.json",
    "api list": lambda w: "/api/articles?limit=50",
    "api article": lambda w: f"/api/articles/{w.first.pk}",
    "api story": lambda w: f"/api/stories/{w.story.pk}",
    "sitemap": lambda w: "/sitemap-articles.xml",
    "comments feed": lambda w: f"/comments/articles.article/{w.first.pk}/feed.atom",
}
EVERYTHING = frozenset(SURFACES)


def _new_article(w: World) -> None:
    w.server.routes["/feed.xml"] = Reply(
        body=_feed(w.base, [("/lighthouse", "Harbour lighthouse relit")]), content_type="application/rss+xml"
    )
    w.server.routes["/lighthouse"] = Reply(body=_page("Harbour lighthouse relit"))
    report = feed_refresh(feed=w.feed, context=IngestContext.from_settings(allow_loopback=True))
    assert report.items_new == 1


def _policy_change(w: World) -> None:
    publisher_policy_set(publisher=w.publisher, display_policy="blocked")


def _takedown(w: World) -> None:
    # The stories that lost a member are recomputed when the removal commits (stories.signals): run that here, as
    # it runs in production, so the story's headline is no longer the removed article's.
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert operator_takedown(w.second.canonical_url) == 1
    assert not Article.objects.filter(pk=w.second.pk).exists()


def _moderated_comment(w: World) -> None:
    comment_create(author=make_member(), target=w.first, body="Good to see the harbour open again.")
    comments_approve(comments=Comment.objects.all(), moderator=make_member(staff=True, trusted=True))


@dataclass(frozen=True)
class Change:
    name: str
    apply: Callable[[World], None]
    shows_on: frozenset[str]  # surfaces whose content must differ afterwards
    scoped: bool  # True: every other surface must still be served from the cache...
    same_object: frozenset[str] = frozenset()  # ...but these, the object's other pages, which share its version


CHANGES = [
    Change(
        "new article",
        _new_article,
        frozenset({"home", "publisher", "category", "search", "rss", "json feed", "api list", "sitemap"}),
        scoped=False,
    ),
    # Blocked: even the comments feed of its article is gone (a comment target is resolved only if a surface shows it).
    Change("policy change", _policy_change, EVERYTHING, scoped=False),
    Change(
        "takedown",
        _takedown,
        frozenset(
            # "article": its "Part of the story" link was headed by the removed article (the story's lead)
            {"home", "article", "other article", "story", "publisher", "category", "search", "rss", "json feed"}
            | {"api list", "api story", "sitemap"}
        ),
        scoped=False,
    ),
    Change(
        "moderated comment",
        _moderated_comment,
        frozenset({"article", "comments feed"}),
        scoped=True,
        same_object=frozenset({"api article"}),
    ),
]


def _get(client: Client, url: str):
    response = client.get(url)
    assert response.status_code in (200, 404), (url, response.status_code)
    return response


def cached_and_fresh(client: Client, settings, url: str):
    """The answer the cache gives now (on a miss, built from the cached cards that still fit), and what a render
    from scratch gives (no cached response, every card rendered anew)."""
    cached = client.get(url)
    settings.RESPONSE_CACHE_ENABLED = settings.FRAGMENT_CACHE_ENABLED = False
    fresh = client.get(url)
    settings.RESPONSE_CACHE_ENABLED = settings.FRAGMENT_CACHE_ENABLED = True
    for response in (cached, fresh):
        response.content = _empty_feed_date_blanked(response.content)
    return cached, fresh


# An RSS/Atom feed with no items is built "now" (Django's latest_post_date()): two renders a second apart differ
# in that date only — after a change that empties a feed, the comparison would depend on the clock.
_EMPTY_FEED_DATE = re.compile(rb"<(lastBuildDate|updated)>[^<]*</\1>")


def _empty_feed_date_blanked(content: bytes) -> bytes:
    if content.lstrip().startswith(b"<?xml") and b"<item>" not in content and b"<entry" not in content:
        return _EMPTY_FEED_DATE.sub(rb"<\1></\1>", content)
    return content


@pytest.mark.parametrize("change", CHANGES, ids=[c.name for c in CHANGES])
def test_each_change_shows_on_every_surface_at_once_and_scoped_ones_recompute_nothing_else(
    change, world, settings, client
):
    urls = {name: url(world) for name, url in SURFACES.items()}
    before = {}
    for name, url in urls.items():
        first = _get(client, url)
        assert first["X-Cache"] == "miss", name
        again = _get(client, url)
        assert again["X-Cache"] == "hit", name
        before[name] = again.content

    change.apply(world)

    wrong = []
    for name, url in urls.items():
        cached, fresh = cached_and_fresh(client, settings, url)
        if cached.status_code == 200 and (cached.status_code, cached.content) != (fresh.status_code, fresh.content):
            wrong.append(f"{name}: cached answer differs from a fresh render")
        if cached.status_code != fresh.status_code:
            wrong.append(f"{name}: cached status {cached.status_code}, fresh {fresh.status_code}")
        changed = fresh.status_code != 200 or fresh.content != before[name]
        if name in change.shows_on and not changed:
            wrong.append(f"{name}: the change does not show")
        if name not in change.shows_on and changed:
            wrong.append(f"{name}: changed although the table says it should not")
        recomputable = change.shows_on | change.same_object
        if change.scoped and name not in recomputable and cached.get("X-Cache") != "hit":
            wrong.append(f"{name}: recomputed although the change was scoped to other pages")
    assert wrong == []


def test_a_hit_runs_no_query_and_answers_like_the_miss(world, client, django_assert_num_queries):
    miss = client.get("/")
    with django_assert_num_queries(0):
        hit = client.get("/")
    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    assert hit.content == miss.content
    assert hit["ETag"] == miss["ETag"]
    assert hit["Content-Type"] == miss["Content-Type"]
    # The headers of the middleware the hit skipped come from the stored answer.
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        assert hit[header] == miss[header], header


def test_cacheable_answers_say_public_with_a_shared_max_age_and_stale_while_revalidate(world, client, settings):
    settings.NEWSDESK_CACHE_PROXY_SECONDS = 7
    settings.NEWSDESK_CACHE_STALE_SECONDS = 11
    response = client.get("/api/articles")
    controls = {part.strip() for part in response["Cache-Control"].split(",")}
    assert controls == {"public", "max-age=0", "s-maxage=7", "stale-while-revalidate=11"}
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")


def test_matching_etag_gets_304_and_a_different_one_the_page(world, client):
    etag = client.get("/").headers["ETag"]
    not_modified = client.get("/", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert client.get("/", headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_if_modified_since_gets_304_until_the_content_changes(world, client):
    first = client.get(f"/publisher/{world.publisher.slug}/")
    since = first["Last-Modified"]
    assert client.get(f"/publisher/{world.publisher.slug}/", headers={"If-Modified-Since": since}).status_code == 304
    etag = first["ETag"]
    publisher_policy_set(publisher=world.publisher, display_policy="headline")
    after = client.get(f"/publisher/{world.publisher.slug}/", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after["ETag"] != etag


def test_the_miss_answers_a_conditional_request_with_304_too(world, client):
    etag = client.get("/feeds/rss.xml").headers["ETag"]
    content_version_bump()  # the entry is gone, the feed is the same
    again = client.get("/feeds/rss.xml", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert client.get("/feeds/rss.xml")["X-Cache"] == "hit"  # the miss was computed and stored


def test_signed_in_readers_bypass_the_cache_and_get_private_no_store(world, client):
    client.get("/")
    client.force_login(make_member())
    response = client.get("/")
    assert "X-Cache" not in response
    assert response["Cache-Control"] == "private, no-store"
    assert b"Sign out" in response.content


def test_a_session_or_messages_cookie_bypasses_the_cache(world, client):
    client.get("/")
    for name in ("sessionid", "messages"):
        other = Client()
        other.cookies[name] = "x"
        response = other.get("/")
        assert "X-Cache" not in response, name
        assert "private" in response["Cache-Control"], name


def test_answers_to_signed_in_readers_are_never_stored_for_anonymous_ones(world, client):
    client.force_login(make_member(name="Ada Lovelace"))
    client.get(f"/article/{world.first.pk}/")
    anonymous = Client().get(f"/article/{world.first.pk}/")
    assert anonymous["X-Cache"] == "miss"
    assert b"Ada Lovelace" not in anonymous.content


def test_other_hosts_and_query_strings_are_separate_entries_and_query_order_is_not(world, client, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    client.get("/api/articles?limit=5&offset=1")
    assert client.get("/api/articles?offset=1&limit=5")["X-Cache"] == "hit"
    assert client.get("/api/articles?limit=6&offset=1")["X-Cache"] == "miss"
    other_host = client.get("/api/articles?limit=5&offset=1", HTTP_HOST="127.0.0.1")
    assert other_host["X-Cache"] == "miss"
    assert b"http://127.0.0.1/" in other_host.content


def test_pages_outside_the_site_and_api_and_errors_are_not_cached(world, client):
    assert "X-Cache" not in client.get("/accounts/login/")
    assert "X-Cache" not in client.get("/metrics")
    assert client.get("/article/999999/").status_code == 404
    assert client.get("/article/999999/").get("X-Cache") is None
    assert "X-Cache" not in client.post("/search/")


def test_a_version_the_cache_lost_comes_back_higher_than_any_before(world, client):
    from django.core.cache import cache

    from newsdesk.common.content_version import CONTENT_VERSION_KEY, content_version

    client.get("/")
    before = content_version()
    cache.delete(CONTENT_VERSION_KEY)
    assert content_version() > before
    assert client.get("/")["X-Cache"] == "miss"


def test_a_refresh_that_stores_nothing_keeps_the_cache(world, client):
    client.get("/")
    report = feed_refresh(feed=world.feed, context=IngestContext.from_settings(allow_loopback=True))
    assert (report.items_new, report.items_updated) == (0, 0)
    assert client.get("/")["X-Cache"] == "hit"


def test_a_bump_inside_a_transaction_bumps_again_when_it_commits(django_capture_on_commit_callbacks):
    from django.db import transaction

    from newsdesk.common.content_version import content_version

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        inside = content_version_bump()
        assert content_version() == inside
    assert content_version() > inside
