"""The SSRF guard for one hop: parse the URL, resolve its host ourselves, vet every address.

The vetted addresses are handed to the transport, which connects to nothing else, so what we
checked is what we reach. Each redirect hop comes back through here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from .address import IPAddress, is_fetchable_address, is_internal_host_name, is_loopback_host_name, parse_address
from .errors import (
    MSG_BLOCKED_ADDRESS,
    MSG_BLOCKED_HOST_NAME,
    MSG_DNS_FAILED,
    MSG_OBFUSCATED_IP,
    MSG_TIMEOUT,
    BlockedAddress,
    ConnectionFailed,
    FetchTimeout,
    InvalidURL,
)
from .options import FetchOptions, Resolver
from .target import Target, parse_target


def vet_host(target: Target, *, allow_loopback: bool, url: str = "") -> None:
    """The part of the guard that needs no DNS: an IP literal must be fetchable and written plainly; loopback
    names pass only with `allow_loopback`; internal names never. Raises the FetchError that says why not.
    (Publishing uses it too: a link or image we would refuse to fetch by its host is not shown.)"""
    if target.ip is not None:
        if not is_fetchable_address(target.ip, allow_loopback=allow_loopback):
            raise BlockedAddress(MSG_BLOCKED_ADDRESS, detail=str(target.ip), url=url)
        if not target.ip_is_canonical:
            raise InvalidURL(MSG_OBFUSCATED_IP, detail=f"written for {target.ip}", url=url)
        return
    if is_loopback_host_name(target.host) and not allow_loopback:
        raise BlockedAddress(MSG_BLOCKED_ADDRESS, detail=target.host, url=url)
    if is_internal_host_name(target.host):
        raise BlockedAddress(MSG_BLOCKED_HOST_NAME, detail=target.host, url=url)


def vet_target(url: str, *, options: FetchOptions, deadline: float) -> tuple[Target, tuple[IPAddress, ...]]:
    """The parsed URL and the addresses we may connect to for it, or a FetchError saying why not."""
    target = parse_target(url)
    allow_loopback = options.allow_loopback
    vet_host(target, allow_loopback=allow_loopback, url=url)
    if target.ip is not None:
        return target, (target.ip,)
    addresses = []
    # Every answer must pass: a name with one public and one private record is refused outright,
    # otherwise an attacker's DNS could steer us to the private one.
    for answer in _resolve_before(options.resolver, target.host, target.port, deadline):
        address = parse_address(answer)
        if address is None or not is_fetchable_address(address, allow_loopback=allow_loopback):
            raise BlockedAddress(MSG_BLOCKED_ADDRESS, detail=f"{target.host} resolves to {answer}", url=url)
        addresses.append(address)
    if not addresses:
        raise ConnectionFailed(MSG_DNS_FAILED, detail=f"{target.host}: no addresses", url=url)
    return target, tuple(dict.fromkeys(addresses))


def _resolve_before(resolver: Resolver, host: str, port: int, deadline: float) -> Sequence[str]:
    """Run the resolver on a daemon thread so a hanging getaddrinfo cannot outlive the deadline."""
    outcome: list[Sequence[str] | BaseException] = []

    def resolve() -> None:
        try:
            outcome.append(list(resolver(host, port)))
        except BaseException as exc:  # handed to the calling thread below
            outcome.append(exc)

    worker = threading.Thread(target=resolve, name=f"newsdesk-resolve-{host}", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if not outcome:
        raise FetchTimeout(MSG_TIMEOUT, detail=f"resolving {host}")
    result = outcome[0]
    if isinstance(result, OSError):
        raise ConnectionFailed(MSG_DNS_FAILED, detail=f"{host}: {result}") from result
    if isinstance(result, BaseException):
        raise result
    return result
