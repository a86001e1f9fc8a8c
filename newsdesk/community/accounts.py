"""Writes of readers' accounts: sign-up with email verification."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from newsdesk.community.models import Member

log = logging.getLogger("newsdesk.accounts")

VERIFY_LINK_INVALID = "This confirmation link is invalid or has already been used. Sign in, or sign up again."


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Like password-reset tokens (signed, expiring with PASSWORD_RESET_TIMEOUT), but for confirming an email:
    the hash covers is_active, so a link stops working once it has been used."""

    key_salt = "newsdesk.community.accounts.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: AbstractBaseUser, timestamp: int) -> str:
        return f"{user.pk}{user.is_active}{user.email}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()


def verification_path(user: AbstractBaseUser) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:verify", args=[uid, email_verification_token.make_token(user)])


@transaction.atomic
def account_signup(
    *, username: str, email: str, display_name: str, password: str, site_url: str | None = None
) -> AbstractBaseUser:
    """An inactive user plus their profile; they become active by following the link emailed to them (on
    `site_url`, the origin they signed up at: common.site_url.site_url_for; else settings.SITE_URL)."""
    user = get_user_model().objects.create_user(username=username, email=email, password=password, is_active=False)
    Member.objects.create(user=user, display_name=display_name)
    transaction.on_commit(lambda: verification_email_send(user=user, site_url=site_url))
    log.info("account created", extra={"user_id": user.pk})
    return user


def verification_email_send(*, user: AbstractBaseUser, site_url: str | None = None) -> None:
    link = (site_url or settings.SITE_URL) + verification_path(user)
    context = {"user": user, "link": link, "site_name": settings.SITE_NAME}
    send_mail(
        subject=f"Confirm your email for {settings.SITE_NAME}",
        message=render_to_string("accounts/email_verify.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def account_of_link(*, uidb64: str, token: str) -> AbstractBaseUser | None:
    """The account a verification link names, or None when the link is wrong, expired or used. Changes nothing."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
        user = get_user_model().objects.get(pk=pk)
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        return None
    return user if email_verification_token.check_token(user, token) else None


def account_verify(*, uidb64: str, token: str) -> AbstractBaseUser | None:
    """Activate the account the link names, or None when the link is wrong, expired or used."""
    user = account_of_link(uidb64=uidb64, token=token)
    if user is None:
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    Member.objects.update_or_create(
        user=user, defaults={"email_verified_at": timezone.now()}, create_defaults={"display_name": user.username}
    )
    log.info("email verified", extra={"user_id": user.pk})
    return user
