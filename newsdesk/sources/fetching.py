"""Fetching what a subscription starts from (an OPML file on the web) through the hardened fetcher, configured
from settings. The ingest context builds its fetch options here too, so every fetch obeys the same settings."""

from dataclasses import replace

from django.conf import settings

from newsdesk.reader.feeds.opml import MAX_OPML_BYTES, OPML_TOO_LARGE
from newsdesk.reader.fetcher import FetchError, FetchOptions, ResponseTooLarge, fetch

OPML_FETCH_FAILED = "cannot fetch {url}: {reason}"
OPML_FETCH_STATUS = "cannot fetch {url}: it answered HTTP {status}"
OPML_ACCEPT = "text/x-opml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"


class SubscriptionFetchError(Exception):
    """A subscription list could not be fetched; `str()` is one line for the user."""


def fetch_options_from_settings(*, allow_loopback: bool | None = None) -> FetchOptions:
    """The fetcher's options from settings (timeout, size cap, User-Agent); `allow_loopback` overrides theirs."""
    return FetchOptions(
        timeout_s=settings.NEWSDESK_FETCH_TIMEOUT,
        max_bytes=settings.NEWSDESK_MAX_BYTES,
        user_agent=settings.NEWSDESK_USER_AGENT,
        allow_loopback=settings.NEWSDESK_ALLOW_LOOPBACK if allow_loopback is None else allow_loopback,
    )


def is_web_address(location: str) -> bool:
    """Whether a command's FILE argument names a URL rather than a path."""
    return location.lower().startswith(("http://", "https://"))


def opml_download(url: str, *, allow_loopback: bool | None = None) -> bytes:
    """The body of the OPML file at `url` (SSRF-guarded, capped at MAX_OPML_BYTES). Raises
    SubscriptionFetchError for a refusal, a failure or any status but 200."""
    options = replace(fetch_options_from_settings(allow_loopback=allow_loopback), max_bytes=MAX_OPML_BYTES)
    try:
        result = fetch(url, options=options, accept=OPML_ACCEPT)
    except ResponseTooLarge:
        raise SubscriptionFetchError(OPML_TOO_LARGE) from None
    except FetchError as exc:
        raise SubscriptionFetchError(OPML_FETCH_FAILED.format(url=url, reason=exc.describe())) from None
    if result.status != 200:
        raise SubscriptionFetchError(OPML_FETCH_STATUS.format(url=url, status=result.status))
    return result.body
