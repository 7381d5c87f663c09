"""Photos residents upload: checked to really be images, re-encoded, stored under random names.

Re-encoding drops anything hidden in the file (scripts, EXIF with the phone's GPS) and a
random name means no part of the stored path comes from the person who sent it.
"""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path
from typing import Final

from PIL import Image, UnidentifiedImageError

MAX_BYTES: Final = 5 * 1024 * 1024
MAX_PHOTOS: Final = 3
MAX_PIXELS: Final = 40_000_000  # refuse decompression bombs before decoding
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
STORED_NAME = re.compile(r"^[a-z0-9]{8,64}\.(jpg|png|webp|m4a|mp3|ogg|webm|amr|wav)$")


class BadUpload(ValueError):
    """An upload refused; the message (zh / en) says why."""


def media_dir(var_dir: Path) -> Path:
    return var_dir / "media"


def check_image(data: bytes) -> tuple[Image.Image, str]:
    """The decoded image and its extension, or BadUpload."""
    if len(data) > MAX_BYTES:
        raise BadUpload(f"照片超过 5 MB / photo larger than 5 MB ({len(data) // 1024} KB)")
    if not data:
        raise BadUpload("空文件 / empty file")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format or ""
            if fmt not in FORMATS:
                raise BadUpload("只接受 JPEG、PNG、WebP 照片 / only JPEG, PNG or WebP photos")
            if probe.width * probe.height > MAX_PIXELS:
                raise BadUpload("照片尺寸过大 / image dimensions too large")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except BadUpload:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise BadUpload(
            "不是有效的图片（只接受 JPEG、PNG、WebP）/ not a valid JPEG, PNG or WebP image"
        ) from exc
    return image, FORMATS[fmt]


def save_image(data: bytes, var_dir: Path) -> str:
    """Check, re-encode and store a photo; its media reference (the stored file's name)."""
    image, ext = check_image(data)
    if ext == "jpg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    folder = media_dir(var_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{ext}"
    out = io.BytesIO()
    image.save(out, format={"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[ext])
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
