"""`newsdesk ingest --once` ends with one summary line whose counts agree with their nouns: "1 feed", "1 error"."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import make_feed, make_publisher
from tests.sources.conftest import serve  # noqa: F401 - loopback server fixture
from tests.sources.loopback import Reply

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_feed_failing_is_summed_up_as_one_feed_and_one_error(serve):  # noqa: F811
    server = serve({"/feed.xml": Reply(status=404)})
    make_feed(make_publisher(homepage=server.base + "/"), url=server.base + "/feed.xml")
    out = StringIO()

    call_command("ingest", "--once", "--allow-loopback", "--no-progress", stdout=out)

    summary = out.getvalue()
    assert "ingested 1 feed in " in summary
    assert ": 0 new, 0 updated articles, 0 not modified, 1 error; 0 images stored, 0 refused, 0 failed" in summary
