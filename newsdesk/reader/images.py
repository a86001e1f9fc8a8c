"""Lead images made safe to serve: bytes in, checked and re-encoded WebP renditions out.

Publishers' bytes never reach a reader's browser. An image is decoded only when it is one of the allowed formats,
within the byte cap, and its header declares no more pixels than the pixel cap (checked before any pixel is
decoded, so a decompression bomb costs a header read); then each rendition is drawn afresh and encoded as WebP,
which also drops every byte of metadata the publisher sent.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# Pillow's own bomb guard (it warns past this and refuses twice this) stays on as a second line behind ours.
Image.MAX_IMAGE_PIXELS = 64_000_000
# Bumped when renditions change, so a stored key never names bytes drawn another way (keys are cached forever).
RENDITION_VERSION = b"v1"

NOT_AN_IMAGE = "not an image in an allowed format (JPEG, PNG, WebP, GIF)"
TOO_MANY_BYTES = "image is larger than {limit} bytes"
TOO_MANY_PIXELS = "image declares {pixels} pixels, more than the cap of {limit} (decompression bomb?)"
TOO_SMALL = "image is smaller than {width}x{height} pixels"
CORRUPT = "image data is corrupt: {reason}"


class ImageRefused(ValueError):
    """The bytes are no image we will serve; str() is a one-line reason."""


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 25_000_000
    min_width: int = 16  # tracking pixels and spacers are not lead images
    min_height: int = 16


@dataclass(frozen=True)
class Rendition:
    name: str  # "card" | "lead"
    width: int
    height: int
    data: bytes  # WebP


@dataclass(frozen=True)
class ProcessedImage:
    key: str  # hex digest naming the renditions: same source bytes, same key
    source_format: str
    width: int
    height: int
    renditions: tuple[Rendition, ...]


# Cards are cropped to 16:9 so a list of them lines up; the lead keeps the image's own shape.
CARD_SIZE = (480, 270)
LEAD_SIZE = (1200, 1200)


def image_process(data: bytes, *, limits: ImageLimits = ImageLimits()) -> ProcessedImage:
    """Check `data` and draw its card and lead renditions; ImageRefused says why an image is refused."""
    if len(data) > limits.max_bytes:
        raise ImageRefused(TOO_MANY_BYTES.format(limit=limits.max_bytes))
    image = _open(data, limits=limits)
    source_format = image.format or ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.seek(0)  # an animated GIF shows its first frame
            image.load()
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombWarning) as error:
        raise ImageRefused(CORRUPT.format(reason=str(error).splitlines()[0][:120] or type(error).__name__)) from None
    renditions = (
        _rendition("card", _crop_to(image, CARD_SIZE[0] / CARD_SIZE[1]), CARD_SIZE),
        _rendition("lead", image, LEAD_SIZE),
    )
    key = hashlib.sha256(RENDITION_VERSION + data).hexdigest()[:32]
    return ProcessedImage(key, source_format, image.width, image.height, renditions)


def _open(data: bytes, *, limits: ImageLimits) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRefused(NOT_AN_IMAGE) from None
    except Image.DecompressionBombError:
        raise ImageRefused(TOO_MANY_PIXELS.format(pixels="too many", limit=limits.max_pixels)) from None
    width, height = image.size  # from the header: nothing is decoded yet
    if width * height > limits.max_pixels:
        raise ImageRefused(TOO_MANY_PIXELS.format(pixels=width * height, limit=limits.max_pixels))
    if width < limits.min_width or height < limits.min_height:
        raise ImageRefused(TOO_SMALL.format(width=limits.min_width, height=limits.min_height))
    return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _crop_to(image: Image.Image, ratio: float) -> Image.Image:
    """The centre of `image` with width/height = `ratio`."""
    width, height = image.size
    if width / height > ratio:
        new_width = max(1, round(height * ratio))
        left = (width - new_width) // 2
        return image.crop((left, 0, left + new_width, height))
    new_height = max(1, round(width / ratio))
    top = (height - new_height) // 2
    return image.crop((0, top, width, top + new_height))


def _rendition(name: str, image: Image.Image, box: tuple[int, int]) -> Rendition:
    """`image` scaled down (never up) to fit `box`, as WebP."""
    copy = image.copy()
    copy.thumbnail(box, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, format="WEBP", quality=80, method=4)
    return Rendition(name=name, width=copy.width, height=copy.height, data=out.getvalue())
