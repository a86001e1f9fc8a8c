"""discover_feeds: <link rel=alternate> feeds in a page, absolute, typed, in order, without duplicates."""

from __future__ import annotations

import pytest

from newsdesk.reader.feeds.discover import COMMON_FEED_PATHS, discover_feeds

PAGE = b"""<!doctype html><html><head>
<link rel="alternate" type="application/rss+xml" title="All" href="/feed/">
<link rel="alternate" type="application/atom+xml" href="https://cdn.example.org/atom.xml">
<link rel="alternate" type="application/feed+json" href="feed.json">
<link rel="alternate" type="application/rss+xml" href="/feed/">
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="stylesheet" type="text/css" href="/style.css">
<link rel="ALTERNATE home" type="Application/RSS+XML; charset=utf-8" href="/comments/feed/">
</head><body></body></html>"""


@pytest.mark.parametrize(
    ("html", "url", "expected"),
    [
        (
            PAGE,
            "https://example.org/news/story.html",
            [
                ("https://example.org/feed/", "rss"),
                ("https://cdn.example.org/atom.xml", "atom"),
                ("https://example.org/news/feed.json", "jsonfeed"),
                ("https://example.org/comments/feed/", "rss"),
            ],
        ),
        (
            b'<html><head><base href="https://base.example/sub/"><link rel="alternate" type="text/xml" href="rss"></head></html>',
            "https://example.org/",
            [("https://base.example/sub/rss", "xml")],
        ),
        (b"<html><head><title>No feeds</title></head></html>", "https://example.org/", []),
        (b"", "https://example.org/", []),
        (b"\x00\x01 not html", "https://example.org/", []),
    ],
)
def test_discover_feeds(html, url, expected):
    assert discover_feeds(html, url=url) == expected


def test_common_feed_paths_are_absolute_paths_without_duplicates():
    assert all(path.startswith("/") for path in COMMON_FEED_PATHS)
    assert len(set(COMMON_FEED_PATHS)) == len(COMMON_FEED_PATHS)
