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
import numpy.typing as npt
import pandas as pd
import shapely
from shapely import affinity
from shapely.geometry import shape

from layers.assign import GridIndex

Geom = Any  # shapely ships no type information
GeomArray = npt.NDArray[np.object_]
XY = npt.NDArray[np.float64]

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

STREETS: Final = (("江澄", "Jiangcheng"), ("望潮", "Wangchao"), ("云栖", "Yunqi"))
# Invented two-syllable place names; none of them makes 西兴, 长河 or 浦沿.
FIRST_SYLLABLES: Final = (
    ("星", "Xing"),
    ("钱", "Qian"),
    ("江", "Jiang"),
    ("云", "Yun"),
    ("望", "Wang"),
    ("春", "Chun"),
    ("明", "Ming"),
    ("锦", "Jin"),
    ("翠", "Cui"),
    ("金", "Jin"),
    ("和", "He"),
    ("东", "Dong"),
    ("新", "Xin"),
    ("文", "Wen"),
    ("华", "Hua"),
    ("晓", "Xiao"),
    ("月", "Yue"),
    ("丹", "Dan"),
    ("青", "Qing"),
    ("彩", "Cai"),
)
SECOND_SYLLABLES: Final = (
    ("光", "guang"),
    ("塘", "tang"),
    ("晖", "hui"),
    ("苑", "yuan"),
    ("湾", "wan"),
    ("岸", "an"),
    ("园", "yuan"),
    ("桥", "qiao"),
    ("庭", "ting"),
    ("澜", "lan"),
    ("桂", "gui"),
    ("枫", "feng"),
    ("汀", "ting"),
    ("溪", "xi"),
    ("舟", "zhou"),
)
ESTATE_SUFFIXES: Final = ("花园", "家园", "公寓", "苑", "府", "大厦", "新村", "名邸")


@dataclass(frozen=True)
class ZoneSpec:
    """A crowd zone to lay out: an ellipse of `semi_axes` metres, or the riverside strip."""

    code: str
    name: str
    name_en: str
    capacity: int  # people
    counters: int  # crowd-counting sensors inside it
    semi_axes: tuple[float, float] | None  # None: a strip along the river bank


# The real fireworks night drew 300,000 to one riverside spot, so Z01 will overflow.
CROWD_ZONES: Final = (
    ZoneSpec("Z01", "江畔烟花观赏区", "Riverside fireworks viewing zone", 250_000, 8, None),
    ZoneSpec("Z02", "星汇商圈", "Xinghui shopping district", 40_000, 6, (450, 300)),
    ZoneSpec("Z03", "望潮路地铁枢纽", "Wangchao Road metro hub", 12_000, 4, (260, 200)),
    ZoneSpec("Z04", "江澄体育公园", "Jiangcheng sports park", 30_000, 5, (520, 350)),
    ZoneSpec("Z05", "钱澜会展中心", "Qianlan exhibition centre", 25_000, 5, (400, 300)),
    ZoneSpec("Z06", "星河科创园", "Xinghe tech park", 35_000, 5, (600, 400)),
    ZoneSpec("Z07", "望江美食街", "Wangjiang food street", 8_000, 4, (380, 120)),
    ZoneSpec("Z08", "江澄人民医院", "Jiangcheng People's Hospital", 6_000, 3, (220, 160)),
)
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


def _sample(polys: GeomArray, counts: npt.NDArray[np.int64], rng: np.random.Generator) -> XY:
    """`counts[i]` random points strictly inside `polys[i]`, grouped by polygon."""
    owner = np.repeat(np.arange(len(polys)), counts)
    out = np.empty((owner.size, 2))
    bounds = shapely.bounds(polys)
    todo = np.arange(owner.size)
    while todo.size:
        b = bounds[owner[todo]]
        x = rng.uniform(b[:, 0], b[:, 2])
        y = rng.uniform(b[:, 1], b[:, 3])
        ok = shapely.contains_xy(polys[owner[todo]], x, y)
        out[todo[ok]] = np.column_stack([x[ok], y[ok]])
        todo = todo[~ok]
    return out


def _voronoi(seeds: XY, parent: Geom) -> GeomArray:
    diagram = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=parent, ordered=True)
    cells = shapely.get_parts(diagram)
    if len(cells) != len(seeds):
        raise RuntimeError("Voronoi lost a seed; seeds must be distinct")
    return np.asarray(shapely.intersection(cells, parent), dtype=object)


def _centres(cells: GeomArray, parent: Geom) -> XY:
    centres = shapely.centroid(cells)
    # A concave parent can put a centroid outside; move it back in.
    outside = ~shapely.contains(parent, centres)
    centres[outside] = shapely.point_on_surface(cells[outside])
    xy: XY = shapely.get_coordinates(centres)
    return xy


def _reading_order(seeds: XY, parent: Geom) -> XY:
    """Rows from north to south, west to east within a row: how people count cells."""
    row_height = math.sqrt(parent.area / len(seeds))
    rows = np.floor((seeds[:, 1].max() - seeds[:, 1]) / row_height)
    return seeds[np.lexsort((seeds[:, 0], rows))]


def _polygons(geom: Geom) -> list[Geom]:
    return [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > 0]


def _single_parts(cells: GeomArray) -> GeomArray:
    """Give each stray fragment of a clipped cell to the neighbour it shares most edge with."""
    out = cells.copy()
    fragments: list[Geom] = []
    for i, cell in enumerate(cells):
        parts = sorted(_polygons(cell), key=lambda p: -p.area)
        out[i] = parts[0]
        fragments.extend(parts[1:])
    for fragment in fragments:
        shared = shapely.length(shapely.intersection(shapely.boundary(out), fragment.boundary))
        j = int(np.argmax(shared))
        out[j] = shapely.union(out[j], fragment)
    return out


def _tile(parent: Geom, n: int, rng: np.random.Generator, relax: int = 2) -> GeomArray:
    """Cut `parent` into `n` compact cells that cover it exactly (Lloyd-relaxed Voronoi)."""
    if n == 1:
        return np.array([parent], dtype=object)
    seeds = _sample(np.array([parent], dtype=object), np.array([n]), rng)
    for _ in range(relax):
        seeds = _centres(_voronoi(seeds, parent), parent)
    return _single_parts(_voronoi(_reading_order(seeds, parent), parent))


def _strips(parent: Geom, direction: XY, k: int) -> list[Geom]:
    """Cut `parent` across `direction` into `k` pieces of equal area."""
    d = direction / np.hypot(*direction)
    normal = np.array([-d[1], d[0]])
    along = shapely.get_coordinates(parent) @ d
    reach = float(np.ptp(along)) * 4 + 1.0

    def before(t: float) -> Geom:
        corners = [
            t * d - reach * normal,
            t * d + reach * normal,
            (t - reach) * d + reach * normal,
            (t - reach) * d - reach * normal,
        ]
        return shapely.Polygon(corners)

    pieces: list[Geom] = []
    rest = parent
    for i in range(1, k):
        target = parent.area * i / k
        lo, hi = float(along.min()), float(along.max())
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if parent.intersection(before(mid)).area < target else (lo, mid)
        cut = before((lo + hi) / 2)
        pieces.append(rest.intersection(cut))
        rest = rest.difference(cut)
    pieces.append(rest)
    # A cut through the ragged southern edge can leave a sliver on the wrong side.
    return list(_single_parts(np.array(pieces, dtype=object)))


def _apportion(total: int, weights: npt.NDArray[np.float64], minimum: int) -> npt.NDArray[np.int64]:
    """Split `total` in proportion to `weights` (largest remainder), at least `minimum` each."""
    spare = total - minimum * len(weights)
    share = spare * weights / weights.sum()
    counts: npt.NDArray[np.int64] = minimum + np.floor(share).astype(np.int64)
    left = total - int(counts.sum())
    counts[np.argsort(-(share - np.floor(share)), kind="stable")[:left]] += 1
    return counts


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
            zones.append(max(_polygons(strip), key=lambda p: p.area))
            continue
        for _ in range(1000):
            centre = _sample(interior, np.array([1]), rng)[0]
            zone = _ellipse(centre, spec.semi_axes, float(rng.uniform(0.0, 180.0)))
            if outline.contains(zone) and all(zone.distance(z) > 600.0 for z in zones):
                zones.append(zone)
                break
        else:
            raise RuntimeError(f"no room left for crowd zone {spec.code}")
    return zones


def _place_names(count: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    """`count` distinct invented two-syllable names, (zh-CN, pinyin)."""
    picked = rng.choice(len(FIRST_SYLLABLES) * len(SECOND_SYLLABLES), size=count, replace=False)
    names = []
    for k in picked:
        first, second = divmod(int(k), len(SECOND_SYLLABLES))
        (zh1, en1), (zh2, en2) = FIRST_SYLLABLES[first], SECOND_SYLLABLES[second]
        joiner = "'" if en2[0] in "aeo" else ""  # pinyin writes Jiang'an, not Jiangan
        names.append((zh1 + zh2, en1 + joiner + en2))
    return names


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
    streets = _strips(outline, direction, len(STREETS))
    names = iter(_place_names(COMMUNITIES_PER_STREET * len(streets), rng))
    communities: list[tuple[str, str, str, Geom]] = []
    for s, (street, (zh, en)) in enumerate(zip(streets, STREETS, strict=True), start=1):
        code = f"{DISTRICT_CODE}{s:02d}"
        add(code, "street", f"{zh}街道", f"{en} Street", DISTRICT_CODE, street)
        for c, cell in enumerate(_tile(street, COMMUNITIES_PER_STREET, rng), start=1):
            zh_c, en_c = next(names)
            community = (f"{code}-C{c:02d}", f"{zh_c}社区", f"{en_c} Community")
            add(community[0], "community", community[1], community[2], code, cell)
            communities.append((*community, cell))

    grids: list[tuple[str, str, str, Geom]] = []
    grid_counts = _apportion(
        GRID_COUNT, np.array([g.area for *_, g in communities]), MIN_GRIDS_PER_COMMUNITY
    )
    for (code, zh_c, en_c, cell), n in zip(communities, grid_counts, strict=True):
        for g, grid in enumerate(_tile(cell, int(n), rng), start=1):
            labels = (f"{code}-G{g:02d}", f"{zh_c}第{g}网格", f"{en_c} Grid {g}")
            add(labels[0], "grid", labels[1], labels[2], code, grid)
            grids.append((*labels, grid))

    micro_counts = _apportion(
        MICRO_GRID_COUNT, np.array([g.area for *_, g in grids]), MIN_MICRO_GRIDS_PER_GRID
    )
    for (code, zh_g, en_g, grid), n in zip(grids, micro_counts, strict=True):
        for m, micro in enumerate(_tile(grid, int(n), rng), start=1):
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
    xy = _sample(np.asarray(micro.geometry.values, dtype=object), counts, rng)
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
    zone_xy = _sample(np.asarray(zones.geometry.values, dtype=object), per_zone, rng)
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
        xy = _sample(geoms[at], np.ones(n, dtype=np.int64), rng)
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
        for k, (zh, en) in enumerate(_place_names(int(rng.integers(2, 5)), rng), start=1):
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
    river = max(_polygons(shore.buffer(RIVER_WIDTH_M).difference(outline)), key=lambda p: p.area)

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
