"""The URL vocabulary: what makes two URLs the same article, the same origin or the same site.

- `canonicalize_url`: one spelling per article, so dedup and attribution can compare URLs as strings.
- `url_origin` / `same_origin`: scheme, host and port; the unit of politeness, robots.txt and publishers.
- `same_site`: host (minus `www.`) and port, any scheme; how far a page's canonical URL may point.
- `page_url_problem` / `resolve_page_url` / `is_publishable_url`: whether a URL read from a page may be used.

Canonicalization is deliberately conservative about query parameters: dropping one that selects content
would merge two different articles, which is worse than keeping one tracking parameter too many.
"""

from __future__ import annotations

import re
import unicodedata
from ipaddress import IPv6Address
from urllib.parse import parse_qsl, quote, urljoin, urlsplit, urlunsplit

import idna

from newsdesk.reader.fetcher.errors import FetchError
from newsdesk.reader.fetcher.guard import vet_host
from newsdesk.reader.fetcher.target import parse_target

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters that only ever say how the reader arrived (ad networks, mailers, social sites, analytics).
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "igshid", "igsh", "li_fat_id", "mc_cid", "mc_eid", "mkt_tok", "_ga", "_gl", "_hsenc", "_hsmi",
        "__hssc", "__hstc", "__hsfp", "hsctatracking", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv",
        "wickedid", "rb_clickid", "s_cid", "ncid", "cmpid", "ocid", "ito", "smid", "smtyp", "cmp",
        "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
        "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "sr_share", "ref_src", "ref_url",
        "spm", "share", "sh", "utm", "xtor", "echobox", "dicbo", "trk", "trkcampaign",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "itm_", "hmb_", "ga_")
# `ref`, `src`, `source`, `from` select content on some sites, so they go only when the value looks like
# a referrer label ("rss", "twitter", "hn", "newsletter_2024-05").
_REFERRER_PARAMS = frozenset({"ref", "src", "source", "from", "via", "feature", "referrer", "origin"})
_REFERRER_VALUES = re.compile(
    r"^(rss|atom|feeds?|feedly|twitter|tw|x|t\.co|facebook|fb|linkedin|li|reddit|hn|hackernews|"
    r"newsletter|email|e-?mail|mail|share|shared|social|whatsapp|telegram|mastodon|bluesky|bsky|"
    r"homepage|home|hp|frontpage|push|app|amp|google|googlenews|gnews|flipboard|pocket|apple_?news|"
    r"msn|yahoo|nl|sm|sf|tw_share|fb_share)([-_.:][\w.-]*)?$",
    re.I,
)
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = "%:@!$'()*+,;/?-._~="


def canonicalize_url(url: str, *, base: str = "") -> str:
    """The canonical spelling of an http(s) URL; other schemes come back stripped but untouched.

    Lower-cases scheme and host, IDNA-encodes the host, drops default ports, fragments and tracking
    parameters, resolves dot segments, normalises percent-escapes and sorts the remaining query.
    """
    url = (url or "").strip()
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return url
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = _netloc_of(parts.hostname or "", port, scheme)
    if parts.username:
        userinfo = parts.username + (f":{parts.password}" if parts.password else "")
        netloc = f"{userinfo}@{netloc}"
    path = _normalise_escapes(_remove_dot_segments(parts.path or "/"), _PATH_SAFE)
    return urlunsplit((scheme, netloc, path or "/", _clean_query(parts.query), ""))


# Why a URL taken from a page is not used. The constants are the text of the note the page gets.
URL_EMPTY = "empty URL"
URL_TOO_LONG = "URL longer than 2000 characters"
URL_UNSAFE_CHARACTERS = "URL contains control characters, whitespace, quotes or angle brackets"
URL_UNPARSABLE = "URL cannot be parsed"
URL_NOT_HTTP = "not an http(s) URL"
URL_NO_HOST = "URL has no host"
URL_CREDENTIALS = "URL carries a user name or password"
URL_BAD_HOST = "URL host is not a valid host name"
URL_BAD_PORT = "URL port is not a valid port"
MAX_PAGE_URL_LENGTH = 2000
# Never in a URL a browser or our fetcher would accept as written; `<` and `"` are how markup leaks in.
_UNSAFE_URL_CHARACTERS = frozenset('<>"`\\')
_UNSAFE_URL_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"})
_ASCII_HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
# The unsafe characters an ASCII URL can hold: of the categories above only controls (Cc: 0x00-0x1F, 0x7F) and the
# space (Zs) are ASCII. One regex search instead of a category lookup per character (an image URL has hundreds).
_UNSAFE_ASCII = re.compile(r'[\x00-\x20\x7f<>"`\\]')


def page_url_problem(url: str) -> str:
    """Why an absolute URL read from a page (canonical, og:url, <base href>, image, link) must not be used;
    "" when it may: http(s), a host that IDNA-encodes (or an IPv6 literal), a valid port, no credentials,
    no control characters, whitespace, quotes or angle brackets."""
    if not url:
        return URL_EMPTY
    if len(url) > MAX_PAGE_URL_LENGTH:
        return URL_TOO_LONG
    if _has_unsafe_characters(url):
        return URL_UNSAFE_CHARACTERS
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return URL_UNPARSABLE if "[" in url.partition("?")[0] else URL_BAD_PORT
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        return URL_NOT_HTTP
    if not parts.netloc or not parts.hostname:
        return URL_NO_HOST
    if "@" in parts.netloc:
        return URL_CREDENTIALS
    if port == 0:
        return URL_BAD_PORT
    return "" if _is_valid_host(parts.hostname, bracketed="[" in parts.netloc) else URL_BAD_HOST


def _has_unsafe_characters(url: str) -> bool:
    if url.isascii():
        return _UNSAFE_ASCII.search(url) is not None
    return any(ch in _UNSAFE_URL_CHARACTERS or unicodedata.category(ch) in _UNSAFE_URL_CATEGORIES for ch in url)


def resolve_page_url(href: str, *, base: str) -> tuple[str, str]:
    """(absolute URL, "") for a usable href read from a page, resolved against `base`; ("", why) otherwise.

    Leading and trailing whitespace is trimmed as browsers do; anything else odd refuses the URL.
    """
    href = (href or "").strip()
    if not href:
        return "", URL_EMPTY
    try:
        absolute = urljoin(base, href) if base else href
    except ValueError:
        return "", URL_UNPARSABLE
    problem = page_url_problem(absolute)
    return ("", problem) if problem else (absolute, "")


def _is_valid_host(host: str, *, bracketed: bool) -> bool:
    if bracketed:
        try:
            IPv6Address(host)
        except ValueError:
            return False
        return True
    host = host.removesuffix(".")
    if host.isascii():
        labels = host.lower().split(".")
        return len(host) <= 253 and all(_ASCII_HOST_LABEL.fullmatch(label) for label in labels)
    try:
        idna.encode(host, uts46=True)
    except (idna.IDNAError, UnicodeError):
        return False
    return True


def url_origin(url: str) -> str:
    """The origin of an http(s) URL, `scheme://host[:port]`; "" when it has no http(s) scheme, host or valid port.

    Scheme and host lower-cased, the host IDNA-encoded (an IPv6 literal in brackets), the port written only
    when it is not the scheme's default (RFC 6454's serialization), so two URLs share an origin exactly when
    these strings are equal. The origin is the unit of politeness (requests at once, Crawl-delay, 429 pauses),
    of robots.txt, and of a publisher's identity: two publishers on one host but different ports are two.
    """
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or port == 0:
        return ""
    return f"{scheme}://{_netloc_of(parts.hostname, port, scheme)}"


def same_origin(a: str, b: str) -> bool:
    """Same scheme, host and port (the browser's definition): the same publisher."""
    origin = url_origin(a)
    return bool(origin) and origin == url_origin(b)


def site_key(url: str) -> str:
    """Host and port without a leading `www.` (`example.org:8080`), "" for no http(s) URL: what `same_site`
    compares, for callers that compare one URL with many."""
    return url_origin(url).partition("://")[2].removeprefix("www.")


def same_site(a: str, b: str) -> bool:
    """Same host, ignoring a leading `www.`, and same port, whatever the scheme: how far a page's declared
    canonical URL may move from where we found it (sites move between http and https, with and without
    `www.`), never to another host or port. Looser than `same_origin`; publishers are told apart by origin."""
    key = site_key(a)
    return bool(key) and key == site_key(b)


def is_tracking_param(name: str, value: str = "") -> bool:
    """Whether a query parameter only records how the reader arrived."""
    key = name.lower()
    if key in TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES):
        return True
    return key in _REFERRER_PARAMS and bool(_REFERRER_VALUES.match(value.strip()))


def _netloc_of(host: str, port: int | None, scheme: str) -> str:
    """`host[:port]` as we spell it: the host normalised, an IPv6 literal in its brackets (or the port could not
    be told from the address), the port left out when it is the scheme's default."""
    host = _normalise_host(host)
    if ":" in host:
        host = f"[{host}]"
    return host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"


def _normalise_host(host: str) -> str:
    host = host.rstrip(".").lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return quote(host, safe="")


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4."""
    if "." not in path:
        return path
    output: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(output) > 1:
                output.pop()
        elif segment != ".":
            output.append(segment)
    if path.endswith(("/.", "/..")):
        output.append("")
    result = "/".join(output)
    return result if result.startswith("/") else "/" + result


def _normalise_escapes(text: str, safe: str) -> str:
    """Upper-case %xx, decode escaped unreserved characters, escape anything that needs it."""
    if "%" in text:
        text = _PERCENT.sub(_decode_if_unreserved, text)
    return quote(text, safe=safe)


def _decode_if_unreserved(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def _clean_query(query: str) -> str:
    if not query:
        return ""
    kept = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        decoded = parse_qsl(piece, keep_blank_values=True)
        plain_name, plain_value = decoded[0] if decoded else (name, value)
        if is_tracking_param(plain_name, plain_value):
            continue
        # "+" stays "+": it means a space only to form decoders, and rewriting it could change the resource.
        name = _normalise_escapes(name, _QUERY_SAFE.replace("?", ""))
        value = _normalise_escapes(value, _QUERY_SAFE)
        kept.append((name, value, "=" in piece))
    kept.sort(key=lambda item: (item[0], item[1]))
    return "&".join(f"{name}={value}" if has_eq else name for name, value, has_eq in kept)


def is_publishable_url(url: str, *, allow_loopback: bool) -> bool:
    """Whether we may show `url` as a link or image: one the fetcher's SSRF policy would not refuse by its
    host alone (IP literals in any spelling, loopback and internal names). No DNS lookup: a public name is
    judged by the reader's own resolver when they follow it, not by ours."""
    try:
        vet_host(parse_target(url), allow_loopback=allow_loopback, url=url)
    except FetchError:
        return False
    return True


# Host prefixes that serve the same articles as the bare host (mobile and AMP editions).
_EDITION_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
# Path spellings of an AMP edition: /amp/<path>, <path>/amp, <path>.amp, <path>.amp.html.
_AMP_PATH = re.compile(r"^/amp(?=/)|/amp/?$|\.amp(?=(\.html?)?$)", re.I)
# Query parameters that only select the AMP or mobile edition of the same article.
_EDITION_PARAMS = frozenset({"amp", "outputtype", "output", "mobile", "m"})
_EDITION_VALUES = frozenset({"", "1", "true", "amp", "mobile", "yes"})


def url_identity_key(url: str) -> str:
    """One key for every spelling of the same article: http or https, with or without `www.`/`m.`/`mobile.`/
    `amp.`, AMP paths (`/amp/…`, `…/amp`, `….amp.html`), `?amp=1` or `?outputType=amp`, a trailing slash,
    tracking parameters and fragments. `host[:port]/path[?query]` with no scheme; "" for non-http(s) URLs.

    Looser than `canonicalize_url` on purpose: it decides what a takedown covers, where missing a variant
    (the article coming back) is worse than covering an unusual URL the publisher serves the same text at."""
    canonical = canonicalize_url(url)
    parts = urlsplit(canonical)
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc:
        return ""
    netloc = parts.netloc
    for prefix in _EDITION_HOST_PREFIXES:
        if netloc.startswith(prefix) and netloc.count(".") > 1:
            netloc = netloc[len(prefix) :]
            break
    path = _AMP_PATH.sub("", parts.path).rstrip("/")
    query = "&".join(
        piece
        for piece in parts.query.split("&")
        if piece
        and not (
            piece.partition("=")[0].lower() in _EDITION_PARAMS and piece.partition("=")[2].lower() in _EDITION_VALUES
        )
    )
    return netloc + (path or "") + (f"?{query}" if query else "")


def url_prefix_keys(url: str) -> list[str]:
    """The keys a path-prefix or domain tombstone would have to carry to cover `url`: its host, then every
    ancestor path, then the full identity key, e.g. `a.example`, `a.example/news`, `a.example/news/x`."""
    key = url_identity_key(url)
    if not key:
        return []
    path_and_query = key.split("?", 1)[0]
    host, _, path = path_and_query.partition("/")
    keys = [host]
    segments = [s for s in path.split("/") if s]
    for end in range(1, len(segments) + 1):
        keys.append(host + "/" + "/".join(segments[:end]))
    if key not in keys:
        keys.append(key)
    return keys
