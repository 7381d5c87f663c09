"""The district's shape of data and the constants of the demo's scale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd
import pandas as pd

CRS: Final = "EPSG:4326"
LEVELS: Final = ("district", "street", "community", "grid", "micro_grid")
DISTRICT_CODE: Final = "BJ"
DISTRICT_NAME: Final = "滨江区（演示·合成网格）"
DISTRICT_NAME_EN: Final = "Binjiang (demo, synthetic grids)"
ADDRESS_PREFIX: Final = "330108"

COMMUNITIES_PER_STREET: Final = 20
GRID_COUNT: Final = 503
MICRO_GRID_COUNT: Final = 3116
MIN_GRIDS_PER_COMMUNITY: Final = 5
MIN_MICRO_GRIDS_PER_GRID: Final = 3

# kind, id prefix, unit, how many
SITE_SENSORS: Final = (
    ("gas", "gas", "ppm", 30),
    ("fume", "fume", "mg/m3", 60),
    ("muck_truck", "muck", "alarm", 20),
    ("ebike_charging", "ebike", "V", 80),
)
RIVER_WIDTH_M: Final = 800.0
CHINESE_NUMERALS: Final = "一二三四五六七八九"


@dataclass(frozen=True, eq=False)
class District:
    """Areas, buildings, basemap river, crowd zones, sensors and units of one district."""

    areas: gpd.GeoDataFrame
    buildings: pd.DataFrame
    river: gpd.GeoDataFrame
    crowd_zones: gpd.GeoDataFrame
    sensors: pd.DataFrame
    units: pd.DataFrame

    def level(self, level: str) -> gpd.GeoDataFrame:
        """The areas of one level, in the order they were numbered."""
        return self.areas[self.areas["level"] == level]


def nullable(values: Any, index: pd.Index) -> pd.Series:
    # pandas 3 turns a str column's None into NaN; an object Series keeps None.
    return pd.Series([v if isinstance(v, str) else None for v in values], index=index, dtype=object)
