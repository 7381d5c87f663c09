"""What the wall page decides from the geography it draws: how its cells are drawn and
the district its heading names."""

from __future__ import annotations

from typing import Any

RENDERERS = ("svg", "canvas")
# From this many cells on they are drawn on one canvas: recolouring 10,000 SVG paths took
# ~850 ms in headless Chromium (bench/geo_wall.py), one canvas repaint a fraction of it
CANVAS_FROM = 5_000


def renderer(asked: Any, cells: int) -> str:
    """How the wall draws its cells: as asked (render=svg|canvas), else by their number."""
    if asked in RENDERERS:
        return str(asked)
    return "canvas" if cells >= CANVAS_FROM else "svg"


def district_name(names: tuple[str, str], lang: str) -> str:
    """The heading's district: "滨江区" / "Binjiang", without what its name says in brackets
    (the demo's "（演示·合成网格）": the heading has its own demo tag) or a trailing "District"."""
    if lang == "zh":
        return names[0].split("（")[0].split("(")[0].strip()
    return names[1].split(" (")[0].removesuffix(" District").strip()
