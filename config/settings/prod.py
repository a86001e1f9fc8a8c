"""Production settings: what `newsdesk` commands and config/wsgi.py load.

With an https NEWSDESK_SITE_URL the cookies are Secure and HSTS is sent; `newsdesk serve` speaks plain HTTP, so
https means a TLS-terminating proxy, and NEWSDESK_TRUST_X_FORWARDED_PROTO=1 tells us that proxy sets
X-Forwarded-Proto (only then can Django tell https requests apart, and so redirect http ones).
`newsdesk check --deploy` is silent under the production configuration in README.md ("Production").
"""

import os
from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .base import SITE_URL, env_bool

SITE_IS_HTTPS = urlsplit(SITE_URL).scheme == "https"

if env_bool("NEWSDESK_TRUST_X_FORWARDED_PROTO"):
    # Only safe when the proxy overwrites the header: a client could send it itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if SITE_IS_HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("NEWSDESK_HSTS_SECONDS", str(365 * 24 * 3600)))
    # Both reach beyond this site (every subdomain; browsers' built-in lists), so they are opt-in.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("NEWSDESK_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = env_bool("NEWSDESK_HSTS_PRELOAD")
    # Redirecting needs to know the scheme: without the trusted header every request would look like http
    # and redirect to itself forever.
    SECURE_SSL_REDIRECT = env_bool("NEWSDESK_SSL_REDIRECT", env_bool("NEWSDESK_TRUST_X_FORWARDED_PROTO"))
