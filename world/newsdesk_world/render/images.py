"""Tiny but valid lead images, drawn from the article id so each image differs and is stable."""

from __future__ import annotations

import hashlib
import struct
import zlib
from html import escape

PNG_WIDTH, PNG_HEIGHT = 64, 36


def _colour(key: str) -> tuple[int, int, int]:
    digest = hashlib.sha256(key.encode()).digest()
    return digest[0], digest[1], digest[2]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def render_png(key: str) -> bytes:
    """A 64x36 RGB PNG: a solid colour with a darker band across the lower third."""
    red, green, blue = _colour(key)
    light = bytes((red, green, blue)) * PNG_WIDTH
    dark = bytes((red // 2, green // 2, blue // 2)) * PNG_WIDTH
    rows = b"".join(b"\x00" + (dark if y > PNG_HEIGHT * 2 // 3 else light) for y in range(PNG_HEIGHT))
    header = struct.pack(">IIBBBBB", PNG_WIDTH, PNG_HEIGHT, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows, 9))
        + _png_chunk(b"IEND", b"")
    )


def render_svg(key: str, label: str) -> bytes:
    red, green, blue = _colour(key)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">'
        f'<rect width="640" height="360" fill="rgb({red},{green},{blue})"/>'
        f'<text x="24" y="336" font-family="sans-serif" font-size="20" fill="#fff">{escape(label)}</text>'
        "</svg>"
    ).encode()


def render_stylesheet(prefix: str) -> bytes:
    return (
        f".{prefix}-masthead{{border-bottom:2px solid #222}}.cookie-banner{{position:fixed;bottom:0}}"
        ".ad{background:#f4f4f4;font-size:.8em}\n"
    ).encode()
