"""The speed shortcuts in the feed parser give the same answers as the plain code they replace."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsdesk.reader.feeds import FeedParseError, parse_feed, xmlsafe
from newsdesk.reader.feeds.dates import parse_date
from newsdesk.reader.feeds.errors import FORBIDDEN_ENTITY
from newsdesk.reader.feeds.parse import sniff_root_name

DATA = Path(__file__).resolve().parents[2] / "data" / "feeds"


@pytest.mark.parametrize(
    "text",
    [
        "Tue, 05 Mar 2024 14:30:00 +0130",
        "Tue, 05 Mar 2024 14:30:00 -0945",
        "Tue, 05 MAR 2024 14:30:00 GMT",
        "Sun, 31 Dec 2023 23:30:00 -0100",
        "Mon, 01 Jan 1900 00:30:00 +0100",
    ],
)
def test_rfc822_fast_path_gives_the_instant_of_a_timezone_conversion(text):
    sign = -1 if text[26] == "-" else 1
    offset = timedelta(hours=int(text[27:29]), minutes=int(text[29:31])) * sign if text[26] in "+-" else timedelta(0)
    wall = datetime.strptime(text[5:25], "%d %b %Y %H:%M:%S")
    expected = wall.replace(tzinfo=timezone(offset)).astimezone(UTC)
    parsed = parse_date(text)
    assert (expected.year < 1900 and parsed is None) or (parsed == expected and parsed.tzinfo is UTC)


def test_rfc822_offset_of_a_day_or_more_is_left_to_the_general_parser():
    assert parse_date("Tue, 05 Mar 2024 14:30:00 +2400") == datetime(2024, 3, 4, 14, 30, tzinfo=UTC)


_ATTRIBUTE_PREFIX = re.compile(rb"""\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=\s*["']""")


@pytest.mark.parametrize(
    "data",
    [
        b'<rss><item a:b="1" c:d = \'2\' e:f:g="3" 9h:i="4" -j:k="5" x.y-z:w="6">t http://x.example</item></rss>',
        b'<a\txlink:href="u"\nfoo:bar=""/>:x="1" a:b="2"',
        b"",
        b':a="1"',
    ],
)
def test_attribute_prefixes_match_the_reference_pattern(data):
    assert xmlsafe._attribute_prefixes(data) == set(_ATTRIBUTE_PREFIX.findall(data))


def test_repair_declares_prefixes_used_only_on_attributes():
    data = b'<rss version="2.0"><channel><item><title>t</title><link wfw:x="1">http://x.example/</link></item></channel></rss>'
    assert parse_feed(data, url="https://example.com/feed").entries[0].link == "http://x.example/"


def test_sniff_limit_reads_as_if_the_document_ended_there():
    data = b"<!-- " + b"x" * 100 + b" --><rss/>"
    assert sniff_root_name(data) == "rss"
    assert sniff_root_name(data, 50) == ""
    assert sniff_root_name(data, len(data)) == "rss"


def test_each_thread_parses_with_its_own_safe_parsers():
    billion_laughs = (DATA / "billion_laughs.xml").read_bytes()
    seen: list[object] = []
    errors: list[str] = []

    def work() -> None:
        seen.append(xmlsafe._PARSERS.strict)
        try:
            parse_feed(billion_laughs, url="https://example.com/feed")
        except FeedParseError as error:
            errors.append(error.reason)
        assert parse_feed((DATA / "rss2_basic.xml").read_bytes(), url="https://example.com/feed").entries

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(parser) for parser in seen}) == 4
    assert errors == [FORBIDDEN_ENTITY] * 4
    assert xmlsafe._PARSERS.strict.resolvers is not None  # a real parser object in this thread too


def test_json_feed_that_is_not_utf8_is_still_decoded():
    data = '{"version": "https://jsonfeed.org/version/1.1", "title": "Café", "items": []}'.encode("latin-1")
    assert parse_feed(data, url="https://example.com/feed.json").title == "Café"


def test_whitespace_only_document_is_empty_even_when_long():
    with pytest.raises(FeedParseError):
        parse_feed(b" " * 100_000, url="https://example.com/feed")
    feed = parse_feed(b" " * 100 + (DATA / "jsonfeed11.json").read_bytes(), url="https://example.com/feed.json")
    assert feed.kind == "jsonfeed"
