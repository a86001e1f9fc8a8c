"""Ownership proofs for a takedown request, checked by the worker's rights step:

| method | the requester puts …                                              | we check                              |
| ------ | ----------------------------------------------------------------- | ------------------------------------- |
| dns    | TXT `newsdesk-takedown=<token>` at `_newsdesk-takedown.<domain>`  | dnspython (NEWSDESK_DNS_NAMESERVERS)  |
| meta   | `<meta name="newsdesk-takedown" content="<token>">` on the site's home page | the hardened fetcher        |
| file   | `<token>` in `/.well-known/newsdesk-takedown.txt` on the site     | the hardened fetcher                  |
| email  | (the requester's own confirmed address is at the publisher's domain) | services.takedown_email_confirm    |

`<domain>` is the publisher's contact domain (else the targets' host); "the site" is every origin the targets are
on, so a proof must come from where the material is. The operator's decision is the fifth way (admin).
"""

from collections.abc import Callable
from dataclasses import dataclass

import dns.exception
import dns.resolver
from django.conf import settings
from lxml import html as lxml_html

from newsdesk.reader.fetcher import FetchError, FetchOptions, fetch
from newsdesk.reader.urls import url_origin
from newsdesk.rights.models import TakedownRequest
from newsdesk.sources.fetching import fetch_options_from_settings

RECORD_PREFIX = "_newsdesk-takedown"
TXT_PREFIX = "newsdesk-takedown="
META_NAME = "newsdesk-takedown"
WELL_KNOWN_PATH = "/.well-known/newsdesk-takedown.txt"
MAX_PROOF_BYTES = 2 * 1024 * 1024
DNS_TIMEOUT_S = 5.0

NO_PROOF = "no proof found yet (DNS TXT, meta tag or well-known file)"


@dataclass(frozen=True)
class Proof:
    method: str  # a TakedownRequest.Method value
    detail: str


def proof_domain(request: TakedownRequest) -> str:
    """The domain a DNS proof must be published under."""
    if request.publisher is not None and request.publisher.contact_domain:
        return request.publisher.contact_domain.strip().lower().rstrip(".")
    origin = url_origin(request.targets[0]) if request.targets else ""
    return origin.split("://", 1)[-1].split(":", 1)[0].removeprefix("www.")


def proof_origins(request: TakedownRequest) -> list[str]:
    """Where a site proof must be: the publisher's own origin (its homepage) when the notice's URLs are its
    material, else every origin the targets are on. The publisher's origin, not the target's spelling: a notice
    may name an https, AMP or tracking variant of the URL we store."""
    if request.publisher is not None and url_origin(request.publisher.homepage):
        return [url_origin(request.publisher.homepage)]
    return sorted({origin for origin in (url_origin(t) for t in request.targets) if origin})


def _resolver() -> dns.resolver.Resolver:
    servers = [s for s in settings.NEWSDESK_DNS_NAMESERVERS if s]
    if not servers:
        resolver = dns.resolver.Resolver()
    else:
        resolver = dns.resolver.Resolver(configure=False)
        hosts, ports = [], set()
        for server in servers:
            host, _, port = server.rpartition(":") if server.count(":") == 1 else (server, "", "")
            hosts.append(host or server)
            ports.add(int(port) if port else 53)
        resolver.nameservers = hosts
        resolver.port = ports.pop() if len(ports) == 1 else 53
    resolver.lifetime = DNS_TIMEOUT_S
    return resolver


def dns_proof(request: TakedownRequest) -> Proof | None:
    name = f"{RECORD_PREFIX}.{proof_domain(request)}"
    try:
        answer = _resolver().resolve(name, "TXT")
    except (dns.exception.DNSException, ValueError):
        return None
    expected = TXT_PREFIX + request.verification_token
    for record in answer:
        if b"".join(record.strings).decode("utf-8", "replace").strip() == expected:
            return Proof(TakedownRequest.Method.DNS, f"TXT record at {name}")
    return None


def _get(url: str, options: FetchOptions) -> bytes | None:
    try:
        result = fetch(url, options=options)
    except FetchError:
        return None
    return result.body if result.status == 200 else None


def _has_meta(body: bytes, token: str) -> bool:
    try:
        document = lxml_html.fromstring(body)
    except (ValueError, lxml_html.etree.ParserError):
        return False
    return any(
        (meta.get("content") or "").strip() == token
        for meta in document.iter("meta")
        if (meta.get("name") or "").strip().lower() == META_NAME
    )


def site_proof(request: TakedownRequest, *, options: FetchOptions | None = None) -> Proof | None:
    """A meta tag on the home page, or the well-known file, on every origin the targets are on."""
    options = options or fetch_options_from_settings()
    origins = proof_origins(request)
    if not origins:
        return None
    token = request.verification_token
    methods = set()
    for origin in origins:
        home = _get(origin + "/", options)
        if home is not None and _has_meta(home, token):
            methods.add(TakedownRequest.Method.META)
            continue
        file = _get(origin + WELL_KNOWN_PATH, options)
        if file is not None and token in file.decode("utf-8", "replace").split():
            methods.add(TakedownRequest.Method.FILE)
            continue
        return None
    method = TakedownRequest.Method.META if TakedownRequest.Method.META in methods else TakedownRequest.Method.FILE
    return Proof(method, f"{method} proof on {', '.join(origins)}")


Checker = Callable[[TakedownRequest], Proof | None]


def ownership_proof(request: TakedownRequest, *, checkers: tuple[Checker, ...] | None = None) -> Proof | None:
    """The first proof that holds, DNS first (no request to the site needed), or None."""
    for checker in checkers or (dns_proof, site_proof):
        proof = checker(request)
        if proof is not None:
            return proof
    return None
