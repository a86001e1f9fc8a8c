"""parse_feed on our own small fixtures (tests/data/feeds): one row per format or nasty case."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.reader.feeds import FeedParseError, parse_feed
from newsdesk.reader.feeds.errors import (
    EMPTY_DOCUMENT,
    FORBIDDEN_ENTITY,
    HTML_PAGE,
    MALFORMED_JSON,
    MALFORMED_XML,
    NOT_A_FEED,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "feeds"
FEED_URL = "https://example.com/feeds/main.xml"


def parse_fixture(name: str, **kwargs: object):
    return parse_feed((DATA / name).read_bytes(), url=FEED_URL, **kwargs)


@pytest.mark.parametrize(
    ("name", "kind", "title", "link", "entries"),
    [
        ("rss2_basic.xml", "rss", "The Example Times", "https://example.com/", 3),
        ("atom10_xml_base.xml", "atom", "Le Blog", "https://blog.example.org/", 2),
        ("atom03.xml", "atom", "Old Atom", "http://old.example.com/", 1),
        ("rss10_rdf.xml", "rss", "RDF Site", "http://rdf.example.com/", 2),
        ("rss091_netscape.xml", "rss", "Netscape-era feed", "http://old.example.com/", 1),
        ("jsonfeed11.json", "jsonfeed", "JSON Example", "https://json.example.com/", 2),
        ("news_sitemap.xml", "sitemap", "Example News", "", 2),
        ("sitemap.txt", "sitemap", "", "", 2),
        ("sitemap_index.xml", "sitemapindex", "", "", 0),
        ("atom_entry_document.xml", "atom", "", "", 1),
    ],
)
def test_every_format_is_sniffed_and_read(name, kind, title, link, entries):
    feed = parse_fixture(name)
    assert (feed.kind, feed.title, feed.link, len(feed.entries)) == (kind, title, link, entries)


def test_kind_comes_from_content_not_content_type():
    feed = parse_feed((DATA / "jsonfeed11.json").read_bytes(), url=FEED_URL, content_type="application/rss+xml")
    assert feed.kind == "jsonfeed"
    feed = parse_feed((DATA / "rss2_basic.xml").read_bytes(), url=FEED_URL, content_type="application/json")
    assert feed.kind == "rss"


def test_rss_entry_fields():
    first, second, third = parse_fixture("rss2_basic.xml").entries
    assert first.title == "First & foremost"
    assert first.guid == "ex-1"
    assert first.summary == "<p>Summary <b>one</b></p>"
    assert first.content_html == "<p>Full text one.</p>"
    assert first.author == "Jane Doe"
    assert first.published == datetime(2024, 3, 5, 13, 30, tzinfo=UTC)
    assert first.image_url == "https://cdn.example.com/one.jpg"
    assert first.categories == ("Politics", "Europe")
    assert second.link == "https://example.com/news/second"  # relative link resolved against the feed URL
    assert second.author == "News Desk"  # "email (Name)"
    assert second.published == datetime(2024, 3, 5, 14, 0, tzinfo=UTC)  # EST, no seconds, no weekday
    assert second.image_url == "https://cdn.example.com/two.png"  # image enclosure
    assert third.guid == ""
    assert third.key == "https://example.com/news/third"
    assert third.image_url == "https://example.com/thumbs/three.jpg"  # media:thumbnail, relative


def test_feed_level_links_and_language():
    feed = parse_fixture("rss2_basic.xml")
    assert (feed.language, feed.hub_url, feed.self_url) == (
        "en-us",
        "https://hub.example.net/",
        "https://example.com/feed.xml",
    )


def test_duplicate_guids_keep_the_first_entry():
    feed = parse_fixture("rss2_basic.xml")
    assert [e.title for e in feed.entries if e.guid == "ex-1"] == ["First & foremost"]
    assert len(parse_fixture("rss2_basic.xml", keep_duplicates=True).entries) == 4
    assert [e.title for e in parse_fixture("jsonfeed11.json").entries] == ["Uno", "Dos"]


def test_atom_xml_base_language_and_text_constructs():
    first, second = parse_fixture("atom10_xml_base.xml").entries
    assert first.link == "https://blog.example.org/fr/billets/un"
    assert first.image_url == "https://blog.example.org/fr/img/un.jpg"
    assert first.summary == "Un &lt;résumé&gt;"  # type="text" is escaped into HTML
    assert first.content_html == '<p>Texte <a href="https://blog.example.org/x">lien</a>.</p>'
    assert (first.author, first.language, first.categories) == ("Marie Curie", "fr", ("science",))
    assert first.published == datetime(2024, 3, 4, 7, 0, tzinfo=UTC)
    assert second.link == "https://other.example.net/en/posts/two"  # entry-level xml:base
    assert (second.title, second.language) == ("Post two", "en")


def test_atom03_base64_title_and_issued_date():
    (entry,) = parse_fixture("atom03.xml").entries
    assert entry.title == "Old entry"
    assert entry.published == datetime(2004, 1, 2, 14, 0, tzinfo=UTC)


def test_rdf_items_get_rdf_about_as_guid():
    entry = parse_fixture("rss10_rdf.xml").entries[0]
    assert (entry.guid, entry.language, entry.categories) == ("http://rdf.example.com/a", "de", ("Wirtschaft",))


def test_html_entities_from_the_rss091_dtd_are_understood_without_loading_it():
    (entry,) = parse_fixture("rss091_netscape.xml").entries
    assert entry.title == "Café & crème"


def test_json_feed_fields():
    first, second = parse_fixture("jsonfeed11.json").entries
    assert first.published == datetime(2024, 3, 5, 13, 0, tzinfo=UTC)
    assert (first.author, first.language, first.categories) == ("Equipo", "es", ("a", "b"))
    assert (second.guid, second.author, second.content_html) == ("2", "Ana", "<p>Texto plano</p>")


def test_news_sitemap_fields():
    feed = parse_fixture("news_sitemap.xml")
    entry = feed.entries[0]
    assert (entry.title, entry.language, entry.categories) == ("Story one", "en", ("politics", "budget"))
    assert entry.published == datetime(2024, 3, 5, 11, 0, tzinfo=UTC)
    assert entry.image_url == "https://news.example.com/img/one.jpg"


def test_sitemap_index_lists_child_sitemaps():
    feed = parse_fixture("sitemap_index.xml")
    assert feed.sitemaps == ("https://news.example.com/sitemap-news.xml", "https://example.com/sitemap-2024-03.xml")


def _rss(title: str, declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return f'{declaration}<rss version="2.0"><channel><title>{title}</title><item><title>{title}</title><link>http://x.example/a</link></item></channel></rss>'


@pytest.mark.parametrize(
    ("data", "expected_title"),
    [
        (codecs.BOM_UTF8 + _rss("Café").encode(), "Café"),
        (codecs.BOM_UTF16_LE + _rss("Café").encode("utf-16-le"), "Café"),
        (_rss("Café", '<?xml version="1.0" encoding="iso-8859-1"?>').encode("latin-1"), "Café"),
        (_rss("Café €", '<?xml version="1.0" encoding="windows-1252"?>').encode("utf-8"), "Café €"),  # lying prolog
        (_rss("Café", '<?xml version="1.0" encoding="utf-8"?>').encode("latin-1"), "Café"),  # lying prolog
        (_rss("Привет", '<?xml version="1.0" encoding="koi8-r"?>').encode("koi8-r"), "Привет"),
        (_rss("Café", '<?xml version="1.0" encoding="bogus"?>').encode("utf-8"), "Café"),
        (b"\n\n  " + _rss("Leading space").encode(), "Leading space"),
        (_rss("Bare & ampersand &nbsp;nbsp").encode(), "Bare & ampersand nbsp"),
        (_rss("Control\x0bchar").encode(), "Controlchar"),
        (b"<!-- generated -->" + _rss("Late declaration").encode(), "Late declaration"),
    ],
)
def test_encodings_and_repairable_mistakes(data, expected_title):
    feed = parse_feed(data, url=FEED_URL)
    assert (feed.title, feed.entries[0].title) == (expected_title, expected_title)


def test_latin1_declared_feed_written_in_utf8_with_a_stray_byte_decodes_as_utf8():
    feed = parse_fixture("rss_latin1_declared_mostly_utf8.xml")
    assert feed.title == "Brøndby IF"  # not the mojibake of reading its UTF-8 as windows-1252
    assert [e.title for e in feed.entries] == ["Brøndby slår FC København på Brøndby Stadion", "Café Stadion"]
    assert feed.entries[0].summary == "Kampen endte 2\u20131."  # an en dash


@pytest.mark.parametrize(
    ("data", "label", "expected"),
    [
        # Mostly UTF-8: the stray byte is read as windows-1252 (0x93/0x94 are its curly quotes).
        ("Brøndby København Ærø ".encode() + b"\x93caf\xe9\x94", "iso-8859-1", "Brøndby København Ærø “café”"),
        ("Brøndby København ".encode() + b"\xe9", "", "Brøndby København é"),  # no label at all: the same
        # Mostly Latin-1: the label is right, even where two bytes happen to form UTF-8 ("Ã©").
        ("Ã© Brøndby København Ærø".encode("latin-1"), "iso-8859-1", "Ã© Brøndby København Ærø"),
        # Another legacy label is believed.
        ("Привет ".encode("koi8-r") + "ø".encode(), "koi8-r", "Привет " + "ø".encode().decode("koi8-r")),
    ],
)
def test_stray_bytes_in_utf8_and_mostly_legacy_bytes_are_told_apart(data, label, expected):
    declaration = f'<?xml version="1.0" encoding="{label}"?>' if label else ""
    document = declaration.encode() + b'<rss version="2.0"><channel><title>' + data + b"</title></channel></rss>"
    assert parse_feed(document, url=FEED_URL).title == expected


def test_dublin_core_10_is_read_like_dublin_core_11():
    feed = parse_fixture("rss10_dublin_core_10.xml")
    assert (feed.title, feed.language) == ("Old Dublin Core", "en-gb")
    (entry,) = feed.entries
    assert (entry.title, entry.author, entry.categories) == (
        "A story titled only in Dublin Core 1.0",
        "Ann Author",
        ("History",),
    )
    assert entry.published == datetime(2002, 9, 5, 7, 30, tzinfo=UTC)


def test_atom_titles_fall_back_to_dc_title_then_media_title():
    feed = parse_fixture("atom_dc_and_media_titles.xml")
    assert feed.title == "Titled in Dublin Core"
    assert [e.title for e in feed.entries] == [
        "Entry titled by dc:title",
        "Entry titled by media:title",
        "The Atom title wins",
    ]


def test_atom_entry_document_is_a_feed_of_that_one_entry():
    (entry,) = parse_fixture("atom_entry_document.xml").entries
    assert (entry.guid, entry.link, entry.title, entry.author, entry.language) == (
        "tag:entry.example.com,2024:post-1",
        "https://example.com/posts/1",  # relative, resolved against the document's URL
        "One entry on its own",
        "Eve Entry",
        "en",
    )
    assert (entry.published, entry.updated) == (
        datetime(2024, 3, 5, 9, 0, tzinfo=UTC),
        datetime(2024, 3, 5, 10, 0, tzinfo=UTC),
    )


def test_http_charset_is_used_for_bytes_that_are_not_utf8():
    data = _rss("Café", '<?xml version="1.0"?>').encode("latin-1")
    assert parse_feed(data, url=FEED_URL, content_type="text/xml; charset=ISO-8859-1").title == "Café"


def test_undeclared_namespace_prefix_is_declared_for_the_publisher():
    data = b'<rss version="2.0"><channel><item><title>t</title><link>http://x.example/</link><content:encoded>&lt;p&gt;body&lt;/p&gt;</content:encoded></item></channel></rss>'
    assert parse_feed(data, url=FEED_URL).entries[0].content_html == "<p>body</p>"


def test_truncated_feed_still_yields_its_complete_items():
    data = _rss("Cut").encode()[:-30]
    assert [e.title for e in parse_feed(data, url=FEED_URL).entries] == ["Cut"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tue, 05 Mar 2024 14:30:00 GMT", datetime(2024, 3, 5, 14, 30, tzinfo=UTC)),
        ("Tue, 5 Mar 2024 14:30:00 +0200", datetime(2024, 3, 5, 12, 30, tzinfo=UTC)),
        ("5 March 2024 14:30 PST", datetime(2024, 3, 5, 22, 30, tzinfo=UTC)),
        ("2024-03-05T14:30:00Z", datetime(2024, 3, 5, 14, 30, tzinfo=UTC)),
        ("2024-03-05T14:30:00.123-05:00", datetime(2024, 3, 5, 19, 30, 0, 123000, tzinfo=UTC)),
        ("2024-03-05 14:30:00", datetime(2024, 3, 5, 14, 30, tzinfo=UTC)),
        ("2024-03-05", datetime(2024, 3, 5, tzinfo=UTC)),
        ("20240305T143000", datetime(2024, 3, 5, 14, 30, tzinfo=UTC)),
        # The slips feedparser's private date parser used to catch, now read by our own code:
        ("2006-01-17T12:35:9+01:00", datetime(2006, 1, 17, 11, 35, 9, tzinfo=UTC)),  # one-digit seconds
        ("2020/1/10 14:33:00", datetime(2020, 1, 10, 14, 33, tzinfo=UTC)),  # slashes, one-digit month
        ("2024-03", datetime(2024, 3, 1, tzinfo=UTC)),  # W3CDTF year and month
        ("2024-03-05T14:30:00.5+0530", datetime(2024, 3, 5, 9, 0, 0, 500000, tzinfo=UTC)),
        ("Mon, 21 Jan 2008 8:56 am PST", datetime(2008, 1, 21, 16, 56, tzinfo=UTC)),  # 12-hour clock
        ("Sun, 20 Apr 2014 8:19 pm CEST", datetime(2014, 4, 20, 18, 19, tzinfo=UTC)),
        ("Mon, 21 Jan 2008 12:05 a.m. GMT", datetime(2008, 1, 21, 0, 5, tzinfo=UTC)),
        ("Sun Jan  4 16:29:06 2004", datetime(2004, 1, 4, 16, 29, 6, tzinfo=UTC)),  # asctime
        ("Sun, 04 Jan 2004 16:29:06 +0100 (CET)", datetime(2004, 1, 4, 15, 29, 6, tzinfo=UTC)),
        ("2024-13-45", None),
        ("1 Jan 2024" + " " * 10_000 + "x", None),  # too long to be a date (and no quadratic regex run)
        ("Tuesday, March 5, 2024 2:30 PM", None),
        ("not a date", None),
        ("", None),
    ],
)
def test_dates_become_aware_utc(text, expected):
    from newsdesk.reader.feeds.dates import parse_date

    parsed = parse_date(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", EMPTY_DOCUMENT),
        (b"   \n", EMPTY_DOCUMENT),
        ((DATA / "billion_laughs.xml").read_bytes(), FORBIDDEN_ENTITY),
        ((DATA / "xxe_external.xml").read_bytes(), FORBIDDEN_ENTITY),
        ((DATA / "xxe_parameter.xml").read_bytes(), FORBIDDEN_ENTITY),
        (
            b'<!DOCTYPE rss [<!ENTITY a "'
            + b"A" * 50_000
            + b'">]><rss><channel><title>'
            + b"&a;" * 5000
            + b"</title></channel></rss>",
            FORBIDDEN_ENTITY,
        ),
        (codecs.BOM_UTF16_LE + '<!DOCTYPE x [<!ENTITY a "b">]><rss/>'.encode("utf-16-le"), FORBIDDEN_ENTITY),
        (b"<!doctype html><html><head><title>Home</title></head><body><p>hi</p></body></html>", HTML_PAGE),
        (b'<?xml version="1.0"?><note><to>Tove</to></note>', NOT_A_FEED),
        (b'{"hello": "world"}', NOT_A_FEED),
        (b'{"version": "https://jsonfeed.org/version/1", "items": [', MALFORMED_JSON),
        (b"just some words", NOT_A_FEED),
        (b"<rss", MALFORMED_XML),
    ],
)
def test_refusals_carry_a_clear_reason(data, reason):
    with pytest.raises(FeedParseError) as caught:
        parse_feed(data, url=FEED_URL)
    assert caught.value.reason == reason
