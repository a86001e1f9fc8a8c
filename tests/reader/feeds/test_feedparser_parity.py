"""Feed semantics checked against feedparser, the reference the parser was written to agree with.

feedparser is a test and benchmark dependency only (the `bench` extra): runtime code never imports it.
"""

from __future__ import annotations

import random
import warnings
from pathlib import Path

import pytest

from newsdesk.reader.feeds import FeedParseError, benchmark, parse_feed
from newsdesk.reader.feeds import errors as feed_errors
from tests.shared_data import shared_eval_dir

DATA = Path(__file__).resolve().parents[2] / "data" / "feeds"
REASONS = {value for name, value in vars(feed_errors).items() if name.isupper() and isinstance(value, str)}
# Where we differ from feedparser on purpose (benchmark.py's docstring says why).
DELIBERATE = [
    "rsparser/OneFootTsunami.atom[6]: link 'http://onefoottsunami.com/?p=14848' vs 'http://onefoottsunami.com/wp-atom.php'",
    "yarr/rss/item-link-with-atom-link.xml[0]: link 'http://example.com/article/1' vs 'http://example.com/article/1/atom'",
]


@pytest.mark.shared
def test_real_world_feeds_give_feedparsers_entries_titles_and_links():
    corpus = shared_eval_dir("feeds")
    files = benchmark.load(corpus, False)
    assert len(files) > 100
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert benchmark.parity(files, corpus) == DELIBERATE


TOKENS = [b"<", b">", b"&", b"]]>", b"&amp;", b"&#", b"&#x", b"<!--", b"-->", b"<![CDATA[", b"<?", b"?>"]
TOKENS += [b"\x00", b"\xff", b"\xc3", b"'", b'"', b"/", b":", b"\r", b"xmlns:a=", b"xml:base=", b"<!DOCTYPE x>"]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """Cut a few bytes, insert a markup token or a byte, or duplicate a slice."""
    pos = rng.randrange(len(data) + 1)
    kind = rng.randrange(4)
    if kind == 0:
        return data[:pos] + data[pos + rng.randrange(1, 16) :]
    if kind == 1:
        return data[:pos] + rng.choice(TOKENS) + data[pos:]
    if kind == 2:
        return data[:pos] + bytes([rng.randrange(256)]) + data[pos + 1 :]
    other = rng.randrange(len(data) + 1)
    return data[:pos] + data[min(pos, other) : max(pos, other)] + data[pos:]


def test_mutated_feeds_parse_or_are_refused_with_a_known_reason():
    """What the retired C tree's differential fuzzer also checked: broken input never escapes as a crash."""
    seeds = [p.read_bytes() for p in sorted(DATA.glob("*.xml")) + sorted(DATA.glob("*.json"))]
    rng = random.Random(20261201)
    parsed, unknown_reasons = 0, []
    for _ in range(2000):
        data = rng.choice(seeds)
        for _ in range(rng.randrange(1, 4)):
            data = mutate(data, rng)
        try:
            feed = parse_feed(data, url="https://example.com/feed")
        except FeedParseError as error:
            if error.reason not in REASONS:
                unknown_reasons.append((error.reason, data[:300]))
            continue
        parsed += 1
        assert all(not e.link or e.link.startswith(("http://", "https://")) for e in feed.entries), data[:300]
    assert unknown_reasons == []
    assert parsed > 1000  # most mutations leave a readable feed
