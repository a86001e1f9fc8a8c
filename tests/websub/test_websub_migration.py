"""Migration 0002: subscriptions made before callback tokens get one each and are re-subscribed on the next refresh."""

from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from newsdesk.ingest.context import IngestContext
from newsdesk.websub.models import WebSubSubscription
from newsdesk.websub.services import websub_callback_url, websub_ensure
from tests.factories import make_feed, make_publisher
from tests.sources.loopback import Reply

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [("websub", "0001_initial")]
AFTER = [("websub", "0002_callback_token_and_verification_deadline")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.fixture(autouse=True)
def _latest_migrations_after():
    """The test leaves websub at 0002: every later migration is applied again after it, or a test that runs later and
    needs an up-to-date database (`db copy`, tests/backup) would find it behind."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_old_subscriptions_get_distinct_tokens_and_are_resubscribed_with_the_new_callback(serve):
    hub = serve({"/hub": Reply(status=202)})
    now = timezone.now()
    feeds = [make_feed(make_publisher()) for _ in range(3)]
    old_model = _migrate(BEFORE).loader.project_state(BEFORE).apps.get_model("websub", "WebSubSubscription")
    states = {
        "verified": {"state": "verified", "lease_expires_at": now + timedelta(days=20)},
        "pending": {"state": "pending"},
        "unsubscribed": {"state": "unsubscribed", "mode": "unsubscribe"},
    }
    for feed, fields in zip(feeds, states.values(), strict=True):
        old_model.objects.create(
            feed_id=feed.pk, hub_url=hub.base + "/hub", topic_url=feed.url, secret="s", requested_at=now, **fields
        )

    _migrate(AFTER)

    by_state = {s.state: s for s in WebSubSubscription.objects.all()}
    assert len({s.callback_token for s in by_state.values()}) == 3
    assert all(len(s.callback_token) == 43 for s in by_state.values())
    context = IngestContext.from_settings(allow_loopback=True)
    for subscription in by_state.values():
        websub_ensure(
            feed=subscription.feed, hub_url=subscription.hub_url, callback_base_url="https://n.example", context=context
        )
    callbacks = [parse_qs(seen.body.decode())["hub.callback"][0] for seen in hub.requests]
    assert sorted(callbacks) == sorted(
        websub_callback_url(subscription=by_state[state], callback_base_url="https://n.example")
        for state in ("verified", "pending")
    )  # the one unsubscribed on purpose stays so
