"""extract_article on golden pages (tests/data/pages/<domain>.<slug>.html + .expected.json) and edge cases."""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from newsdesk.reader.extract import ExtractionError, ExtractOptions, extract_article, xpaths
from newsdesk.reader.extract import article as article_module
from newsdesk.reader.extract.candidates import lowered_words
from newsdesk.reader.extract.errors import EMPTY_DOCUMENT, NOT_HTML, OUT_OF_TIME, PAGE_TOO_LARGE, TOO_MANY_ELEMENTS
from newsdesk.reader.extract.metadata.bylines import clean_byline, strip_outlet
from newsdesk.reader.extract.metadata.robots import display_directives
from newsdesk.reader.extract.metadata.titles import strip_site_name
from newsdesk.reader.urls import URL_UNSAFE_CHARACTERS

PAGES = Path(__file__).resolve().parents[2] / "data" / "pages"
GOLDEN = sorted(PAGES.glob("*.html"))
FIELDS = (
    "canonical_url",
    "title",
    "byline",
    "language",
    "description",
    "image_url",
    "site_name",
    "wire_credit",
    "noarchive",
)


@pytest.mark.parametrize("page", GOLDEN, ids=lambda p: p.stem)
def test_golden_page(page):
    expected = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))
    article = extract_article(page.read_bytes(), url="https://www.journal.example/x?xtor=RSS-1")
    for name in FIELDS:
        assert getattr(article, name) == expected[name], name
    assert article.published == datetime.fromisoformat(expected["published"])
    assert article.updated == datetime.fromisoformat(expected["updated"])
    assert list(article.categories) == expected["categories"]
    for snippet in expected["body_contains"]:
        assert snippet in article.body_text
    for snippet in expected["body_excludes"]:
        assert snippet.lower() not in article.body_text.lower(), snippet
    assert "<script" not in article.body_html
    assert "<form" not in article.body_html


def _page(head: str = "", body: str = "", lang: str = "") -> bytes:
    paragraphs = "".join(
        f"<p>This is paragraph number {i} of a long enough article body so that the extractor keeps it as "
        f"the main content of the page, which it needs at least a few sentences for.</p>"
        for i in range(5)
    )
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"<html{lang_attr}><head>{head}</head><body><article>{body}{paragraphs}</article></body></html>".encode()


@pytest.mark.parametrize(
    ("head", "headers", "noarchive"),
    [
        ('<meta name="robots" content="noarchive">', {}, True),
        ('<meta name="googlebot" content="NOINDEX, NOARCHIVE">', {}, True),
        ('<meta name="robots" content="none">', {}, True),
        ("", {"X-Robots-Tag": "noarchive"}, True),
        ("", {"x-robots-tag": "googlebot: noarchive, nosnippet"}, True),
        ('<meta name="robots" content="index, follow">', {"X-Robots-Tag": "nosnippet"}, False),
    ],
)
def test_noarchive_from_meta_or_header(head, headers, noarchive):
    assert extract_article(_page(head), url="https://example.com/a", headers=headers).noarchive is noarchive


def _numbers_page(head: str = "", lang: str = "") -> bytes:
    """A body of figures and names only: no language evidence, so the declared language decides."""
    rows = "".join(
        f"<p>2026-0{i}-1{i}: 4{i},{i}7 % — 1{i}:30 — OECD/IMF {i}{i}.{i} bn, Q{i} 20{i}4.</p>" for i in range(1, 8)
    )
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"<html{lang_attr}><head>{head}</head><body><article>{rows}</article></body></html>".encode()


@pytest.mark.parametrize(
    ("html", "headers", "language"),
    [
        (_numbers_page(lang="de-AT"), {}, "de"),
        (_numbers_page('<meta property="og:locale" content="es_ES">'), {}, "es"),
        (_numbers_page(), {"Content-Language": "fr-CA"}, "fr"),
        (_page(lang="de-AT"), {}, "en"),  # English text declared German: the text wins
        (_page(), {}, "en"),  # nothing declared: identified from the body
    ],
)
def test_language_sources(html, headers, language):
    assert extract_article(html, url="https://example.com/a", headers=headers).language == language


@pytest.mark.parametrize(
    ("head", "body", "byline"),
    [
        ('<meta name="author" content="Jane Roe">', "", "Jane Roe"),
        (
            '<meta property="article:author" content="https://facebook.com/janeroe">',
            '<div class="byline">By Jane Roe | Updated 5:03 PM</div>',
            "Jane Roe",
        ),
        (
            '<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person","name":"Ann Lee"}}</script>',
            "",
            "Ann Lee",
        ),
        ("", '<span class="author">Von Max Muster</span>', "Max Muster"),
    ],
)
def test_byline_sources(head, body, byline):
    assert extract_article(_page(head, body), url="https://example.com/a").byline == byline


@pytest.mark.parametrize(
    ("head", "image"),
    [
        ('<meta property="og:image" content="//cdn.example.com/a.jpg">', "https://cdn.example.com/a.jpg"),
        ('<meta name="twitter:image" content="/b.png">', "https://example.com/b.png"),
        (
            '<script type="application/ld+json">{"@type":"Article","image":[{"url":"/c.jpg"}]}</script>',
            "https://example.com/c.jpg",
        ),
        ('<meta property="og:image" content="javascript:alert(1)">', ""),
    ],
)
def test_lead_image_sources(head, image):
    assert extract_article(_page(head), url="https://example.com/news/a", headers={}).image_url == image


def test_body_is_sanitized_keeping_the_text_of_links_scripts_and_handlers_dropped():
    body = '<p>Read <a href="/more" onclick="x()">more</a><script>alert(1)</script> <img src=x onerror=alert(1)></p>'
    article = extract_article(_page(body=body), url="https://example.com/news/a")
    for needle in ("<script", "onerror", "onclick"):
        assert needle not in article.body_html
    # The text survives; the extractor keeps no links in bodies (include_links=False), only their words.
    assert "<p>Read more</p>" in article.body_html
    assert "<a " not in article.body_html


def test_legacy_charset_from_meta_is_honoured():
    html = '<html><head><meta charset="windows-1252"><title>Caf\xe9 cr\xe8me</title></head><body></body></html>'
    assert extract_article(html.encode("cp1252"), url="https://example.com/").title == "Café crème"


@pytest.mark.parametrize(
    ("html", "reason"), [(b"", EMPTY_DOCUMENT), (b"  \n ", EMPTY_DOCUMENT), (b"\x00\x01\x02\x00PNG", NOT_HTML)]
)
def test_unusable_input_raises_extraction_error(html, reason):
    with pytest.raises(ExtractionError) as caught:
        extract_article(html, url="https://example.com/")
    assert caught.value.reason == reason


def test_page_without_article_body_keeps_its_metadata():
    html = b'<html><head><title>Gallery | Site</title><meta property="og:site_name" content="Site"></head><body><img src="a.jpg"></body></html>'
    article = extract_article(html, url="https://example.com/g")
    assert (article.title, article.body_html, article.site_name) == ("Gallery", "", "Site")


@pytest.mark.parametrize(
    ("title", "site", "url", "expected"),
    [
        ("Headline here | The Daily", "The Daily", "https://daily.example/", "Headline here"),
        ("The Daily - Headline here", "The Daily", "https://daily.example/", "Headline here"),
        ("Headline here — Daily Example", "", "https://www.dailyexample.com/a", "Headline here"),
        ("Ukraine war - live updates", "", "https://news.example/", "Ukraine war - live updates"),
        ("Opinion | A long headline", "NYT", "https://nytimes.com/", "Opinion | A long headline"),
        ("A long headline here | Politics", "", "https://x.example/", "A long headline here"),
    ],
)
def test_strip_site_name(title, site, url, expected):
    assert strip_site_name(title, site, url) == expected


@pytest.mark.parametrize(
    ("title", "h1", "expected"),
    [
        # Chinese and Japanese titles glue the site name on without spaces; the page's own <h1> says where it ends.
        (
            "短缺药品保供稳价 全力保障临床用药需求-新华网",
            "短缺药品保供稳价 全力保障临床用药需求",
            "短缺药品保供稳价 全力保障临床用药需求",
        ),
        (
            "米朝首脳直通電話で習氏に挑むトランプ戦術\uff1a日本経済新聞",  # a full-width colon
            "米朝首脳直通電話で習氏に挑むトランプ戦術",
            "米朝首脳直通電話で習氏に挑むトランプ戦術",
        ),
        # A short headline, or one in a script with spaces, keeps the rule of separators with spaces around them.
        ("新华网-新闻", "新华网", "新华网-新闻"),
        ("Brexit-deal talks resume", "Brexit", "Brexit-deal talks resume"),
        ("Voters back the budget-cut plan", "Voters back the budget", "Voters back the budget-cut plan"),
        ("Voters back the budget | Politics", "Voters back the budget", "Voters back the budget"),
    ],
)
def test_the_title_is_cut_where_the_pages_own_headline_ends(title, h1, expected):
    article = extract_article(_page(f"<title>{title}</title>", f"<h1>{h1}</h1>"), url="https://example.com/a")
    assert article.title == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe", "Jane Doe"),
        ("  BY  John Smith | 3 hours ago", "John Smith"),
        ("Par Marie Curie", "Marie Curie"),
        ("12:30", ""),
        ("", ""),
        ("Jeff FoustMonday, November 18, 2019", "Jeff Foust"),  # a date glued onto the name
        ("By Amara NwosuMar. 3, 2026", "Amara Nwosu"),
        ("Von Karl Weber, 3. März 2026", "Karl Weber"),
        ("Par Claire Dubois 3 mars 2026", "Claire Dubois"),
        ("Por Ana García, 3 de marzo de 2026", "Ana García"),
        ("By Jane Doe 2026-03-03", "Jane Doe"),
        ("By Jane Doe, 03/03/2026", "Jane Doe"),
        ("By May Smith", "May Smith"),  # a month name that is a name
        ("By Joan\xa0Biskupic", "Joan Biskupic"),  # a no-break space between names is layout
    ],
)
def test_clean_byline(raw, expected):
    assert clean_byline(raw) == expected


def test_no_break_spaces_in_titles_and_descriptions_are_spaces_but_where_they_are_typography():
    description = "Le budget\xa0: 6\xa0450 postes et «\xa0une réforme\xa0» en\xa0vue\xa0?"
    page = (
        "<html><head><title>New Year, new laws: pot, guns and\xa0drones</title>"
        f'<meta name="description" content="{description}"></head>'
        f"<body><p>{'Text of the article. ' * 40}</p></body></html>"
    )
    article = extract_article(page.encode(), url="https://news.example/a")
    assert article.title == "New Year, new laws: pot, guns and drones"
    # Kept before French punctuation, after «, inside a number; "en vue" was layout.
    assert article.description == "Le budget\xa0: 6\xa0450 postes et «\xa0une réforme\xa0» en vue\xa0?"


def test_every_byline_class_token_contains_a_stem_the_byline_xpath_tests_first():
    assert all(any(stem in token for stem in xpaths.BYLINE_STEMS) for token in xpaths.BYLINE_TOKENS)


def test_the_byline_xpath_finds_each_named_element_once_in_page_order():
    page = lxml.html.document_fromstring(
        '<html class="author"><body><p class="authority">no</p><span class="x  story-byline">1</span>'
        '<a rel="author" class="byline">2</a><div itemprop="author">3</div><i class="contributor">4</i>'
        '<b rel="authors">no</b></body></html>'
    )
    found = etree.XPath(xpaths.BYLINE_XPATH)(page)
    assert [el.tag for el in found] == ["html", "span", "a", "div", "i"]


POISON = "http://www.google<script .com>alert(1)</script"


def test_a_broken_canonical_url_is_ignored_with_a_note_not_raised():
    head = f'<link rel="canonical" href="{escape(POISON)}">'
    article = extract_article(_page(head), url="https://example.com/news/a")
    assert article.canonical_url == ""
    assert "paragraph number 4" in article.body_text
    assert article.notes == (f"canonical link ignored: {URL_UNSAFE_CHARACTERS}: {POISON}",)


@pytest.mark.parametrize(
    ("head", "canonical", "note"),
    [
        (
            f'<meta property="og:url" content="{escape(POISON)}"><link rel="canonical" href="javascript:x()">',
            "",
            "og:url ignored",
        ),
        (
            f'<link rel="canonical" href="{escape(POISON)}"><meta property="og:url" content="/news/b">',
            "https://example.com/news/b",
            "canonical link ignored",
        ),
        (
            '<script type="application/ld+json">{"@type":"NewsArticle","url":"http://[::1"}</script>',
            "",
            "JSON-LD url ignored",
        ),
        (
            '<script type="application/ld+json">{"@type":"NewsArticle","url":"https://example.com/news/c"}</script>',
            "https://example.com/news/c",
            "",
        ),
        (f'<base href="{escape(POISON)}"><link rel="canonical" href="/news/d">', "https://example.com/news/d", "<base"),
        ('<base href="https://other.example/dir/"><link rel="canonical" href="e">', "https://other.example/dir/e", ""),
    ],
)
def test_page_urls_are_validated_before_use(head, canonical, note):
    article = extract_article(_page(head), url="https://example.com/news/a")
    assert article.canonical_url == canonical
    if note:
        assert any(n.startswith(note) for n in article.notes), article.notes
    else:
        assert article.notes == ()


@pytest.mark.parametrize(
    ("head", "allow_loopback", "image", "noted"),
    [
        ('<meta property="og:image" content="http://169.254.169.254/latest/x.png">', False, "", True),
        ('<meta property="og:image" content="http://10.0.0.7/x.png">', False, "", True),
        ('<meta property="og:image" content="http://127.0.0.1:9/x.png">', False, "", True),
        ('<meta property="og:image" content="http://127.0.0.1:9/x.png">', True, "http://127.0.0.1:9/x.png", False),
        (
            f'<meta property="og:image" content="{escape(POISON)}"><meta name="twitter:image" content="/t.png">',
            False,
            "https://example.com/t.png",
            True,
        ),
    ],
)
def test_a_lead_image_the_fetcher_would_refuse_is_not_kept(head, allow_loopback, image, noted):
    options = ExtractOptions(allow_loopback=allow_loopback)
    article = extract_article(_page(head), url="https://example.com/news/a", options=options)
    assert article.image_url == image
    assert bool(article.notes) is noted


def test_a_page_over_the_size_cap_is_refused_before_parsing():
    page = b"<html><body>" + b"<div><p>text text</p></div>" * 600_000 + b"</body></html>"  # 16 MB
    assert len(page) > 14 * 1024 * 1024
    with pytest.raises(ExtractionError) as raised:
        extract_article(page, url="https://example.com/big")
    assert raised.value.reason == PAGE_TOO_LARGE


def test_a_page_over_the_element_cap_is_refused():
    page = _page(body="<span>x</span>" * 2_000)
    with pytest.raises(ExtractionError) as raised:
        extract_article(page, url="https://example.com/many", options=ExtractOptions(max_elements=1_000))
    assert raised.value.reason == TOO_MANY_ELEMENTS
    # The same page within the cap is extracted.
    assert extract_article(page, url="https://example.com/many").body_text


def test_a_page_over_its_time_budget_is_refused():
    # A zero budget is spent before the first checkpoint, whatever the machine's speed.
    with pytest.raises(ExtractionError) as raised:
        extract_article(_page(), url="https://example.com/slow", options=ExtractOptions(time_budget_s=0.0))
    assert raised.value.reason == OUT_OF_TIME


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["noarchive"], "noarchive"),
        (["none"], "noarchive"),
        (["index, follow"], ""),
        (["nosnippet", "googlebot: noimageindex"], "nosnippet noimageindex"),
        (["max-snippet:50", "max-snippet: 20, noarchive"], "noarchive max-snippet:20"),
        (["max-snippet:-1"], ""),
    ],
)
def test_display_directives_keep_the_limits_we_honour(values, expected):
    assert display_directives(values) == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("Dana A. Ford, Chien-Ming Wang, and Tom Watkins, CNN", "Dana A. Ford, Chien-Ming Wang, Tom Watkins"),
        ("Jane Doe, cnn.com", "Jane Doe"),  # the host names the site too
        ("Jane Doe, Reuters", "Jane Doe, Reuters"),  # another outlet is a credit, not this site's name
        ("Jane Doe and Max Roe", "Jane Doe and Max Roe"),
        ("Doe, Jane", "Doe, Jane"),
    ],
)
def test_the_sites_own_name_after_the_authors_goes(byline, expected):
    assert strip_outlet(byline, "CNN", "https://edition.cnn.com/2013/11/27/us/story") == expected


@pytest.mark.parametrize(
    ("byline", "site_name", "url", "expected"),
    [
        # A given name after a surname is no outlet, though the site's name (or host) holds its letters.
        ("Lee, Min", "Minneapolis Star Tribune", "https://www.startribune.com/a", "Lee, Min"),
        ("Doe, Ann", "Capital Gazette", "https://www.annapolis.example/a", "Doe, Ann"),
        ("Jane Doe, Ed Miles, Ed", "Fred News", "https://fred.example/a", "Jane Doe, Ed Miles, Ed"),
        # Whole words of the name, or whole labels of the host, still name it.
        ("Jane Doe, Verge", "The Verge", "https://www.theverge.com/a", "Jane Doe"),
        ("Jane Doe, theverge", "", "https://www.theverge.com/a", "Jane Doe"),
        ("Jane Doe, THE VERGE!", "The Verge", "https://www.theverge.com/a", "Jane Doe"),  # any case, any punctuation
        # Named twice, it goes twice; a name with regex characters is matched as text; a byline that is the
        # outlet alone stays (nothing else names the author).
        ("Jane Doe, CNN, CNN", "CNN", "https://cnn.com/a", "Jane Doe"),
        ("Jane Doe, C++ Weekly", "C++ Weekly", "https://cpp.example/a", "Jane Doe"),
        ("CNN", "CNN", "https://cnn.com/a", "CNN"),
    ],
)
def test_only_whole_words_of_the_sites_name_end_a_byline(byline, site_name, url, expected):
    assert strip_outlet(byline, site_name, url) == expected


def test_words_are_found_then_lowered_as_titles_headings_and_bylines_compare_them():
    # One helper for the headline-heading check (candidates) and the byline's outlet (metadata): words are found in
    # the text as written, so a capital dotted I ("İ", whose lower case is two characters) stays in its word.
    assert lowered_words("Rundschau-ONLINE: İzmir, 2 Tage…") == ["rundschau", "online", "i\u0307zmir", "2", "tage"]
    assert lowered_words("") == []


def test_a_news_agency_stays_in_the_byline_on_its_own_site():
    # The wire credit is read from it (reader/dedup/wire.py): "Associated Press" is an agency, not a mere outlet.
    assert strip_outlet("Jane Doe, Associated Press", "Associated Press", "https://apnews.com/a") == (
        "Jane Doe, Associated Press"
    )


def test_extract_article_drops_the_outlet_from_the_byline():
    page = (
        '<html><head><title>T</title><meta property="og:site_name" content="CNN">'
        '<meta name="author" content="Dana A. Ford and Tom Watkins, CNN"></head>'
        f"<body><p>{'Text of the article. ' * 40}</p></body></html>"
    )
    assert extract_article(page.encode(), url="https://edition.cnn.com/a").byline == "Dana A. Ford and Tom Watkins"


_UNDATED_BODY = " ".join(["The council met on a quiet evening and voted on the new plan for the river path."] * 12)


def _undated_page(extra: str = "") -> str:
    """An ASCII page that declares no date and, but for `extra`, holds no year anywhere."""
    return (
        "<html><head><title>The river path</title></head><body><article><h1>The river path</h1>"
        f"{extra}<p>{_UNDATED_BODY}</p><p>{_UNDATED_BODY}</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("extra", "url"),
    [
        ('<p class="meta">Posted 05.04.15 by staff</p>', "https://news.example/river-path"),  # a two-digit year only
        ('<span class="date">05-04-15</span>', "https://news.example/river-path"),
        ("", "https://news.example/2015/04/05/river-path"),  # a year in the URL only
        # seconds since 1970 (2015-04-05 09:20 UTC), no year written; its digits hold no year stem
        ('<p>By staff <abbr class="timestamp" DATA-UTIME="1428225600">Sunday</abbr></p>', "https://news.example/path"),
    ],
)
def test_htmldate_still_reads_a_page_whose_only_date_has_no_full_year_or_is_in_its_url(extra, url):
    article = extract_article(_undated_page(extra), url=url)
    assert article.published is not None
    assert article.published.date().isoformat() == "2015-04-05"
    assert article.published_is_date


def test_htmldate_is_asked_only_where_a_date_it_could_read_is_written():
    assert not article_module._may_hold_a_date(_undated_page(), "https://news.example/river-path")
    assert extract_article(_undated_page(), url="https://news.example/river-path").published is None
    for extra in ("&#50;&#48;&#49;&#53;-04-05", "\u0662\u0660\u0661\u0665", "Copyright 1998", "Posted 5-4-15"):
        assert article_module._may_hold_a_date(_undated_page(extra), "https://news.example/river-path"), extra
