"""The takedown desk's emails (Django's email backends: console by default, SMTP by setting): the requester's
confirmation with the ownership-proof instructions, and the operators' notices and SLA reminders."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from newsdesk.rights.models import TakedownRequest
from newsdesk.rights.verification import META_NAME, RECORD_PREFIX, TXT_PREFIX, WELL_KNOWN_PATH, proof_domain

CONFIRM_SALT = "newsdesk.rights.confirm"
CONFIRM_MAX_AGE_S = 7 * 24 * 3600


def confirm_token(request: TakedownRequest) -> str:
    return signing.dumps(request.pk, salt=CONFIRM_SALT)


def confirm_token_read(token: str) -> int | None:
    """The request id a confirmation link names, or None when it is forged or older than a week."""
    try:
        return int(signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE_S))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def proof_instructions(request: TakedownRequest) -> dict[str, str]:
    token = request.verification_token
    return {
        "dns_name": f"{RECORD_PREFIX}.{proof_domain(request)}",
        "dns_value": TXT_PREFIX + token,
        "meta": f'<meta name="{META_NAME}" content="{token}">',
        "file_path": WELL_KNOWN_PATH,
        "token": token,
    }


def requester_confirmation_send(request: TakedownRequest, *, site_url: str | None = None) -> None:
    link = (site_url or settings.SITE_URL) + reverse("rights:confirm", args=[confirm_token(request)])
    context = {
        "request": request,
        "link": link,
        "site_name": settings.SITE_NAME,
        "proof": proof_instructions(request),
    }
    send_mail(
        subject=f"{settings.SITE_NAME}: confirm your takedown notice #{request.pk}",
        message=render_to_string("rights/email_confirm.txt", context),
        from_email=None,
        recipient_list=[request.requester_email],
    )


def operator_addresses() -> list[str]:
    configured = list(settings.NEWSDESK_TAKEDOWN_OPERATORS)
    if configured:
        return configured
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    return sorted(set(staff.values_list("email", flat=True)))


def operators_notify(*, subject: str, template: str, request: TakedownRequest) -> bool:
    """Email the operators about `request`; False when nobody is there to tell."""
    recipients = operator_addresses()
    if not recipients:
        return False
    context = {"request": request, "site_name": settings.SITE_NAME, "admin_path": _admin_path(request)}
    send_mail(
        subject=f"{settings.SITE_NAME}: {subject}",
        message=render_to_string(template, context),
        from_email=None,
        recipient_list=recipients,
    )
    return True


def _admin_path(request: TakedownRequest) -> str:
    return settings.SITE_URL + reverse("admin:rights_takedownrequest_change", args=[request.pk])
