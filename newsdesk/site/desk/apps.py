from django.contrib.admin.apps import AdminConfig


class DeskAdminConfig(AdminConfig):
    """django.contrib.admin with OperatorAdminSite as `admin.site` (listed in INSTALLED_APPS in its place)."""

    default_site = "newsdesk.site.desk.admin_site.OperatorAdminSite"
