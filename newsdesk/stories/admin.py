"""The stories app's admin: the redirects of merged-away stories, to look up (they are written by merges alone)."""

from django.contrib import admin

from newsdesk.common.read_only_admin import ReadOnlyAdminMixin
from newsdesk.stories.models import StoryRedirect


@admin.register(StoryRedirect)
class StoryRedirectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read only: where a gone story's address leads (its successor, or nothing: 410 Gone). Search by either id."""

    list_display = ("old_id", "story_id", "story", "created_at")
    list_select_related = ("story",)
    search_fields = ("=old_id", "=story__id")
    ordering = ("-created_at",)
