"""Turn a URL string into the exact host, port and request line the fetcher will use.

We parse by hand instead of trusting urllib: SSRF bypasses live in the gaps between parsers
(backslashes, `@` in odd places, percent-encoded or Unicode hosts, octal/hex IPv4). Anything two
common parsers could read differently is refused, and numeric hosts are decoded the way
inet_aton and the WHATWG URL standard do, so the address we check is the one a resolver would use.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address
from urllib.parse import quote, unquote

import idna

from .address import IPAddress
from .errors import (
    MSG_AMBIGUOUS_URL,
    MSG_BLOCKED_SCHEME,
    MSG_INVALID_HOST,
    MSG_INVALID_PORT,
    MSG_INVALID_URL,
    MSG_OBFUSCATED_IP,
    MSG_UNSAFE_CHARACTERS,
    MSG_USERINFO,
    BlockedScheme,
    InvalidURL,
)

DEFAULT_PORTS = {"http": 80, "https": 443}

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_NUMERIC_LABEL = re.compile(r"[0-9]+|0[xX][0-9A-Fa-f]*")
_HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?")
# Characters left as they are on the request line; everything else is percent-encoded as UTF-8.
_REQUEST_TARGET_SAFE = "/:@!$&'()*+,;=-._~%?"
# Unicode categories that never belong in a URL: controls, format characters (zero-width), spaces.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"})


@dataclass(frozen=True)
class Target:
    """A URL reduced to what goes on the wire. `ip` is set when the host is an IP literal."""

    scheme: str
    host: str  # ASCII, lower-case, no trailing dot, no brackets
    port: int
    request_target: str  # path and query, percent-encoded, never empty
    ip: IPAddress | None = None
    ip_is_canonical: bool = True  # False for 0x7f.1, 2130706433, 0177.0.0.1, 127.0.0.1., Unicode digits

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if isinstance(self.ip, IPv6Address) else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host_header}{self.request_target}"

    @property
    def origin(self) -> str:
        """scheme://host[:port], the key robots.txt rules apply to; spelled as `reader.urls.url_origin` spells it
        (the host as the fetcher will connect to it, e.g. 0x7f.1 as 127.0.0.1)."""
        return f"{self.scheme}://{self.host_header}"


def parse_target(url: str) -> Target:
    """Parse an absolute http(s) URL, refusing every form that parsers disagree on."""
    if any(ch == "\\" or unicodedata.category(ch) in _UNSAFE_CATEGORIES for ch in url):
        raise InvalidURL(MSG_UNSAFE_CHARACTERS, detail=repr(url), url=url)
    scheme_match = _SCHEME.match(url)
    if scheme_match is None:
        raise InvalidURL(MSG_INVALID_URL, detail="no scheme", url=url)
    scheme = scheme_match.group()[:-1].lower()
    if scheme not in DEFAULT_PORTS:
        raise BlockedScheme(MSG_BLOCKED_SCHEME, detail=scheme, url=url)
    rest = url[scheme_match.end() :]
    if not rest.startswith("//"):
        raise InvalidURL(MSG_INVALID_URL, detail="missing '//' after the scheme", url=url)
    authority, path_and_more = _split_authority(rest[2:])
    if "@" in authority:
        raise InvalidURL(MSG_USERINFO, url=url)
    path_and_query, _, fragment = path_and_more.partition("#")
    if "@" in fragment:
        raise InvalidURL(MSG_AMBIGUOUS_URL, detail="'@' in the fragment", url=url)
    host_text, port = _split_port(authority, scheme, url)
    host, ip, canonical = _parse_host(host_text, url)
    return Target(
        scheme=scheme,
        host=host,
        port=port,
        request_target=_request_target(path_and_query, url),
        ip=ip,
        ip_is_canonical=canonical,
    )


def _split_authority(text: str) -> tuple[str, str]:
    for index, ch in enumerate(text):
        if ch in "/?#":
            return text[:index], text[index:]
    return text, ""


def _split_port(authority: str, scheme: str, url: str) -> tuple[str, int]:
    if authority.startswith("["):
        end = authority.find("]")
        if end == -1:
            raise InvalidURL(MSG_INVALID_HOST, detail="unclosed '['", url=url)
        host_text, after = authority[: end + 1], authority[end + 1 :]
        if after and not after.startswith(":"):
            raise InvalidURL(MSG_INVALID_HOST, detail=authority, url=url)
        port_text = after[1:]
    else:
        host_text, _, port_text = authority.rpartition(":") if ":" in authority else (authority, "", "")
    if not port_text:
        return host_text, DEFAULT_PORTS[scheme]
    # `:+80`, `: 80` and 6-digit ports read differently across parsers; only plain digits pass.
    if not (port_text.isascii() and port_text.isdigit() and len(port_text) <= 5 and 0 < int(port_text) < 65536):
        raise InvalidURL(MSG_INVALID_PORT, detail=port_text, url=url)
    return host_text, int(port_text)


def _parse_host(text: str, url: str) -> tuple[str, IPAddress | None, bool]:
    if not text:
        raise InvalidURL(MSG_INVALID_HOST, detail="empty host", url=url)
    if "%" in text:  # percent-encoded hosts and IPv6 zone ids (`%25eth0`)
        raise InvalidURL(MSG_INVALID_HOST, detail=text, url=url)
    if text.startswith("["):
        try:
            ip6 = IPv6Address(text[1:-1])
        except ValueError:
            raise InvalidURL(MSG_INVALID_HOST, detail=text, url=url) from None
        return ip6.compressed, ip6, True
    ascii_host = text.lower() if text.isascii() else _to_ascii(text, url)
    labels = ascii_host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()  # one trailing dot is a fully-qualified name, same host
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        ip4 = _parse_ipv4_number(labels, url)
        return str(ip4), ip4, str(ip4) == text
    if len(ascii_host) > 254 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise InvalidURL(MSG_INVALID_HOST, detail=text, url=url)
    return ".".join(labels), None, True


def _to_ascii(text: str, url: str) -> str:
    """IDNA with UTS 46 mapping, as browsers do: full-width digits and ① become ASCII here."""
    try:
        return idna.encode(text, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError):
        raise InvalidURL(MSG_INVALID_HOST, detail=text, url=url) from None


def _parse_ipv4_number(labels: list[str], url: str) -> IPv4Address:
    """inet_aton/WHATWG IPv4: 1-4 parts, each decimal, 0-octal or 0x-hex; the last fills the rest."""
    if len(labels) > 4:
        raise InvalidURL(MSG_OBFUSCATED_IP, detail=".".join(labels), url=url)
    numbers = []
    for label in labels:
        number = _parse_ipv4_part(label)
        if number is None:
            raise InvalidURL(MSG_OBFUSCATED_IP, detail=".".join(labels), url=url)
        numbers.append(number)
    *leading, last = numbers
    if any(n > 255 for n in leading) or last >= 256 ** (5 - len(numbers)):
        # Out of range: some parsers wrap modulo 2**32 (6425673729 -> 127.0.0.1), so refuse.
        raise InvalidURL(MSG_OBFUSCATED_IP, detail=".".join(labels), url=url)
    value = last
    for position, number in enumerate(leading):
        value += number << (8 * (3 - position))
    return IPv4Address(value)


def _parse_ipv4_part(label: str) -> int | None:
    if label[:2] in ("0x", "0X"):
        digits, base = label[2:], 16
        if not digits:
            return 0
    elif len(label) > 1 and label.startswith("0"):
        digits, base = label[1:], 8
    else:
        digits, base = label, 10
    try:
        return int(digits, base) if digits.isascii() else None
    except ValueError:
        return None


def _request_target(path_and_query: str, url: str) -> str:
    path, sep, query = path_and_query.partition("?")
    path = _remove_dot_segments(path or "/")
    decoded_segments = unquote(path).split("/")
    if "." in decoded_segments or ".." in decoded_segments:
        # Percent-encoded dot-segments (`..%2f`, `%2e%2e`) survive our normalization but not a
        # decoding proxy's: the same URL would name two different resources.
        raise InvalidURL(MSG_AMBIGUOUS_URL, detail=path, url=url)
    return quote(path + sep + query, safe=_REQUEST_TARGET_SAFE)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4 for absolute paths, applied to literal `.` and `..` only."""
    output: list[str] = []
    segments = path.split("/")[1:]
    for index, segment in enumerate(segments):
        is_last = index == len(segments) - 1
        if segment == "..":
            if output:
                output.pop()
            if is_last:
                output.append("")
        elif segment == ".":
            if is_last:
                output.append("")
        else:
            output.append(segment)
    return "/" + "/".join(output)
