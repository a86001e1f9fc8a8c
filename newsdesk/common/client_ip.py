"""The client's IP address: the socket peer, or, behind a reverse proxy, the header that proxy is trusted to set."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, unless NEWSDESK_CLIENT_IP_HEADER names the proxy's header: then its last entry.

    The last entry is the one our own proxy appended; earlier ones came from the client and may be forged.
    A header that is missing or not an address falls back to the peer address rather than trusting garbage.
    """
    header = getattr(settings, "NEWSDESK_CLIENT_IP_HEADER", "")
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        forwarded = request.META.get(meta_key, "").split(",")[-1].strip()
        if _is_ip_address(forwarded):
            return forwarded
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _is_ip_address(remote) else None


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
