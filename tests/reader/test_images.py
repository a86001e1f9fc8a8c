"""The image checks and renditions of newsdesk.reader.images: bytes in, WebP out, or one refusal line."""

import io
import struct
import zlib

import pytest
from PIL import Image

from newsdesk.reader.images import (
    CARD_SIZE,
    NOT_AN_IMAGE,
    TOO_MANY_BYTES,
    TOO_SMALL,
    ImageLimits,
    ImageRefused,
    image_process,
)


def encoded(fmt: str, size: tuple[int, int] = (800, 600), mode: str = "RGB", **save: object) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 60) if mode == "RGB" else None).save(out, format=fmt, **save)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height but whose data is a few bytes: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def webp_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "WEBP"
        return image.size


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_allowed_formats_become_webp_card_and_lead(fmt):
    processed = image_process(encoded(fmt, (1600, 1200)))

    card, lead = processed.renditions
    assert processed.source_format == fmt
    assert (processed.width, processed.height) == (1600, 1200)
    assert (card.name, lead.name) == ("card", "lead")
    assert webp_size(card.data) == CARD_SIZE  # cropped to 16:9, then scaled down
    assert webp_size(lead.data) == (1200, 900)  # the image's own shape
    assert len(processed.key) == 32


def test_small_images_are_never_scaled_up():
    card, lead = image_process(encoded("PNG", (64, 36))).renditions

    assert webp_size(card.data) == (64, 36)
    assert webp_size(lead.data) == (64, 36)


def test_transparency_and_a_tall_image_survive():
    card, lead = image_process(encoded("PNG", (300, 900), mode="RGBA")).renditions

    assert webp_size(card.data) == (300, 169)  # the centre band of a tall image
    assert webp_size(lead.data) == (300, 900)


def test_same_bytes_same_key_other_bytes_other_key():
    first = encoded("PNG", (100, 100))

    assert image_process(first).key == image_process(first).key
    assert image_process(first).key != image_process(encoded("PNG", (100, 101))).key


def test_metadata_of_the_source_is_not_carried_over():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    source = encoded("JPEG", (200, 200), exif=exif.tobytes())

    for rendition in image_process(source).renditions:
        assert b"SecretCam" not in rendition.data


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html>not an image</html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        encoded("BMP", (40, 40)),  # a real image, in a format we do not take
        encoded("TIFF", (40, 40)),
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # PNG magic, garbage after
    ],
)
def test_non_images_and_other_formats_are_refused(data):
    with pytest.raises(ImageRefused, match=r"^not an image in an allowed format"):
        image_process(data)
    assert NOT_AN_IMAGE.startswith("not an image")


def test_a_decompression_bomb_is_refused_from_its_header():
    bomb = png_declaring(6000, 6000)  # 36 megapixels declared in ~100 bytes: over our cap, under Pillow's

    with pytest.raises(ImageRefused, match=r"declares 36000000 pixels, more than the cap of 25000000"):
        image_process(bomb)


def test_a_giant_bomb_is_refused_by_pillows_own_guard_too():
    bomb = png_declaring(100_000, 100_000)  # 10 gigapixels: Pillow refuses it while reading the header

    with pytest.raises(ImageRefused, match=r"pixels, more than the cap of 25000000 \(decompression bomb\?\)"):
        image_process(bomb)


def test_the_pixel_cap_is_a_limit():
    with pytest.raises(ImageRefused, match="more than the cap of 10000"):
        image_process(encoded("PNG", (200, 100)), limits=ImageLimits(max_pixels=10_000))


def test_oversized_bytes_are_refused_before_decoding():
    data = encoded("PNG", (50, 50))

    with pytest.raises(ImageRefused) as refused:
        image_process(data, limits=ImageLimits(max_bytes=len(data) - 1))
    assert str(refused.value) == TOO_MANY_BYTES.format(limit=len(data) - 1)


def test_tracking_pixels_are_refused():
    with pytest.raises(ImageRefused) as refused:
        image_process(encoded("GIF", (1, 1)))
    assert str(refused.value) == TOO_SMALL.format(width=16, height=16)


def test_a_truncated_image_is_refused_as_corrupt():
    data = encoded("JPEG", (400, 400))

    with pytest.raises(ImageRefused, match=r"^image data is corrupt"):
        image_process(data[: len(data) // 3])
