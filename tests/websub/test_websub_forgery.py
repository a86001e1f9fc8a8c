"""Forged callback requests (issue 8, defect 2) change nothing; the hub's genuine checks and pushes still work.

The forger is assumed to know the subscription id (ids are sequential) and the topic (it is the feed URL); in the
tests past the token check, it is even assumed to know the whole callback URL.
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from newsdesk.ingest.context import IngestContext
from newsdesk.reader.feeds.websub import sign_body
from newsdesk.websub.models import WebSubSubscription
from newsdesk.websub.services import (
    HUB_DENIED,
    HUB_DENIED_RENEWAL,
    VERIFICATION_WINDOW,
    websub_ensure,
    websub_subscribe,
    websub_unsubscribe,
)
from tests.factories import make_feed, make_publisher
from tests.sources.loopback import Reply

pytestmark = pytest.mark.django_db

TOPIC = "https://topic.test/feed.xml"
SECRET = "b" * 64
ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:t</id>
<updated>2024-01-01T00:00:00Z</updated></feed>"""
NOT_FOUND = (404, b"unknown subscription or unexpected verification")


def _verified(**fields) -> WebSubSubscription:
    """A subscription the hub verified yesterday for 30 days, with no request of ours in flight."""
    now = timezone.now()
    values = {
        "hub_url": "https://hub.test/",
        "topic_url": TOPIC,
        "secret": SECRET,
        "state": WebSubSubscription.State.VERIFIED,
        "requested_at": now - timedelta(days=1),
        "verified_at": now - timedelta(days=1),
        "lease_expires_at": now + timedelta(days=29),
        **fields,
    }
    feed = make_feed(make_publisher(), next_check_at=now + timedelta(hours=1))
    return WebSubSubscription.objects.create(feed=feed, **values)


def _url(subscription: WebSubSubscription, token: str | None = None) -> str:
    return f"/websub/callback/{subscription.pk}/{subscription.callback_token if token is None else token}/"


def _intent(client, url: str, mode: str, **params):
    return client.get(url, {"hub.mode": mode, "hub.topic": TOPIC, "hub.challenge": "forged", **params})


def _push(client, url: str, secret: str = SECRET):
    return client.post(
        url, ATOM, content_type="application/atom+xml", headers={"X-Hub-Signature": sign_body(ATOM, secret)}
    )


def _answer(response) -> tuple[int, bytes]:
    return response.status_code, response.content


def _unchanged(subscription: WebSubSubscription) -> bool:
    before = {f.attname: getattr(subscription, f.attname) for f in subscription._meta.concrete_fields}
    subscription.refresh_from_db()
    return before == {f.attname: getattr(subscription, f.attname) for f in subscription._meta.concrete_fields}


def test_a_forged_denial_of_a_verified_subscription_is_404_and_pushes_keep_working(client):
    subscription = _verified()

    response = client.get(_url(subscription), {"hub.mode": "denied", "hub.topic": TOPIC, "hub.reason": "forged"})

    assert _answer(response) == NOT_FOUND
    assert _unchanged(subscription)
    assert subscription.state == WebSubSubscription.State.VERIFIED
    assert _push(client, _url(subscription)).status_code == 202


def test_a_forged_subscribe_cannot_reverify_with_the_attackers_lease(client):
    subscription = _verified()

    response = _intent(client, _url(subscription), "subscribe", **{"hub.lease_seconds": "60"})

    assert _answer(response) == NOT_FOUND
    assert b"forged" not in response.content
    assert _unchanged(subscription)
    assert subscription.lease_expires_at > timezone.now() + timedelta(days=28)


def test_a_forged_unsubscribe_of_a_verified_subscription_is_404(client):
    subscription = _verified()

    response = _intent(client, _url(subscription), "unsubscribe")

    assert _answer(response) == NOT_FOUND
    assert _unchanged(subscription)


@pytest.mark.parametrize(
    "token",
    [
        "A" * 43,  # the right length and alphabet, guessed
        "x",
        "%00",
    ],
)
def test_a_guessed_token_is_answered_like_an_unknown_id_and_changes_nothing(client, token):
    now = timezone.now()
    pending = _verified(
        state=WebSubSubscription.State.PENDING,
        requested_at=now,
        verification_deadline=now + VERIFICATION_WINDOW,
        lease_expires_at=None,
    )
    unknown_id = f"/websub/callback/{pending.pk + 1000}/{token}/"

    verification = _intent(client, _url(pending, token), "subscribe")
    denial = client.get(_url(pending, token), {"hub.mode": "denied", "hub.topic": TOPIC})
    push = _push(client, _url(pending, token))

    assert _answer(verification) == _answer(denial) == _answer(_intent(client, unknown_id, "subscribe")) == NOT_FOUND
    assert push.status_code == _push(client, unknown_id).status_code == 404
    assert _unchanged(pending)
    assert pending.state == WebSubSubscription.State.PENDING


def test_another_subscriptions_token_does_not_open_this_one(client):
    mine, other = _verified(), _verified()

    assert _push(client, _url(mine, other.callback_token)).status_code == 404
    assert _push(client, _url(mine)).status_code == 202


@pytest.mark.parametrize("path", ["/websub/callback/{pk}/", "/websub/callback/{pk}//", "/websub/callback/{token}/"])
def test_a_callback_url_without_its_token_is_404(client, path):
    subscription = _verified()
    url = path.format(pk=subscription.pk, token=subscription.callback_token)

    assert _intent(client, url, "subscribe").status_code == 404
    assert _push(client, url).status_code == 404
    assert _unchanged(subscription)
    assert subscription.last_push_at is None


def test_every_subscription_gets_its_own_unguessable_token():
    tokens = {_verified().callback_token for _ in range(5)}

    assert len(tokens) == 5
    assert all(len(token) == 43 for token in tokens)  # 32 random bytes, base64url without padding


def test_a_verification_after_the_window_is_404(client):
    now = timezone.now()
    subscription = _verified(
        state=WebSubSubscription.State.PENDING,
        requested_at=now - VERIFICATION_WINDOW - timedelta(seconds=1),
        verification_deadline=now - timedelta(seconds=1),
        lease_expires_at=None,
    )

    assert _answer(_intent(client, _url(subscription), "subscribe")) == NOT_FOUND
    assert _answer(client.get(_url(subscription), {"hub.mode": "denied", "hub.topic": TOPIC})) == NOT_FOUND
    assert _unchanged(subscription)
    assert subscription.state == WebSubSubscription.State.PENDING


@pytest.mark.parametrize(
    ("asked", "answered"),
    [("subscribe", "unsubscribe"), ("unsubscribe", "subscribe"), ("unsubscribe", "denied")],
)
def test_a_verification_with_the_wrong_mode_is_404(client, asked, answered):
    now = timezone.now()
    subscription = _verified(mode=asked, requested_at=now, verification_deadline=now + VERIFICATION_WINDOW)

    response = client.get(
        _url(subscription), {"hub.mode": answered, "hub.topic": TOPIC, "hub.challenge": "forged", "hub.reason": "x"}
    )

    assert _answer(response) == NOT_FOUND
    assert _unchanged(subscription)


def test_a_verification_is_answered_once(client):
    now = timezone.now()
    subscription = _verified(
        state=WebSubSubscription.State.PENDING, requested_at=now, verification_deadline=now + VERIFICATION_WINDOW
    )
    genuine = _intent(
        client, _url(subscription), "subscribe", **{"hub.challenge": "hub", "hub.lease_seconds": "864000"}
    )

    replayed = _intent(client, _url(subscription), "subscribe", **{"hub.lease_seconds": "60"})

    assert _answer(genuine) == (200, b"hub")
    assert _answer(replayed) == NOT_FOUND
    subscription.refresh_from_db()
    assert subscription.verification_deadline is None
    assert subscription.lease_expires_at > timezone.now() + timedelta(days=9)


def test_a_denial_fails_a_pending_subscription(client):
    now = timezone.now()
    subscription = _verified(
        state=WebSubSubscription.State.PENDING, requested_at=now, verification_deadline=now + VERIFICATION_WINDOW
    )

    response = client.get(_url(subscription), {"hub.mode": "denied", "hub.topic": TOPIC, "hub.reason": "topic gone"})

    assert _answer(response) == (200, b"")
    subscription.refresh_from_db()
    assert (subscription.state, subscription.last_error) == (
        WebSubSubscription.State.FAILED,
        HUB_DENIED.format(reason="topic gone"),
    )


def test_a_denied_renewal_keeps_the_verified_subscription_and_says_so(client):
    now = timezone.now()
    subscription = _verified(requested_at=now, verification_deadline=now + VERIFICATION_WINDOW)

    response = client.get(_url(subscription), {"hub.mode": "denied", "hub.topic": TOPIC, "hub.reason": "busy"})

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.state == WebSubSubscription.State.VERIFIED
    assert subscription.last_error == HUB_DENIED_RENEWAL.format(reason="busy")
    assert subscription.verification_deadline is None


# The genuine flows, end to end: we ask a fake hub on 127.0.0.1, then play the hub at the callback it was given.


def _hub_form(seen) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(seen.body.decode("ascii")).items()}


@pytest.fixture
def feed():
    return make_feed(make_publisher(), url=TOPIC)


@pytest.fixture
def context():
    return IngestContext.from_settings(allow_loopback=True)


def test_the_hub_verifies_then_pushes_to_the_callback_it_was_given(serve, feed, context, client):
    hub = serve({"/hub": Reply(status=202)})

    subscription = websub_subscribe(
        feed=feed, hub_url=hub.base + "/hub", callback_base_url="https://newsdesk.example", context=context
    )

    callback = urlsplit(_hub_form(hub.requests[0])["hub.callback"]).path
    assert callback == _url(subscription)
    assert _answer(_intent(client, callback, "subscribe", **{"hub.challenge": "c1"})) == (200, b"c1")
    assert _push(client, callback, subscription.secret).status_code == 202
    subscription.refresh_from_db()
    assert subscription.state == WebSubSubscription.State.VERIFIED
    assert subscription.last_push_at is not None


def test_a_renewal_keeps_taking_pushes_while_the_hub_checks(serve, feed, context, client):
    hub = serve({"/hub": Reply(status=202)})
    base = "https://newsdesk.example"
    subscription = websub_subscribe(feed=feed, hub_url=hub.base + "/hub", callback_base_url=base, context=context)
    _intent(client, _url(subscription), "subscribe", **{"hub.lease_seconds": "3600"})

    renewed = websub_subscribe(feed=feed, hub_url=hub.base + "/hub", callback_base_url=base, context=context)

    assert renewed.state == WebSubSubscription.State.VERIFIED
    assert _hub_form(hub.requests[1])["hub.callback"] == _hub_form(hub.requests[0])["hub.callback"]
    assert _push(client, _url(renewed), renewed.secret).status_code == 202
    assert _answer(_intent(client, _url(renewed), "subscribe", **{"hub.lease_seconds": "864000"}))[0] == 200
    renewed.refresh_from_db()
    assert renewed.lease_expires_at > timezone.now() + timedelta(days=9)


def test_unsubscribing_is_verified_once_and_then_pushes_are_gone(serve, feed, context, client):
    hub = serve({"/hub": Reply(status=202)})
    base = "https://newsdesk.example"
    subscription = websub_subscribe(feed=feed, hub_url=hub.base + "/hub", callback_base_url=base, context=context)
    _intent(client, _url(subscription), "subscribe")

    websub_unsubscribe(subscription=subscription, callback_base_url=base, context=context)

    assert _push(client, _url(subscription), subscription.secret).status_code == 410  # we asked to end it
    assert _answer(_intent(client, _url(subscription), "unsubscribe", **{"hub.challenge": "bye"})) == (200, b"bye")
    assert _answer(_intent(client, _url(subscription), "subscribe")) == NOT_FOUND
    subscription.refresh_from_db()
    assert subscription.state == WebSubSubscription.State.UNSUBSCRIBED


def test_a_request_the_hub_refused_is_no_longer_in_flight(serve, feed, context, client):
    hub = serve({"/hub": Reply(status=400)})

    subscription = websub_subscribe(
        feed=feed, hub_url=hub.base + "/hub", callback_base_url="https://newsdesk.example", context=context
    )

    assert subscription.state == WebSubSubscription.State.FAILED
    assert subscription.verification_deadline is None
    assert _answer(_intent(client, _url(subscription), "subscribe")) == NOT_FOUND


def test_a_lease_near_its_end_is_renewed_once_and_pushes_keep_working(serve, context, client):
    hub = serve({"/hub": Reply(status=202)})
    subscription = _verified(hub_url=hub.base + "/hub", lease_expires_at=timezone.now() + timedelta(hours=2))

    for _ in range(3):  # three refreshes of the feed before the hub answers
        websub_ensure(
            feed=subscription.feed, hub_url=subscription.hub_url, callback_base_url="https://n.example", context=context
        )

    assert [_hub_form(seen)["hub.mode"] for seen in hub.requests] == ["subscribe"]
    subscription.refresh_from_db()
    assert subscription.state == WebSubSubscription.State.VERIFIED
    assert subscription.verification_deadline is not None
    assert _push(client, _url(subscription)).status_code == 202
