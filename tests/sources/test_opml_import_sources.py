"""`newsdesk opml import` reads a file, standard input or a URL (through the hardened fetcher); whatever goes
wrong is one line and leaves what was stored untouched."""

import io
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from newsdesk.reader.feeds.opml import MAX_OPML_BYTES, OPML_MALFORMED, OPML_TOO_LARGE
from newsdesk.reader.fetcher.errors import MSG_BLOCKED_ADDRESS
from newsdesk.sources.fetching import OPML_FETCH_STATUS, is_web_address
from newsdesk.sources.models import Feed, Publisher
from tests.factories import make_feed, make_publisher
from tests.postgres.subprocess_db import REPO, child_env, python_argv
from tests.sources.loopback import Reply

pytestmark = pytest.mark.django_db

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>list</title></head><body>
  <outline type="rss" text="Daily Planet" xmlUrl="https://dailyplanet.test/rss.xml" htmlUrl="https://dailyplanet.test/"/>
  <outline type="atom" text="Gotham Gazette" xmlUrl="https://gazette.test/atom" htmlUrl="https://gazette.test/"/>
</body></opml>"""
ONE_FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>list</title></head><body>
  <outline type="rss" text="Daily Planet" xmlUrl="https://dailyplanet.test/rss.xml" htmlUrl="https://dailyplanet.test/"/>
</body></opml>"""
OPML_TYPE = "text/x-opml; charset=utf-8"


def _stored():
    return sorted(Feed.objects.values_list("url", "publisher__name"))


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("https://example.org/list.opml", True),
        ("HTTP://example.org/list.opml", True),
        ("-", False),
        ("list.opml", False),
        ("ftp://example.org/list.opml", False),
    ],
)
def test_file_arguments_that_name_a_url_are_told_apart_from_paths(location, expected):
    assert is_web_address(location) is expected


def test_import_reads_standard_input(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(OPML)))
    out = StringIO()

    call_command("opml", "import", "-", stdout=out)

    assert "imported 2 feeds: 2 new" in out.getvalue()
    assert _stored() == [
        ("https://dailyplanet.test/rss.xml", "Daily Planet"),
        ("https://gazette.test/atom", "Gotham Gazette"),
    ]


def test_an_import_of_one_feed_says_one_feed_and_one_publisher(tmp_path):
    one = tmp_path / "one.opml"
    one.write_bytes(ONE_FEED)
    out = StringIO()

    call_command("opml", "import", str(one), stdout=out)

    assert "imported 1 feed: 1 new, 0 already followed; 1 new publisher, 0 existing" in out.getvalue()


def test_import_fetches_a_url_on_loopback_when_allowed(serve):
    server = serve({"/list.opml": Reply(body=OPML, content_type=OPML_TYPE)})
    out = StringIO()

    call_command("opml", "import", f"{server.base}/list.opml", "--allow-loopback", "--policy", "full", stdout=out)

    assert "imported 2 feeds: 2 new, 0 already followed; 2 new publishers, 0 existing" in out.getvalue()
    assert set(Publisher.objects.values_list("display_policy", flat=True)) == {"full"}
    assert [seen.path for seen in server.requests] == ["/list.opml"]
    assert "opml" in server.requests[0].headers["accept"]


def test_a_url_on_loopback_is_refused_without_the_flag_and_nothing_changes(serve):
    server = serve({"/list.opml": Reply(body=OPML, content_type=OPML_TYPE)})
    make_feed(make_publisher(name="Kept"), url="https://kept.test/rss")
    before = _stored()

    with pytest.raises(CommandError, match=MSG_BLOCKED_ADDRESS):
        call_command("opml", "import", f"{server.base}/list.opml")

    assert server.requests == []
    assert _stored() == before


def test_a_url_that_does_not_answer_200_is_one_error_and_nothing_changes(serve):
    server = serve({})
    make_feed(make_publisher(name="Kept"), url="https://kept.test/rss")
    before = _stored()
    url = f"{server.base}/gone.opml"

    with pytest.raises(CommandError) as raised:
        call_command("opml", "import", url, "--allow-loopback")

    assert str(raised.value) == OPML_FETCH_STATUS.format(url=url, status=404)
    assert _stored() == before


def test_a_url_serving_something_else_than_opml_changes_nothing(serve):
    server = serve({"/page": Reply(body=b"<opml><body>")})
    make_feed(make_publisher(name="Kept"), url="https://kept.test/rss")
    before = _stored()

    with pytest.raises(CommandError, match=OPML_MALFORMED):
        call_command("opml", "import", f"{server.base}/page", "--allow-loopback")

    assert _stored() == before


def test_a_url_serving_more_than_the_opml_limit_is_refused(serve):
    server = serve({"/huge.opml": Reply(body=b" " * (MAX_OPML_BYTES + 1), content_type=OPML_TYPE)})

    with pytest.raises(CommandError) as raised:
        call_command("opml", "import", f"{server.base}/huge.opml", "--allow-loopback")

    assert str(raised.value) == OPML_TOO_LARGE
    assert Feed.objects.count() == 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_command_reports_a_refused_url_in_one_line_and_exits_non_zero(serve):
    server = serve({"/list.opml": Reply(body=OPML, content_type=OPML_TYPE)})

    finished = subprocess.run(
        python_argv("-m", "newsdesk", "opml", "import", f"{server.base}/list.opml"),
        cwd=REPO,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert finished.returncode != 0
    lines = finished.stderr.strip().splitlines()
    assert len(lines) == 1, finished.stderr
    assert lines[0].startswith(f"CommandError: cannot fetch {server.base}/list.opml: {MSG_BLOCKED_ADDRESS}")
    assert Feed.objects.count() == 0
