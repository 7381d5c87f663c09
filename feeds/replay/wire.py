"""A replay frame as JSON text for the wall's websocket. msgspec encodes a year's
snapshot (~1,500 incidents with their summaries) several times faster than json.dumps,
which took 60-100 ms of a seek (bench/RESULTS.md, "Replay"); the text means the same
(UTF-8, no ASCII escapes, compact)."""

from __future__ import annotations

from typing import Any

import msgspec

_encoder = msgspec.json.Encoder()


def encode(body: dict[str, Any]) -> str:
    return _encoder.encode(body).decode()
