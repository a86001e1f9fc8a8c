"""The operator's desk at 1280 px: every admin list (with long real-world values in it) fits without horizontal
scrolling, long errors are cut with the whole text in a tooltip, and the desk's front page shows what needs
attention."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from newsdesk.community import services as community
from newsdesk.ingest.models import EntryFailure
from newsdesk.rights.models import Tombstone
from newsdesk.rights.services import takedown_request_create
from newsdesk.websub.models import WebSubSubscription
from tests.browser.helpers import hooked_context
from tests.community.conftest import make_member
from tests.factories import make_article, make_category, make_feed, make_fetch_attempt, make_publisher

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTH = 1280
LONG_URL = "https://www.harbour-gazette.example/news/2026/12/04/" + "very-long-slug-" * 12 + "index.html?utm_source=rss"
# The kind of error the fetcher writes: long, with spaces, which a squeezed column showed one word per line.
LONG_ERROR = (
    "HTTPSConnectionPool(host='www.harbour-gazette.example', port=443): Max retries exceeded with url: "
    "/feeds/all.xml (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate "
    "verify failed: unable to get local issuer certificate (_ssl.c:1006)'))) after 3 attempts over 42 seconds"
)
OVERFLOW = """
() => {
  const page = document.scrollingElement.scrollWidth;
  const table = document.querySelector('#result_list');
  const box = table ? table.closest('.results') || table.parentElement : null;
  return {page, table: table ? table.scrollWidth : 0, box: box ? box.clientWidth : 0};
}
"""


@pytest.fixture
def desk_rows(db):
    publisher = make_publisher(name="The Harbour Gazette and Evening Maritime Chronicle of the Northern Coast")
    healthy = make_feed(publisher, url=LONG_URL)
    failing = make_feed(
        publisher,
        url="https://www.harbour-gazette.example/feeds/all.xml",
        last_error=LONG_ERROR,
        consecutive_errors=7,
    )
    paused = make_feed(
        publisher, url="https://paused.example/rss", is_paused=True, paused_reason="410 Gone", last_error="410 Gone"
    )
    category = make_category("Maritime affairs and coastal infrastructure")
    article = make_article(publisher, feed=healthy, category=category, title="Pilot boats return " * 8)
    make_fetch_attempt(failing, error=LONG_ERROR, outcome="error")
    now = timezone.now()
    EntryFailure.objects.create(
        key="a" * 64,
        url=LONG_URL,
        feed=failing,
        tries=3,
        last_error=LONG_ERROR[:500],
        last_tried_at=now,
        next_try_at=now,
    )
    WebSubSubscription.objects.create(
        feed=failing, hub_url="https://hub.example/" + "h" * 80, topic_url=LONG_URL, secret="s", last_error=LONG_ERROR
    )
    reader = make_member(name="A reader with quite a long display name indeed")
    community.comment_create(author=reader, target=article, body="A comment that waits. " * 20)
    request = takedown_request_create(
        requester_name="Legal department of the Harbour Gazette",
        requester_email="legal@harbour-gazette.example",
        signature="J. Counsel",
        good_faith=True,
        accurate=True,
        urls=[LONG_URL, LONG_URL + "&page=2"],
    )
    Tombstone.objects.create(kind=Tombstone.Kind.URL, key=LONG_URL, url=LONG_URL, publisher=publisher, request=request)
    return {"healthy": healthy, "failing": failing, "paused": paused, "request": request}


def changelist_urls() -> list[str]:
    urls = []
    for model in admin.site._registry:
        urls.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    return sorted(urls)


def change_urls() -> list[str]:
    """The change (or view) page of the first row of every admin model that has one."""
    urls = []
    for model in admin.site._registry:
        first = model._default_manager.order_by("pk").first()
        if first is not None and not model._meta.proxy:  # the OPML proxy has one page of its own, no rows
            urls.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[first.pk]))
    return sorted(urls)


def test_every_admin_list_fits_1280_px(live_server, browser, desk_rows):
    staff = make_member(staff=True, trusted=True, name="Operator")
    context = hooked_context(browser, base_url=live_server.url, user=staff, viewport={"width": WIDTH, "height": 900})
    page = context.new_page()
    too_wide, visited = {}, []
    for path in ["/admin/", *changelist_urls(), *change_urls()]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        visited.append(path)
        sizes = page.evaluate(OVERFLOW)
        if sizes["page"] > WIDTH or sizes["table"] > sizes["box"]:
            too_wide[path] = sizes
    context.close()
    assert too_wide == {}, too_wide
    assert len(visited) > 25


@pytest.mark.parametrize("width", [1280, 1920])
def test_the_feed_lists_last_error_is_one_line_with_the_whole_error_in_its_tooltip(
    live_server, browser, desk_rows, width
):
    staff = make_member(staff=True, trusted=True, name="Operator")
    context = hooked_context(browser, base_url=live_server.url, user=staff, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/admin/sources/feed/")

    cell = page.locator(f'#result_list td.field-last_error_short span[title^="{LONG_ERROR[:20]}"]')
    assert cell.get_attribute("title") == LONG_ERROR
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#result_list td')).lineHeight)")
    assert cell.bounding_box()["height"] <= line * 1.5  # one line, not one word per line
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    assert page.locator("#result_list img[src$='icon-no.svg']").count() == 0
    context.close()
