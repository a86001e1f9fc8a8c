"""The moderation queue and the members list in the admin: approve, reject or ban, one by one or in bulk."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import pluralize, truncatechars
from django.utils.html import format_html

from newsdesk.community import services
from newsdesk.community.forms import display_name_checked
from newsdesk.community.models import Comment, CommentReport, Member


class QueueFilter(admin.SimpleListFilter):
    """Defaults to the queue (waiting or reported), which is what a moderator opens this list for."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("needs", "Needs a moderator"), ("all", "All comments")]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "needs") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(status=Comment.Status.PENDING) | queryset.filter(
            report_count__gt=0, status=Comment.Status.APPROVED
        )


class ReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    fields = ("reporter", "reason", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("excerpt", "author_name", "on_page", "status", "report_count", "created_at")
    list_filter = (QueueFilter, "status")
    list_select_related = ("author__member", "target_type")
    search_fields = ("body", "author__username", "author__member__display_name")
    date_hierarchy = "created_at"
    actions = ["approve", "reject", "ban_authors"]
    readonly_fields = (
        "target_type",
        "target_id",
        "author",
        "parent",
        "body_html",
        "body_fingerprint",
        "report_count",
        "created_at",
        "edited_at",
        "moderated_at",
        "moderated_by",
    )
    fields = ("status", "body", *readonly_fields)
    inlines = [ReportInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments come from readers

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        # The "On" column links each comment's page: one query per target type, not one per row.
        return super().get_queryset(request).prefetch_related("target")

    def save_model(self, request: HttpRequest, obj: Comment, form, change: bool) -> None:
        services.comment_moderator_save(comment=obj, moderator=request.user)

    def delete_model(self, request: HttpRequest, obj: Comment) -> None:
        services.comments_delete(comments=Comment.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        services.comments_delete(comments=queryset)

    @admin.display(description="Comment")
    def excerpt(self, obj: Comment) -> str:
        return truncatechars(obj.body, 120)

    @admin.display(description="Author", ordering="author__username")
    def author_name(self, obj: Comment) -> str:
        member = getattr(obj.author, "member", None)
        banned = " (banned)" if member is not None and member.is_banned else ""
        # Isolated: a right-to-left name does not carry " (banned)" to its other side.
        return format_html("<bdi>{}</bdi>{}", member.display_name if member else obj.author.get_username(), banned)

    @admin.display(description="On")
    def on_page(self, obj: Comment) -> str:
        return format_html('<a href="{}">{} {}</a>', obj.get_absolute_url(), obj.target_type.model, obj.target_id)

    @admin.action(description="Approve (and trust their authors)")
    def approve(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        count = services.comments_approve(comments=queryset, moderator=request.user)
        self.message_user(request, f"{count} comment{pluralize(count)} approved.", messages.SUCCESS)

    @admin.action(description="Reject")
    def reject(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        count = services.comments_reject(comments=queryset, moderator=request.user)
        self.message_user(request, f"{count} comment{pluralize(count)} rejected.", messages.SUCCESS)

    @admin.action(description="Ban their authors (rejects all their comments)")
    def ban_authors(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        users = get_user_model().objects.filter(pk__in=queryset.values("author_id"))
        count = services.members_ban(users=users, moderator=request.user, reason="banned from the moderation queue")
        self.message_user(request, f"{count} member{pluralize(count)} banned.", messages.SUCCESS)


class MemberAdminForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ("display_name", "is_trusted", "ban_reason")

    def clean_display_name(self) -> str:
        return display_name_checked(self.cleaned_data["display_name"])


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    form = MemberAdminForm
    list_display = ("display_name", "user", "is_trusted", "is_banned", "email_verified_at", "created_at")
    list_filter = ("is_trusted", ("banned_at", admin.EmptyFieldListFilter))
    search_fields = ("display_name", "user__username", "user__email")
    readonly_fields = ("user", "created_at", "email_verified_at", "banned_at")
    actions = ["ban", "unban"]

    @admin.display(description="Banned", boolean=True)
    def is_banned(self, obj: Member) -> bool:
        return obj.is_banned

    @admin.action(description="Ban (rejects all their comments)")
    def ban(self, request: HttpRequest, queryset: QuerySet[Member]) -> None:
        users = get_user_model().objects.filter(pk__in=queryset.values("user_id"))
        count = services.members_ban(users=users, moderator=request.user, reason="banned from the members list")
        self.message_user(request, f"{count} member{pluralize(count)} banned.", messages.SUCCESS)

    @admin.action(description="Lift the ban")
    def unban(self, request: HttpRequest, queryset: QuerySet[Member]) -> None:
        count = services.members_unban(members=queryset)
        self.message_user(request, f"{count} ban{pluralize(count)} lifted.", messages.SUCCESS)
