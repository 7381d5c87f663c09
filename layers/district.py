"""A synthetic demo district laid inside Binjiang's real outline.

Only the outline is real (layers/data/binjiang.geojson). Streets, communities,
grids, micro-grids, buildings, crowd zones, sensors and units are invented from a
seed, at Binjiang's published scale (3 streets, 503 grids, 3,116 micro-grids).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import affinity
from shapely.geometry import shape

from layers.assign import GridIndex
from layers.names import (
    CROWD_ZONES,
    ESTATE_SUFFIXES,
    FIRST_SYLLABLES,
    SECOND_SYLLABLES,
    STREETS,
    ZoneSpec,
    place_names,
)
from layers.tiling import XY, Geom, GeomArray, apportion, polygons, sample, strips, tile

# The public API, including the names and types now defined in layers.names and layers.tiling.
__all__ = [
    "ADDRESS_PREFIX",
    "CHINESE_NUMERALS",
    "COMMUNITIES_PER_STREET",
    "CROWD_ZONES",
    "CRS",
    "DISTRICT_CODE",
    "DISTRICT_NAME",
    "DISTRICT_NAME_EN",
    "ESTATE_SUFFIXES",
    "FIRST_SYLLABLES",
    "GRID_COUNT",
    "LEVELS",
    "MICRO_GRID_COUNT",
    "MIN_GRIDS_PER_COMMUNITY",
    "MIN_MICRO_GRIDS_PER_GRID",
    "RIVER_WIDTH_M",
    "SECOND_SYLLABLES",
    "SITE_SENSORS",
    "STREETS",
    "XY",
    "District",
    "Geom",
    "GeomArray",
    "ZoneSpec",
    "build_district",
    "district_geojson",
    "load_outline",
]

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


@dataclass(frozen=True)
class _Frame:
    """A local plane in metres around the district, so buffers and Voronoi are isotropic."""

    lon0: float
    lat0: float
    mx: float
    my: float

    @classmethod
    def around(cls, lon0: float, lat0: float) -> _Frame:
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


def _nullable(values: Any, index: pd.Index) -> pd.Series:
    # pandas 3 turns a str column's None into NaN; an object Series keeps None.
    return pd.Series([v if isinstance(v, str) else None for v in values], index=index, dtype=object)


def _riverbank(outline: Geom) -> Geom:
    """A coarse line along the north-west-facing run of the outline: the Qiantang's bank."""
    ring = shapely.simplify(shapely.orient_polygons(outline).exterior, 300.0)
    xy = shapely.get_coordinates(ring)[:-1]
    seg = np.roll(xy, -1, axis=0) - xy
    length = np.hypot(seg[:, 0], seg[:, 1])
    # A counter-clockwise ring's outward normal is (dy, -dx); dot it with north-west.
    facing = -(seg[:, 0] + seg[:, 1]) / (length * math.sqrt(2)) > 0.3
    if facing.all() or not facing.any():
        raise ValueError("outline has no distinct north-west side")
    start = int(np.argmin(facing))  # begin at a non-facing segment so runs don't wrap
    order = np.roll(np.arange(len(xy)), -start)
    best: list[int] = []
    run: list[int] = []
    for i in [*order, order[0]]:
        if facing[i]:
            run.append(int(i))
            continue
        if sum(length[run]) > sum(length[best]):
            best = run
        run = []
    stops = [*best, (best[-1] + 1) % len(xy)]
    return shapely.LineString(xy[stops])


def _ellipse(centre: XY, semi_axes: tuple[float, float], angle: float) -> Geom:
    circle = shapely.Point(*centre).buffer(1.0, quad_segs=8)
    return affinity.rotate(affinity.scale(circle, *semi_axes), angle, use_radians=False)


def _crowd_zones(outline: Geom, river: Geom, bank: Geom, rng: np.random.Generator) -> list[Geom]:
    """Zone shapes in CROWD_ZONES order, inside the outline and at least 600 m apart."""
    interior = np.array([outline.buffer(-800.0)], dtype=object)
    zones: list[Geom] = []
    for spec in CROWD_ZONES:
        if spec.semi_axes is None:
            # A 300 m deep, 2.6 km long stretch of the bank, midway along the river.
            mid = bank.interpolate(0.55, normalized=True).buffer(1300.0)
            strip = outline.intersection(river.buffer(300.0)).intersection(mid)
            zones.append(max(polygons(strip), key=lambda p: p.area))
            continue
        for _ in range(1000):
            centre = sample(interior, np.array([1]), rng)[0]
            zone = _ellipse(centre, spec.semi_axes, float(rng.uniform(0.0, 180.0)))
            if outline.contains(zone) and all(zone.distance(z) > 600.0 for z in zones):
                zones.append(zone)
                break
        else:
            raise RuntimeError(f"no room left for crowd zone {spec.code}")
    return zones


def _areas(outline: Geom, bank: Geom, rng: np.random.Generator) -> list[dict[str, Any]]:
    """Area rows, level by level, in local metres; codes number cells in reading order."""
    rows: list[dict[str, Any]] = []

    def add(
        code: str, level: str, name: str, name_en: str, parent: str | None, geometry: Geom
    ) -> None:
        rows.append(
            dict(
                code=code, level=level, name=name, name_en=name_en, parent=parent, geometry=geometry
            )
        )

    add(DISTRICT_CODE, "district", DISTRICT_NAME, DISTRICT_NAME_EN, None, outline)
    # Cut across the river's direction so every street gets a stretch of the bank.
    direction = np.subtract(*shapely.get_coordinates(bank)[[-1, 0]])
    streets = strips(outline, direction, len(STREETS))
    names = iter(place_names(COMMUNITIES_PER_STREET * len(streets), rng))
    communities: list[tuple[str, str, str, Geom]] = []
    for s, (street, (zh, en)) in enumerate(zip(streets, STREETS, strict=True), start=1):
        code = f"{DISTRICT_CODE}{s:02d}"
        add(code, "street", f"{zh}街道", f"{en} Street", DISTRICT_CODE, street)
        for c, cell in enumerate(tile(street, COMMUNITIES_PER_STREET, rng), start=1):
            zh_c, en_c = next(names)
            community = (f"{code}-C{c:02d}", f"{zh_c}社区", f"{en_c} Community")
            add(community[0], "community", community[1], community[2], code, cell)
            communities.append((*community, cell))

    grids: list[tuple[str, str, str, Geom]] = []
    grid_counts = apportion(
        GRID_COUNT, np.array([g.area for *_, g in communities]), MIN_GRIDS_PER_COMMUNITY
    )
    for (code, zh_c, en_c, cell), n in zip(communities, grid_counts, strict=True):
        for g, grid in enumerate(tile(cell, int(n), rng), start=1):
            labels = (f"{code}-G{g:02d}", f"{zh_c}第{g}网格", f"{en_c} Grid {g}")
            add(labels[0], "grid", labels[1], labels[2], code, grid)
            grids.append((*labels, grid))

    micro_counts = apportion(
        MICRO_GRID_COUNT, np.array([g.area for *_, g in grids]), MIN_MICRO_GRIDS_PER_GRID
    )
    for (code, zh_g, en_g, grid), n in zip(grids, micro_counts, strict=True):
        for m, micro in enumerate(tile(grid, int(n), rng), start=1):
            add(
                f"{code}-M{m}",
                "micro_grid",
                f"{zh_g}第{m}微网格",
                f"{en_g} Micro-grid {m}",
                code,
                micro,
            )
    return rows


def _buildings(micro: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
    counts = rng.integers(1, 6, size=len(micro))  # 1..5, about 3 per micro-grid
    xy = sample(np.asarray(micro.geometry.values, dtype=object), counts, rng)
    estates = [
        FIRST_SYLLABLES[a][0] + SECOND_SYLLABLES[b][0] + ESTATE_SUFFIXES[s]
        for a, b, s in zip(
            rng.integers(0, len(FIRST_SYLLABLES), len(micro)),
            rng.integers(0, len(SECOND_SYLLABLES), len(micro)),
            rng.integers(0, len(ESTATE_SUFFIXES), len(micro)),
            strict=True,
        )
    ]
    number = np.concatenate([np.arange(1, n + 1) for n in counts])
    estate = np.repeat(np.array(estates, dtype=object), counts)
    return pd.DataFrame(
        {
            "code": [f"{ADDRESS_PREFIX}-{i:06d}" for i in range(1, len(xy) + 1)],
            "micro_grid": np.repeat(micro["code"].to_numpy(), counts),
            "lon": xy[:, 0],
            "lat": xy[:, 1],
            "name": [f"{e}{k}幢" for e, k in zip(estate, number, strict=True)],
        }
    )


def _sensors(
    micro: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    per_zone = np.array([spec.counters for spec in CROWD_ZONES])
    zone_xy = sample(np.asarray(zones.geometry.values, dtype=object), per_zone, rng)
    zone_codes = np.repeat(zones["code"].to_numpy(), per_zone)
    ids = [
        f"crowd-{z}-{k:02d}"
        for z, n in zip(zones["code"], per_zone, strict=True)
        for k in range(1, n + 1)
    ]
    frames = [
        pd.DataFrame(
            {
                "id": ids,
                "kind": "crowd",
                "lon": zone_xy[:, 0],
                "lat": zone_xy[:, 1],
                "zone": zone_codes,
                "unit": "people",
            }
        )
    ]
    geoms = np.asarray(micro.geometry.values, dtype=object)
    for kind, prefix, unit, n in SITE_SENSORS:
        at = rng.choice(len(micro), size=n, replace=False)
        xy = sample(geoms[at], np.ones(n, dtype=np.int64), rng)
        frames.append(
            pd.DataFrame(
                {
                    "id": [f"{prefix}-{k:04d}" for k in range(1, n + 1)],
                    "kind": kind,
                    "lon": xy[:, 0],
                    "lat": xy[:, 1],
                    "zone": None,
                    "unit": unit,
                }
            )
        )
    sensors = pd.concat(frames, ignore_index=True)
    sensors["zone"] = _nullable(sensors["zone"], sensors.index)
    sensors["micro_grid"] = _nullable(
        GridIndex(micro).assign(sensors["lon"], sensors["lat"]), sensors.index
    )
    return sensors[["id", "kind", "lon", "lat", "zone", "micro_grid", "unit"]]


def _units(streets: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows: list[tuple[str, str, str, str, str | None]] = []
    for code, name, name_en in zip(
        streets["code"], streets["name"], streets["name_en"], strict=True
    ):
        short, short_en = name.removesuffix("街道"), name_en.removesuffix(" Street")
        rows.append(
            (f"{code}-GW", f"{name}网格员队伍", f"{name_en} grid workers", "grid_worker", code)
        )
        for k in range(1, int(rng.integers(3, 6)) + 1):
            rows.append(
                (
                    f"{code}-LE{k}",
                    f"{name}综合行政执法队第{CHINESE_NUMERALS[k - 1]}中队",
                    f"{name_en} law-enforcement squad {k}",
                    "law_enforcement",
                    code,
                )
            )
        for k, (zh, en) in enumerate(place_names(int(rng.integers(2, 5)), rng), start=1):
            rows.append(
                (
                    f"{code}-PM{k}",
                    f"{zh}物业服务有限公司",
                    f"{en} Property Services",
                    "property",
                    code,
                )
            )
        rows.append(
            (
                f"{code}-MED",
                f"{name}人民调解委员会",
                f"{name_en} People's Mediation Committee",
                "mediation",
                code,
            )
        )
        rows.append((f"{code}-PS", f"{short}派出所", f"{short_en} Police Station", "police", code))
    rows += [
        (f"{DISTRICT_CODE}-FIRE", "滨江消防救援站", "Binjiang Fire Station", "fire", None),
        (
            f"{DISTRICT_CODE}-EM",
            "区应急管理局",
            "District Emergency Management Bureau",
            "emergency",
            None,
        ),
        (
            f"{DISTRICT_CODE}-LAB",
            "区劳动保障监察大队",
            "District Labour Inspection Brigade",
            "labour",
            None,
        ),
        (
            f"{DISTRICT_CODE}-MKT",
            "区市场监督管理局",
            "District Market Regulation Bureau",
            "market",
            None,
        ),
    ]
    units = pd.DataFrame(rows, columns=["id", "name", "name_en", "kind", "street"])
    units["street"] = _nullable(units["street"], units.index)
    return units


def build_district(seed: int = 7) -> District:
    """Build the synthetic demo district; the same seed gives identical output."""
    rng = np.random.default_rng(seed)
    outline_lonlat = load_outline()
    centre = outline_lonlat.centroid
    frame = _Frame.around(centre.x, centre.y)
    outline = frame.to_local(outline_lonlat)
    bank = _riverbank(outline)
    # Buffer the real bank (the stretch of outline near the coarse bank line), not the
    # coarse line itself, so the band starts exactly at the district's edge.
    shore = outline.exterior.intersection(bank.buffer(400.0))
    river = max(polygons(shore.buffer(RIVER_WIDTH_M).difference(outline)), key=lambda p: p.area)

    rows = _areas(outline, bank, rng)
    areas = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    areas["parent"] = _nullable([row["parent"] for row in rows], areas.index)
    areas["geometry"] = frame.to_lonlat(np.asarray(areas.geometry.values, dtype=object))
    micro = areas[areas["level"] == "micro_grid"].reset_index(drop=True)

    zone_geoms = frame.to_lonlat(np.array(_crowd_zones(outline, river, bank, rng), dtype=object))
    zones = gpd.GeoDataFrame(
        {
            "code": [z.code for z in CROWD_ZONES],
            "name": [z.name for z in CROWD_ZONES],
            "name_en": [z.name_en for z in CROWD_ZONES],
            "capacity": [z.capacity for z in CROWD_ZONES],
        },
        geometry=list(zone_geoms),
        crs=CRS,
    )
    return District(
        areas=areas,
        buildings=_buildings(micro, rng),
        river=gpd.GeoDataFrame(
            {"name": ["钱塘江"], "name_en": ["Qiantang River"]},
            geometry=[frame.to_lonlat(river)],
            crs=CRS,
        ),
        crowd_zones=zones,
        sensors=_sensors(micro, zones, rng),
        units=_units(areas[areas["level"] == "street"], rng),
    )


def district_geojson(areas: gpd.GeoDataFrame, level: str, precision: int = 5) -> dict[str, Any]:
    """One level of `areas` as a compact GeoJSON FeatureCollection for the browser."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    rows = areas[areas["level"] == level]
    geoms = shapely.transform(
        np.asarray(rows.geometry.values, dtype=object), lambda c: np.round(c, precision)
    )
    # Rounding can make neighbouring vertices equal; drop the repeats.
    geoms = shapely.remove_repeated_points(geoms)
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": code,
                "name": name,
                "name_en": name_en,
                "parent": parent if isinstance(parent, str) else None,
            },
            "geometry": json.loads(text),
        }
        for code, name, name_en, parent, text in zip(
            rows["code"],
            rows["name"],
            rows["name_en"],
            rows["parent"],
            shapely.to_geojson(geoms),
            strict=True,
        )
    ]
    return {"type": "FeatureCollection", "features": features}
