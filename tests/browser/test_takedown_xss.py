"""The XSS corpus (../shared/eval/xss) typed into the takedown form and stored in notices, rendered in chromium:
the form that echoes refused input back, the operators' desk, the notices list and a notice's page. The hooks of
tests/browser/helpers.py record any script that runs, any CSP violation and any markup that could run script."""

import pytest
from django.utils import timezone

from newsdesk.rights.models import TakedownRequest
from tests.browser.helpers import hooked_context, page_findings
from tests.browser.test_xss import CLEAN, FORM_STRIDE, xss_vectors
from tests.community.conftest import make_member

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT_FIELDS = ("#id_requester_name", "#id_organisation", "#id_contact", "#id_work", "#id_urls", "#id_signature")


def test_vectors_typed_into_the_takedown_form_are_echoed_back_inert_and_kept(live_server, browser):
    vectors = xss_vectors()
    closers = [v for v in vectors if "</textarea" in v["payload"].lower()]
    sample = [v for n, v in enumerate(vectors) if n % FORM_STRIDE == 0] + closers[:20]
    context = hooked_context(browser, base_url=live_server.url)
    page = context.new_page()
    page.goto(live_server.url + "/rights/takedown")
    for vector in sample:
        payload = vector["payload"][:200]
        for selector in TEXT_FIELDS:
            page.fill(selector, payload)
        page.fill("#id_requester_email", "not an address")  # refused: the form comes back with everything typed
        page.check("#id_good_faith")
        page.check("#id_accurate")
        with page.expect_navigation() as navigation:
            page.click("form.takedown-form button[type=submit]")
        assert navigation.value.status == 400, vector["id"]
        assert page_findings(page) == CLEAN, (vector["id"], page_findings(page))
        assert page.input_value("#id_contact") == payload.replace("\r\n", "\n"), vector["id"]
    assert TakedownRequest.objects.count() == 0
    context.close()


def test_operators_see_notices_full_of_vectors_without_anything_running(live_server, browser, settings):
    settings.NEWSDESK_STAFF_TOTP_REQUIRED = False
    vectors = xss_vectors()[::25]
    now = timezone.now()
    TakedownRequest.objects.bulk_create(
        TakedownRequest(
            requester_name=v["payload"][:200],
            requester_email=f"x{n}@example.org",
            organisation=v["payload"][:200],
            contact=v["payload"],
            work=v["payload"],
            urls=[v["payload"]],
            signature=v["payload"][:200],
            good_faith=True,
            accurate=True,
            received_at=now,
            deadline=now,
            verification_token=f"token-{n}",
            last_check_result=v["payload"][:500],
            reasons=v["payload"],
        )
        for n, v in enumerate(vectors)
    )
    operator = make_member(staff=True, trusted=True, name="Desk")
    operator.is_superuser = True
    operator.save()
    context = hooked_context(browser, base_url=live_server.url, user=operator)
    page = context.new_page()
    first = TakedownRequest.objects.order_by("pk").first()
    for path in (
        "/admin/",
        "/admin/rights/takedownrequest/?all=",
        f"/admin/rights/takedownrequest/{first.pk}/change/",
        "/rights/transparency",
    ):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert page.url == live_server.url + path  # not sent to a sign-in page
        assert page_findings(page) == CLEAN, (path, page_findings(page))
    assert page.goto(live_server.url + "/admin/").ok
    assert page.locator("#desk-takedowns tbody tr").count() == 10  # the panel shows the nearest ten
    context.close()
