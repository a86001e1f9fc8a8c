"""TOTP two-factor for staff, on django-otp's TOTP devices.

A staff member with a confirmed device types a code after the password; one without a device, while
NEWSDESK_STAFF_TOTP_REQUIRED is on, is sent to set one up, and the admin stays closed until the session is verified.
"""

import base64

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"
CODE_WRONG = "That code is not right. Type the 6 digits your authenticator app shows now."


def totp_required(user: AbstractBaseUser) -> bool:
    return bool(user.is_staff and settings.NEWSDESK_STAFF_TOTP_REQUIRED)


def totp_device(user: AbstractBaseUser) -> TOTPDevice | None:
    """The user's confirmed device, if they set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def totp_device_unconfirmed(user: AbstractBaseUser) -> TOTPDevice:
    """The device being set up: made once, so reloading the setup page keeps the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    """The device's key as authenticator apps take it typed in: base32, in groups of four."""
    b32 = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def totp_code_check(device: TOTPDevice, code: str) -> bool:
    code = code.strip().replace(" ", "")
    return code.isdigit() and device.verify_token(code)


def totp_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Confirm a new device with its first code and mark this session verified."""
    if not totp_code_check(device, code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True


def session_is_verified(request: HttpRequest) -> bool:
    user = request.user
    return bool(getattr(user, "is_verified", lambda: False)())
