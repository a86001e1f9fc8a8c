"""websub_subscribe / websub_unsubscribe against a fake hub on 127.0.0.1, then the hub's checks via the client."""

from urllib.parse import parse_qs

import pytest

from newsdesk.ingest.context import IngestContext
from newsdesk.reader.fetcher.errors import MSG_BLOCKED_ADDRESS
from newsdesk.websub.models import WebSubSubscription
from newsdesk.websub.services import HUB_REFUSED, websub_subscribe, websub_unsubscribe
from tests.factories import make_feed, make_publisher
from tests.sources.loopback import Reply

pytestmark = pytest.mark.django_db

CALLBACK_BASE = "https://newsdesk.example/"


@pytest.fixture
def feed():
    return make_feed(make_publisher(), url="https://topic.test/feed.xml")


@pytest.fixture
def context():
    return IngestContext.from_settings(allow_loopback=True)


def _form(seen) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(seen.body.decode("ascii"), strict_parsing=True).items()}


def test_subscribe_posts_the_spec_form_and_waits_for_verification(serve, feed, context, client):
    hub = serve({"/hub": Reply(status=202, body=b"", content_type="text/plain")})

    subscription = websub_subscribe(
        feed=feed, hub_url=hub.base + "/hub", callback_base_url=CALLBACK_BASE, context=context, lease_seconds=3600
    )

    (seen,) = hub.requests
    assert (seen.method, seen.headers["content-type"]) == ("POST", "application/x-www-form-urlencoded")
    assert _form(seen) == {
        "hub.callback": f"https://newsdesk.example/websub/callback/{subscription.pk}/{subscription.callback_token}/",
        "hub.mode": "subscribe",
        "hub.topic": "https://topic.test/feed.xml",
        "hub.lease_seconds": "3600",
        "hub.secret": subscription.secret,
    }
    assert len(subscription.secret) == 64
    assert subscription.state == WebSubSubscription.State.PENDING
    # The hub now checks our intent at the callback it was given.
    response = client.get(
        f"/websub/callback/{subscription.pk}/{subscription.callback_token}/",
        {"hub.mode": "subscribe", "hub.topic": "https://topic.test/feed.xml", "hub.challenge": "xyz"},
    )
    assert response.content == b"xyz"
    subscription.refresh_from_db()
    assert subscription.state == WebSubSubscription.State.VERIFIED


def test_resubscribing_keeps_one_row_and_its_secret(serve, feed, context):
    hub = serve({"/hub": Reply(status=202)})
    first = websub_subscribe(feed=feed, hub_url=hub.base + "/hub", callback_base_url=CALLBACK_BASE, context=context)

    second = websub_subscribe(feed=feed, hub_url=hub.base + "/hub", callback_base_url=CALLBACK_BASE, context=context)

    assert first.pk == second.pk
    assert first.secret == second.secret
    assert WebSubSubscription.objects.count() == 1
    assert _form(hub.requests[0])["hub.secret"] == _form(hub.requests[1])["hub.secret"]


def test_a_hub_refusal_marks_the_subscription_failed(serve, feed, context):
    hub = serve({"/hub": Reply(status=400, body=b"bad topic", content_type="text/plain")})

    subscription = websub_subscribe(
        feed=feed, hub_url=hub.base + "/hub", callback_base_url=CALLBACK_BASE, context=context
    )

    assert subscription.state == WebSubSubscription.State.FAILED
    assert subscription.last_error == HUB_REFUSED.format(status=400)


def test_a_hub_redirect_is_not_followed(serve, feed, context):
    target = serve({"/hub": Reply(status=202)})
    hub = serve({"/hub": Reply(status=307, headers=(("Location", target.base + "/hub"),))})

    subscription = websub_subscribe(
        feed=feed, hub_url=hub.base + "/hub", callback_base_url=CALLBACK_BASE, context=context
    )

    assert subscription.state == WebSubSubscription.State.FAILED
    assert target.requests == []


def test_an_unreachable_hub_marks_the_subscription_failed(serve, feed, context):
    hub = serve({})
    address = hub.base
    hub.close()

    subscription = websub_subscribe(
        feed=feed, hub_url=address + "/hub", callback_base_url=CALLBACK_BASE, context=context
    )

    assert subscription.state == WebSubSubscription.State.FAILED
    assert subscription.last_error.startswith("the hub could not be reached: could not connect to the server")


@pytest.mark.parametrize(
    "hub_path", ["http://127.0.0.1:{port}/hub", "http://localhost:{port}/hub", "http://0x7f.1:{port}/hub"]
)
def test_the_hub_post_goes_through_the_ssrf_guard(serve, feed, hub_path):
    hub = serve({"/hub": Reply(status=202)})
    port = hub.base.rsplit(":", 1)[1]

    subscription = websub_subscribe(
        feed=feed,
        hub_url=hub_path.format(port=port),
        callback_base_url=CALLBACK_BASE,
        context=IngestContext.from_settings(allow_loopback=False),
    )

    assert subscription.state == WebSubSubscription.State.FAILED
    assert subscription.last_error.startswith("the hub could not be reached: ")
    assert hub.requests == []


def test_the_ssrf_refusal_names_the_blocked_address(serve, feed):
    hub = serve({"/hub": Reply(status=202)})

    subscription = websub_subscribe(
        feed=feed, hub_url=hub.base + "/hub", callback_base_url=CALLBACK_BASE, context=IngestContext.from_settings()
    )

    assert MSG_BLOCKED_ADDRESS in subscription.last_error


def test_unsubscribe_asks_the_hub_and_the_hub_check_is_then_confirmed(serve, feed, context, client):
    hub = serve({"/hub": Reply(status=202)})
    subscription = websub_subscribe(
        feed=feed, hub_url=hub.base + "/hub", callback_base_url=CALLBACK_BASE, context=context
    )

    subscription = websub_unsubscribe(subscription=subscription, callback_base_url=CALLBACK_BASE, context=context)

    form = _form(hub.requests[-1])
    assert form["hub.mode"] == "unsubscribe"
    assert "hub.secret" not in form
    response = client.get(
        f"/websub/callback/{subscription.pk}/{subscription.callback_token}/",
        {"hub.mode": "unsubscribe", "hub.topic": subscription.topic_url, "hub.challenge": "bye"},
    )
    assert response.content == b"bye"
    subscription.refresh_from_db()
    assert subscription.state == WebSubSubscription.State.UNSUBSCRIBED


def test_the_admin_renew_action_sends_a_new_request(serve, feed, context, admin_client, settings):
    settings.NEWSDESK_ALLOW_LOOPBACK = True
    settings.SITE_URL = "https://newsdesk.example"
    hub = serve({"/hub": Reply(status=202)})
    subscription = websub_subscribe(
        feed=feed, hub_url=hub.base + "/hub", callback_base_url=CALLBACK_BASE, context=context
    )

    response = admin_client.post(
        "/admin/websub/websubsubscription/",
        {"action": "renew", "_selected_action": [subscription.pk]},
        follow=True,
    )

    assert b"1 subscription request sent." in response.content
    assert len(hub.requests) == 2
    assert (
        _form(hub.requests[1])["hub.callback"]
        == f"https://newsdesk.example/websub/callback/{subscription.pk}/{subscription.callback_token}/"
    )
