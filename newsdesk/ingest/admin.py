from django.contrib import admin
from django.http import HttpRequest
from django.template.defaultfilters import truncatechars

from newsdesk.ingest.models import EntryFailure, FetchAttempt
from newsdesk.sources.admin import URL_FIELDS_HTTPS


@admin.register(FetchAttempt)
class FetchAttemptAdmin(admin.ModelAdmin):
    """The fetch log: written by the worker, read here, never edited."""

    list_display = (
        "started_at",
        "feed",
        "outcome",
        "status_code",
        "bytes_received",
        "duration_ms",
        "items_found",
        "items_new",
        "items_updated",
        "error_short",
    )
    list_filter = ("outcome", "status_code", "feed__publisher")
    list_select_related = ("feed",)
    search_fields = ("feed__url", "error")
    date_hierarchy = "started_at"

    @admin.display(description="Error")
    def error_short(self, obj: FetchAttempt) -> str:
        return truncatechars(obj.error, 80)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: FetchAttempt | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: FetchAttempt | None = None) -> bool:
        return False


@admin.register(EntryFailure)
class EntryFailureAdmin(admin.ModelAdmin):
    """Article pages that failed: when they are tried again, or that they were given up. Read-only."""

    formfield_overrides = URL_FIELDS_HTTPS  # its read-only page still builds a form: no Django 6 scheme warning
    list_display = ("last_tried_at", "url", "feed", "tries", "given_up", "next_try_at", "last_error")
    list_filter = ("given_up", "feed__publisher")
    list_select_related = ("feed",)
    search_fields = ("url", "last_error")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: EntryFailure | None = None) -> bool:
        return False
