"""canonicalize_url / origin_of / same_origin, table-driven."""

from __future__ import annotations

import pytest

from newsdesk.reader.urls import canonicalize_url, is_tracking_param, origin_of, same_origin, same_site


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
        ("mailto:x@example.com", ""),
        ("not a url", ""),
    ],
)
def test_origin_of(url, origin):
    assert origin_of(url) == origin


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://example.com/a", "https://EXAMPLE.com:443/b", True),
        ("http://example.com/", "https://example.com/", False),
        ("https://example.com/", "https://www.example.com/", False),
        ("https://example.com:8443/", "https://example.com/", False),
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
        ("/relative", "/relative", False),
    ],
)
def test_same_site_ignores_scheme_and_www_but_not_host_or_port(a, b, expected):
    assert same_site(a, b) is expected
