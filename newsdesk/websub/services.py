"""WebSub: ask a hub to push a feed to us, confirm the hub's intent checks, and take its signed pushes.

Every callback URL carries the subscription's unguessable token (ids are sequential): a request with a wrong or
missing token is answered 404 like an unknown id, and changes nothing. A hub's intent check (subscribe,
unsubscribe or denied) is accepted only while a request of ours for that mode is in flight, i.e. until its
`verification_deadline` (VERIFICATION_WINDOW after we sent it), and only once; `denied` fails only a subscription
that is still pending (a refused renewal is noted, the running lease is kept). A renewal keeps a verified
subscription verified while the hub checks, so its pushes are still taken.

A verified push does not store articles itself: it records `last_push_at` and makes the feed due now
(`next_check_at = now`), so the worker refreshes it through `ingest.services.feed_refresh` — the one
path that applies robots.txt, conditional GET, extraction, policies and the fetch log.
"""

from __future__ import annotations

import dataclasses
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from newsdesk.ingest.context import IngestContext
from newsdesk.reader.feeds import FeedParseError, parse_feed
from newsdesk.reader.feeds.websub import (
    FORM_CONTENT_TYPE,
    encode_form,
    read_intent_check,
    subscription_form,
    verify_signature,
)
from newsdesk.reader.fetcher import FetchError, post
from newsdesk.sources.models import Feed
from newsdesk.websub.models import WebSubSubscription

log = logging.getLogger(__name__)

MAX_PUSH_BYTES = 15 * 1024 * 1024
MAX_LEASE_S = 365 * 24 * 3600  # a hub granting more is capped: we re-subscribe at least yearly
HUB_REPLY_MAX_BYTES = 64 * 1024
# How long after our request a hub's verification is accepted; hubs check within seconds to minutes.
VERIFICATION_WINDOW = timedelta(minutes=10)

HUB_REFUSED = "the hub refused the request: HTTP {status}"
HUB_UNREACHABLE = "the hub could not be reached: {reason}"
HUB_DENIED = "the hub denied the subscription: {reason}"
HUB_DENIED_RENEWAL = "the hub denied the renewal ({reason}); the current lease runs until it ends"
PUSH_NOT_A_FEED = "the pushed body is not a feed ({reason}); the feed is refreshed anyway"


@dataclass(frozen=True)
class PushOutcome:
    """What the callback view answers: 202 accepted, 403 bad signature, 404 unknown, 410 not subscribed."""

    status: int
    entries: int = 0


def websub_callback_url(*, subscription: WebSubSubscription, callback_base_url: str) -> str:
    return callback_base_url.rstrip("/") + reverse(
        "websub:callback", args=[subscription.pk, subscription.callback_token]
    )


_UNKNOWN_ID_TOKEN = secrets.token_urlsafe(32)  # compared against when the id is unknown


def _callback_subscription(subscription_id: int, token: str, *, for_update: bool = False) -> WebSubSubscription | None:
    """The subscription a callback request names, or None when the id is unknown or the token is not its own.

    The answer does not tell an unknown id from a wrong token, and the token comparison takes the same time
    either way (constant-time, against a dummy when the id is unknown).
    """
    subscriptions = WebSubSubscription.objects.select_for_update() if for_update else WebSubSubscription.objects
    subscription = subscriptions.filter(pk=subscription_id).first()
    expected = subscription.callback_token if subscription is not None else _UNKNOWN_ID_TOKEN
    token_matches = hmac.compare_digest(expected.encode(), token.encode())
    return subscription if subscription is not None and token_matches else None


def websub_subscribe(
    *,
    feed: Feed,
    hub_url: str,
    callback_base_url: str,
    context: IngestContext,
    topic_url: str = "",
    lease_seconds: int | None = None,
) -> WebSubSubscription:
    """Ask `hub_url` to push `topic_url` (default: the feed URL) to our callback; pending until the hub checks.

    The secret is kept across re-subscriptions, so pushes signed with it stay valid while the hub renews.
    """
    subscription, _ = WebSubSubscription.objects.get_or_create(
        feed=feed,
        hub_url=hub_url,
        defaults={"topic_url": topic_url or feed.url, "secret": secrets.token_hex(32)},
    )
    subscription.topic_url = topic_url or subscription.topic_url or feed.url
    return _hub_request(
        subscription=subscription,
        mode=WebSubSubscription.Mode.SUBSCRIBE,
        callback_base_url=callback_base_url,
        context=context,
        lease_seconds=lease_seconds,
    )


def websub_unsubscribe(
    *, subscription: WebSubSubscription, callback_base_url: str, context: IngestContext
) -> WebSubSubscription:
    """Ask the hub to stop pushing; the hub's verification GET for `unsubscribe` is then confirmed."""
    return _hub_request(
        subscription=subscription,
        mode=WebSubSubscription.Mode.UNSUBSCRIBE,
        callback_base_url=callback_base_url,
        context=context,
    )


def _hub_request(
    *,
    subscription: WebSubSubscription,
    mode: str,
    callback_base_url: str,
    context: IngestContext,
    lease_seconds: int | None = None,
) -> WebSubSubscription:
    # Record what we are asking for before asking: the hub may verify before its POST reply reaches us.
    now = timezone.now()
    subscription.mode = mode
    if mode == WebSubSubscription.Mode.SUBSCRIBE and subscription.state != WebSubSubscription.State.VERIFIED:
        subscription.state = WebSubSubscription.State.PENDING  # a renewal keeps taking pushes while the hub checks
    subscription.requested_at, subscription.last_error = now, ""
    subscription.verification_deadline = now + VERIFICATION_WINDOW
    subscription.save()
    form = subscription_form(
        mode=mode,
        topic=subscription.topic_url,
        callback=websub_callback_url(subscription=subscription, callback_base_url=callback_base_url),
        secret=subscription.secret,
        lease_seconds=lease_seconds,
    )
    try:
        # A hub's reply is a status and a short text at most: its body is capped far below a feed's.
        options = dataclasses.replace(context.options, max_bytes=HUB_REPLY_MAX_BYTES)
        reply = post(subscription.hub_url, encode_form(form), options=options, content_type=FORM_CONTENT_TYPE)
        error = "" if 200 <= reply.status < 300 else HUB_REFUSED.format(status=reply.status)
    except FetchError as exc:
        error = HUB_UNREACHABLE.format(reason=exc.describe())
    if error:
        _hub_request_failed(subscription=subscription, error=error)
    subscription.refresh_from_db()
    log.info("websub request sent", extra={"subscription_id": subscription.pk, "mode": mode, "error": error})
    return subscription


@transaction.atomic
def _hub_request_failed(*, subscription: WebSubSubscription, error: str) -> None:
    """The hub refused or could not be reached: the request is no longer in flight, and a pending one failed."""
    current = WebSubSubscription.objects.select_for_update().get(pk=subscription.pk)
    if current.verification_deadline != subscription.verification_deadline:
        return  # the hub already verified (or denied) this request, or a newer one of ours is in flight
    if current.state == WebSubSubscription.State.PENDING:
        current.state = WebSubSubscription.State.FAILED
    current.verification_deadline, current.last_error = None, error[:2000]
    current.save(update_fields=["state", "verification_deadline", "last_error"])


@transaction.atomic
def websub_intent_confirm(*, subscription_id: int, token: str, params: dict[str, str]) -> str | None:
    """Answer a hub's verification GET: the challenge to echo, "" for an acknowledged denial, None for 404.

    We agree only with the subscription's own callback token, about the topic we asked about, for the mode we
    last requested, while that request is in flight; each request is answered once.
    """
    subscription = _callback_subscription(subscription_id, token, for_update=True)
    check = read_intent_check(params)
    if subscription is None or check is None or check.topic != subscription.topic_url:
        return None
    now = timezone.now()
    if subscription.verification_deadline is None or now > subscription.verification_deadline:
        return None  # no request of ours is waiting for this answer: forged, replayed or too late
    if check.mode == "denied":
        if subscription.mode != WebSubSubscription.Mode.SUBSCRIBE:
            return None
        reason = check.reason or "no reason given"
        if subscription.state == WebSubSubscription.State.PENDING:
            subscription.state = WebSubSubscription.State.FAILED
            subscription.last_error = HUB_DENIED.format(reason=reason)[:2000]
        else:
            subscription.last_error = HUB_DENIED_RENEWAL.format(reason=reason)[:2000]
        subscription.verification_deadline = None
        subscription.save(update_fields=["state", "last_error", "verification_deadline"])
        return ""
    if check.mode != subscription.mode:
        return None
    if check.mode == WebSubSubscription.Mode.SUBSCRIBE:
        subscription.state = WebSubSubscription.State.VERIFIED
        lease = min(check.lease_seconds, MAX_LEASE_S) if check.lease_seconds else None
        subscription.lease_expires_at = now + timedelta(seconds=lease) if lease else None
    else:
        subscription.state = WebSubSubscription.State.UNSUBSCRIBED
        subscription.lease_expires_at = None
    subscription.verified_at, subscription.last_error, subscription.verification_deadline = now, "", None
    subscription.save(update_fields=["state", "lease_expires_at", "verified_at", "last_error", "verification_deadline"])
    log.info("websub intent verified", extra={"subscription_id": subscription.pk, "mode": check.mode})
    return check.challenge


def websub_push_receive(
    *, subscription_id: int, token: str, body: bytes, signature: str, content_type: str = ""
) -> PushOutcome:
    """Take a hub's content delivery: check the callback token and the HMAC, then make the feed due now."""
    subscription = _callback_subscription(subscription_id, token)
    if subscription is None:
        return PushOutcome(status=404)
    if not verify_signature(body, subscription.secret, signature):
        log.warning("websub push with a bad signature", extra={"subscription_id": subscription.pk})
        return PushOutcome(status=403)
    if (
        subscription.state != WebSubSubscription.State.VERIFIED
        or subscription.mode != WebSubSubscription.Mode.SUBSCRIBE
    ):
        # Section 7: 410 Gone lets the hub drop a subscription we do not hold, or asked it to end.
        return PushOutcome(status=410)
    entries, error = 0, ""
    try:
        entries = len(parse_feed(body, url=subscription.topic_url, content_type=content_type).entries)
    except FeedParseError as exc:
        error = PUSH_NOT_A_FEED.format(reason=exc.reason)
    now = timezone.now()
    with transaction.atomic():
        WebSubSubscription.objects.filter(pk=subscription.pk).update(last_push_at=now, last_error=error)
        Feed.objects.filter(pk=subscription.feed_id).update(next_check_at=now)
    log.info("websub push received", extra={"subscription_id": subscription.pk, "entries": entries})
    return PushOutcome(status=202, entries=entries)


RENEW_BEFORE = timedelta(days=1)
RETRY_FAILED_AFTER = timedelta(days=1)


def websub_ensure(*, feed: Feed, hub_url: str, callback_base_url: str, context: IngestContext) -> str:
    """Called on every refresh of a feed that names a hub: subscribe once, renew before the lease ends, retry a
    failed or unanswered request daily. Returns what it did ("" for nothing). Never raises for hub trouble."""
    now = timezone.now()
    subscription = WebSubSubscription.objects.filter(feed=feed, hub_url=hub_url).first()
    if subscription is not None:
        if subscription.mode == WebSubSubscription.Mode.UNSUBSCRIBE:
            return ""  # someone unsubscribed on purpose; do not undo it
        if subscription.state == WebSubSubscription.State.VERIFIED and (
            subscription.lease_expires_at is None or subscription.lease_expires_at - now > RENEW_BEFORE
        ):
            return ""
        if subscription.requested_at and now - subscription.requested_at < RETRY_FAILED_AFTER:
            return ""  # asked less than a day ago: pending, failed, or a renewal the hub has not answered yet
    result = websub_subscribe(feed=feed, hub_url=hub_url, callback_base_url=callback_base_url, context=context)
    return f"websub {result.state}"
