"""OPML import/export services, the `opml` command and the admin page."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from newsdesk.reader.feeds.opml import OPML_MALFORMED, OPML_NOT_OPML, OpmlError
from newsdesk.sources.models import Feed, Publisher
from newsdesk.sources.opml_services import OPML_UNKNOWN_POLICY, opml_export, opml_import
from tests.factories import make_feed, make_publisher

pytestmark = pytest.mark.django_db

READER_EXPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Reader export</title></head><body>
  <outline text="News">
    <outline type="rss" text="Daily Planet" xmlUrl="https://dailyplanet.test/rss.xml" htmlUrl="https://dailyplanet.test/"/>
    <outline type="rss" text="Daily Planet Sport" xmlUrl="https://dailyplanet.test/sport.xml" htmlUrl="https://DailyPlanet.test/sport"/>
    <outline type="atom" text="Gotham Gazette" xmlUrl="https://gazette.test/atom"/>
  </outline>
  <outline text="Le Monde Test" htmlUrl="https://lemonde.test/">
    <outline text="Une" xmlUrl="https://lemonde.test/une.xml"/>
    <outline text="Podcast" xmlUrl="https://podcasts.host.test/lemonde.xml"/>
  </outline>
  <outline text="broken" xmlUrl="javascript:alert(1)"/>
</body></opml>"""


def _state():
    publishers = sorted(Publisher.objects.values_list("slug", "name", "homepage", "display_policy"))
    feeds = sorted(Feed.objects.values_list("url", "publisher__slug", "kind", "title"))
    return publishers, feeds


def _without_date(data: bytes) -> bytes:
    return re.sub(rb"<dateCreated>.*?</dateCreated>", b"", data)


def test_import_creates_one_publisher_per_site_with_its_feeds():
    result = opml_import(data=READER_EXPORT, default_policy=Publisher.DisplayPolicy.HEADLINE)

    assert (result.publishers_created, result.feeds_created, result.feeds_existing) == (3, 5, 0)
    assert result.skipped == ("javascript:alert(1): feed URL is not an absolute http(s) URL",)
    publishers, feeds = _state()
    assert publishers == [
        ("daily-planet", "Daily Planet", "https://dailyplanet.test/", "headline"),
        ("gotham-gazette", "Gotham Gazette", "https://gazette.test/", "headline"),
        ("le-monde-test", "Le Monde Test", "https://lemonde.test/", "headline"),
    ]
    assert ("https://gazette.test/atom", "gotham-gazette", "atom", "Gotham Gazette") in feeds
    assert ("https://podcasts.host.test/lemonde.xml", "le-monde-test", "rss", "Podcast") in feeds


def test_importing_the_same_file_twice_changes_nothing():
    opml_import(data=READER_EXPORT)
    before = _state()

    again = opml_import(data=READER_EXPORT)

    assert (again.publishers_created, again.feeds_created, again.feeds_existing) == (0, 0, 5)
    assert _state() == before


def test_export_then_import_round_trips_and_is_idempotent():
    opml_import(data=READER_EXPORT)
    exported = opml_export()
    state = _state()

    result = opml_import(data=exported)

    assert (result.publishers_created, result.feeds_created) == (0, 0)
    assert _state() == state
    assert _without_date(opml_export()) == _without_date(exported)
    Feed.objects.all().delete()
    Publisher.objects.all().delete()
    restored = opml_import(data=exported)
    assert (restored.publishers_created, restored.feeds_created) == (3, 5)
    assert [row[:3] for row in _state()[0]] == [row[:3] for row in state[0]]
    assert _state()[1] == state[1]


def test_export_groups_feeds_under_their_publisher():
    publisher = make_publisher(name="Planet & Co", slug="planet-co", homepage="https://planet.test/")
    make_feed(publisher, url="https://planet.test/b.xml", kind=Feed.Kind.ATOM, title="B")
    make_feed(publisher, url="https://planet.test/a.xml")
    make_publisher(name="No Feeds")

    data = opml_export()

    assert b'<opml xmlns:newsdesk="urn:x-newsdesk:opml:1" version="2.0">' in data
    assert (
        b'<outline text="Planet &amp; Co" title="Planet &amp; Co" htmlUrl="https://planet.test/" newsdesk:slug="planet-co">'
        in data
    )
    assert data.index(b"https://planet.test/a.xml") < data.index(b"https://planet.test/b.xml")
    assert b'newsdesk:kind="atom"' in data
    assert b"No Feeds" not in data


def test_import_leaves_an_existing_publisher_of_the_same_origin_untouched():
    existing = make_publisher(
        name="Daily Planet Ltd",
        slug="dp",
        homepage="https://dailyplanet.test:443/about",
        country="US",
        contact_domain="dp.test",
    )

    opml_import(data=READER_EXPORT, default_policy=Publisher.DisplayPolicy.FULL)

    existing.refresh_from_db()
    assert (existing.name, existing.country, existing.contact_domain) == ("Daily Planet Ltd", "US", "dp.test")
    assert set(existing.feeds.values_list("url", flat=True)) == {
        "https://dailyplanet.test/rss.xml",
        "https://dailyplanet.test/sport.xml",
    }


def test_import_does_not_reuse_a_publisher_on_another_port_of_the_same_host():
    neighbour = make_publisher(name="Port One", slug="port-one", homepage="http://127.0.0.1:8101/")
    data = b"""<opml version="2.0"><body>
      <outline text="Port Two" xmlUrl="http://127.0.0.1:8102/rss.xml" htmlUrl="http://127.0.0.1:8102/"/>
    </body></opml>"""

    result = opml_import(data=data)

    publisher = Feed.objects.get(url="http://127.0.0.1:8102/rss.xml").publisher
    assert (result.publishers_created, result.publishers_existing) == (1, 0)
    assert (publisher.name, publisher.homepage) == ("Port Two", "http://127.0.0.1:8102/")
    assert not neighbour.feeds.exists()


def test_a_name_clash_with_another_site_gets_its_own_slug():
    make_publisher(name="Gotham Gazette", slug="gotham-gazette", homepage="https://elsewhere.test/")

    opml_import(data=READER_EXPORT)

    assert Feed.objects.get(url="https://gazette.test/atom").publisher.slug == "gotham-gazette-2"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (READER_EXPORT[:-40], OPML_MALFORMED),
        (b"<html><body>not opml</body></html>", OPML_NOT_OPML),
    ],
)
def test_malformed_opml_raises_and_stores_nothing(data, reason):
    with pytest.raises(OpmlError) as caught:
        opml_import(data=data)

    assert caught.value.reason == reason
    assert (Publisher.objects.count(), Feed.objects.count()) == (0, 0)


def test_an_unknown_policy_is_refused_before_reading():
    with pytest.raises(ValueError, match=re.escape(OPML_UNKNOWN_POLICY.format(policy="everything"))):
        opml_import(data=READER_EXPORT, default_policy="everything")
    assert Publisher.objects.count() == 0


def test_opml_command_imports_and_exports(tmp_path):
    source = tmp_path / "in.opml"
    source.write_bytes(READER_EXPORT)
    out, err = StringIO(), StringIO()

    call_command("opml", "import", str(source), "--policy", "full", stdout=out, stderr=err)
    call_command("opml", "export", "--output", str(tmp_path / "out.opml"), stdout=out, stderr=err)

    assert "imported 5 feeds: 5 new, 0 already followed; 3 new publishers, 0 existing" in out.getvalue()
    assert "skipped javascript:alert(1)" in err.getvalue()
    assert set(Publisher.objects.values_list("display_policy", flat=True)) == {"full"}
    assert b"https://lemonde.test/une.xml" in (tmp_path / "out.opml").read_bytes()


def test_opml_command_reports_a_malformed_file_as_an_error(tmp_path):
    source = tmp_path / "bad.opml"
    source.write_bytes(b"<opml><body>")

    with pytest.raises(CommandError, match=OPML_MALFORMED):
        call_command("opml", "import", str(source))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("opml", "import", str(tmp_path / "missing.opml"))


def test_opml_command_exports_to_stdout():
    make_feed(make_publisher(name="Solo"), url="https://solo.test/rss")
    out = StringIO()

    call_command("opml", "export", stdout=out)

    assert out.getvalue().startswith("<?xml version='1.0' encoding='UTF-8'?>\n<opml")
    assert "https://solo.test/rss" in out.getvalue()


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-for-tests")
    client.force_login(user)
    return client


def test_admin_page_uploads_and_downloads_opml(staff_client):
    page = staff_client.get("/admin/sources/opmltransfer/")
    upload = SimpleUploadedFile("feeds.opml", READER_EXPORT, content_type="text/x-opml")

    posted = staff_client.post("/admin/sources/opmltransfer/", {"file": upload, "policy": "excerpt"}, follow=True)
    download = staff_client.get("/admin/sources/opmltransfer/export/")

    assert page.status_code == 200
    assert b"Download OPML" in page.content
    assert b"Imported 5 feeds: 5 new, 0 already followed; 3 new publishers." in posted.content
    assert download["Content-Disposition"].startswith('attachment; filename="newsdesk-')
    assert b"https://lemonde.test/une.xml" in download.content
    assert b"OPML import / export" in staff_client.get("/admin/").content


def test_admin_page_shows_the_parse_error_and_stores_nothing(staff_client):
    upload = SimpleUploadedFile("feeds.opml", b"<opml><body><outline", content_type="text/x-opml")

    response = staff_client.post("/admin/sources/opmltransfer/", {"file": upload, "policy": "excerpt"})

    assert response.status_code == 200
    assert OPML_MALFORMED.encode() in response.content
    assert Feed.objects.count() == 0


def test_admin_page_needs_feed_permissions(client):
    user = get_user_model().objects.create_user("clerk", password="pw-for-tests", is_staff=True)
    client.force_login(user)

    assert client.get("/admin/sources/opmltransfer/").status_code == 403
    assert client.get("/admin/sources/opmltransfer/export/").status_code == 403
