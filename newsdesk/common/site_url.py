"""Facts about our own NEWSDESK_SITE_URL, and the public origin a request should link to."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


def site_url_is_loopback(site_url: str) -> bool:
    """Whether the site is only reachable from this machine (localhost, 127.0.0.0/8, ::1)."""
    host = (urlsplit(site_url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def site_url_for(request: HttpRequest) -> str:
    """The origin absolute URLs in an answer to `request` start with: NEWSDESK_SITE_URL when it is set, else the
    scheme and host the request came in on (Django checked the host against ALLOWED_HOSTS), without a final "/"."""
    if settings.SITE_URL_CONFIGURED:
        return settings.SITE_URL
    return f"{request.scheme}://{request.get_host()}"
