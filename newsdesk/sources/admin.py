from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import truncatechars

# Registers the OPML import/export page (a proxy model of this app) with the default admin site.
from newsdesk.sources import admin_opml  # noqa: F401
from newsdesk.sources.models import Feed
from newsdesk.sources.services import feeds_check_now

# Typed URLs without a scheme mean https (Django 6's default), not http.
URL_FIELDS_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class FeedInline(admin.TabularInline):
    formfield_overrides = URL_FIELDS_HTTPS
    model = Feed
    extra = 0
    fields = ("url", "kind", "title", "is_paused", "last_success_at", "consecutive_errors")
    readonly_fields = ("last_success_at", "consecutive_errors")
    show_change_link = True


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    list_display = (
        "url",
        "publisher",
        "kind",
        "last_checked_at",
        "last_success_at",
        "consecutive_errors",
        "is_paused",
        "paused_reason",
        "last_error_short",
        "next_check_at",
    )
    list_filter = ("kind", "is_paused", "publisher")
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

    @admin.display(description="Last error")
    def last_error_short(self, obj: Feed) -> str:
        return truncatechars(obj.last_error, 80)

    @admin.action(description="Check now (schedule for the next worker pass)")
    def check_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        count = feeds_check_now(feeds=queryset)
        self.message_user(request, f"{count} feed(s) scheduled for checking now.", messages.SUCCESS)
