"""The one hardened HTTP client: SSRF-guarded, deadline-bound, size-capped. See client.fetch."""

from .client import fetch, post
from .errors import (
    BlockedAddress,
    BlockedScheme,
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    InvalidURL,
    ResponseTooLarge,
    TooManyRedirects,
    UndecodableBody,
)
from .options import FetchOptions, resolve_host
from .robots import RobotsCache

__all__ = [
    "BlockedAddress",
    "BlockedScheme",
    "ConnectionFailed",
    "FetchError",
    "FetchOptions",
    "FetchTimeout",
    "InvalidURL",
    "ResponseTooLarge",
    "RobotsCache",
    "TooManyRedirects",
    "UndecodableBody",
    "fetch",
    "post",
    "resolve_host",
]
