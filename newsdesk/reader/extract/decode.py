"""HTML bytes to text: BOM, then UTF-8 if valid, then HTTP charset, <meta charset>, then windows-1252."""

from __future__ import annotations

import codecs
import re

from newsdesk.reader.feeds.encoding import charset_from_content_type, codec_for_label

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_SNIFF_BYTES = 8192  # further than the 1024 bytes browsers look at: real pages put <meta charset> late


def decode_html(data: bytes | str, *, content_type: str = "") -> str:
    """Decode a page; str input is returned as is (minus an XML declaration lxml would refuse)."""
    if isinstance(data, str):
        return _XML_DECL.sub("", data, count=1)
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return _XML_DECL.sub("", data[len(bom) :].decode(name, errors="replace"), count=1)
    # Valid UTF-8 wins over any label: a header or <meta> naming a legacy charset is wrong more often
    # than non-ASCII text happens to be valid UTF-8 by accident.
    try:
        return _XML_DECL.sub("", data.decode("utf-8"), count=1)
    except UnicodeDecodeError:
        pass
    labels = [charset_from_content_type(content_type)]
    meta = _META_CHARSET.search(data[:_SNIFF_BYTES])
    if meta:
        labels.append(meta.group(1).decode("ascii", "replace").lower())
    for label in labels:
        name = codec_for_label(label)
        if not name:
            continue
        try:
            return _XML_DECL.sub("", data.decode(name), count=1)
        except UnicodeDecodeError:
            continue
    return _XML_DECL.sub("", data.decode("cp1252", errors="replace"), count=1)
