from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import pluralize

from newsdesk.ingest.context import IngestContext
from newsdesk.websub.models import WebSubSubscription
from newsdesk.websub.services import websub_subscribe, websub_unsubscribe


@admin.register(WebSubSubscription)
class WebSubSubscriptionAdmin(admin.ModelAdmin):
    """Subscriptions are made by `discover --websub` or code; here they are watched, renewed or ended."""

    list_display = ("topic_url", "hub_url", "state", "mode", "lease_expires_at", "last_push_at", "last_error")
    list_filter = ("state", "mode")
    list_select_related = ("feed",)
    search_fields = ("topic_url", "hub_url", "feed__url")
    exclude = ("secret", "callback_token")  # an HMAC key and the callback URL's secret part: never displayed
    readonly_fields = (
        "feed",
        "hub_url",
        "topic_url",
        "mode",
        "state",
        "lease_expires_at",
        "requested_at",
        "verification_deadline",
        "verified_at",
        "last_push_at",
        "last_error",
        "created_at",
    )
    actions = ["renew", "unsubscribe"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Renew (send a new subscription request to the hub)")
    def renew(self, request: HttpRequest, queryset: QuerySet[WebSubSubscription]) -> None:
        context = IngestContext.from_settings()
        for subscription in queryset.select_related("feed"):
            websub_subscribe(
                feed=subscription.feed,
                hub_url=subscription.hub_url,
                topic_url=subscription.topic_url,
                callback_base_url=settings.SITE_URL,
                context=context,
            )
        count = queryset.count()
        self.message_user(request, f"{count} subscription request{pluralize(count)} sent.", messages.SUCCESS)

    @admin.action(description="Unsubscribe")
    def unsubscribe(self, request: HttpRequest, queryset: QuerySet[WebSubSubscription]) -> None:
        context = IngestContext.from_settings()
        for subscription in queryset:
            websub_unsubscribe(subscription=subscription, callback_base_url=settings.SITE_URL, context=context)
        count = queryset.count()
        self.message_user(request, f"{count} unsubscribe request{pluralize(count)} sent.", messages.SUCCESS)
