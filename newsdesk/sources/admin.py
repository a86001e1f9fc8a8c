from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import pluralize, truncatechars
from django.utils.html import format_html

# Registers the OPML import/export page (a proxy model of this app) with the default admin site.
from newsdesk.common.autocomplete_admin import CheckedAutocompleteAdminMixin
from newsdesk.sources import admin_opml  # noqa: F401
from newsdesk.sources.models import Feed
from newsdesk.sources.services import feeds_check_now

# Typed URLs without a scheme mean https (Django 6's default), not http.
URL_FIELDS_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class FeedStateFilter(admin.SimpleListFilter):
    """Failing (still scheduled, last checks failed), paused, or healthy: the desk's panels link here."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("failing", "Failing"), ("paused", "Paused"), ("healthy", "Healthy")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Feed]) -> QuerySet[Feed]:
        if self.value() == "failing":
            return queryset.filter(is_paused=False, consecutive_errors__gt=0)
        if self.value() == "paused":
            return queryset.filter(is_paused=True)
        if self.value() == "healthy":
            return queryset.filter(is_paused=False, consecutive_errors=0)
        return queryset


class FeedInline(admin.TabularInline):
    formfield_overrides = URL_FIELDS_HTTPS
    model = Feed
    extra = 0
    fields = ("url", "kind", "title", "is_paused", "last_success_at", "consecutive_errors")
    readonly_fields = ("last_success_at", "consecutive_errors")
    show_change_link = True


@admin.register(Feed)
class FeedAdmin(CheckedAutocompleteAdminMixin, admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    # One "State" column says what is wrong (paused, or failing N times in a row) and stays empty for a healthy
    # feed: a boolean "is paused" column put a red cross on every healthy row.
    list_display = ("url", "publisher", "kind", "state", "last_success_at", "next_check_at", "last_error_short")
    list_filter = (FeedStateFilter, "kind", "publisher")
    list_select_related = ("publisher",)
    search_fields = ("url", "title", "publisher__name")
    autocomplete_fields = ("publisher",)
    readonly_fields = (
        "etag",
        "last_modified",
        "last_checked_at",
        "last_success_at",
        "consecutive_errors",
        "last_error",
        "redirect_candidate",
        "redirect_seen",
        "lease_owner",
        "lease_expires_at",
        "created_at",
    )
    actions = ["check_now"]

    @admin.display(description="State", ordering="-is_paused")
    def state(self, obj: Feed) -> str:
        if obj.is_paused:
            return format_html('<span class="state-paused" title="{}">Paused</span>', obj.paused_reason or "Paused")
        if obj.consecutive_errors:
            return format_html(
                '<span class="state-failing" title="{} failed checks in a row">Failing \u00d7{}</span>',
                obj.consecutive_errors,
                obj.consecutive_errors,
            )
        return ""

    @admin.display(description="Last error")
    def last_error_short(self, obj: Feed) -> str:
        # The list cuts it to the column's width; the tooltip holds the whole error.
        return format_html('<span title="{}">{}</span>', obj.last_error, truncatechars(obj.last_error, 200))

    @admin.action(description="Check now (schedule for the next worker pass)")
    def check_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        count = feeds_check_now(feeds=queryset)
        self.message_user(request, f"{count} feed{pluralize(count)} scheduled for checking now.", messages.SUCCESS)
