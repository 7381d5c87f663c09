"""Photos for upload tests and the fault suite: large allowed ones, bombs, truncated files."""

from __future__ import annotations

import io
import os
import random
import re
import struct
import zlib
from pathlib import Path

from PIL import Image

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def big_jpeg(width: int = 5000, height: int = 3750, seed: int = 1) -> bytes:
    """A phone-sized photo, ~3.8 MB, 18.75 MP: allowed, and heavy to decode."""
    rnd = random.Random(seed)
    small = Image.frombytes(
        "RGB", (width // 10, height // 10), rnd.randbytes(width // 10 * (height // 10) * 3)
    )
    out = io.BytesIO()
    small.resize((width, height), Image.Resampling.BILINEAR).save(out, "JPEG", quality=85)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 20_000, height: int = 20_000, rows: int | None = None) -> bytes:
    """A PNG of zeros claiming ``width`` x ``height`` pixels in a few hundred KB.

    ``rows`` limits how many rows the data really holds (the header still claims them all):
    a bomb must be refused from its header, before anything is decoded.
    """
    c = zlib.compressobj(6)
    row = b"\0" * (width + 1)
    parts = [c.compress(row * 64) for _ in range((rows if rows is not None else height) // 64)]
    parts.append(c.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", b"".join(parts))
        + _chunk(b"IEND", b"")
    )


def huge_jpeg_header() -> bytes:
    """A small JPEG whose header claims 60,000 x 60,000 pixels."""
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 20, 30)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60_000, 60_000)
    return bytes(data)


def truncated_jpeg() -> bytes:
    return big_jpeg(800, 600)[:20_000]


def rss_mb() -> float:
    """This process's resident memory (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_of(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def random_name() -> str:
    return os.urandom(4).hex()
