"""Admin pages that show rows nobody edits there (tombstones, the audit log, story redirects, the OPML transfer
page): no add, change or delete, whoever asks."""

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Put before admin.ModelAdmin: the model's rows are listed and viewed, never added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
