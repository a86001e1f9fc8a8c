"""Why a fetch did not produce a response. `str(error)` is always one of the MSG_* constants below.

Specifics (the offending address, host or limit) travel in `error.detail`, so the user-facing
text stays exact and tests can compare it with `==`.
"""

from __future__ import annotations

MSG_INVALID_URL = "not an absolute http(s) URL"
MSG_UNSAFE_CHARACTERS = "the URL contains whitespace, control characters or backslashes"
MSG_USERINFO = "URLs carrying a user name or password are not fetched"
MSG_INVALID_HOST = "the URL's host is not a valid host name or IP address"
MSG_INVALID_PORT = "the URL's port is not a number from 1 to 65535"
MSG_OBFUSCATED_IP = "numeric hosts must be dotted-decimal IPv4 or bracketed IPv6"
MSG_AMBIGUOUS_URL = "the URL reads differently to different parsers (encoded dot-segments or '@' after '#')"
MSG_BLOCKED_SCHEME = "only http and https URLs are fetched"
MSG_BLOCKED_ADDRESS = "the host is not a public internet address"
MSG_BLOCKED_HOST_NAME = "the host name is reserved for internal networks"
MSG_PEER_MISMATCH = "the connection reached an address other than the vetted one"
MSG_TOO_MANY_REDIRECTS = "too many redirects"
MSG_RESPONSE_TOO_LARGE = "the response body is larger than the size limit"
MSG_TIMEOUT = "the request did not finish before its deadline"
MSG_DNS_FAILED = "the host name could not be resolved"
MSG_CONNECT_FAILED = "could not connect to the server"
MSG_TLS_FAILED = "TLS handshake or certificate verification failed"
MSG_PROTOCOL_ERROR = "the server broke the HTTP protocol or closed the connection early"
MSG_UNDECODABLE_BODY = "the response body could not be decoded (bad or unsupported Content-Encoding)"


class FetchError(Exception):
    """Base of every fetcher failure; `str()` is the message constant, `detail` the specifics."""

    def __init__(self, message: str, *, detail: str = "", url: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.url = url

    def __str__(self) -> str:
        return self.message

    def describe(self) -> str:
        """Message plus specifics, for logs and the CLI."""
        return f"{self.message} ({self.detail})" if self.detail else self.message


class InvalidURL(FetchError):
    """The URL is malformed, ambiguous or uses an obfuscated numeric host."""


class BlockedScheme(FetchError):
    """Anything but http/https."""


class BlockedAddress(FetchError):
    """The host is, resolves to, or connected to a non-public address."""


class TooManyRedirects(FetchError):
    pass


class ResponseTooLarge(FetchError):
    """The decoded (or raw) body passed FetchOptions.max_bytes."""


class FetchTimeout(FetchError):
    """The overall deadline (FetchOptions.timeout_s) passed."""


class ConnectionFailed(FetchError):
    """DNS, TCP, TLS or HTTP-protocol failure."""


class UndecodableBody(FetchError):
    """Corrupt compressed data or a Content-Encoding we did not ask for."""
