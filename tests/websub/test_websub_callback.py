"""The callback endpoint through django.test.Client: intent verification (GET) and signed pushes (POST)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from newsdesk.reader.feeds.websub import sign_body
from newsdesk.websub.models import WebSubSubscription
from newsdesk.websub.services import MAX_LEASE_S, MAX_PUSH_BYTES, PUSH_NOT_A_FEED, VERIFICATION_WINDOW
from tests.factories import make_feed, make_publisher

pytestmark = pytest.mark.django_db

TOPIC = "https://topic.test/feed.xml"
SECRET = "a" * 64
ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:t</id>
<updated>2024-01-01T00:00:00Z</updated><entry><title>A</title><id>urn:a</id><link href="https://topic.test/a"/>
<updated>2024-01-01T00:00:00Z</updated></entry></feed>"""


def _subscription(**fields) -> WebSubSubscription:
    """A subscription whose request to the hub was just sent (as websub_subscribe leaves it)."""
    now = timezone.now()
    feed = make_feed(make_publisher(), url=TOPIC, next_check_at=now + timedelta(hours=1))
    values = {
        "hub_url": "https://hub.test/",
        "topic_url": TOPIC,
        "secret": SECRET,
        "requested_at": now,
        "verification_deadline": now + VERIFICATION_WINDOW,
    }
    values.update(fields)
    return WebSubSubscription.objects.create(feed=feed, **values)


def _url(subscription: WebSubSubscription) -> str:
    return f"/websub/callback/{subscription.pk}/{subscription.callback_token}/"


def _verify(client, subscription, **params):
    query = {"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.challenge": "ch4ll3nge", **params}
    return client.get(_url(subscription), query)


def test_a_requested_subscription_is_confirmed_by_echoing_the_challenge(client):
    subscription = _subscription()

    response = _verify(client, subscription, **{"hub.lease_seconds": "86400"})

    assert (response.status_code, response.content) == (200, b"ch4ll3nge")
    assert response["Content-Type"].startswith("text/plain")
    subscription.refresh_from_db()
    assert subscription.state == WebSubSubscription.State.VERIFIED
    expected = timezone.now() + timedelta(days=1)
    assert abs((subscription.lease_expires_at - expected).total_seconds()) < 60


def test_an_absurd_lease_is_capped(client):
    subscription = _subscription()
    _verify(client, subscription, **{"hub.lease_seconds": str(10**10)})

    subscription.refresh_from_db()
    assert subscription.lease_expires_at <= timezone.now() + timedelta(seconds=MAX_LEASE_S)


@pytest.mark.parametrize(
    "params",
    [
        {"hub.topic": "https://other.test/feed.xml"},  # not the topic we asked about
        {"hub.mode": "unsubscribe"},  # we asked to subscribe
        {"hub.mode": "publish"},
        {"hub.challenge": ""},
        {"hub.topic": ""},
    ],
)
def test_verification_we_did_not_ask_for_is_404(client, params):
    subscription = _subscription()

    response = _verify(client, subscription, **params)

    assert response.status_code == 404
    assert b"ch4ll3nge" not in response.content
    subscription.refresh_from_db()
    assert subscription.state == WebSubSubscription.State.PENDING


def test_an_unknown_subscription_is_404(client):
    url = "/websub/callback/999/" + "A" * 43 + "/"

    assert client.get(url, {"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.challenge": "x"}).status_code == 404
    assert client.post(url, ATOM, content_type="application/atom+xml").status_code == 404


def test_unsubscribe_is_confirmed_only_after_we_asked(client):
    subscription = _subscription(state=WebSubSubscription.State.VERIFIED)
    assert _verify(client, subscription, **{"hub.mode": "unsubscribe"}).status_code == 404

    subscription.mode = WebSubSubscription.Mode.UNSUBSCRIBE
    subscription.save()
    response = _verify(client, subscription, **{"hub.mode": "unsubscribe"})

    assert response.content == b"ch4ll3nge"
    subscription.refresh_from_db()
    assert subscription.state == WebSubSubscription.State.UNSUBSCRIBED


def test_a_denial_marks_the_subscription_failed(client):
    subscription = _subscription()

    response = client.get(_url(subscription), {"hub.mode": "denied", "hub.topic": TOPIC, "hub.reason": "not allowed"})

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.state == WebSubSubscription.State.FAILED
    assert subscription.last_error == "the hub denied the subscription: not allowed"


@pytest.mark.parametrize("method", ["sha1", "sha256", "sha384", "sha512"])
def test_a_signed_push_makes_the_feed_due_now(client, method):
    subscription = _subscription(state=WebSubSubscription.State.VERIFIED)

    response = client.post(
        _url(subscription),
        ATOM,
        content_type="application/atom+xml",
        headers={"X-Hub-Signature": sign_body(ATOM, SECRET, method)},
    )

    assert response.status_code == 202
    subscription.refresh_from_db()
    subscription.feed.refresh_from_db()
    assert subscription.last_push_at is not None
    assert subscription.feed.next_check_at <= timezone.now()
    assert subscription.last_error == ""


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Hub-Signature": sign_body(ATOM, "wrong secret")}, {"X-Hub-Signature": sign_body(ATOM + b"x", SECRET)}],
)
def test_an_unsigned_or_badly_signed_push_is_403_and_changes_nothing(client, headers):
    subscription = _subscription(state=WebSubSubscription.State.VERIFIED)
    due_before = subscription.feed.next_check_at

    response = client.post(_url(subscription), ATOM, content_type="application/atom+xml", headers=headers)

    assert response.status_code == 403
    subscription.refresh_from_db()
    subscription.feed.refresh_from_db()
    assert subscription.last_push_at is None
    assert subscription.feed.next_check_at == due_before


def test_a_push_to_a_subscription_we_no_longer_hold_is_410(client):
    subscription = _subscription(state=WebSubSubscription.State.UNSUBSCRIBED)

    response = client.post(
        _url(subscription),
        ATOM,
        content_type="application/atom+xml",
        headers={"X-Hub-Signature": sign_body(ATOM, SECRET)},
    )

    assert response.status_code == 410


def test_a_signed_push_that_is_not_a_feed_still_schedules_a_refresh(client):
    subscription = _subscription(state=WebSubSubscription.State.VERIFIED)
    body = b"<html><body>hello</body></html>"

    response = client.post(
        _url(subscription), body, content_type="text/html", headers={"X-Hub-Signature": sign_body(body, SECRET)}
    )

    assert response.status_code == 202
    subscription.refresh_from_db()
    assert subscription.last_error == PUSH_NOT_A_FEED.format(
        reason="an HTML page, not a feed (look for <link rel=alternate> feeds instead)"
    )


def test_a_push_over_15_mib_is_413(client):
    subscription = _subscription(state=WebSubSubscription.State.VERIFIED)
    body = b"x" * (MAX_PUSH_BYTES + 1)

    response = client.post(
        _url(subscription),
        body,
        content_type="application/atom+xml",
        headers={"X-Hub-Signature": sign_body(body, SECRET)},
    )

    assert response.status_code == 413
    subscription.refresh_from_db()
    assert subscription.last_push_at is None


def test_a_push_larger_than_django_form_limit_is_accepted(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    subscription = _subscription(state=WebSubSubscription.State.VERIFIED)
    body = ATOM.replace(b"<title>T</title>", b"<title>" + b"T" * 4096 + b"</title>")

    response = client.post(
        _url(subscription),
        body,
        content_type="application/atom+xml",
        headers={"X-Hub-Signature": sign_body(body, SECRET)},
    )

    assert response.status_code == 202


def test_the_callback_needs_no_csrf_token():
    subscription = _subscription(state=WebSubSubscription.State.VERIFIED)
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(
        _url(subscription),
        ATOM,
        content_type="application/atom+xml",
        headers={"X-Hub-Signature": sign_body(ATOM, SECRET)},
    )

    assert response.status_code == 202


def test_the_admin_lists_subscriptions_without_their_secret(admin_client):
    subscription = _subscription(state=WebSubSubscription.State.VERIFIED)

    listing = admin_client.get("/admin/websub/websubsubscription/")
    detail = admin_client.get(f"/admin/websub/websubsubscription/{subscription.pk}/change/")

    assert listing.status_code == detail.status_code == 200
    assert TOPIC.encode() in listing.content
    assert SECRET.encode() not in listing.content + detail.content
    assert subscription.callback_token.encode() not in listing.content + detail.content
