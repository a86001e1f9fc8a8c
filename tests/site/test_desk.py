"""The operator's desk: its front page shows what needs attention, and the feed list says what is wrong."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.html import escape

from newsdesk.community import services as community
from newsdesk.ingest.models import PeriodicJob
from newsdesk.rights.models import TakedownRequest
from newsdesk.rights.services import takedown_request_create
from newsdesk.site.desk.dashboard import desk_panels
from tests.community.conftest import make_member
from tests.factories import make_article, make_feed, make_publisher

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ERROR = (
    "HTTPSConnectionPool(host='harbour.example', port=443): Max retries exceeded (SSLError: certificate verify failed)"
)


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("operator", "operator@example.org", "pw-for-tests")
    client.force_login(user)
    return client


@pytest.fixture
def feeds(db):
    publisher = make_publisher(name="Harbour Gazette")
    return {
        "healthy": make_feed(publisher, url="https://harbour.example/healthy.xml"),
        "failing": make_feed(
            publisher, url="https://harbour.example/failing.xml", consecutive_errors=4, last_error=ERROR
        ),
        "paused": make_feed(
            publisher,
            url="https://harbour.example/gone.xml",
            is_paused=True,
            paused_reason="410 Gone",
            last_error="410 Gone",
            consecutive_errors=9,
        ),
    }


def takedown(name: str, *, hours_ago: float) -> TakedownRequest:
    request = takedown_request_create(
        requester_name=name,
        requester_email="legal@harbour.example",
        signature=name,
        good_faith=True,
        accurate=True,
        urls=[f"https://harbour.example/news/{name.lower().replace(' ', '-')}"],
    )
    received = timezone.now() - timedelta(hours=hours_ago)
    TakedownRequest.objects.filter(pk=request.pk).update(received_at=received, deadline=received + timedelta(hours=24))
    return request


def test_the_desk_lists_open_takedowns_nearest_deadline_first_and_marks_the_overdue(staff_client):
    fresh = takedown("Fresh Notice", hours_ago=1)
    overdue = takedown("Late Notice", hours_ago=26)
    soon = takedown("Soon Notice", hours_ago=20)

    panels = desk_panels()
    page = staff_client.get("/admin/").content.decode()

    assert panels.takedowns == [overdue, soon, fresh]
    assert panels.takedowns_open == 3
    assert panels.takedowns_overdue == 1
    assert 'id="desk-takedowns"' in page
    assert "<strong>overdue by 2" in page
    assert page.index("Late Notice") < page.index("Soon Notice") < page.index("Fresh Notice")


def test_closed_takedowns_leave_the_desk(staff_client):
    request = takedown("Done Notice", hours_ago=2)
    TakedownRequest.objects.filter(pk=request.pk).update(state=TakedownRequest.State.REMOVED)

    assert "No takedown notice waits." in staff_client.get("/admin/").content.decode()
    assert desk_panels().takedowns_open == 0


def test_the_desk_shows_the_queue_and_failing_and_paused_feeds_with_their_last_error(staff_client, feeds):
    article = make_article(make_publisher(name="Other"), title="Commented", image_url="")
    community.comment_create(author=make_member(), target=article, body="Waiting for a moderator")

    page = staff_client.get("/admin/").content.decode()

    assert "1 waiting</a>, 0 reported" in page
    failing = page[page.index('id="desk-failing"') : page.index('id="desk-paused"')]
    assert 'Failing feeds <span class="count">(1)</span>' in failing
    assert "failing.xml" in failing
    assert "Max retries exceeded" in failing
    assert "gone.xml" not in failing  # paused feeds have their own panel
    paused = page[page.index('id="desk-paused"') :]
    assert "gone.xml" in paused
    assert "410 Gone" in paused
    assert 'id="desk-ingest"' in page


def test_the_feed_list_shows_paused_and_failing_only_where_true(staff_client, feeds):
    page = staff_client.get("/admin/sources/feed/").content.decode()

    assert "icon-no.svg" not in page  # no red cross on healthy feeds
    assert "icon-yes.svg" not in page
    assert '<span class="state-paused" title="410 Gone">Paused</span>' in page
    assert "Failing \u00d74" in page
    assert page.count("state-paused") == 1
    assert page.count("state-failing") == 1
    assert f'<span title="{escape(ERROR)}">' in page  # the whole error in the tooltip


@pytest.mark.parametrize(
    ("state", "expected"), [("failing", "failing.xml"), ("paused", "gone.xml"), ("healthy", "healthy.xml")]
)
def test_the_desks_links_filter_the_feed_list_by_state(staff_client, feeds, state, expected):
    response = staff_client.get(f"/admin/sources/feed/?state={state}")

    assert response.status_code == 200
    assert [feed.url.rsplit("/", 1)[1] for feed in response.context["cl"].result_list] == [expected]


def test_opml_import_and_export_sit_with_the_sources_not_websub(staff_client):
    page = staff_client.get("/admin/").content.decode()

    sources = page.index('class="app-sources module')
    websub = page.index('class="app-websub module')
    opml = page.index('href="/admin/sources/opmltransfer/"')
    assert sources < opml
    assert not (websub < opml < page.index("</table>", websub))
    assert "OPML import / export" in staff_client.get("/admin/sources/").content.decode()


def _silent_workers_warning(page: str) -> bool:
    panel = page[page.index('id="desk-takedowns"') : page.index('id="desk-moderation"')]
    return "No worker is running" in panel


def test_open_takedowns_with_no_worker_ever_run_warn_that_they_wait_while_their_deadline_runs(staff_client):
    takedown("Waiting Notice", hours_ago=1)

    page = staff_client.get("/admin/").content.decode()

    assert _silent_workers_warning(page)
    assert "none has ever run" in page
    assert "The 24 h deadlines keep running." in page
    assert "Last worker seen: never" in page


def test_a_worker_silent_for_longer_than_the_limit_is_named_with_its_last_sighting(staff_client):
    takedown("Waiting Notice", hours_ago=1)
    PeriodicJob.objects.create(
        name="search_reindex", next_run_at=timezone.now(), last_started_at=timezone.now() - timedelta(hours=3)
    )

    page = staff_client.get("/admin/").content.decode()

    assert _silent_workers_warning(page)
    assert "last seen 3\xa0hours ago" in page


@pytest.mark.parametrize("sign_of_life", ["periodic job", "feed lease"])
def test_a_running_worker_raises_no_warning(staff_client, feeds, sign_of_life):
    takedown("Waiting Notice", hours_ago=1)
    now = timezone.now()
    if sign_of_life == "periodic job":
        PeriodicJob.objects.create(name="search_reindex", next_run_at=now, last_started_at=now - timedelta(seconds=20))
    else:  # in a long cycle: no job started lately, but it holds (and renews) a feed's lease
        PeriodicJob.objects.create(name="search_reindex", next_run_at=now, last_started_at=now - timedelta(hours=1))
        feeds["healthy"].__class__.objects.filter(pk=feeds["healthy"].pk).update(
            lease_owner="worker-1", lease_expires_at=now + timedelta(minutes=5)
        )

    page = staff_client.get("/admin/").content.decode()

    assert not _silent_workers_warning(page)
    assert "no worker is running" not in page
    assert not desk_panels().workers_silent


@pytest.mark.parametrize(("due", "line"), [(1, "1 feed due;"), (2, "2 feeds due;")])
def test_the_desk_counts_feeds_due_in_words_that_agree(staff_client, due, line):
    publisher = make_publisher(name="Harbour Gazette")
    for n in range(due):
        make_feed(publisher, url=f"https://harbour.example/{n}.xml", next_check_at=timezone.now() - timedelta(hours=1))

    assert line in staff_client.get("/admin/").content.decode()
