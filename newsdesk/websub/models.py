"""WebSub subscriptions (push instead of polling)."""

import secrets

from django.db import models

from newsdesk.sources.models import Feed


def new_callback_token() -> str:
    """32 random bytes, URL-safe: the part of a callback URL no one can guess (ids are sequential)."""
    return secrets.token_urlsafe(32)


class WebSubSubscription(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending verification"
        VERIFIED = "verified", "Verified"
        FAILED = "failed", "Failed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    class Mode(models.TextChoices):
        SUBSCRIBE = "subscribe", "Subscribe"
        UNSUBSCRIBE = "unsubscribe", "Unsubscribe"

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="websub_subscriptions")
    hub_url = models.URLField(max_length=2000)
    topic_url = models.URLField(max_length=2000)
    # HMAC key for X-Hub-Signature; sent to the hub once, never shown in the admin.
    secret = models.CharField(max_length=199)
    # In the callback URL we give the hub; kept across re-subscriptions, since hubs key a subscription by
    # (topic, callback). Never shown in the admin.
    callback_token = models.CharField(max_length=64, unique=True, default=new_callback_token, editable=False)
    # What we last asked the hub for: a verification GET is only confirmed when its hub.mode matches.
    mode = models.CharField(max_length=11, choices=Mode.choices, default=Mode.SUBSCRIBE)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING, db_index=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    # While a request of ours is in flight, the hub's verification (or denial) is accepted until then;
    # None otherwise, so an intent check we did not ask for changes nothing.
    verification_deadline = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    last_push_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "WebSub subscription"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["feed", "hub_url"], name="websub_one_subscription_per_hub")]

    def __str__(self) -> str:
        return f"{self.topic_url} via {self.hub_url} ({self.state})"
