"""Photos residents upload: checked to really be images, re-encoded, stored under random names.

Re-encoding drops anything hidden in the file (scripts, EXIF with the phone's GPS) and a
random name means no part of the stored path comes from the person who sent it.
"""

from __future__ import annotations

import io
import re
import secrets
import warnings
from pathlib import Path
from typing import Final

from PIL import Image, UnidentifiedImageError

from feeds.schemas import MEDIA_NAME

MAX_BYTES: Final = 5 * 1024 * 1024
MAX_PHOTOS: Final = 3
MAX_PIXELS: Final = 40_000_000  # JPEG, read from the header before decoding (bombs refused)
MAX_DECODED_PIXELS: Final = 16_000_000  # PNG/WebP decode whole: 64 MB at most (RGBA)
MAX_DIMENSION: Final = 12_000  # px, either side
MAX_SIDE: Final = 2048  # px: photos are stored no larger (plenty for the console)
FORMATS: Final = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES: Final = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "m4a": "audio/mp4",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "webm": "audio/webm",
    "amr": "audio/amr",
    "wav": "audio/wav",
}
STORED_NAME = re.compile(MEDIA_NAME)  # the only media references a report may carry


class BadUpload(ValueError):
    """An upload refused; the message (zh / en) says why."""


def media_dir(var_dir: Path) -> Path:
    return var_dir / "media"


def _decode(data: bytes) -> tuple[Image.Image, str]:
    """Decode at most what will be stored: pixel limits read from the header first, JPEGs
    decoded at a reduced scale (draft) and everything shrunk to MAX_SIDE before re-encoding."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data))
        fmt = image.format or ""
        if fmt not in FORMATS:
            raise BadUpload("只接受 JPEG、PNG、WebP 照片 / only JPEG, PNG or WebP photos")
        pixels = image.width * image.height
        limit = MAX_PIXELS if fmt == "JPEG" else MAX_DECODED_PIXELS
        if pixels > limit or max(image.width, image.height) > MAX_DIMENSION:
            raise BadUpload(
                f"照片尺寸过大 / image dimensions too large ({image.width}×{image.height})"
            )
        if fmt == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale, still at least MAX_SIDE across
            side = max(image.width, image.height)
            want = (image.width * MAX_SIDE // side, image.height * MAX_SIDE // side)
            image.draft("RGB", want)
        image.load()
        if max(image.size) > MAX_SIDE:
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.BILINEAR)
    return image, FORMATS[fmt]


def check_image(data: bytes) -> tuple[Image.Image, str]:
    """The decoded (and, when large, shrunk) image and its extension, or BadUpload."""
    if len(data) > MAX_BYTES:
        raise BadUpload(f"照片超过 5 MB / photo larger than 5 MB ({len(data) // 1024} KB)")
    if not data:
        raise BadUpload("空文件 / empty file")
    try:
        return _decode(data)
    except BadUpload:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise BadUpload("照片尺寸过大 / image dimensions too large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise BadUpload(
            "不是有效的图片（只接受 JPEG、PNG、WebP）/ not a valid JPEG, PNG or WebP image"
        ) from exc


def save_image(data: bytes, var_dir: Path) -> str:
    """Check, re-encode and store a photo; its media reference (the stored file's name)."""
    image, ext = check_image(data)
    return store_image(image, ext, var_dir)


def store_image(image: Image.Image, ext: str, var_dir: Path) -> str:
    """Re-encode and store a checked image (see check_image); its media reference."""
    if ext == "jpg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    folder = media_dir(var_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{ext}"
    out = io.BytesIO()
    image.save(out, format={"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[ext])
    image.close()
    (folder / name).write_bytes(out.getvalue())
    return name


def stored_path(var_dir: Path, ref: str) -> Path | None:
    """The file of a media reference we stored, or None (unknown, or not a name we make)."""
    if not STORED_NAME.match(ref):
        return None
    path = media_dir(var_dir) / ref
    return path if path.is_file() else None


def content_type(ref: str) -> str:
    return CONTENT_TYPES.get(ref.rsplit(".", 1)[-1], "application/octet-stream")
