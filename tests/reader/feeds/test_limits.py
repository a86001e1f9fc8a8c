"""One feed cannot make parsing cost unbounded work: nesting is capped at MAX_DEPTH and every parse runs
under a CPU-time budget (issue 8, defect 3)."""

from __future__ import annotations

import time

import pytest

from newsdesk.reader.feeds import FeedParseError, parse_feed
from newsdesk.reader.feeds.errors import MAX_DEPTH, NESTED_TOO_DEEPLY, OVER_BUDGET

URL = "https://example.com/feed.xml"
MIB = 1024 * 1024
# Reading the refusals below takes milliseconds; before the limit, the 2.8 MB one took 16-67 s of CPU and the
# 15 MiB one minutes. The bound is that wide so a loaded CI machine never trips it. It is thread CPU time,
# which other processes do not use up.
CPU_SECONDS_FOR_A_REFUSAL = 2.0


def nested_rss(levels: int, *, before: bytes = b"") -> bytes:
    """An RSS document whose one item's description holds `levels` elements nested in each other."""
    return (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Deep</title>'
        + before
        + b"<item><title>t</title><link>https://example.com/a</link><description>"
        + b"<a>" * levels
        + b"x"
        + b"</a>" * levels
        + b"</description></item></channel></rss>"
    )


def levels_for_size(size: int) -> int:
    return size // len(b"<a></a>")


def refusal_of(data: bytes, **options: object) -> tuple[FeedParseError, float]:
    started = time.thread_time()
    with pytest.raises(FeedParseError) as caught:
        parse_feed(data, url=URL, **options)
    return caught.value, time.thread_time() - started


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("400k levels, 2.8 MB", nested_rss(400_000)),
        ("15 MiB", nested_rss(levels_for_size(15 * MIB))),
        # Not well-formed before the nesting starts: the repaired document, then recover mode, meet it.
        ("after an HTML entity", nested_rss(400_000, before=b"<description>&nbsp;</description>")),
        ("after a mismatched tag", nested_rss(400_000, before=b"<description>x</descriptio>")),
        ("no root end", nested_rss(400_000)[:-20]),
    ],
)
def test_deeply_nested_xml_is_refused_as_malformed_within_budget(name, data):
    error, cpu_seconds = refusal_of(data, cpu_budget_s=CPU_SECONDS_FOR_A_REFUSAL)
    assert error.reason == NESTED_TOO_DEEPLY, (name, error)
    assert cpu_seconds < CPU_SECONDS_FOR_A_REFUSAL, (name, cpu_seconds)


def test_nesting_up_to_the_limit_is_read_and_one_level_more_is_refused():
    outer = 4  # rss > channel > item > description
    feed = parse_feed(nested_rss(MAX_DEPTH - outer), url=URL)
    assert [entry.link for entry in feed.entries] == ["https://example.com/a"]
    with pytest.raises(FeedParseError) as caught:
        parse_feed(nested_rss(MAX_DEPTH - outer + 1), url=URL)
    assert caught.value.reason == NESTED_TOO_DEEPLY


def test_deeply_nested_xhtml_wrapper_is_refused_as_nested_not_as_an_html_page():
    data = b"<html><body>" + b"<div>" * 400_000 + b"</div>" * 400_000 + b"</body></html>"
    error, _ = refusal_of(data)
    assert error.reason == NESTED_TOO_DEEPLY


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 400_000 + b"]" * 400_000,
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "Deep", "items": ['
        + b'{"id": "1", "url": "https://example.com/a", "extra": '
        + b"[" * 400_000
        + b"]" * 400_000
        + b"}]}",
        # Truncated, so it would be salvaged item by item: the nesting is refused first.
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [' + b"[" * levels_for_size(15 * MIB),
    ],
)
def test_deeply_nested_json_is_refused_within_budget(data):
    error, cpu_seconds = refusal_of(data, cpu_budget_s=CPU_SECONDS_FOR_A_REFUSAL)
    assert error.reason == NESTED_TOO_DEEPLY
    assert cpu_seconds < CPU_SECONDS_FOR_A_REFUSAL


def many_entries(kind: str, count: int) -> bytes:
    if kind == "rss":
        items = "".join(
            f"<item><title>T{i}</title><link>https://example.com/{i}</link><description>d</description></item>"
            for i in range(count)
        )
        return f'<rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()
    if kind == "atom":
        entries = "".join(
            f'<entry><id>urn:x:{i}</id><title>T{i}</title><link href="https://example.com/{i}"/></entry>'
            for i in range(count)
        )
        return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>Big</title>{entries}</feed>'.encode()
    if kind == "jsonfeed":
        items = ",".join(f'{{"id": "{i}", "url": "https://example.com/{i}", "title": "T{i}"}}' for i in range(count))
        return f'{{"version": "https://jsonfeed.org/version/1.1", "title": "Big", "items": [{items}]}}'.encode()
    urls = "".join(f"<url><loc>https://example.com/{i}</loc></url>" for i in range(count))
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


@pytest.mark.parametrize("kind", ["rss", "atom", "jsonfeed", "sitemap"])
def test_a_parse_that_spends_its_cpu_budget_is_refused_as_over_budget(kind):
    data = many_entries(kind, 3000)
    assert len(parse_feed(data, url=URL).entries) == 3000  # the default budget is plenty for it
    # A nanosecond is spent before the first entry: the budget is checked entry by entry, not only at the end.
    error, _ = refusal_of(data, cpu_budget_s=1e-9)
    assert error.reason == OVER_BUDGET
    assert "1e-09 s of CPU time spent" in error.detail


def test_malformed_xml_stops_between_repair_stages_once_its_budget_is_spent():
    data = nested_rss(10, before=b"<description>&nbsp;" + b"x" * 2_000_000 + b"</descriptio>")
    error, _ = refusal_of(data, cpu_budget_s=1e-9)
    assert (error.reason, error.detail.rpartition("while ")[2]) == (OVER_BUDGET, "reading malformed XML")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (b"\xe9" * 1024, "\xe9" * 1024),  # all Latin-1: the label is right
        ("ø".encode() * 512, "ø" * 512),  # UTF-8, with one stray Latin-1 byte at the very end
    ],
)
def test_telling_latin1_from_stray_bytes_stays_linear_on_15_mib(title, expected):
    item = b"<item><title>" + title + b"</title><link>https://example.com/a</link></item>"
    count = 15 * MIB // len(item)
    data = b'<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Big</title>'
    data += item * count + b"<item><title>caf\xe9</title></item></channel></rss>"
    started = time.thread_time()
    feed = parse_feed(data, url=URL, keep_duplicates=True)
    cpu_seconds = time.thread_time() - started
    assert [e.title for e in feed.entries[:: count // 2]] == [expected, expected, expected]
    assert (len(feed.entries), feed.entries[-1].title) == (count + 1, "café")
    assert cpu_seconds < CPU_SECONDS_FOR_A_REFUSAL * 2  # ≈ 1 s here; the margin is for a loaded machine
