"""reader.feeds.opml: OPML in, sites out; build_opml back again. No Django, no database."""

from datetime import UTC, datetime

import pytest

from newsdesk.reader.feeds.opml import (
    MAX_OPML_BYTES,
    OPML_BAD_URL,
    OPML_EMPTY,
    OPML_MALFORMED,
    OPML_NO_BODY,
    OPML_NOT_OPML,
    OPML_TOO_LARGE,
    OpmlError,
    OpmlFeed,
    OpmlSite,
    build_opml,
    parse_opml,
)

FLAT = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>My feeds</title></head><body>
  <outline type="rss" text="Example News" title="Example News" xmlUrl="https://example.com/rss.xml"
           htmlUrl="https://Example.com:443/"/>
  <outline type="rss" text="Example World" xmlUrl="https://feeds.example.com/world.xml" htmlUrl="https://example.com/world"/>
  <outline type="rss" text="Other Times" xmlUrl="https://other.test/feed"/>
</body></opml>"""

CATEGORY_FOLDERS = b"""<opml version="2.0"><head/><body>
  <outline text="Tech">
    <outline text="Site A" xmlUrl="https://a.test/feed.xml"/>
    <outline text="Site B" xmlUrl="https://b.test/atom.xml" type="atom"/>
    <outline text="Nested">
      <outline text="Site A comments" xmlUrl="https://a.test/comments.xml"/>
    </outline>
  </outline>
</body></opml>"""

SITE_FOLDER = b"""<opml version="2.0"><body>
  <outline text="Le Journal" htmlUrl="https://journal.test/">
    <outline text="Une" xmlUrl="https://journal.test/une.xml"/>
    <outline text="Podcast" xmlUrl="https://cdn.podhost.test/journal.xml"/>
  </outline>
</body></opml>"""


def test_flat_outlines_are_grouped_by_the_origin_of_their_homepage():
    document = parse_opml(FLAT)

    assert document.title == "My feeds"
    assert [(s.name, s.homepage, [f.xml_url for f in s.feeds]) for s in document.sites] == [
        (
            "Example News",
            "https://Example.com:443/",
            ["https://example.com/rss.xml", "https://feeds.example.com/world.xml"],
        ),
        ("Other Times", "https://other.test/", ["https://other.test/feed"]),
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("http://127.0.0.1:8101/", "http://127.0.0.1:8102/"),
        ("https://example.com/", "https://www.example.com/"),
        ("http://example.com/", "https://example.com/"),
        ("https://example.com/", "https://example.com:8443/"),
    ],
)
def test_homepages_of_one_host_with_another_port_scheme_or_name_are_two_sites(first, second):
    data = f"""<opml version="2.0"><body><outline text="All">
      <outline text="First" xmlUrl="{first}rss.xml" htmlUrl="{first}"/>
      <outline text="Second" xmlUrl="{second}rss.xml" htmlUrl="{second}"/>
    </outline></body></opml>""".encode()

    document = parse_opml(data)

    assert [(s.name, s.homepage) for s in document.sites] == [("First", first), ("Second", second)]


def test_feeds_without_a_homepage_are_grouped_by_the_origin_of_the_feed_url():
    data = b"""<opml version="2.0"><body>
      <outline text="A" xmlUrl="http://127.0.0.1:8101/rss.xml"/>
      <outline text="A atom" xmlUrl="http://127.0.0.1:8101/atom.xml"/>
      <outline text="B" xmlUrl="http://127.0.0.1:8102/rss.xml"/>
    </body></opml>"""

    document = parse_opml(data)

    assert [(s.homepage, len(s.feeds)) for s in document.sites] == [
        ("http://127.0.0.1:8101/", 2),
        ("http://127.0.0.1:8102/", 1),
    ]


def test_category_folders_do_not_become_publishers():
    document = parse_opml(CATEGORY_FOLDERS)

    assert [(s.name, len(s.feeds)) for s in document.sites] == [("Site A", 2), ("Site B", 1)]
    assert document.sites[1].feeds[0].kind == "atom"


def test_a_folder_with_a_homepage_is_one_publisher_across_hosts():
    (site,) = parse_opml(SITE_FOLDER).sites

    assert (site.name, site.homepage) == ("Le Journal", "https://journal.test/")
    assert [f.xml_url for f in site.feeds] == ["https://journal.test/une.xml", "https://cdn.podhost.test/journal.xml"]


def test_attribute_names_are_matched_case_insensitively():
    data = b'<opml><body><outline TEXT="Shouty" XMLURL="https://shout.test/rss" HTMLURL="https://shout.test/"/></body></opml>'

    (site,) = parse_opml(data).sites

    assert (site.name, site.feeds[0].xml_url) == ("Shouty", "https://shout.test/rss")


@pytest.mark.parametrize(
    "xml_url",
    [
        "javascript:alert(1)",
        "/relative/feed.xml",
        "file:///etc/passwd",
        "http://",
        "https://[::1/feed",
        "https://x.test:99999/feed",
        "ftp://x.test/f",
    ],
)
def test_unusable_feed_urls_are_skipped_with_a_reason(xml_url):
    data = f'<opml><body><outline text="x" xmlUrl="{xml_url}"/></body></opml>'.encode()

    document = parse_opml(data)

    assert document.sites == ()
    assert document.skipped == (f"{xml_url}: {OPML_BAD_URL}",)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", OPML_EMPTY),
        (b"   \n", OPML_EMPTY),
        (b"<opml><body><outline text='x'", OPML_MALFORMED),
        (b"this is not xml at all", OPML_MALFORMED),
        (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x "y">]><opml><body/></opml>', OPML_MALFORMED),
        (b"<rss><channel/></rss>", OPML_NOT_OPML),
        (b"<opml><head><title>t</title></head></opml>", OPML_NO_BODY),
        (b"<opml>" + b" " * MAX_OPML_BYTES, OPML_TOO_LARGE),
    ],
)
def test_documents_that_are_not_opml_raise_a_clear_reason(data, reason):
    with pytest.raises(OpmlError) as caught:
        parse_opml(data)

    assert caught.value.reason == reason


def test_latin1_opml_is_decoded_from_its_declaration():
    data = '<?xml version="1.0" encoding="ISO-8859-1"?><opml><body><outline text="Café" xmlUrl="https://cafe.test/rss"/></body></opml>'

    (site,) = parse_opml(data.encode("latin-1")).sites

    assert site.name == "Café"


def test_built_opml_reads_back_to_the_same_sites():
    sites = (
        OpmlSite(
            name="Le Journal & Co",
            homepage="https://journal.test/",
            slug="le-journal",
            feeds=(
                OpmlFeed(xml_url="https://journal.test/une.xml?a=1&b=2", title="Une", kind="atom"),
                OpmlFeed(xml_url="https://journal.test/sitemap.xml", title="", kind="sitemap"),
            ),
        ),
    )

    data = build_opml(sites, title="export", created=datetime(2024, 5, 1, tzinfo=UTC))
    document = parse_opml(data)

    assert b"<dateCreated>Wed, 01 May 2024 00:00:00 GMT</dateCreated>" in data
    assert document.title == "export"
    (site,) = document.sites
    assert (site.name, site.homepage, site.slug) == ("Le Journal & Co", "https://journal.test/", "le-journal")
    assert [(f.xml_url, f.title, f.kind) for f in site.feeds] == [
        ("https://journal.test/une.xml?a=1&b=2", "Une", "atom"),
        ("https://journal.test/sitemap.xml", "Le Journal & Co", "sitemap"),
    ]
