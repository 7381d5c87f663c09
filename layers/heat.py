"""Crowd density as a raster: counts at points spread into a grid, coloured, PNG-encoded.

The browser gets one small image per update, never the points (DESIGN.md: shipping
raw points made every map update several times slower).
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
import numpy.typing as npt

Bounds = tuple[float, float, float, float]  # west, south, east, north

# transparent -> violet -> magenta -> orange -> yellow: every step saturated, so the
# densest places read as the brightest colour on the dark map, never as grey-white fog
_STOPS = np.array(
    [
        [0.00, 110, 40, 200, 0],
        [0.08, 110, 40, 200, 0],
        [0.18, 130, 40, 230, 140],
        [0.35, 205, 45, 170, 175],
        [0.60, 250, 105, 45, 210],
        [0.85, 255, 190, 30, 230],
        [1.00, 255, 245, 80, 240],
    ]
)
TICKS = (0.25, 0.5, 0.75, 1.0)  # legend ticks, as positions on the ramp


def density(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    weight: npt.ArrayLike,
    bounds: Bounds,
    shape: tuple[int, int],
    radius_m: float = 250.0,
) -> npt.NDArray[np.float64]:
    """People per cell (rows north to south) from weighted points with Gaussian spread."""
    west, south, east, north = bounds
    rows, cols = shape
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    w = np.asarray(weight, dtype=float)
    if x.size == 0:
        return np.zeros(shape)
    cx = west + (np.arange(cols) + 0.5) * (east - west) / cols
    cy = north - (np.arange(rows) + 0.5) * (north - south) / rows
    m_per_deg_lat = 111_320.0
    m_per_deg_lon = m_per_deg_lat * np.cos(np.radians((south + north) / 2))
    dx = (cx[None, :] - x[:, None]) * m_per_deg_lon  # points x cols
    dy = (cy[None, :] - y[:, None]) * m_per_deg_lat  # points x rows
    gx = np.exp(-0.5 * (dx / radius_m) ** 2)
    gy = np.exp(-0.5 * (dy / radius_m) ** 2)
    norm = gx.sum(axis=1) * gy.sum(axis=1)
    scale = np.divide(w, norm, out=np.zeros_like(w), where=norm > 0)
    # separable kernel: sum_p scale_p * gy_p[r] * gx_p[c]
    out: npt.NDArray[np.float64] = np.einsum("p,pr,pc->rc", scale, gy, gx)
    return out


def colourise(grid: npt.NDArray[np.float64], vmax: float) -> npt.NDArray[np.uint8]:
    """RGBA image of a density grid; vmax maps to the hottest colour."""
    t = np.clip(grid / vmax, 0.0, 1.0) if vmax > 0 else np.zeros_like(grid)
    t = np.sqrt(t)  # small crowds stay visible beside a 300,000-person one
    rgba = np.empty((*grid.shape, 4), dtype=np.uint8)
    for channel in range(4):
        rgba[..., channel] = np.interp(t, _STOPS[:, 0], _STOPS[:, channel + 1])
    rgba[t <= 0.01, 3] = 0
    return rgba


def cell_area_m2(bounds: Bounds, shape: tuple[int, int]) -> float:
    """The ground area of one cell of a density grid over `bounds`."""
    west, south, east, north = bounds
    rows, cols = shape
    m_per_deg_lat = 111_320.0
    m_per_deg_lon = m_per_deg_lat * float(np.cos(np.radians((south + north) / 2)))
    return (east - west) / cols * m_per_deg_lon * (north - south) / rows * m_per_deg_lat


def ramp_css(stops: int = 11) -> list[tuple[float, str]]:
    """The ramp as (position, CSS rgba) pairs, for a legend drawn in the same colours."""
    out = []
    for t in np.linspace(0.0, 1.0, stops):
        r, g, b, a = (float(np.interp(t, _STOPS[:, 0], _STOPS[:, c + 1])) for c in range(4))
        out.append((round(float(t), 3), f"rgba({r:.0f},{g:.0f},{b:.0f},{a / 255:.2f})"))
    return out


def scale(top: float) -> list[tuple[float, float]]:
    """Legend ticks: (position on the ramp, density there) for a ramp whose hottest colour is
    at density `top`. Positions are the square root of density / top (see colourise)."""
    return [(t, top * t * t) for t in TICKS]


def png(rgba: npt.NDArray[np.uint8]) -> bytes:
    """A minimal PNG (RGBA, 8 bit) of an image array."""
    height, width, _ = rgba.shape
    raw = b"".join(b"\x00" + rgba[row].tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )
