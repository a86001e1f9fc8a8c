"""The demo run again on other ports (`--world-port 0`): the publishers' feeds moved with the world, so the last
run's subscriptions follow them instead of pointing at dead ports beside new ones."""

from __future__ import annotations

import json
import re

import pytest

from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.demo import world_directory_load
from newsdesk.sources.directory import directory_import
from newsdesk.sources.models import Feed
from newsdesk_world import WorldServer

from .loopback import fetch

pytestmark = pytest.mark.django_db


def _on_other_ports(data: dict) -> dict:
    """The same directory as a world on other ports would give it (every loopback port moved by 1000)."""
    text = re.sub(r"127\.0\.0\.1:(\d+)", lambda m: f"127.0.0.1:{int(m.group(1)) + 1000}", json.dumps(data))
    return json.loads(text)


def test_a_world_on_new_ports_moves_the_last_runs_feeds_instead_of_adding_new_ones(server: WorldServer):
    data = json.loads(fetch(server.base_url + "/world.json").text)
    directory_import(data=_on_other_ports(data))  # the previous run's world
    before = dict(Feed.objects.values_list("pk", "url"))
    Feed.objects.update(consecutive_errors=3, etag='"old"')  # the dead ports failed meanwhile
    context = IngestContext.from_settings(allow_loopback=True)

    world_directory_load(server.base_url, context)

    after = dict(Feed.objects.values_list("pk", "url"))
    assert after.keys() == before.keys()  # the same rows: no second subscription per feed
    assert sorted(after.values()) == sorted(_feed_urls(data))
    assert all(after[pk] != url for pk, url in before.items())
    assert not Feed.objects.exclude(consecutive_errors=0).exists()
    assert not Feed.objects.exclude(etag="").exists()


def test_a_feed_at_another_path_is_not_taken_for_a_moved_one(server: WorldServer):
    data = json.loads(fetch(server.base_url + "/world.json").text)
    directory_import(data=data)
    slug = data["publishers"][0]["slug"]
    own = Feed.objects.create(
        publisher_id=Feed.objects.filter(publisher__slug=slug).first().publisher_id,
        url="http://127.0.0.1:1/operator-added.xml",
    )
    context = IngestContext.from_settings(allow_loopback=True)

    world_directory_load(server.base_url, context)

    assert Feed.objects.get(pk=own.pk).url == "http://127.0.0.1:1/operator-added.xml"
    assert Feed.objects.count() == len(_feed_urls(data)) + 1


def _feed_urls(data: dict) -> list[str]:
    primary = [(p.get("primary_feed") or {"url": p.get("primary_feed_url")})["url"] for p in data["publishers"]]
    return primary + [extra["url"] for extra in data.get("extra_feeds") or []]
