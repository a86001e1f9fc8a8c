"""Accounts: sign-up with email verification, sign-in (throttled), password reset, TOTP for staff."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsdesk.community import forms, two_factor
from newsdesk.community.accounts import VERIFY_LINK_INVALID
from newsdesk.community.forms import EMAIL_TAKEN
from newsdesk.community.models import Member
from newsdesk.community.views import accounts as account_views
from tests.community.conftest import PASSWORD, make_member
from tests.emailed_links import press_the_button, scanner_opens

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SIGNUP = {
    "username": "ada",
    "email": "ada@example.org",
    "display_name": "Ada L.",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "website": "",
}


def emailed_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def forget_throttle(device: TOTPDevice) -> None:
    """django-otp slows retries down after a wrong code; these tests are not about that."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    device.refresh_from_db()


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_sign_up_sends_a_link_that_activates_the_account_once(django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", SIGNUP)

    assert response.status_code == 200
    assert "we emailed a link to ada@example.org" in response.content.decode()
    user = get_user_model().objects.get(username="ada")
    assert not user.is_active
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    link = emailed_path(mail.outbox[0])

    assert client.post(link).status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert Member.objects.get(user=user).email_verified_at is not None
    again = client.get(link)
    assert again.status_code == 400
    assert VERIFY_LINK_INVALID in again.content.decode()

    signed_in = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert "Ada L." in client.get("/").content.decode()


def test_opening_the_sign_up_link_activates_nothing_until_its_button_is_pressed(django_capture_on_commit_callbacks):
    # A mail scanner fetches (GET or HEAD) every link of a message before its reader sees it: that must not confirm
    # the address, as for the takedown desk's link (tests/rights/test_takedown_pages.py).
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/signup/", SIGNUP)
    link = emailed_path(mail.outbox[0])
    user = get_user_model().objects.get(username="ada")

    scanner = scanner_opens(link)
    user.refresh_from_db()
    active_before_the_button = user.is_active

    pressed = press_the_button(scanner, link)

    assert (scanner.head.status_code, scanner.head.content) == (200, b"")
    assert scanner.page.status_code == 200
    assert f'<form method="post" action="{link}">' in scanner.page.content.decode()
    assert "<strong>ada@example.org</strong> is your address" in scanner.page.content.decode()
    assert "Confirm my address" in scanner.page.content.decode()
    assert "press its button" in mail.outbox[0].body
    assert scanner.forged.status_code == 403
    assert active_before_the_button is False
    assert (pressed.status_code, pressed["Location"]) == (302, "/accounts/login/")
    user.refresh_from_db()
    assert user.is_active
    assert Member.objects.get(user=user).email_verified_at is not None


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_sign_up_link_is_refused_with_a_clear_message(db, method):
    make_member(username="grace", is_active=False)
    response = getattr(Client(), method)("/accounts/verify/MQ/not-a-real-token/")

    assert response.status_code == 400
    assert VERIFY_LINK_INVALID in response.content.decode()


@pytest.mark.parametrize(
    ("configured", "site_url", "expected"),
    [
        (False, "http://127.0.0.1:8000", "http://news.lan:8080/"),
        (True, "https://news.example.org", "https://news.example.org/"),
    ],
)
def test_the_sign_up_link_opens_on_the_address_the_reader_signed_up_at(
    settings, django_capture_on_commit_callbacks, configured, site_url, expected
):
    """As the takedown desk's link does (common.site_url.site_url_for): NEWSDESK_SITE_URL when it is set, else the
    host the reader came in on, not a 127.0.0.1 default they cannot reach."""
    settings.SITE_URL_CONFIGURED, settings.SITE_URL = configured, site_url
    settings.ALLOWED_HOSTS = ["news.lan"]
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/signup/", SIGNUP, HTTP_HOST="news.lan:8080")

    [email] = mail.outbox
    assert re.search(r"https?://\S+", email.body).group(0).startswith(expected + "accounts/verify/")


def test_account_emails_are_plain_text_with_nothing_escaped(settings, django_capture_on_commit_callbacks):
    settings.SITE_NAME = "News & Views"
    make_member(username="linus", email="linus@example.org")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", SIGNUP)
    client.post("/accounts/password-reset/", {"email": "linus@example.org"})

    verify, reset = mail.outbox
    assert "an account on News & Views with" in verify.body
    assert "to choose a new password on News & Views, open:" in reset.body
    assert reset.subject == "Reset your password on News & Views"
    assert "&amp;" not in verify.body + reset.body


def test_sign_up_with_bad_input_says_why_and_keeps_what_was_typed(db):
    make_member(email="taken@example.org")

    response = Client().post("/accounts/signup/", {**SIGNUP, "email": "taken@example.org", "password2": "other"})

    assert response.status_code == 400
    page = response.content.decode()
    assert EMAIL_TAKEN in page
    assert "The two password fields didn" in page
    assert 'value="ada"' in page
    assert 'value="Ada L."' in page
    assert 'value="taken@example.org"' in page


def test_a_bot_filling_the_honeypot_gets_no_account(db):
    response = Client().post("/accounts/signup/", {**SIGNUP, "website": "http://spam.example"})

    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="ada").exists()


def test_sign_in_is_throttled_after_five_failures(db):
    make_member(username="victim")
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [
        client.post("/accounts/login/", {"username": "victim", "password": f"wrong-{n}"}).status_code for n in range(6)
    ]

    assert statuses[:4] == [400] * 4
    assert statuses[4:] == [429, 429]
    locked = client.post("/accounts/login/", {"username": "victim", "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0


def test_a_wrong_password_says_so_and_keeps_the_username(db):
    make_member(username="grace")

    response = Client().post("/accounts/login/", {"username": "grace", "password": "nope"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Please enter a correct username and password" in page
    assert 'value="grace"' in page


def test_password_reset_by_email_sets_a_new_password(db):
    user = make_member(username="linus", email="linus@example.org")
    client = Client()

    response = client.post("/accounts/password-reset/", {"email": "linus@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = emailed_path(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_password = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-password-9", "new_password2": "brand-new-password-9"},
    )

    assert set_password.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-password-9")


def test_a_refused_password_reset_form_answers_400_as_the_other_account_forms_do(db):
    response = Client().post("/accounts/password-reset/", {"email": "not an address"})

    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
    assert mail.outbox == []


def test_a_refused_new_password_answers_400_and_changes_nothing(db):
    user = make_member(username="linus", email="linus@example.org")
    client = Client()
    client.post("/accounts/password-reset/", {"email": "linus@example.org"})
    form_page = client.get(emailed_path(mail.outbox[0]), follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "brand-new-password-9", "new_password2": "another-one-9"}
    )

    assert response.status_code == 400
    assert "fields didn" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_staff_sent_to_set_up_a_device_keep_the_whole_page_they_asked_for(db, settings):
    settings.NEWSDESK_STAFF_TOTP_REQUIRED = True
    make_member(username="editor", staff=True)
    asked = "/admin/articles/article/?q=harbour&language__exact=fr"

    response = Client().post("/accounts/login/", {"username": "editor", "password": PASSWORD, "next": asked})

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/two-factor/"
    assert parse_qs(location.query) == {"next": [asked]}


def test_staff_without_a_device_are_sent_to_set_one_up_and_the_admin_waits_for_it(db, settings):
    settings.NEWSDESK_STAFF_TOTP_REQUIRED = True
    make_member(username="editor", staff=True)
    client = Client()

    response = client.post("/accounts/login/", {"username": "editor", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")
    assert client.get("/admin/").status_code == 302  # signed in, not verified: the admin stays closed

    setup = client.get(response["Location"])
    assert "totp-secret" in setup.content.decode()
    device = TOTPDevice.objects.get(user__username="editor")
    wrong = client.post("/accounts/two-factor/", {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 400
    assert two_factor.CODE_WRONG in wrong.content.decode()
    forget_throttle(device)

    done = client.post("/accounts/two-factor/", {"code": current_code(device), "next": "/admin/"})
    assert done.status_code == 302
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_staff_with_a_device_type_a_code_after_the_password(db, settings):
    settings.NEWSDESK_STAFF_TOTP_REQUIRED = True
    user = make_member(username="chief", staff=True)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()

    response = client.post("/accounts/login/", {"username": "chief", "password": PASSWORD, "next": "/admin/"})
    assert response["Location"] == "/accounts/login/code/"
    assert client.get("/admin/").status_code == 302  # the password alone does not sign in

    assert client.post("/accounts/login/code/", {"code": "123456"}).status_code == 400
    forget_throttle(device)
    ok = client.post("/accounts/login/code/", {"code": current_code(device)})
    assert ok.status_code == 302
    assert ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_five_wrong_codes_end_the_sign_in(db, settings):
    settings.NEWSDESK_STAFF_TOTP_REQUIRED = True
    user = make_member(username="boss", staff=True)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    client.post("/accounts/login/", {"username": "boss", "password": PASSWORD})

    responses = [client.post("/accounts/login/code/", {"code": "000000"}) for _ in range(account_views.MAX_CODE_TRIES)]

    assert responses[-1].status_code == 302
    assert responses[-1]["Location"] == "/accounts/login/"
    assert client.get("/accounts/login/code/").status_code == 302


def test_the_admin_login_page_sends_staff_to_the_two_factor_sign_in(db, settings):
    settings.NEWSDESK_STAFF_TOTP_REQUIRED = True

    response = Client().get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


@pytest.mark.parametrize("name", ["\u202eevil", "Ada\u200bL.", "Ada\nLovelace", "bell\x07", "\u2066Ada"])
def test_a_display_name_with_hidden_characters_is_refused(client, name):
    # A direction override (U+202E) shown beside a comment turned the rest of its line around; zero-width and control
    # characters make two names that look alike.
    response = client.post("/accounts/signup/", {**SIGNUP, "display_name": name})

    assert response.status_code == 400
    assert html.escape(forms.NAME_HIDDEN_CHARACTERS) in response.content.decode()
    assert not get_user_model().objects.filter(username="ada").exists()


# A Persian name whose two parts a zero-width non-joiner keeps apart, as the script needs.
PERSIAN_NAME = "\u0645\u0647\u0633\u0627\u200c\u0631\u0636\u0627\u06cc\u06cc"


@pytest.mark.parametrize(
    "name",
    [
        "Ada L.",
        PERSIAN_NAME,
        "👩\u200d💻 Ada",
        "Zoë Ñúñez",
        "Ada \U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
        "\u05d3\u05e0\u05d4 2\u200f",
    ],
)
def test_a_display_name_with_joiners_and_any_script_is_taken(client, name):
    response = client.post("/accounts/signup/", {**SIGNUP, "display_name": name})

    assert response.status_code == 200
    assert Member.objects.get(user__username="ada").display_name == name
