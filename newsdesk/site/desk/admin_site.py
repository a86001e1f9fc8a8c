"""The admin site: closed to staff until their session passed the TOTP step, front page = the desk."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from newsdesk.community.two_factor import session_is_verified, totp_device, totp_required
from newsdesk.site.desk.dashboard import desk_panels


class OperatorAdminSite(admin.AdminSite):
    site_header = "newsdesk — operator's desk"
    site_title = "newsdesk desk"
    index_title = "What needs attention"
    index_template = "admin/desk_index.html"
    # The sidebar would take a fifth of a 1280 px screen from every list; the desk's front page lists the apps.
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return not totp_required(request.user) or session_is_verified(request)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """With TOTP required, sign-in goes through the accounts pages, which ask staff for their code."""
        if not settings.NEWSDESK_STAFF_TOTP_REQUIRED:
            return super().login(request, extra_context)
        next_url = request.GET.get("next") or reverse("admin:index")
        user = request.user
        if user.is_authenticated and user.is_staff and totp_device(user) is None:
            return HttpResponseRedirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': next_url})}")
        return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        return super().index(request, {"desk": desk_panels(), **(extra_context or {})})
