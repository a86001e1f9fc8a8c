"""Facts about our own NEWSDESK_SITE_URL."""

import ipaddress
from urllib.parse import urlsplit


def site_url_is_loopback(site_url: str) -> bool:
    """Whether the site is only reachable from this machine (localhost, 127.0.0.0/8, ::1)."""
    host = (urlsplit(site_url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
