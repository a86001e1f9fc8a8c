"""Accounts pages: sign up, confirm email, sign in (with the staff's TOTP step), two-factor setup."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views import View
from django_otp import login as otp_login

from newsdesk.common.site_url import site_url_for
from newsdesk.community import two_factor
from newsdesk.community.accounts import VERIFY_LINK_INVALID, account_of_link, account_signup, account_verify
from newsdesk.community.forms import NOT_CONFIRMED_HINT, CodeForm, SignInForm, SignUpForm

PENDING_USER = "newsdesk_2fa_user"
PENDING_BACKEND = "newsdesk_2fa_backend"
PENDING_NEXT = "newsdesk_2fa_next"
PENDING_TRIES = "newsdesk_2fa_tries"
MAX_CODE_TRIES = 5
CODE_TRIES_USED = "Too many wrong codes: sign in again."
NO_PENDING_LOGIN = "Sign in with your password first."
SIGNED_UP = "Almost done: we emailed a link to {email}. Follow it to confirm your address, then sign in."
VERIFIED = "Your email address is confirmed. Welcome!"
SETUP_DONE = "Two-factor sign-in is on: you will be asked for a code each time you sign in."


def _safe_next(request: HttpRequest, candidate: str | None, default: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default


class RefusedFormIs400:
    """A refused form answers 400, as every other form here does (Django's auth views answer 200 and show it again;
    the page keeps what was typed)."""

    def form_invalid(self, form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SignUpView(View):
    template_name = "accounts/signup.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": SignUpForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SignUpForm(request.POST)
        if form.is_valid() and not form.cleaned_data.get("website"):
            user = account_signup(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
                site_url=site_url_for(request),
            )
            return render(request, "accounts/signup_done.html", {"message": SIGNED_UP.format(email=user.email)})
        return render(request, self.template_name, {"form": form}, status=400)


class VerifyEmailView(View):
    """The link we emailed. Opening it (GET, and so HEAD) shows a button and changes nothing: mail scanners fetch the
    links of a message before its reader does. The button's POST (with its CSRF token) activates the account, as the
    takedown desk's confirmation link does (rights.views.TakedownConfirmView, the same site/confirm_link.html)."""

    def get(self, request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
        account = account_of_link(uidb64=uidb64, token=token)
        if account is None:
            return _verify_link_invalid(request)
        return render(request, "accounts/verify_confirm.html", {"account": account})

    def post(self, request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
        if account_verify(uidb64=uidb64, token=token) is None:
            return _verify_link_invalid(request)
        messages.success(request, VERIFIED)
        return redirect("accounts:login")


def _verify_link_invalid(request: HttpRequest) -> HttpResponse:
    context = {"title": "Link not valid", "message": VERIFY_LINK_INVALID}
    return render(request, "accounts/message.html", context, status=400)


class SignInView(RefusedFormIs400, auth_views.LoginView):
    """Django's login (django-axes throttles it through authenticate()), then the TOTP step for staff."""

    template_name = "accounts/login.html"
    form_class = SignInForm
    extra_context = {"hint": NOT_CONFIRMED_HINT}

    def form_valid(self, form: SignInForm) -> HttpResponse:
        user = form.get_user()
        if two_factor.totp_device(user) is not None:
            # Password right, code still to come: remember who, but do not log in yet.
            self.request.session[PENDING_USER] = user.pk
            self.request.session[PENDING_BACKEND] = user.backend
            self.request.session[PENDING_NEXT] = self.get_success_url()
            self.request.session[PENDING_TRIES] = 0
            return redirect("accounts:login_code")
        login(self.request, user)
        if two_factor.totp_required(user):
            # (encoded: a next page with a query of its own, /admin/…/?q=x&language=fr, lost all after its first "&")
            query = urlencode({"next": self.get_success_url()})
            return HttpResponseRedirect(f"{reverse('accounts:two_factor_setup')}?{query}")
        return HttpResponseRedirect(self.get_success_url())


class SignInCodeView(View):
    template_name = "accounts/login_code.html"

    def _pending_user(self, request: HttpRequest):
        pk = request.session.get(PENDING_USER)
        return get_user_model().objects.filter(pk=pk, is_active=True).first() if pk else None

    def get(self, request: HttpRequest) -> HttpResponse:
        if self._pending_user(request) is None:
            messages.error(request, NO_PENDING_LOGIN)
            return redirect("accounts:login")
        return render(request, self.template_name, {"form": CodeForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        user = self._pending_user(request)
        if user is None:
            messages.error(request, NO_PENDING_LOGIN)
            return redirect("accounts:login")
        form = CodeForm(request.POST)
        device = two_factor.totp_device(user)
        if form.is_valid() and device is not None and two_factor.totp_code_check(device, form.cleaned_data["code"]):
            backend = request.session[PENDING_BACKEND]
            next_url = request.session.get(PENDING_NEXT) or reverse("site:home")
            login(request, user, backend=backend)  # rotates the session; the pending keys go with the old one
            otp_login(request, device)
            return HttpResponseRedirect(next_url)
        tries = request.session.get(PENDING_TRIES, 0) + 1
        request.session[PENDING_TRIES] = tries
        if tries >= MAX_CODE_TRIES:
            for key in (PENDING_USER, PENDING_BACKEND, PENDING_NEXT, PENDING_TRIES):
                request.session.pop(key, None)
            messages.error(request, CODE_TRIES_USED)
            return redirect("accounts:login")
        if form.is_valid():
            form.add_error("code", two_factor.CODE_WRONG)
        return render(request, self.template_name, {"form": form}, status=400)


class TwoFactorSetupView(LoginRequiredMixin, View):
    template_name = "accounts/two_factor_setup.html"

    def _context(self, request: HttpRequest, form: CodeForm) -> dict:
        device = two_factor.totp_device_unconfirmed(request.user)
        return {
            "form": form,
            "secret": two_factor.totp_secret(device),
            "config_url": device.config_url,
            "next": request.GET.get("next", ""),
            "has_device": two_factor.totp_device(request.user) is not None,
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, self._context(request, CodeForm()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CodeForm(request.POST)
        device = two_factor.totp_device_unconfirmed(request.user)
        if form.is_valid() and two_factor.totp_confirm(request=request, device=device, code=form.cleaned_data["code"]):
            messages.success(request, SETUP_DONE)
            default = reverse("admin:index") if request.user.is_staff else reverse("site:home")
            return HttpResponseRedirect(_safe_next(request, request.POST.get("next"), default))
        if form.is_valid():
            form.add_error("code", two_factor.CODE_WRONG)
        return render(request, self.template_name, self._context(request, form), status=400)


class SignOutView(auth_views.LogoutView):
    template_name = "accounts/message.html"


class PasswordResetView(RefusedFormIs400, auth_views.PasswordResetView):
    def form_valid(self, form):
        # The email names the site as every other email does (Django's default is the request's host name).
        self.extra_email_context = {"site_name": settings.SITE_NAME}
        return super().form_valid(form)


class PasswordResetConfirmView(RefusedFormIs400, auth_views.PasswordResetConfirmView):
    pass


PASSWORD_RESET_VIEWS = {
    "password_reset": PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email_password_reset.txt",
        subject_template_name="accounts/email_password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
    ),
    "password_reset_done": auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
    "password_reset_confirm": PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    ),
    "password_reset_complete": auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    ),
}
