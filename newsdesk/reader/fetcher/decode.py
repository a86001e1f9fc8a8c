"""Undo Content-Encoding incrementally with a hard cap on decoded size.

We decode ourselves instead of using httpx's decoders because those inflate each network chunk
in one call: 64 KiB of gzip'd zeros becomes ~64 MiB at once, and `Content-Encoding: gzip, gzip`
multiplies that again. Here every stage emits at most CHUNK bytes per step and the next stage
consumes them before more is produced, so memory stays at roughly CHUNK x stages + max_bytes.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence

import brotli

from .errors import MSG_RESPONSE_TOO_LARGE, MSG_UNDECODABLE_BODY, ResponseTooLarge, UndecodableBody

CHUNK = 64 * 1024
MAX_CODINGS = 3  # real servers send one; a few stacked layers are only ever an attack

_GZIP_MAGIC = b"\x1f\x8b"


class _ZlibStage:
    """gzip (wbits=31, multi-member) or deflate; deflate picks zlib-wrapped or raw on its first bytes."""

    def __init__(self, *, gzip: bool) -> None:
        self._gzip = gzip
        self._pending = b""  # bytes held until we have two: the zlib header or the next gzip magic
        self._junk = False  # set once non-gzip bytes follow the end of the stream
        self._inflater: zlib._Decompress | None = zlib.decompressobj(zlib.MAX_WBITS | 16) if gzip else None

    def decompress(self, data: bytes) -> Iterator[bytes]:
        if self._inflater is None:
            self._pending += data
            if len(self._pending) < 2:
                return
            data, self._pending = self._pending, b""
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if _has_zlib_header(data) else -zlib.MAX_WBITS)
        yield from self._inflate(data)

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        inflater = self._inflater
        assert inflater is not None
        if inflater.eof:
            yield from self._after_end(data)
            return
        piece = inflater.decompress(data, CHUNK)
        while True:
            if piece:
                yield piece
            if not inflater.unconsumed_tail:
                break
            piece = inflater.decompress(inflater.unconsumed_tail, CHUNK)
        if inflater.eof and inflater.unused_data:
            yield from self._after_end(inflater.unused_data)

    def _after_end(self, data: bytes) -> Iterator[bytes]:
        # A gzip body may hold several members back to back; anything else after the end is
        # trailing junk some servers append, which browsers ignore and so do we.
        if self._junk:
            return
        self._pending += data
        if len(self._pending) < len(_GZIP_MAGIC):
            return
        data, self._pending = self._pending, b""
        if self._gzip and data.startswith(_GZIP_MAGIC):
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
            yield from self._inflate(data)
        else:
            self._junk = True

    def flush(self) -> Iterator[bytes]:
        # With fewer than two bytes ever received there is no deflate stream to finish.
        if self._inflater is not None and not self._inflater.eof:
            # A truncated stream still yields what arrived, like browsers render partial pages.
            tail = self._inflater.flush()
            if tail:
                yield tail


class _BrotliStage:
    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()

    def decompress(self, data: bytes) -> Iterator[bytes]:
        piece = self._decompressor.process(data, output_buffer_limit=CHUNK)
        while piece:
            yield piece
            piece = self._decompressor.process(b"", output_buffer_limit=CHUNK)

    def flush(self) -> Iterator[bytes]:
        return iter(())


_Stage = _ZlibStage | _BrotliStage


def _has_zlib_header(data: bytes) -> bool:
    cmf, flg = data[0], data[1]
    return cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0


def _make_stage(coding: str) -> _Stage:
    if coding in ("gzip", "x-gzip"):
        return _ZlibStage(gzip=True)
    if coding == "deflate":
        return _ZlibStage(gzip=False)
    if coding == "br":
        return _BrotliStage()
    raise UndecodableBody(MSG_UNDECODABLE_BODY, detail=f"unsupported Content-Encoding {coding!r}")


def _through(stages: Sequence[_Stage], data: bytes) -> Iterator[bytes]:
    """Push `data` through the remaining stages lazily, one bounded piece at a time."""
    if not stages:
        if data:
            yield data
        return
    for piece in stages[0].decompress(data):
        yield from _through(stages[1:], piece)


class BodyDecoder:
    """Feed raw body chunks in, get the decoded body out; raises once either size passes max_bytes."""

    def __init__(self, content_encoding: str, *, max_bytes: int) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > MAX_CODINGS:
            raise UndecodableBody(MSG_UNDECODABLE_BODY, detail=f"{len(codings)} stacked Content-Encodings")
        # Codings are listed in the order they were applied, so they come off in reverse.
        self._stages = [_make_stage(coding) for coding in reversed(codings)]
        self._max_bytes = max_bytes
        self._raw_size = 0
        self._body = bytearray()

    def feed(self, data: bytes) -> None:
        # The raw size is capped too: deflate can encode endless empty blocks that decode to nothing.
        self._raw_size += len(data)
        if self._raw_size > self._max_bytes:
            raise ResponseTooLarge(MSG_RESPONSE_TOO_LARGE, detail=f"more than {self._max_bytes} bytes on the wire")
        self._collect(_through(self._stages, data))

    def finish(self) -> bytes:
        for index, stage in enumerate(self._stages):
            for piece in self._guarded(stage.flush()):
                self._collect(_through(self._stages[index + 1 :], piece))
        return bytes(self._body)

    def body_so_far(self) -> bytes:
        return bytes(self._body)

    def _collect(self, pieces: Iterator[bytes]) -> None:
        for piece in self._guarded(pieces):
            if len(self._body) + len(piece) > self._max_bytes:
                raise ResponseTooLarge(MSG_RESPONSE_TOO_LARGE, detail=f"more than {self._max_bytes} bytes decoded")
            self._body += piece

    @staticmethod
    def _guarded(pieces: Iterator[bytes]) -> Iterator[bytes]:
        try:
            yield from pieces
        except (zlib.error, brotli.error) as exc:
            raise UndecodableBody(MSG_UNDECODABLE_BODY, detail=str(exc)) from exc
