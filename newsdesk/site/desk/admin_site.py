"""The admin site: closed to staff until their session passed the TOTP step, front page = the desk."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from newsdesk.common.autocomplete_admin import field_holds
from newsdesk.community.two_factor import session_is_verified, totp_device, totp_required
from newsdesk.site.desk.dashboard import desk_panels

SELECTION_REFUSED = "the selected items are not ids of this list"


def _selection_checked(changelist_view: Callable[..., HttpResponse], model_admin: admin.ModelAdmin) -> Callable:
    """`changelist_view` refusing an action on ids its model's key cannot hold (`abc`, a number past the column's
    range: a tampered form) with a 400: Django's admin filters by them as they come and answered a 500."""
    key = model_admin.model._meta.pk

    @wraps(changelist_view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and not all(
            field_holds(key, value) for value in request.POST.getlist(ACTION_CHECKBOX_NAME)
        ):
            raise BadRequest(SELECTION_REFUSED)
        return changelist_view(request, *args, **kwargs)

    return checked


class OperatorAdminSite(admin.AdminSite):
    site_header = "newsdesk — operator's desk"
    site_title = "newsdesk desk"
    index_title = "What needs attention"
    index_template = "admin/desk_index.html"
    # The sidebar would take a fifth of a 1280 px screen from every list; the desk's front page lists the apps.
    enable_nav_sidebar = False

    def admin_view(self, view: Callable, cacheable: bool = False) -> Callable:
        model_admin = getattr(view, "__self__", None)
        if isinstance(model_admin, admin.ModelAdmin) and view.__name__ == "changelist_view":
            view = _selection_checked(view, model_admin)
        return super().admin_view(view, cacheable)

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
