"""A publisher whose pages carry every URL-bearing XSS vector where pages name URLs about themselves (canonical,
og:url, <base href>, og:image, JSON-LD url) cannot stop ingestion: a real `newsdesk worker` keeps running, and
every well-formed entry of the same feed is stored (issue 8, defect 1: one such page used to kill the worker on
every restart)."""

import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

import pytest

from newsdesk.articles.models import Article
from newsdesk.ingest.models import FetchAttempt
from newsdesk.reader.urls import page_url_problem
from tests.factories import make_feed, make_publisher
from tests.postgres.subprocess_db import REPO, child_env, python_argv
from tests.reader.extract.url_vectors import page_carrying, url_bearing_vectors
from tests.sources.conftest import serve  # noqa: F401 - loopback server fixture
from tests.sources.loopback import Reply

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.shared, pytest.mark.django_db(transaction=True)]

VECTORS_PER_PAGE = 20
WELL_FORMED = 12
STORY = "".join(
    f"<p>Paragraph {n} of a well-formed story about the harbour, its boats and its people.</p>" for n in range(6)
)


def _item(link: str, title: str, when: datetime) -> str:
    return (
        f"<item><title>{escape(title)}</title><link>{escape(link)}</link><guid>{escape(link)}</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate><description>Summary of {escape(title)}</description></item>"
    )


def _publisher(server) -> tuple[list[str], int]:
    """Hostile and well-formed entries interleaved in one feed; returns the well-formed links and the page count."""
    vectors = url_bearing_vectors()
    chunks = [vectors[i : i + VECTORS_PER_PAGE] for i in range(0, len(vectors), VECTORS_PER_PAGE)]
    now = datetime.now(UTC)
    items, good = [], []
    for n, chunk in enumerate(chunks):
        path = f"/hostile/{n}"
        server.routes[path] = Reply(body=page_carrying(chunk, title=f"Hostile {n}", body=STORY))
        items.append(_item(server.base + path, f"Hostile {n}", now - timedelta(minutes=2 * n)))
    for n in range(WELL_FORMED):
        path = f"/story/{n}"
        link = server.base + path
        head = f'<link rel="canonical" href="{link}"><meta property="og:image" content="{server.base}/img/{n}.jpg">'
        page = (
            f"<html lang='en'><head><title>Story {n}</title>{head}</head><body><article>{STORY}</article></body></html>"
        )
        server.routes[path] = Reply(body=page.encode())
        items.append(_item(link, f"Story {n}", now - timedelta(minutes=2 * n + 1)))
        good.append(link)
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title><link>{server.base}/</link>'
    server.routes["/feed.xml"] = Reply(
        body=(feed + "".join(items) + "</channel></rss>").encode(), content_type="application/rss+xml"
    )
    return good, len(chunks)


def test_a_real_worker_survives_every_url_vector_and_stores_every_well_formed_entry(serve, tmp_path):  # noqa: F811
    server = serve({})
    good, hostile_pages = _publisher(server)
    feed = make_feed(make_publisher(homepage=server.base + "/", slug="harbour"), url=server.base + "/feed.xml")
    log = tmp_path / "worker.log"
    argv = python_argv("-m", "newsdesk", "worker", "--allow-loopback", "--lease", "30", "--idle", "0.2")
    with log.open("w") as out:
        worker = subprocess.Popen(argv, cwd=REPO, env=child_env(), stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240  # generous: a loaded 2-core CI machine; the work is ~100 pages
        while not FetchAttempt.objects.filter(feed=feed).exists():
            assert worker.poll() is None, f"the worker exited ({worker.returncode}):\n{log.read_text()}"
            assert time.monotonic() < deadline, f"no refresh recorded in time:\n{log.read_text()}"
            time.sleep(0.2)
        time.sleep(1.0)  # a few idle polls more: the worker must still be there after the hostile feed
        assert worker.poll() is None, f"the worker exited ({worker.returncode}):\n{log.read_text()}"
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0, log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)

    output = log.read_text()
    assert "Traceback" not in output, output
    attempt = FetchAttempt.objects.get(feed=feed)
    assert attempt.outcome == FetchAttempt.Outcome.OK, attempt.error
    stored = set(Article.objects.values_list("original_url", flat=True))
    assert set(good) <= stored
    # The hostile pages were handled too (their bad URLs ignored), and no stored URL is malformed.
    assert len(stored) == len(good) + hostile_pages
    for canonical, image in Article.objects.values_list("canonical_url", "image_url"):
        assert page_url_problem(canonical) == "", canonical
        assert image == "" or page_url_problem(image) == "", image
    assert "canonical link ignored" in attempt.error
