"""Every file of the shared feed corpus (../shared/eval/feeds, ~3,500 real-world and edge-case documents)
either parses or is refused with FeedParseError and a known reason; nothing else may escape."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.reader.feeds import FeedParseError, parse_feed
from newsdesk.reader.feeds import errors as feed_errors

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared" / "eval"
CORPUS = SHARED / "feeds"
REASONS = {value for name, value in vars(feed_errors).items() if name.isupper() and isinstance(value, str)}


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "README.md")


FILES = corpus_files()


@pytest.mark.shared
@pytest.mark.parametrize("path", FILES or [None], ids=lambda p: str(p.relative_to(CORPUS)) if p else "absent")
def test_corpus_file_parses_or_is_refused_with_a_reason(path):
    if path is None:
        pytest.skip("../shared/eval not present (user clone)")
    feed, reason = None, ""
    try:
        feed = parse_feed(path.read_bytes(), url="https://corpus.example/feed")
    except FeedParseError as error:
        reason = error.reason
    if feed is None:
        assert reason in REASONS
        return
    assert feed.kind in {"rss", "atom", "jsonfeed", "sitemap", "sitemapindex"}
    for entry in feed.entries:
        assert entry.published is None or entry.published.utcoffset().total_seconds() == 0
        assert not entry.link or entry.link.startswith(("http://", "https://"))


@pytest.mark.shared
def test_real_world_captures_mostly_parse():
    if not FILES:
        pytest.skip("../shared/eval not present (user clone)")
    real_world = [p for p in FILES if p.relative_to(CORPUS).parts[0] in {"rsparser", "feedjira", "miniflux"}]
    parsed = 0
    for path in real_world:
        try:
            parse_feed(path.read_bytes(), url="https://corpus.example/feed")
        except FeedParseError:
            continue
        parsed += 1
    # The refusals are HTML pages, OPML lists, fragments of a single entry and a bare <note> document.
    assert parsed >= 90, parsed
