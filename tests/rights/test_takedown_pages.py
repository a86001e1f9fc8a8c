"""The public takedown form, its email confirmation link and the transparency page."""

import re

import pytest
from django.core import mail
from django.test import Client

from newsdesk.rights import forms, notify, scope, services
from newsdesk.rights.models import TakedownRequest
from newsdesk.rights.views import CONFIRM_LINK_INVALID
from tests.emailed_links import press_the_button, scanner_opens
from tests.factories import make_article, make_publisher

pytestmark = pytest.mark.django_db

VALID = {
    "requester_name": "Rita Owner",
    "requester_email": "rita@gmail.example",
    "organisation": "Daily Example",
    "contact": "1 Main Street, Springfield",
    "work": "Our article about the zeppelin",
    "urls": "https://daily.example/news/z?utm_source=x\nhttps://daily.example/news/y",
    "prefix": "",
    "good_faith": "on",
    "accurate": "on",
    "signature": "Rita Owner",
    "website": "",
}


def _post(client: Client, **changes) -> object:
    return client.post("/rights/takedown", {**VALID, **changes})


def test_the_form_names_every_element_of_a_notice_and_carries_a_csrf_token(client):
    page = client.get("/rights/takedown").content.decode()

    assert "csrfmiddlewaretoken" in page
    for name in ("requester_name", "requester_email", "contact", "work", "urls", "prefix", "good_faith", "accurate"):
        assert f'name="{name}"' in page
    assert forms.GOOD_FAITH_TEXT in page
    assert 'class="hp"' in page


def test_a_notice_is_received_and_the_requester_gets_a_confirmation_link_with_the_proof_instructions(client):
    publisher = make_publisher(homepage="https://daily.example/", contact_domain="daily.example")
    make_article(publisher, canonical_url="https://daily.example/news/z")

    response = _post(client)

    assert response.status_code == 201
    notice = TakedownRequest.objects.get()
    assert notice.urls == ["https://daily.example/news/z?utm_source=x", "https://daily.example/news/y"]
    assert notice.publisher == publisher
    assert notice.client_key
    assert f"Notice #{notice.pk} received" in response.content.decode()
    [email] = mail.outbox
    assert email.to == ["rita@gmail.example"]
    assert "_newsdesk-takedown.daily.example" in email.body
    assert f"newsdesk-takedown={notice.verification_token}" in email.body
    assert re.search(r"http://\S+/rights/takedown/confirm/\S+", email.body)
    link = re.search(r"/rights/takedown/confirm/\S+", email.body).group(0)

    confirmed = client.post(link)

    assert confirmed.status_code == 200
    notice.refresh_from_db()
    assert notice.email_confirmed_at is not None
    assert notice.state == TakedownRequest.State.RECEIVED  # a gmail address proves nothing about daily.example


def test_the_confirmation_email_is_plain_text_a_requester_can_copy_from(client, settings):
    """The email is text/plain: the meta tag, tracking URLs and names come as typed, not HTML-escaped (a pasted
    `&lt;meta …&gt;` proves nothing)."""
    settings.SITE_NAME = "News & Views"
    make_publisher(homepage="https://daily.example/", contact_domain="daily.example")
    _post(client, requester_name="Rita O'Brien", urls="https://daily.example/news/z?utm_source=x&id=7")

    [email] = mail.outbox
    notice = TakedownRequest.objects.get()

    assert f'<meta name="newsdesk-takedown" content="{notice.verification_token}">' in email.body
    assert "https://daily.example/news/z?utm_source=x&id=7" in email.body
    assert "Hello Rita O'Brien," in email.body
    assert "on News & Views naming" in email.body
    assert "&lt;" not in email.body
    assert "&amp;" not in email.body
    assert "&#x27;" not in email.body


def test_the_operators_emails_name_the_requester_as_typed(settings):
    settings.NEWSDESK_TAKEDOWN_OPERATORS = ["desk@example.org"]
    notice = services.takedown_request_create(
        requester_name="Rita O'Brien & Co",
        requester_email="rita@gmail.example",
        signature="Rita O'Brien",
        good_faith=True,
        accurate=True,
        urls=["https://daily.example/news/z"],
    )
    mail.outbox.clear()

    notify.operators_notify(subject="new takedown", template="rights/email_operator_new.txt", request=notice)
    notify.operators_notify(subject="reminder", template="rights/email_operator_reminder.txt", request=notice)

    new, reminder = mail.outbox
    assert "from Rita O'Brien & Co <rita@gmail.example>" in new.body
    assert "&" + "amp;" not in new.body + reminder.body
    assert "&lt;" not in new.body


def test_confirming_an_address_at_the_publishers_domain_verifies_the_notice(client):
    make_publisher(homepage="https://daily.example/", contact_domain="daily.example")
    _post(client, requester_email="legal@news.daily.example")
    link = re.search(r"/rights/takedown/confirm/\S+", mail.outbox[0].body).group(0)

    page = client.post(link).content.decode()

    notice = TakedownRequest.objects.get()
    assert notice.state == TakedownRequest.State.VERIFIED
    assert notice.verification_method == TakedownRequest.Method.EMAIL
    assert "removed within one cycle" in page


def test_opening_the_confirmation_link_confirms_nothing_until_its_button_is_pressed(client):
    # A mail scanner fetches (GET or HEAD) every link of a message before its reader sees it: that must not confirm
    # the address, which at the publisher's domain verifies the notice.
    make_publisher(homepage="https://daily.example/", contact_domain="daily.example")
    _post(client, requester_email="legal@daily.example")
    link = re.search(r"/rights/takedown/confirm/\S+", mail.outbox[0].body).group(0)
    notice = TakedownRequest.objects.get()

    scanner = scanner_opens(link)
    notice.refresh_from_db()
    unconfirmed = notice.email_confirmed_at

    pressed = press_the_button(scanner, link)
    again = scanner.client.get(link)

    assert (scanner.head.status_code, scanner.head.content) == (200, b"")
    assert scanner.page.status_code == 200
    assert f'<form method="post" action="{link}">' in scanner.page.content.decode()
    assert "Confirm my address" in scanner.page.content.decode()
    assert scanner.forged.status_code == 403
    assert unconfirmed is None
    assert pressed.status_code == 200
    assert "removed within one cycle" in pressed.content.decode()
    notice.refresh_from_db()
    assert notice.email_confirmed_at is not None
    assert notice.state == TakedownRequest.State.VERIFIED
    assert "removed within one cycle" in again.content.decode()  # the old link, opened again, says it is done


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_confirmation_link_is_refused_with_a_clear_message(client, method):
    response = getattr(client, method)("/rights/takedown/confirm/not-a-real-token")

    assert response.status_code == 400
    assert CONFIRM_LINK_INVALID in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"urls": "", "prefix": ""}, services.NO_TARGET),
        ({"urls": "ftp://daily.example/x"}, scope.BAD_URL.format(url="ftp://daily.example/x")),
        ({"urls": "https://daily.example/x\nsee my letter"}, scope.BAD_URL.format(url="https://see my letter")),
        ({"urls": "", "prefix": "http://[::1"}, scope.BAD_URL.format(url="http://[::1")),
        ({"website": "http://spam.example"}, forms.HONEYPOT_FILLED),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(client, changes, message):
    response = _post(client, **changes)

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "1 Main Street, Springfield" in page
    assert 'value="Rita Owner"' in page
    assert TakedownRequest.objects.count() == 0


def test_missing_statements_are_named_field_by_field(client):
    response = _post(client, good_faith="", accurate="")

    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") == 2
    assert TakedownRequest.objects.count() == 0


def test_one_address_may_file_only_a_few_notices_an_hour(client, settings):
    settings.NEWSDESK_TAKEDOWN_RATE_LIMIT = 2
    assert _post(client).status_code == 201
    assert _post(client).status_code == 201

    response = _post(client)

    assert response.status_code == 429
    assert forms.RATE_LIMITED in response.content.decode()
    assert TakedownRequest.objects.count() == 2


def test_csrf_is_enforced_on_the_form():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/rights/takedown", VALID)

    assert response.status_code == 403
    assert TakedownRequest.objects.count() == 0


def test_the_transparency_page_shows_counts_by_outcome_and_removal_times(client):
    make_article(make_publisher(homepage="https://daily.example/"), canonical_url="https://daily.example/a")
    notice = services.takedown_request_create(
        requester_name="R",
        requester_email="r@x.example",
        signature="R",
        good_faith=True,
        accurate=True,
        urls=["https://daily.example/a"],
    )
    services.takedown_operator_remove(request=notice, actor="op")
    rejected = services.takedown_request_create(
        requester_name="R",
        requester_email="r@x.example",
        signature="R",
        good_faith=True,
        accurate=True,
        urls=["https://daily.example/b"],
    )
    services.takedown_reject(request=rejected, reasons="Not yours.", actor="op")

    page = client.get("/rights/transparency").content.decode()

    assert '<td id="count-removed">1</td>' in page
    assert '<td id="count-rejected">1</td>' in page
    assert '<td id="count-total">2</td>' in page
    # The one removal's time as stored (0 s on a quiet machine; a loaded one can take a second between the calls).
    notice.refresh_from_db()
    seconds = round((notice.removed_at - notice.received_at).total_seconds())
    assert seconds < 60
    assert f'id="median-removal">{seconds} s<' in page
    assert "/rights/takedown" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("typed", "page"), [("/rights/takedown/", "/rights/takedown"), ("/rights/transparency/", "/rights/transparency")]
)
def test_the_desks_pages_typed_with_a_final_slash_lead_to_them(client, typed, page):
    """Every other page of the site ends in "/": typed so, the desk's are found too, not a 404."""
    response = client.get(typed)

    assert response.status_code == 301
    assert response["Location"] == page
