"""RobotsCache: rules per origin, RFC 9309 status handling, TTL, and one fetch per origin under threads."""

from __future__ import annotations

import functools
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from newsdesk.reader.fetcher import (
    BlockedAddress,
    BlockedScheme,
    ConnectionFailed,
    FetchOptions,
    FetchTimeout,
    RobotsCache,
    TooManyRedirects,
    fetch,
)
from newsdesk.reader.fetcher.errors import (
    MSG_BLOCKED_ADDRESS,
    MSG_BLOCKED_SCHEME,
    MSG_CONNECT_FAILED,
    MSG_TIMEOUT,
    MSG_TOO_MANY_REDIRECTS,
)
from newsdesk.reader.fetcher.robots import (
    ROBOTS_DISALLOWS,
    ROBOTS_REFUSED_BY_GUARD,
    ROBOTS_UNREADABLE,
    product_token,
)
from newsdesk.reader.types import FetchResult

from .servers import Exchange

UA = "newsdesk/0.1 (+https://github.com/newsdesk/newsdesk; automatic news aggregator)"
ROBOTS = b"""
User-agent: *
Disallow: /private/

User-agent: newsdesk
Disallow: /no-aggregators/
Crawl-delay: 7

User-agent: otherbot
Disallow: /

Sitemap: https://news.example/sitemap.xml
Sitemap: https://news.example/news-sitemap.xml
"""


def _result(url: str, status: int = 200, body: bytes = ROBOTS) -> FetchResult:
    return FetchResult(url=url, final_url=url, status=status, headers={}, body=body, elapsed_s=0.01)


class FakeFetch:
    """fetch_fn double: answers by status (or raises), counts calls per URL."""

    def __init__(self, status: int = 200, body: bytes = ROBOTS, error: Exception | None = None) -> None:
        self.status, self.body, self.error = status, body, error
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, url: str) -> FetchResult:
        with self._lock:
            self.calls.append(url)
        if self.error is not None:
            raise self.error
        return _result(url, self.status, self.body)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("url", "user_agent", "allowed"),
    [
        ("https://news.example/story", UA, True),
        ("https://news.example/no-aggregators/x", UA, False),
        ("https://news.example/private/x", UA, True),  # our own group replaces the * group
        ("https://news.example/private/x", "somebot/2.0", False),
        ("https://news.example/story", "otherbot", False),
        ("https://news.example/robots.txt", "otherbot", True),
        ("https://news.example/story", "Mozilla/5.0 (compatible; otherbot-ish)", True),  # product token only
    ],
)
def test_rules_apply_by_product_token(url, user_agent, allowed):
    assert RobotsCache(FakeFetch()).allowed(url, user_agent) is allowed


def test_crawl_delay_and_sitemaps_come_from_the_file():
    robots = RobotsCache(FakeFetch())
    assert robots.crawl_delay("https://news.example/", UA) == 7.0
    assert robots.crawl_delay("https://news.example/", "somebot") is None
    assert robots.sitemaps("https://news.example/any") == [
        "https://news.example/sitemap.xml",
        "https://news.example/news-sitemap.xml",
    ]


def test_one_fetch_per_origin_and_origins_are_scheme_host_port():
    fake = FakeFetch()
    robots = RobotsCache(fake)
    for url in ["https://news.example/a", "https://NEWS.example:443/b", "https://news.example/c?d"]:
        robots.allowed(url, UA)
    robots.allowed("http://news.example/a", UA)
    robots.allowed("https://news.example:8443/a", UA)
    assert fake.calls == [
        "https://news.example/robots.txt",
        "http://news.example/robots.txt",
        "https://news.example:8443/robots.txt",
    ]


def test_rules_are_fetched_again_after_the_ttl():
    fake, clock = FakeFetch(), Clock()
    robots = RobotsCache(fake, ttl_s=3600, clock=clock)
    robots.allowed("https://news.example/", UA)
    clock.now += 3599
    robots.allowed("https://news.example/", UA)
    assert len(fake.calls) == 1
    clock.now += 2
    robots.allowed("https://news.example/", UA)
    assert len(fake.calls) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_client_error_means_no_rules(status):
    assert RobotsCache(FakeFetch(status=status)).allowed("https://news.example/private/x", "otherbot") is True


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_server_error_disallows_until_the_error_ttl_passes(status):
    fake, clock = FakeFetch(status=status), Clock()
    robots = RobotsCache(fake, ttl_s=3600, error_ttl_s=300, clock=clock)
    assert robots.allowed("https://news.example/story", UA) is False
    clock.now += 301
    fake.status = 200
    assert robots.allowed("https://news.example/story", UA) is True
    assert len(fake.calls) == 2


def test_network_failure_disallows_for_now():
    fake = FakeFetch(error=ConnectionFailed(MSG_CONNECT_FAILED))
    assert RobotsCache(fake).allowed("https://news.example/story", UA) is False


def test_too_many_redirects_counts_as_unavailable_so_everything_is_allowed():
    fake = FakeFetch(error=TooManyRedirects(MSG_TOO_MANY_REDIRECTS))
    assert RobotsCache(fake).allowed("https://news.example/story", UA) is True


def test_concurrent_lookups_fetch_each_origin_once():
    fake = FakeFetch()

    def slow(url: str) -> FetchResult:
        time.sleep(0.2)  # long enough for every thread to pile up on the same origins
        return fake(url)

    robots = RobotsCache(slow)
    urls = [f"https://site{n % 3}.example/story/{n}" for n in range(30)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        verdicts = list(pool.map(lambda url: robots.allowed(url, UA), urls))
    assert all(verdicts)
    assert sorted(fake.calls) == [f"https://site{n}.example/robots.txt" for n in range(3)]


@pytest.mark.parametrize(
    ("user_agent", "token"),
    [(UA, "newsdesk"), ("Googlebot/2.1 (+http://www.google.com/bot.html)", "Googlebot"), ("curl", "curl")],
)
def test_product_token(user_agent, token):
    assert product_token(user_agent) == token


def test_robots_is_fetched_through_the_guarded_client(serve):
    def robots_txt(exchange: Exchange) -> None:
        exchange.respond(200, b"User-agent: *\nDisallow: /drafts/\n", [("Content-Type", "text/plain")])

    server = serve({"/robots.txt": robots_txt})
    robots = RobotsCache(functools.partial(fetch, options=FetchOptions(allow_loopback=True, timeout_s=5)))
    assert robots.allowed(server.url("/story"), UA) is True
    assert robots.allowed(server.url("/drafts/1"), UA) is False
    assert [request.path for request in server.requests] == ["/robots.txt"]
    # Without allow_loopback the same server is refused, which robots treats as "cannot know".
    refused = RobotsCache(functools.partial(fetch, options=FetchOptions(timeout_s=5)))
    assert refused.allowed(server.url("/story"), UA) is False


@pytest.mark.parametrize(
    ("fake", "url", "refusal"),
    [
        (FakeFetch(), "https://news.example/story", ""),
        (FakeFetch(), "https://news.example/no-aggregators/x", ROBOTS_DISALLOWS),
        (FakeFetch(status=404), "https://news.example/no-aggregators/x", ""),
        (FakeFetch(status=503), "https://news.example/story", ROBOTS_UNREADABLE.format(reason="HTTP 503")),
        (FakeFetch(status=429), "https://news.example/story", ROBOTS_UNREADABLE.format(reason="HTTP 429")),
        (
            FakeFetch(error=ConnectionFailed(MSG_CONNECT_FAILED, detail="refused")),
            "https://news.example/story",
            ROBOTS_UNREADABLE.format(reason=f"{MSG_CONNECT_FAILED} (refused)"),
        ),
        (
            FakeFetch(error=FetchTimeout(MSG_TIMEOUT)),
            "https://news.example/story",
            ROBOTS_UNREADABLE.format(reason=MSG_TIMEOUT),
        ),
        (
            # e.g. a robots.txt that redirects to the cloud metadata address
            FakeFetch(error=BlockedAddress(MSG_BLOCKED_ADDRESS, detail="169.254.169.254")),
            "https://news.example/story",
            ROBOTS_REFUSED_BY_GUARD.format(reason=f"{MSG_BLOCKED_ADDRESS} (169.254.169.254)"),
        ),
        (
            FakeFetch(error=BlockedScheme(MSG_BLOCKED_SCHEME, detail="file")),
            "https://news.example/story",
            ROBOTS_REFUSED_BY_GUARD.format(reason=f"{MSG_BLOCKED_SCHEME} (file)"),
        ),
    ],
)
def test_a_refusal_says_whether_a_rule_a_failed_robots_txt_or_the_ssrf_guard_stopped_us(fake, url, refusal):
    robots = RobotsCache(fake)

    assert robots.refusal(url, UA) == refusal
    assert robots.allowed(url, UA) is (refusal == "")


def test_a_robots_txt_the_guard_refuses_is_not_reported_as_a_rule(serve):
    server = serve({})
    refused = RobotsCache(functools.partial(fetch, options=FetchOptions(timeout_s=5)))

    refusal = refused.refusal(server.url("/story"), UA)

    assert refusal == ROBOTS_REFUSED_BY_GUARD.format(reason=f"{MSG_BLOCKED_ADDRESS} (127.0.0.1)")
    assert ROBOTS_DISALLOWS not in refusal
    assert server.requests == []


def test_a_robots_txt_redirecting_to_a_private_address_is_reported_as_refused_by_the_guard(serve):
    def to_metadata(exchange: Exchange) -> None:
        exchange.respond(302, headers=[("Location", "http://169.254.169.254/latest/robots.txt")])

    server = serve({"/robots.txt": to_metadata})
    robots = RobotsCache(functools.partial(fetch, options=FetchOptions(allow_loopback=True, timeout_s=5)))

    refusal = robots.refusal(server.url("/story"), UA)

    assert refusal == ROBOTS_REFUSED_BY_GUARD.format(reason=f"{MSG_BLOCKED_ADDRESS} (169.254.169.254)")
    assert [request.path for request in server.requests] == ["/robots.txt"]
