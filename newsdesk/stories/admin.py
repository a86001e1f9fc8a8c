"""The stories app's admin: the redirects of merged-away stories, to look up (they are written by merges alone)."""

from django.contrib import admin
from django.http import HttpRequest

from newsdesk.stories.models import StoryRedirect


@admin.register(StoryRedirect)
class StoryRedirectAdmin(admin.ModelAdmin):
    """Read only: where a gone story's address leads (its successor, or nothing: 410 Gone). Search by either id."""

    list_display = ("old_id", "story_id", "story", "created_at")
    list_select_related = ("story",)
    search_fields = ("=old_id", "=story__id")
    ordering = ("-created_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
