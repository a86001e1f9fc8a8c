"""Which IP addresses and host names the fetcher may connect to (the SSRF policy).

The policy is an allow-list in spirit: IPv4 must be outside every special-purpose block,
IPv6 must be global unicast (2000::/3) outside the special blocks, and IPv6 forms that carry
an IPv4 address (mapped, compatible, translated, NAT64, 6to4) are judged by that IPv4 address.
Loopback (127.0.0.0/8, ::1) is the only exception `allow_loopback` can open, and only in its
plain form: ::ffff:127.0.0.1 and friends stay refused because nothing legitimate needs them.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

IPAddress = IPv4Address | IPv6Address

_V4_LOOPBACK = IPv4Network("127.0.0.0/8")
_V4_NON_PUBLIC = tuple(
    IPv4Network(block)
    for block in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches local listeners on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # CGNAT, also Alibaba's metadata 100.100.100.200
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local: AWS/GCP/Azure metadata, ECS credentials
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments, Oracle metadata 192.0.0.192
        "192.0.2.0/24",
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes 255.255.255.255
        "168.63.129.16/32",  # Azure WireServer: a public-looking platform endpoint
    )
)

_V6_LOOPBACK = IPv6Address("::1")
_V6_GLOBAL_UNICAST = IPv6Network("2000::/3")
_V6_NON_PUBLIC = tuple(
    IPv6Network(block)
    for block in (
        "2001::/23",  # IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation (RFC 9637)
        "5f00::/16",  # SRv6 SIDs
    )
)
# IPv6 blocks whose last 32 bits are an IPv4 address a gateway will forward to.
_V6_EMBEDDING_LOW_32 = tuple(
    IPv6Network(block)
    for block in (
        "::ffff:0:0/96",  # IPv4-mapped
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "::/96",  # IPv4-compatible (deprecated)
        "64:ff9b::/96",  # NAT64 well-known prefix
    )
)

# Names that resolve (or are meant to resolve) inside a network rather than on the internet.
_INTERNAL_SUFFIXES = ("internal", "local", "localdomain", "home.arpa")
_METADATA_HOST_NAMES = frozenset(
    {
        "metadata.packet.net",
        "metadata.platformequinix.com",
        "metadata.tencentyun.com",
    }
)


def embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 address carries, if it is one of the translation forms."""
    if address.sixtofour is not None:
        return address.sixtofour
    for block in _V6_EMBEDDING_LOW_32:
        if address in block:
            return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_public_v4(address: IPv4Address) -> bool:
    return address.is_global and not any(address in block for block in _V4_NON_PUBLIC)


def is_fetchable_address(address: IPAddress, *, allow_loopback: bool) -> bool:
    """True when the fetcher may open a connection to `address`."""
    if isinstance(address, IPv4Address):
        if address in _V4_LOOPBACK:
            return allow_loopback
        return _is_public_v4(address)
    if address.scope_id:  # zone ids only exist on link-local and similar non-global scopes
        return False
    if address == _V6_LOOPBACK:
        return allow_loopback
    carried = embedded_ipv4(address)
    if carried is not None:
        return _is_public_v4(carried)
    return address in _V6_GLOBAL_UNICAST and address.is_global and not any(address in block for block in _V6_NON_PUBLIC)


def parse_address(text: str) -> IPAddress | None:
    """An IP address from resolver or socket output (zone ids kept), or None if it is not one."""
    try:
        return ip_address(text)
    except ValueError:
        return None


def is_internal_host_name(host: str) -> bool:
    """Names that point into private networks whatever DNS says: bare labels, .internal, .local..."""
    if is_loopback_host_name(host):
        return False  # judged by the address check, so allow_loopback can admit it
    if "." not in host:
        return True  # bare names resolve through search domains: `metadata`, k8s services
    if host in _METADATA_HOST_NAMES:
        return True
    return any(host == suffix or host.endswith("." + suffix) for suffix in _INTERNAL_SUFFIXES)


def is_loopback_host_name(host: str) -> bool:
    """RFC 6761: `localhost` and `*.localhost` always mean this machine."""
    return host == "localhost" or host.endswith(".localhost")
