"""`newsdesk world subscribe URL`: a world that is already running is followed as `newsdesk demo` follows it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from newsdesk.ingest.demo import WORLD_DIRECTORY_FAILED
from newsdesk.reader.urls import url_origin
from newsdesk.sources.models import Feed, Publisher
from newsdesk_world import WorldServer
from newsdesk_world.command import Command as WorldCommand

pytestmark = pytest.mark.django_db


def _publishers() -> dict[str, tuple[str, str]]:
    return {p.slug: (p.display_policy, url_origin(p.homepage)) for p in Publisher.objects.all()}


@pytest.mark.parametrize("suffix", ["", "/", "/world.json", "/opml.xml"])
def test_subscribing_a_running_world_follows_every_publisher_with_its_policy(server: WorldServer, suffix: str):
    out = StringIO()

    call_command(WorldCommand(), "subscribe", server.base_url + suffix, stdout=out)

    world = server.world
    expected_feeds = len(world.publishers) + len(world.extra_feeds)
    assert _publishers() == {
        p.slug: (p.display_policy_hint, url_origin(server.publisher_base_url(p.slug))) for p in world.publishers
    }
    assert Feed.objects.count() == expected_feeds
    assert {Publisher.DisplayPolicy.FULL, Publisher.DisplayPolicy.HEADLINE} <= {p for p, _ in _publishers().values()}
    assert f"subscribed to {expected_feeds} feeds of {len(world.publishers)} publishers at {server.base_url}" in (
        out.getvalue()
    )


def test_subscribing_twice_changes_nothing(server: WorldServer):
    call_command(WorldCommand(), "subscribe", server.base_url, stdout=StringIO())
    before = (_publishers(), sorted(Feed.objects.values_list("url", "publisher__slug")))

    call_command(WorldCommand(), "subscribe", server.base_url, stdout=StringIO())

    assert (_publishers(), sorted(Feed.objects.values_list("url", "publisher__slug"))) == before


def test_subscribing_matches_what_the_demo_imports(server: WorldServer):
    from newsdesk.ingest.context import IngestContext
    from newsdesk.ingest.demo import world_directory_load

    context = IngestContext.from_settings(allow_loopback=True)
    world_directory_load(server.base_url, context)  # the demo's own import step
    demo = (_publishers(), sorted(Feed.objects.values_list("url", "publisher__slug", "kind")))
    Feed.objects.all().delete()
    Publisher.objects.all().delete()

    call_command(WorldCommand(), "subscribe", server.base_url, stdout=StringIO())

    assert (_publishers(), sorted(Feed.objects.values_list("url", "publisher__slug", "kind"))) == demo


def test_a_url_where_no_world_answers_is_one_line_and_subscribes_nothing(server: WorldServer):
    missing = server.base_url + "/no-such-directory"

    with pytest.raises(CommandError) as raised:
        call_command(WorldCommand(), "subscribe", missing)

    assert str(raised.value) == WORLD_DIRECTORY_FAILED.format(url=missing, reason="HTTP 404")
    assert Publisher.objects.count() == 0


def test_a_publisher_page_is_not_a_directory(server: WorldServer):
    publisher_url = server.publisher_base_url(server.world.publishers[0].slug)

    with pytest.raises(CommandError) as raised:
        call_command(WorldCommand(), "subscribe", publisher_url)

    assert str(raised.value) == WORLD_DIRECTORY_FAILED.format(url=publisher_url, reason="HTTP 404")

    assert Publisher.objects.count() == 0
