"""Login throttle around django-axes: one log line per failed login, and 429 + Retry-After once locked out.

django-axes (database handler) counts failures per client IP and per username; settings/base.py holds the policy.
"""

import logging
import math

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max, Q
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from newsdesk.common.client_ip import client_ip_address

log = logging.getLogger("newsdesk.login")

LOCKED_OUT = "too many failed logins from this address or for this user: try again in {minutes} min\n"


@receiver(user_login_failed, dispatch_uid="newsdesk.login.failed")
def log_login_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    """A fixed phrase with the username and client IP; Django has already masked the password in credentials."""
    log.warning(
        "login failed",
        extra={
            "username": str(credentials.get("username", ""))[:150],
            "client_ip": client_ip_address(request) if request is not None else None,
            "path": request.path if request is not None else None,
        },
    )


@receiver(user_locked_out, dispatch_uid="newsdesk.login.locked_out")
def log_lockout(
    sender, request: HttpRequest, username: str | None = None, ip_address: str | None = None, **kwargs
) -> None:
    log.warning("login locked out", extra={"username": username, "client_ip": ip_address})


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with the seconds until every failure counted against this client expires."""
    retry_after = lockout_seconds_left(request, credentials)
    response = HttpResponse(
        LOCKED_OUT.format(minutes=math.ceil(retry_after / 60)), status=429, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = str(retry_after)
    return response


def lockout_seconds_left(request: HttpRequest, credentials: dict | None = None) -> int:
    """When the newest failure of this IP or username leaves the cool-off window: an upper bound on the lock."""
    cool_off = get_cool_off(request)
    window = cool_off.total_seconds() if cool_off else 0
    username = get_client_username(request, credentials)
    ip_address = getattr(request, "axes_ip_address", None) or client_ip_address(request)
    attempts = AccessAttempt.objects.filter(Q(ip_address=ip_address) | Q(username=username))
    newest = attempts.aggregate(newest=Max("attempt_time"))["newest"]
    if newest is None:
        return max(1, math.ceil(window))
    return max(1, math.ceil((newest - timezone.now()).total_seconds() + window))
