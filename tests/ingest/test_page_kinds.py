"""Hard page kinds through the whole ingest path (a JSON Feed on a loopback server, the real fetcher, extraction,
storage), not extraction alone: a page with no date anywhere, a page whose `<html lang>` contradicts its text, a
JSON Feed item carrying the full text, and a live blog (issue 11 §1 and §3)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.articles.models import Article
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.services import feed_refresh
from newsdesk.stories.models import Story
from tests.factories import make_feed, make_publisher
from tests.sources.conftest import serve  # noqa: F401 - loopback server fixture
from tests.sources.loopback import Reply

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).resolve().parents[1] / "reader" / "extract" / "golden"
NO_DATE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Library hours extended</title></head>
<body><article><h1>Library hours extended</h1>
<p>The central library will stay open until nine in the evening on weekdays from next month, the council said.</p>
<p>The longer hours follow a survey in which most readers asked for evening opening after work and school.</p>
<p>Two more librarians will be hired for the evening shifts, paid from the culture budget approved in March.</p>
</article></body></html>"""
FULL_PARAGRAPHS = [
    "The harbour authority approved a new pier for the ferry terminal after a two-year planning process.",
    "Construction starts in the autumn and should take eighteen months, during which ferries use the old quay.",
    "The pier will let two ships berth at once, which the operator says ends the queues of summer weekends.",
]
TEASER = b"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>New pier approved</title></head>
<body><article><h1>New pier approved</h1><p>The harbour authority approved a new pier.</p>
<div class="paywall">Subscribe to read the rest of this article.</div></article></body></html>"""


def _feed(base: str) -> bytes:
    items = [
        {"id": "1", "url": f"{base}/no-date", "title": "Library hours extended"},
        {"id": "2", "url": f"{base}/piscine", "title": "La mairie rénove la piscine municipale avant l'été"},
        {
            "id": "3",
            "url": f"{base}/pier",
            "title": "New pier approved",
            "date_published": "2026-03-02T09:00:00Z",
            "content_html": "".join(f"<p>{p}</p>" for p in FULL_PARAGRAPHS),
        },
        {"id": "4", "url": f"{base}/live", "title": "Live: river flood warnings across the valley"},
    ]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": items}).encode()


@pytest.fixture
def stored(serve):  # noqa: F811
    live = (GOLDEN / "live-blog.html").read_bytes()
    routes = {
        "/no-date": Reply(body=NO_DATE),
        "/piscine": Reply(body=(GOLDEN / "lang-contradicts-text.html").read_bytes()),
        "/pier": Reply(body=TEASER),
        "/live": Reply(body=live),
    }
    server = serve(routes)
    routes["/feed.json"] = Reply(body=_feed(server.base), content_type="application/feed+json")
    feed = make_feed(make_publisher(language="en"), url=server.base + "/feed.json")
    report = feed_refresh(feed=feed, context=IngestContext.from_settings(allow_loopback=True))
    assert report.error == "", report.error
    return {a.original_url.rsplit("/", 1)[1]: a for a in Article.objects.all()}


def test_a_page_with_no_date_is_stored_undated_and_its_story_dated_by_the_fetch(stored):
    article = stored["no-date"]
    assert article.published_at is None  # nothing on the page or in the feed: no made-up date
    assert (article.title, article.language) == ("Library hours extended", "en")
    assert "nine in the evening" in article.body_text
    story = Story.objects.get(memberships__article=article)
    assert story.first_seen == article.fetched_at


def test_a_page_whose_html_lang_contradicts_its_text_is_stored_in_the_language_of_its_text(stored):
    article = stored["piscine"]  # <html lang="en-US">, og:locale en_US, a French text, on an English publisher
    assert article.language == "fr"
    assert (article.byline, article.published_at) == ("Claire Dubois", datetime(2026, 2, 25, 7, tzinfo=UTC))
    assert "La piscine municipale fermera ses portes" in article.body_text


def test_a_json_feed_item_with_the_full_text_keeps_it_over_a_teaser_page(stored):
    article = stored["pier"]
    assert article.body_text.split("\n\n") == FULL_PARAGRAPHS
    assert "Subscribe" not in article.body_text
    assert article.published_at == datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_a_live_blog_is_stored_with_every_entry_and_its_metadata(stored):
    article = stored["live"]
    expected = json.loads((GOLDEN / "live-blog.json").read_text(encoding="utf-8"))
    assert (article.title, article.byline, article.language) == (
        expected["title"],
        expected["byline"],
        expected["language"],
    )
    assert article.published_at == datetime.fromisoformat(expected["published"])
    text = " ".join(article.body_text.split())
    assert all(snippet in text for snippet in expected["body_contains"])
    assert not any(snippet in text for snippet in expected["body_excludes"])
