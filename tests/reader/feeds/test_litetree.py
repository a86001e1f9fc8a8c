"""The C one-pass tree (`_litetree`) is a faster lxml for the feed readers, never a different parser.

* Its elements answer the lxml calls the readers make exactly as lxml does.
* It refuses (returns None, so lxml takes over) every document lxml would not read as it is.
* Over the whole shared corpus and over thousands of mutated documents, parse_feed gives the same
  ParsedFeed with the fast path on and off.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from lxml import etree

from newsdesk.reader.feeds import FeedParseError, litetree, parse_feed, xmlsafe
from newsdesk.reader.feeds import fields as f
from tests.reader.feeds.litetree_fuzz import mutate
from tests.shared_data import shared_eval_dir

URL = "https://corpus.example/feed"
DATA = Path(__file__).resolve().parents[2] / "data" / "feeds"

if not litetree.AVAILABLE:
    if os.environ.get("CI"):
        pytest.fail(f"the _litetree extension is missing in CI, which has a compiler: {litetree.IMPORT_ERROR}")
    pytest.skip(f"the optional _litetree extension is not built here: {litetree.IMPORT_ERROR}", allow_module_level=True)


def fast_root(data: bytes, base: str = URL):
    result = litetree._litetree.parse(data, base)
    return None if result is None else result[0]


def lxml_root(data: bytes, base: str = URL):
    parser = etree.XMLParser(**xmlsafe._PARSER_OPTIONS)  # the lxml path's own settings
    # As parse_checked_xml prepares a document: leading space and the DOCTYPE go.
    return etree.fromstring(xmlsafe.strip_doctype(data.lstrip()), parser, base_url=base)


def parse_both(data: bytes, monkeypatch) -> tuple[object, object]:
    def one():
        try:
            return parse_feed(data, url=URL, keep_duplicates=True)
        except FeedParseError as error:
            return ("refused", error.reason)

    monkeypatch.setattr(litetree, "ENABLED", True)
    fast = one()
    monkeypatch.setattr(litetree, "ENABLED", False)
    slow = one()
    monkeypatch.setattr(litetree, "ENABLED", True)
    return fast, slow


def same_tree(fast, slow) -> None:
    """Every lxml call the readers make gives the same answer on both elements, recursively."""
    assert fast.tag == slow.tag
    assert fast.text == slow.text
    assert fast.tail == slow.tail
    assert fast.attrib == dict(slow.attrib)
    assert fast.base == slow.base
    assert len(fast) == len(slow)
    assert list(fast.itertext()) == list(slow.itertext())
    assert f.inner_markup(fast) == f.inner_markup(slow)
    for key in slow.attrib:
        assert fast.get(key) == slow.get(key)
    assert fast.get("{urn:x}absent", "default") == "default"
    for a, b in zip(fast, slow, strict=True):
        same_tree(a, b)


MIXED = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment before the root -->
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:media="http://search.yahoo.com/mrss/">
<channel xml:base="https://example.com/news/">
  <title>T &amp; &lt;T&gt; &#233;&#x1F600; &quot;q&quot; &apos;a&apos;</title>
  <item xml:base="sub/" xml:lang="fr">
    <title>One<!-- gone --> two<?pi also gone?> three</title>
    <link>a.html</link>
    <description><![CDATA[<p>cdata &amp; <b>html</b></p>]]> and text &lt;i&gt;</description>
    <content:encoded><p class="x" title='say "hi" &amp; go'>Para<br/><img src="i.png"
      alt="a&#10;b"></img><span></span><dc:x xmlns:dc="urn:other">pre</dc:x></p>tail &amp; more]]&gt;</content:encoded>
    <media:content url="https://example.com/i.jpg" medium="image"/>
    <dc:creator>Ann\r\nBee\rCee</dc:creator>
  </item>
  <item><title>Two</title><guid isPermaLink="false">  g2  </guid></item>
</channel>
</rss>
<!-- trailing comment -->
"""


def test_elements_answer_like_lxml():
    same_tree(fast_root(MIXED), lxml_root(MIXED))


def test_iter_matches_lxml_including_the_any_namespace_wildcard():
    fast, slow = fast_root(MIXED), lxml_root(MIXED)
    for tags in [
        (),
        ("item",),
        ("title", "link"),
        ("{*}item",),
        ("{*}creator",),
        ("{http://search.yahoo.com/mrss/}content",),
    ]:
        assert [e.tag for e in fast.iter(*tags)] == [e.tag for e in slow.iter(*tags)], tags
    assert (fast[0][0].tag, fast[0][1].tag, fast[0][-1].tag) == ("title", "item", "item")
    with pytest.raises(IndexError):
        fast[5]


def test_xml_base_resolves_down_the_tree_like_lxml():
    doc = (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://a.example/x/"><entry xml:base="y/">'
        b'<link href="z"/><content xml:base="https://b.example/q/r"><div xml:base="/top/"/></content></entry></feed>'
    )
    fast, slow = fast_root(doc), lxml_root(doc)
    assert [e.base for e in fast.iter()] == [e.base for e in slow.iter()]
    assert fast[0][1][0].base == "https://b.example/top/"
    # Where urljoin and libxml2 may part ways (dot segments, queries, other schemes), lxml decides.
    for odd in (b"../y/", b"y?q", b"#f", b"tag:x,2024:/", b"//host/", b""):
        assert (
            litetree._litetree.parse(b'<feed xml:base="http://a.example/x/"><e xml:base="' + odd + b'"/></feed>', URL)
            is None
        )
    assert litetree._litetree.parse(doc, URL)[1] is True
    assert litetree._litetree.parse(b"<rss><channel/></rss>", URL)[1] is False


def test_an_empty_base_url_gives_none_like_lxml():
    assert fast_root(b"<rss/>", "").base is None


@pytest.mark.parametrize(
    "doc",
    [
        b'<!DOCTYPE rss [<!ENTITY x "y">]><rss>&x;</rss>',  # an internal subset
        b"<rss><title>&nbsp;</title></rss>",  # an HTML entity: lxml's repair path
        b"<rss><title>a\x01b</title></rss>",  # a control character
        b"<rss><title>a</titl></rss>",  # mismatched end tag
        b"<rss><wfw:comment>x</wfw:comment></rss>",  # an undeclared prefix
        b'<rss a="1" a="2"/>',  # a duplicate attribute
        b'<rss xmlns:p="urn:x" xmlns:q="urn:x" p:a="1" q:a="2"/>',  # duplicate expanded names
        b"<rss/>text",  # text after the root
        b"<rss/><rss/>",  # two roots
        b"<rss>a]]>b</rss>",  # "]]>" in text
        b"<rss><!-- a -- b --></rss>",  # "--" inside a comment
        b'<rss><?xml version="1.0"?></rss>',  # a declaration that is not at the start
        b'<?xml version="1.0" encoding="iso-8859-1"?><rss/>',  # not UTF-8
        b"<rss><title>caf\xe9</title></rss>",  # invalid UTF-8
        b'<rss xmlns:p=""/>',  # undeclaring a prefix
        b'<rss xmlns:p="urn:a b"><p:x/></rss>',  # a namespace URI broken by whitespace
        b"<rss><title>&#0;</title></rss>",  # a reference to a non-XML character
        b"<rss><title>&#xD800;</title></rss>",  # a surrogate
        b"<rss><title>& </title></rss>",  # a bare ampersand
        b'<rss a="<"/>',  # "<" in an attribute
        b'<rss a="1"b="2"/>',  # attributes without a space between them
        b"<rss><a:b:c/></rss>",  # not a QName
        b"<rss><1a/></rss>",  # not a name
        b"<rss><![CDATA[never closed</rss>",
        b"",
        b"   ",
        b"text",
        b"<" + b"<a>" * 300 + b"</a>" * 300,  # deeper than libxml2's default limit
        b"<a>" * 300 + b"</a>" * 300,
    ],
)
def test_refuses_what_lxml_would_not_read_as_it_is(doc):
    assert litetree._litetree.parse(doc, URL) is None


def test_every_prefix_of_a_document_is_refused_without_crashing():
    for end in range(len(MIXED.rstrip())):
        prefix = MIXED[:end]
        if prefix.rstrip().endswith(b"</rss>"):
            continue
        assert litetree._litetree.parse(prefix, URL) is None, end


def test_parse_feed_uses_the_fast_path_and_can_be_switched_off(monkeypatch):
    calls = []
    real = litetree._litetree.parse
    monkeypatch.setattr(litetree._litetree, "parse", lambda data, base: calls.append(1) or real(data, base))
    fast, slow = parse_both(MIXED, monkeypatch)
    assert calls == [1]  # taken once (with ENABLED), not when switched off
    assert fast == slow
    assert fast.entries[0].link == "https://example.com/news/sub/a.html"
    assert fast.entries[0].author == "Ann Bee Cee"


def corpus_documents(folder: Path) -> list[tuple[str, bytes]]:
    return [
        (str(p.relative_to(folder)), p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "README.md"
    ]


@pytest.mark.shared
def test_the_whole_shared_corpus_parses_the_same_with_and_without_the_fast_path(monkeypatch):
    folder = shared_eval_dir("feeds")
    taken, differ = 0, []
    for name, data in corpus_documents(folder):
        if litetree._litetree.parse(data.lstrip(), URL) is not None:
            taken += 1
        fast, slow = parse_both(data, monkeypatch)
        if fast != slow:
            differ.append(name)
    assert differ == []
    assert taken > 2000, taken  # the fast path really is the common path


def test_mutated_documents_never_crash_and_never_disagree(monkeypatch):
    """A small differential fuzzer: whatever the fast path accepts, lxml reads the same way."""
    seeds = [MIXED] + [p.read_bytes() for p in sorted(DATA.glob("*.xml"))[:12]]
    rng = random.Random(20261125)
    accepted = 0
    for _ in range(int(os.environ.get("FUZZ_N", "3000"))):
        data = mutate(rng.choice(seeds), rng)
        result = litetree._litetree.parse(data, URL)
        if result is None:
            continue
        accepted += 1
        try:
            lxml_root(data)
        except etree.XMLSyntaxError as error:
            pytest.fail(f"fast path accepted what lxml refuses ({error}): {data[:300]!r}")
        same_tree(result[0], lxml_root(data))
        fast, slow = parse_both(data, monkeypatch)
        assert fast == slow, data[:300]
    assert accepted > 300  # most mutations keep the document well-formed enough to compare
