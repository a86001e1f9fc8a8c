"""The operator's desk: open takedowns by SLA time left on the front page, and the decisions as admin actions."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.rights import services
from newsdesk.rights.admin import REASONS_FIRST
from newsdesk.rights.models import AuditEntry, TakedownRequest
from tests.factories import make_article, make_publisher

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/rights/takedownrequest/"


@pytest.fixture
def operator_client(settings) -> Client:
    settings.NEWSDESK_STAFF_TOTP_REQUIRED = False
    user = get_user_model().objects.create_user("ann", "ann@desk.example", "pw", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def _notice(url: str) -> TakedownRequest:
    return services.takedown_request_create(
        requester_name="Rita",
        requester_email="r@x.example",
        signature="Rita",
        good_faith=True,
        accurate=True,
        urls=[url],
    )


def _action(client: Client, action: str, notices, **extra: str) -> str:
    # The changelist's own form sends "index"; the reasons page (like Django's delete confirmation) does not.
    data = {"action": action, "_selected_action": [n.pk for n in notices], **extra}
    response = client.post(CHANGELIST, data if "apply" in extra else {**data, "index": 0}, follow=True)
    return response.content.decode()


def test_the_desk_lists_open_takedowns_nearest_deadline_first_with_overdue_ones_marked(operator_client):
    later = _notice("https://daily.example/a")
    overdue = _notice("https://daily.example/b")
    TakedownRequest.objects.filter(pk=overdue.pk).update(deadline=timezone.now() - timedelta(hours=1))

    page = operator_client.get("/admin/").content.decode()

    panel = page[page.index('id="desk-takedowns"') :]
    assert "(2 open, 1 overdue)" in panel
    assert panel.index(f"#{overdue.pk} Rita") < panel.index(f"#{later.pk} Rita")
    assert "overdue by" in panel


def test_an_operator_removes_rejects_and_reinstates_from_the_list(operator_client):
    article = make_article(make_publisher(homepage="https://daily.example/"), canonical_url="https://daily.example/a")
    removed = _notice(article.canonical_url)
    rejected = _notice("https://daily.example/b")

    assert "1 removed." in _action(operator_client, "remove_now", [removed])
    assert not Article.objects.filter(pk=article.pk).exists()
    ask = _action(operator_client, "reject", [rejected])
    assert "Statement of reasons" in ask
    assert f"#{rejected.pk} — Rita" in ask
    assert TakedownRequest.objects.get(pk=rejected.pk).state == TakedownRequest.State.RECEIVED
    assert REASONS_FIRST in _action(operator_client, "reject", [rejected], apply="1", statement=" ")
    assert "1 rejected." in _action(
        operator_client, "reject", [rejected], apply="1", statement="Not the rights holder."
    )
    TakedownRequest.objects.filter(pk=removed.pk).update(reasons="Counter-notice accepted.")
    assert "1 reinstated" in _action(operator_client, "reinstate", [removed])  # the reasons typed in the notice

    states = dict(TakedownRequest.objects.values_list("pk", "state"))
    assert states == {removed.pk: "reinstated", rejected.pk: "rejected"}
    assert TakedownRequest.objects.get(pk=rejected.pk).reasons == "Not the rights holder."
    assert AuditEntry.objects.filter(actor="operator ann").count() == 4  # verified, removed, rejected, reinstated


@pytest.mark.parametrize(
    ("notices", "message"), [(1, "1 counter-notice recorded."), (2, "2 counter-notices recorded.")]
)
def test_recorded_counter_notices_are_counted_in_words_that_agree(operator_client, notices, message):
    typed = [_notice(f"https://daily.example/{n}") for n in range(notices)]
    TakedownRequest.objects.filter(pk__in=[n.pk for n in typed]).update(counter_notice="I wrote it myself.")

    assert message in _action(operator_client, "record_counter_notice", typed)
    assert AuditEntry.objects.filter(action="counter-notice").count() == notices


def test_the_audit_log_cannot_be_edited_or_deleted_in_the_admin(operator_client):
    _notice("https://daily.example/a")
    entry = AuditEntry.objects.get()

    assert operator_client.get(f"/admin/rights/auditentry/{entry.pk}/delete/").status_code in (302, 403)
    response = operator_client.post(f"/admin/rights/auditentry/{entry.pk}/change/", {"actor": "forged"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.actor == "public form"


def test_a_notices_page_lists_its_urls_one_per_line_as_links(operator_client):
    # The field was shown as its JSON list, quotes escaped: ["https://…", "https://…"].
    notice = services.takedown_request_create(
        requester_name="Rita",
        requester_email="r@x.example",
        signature="Rita",
        good_faith=True,
        accurate=True,
        urls=["https://daily.example/a?x=1&y=2", "https://daily.example/b"],
    )

    page = operator_client.get(f"{CHANGELIST}{notice.pk}/change/").content.decode()

    assert (
        '<li><a href="https://daily.example/a?x=1&amp;y=2" rel="noreferrer">https://daily.example/a?x=1&amp;y=2</a>'
        in page
    )
    assert '<li><a href="https://daily.example/b" rel="noreferrer">https://daily.example/b</a></li>' in page
    assert "[&quot;https://daily.example" not in page
