"""Turn feed bytes of any (mis)declared encoding into UTF-8 bytes an XML parser can trust."""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECL = re.compile(rb"^\s*<\?xml\b[^>]*?\?>", re.I)
_DECL_ENCODING = re.compile(rb"""encoding\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_CT_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:\-]+)""", re.I)
_UTF8_NAMES = frozenset({"utf-8", "utf8", "utf_8"})
# Labels that browsers (and real publishers) treat as windows-1252: feeds labelled latin-1 are full of
# cp1252 smart quotes, so decoding them as iso-8859-1 would turn those into C1 control characters.
_AS_CP1252 = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "iso_8859-1"})
_UTF8_DECL = b'<?xml version="1.0" encoding="utf-8"?>'
# surrogateescape makes U+DC80-U+DCFF of each byte that is not UTF-8; these map it back to that byte read
# as windows-1252 (U+FFFD for the five bytes it leaves undefined).
_STRAY_AS_CP1252 = {0xDC00 + byte: bytes([byte]).decode("cp1252", errors="replace") for byte in range(0x80, 0x100)}
_ASCII_BYTES = bytes(range(128))


def charset_from_content_type(content_type: str) -> str:
    """The charset parameter of a Content-Type header, lower-cased, or ""."""
    match = _CT_CHARSET.search(content_type or "")
    return match.group(1).lower() if match else ""


def declared_encoding(data: bytes) -> str:
    """The encoding named in the XML declaration, lower-cased, or ""."""
    decl = _XML_DECL.match(data)
    if not decl:
        return ""
    match = _DECL_ENCODING.search(decl.group(0))
    return match.group(1).decode("ascii").lower() if match else ""


def codec_for_label(label: str) -> str:
    """The Python codec for a charset label, "" when unknown; latin-1/ASCII labels mean windows-1252."""
    label = label.strip().lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return ""


def _bom_codec(data: bytes) -> tuple[str, int]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    # UTF-16/32 without a BOM still starts with "<" padded by NULs (XML 1.0 appendix F).
    if data[:2] == b"<\x00" and data[3:4] == b"\x00":
        return "utf-16-le", 0
    if data[:2] == b"\x00<" and data[2:3] == b"\x00":
        return "utf-16-be", 0
    return "", 0


def _with_utf8_declaration(data: bytes) -> bytes:
    decl = _XML_DECL.match(data)
    if decl is None:
        return data
    return _UTF8_DECL + data[decl.end() :]


def to_utf8(data: bytes, *, content_type: str = "", trust_utf8: bool = False) -> bytes:
    """Return `data` as UTF-8 without a BOM and with any XML declaration saying utf-8.

    `trust_utf8` skips validating documents that claim UTF-8 (or nothing): the XML parser validates
    anyway, and a caller using this must call `to_utf8` again without it when the parser complains.

    Order: BOM, then "is it valid UTF-8" (a declaration or header naming a legacy charset is wrong more
    often than multi-byte UTF-8 happens by accident), then the HTTP charset, then the XML declaration,
    then windows-1252.
    """
    codec, skip = _bom_codec(data)
    if codec:
        text = data[skip:].decode(codec, errors="replace")
        return _with_utf8_declaration(text.encode("utf-8"))
    declared = declared_encoding(data)
    if trust_utf8 and declared in ("", *_UTF8_NAMES) and charset_from_content_type(content_type) in ("", *_UTF8_NAMES):
        return data
    if data.isascii() or is_utf8(data):
        if declared and declared not in _UTF8_NAMES:
            return _with_utf8_declaration(data)
        return data
    label = charset_from_content_type(content_type) or declared
    if not label or codec_for_label(label) == "cp1252":
        mostly_utf8 = decode_mostly_utf8(data)
        if mostly_utf8 is not None:
            return _with_utf8_declaration(mostly_utf8.encode("utf-8"))
    for label in (charset_from_content_type(content_type), declared):
        name = codec_for_label(label) if label else ""
        if not name or name == "utf-8" or name.startswith(("utf-16", "utf-32")):
            continue
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        return _with_utf8_declaration(text.encode("utf-8"))
    return _with_utf8_declaration(data.decode("cp1252", errors="replace").encode("utf-8"))


def decode_mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with each stray non-UTF-8 byte read as windows-1252, when most non-ASCII characters are UTF-8.

    A feed labelled ISO-8859-1 or windows-1252 (or not labelled) whose text is UTF-8 but for a few bytes
    pasted in from elsewhere: decoding all of it as windows-1252 would turn every "ø" into two characters.
    None when the stray bytes are as many as the UTF-8 characters: then the label is right.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    # Counted from a length, the fastest way: surrogatepass writes each stray byte's surrogate as 3 bytes.
    stray = (len(text.encode("utf-8", errors="surrogatepass")) - len(data)) // 2
    non_ascii_bytes = len(data.translate(None, _ASCII_BYTES))
    utf8_bytes = non_ascii_bytes - stray
    # A UTF-8 character outside ASCII takes 2-4 bytes; count them as characters, at least two bytes each.
    if utf8_bytes // 2 <= stray:
        return None
    return text.translate(_STRAY_AS_CP1252)


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
