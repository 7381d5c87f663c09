"""A local plane in metres around the district, and the real outline it starts from."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib.resources import files

import shapely
from shapely.geometry import shape

from layers.tiling import Geom


@dataclass(frozen=True)
class Frame:
    """A local plane in metres around the district, so buffers and Voronoi are isotropic."""

    lon0: float
    lat0: float
    mx: float
    my: float

    @classmethod
    def around(cls, lon0: float, lat0: float) -> Frame:
        phi = math.radians(lat0)
        my = 111_132.92 - 559.82 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi)
        mx = 111_412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi)
        return cls(lon0, lat0, mx, my)

    def to_local(self, geom: Geom) -> Geom:
        return shapely.transform(geom, lambda c: (c - (self.lon0, self.lat0)) * (self.mx, self.my))

    def to_lonlat(self, geom: Geom) -> Geom:
        return shapely.transform(geom, lambda c: c / (self.mx, self.my) + (self.lon0, self.lat0))


def load_outline() -> Geom:
    """Binjiang's real outline (WGS-84) as a shapely polygon."""
    text = files("layers").joinpath("data/binjiang.geojson").read_text(encoding="utf-8")
    return shape(json.loads(text)["features"][0]["geometry"])
