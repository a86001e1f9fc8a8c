"""The URL vocabulary of reader/urls.py (canonicalize_url, url_origin, same_origin, same_site, page URLs), table-driven."""

from __future__ import annotations

import unicodedata

import pytest

from newsdesk.reader import urls
from newsdesk.reader.urls import (
    canonicalize_url,
    is_publishable_url,
    is_tracking_param,
    page_url_problem,
    resolve_page_url,
    same_origin,
    same_site,
    url_origin,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/../../a", "https://example.com/a"),
        ("https://example.com/a/b/..", "https://example.com/a/"),
        ("https://example.com/a?utm_source=rss&utm_medium=feed&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?fbclid=x&gclid=y&mc_cid=z&mc_eid=w", "https://example.com/a"),
        ("https://example.com/a?b=2&a=1&c=3", "https://example.com/a?a=1&b=2&c=3"),
        ("https://example.com/a?ref=rss", "https://example.com/a"),
        ("https://example.com/a?ref=twitter&page=2", "https://example.com/a?page=2"),
        ("https://example.com/a?src=newsletter_2024-05", "https://example.com/a"),
        ("https://example.com/a?ref=v2.3.1", "https://example.com/a?ref=v2.3.1"),  # a ref that selects content
        ("https://example.com/search?source=archive", "https://example.com/search?source=archive"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com/%7euser/%2F%c3%a9", "https://example.com/~user/%2F%C3%A9"),
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("https://example.com/é", "https://example.com/%C3%A9"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("https://Example.com./a", "https://example.com/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com/a?q=a+b", "https://example.com/a?q=a+b"),
        ("mailto:Someone@Example.com", "mailto:Someone@Example.com"),
        ("", ""),
    ],
)
def test_canonicalize_url(url, expected):
    assert canonicalize_url(url) == expected


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("/b?utm_campaign=x", "https://Example.com/a/", "https://example.com/b"),
        ("c", "https://example.com/a/b", "https://example.com/a/c"),
        ("//cdn.example.com/x", "https://example.com/", "https://cdn.example.com/x"),
    ],
)
def test_canonicalize_url_against_a_base(url, base, expected):
    assert canonicalize_url(url, base=base) == expected


def test_canonicalization_is_idempotent():
    once = canonicalize_url("HTTPS://Bücher.Example:443/x/../y?b=1&a=%7e&utm_source=z#f")
    assert canonicalize_url(once) == once


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://Example.com:443/a?b", "https://example.com"),
        ("http://example.com:8080/", "http://example.com:8080"),
        ("https://user:pw@example.com/", "https://example.com"),
        ("HTTP://Example.COM:80/a", "http://example.com"),
        ("https://example.com:80/", "https://example.com:80"),
        ("http://127.0.0.1:8101/feed.xml", "http://127.0.0.1:8101"),
        ("https://Bücher.example/", "https://xn--bcher-kva.example"),
        ("https://example.com./x", "https://example.com"),
        ("http://[::1]/x", "http://[::1]"),
        ("https://example.com:99999/", ""),
        ("https://example.com:0/", ""),
        ("http://[::1/", ""),
        ("https:///path-only", ""),
        ("/relative/path", ""),
        ("mailto:x@example.com", ""),
        ("not a url", ""),
        ("", ""),
    ],
)
def test_url_origin_is_scheme_host_and_port_without_the_default_port(url, origin):
    assert url_origin(url) == origin


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://example.com/a", "https://EXAMPLE.com:443/b", True),
        ("http://example.com/", "https://example.com/", False),
        ("https://example.com/", "https://www.example.com/", False),
        ("https://example.com:8443/", "https://example.com/", False),
        ("http://127.0.0.1:8101/a", "http://127.0.0.1:8102/a", False),
        ("http://127.0.0.1:80/a", "http://127.0.0.1/b", True),
        ("mailto:a@b", "mailto:a@b", False),
    ],
)
def test_same_origin(a, b, same):
    assert same_origin(a, b) is same


@pytest.mark.parametrize(
    ("name", "value", "tracking"),
    [("utm_term", "x", True), ("FBCLID", "x", True), ("ref", "hn", True), ("ref", "main", False), ("id", "7", False)],
)
def test_is_tracking_param(name, value, tracking):
    assert is_tracking_param(name, value) is tracking


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("https://www.example.com/a", "http://example.com/b", True),
        ("https://example.com:443/a", "http://example.com/b", True),
        ("http://127.0.0.1:8101/a", "http://127.0.0.1:8101/b", True),
        ("http://127.0.0.1:9/a", "http://127.0.0.1:8101/b", False),
        ("https://example.com/a", "https://example.org/a", False),
        ("https://news.example.com/a", "https://example.com/a", False),
        ("https://example.com:99999/a", "https://example.com/a", False),
        ("http://example.com:443/a", "https://example.com/a", False),
        ("https://WWW.Example.com/a", "https://example.com/b", True),
        ("/relative", "/relative", False),
    ],
)
def test_same_site_ignores_scheme_and_www_but_not_host_or_port(a, b, expected):
    assert same_site(a, b) is expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("http://[::1]/x", "http://[::1]/x"),
        ("https://[2001:DB8::1]:443/a?b=1", "https://[2001:db8::1]/a?b=1"),
        ("https://[2001:db8:0:0:0:0:0:1]:8443/", "https://[2001:db8:0:0:0:0:0:1]:8443/"),
    ],
)
def test_ipv6_hosts_keep_their_brackets(url, expected):
    assert canonicalize_url(url) == expected


def test_ipv6_urls_on_different_ports_have_different_keys():
    assert canonicalize_url("http://[::1]:8080/x") != canonicalize_url("http://[::1]:8081/x")
    assert url_origin("http://[::1]:8080/x") == "http://[::1]:8080"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://example.com/a", ""),
        ("http://EXAMPLE.com:8080/a?b=c#d", ""),
        ("https://bücher.example/a", ""),
        ("https://foo_bar.example/a", ""),
        ("http://[2001:db8::1]/a", ""),
        ("https://example.com./a", ""),
        ("", urls.URL_EMPTY),
        ("http://www.google<script .com>alert(1)</script", urls.URL_UNSAFE_CHARACTERS),
        ('https://example.com/a"onmouseover="x', urls.URL_UNSAFE_CHARACTERS),
        ("https://example.com/a b", urls.URL_UNSAFE_CHARACTERS),
        ("https://example.com/a\tb", urls.URL_UNSAFE_CHARACTERS),
        ("https://example.com/\x00", urls.URL_UNSAFE_CHARACTERS),
        ("https://exa\u200bmple.com/", urls.URL_UNSAFE_CHARACTERS),
        ("https://example.com\\@evil.com/", urls.URL_UNSAFE_CHARACTERS),
        ("javascript:alert(1)", urls.URL_NOT_HTTP),
        ("data:text/html,<b>", urls.URL_UNSAFE_CHARACTERS),
        ("data:text/html;base64,PHNjcmlwdD4=", urls.URL_NOT_HTTP),
        ("ftp://example.com/a", urls.URL_NOT_HTTP),
        ("/relative/path", urls.URL_NOT_HTTP),
        ("http:///a", urls.URL_NO_HOST),
        ("https://user:pw@example.com/", urls.URL_CREDENTIALS),
        ("http://[::1/", urls.URL_UNPARSABLE),
        ("http://[not-v6]/", urls.URL_UNPARSABLE),
        ("http://example.com:99999/", urls.URL_BAD_PORT),
        ("http://example.com:0/", urls.URL_BAD_PORT),
        ("http://exa!mple.com/", urls.URL_BAD_HOST),
        ("http://-bad-.example/", urls.URL_BAD_HOST),
        ("http://xn--a.example/", ""),
        ("http://\u2488\ufe0e.example/", urls.URL_BAD_HOST),
        ("https://example.com/" + "a" * 2000, urls.URL_TOO_LONG),
    ],
)
def test_page_url_problem_names_what_is_wrong(url, problem):
    assert page_url_problem(url) == problem


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("  /a  ", "https://example.com/x/y", ("https://example.com/a", "")),
        ("b", "https://example.com/x/y", ("https://example.com/x/b", "")),
        ("//cdn.example.com/i.png", "https://example.com/", ("https://cdn.example.com/i.png", "")),
        ("", "https://example.com/", ("", urls.URL_EMPTY)),
        ("javascript:alert(1)", "https://example.com/", ("", urls.URL_NOT_HTTP)),
        ("http://www.google<script .com>", "https://example.com/", ("", urls.URL_UNSAFE_CHARACTERS)),
        ("http://[::1", "https://example.com/", ("", urls.URL_UNPARSABLE)),
    ],
)
def test_resolve_page_url_returns_a_usable_absolute_url_or_why_not(href, base, expected):
    assert resolve_page_url(href, base=base) == expected


@pytest.mark.parametrize(
    ("url", "allow_loopback", "publishable"),
    [
        ("https://example.com/a.jpg", False, True),
        ("https://93.184.216.34/a", False, True),
        ("http://169.254.169.254/latest/meta-data/", False, False),
        ("http://10.0.0.1/a.png", False, False),
        ("http://192.168.1.1/", False, False),
        ("http://[fd00::1]/", False, False),
        ("http://[::ffff:10.0.0.1]/", False, False),
        ("http://2852039166/", False, False),  # 169.254.169.254 as one number
        ("http://0x7f.1/", True, False),  # loopback, obfuscated: refused even when loopback is allowed
        ("http://metadata/computeMetadata/v1/", False, False),
        ("http://db.internal/", False, False),
        ("http://printer.local/", False, False),
        ("http://127.0.0.1:8000/a", False, False),
        ("http://127.0.0.1:8000/a", True, True),
        ("http://localhost/a", False, False),
        ("http://localhost/a", True, True),
        ("http://[::1]/a", True, True),
        ("not a url", False, False),
    ],
)
def test_only_urls_the_fetcher_would_not_refuse_by_host_are_publishable(url, allow_loopback, publishable):
    assert is_publishable_url(url, allow_loopback=allow_loopback) is publishable


@pytest.mark.parametrize(
    "variant",
    [
        "https://news.example/politics/story-1",
        "http://news.example/politics/story-1",
        "https://www.news.example/politics/story-1/",
        "https://m.news.example/politics/story-1",
        "https://mobile.news.example/politics/story-1",
        "https://amp.news.example/politics/story-1",
        "https://news.example/amp/politics/story-1",
        "https://news.example/politics/story-1/amp/",
        "https://news.example/politics/story-1.amp",
        "https://news.example/politics/story-1?amp=1",
        "https://news.example/politics/story-1?outputType=amp",
        "https://news.example/politics/story-1?utm_source=rss&fbclid=x#comments",
        "HTTPS://NEWS.EXAMPLE:443/politics/./story-1",
    ],
)
def test_every_variant_of_an_article_url_has_one_identity_key(variant):
    from newsdesk.reader.urls import url_identity_key

    assert url_identity_key(variant) == "news.example/politics/story-1"


def test_identity_keys_keep_what_selects_content_and_prefix_keys_walk_up_the_path():
    from newsdesk.reader.urls import url_identity_key, url_prefix_keys

    assert url_identity_key("https://news.example/story?id=7&amp=1") == "news.example/story?id=7"
    assert url_identity_key("https://news.example/a.amp.html") == "news.example/a.html"
    assert url_identity_key("http://127.0.0.1:8101/x/") == "127.0.0.1:8101/x"
    assert url_identity_key("mailto:rights@news.example") == ""
    assert url_prefix_keys("https://www.news.example/world/europe/story?id=2") == [
        "news.example",
        "news.example/world",
        "news.example/world/europe",
        "news.example/world/europe/story",
        "news.example/world/europe/story?id=2",
    ]
    assert url_prefix_keys("ftp://x") == []


@pytest.mark.parametrize("code", range(128))
def test_an_ascii_character_is_unsafe_in_a_page_url_exactly_when_its_unicode_category_says_so(code):
    # ASCII URLs take a regex instead of a category lookup per character: both must refuse the same characters.
    char = chr(code)
    unsafe = char in '<>"`\\' or unicodedata.category(char) in {"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"}
    problem = urls.page_url_problem(f"https://news.example.com/a{char}b")
    assert (problem == urls.URL_UNSAFE_CHARACTERS) == unsafe
    assert (urls.page_url_problem(f"https://news.example.com/\u00e9{char}") == urls.URL_UNSAFE_CHARACTERS) == unsafe
