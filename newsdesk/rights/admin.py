"""The takedown desk in the admin: requests by SLA deadline with the operator's decisions as actions, and the
tombstones and audit log, both read-only (the log is append-only; nothing here may edit or delete it)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from newsdesk.articles.presentation import web_url
from newsdesk.common.read_only_admin import ReadOnlyAdminMixin
from newsdesk.rights import services
from newsdesk.rights.models import AuditEntry, TakedownRequest, Tombstone

REASONS_FIRST = "Write the statement of reasons: it is sent with the decision and kept in the audit log."


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
        "urls_named",
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

    @admin.display(description="URLs")
    def urls_named(self, obj: TakedownRequest) -> str:
        # One per line, each a link to the page named (the raw field read as a JSON list, quotes escaped).
        if not obj.urls:
            return "—"
        items = ((web_url(url) or "#", url) for url in obj.urls)
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}" rel="noreferrer">{}</a></li>', items))

    @admin.display(description="targets")
    def target_summary(self, obj: TakedownRequest) -> str:
        targets = obj.targets
        return f"{targets[0][:80]}" + (f" (+{len(targets) - 1})" if len(targets) > 1 else "")

    def _each(self, request: HttpRequest, queryset: QuerySet, step, done: str) -> None:
        """Run `step(item)` on each request; `done` says how many it was done for ({count}; {s}: pluralize(count))."""
        count = 0
        for item in queryset:
            try:
                step(item)
            except services.TakedownInvalid as exc:
                self.message_user(request, f"Request {item.pk}: {exc}", messages.WARNING)
            else:
                count += 1
        if count:
            self.message_user(request, done.format(count=count, s=pluralize(count)), messages.SUCCESS)

    @admin.action(description="Verify (operator's decision) and remove now")
    def remove_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        actor = f"operator {request.user.get_username()}"
        self._each(
            request,
            queryset,
            lambda item: services.takedown_operator_remove(request=item, actor=actor),
            "{count} removed.",
        )

    def _with_reasons(self, request: HttpRequest, queryset: QuerySet, step, done: str, title: str):
        """Ask for the statement of reasons on a page of its own (unless every selected request already has one
        typed in its "Reasons" field), then run `step(item, reasons)` on each."""
        statement = request.POST.get("statement", "").strip()
        if "apply" in request.POST and statement:
            self._each(request, queryset, lambda item: step(item, statement), done)
            return None
        if "apply" not in request.POST and all(item.reasons.strip() for item in queryset):
            self._each(request, queryset, lambda item: step(item, item.reasons), done)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "notices": list(queryset),
            "action": request.POST.get("action", ""),
            "error": REASONS_FIRST if "apply" in request.POST else "",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/rights/reasons.html", context)

    @admin.action(description="Reject with a statement of reasons")
    def reject(self, request: HttpRequest, queryset: QuerySet):
        actor = f"operator {request.user.get_username()}"
        return self._with_reasons(
            request,
            queryset,
            lambda item, reasons: services.takedown_reject(request=item, reasons=reasons, actor=actor),
            "{count} rejected.",
            "Reject takedown notices: statement of reasons",
        )

    @admin.action(description="Reinstate with a reason")
    def reinstate(self, request: HttpRequest, queryset: QuerySet):
        actor = f"operator {request.user.get_username()}"
        return self._with_reasons(
            request,
            queryset,
            lambda item, reasons: services.takedown_reinstate(request=item, reason=reasons, actor=actor),
            "{count} reinstated: their tombstones are lifted.",
            "Reinstate removed material: the reason",
        )

    @admin.action(description="Record the counter-notice typed in each request")
    def record_counter_notice(self, request: HttpRequest, queryset: QuerySet) -> None:
        actor = f"operator {request.user.get_username()}"
        self._each(
            request,
            queryset,
            lambda item: services.takedown_counter_notice(request=item, text=item.counter_notice, actor=actor),
            "{count} counter-notice{s} recorded.",
        )


@admin.register(Tombstone)
class TombstoneAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("kind", "key", "publisher", "request", "is_active", "created_at")
    list_filter = ("kind", "is_active")
    search_fields = ("key", "url")


@admin.register(AuditEntry)
class AuditEntryAdmin(TombstoneAdmin):
    list_display = ("seq", "at", "action", "actor", "request_id_ref", "entry_hash")
    list_filter = ("action",)
    search_fields = ("actor",)
