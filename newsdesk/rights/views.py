"""Public pages of the takedown desk: the notice form, the email confirmation link, the transparency page."""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from newsdesk.common.client_ip import client_ip_address
from newsdesk.common.site_url import site_url_for
from newsdesk.rights.forms import HONEYPOT_FILLED, RATE_LIMITED, TakedownForm
from newsdesk.rights.models import TakedownRequest
from newsdesk.rights.notify import (
    confirm_token_read,
    operators_notify,
    proof_instructions,
    requester_confirmation_send,
)
from newsdesk.rights.selectors import takedown_get, transparency_figures
from newsdesk.rights.services import TakedownInvalid, takedown_email_confirm, takedown_request_create

log = logging.getLogger(__name__)

CONFIRM_LINK_INVALID = "This confirmation link is not valid or has expired."


def _client_key(request: HttpRequest) -> str:
    address = client_ip_address(request) or "unknown"
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


def _rate_limited(client_key: str) -> bool:
    since = timezone.now() - timedelta(hours=1)
    recent = TakedownRequest.objects.filter(client_key=client_key, received_at__gte=since).count()
    return recent >= settings.NEWSDESK_TAKEDOWN_RATE_LIMIT


def _emails_send(notice: TakedownRequest, *, site_url: str) -> bool:
    """The requester's confirmation and the operators' notice. The notice is stored either way: a mail server
    that fails is logged, and the page says so (operators still see the notice on the desk)."""
    try:
        requester_confirmation_send(notice, site_url=site_url)
        operators_notify(subject=f"new takedown #{notice.pk}", template="rights/email_operator_new.txt", request=notice)
    except Exception:
        log.exception("takedown email not sent", extra={"request_id": notice.pk})
        return False
    return True


class TakedownCreateView(View):
    template_name = "rights/takedown_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": TakedownForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TakedownForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        if form.cleaned_data["website"]:
            form.add_error(None, HONEYPOT_FILLED)
            return render(request, self.template_name, {"form": form}, status=400)
        client_key = _client_key(request)
        if _rate_limited(client_key):
            form.add_error(None, RATE_LIMITED)
            return render(request, self.template_name, {"form": form}, status=429)
        data = form.cleaned_data
        try:
            notice = takedown_request_create(
                requester_name=data["requester_name"],
                requester_email=data["requester_email"],
                organisation=data["organisation"],
                contact=data["contact"],
                work=data["work"],
                urls=form.url_list(),
                prefix=data["prefix"],
                good_faith=data["good_faith"],
                accurate=data["accurate"],
                signature=data["signature"],
                client_key=client_key,
            )
        except TakedownInvalid as exc:
            form.add_error(None, str(exc))
            return render(request, self.template_name, {"form": form}, status=400)
        emailed = _emails_send(notice, site_url=site_url_for(request))
        context = {"notice": notice, "proof": proof_instructions(notice), "emailed": emailed}
        return render(request, "rights/takedown_received.html", context, status=201)


class TakedownConfirmView(View):
    """The link we emailed. Opening it (GET, and so HEAD) shows a button and changes nothing: mail scanners fetch the
    links of a message before its reader does. The button's POST (with its CSRF token) confirms the address."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        notice = _notice_of(token)
        if notice is None:
            return _link_invalid(request)
        if notice.email_confirmed_at is not None:
            return _confirmed_page(request, notice)
        return render(request, "rights/takedown_confirm.html", {"notice": notice})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        notice = _notice_of(token)
        if notice is None:
            return _link_invalid(request)
        return _confirmed_page(request, takedown_email_confirm(request=notice))


def _notice_of(token: str) -> TakedownRequest | None:
    request_id = confirm_token_read(token)
    return takedown_get(request_id=request_id) if request_id else None


def _link_invalid(request: HttpRequest) -> HttpResponse:
    context = {"title": "Link not valid", "message": CONFIRM_LINK_INVALID}
    return render(request, "rights/message.html", context, status=400)


def _confirmed_page(request: HttpRequest, notice: TakedownRequest) -> HttpResponse:
    context = {"notice": notice, "proof": proof_instructions(notice)}
    return render(request, "rights/takedown_confirmed.html", context)


class TransparencyView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "rights/transparency.html", {"figures": transparency_figures()})
