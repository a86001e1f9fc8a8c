"""fetch(): one guarded GET with manual redirects, one overall deadline and a capped, decoded body; post(): the
same guarded exchange for a POST (WebSub hub requests), which follows no redirect.

Each call builds its own single-use connection, so nothing is shared between threads except the
read-only SSL context, and a connection can never be reused for a host it was not vetted for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urljoin

import httpcore

from ..types import FetchResult
from .address import IPAddress
from .decode import BodyDecoder
from .errors import (
    MSG_CONNECT_FAILED,
    MSG_PROTOCOL_ERROR,
    MSG_RESPONSE_TOO_LARGE,
    MSG_TIMEOUT,
    MSG_TOO_MANY_REDIRECTS,
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    ResponseTooLarge,
    TooManyRedirects,
    UndecodableBody,
)
from .guard import vet_target
from .options import FetchOptions, default_ssl_context
from .target import Target
from .transport import PinnedBackend

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECT_STATUSES = frozenset({301, 308})
ACCEPT_ENCODING = "gzip, deflate, br"


@dataclass(frozen=True)
class _Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    peer_address: str


def fetch(
    url: str,
    *,
    options: FetchOptions,
    etag: str = "",
    last_modified: str = "",
    accept: str | None = None,
) -> FetchResult:
    """GET `url` through the SSRF guard. Any HTTP status is a result; refusals and failures raise FetchError."""
    started = time.monotonic()
    deadline = started + options.timeout_s
    headers = _request_headers(options, etag=etag, last_modified=last_modified, accept=accept)
    hops: list[tuple[int, str]] = []
    current = url
    try:
        while True:
            target, addresses = vet_target(current, options=options, deadline=deadline)
            reply = _exchange(target, addresses, headers, options=options, deadline=deadline)
            location = reply.headers.get("location", "") if reply.status in REDIRECT_STATUSES else ""
            if not location:
                break
            if len(hops) >= options.max_redirects:
                raise TooManyRedirects(MSG_TOO_MANY_REDIRECTS, detail=f"more than {options.max_redirects}")
            # Browsers send a Location with raw spaces as %20; every other oddity is refused by the guard.
            current = urljoin(target.url, location.strip().replace(" ", "%20"))
            hops.append((reply.status, current))
    except FetchError as exc:
        exc.url = exc.url or current
        raise
    return _result(url, target, reply, started=started, hops=hops)


def post(url: str, body: bytes, *, options: FetchOptions, content_type: str) -> FetchResult:
    """POST `body` to `url` through the SSRF guard (the same vetting, pinning, deadline and caps as `fetch`).

    Redirects are not followed: a 3xx is the result (a hub that redirects a subscription request is misconfigured,
    and re-sending a POST elsewhere is not ours to decide)."""
    started = time.monotonic()
    deadline = started + options.timeout_s
    headers = _request_headers(options, etag="", last_modified="", accept=None)
    headers.append((b"Content-Type", content_type.encode("ascii")))
    try:
        target, addresses = vet_target(url, options=options, deadline=deadline)
        reply = _exchange(target, addresses, headers, options=options, deadline=deadline, method="POST", content=body)
    except FetchError as exc:
        exc.url = exc.url or url
        raise
    return _result(url, target, reply, started=started, hops=[])


def _result(url: str, target: Target, reply: _Reply, *, started: float, hops: list[tuple[int, str]]) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=target.url,
        status=reply.status,
        headers=reply.headers,
        body=reply.body,
        elapsed_s=time.monotonic() - started,
        redirects=tuple(hops),
        permanent_redirect=bool(hops) and all(status in PERMANENT_REDIRECT_STATUSES for status, _ in hops),
        peer_address=reply.peer_address,
    )


def _request_headers(
    options: FetchOptions, *, etag: str, last_modified: str, accept: str | None
) -> list[tuple[bytes, bytes]]:
    headers = [
        ("User-Agent", options.user_agent),
        ("Accept", accept or options.accept),
        ("Accept-Encoding", ACCEPT_ENCODING),
        ("Connection", "close"),  # every connection is single-use, see the module docstring
    ]
    if etag:
        headers.append(("If-None-Match", etag))
    if last_modified:
        headers.append(("If-Modified-Since", last_modified))
    for name, value in headers:
        if any(ch in value for ch in "\r\n\x00"):
            raise ValueError(f"{name} header value contains a line break or NUL")
    return [(name.encode("ascii"), value.encode("latin-1")) for name, value in headers]


def _exchange(
    target: Target,
    addresses: tuple[IPAddress, ...],
    headers: list[tuple[bytes, bytes]],
    *,
    options: FetchOptions,
    deadline: float,
    method: str = "GET",
    content: bytes = b"",
) -> _Reply:
    """One request/response on a fresh connection pinned to `addresses`."""
    backend = PinnedBackend(
        host=target.host, addresses=addresses, allow_loopback=options.allow_loopback, deadline=deadline
    )
    scheme, host = target.scheme.encode("ascii"), target.host.encode("ascii")
    origin = httpcore.Origin(scheme=scheme, host=host, port=target.port)
    request_url = httpcore.URL(scheme=scheme, host=host, port=target.port, target=target.request_target.encode("ascii"))
    request_headers = [(b"Host", target.host_header.encode("ascii")), *headers]
    ssl_context = options.ssl_context or default_ssl_context()
    try:
        with (
            httpcore.HTTPConnection(origin=origin, ssl_context=ssl_context, network_backend=backend) as connection,
            connection.stream(method, request_url, headers=request_headers, content=content or None) as response,
        ):
            response_headers = _header_dict(response.headers)
            peer = str(backend.connected_address)
            if response.status in REDIRECT_STATUSES and response_headers.get("location"):
                return _Reply(response.status, response_headers, b"", peer)  # body of a redirect is never read
            body = _read_body(response, response_headers, max_bytes=options.max_bytes, deadline=deadline)
            return _Reply(response.status, response_headers, body, peer)
    except httpcore.TimeoutException as exc:
        raise FetchTimeout(MSG_TIMEOUT, detail=str(exc)) from exc
    except httpcore.ConnectError as exc:
        raise ConnectionFailed(MSG_CONNECT_FAILED, detail=str(exc)) from exc
    except (httpcore.NetworkError, httpcore.ProtocolError) as exc:
        raise ConnectionFailed(MSG_PROTOCOL_ERROR, detail=str(exc) or type(exc).__name__) from exc


def _read_body(response: httpcore.Response, headers: dict[str, str], *, max_bytes: int, deadline: float) -> bytes:
    """The decoded body. Error pages are cut at the cap instead of failing: callers only want their status."""
    is_success = 200 <= response.status < 300
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        if is_success:
            raise ResponseTooLarge(MSG_RESPONSE_TOO_LARGE, detail=f"Content-Length {declared}")
        return b""
    decoder: BodyDecoder | None = None
    try:
        decoder = BodyDecoder(headers.get("content-encoding", ""), max_bytes=max_bytes)
        for chunk in response.iter_stream():
            decoder.feed(chunk)
            if time.monotonic() > deadline:  # decoding is CPU work the socket timeouts do not see
                raise FetchTimeout(MSG_TIMEOUT, detail="while reading the body")
        return decoder.finish()
    except (ResponseTooLarge, UndecodableBody):
        if is_success:
            raise
        return decoder.body_so_far() if decoder is not None else b""


def _header_dict(raw_headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Lower-cased names; repeated headers joined with ", " as RFC 9110 allows."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in raw_headers:
        name = raw_name.decode("latin-1").lower()
        try:
            value = raw_value.decode("utf-8")
        except UnicodeDecodeError:
            value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers
