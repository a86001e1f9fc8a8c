"""The takedown desk in the admin: requests by SLA deadline with the operator's decisions as actions, and the
tombstones and audit log, both read-only (the log is append-only; nothing here may edit or delete it)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from newsdesk.rights import services
from newsdesk.rights.models import AuditEntry, TakedownRequest, Tombstone

REASONS_FIRST = "type the statement of reasons in its “Reasons” field and save it first."


@admin.register(TakedownRequest)
class TakedownRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "state", "time_left", "requester_name", "publisher", "target_summary", "received_at")
    list_filter = ("state", "verification_method")
    search_fields = ("requester_name", "requester_email", "organisation", "prefix", "urls")
    ordering = ("deadline",)
    actions = ["remove_now", "reject", "reinstate", "record_counter_notice"]
    fields = (
        ("state", "deadline"),
        ("requester_name", "requester_email", "organisation"),
        "contact",
        "work",
        "urls",
        "prefix",
        "publisher",
        ("good_faith", "accurate", "signature"),
        ("received_at", "email_confirmed_at"),
        ("verification_method", "verified_at", "verification_token"),
        ("last_check_at", "last_check_result"),
        ("removed_at", "articles_removed", "rejected_at", "reinstated_at"),
        "reasons",
        ("counter_notice", "counter_notice_at"),
    )
    readonly_fields = tuple(
        name
        for group in fields
        for name in (group if isinstance(group, tuple) else (group,))
        if name not in ("reasons", "counter_notice")
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # notices come in through the public form, which records every element

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # the record of a notice is kept, whatever its outcome

    @admin.display(description="time left", ordering="deadline")
    def time_left(self, obj: TakedownRequest) -> str:
        if obj.state not in (TakedownRequest.State.RECEIVED, TakedownRequest.State.VERIFIED):
            return "—"
        left = obj.deadline - timezone.now()
        hours = left.total_seconds() / 3600
        return f"{hours:.1f} h" if hours >= 0 else f"OVERDUE by {-hours:.1f} h"

    @admin.display(description="targets")
    def target_summary(self, obj: TakedownRequest) -> str:
        targets = obj.targets
        return f"{targets[0][:80]}" + (f" (+{len(targets) - 1})" if len(targets) > 1 else "")

    def _each(self, request: HttpRequest, queryset: QuerySet, step, done: str) -> None:
        count = 0
        for item in queryset:
            try:
                step(item)
            except services.TakedownInvalid as exc:
                self.message_user(request, f"Request {item.pk}: {exc}", messages.WARNING)
            else:
                count += 1
        if count:
            self.message_user(request, done.format(count=count), messages.SUCCESS)

    @admin.action(description="Verify (operator's decision) and remove now")
    def remove_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        actor = f"operator {request.user.get_username()}"
        self._each(
            request,
            queryset,
            lambda item: services.takedown_operator_remove(request=item, actor=actor),
            "{count} removed.",
        )

    def _with_reasons(self, request: HttpRequest, queryset: QuerySet, step, done: str) -> None:
        def guarded(item: TakedownRequest) -> None:
            if not item.reasons.strip():
                raise services.TakedownInvalid(REASONS_FIRST)
            step(item)

        self._each(request, queryset, guarded, done)

    @admin.action(description="Reject (with the reasons typed in each request)")
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        actor = f"operator {request.user.get_username()}"
        self._with_reasons(
            request,
            queryset,
            lambda item: services.takedown_reject(request=item, reasons=item.reasons, actor=actor),
            "{count} rejected.",
        )

    @admin.action(description="Reinstate (with the reasons typed in each request)")
    def reinstate(self, request: HttpRequest, queryset: QuerySet) -> None:
        actor = f"operator {request.user.get_username()}"
        self._with_reasons(
            request,
            queryset,
            lambda item: services.takedown_reinstate(request=item, reason=item.reasons, actor=actor),
            "{count} reinstated: their tombstones are lifted.",
        )

    @admin.action(description="Record the counter-notice typed in each request")
    def record_counter_notice(self, request: HttpRequest, queryset: QuerySet) -> None:
        actor = f"operator {request.user.get_username()}"
        self._each(
            request,
            queryset,
            lambda item: services.takedown_counter_notice(request=item, text=item.counter_notice, actor=actor),
            "{count} counter-notice(s) recorded.",
        )


@admin.register(Tombstone)
class TombstoneAdmin(admin.ModelAdmin):
    list_display = ("kind", "key", "publisher", "request", "is_active", "created_at")
    list_filter = ("kind", "is_active")
    search_fields = ("key", "url")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(TombstoneAdmin):
    list_display = ("seq", "at", "action", "actor", "request_id_ref", "entry_hash")
    list_filter = ("action",)
    search_fields = ("actor",)
