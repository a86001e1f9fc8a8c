"""Whether bytes are an HTML page at all, before lxml (which wraps any text, even a PNG's, in <html><body>)."""

from __future__ import annotations

import re

_SNIFF_BYTES = 4096
# The tags a page starts with, or the first block tags of a fragment; what browsers sniff for (WHATWG MIME
# sniffing, "text/html" patterns), minus the rarer ones.
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|title|meta|script|p|div|article|"
    rb"section|main|h1|br|table|a|iframe|font|b|style|link)[\s>/]",
    re.I | re.S,
)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def looks_like_html(data: bytes | str, *, content_type: str = "") -> bool:
    """True when the start of `data` is an HTML tag (a BOM and an XML declaration may come first), or when
    the server said it is HTML; a declared type that is clearly something else ("image/png") is believed."""
    declared = content_type.split(";", 1)[0].strip().lower()
    if declared and declared not in _HTML_TYPES and not declared.startswith("text/"):
        return False
    head = data[:_SNIFF_BYTES]
    if isinstance(head, str):
        head = head.encode("utf-8", "replace")
    head = head.removeprefix(b"\xef\xbb\xbf")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: decode what we sniff
        head = head.decode("utf-16", "replace").encode("utf-8", "replace")
    return bool(_HTML_START.match(head)) or (declared in _HTML_TYPES and b"<" in head and b"\x00" not in head)
