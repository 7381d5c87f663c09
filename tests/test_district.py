from __future__ import annotations

import json
import re
from importlib.resources import files
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers.coords import gcj02_to_wgs84, in_china, wgs84_to_gcj02
from layers.district import LEVELS, District, build_district, district_geojson, load_outline

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
METRIC_CRS = "EPSG:32651"  # UTM 51N, which covers Hangzhou
REAL_STREET_NAMES = ("西兴", "长河", "浦沿")


def metric_area(frame: gpd.GeoDataFrame) -> Any:
    return frame.to_crs(METRIC_CRS).area


# --- coords -------------------------------------------------------------------------------

# (wgs lat, wgs lon, gcj lat, gcj lon): reference values from the eviltransform test suite.
REFERENCE_POINTS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


@pytest.mark.parametrize(("wgs_lat", "wgs_lon", "gcj_lat", "gcj_lon"), REFERENCE_POINTS)
def test_gcj02_matches_reference_values(
    wgs_lat: float, wgs_lon: float, gcj_lat: float, gcj_lon: float
) -> None:
    lon, lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
    assert (float(lon), float(lat)) == pytest.approx((gcj_lon, gcj_lat), abs=1e-9)
    lon, lat = gcj02_to_wgs84(gcj_lon, gcj_lat)
    assert (float(lon), float(lat)) == pytest.approx((wgs_lon, wgs_lat), abs=1e-9)


def test_gcj02_round_trips_in_hangzhou() -> None:
    rng = np.random.default_rng(1)
    lon = rng.uniform(119.8, 120.6, 5000)
    lat = rng.uniform(29.9, 30.6, 5000)
    glon, glat = wgs84_to_gcj02(lon, lat)
    # The offset in Hangzhou is a few hundred metres, so the round trip means something.
    assert np.all(np.hypot(glon - lon, glat - lat) > 0.002)
    back_lon, back_lat = gcj02_to_wgs84(glon, glat)
    assert np.max(np.abs(back_lon - lon)) < 1e-6
    assert np.max(np.abs(back_lat - lat)) < 1e-6


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(-0.1276, 51.5072), (-74.006, 40.7128), (151.2093, -33.8688), (139.6917, 35.6895)],
)
def test_points_outside_china_are_unchanged(lon: float, lat: float) -> None:
    assert not in_china(lon, lat)
    assert tuple(map(float, gcj02_to_wgs84(lon, lat))) == (lon, lat)
    assert tuple(map(float, wgs84_to_gcj02(lon, lat))) == (lon, lat)


def test_conversion_keeps_array_shape_and_mixes_inside_and_outside() -> None:
    lon = np.array([[120.2, -0.1276], [116.4, 151.2]])
    lat = np.array([[30.2, 51.5072], [39.9, -33.9]])
    wlon, wlat = gcj02_to_wgs84(lon, lat)
    assert wlon.shape == wlat.shape == (2, 2)
    assert wlon[0, 1] == lon[0, 1] and wlat[1, 1] == lat[1, 1]
    assert wlon[0, 0] != lon[0, 0] and wlat[1, 0] != lat[1, 0]
    empty_lon, empty_lat = gcj02_to_wgs84(np.array([]), np.array([]))
    assert empty_lon.size == empty_lat.size == 0


# --- the real outline -------------------------------------------------------------------


def test_outline_file_is_small_credited_and_binjiang_sized() -> None:
    path = files("layers").joinpath("data/binjiang.geojson")
    raw = path.read_bytes()
    assert len(raw) < 100_000
    feature = json.loads(raw)["features"][0]
    assert feature["properties"]["name"] == "滨江区"
    assert feature["properties"]["adcode"] == "330108"
    assert "GCJ-02 to WGS-84" in feature["properties"]["source"]
    outline = load_outline()
    assert outline.is_valid and outline.geom_type == "Polygon"
    area_km2 = metric_area(gpd.GeoDataFrame(geometry=[outline], crs="EPSG:4326")).iloc[0] / 1e6
    assert 65 < area_km2 < 78  # Binjiang is about 72 km²
    # In WGS-84 the district sits a few hundred metres south-west of its GCJ-02 drawing.
    assert outline.centroid.x == pytest.approx(120.176, abs=0.01)
    assert outline.centroid.y == pytest.approx(30.190, abs=0.01)


# --- areas --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "low", "high"),
    [
        ("district", 1, 1),
        ("street", 3, 3),
        ("community", 50, 70),
        ("grid", 480, 530),
        ("micro_grid", 2900, 3300),
    ],
)
def test_level_counts(district: District, level: str, low: int, high: int) -> None:
    assert low <= len(district.level(level)) <= high


def test_district_row(district: District) -> None:
    row = district.level("district").iloc[0]
    assert (row["code"], row["name"], row["name_en"]) == (
        "BJ",
        "滨江区（演示·合成网格）",
        "Binjiang (demo, synthetic grids)",
    )
    assert row["parent"] is None
    assert district.areas.crs.to_epsg() == 4326
    assert list(district.areas.columns) == [
        "code",
        "level",
        "name",
        "name_en",
        "parent",
        "geometry",
    ]


def test_codes_are_unique_and_well_formed(district: District) -> None:
    codes = district.areas["code"]
    assert codes.is_unique
    assert all(CODE.match(c) for c in codes)


@pytest.mark.parametrize(
    ("level", "pattern"),
    [
        ("street", r"^BJ\d{2}$"),
        ("community", r"^BJ\d{2}-C\d{2}$"),
        ("grid", r"^BJ\d{2}-C\d{2}-G\d{2}$"),
        ("micro_grid", r"^BJ\d{2}-C\d{2}-G\d{2}-M\d+$"),
    ],
)
def test_codes_are_hierarchical(district: District, level: str, pattern: str) -> None:
    children = district.level(level)
    parent_level = LEVELS[LEVELS.index(level) - 1]
    level_of = dict(zip(district.areas["code"], district.areas["level"], strict=True))
    for code, parent in zip(children["code"], children["parent"], strict=True):
        assert re.match(pattern, code), code
        assert level_of[parent] == parent_level
        assert code.startswith(parent)


@pytest.mark.parametrize("level", LEVELS[1:])
def test_children_tile_their_parent(district: District, level: str) -> None:
    children = district.level(level)
    assert children.is_valid.all()
    assert not children.is_empty.any()
    assert set(children.geom_type) <= {"Polygon", "MultiPolygon"}
    parents = district.areas.set_index("code").geometry
    for parent_code, group in children.groupby("parent"):
        parent = parents[parent_code]
        geoms = np.asarray(group.geometry.values)
        # Equal sums rule out gaps; an equal union rules out overlaps.
        assert shapely.area(geoms).sum() == pytest.approx(parent.area, rel=1e-9)
        assert shapely.union_all(geoms).area == pytest.approx(parent.area, rel=1e-9)
        assert shapely.intersection(parent, shapely.union_all(geoms)).area == pytest.approx(
            parent.area, rel=1e-9
        )


def test_streets_are_contiguous_and_about_equal(district: District) -> None:
    streets = district.level("street")
    assert set(streets.geom_type) == {"Polygon"}
    shares = metric_area(streets) / metric_area(district.level("district")).iloc[0]
    assert np.allclose(shares, 1 / 3, atol=0.02)


def test_names_are_invented_and_read_like_chinese_ones(district: District) -> None:
    areas = district.areas
    assert not areas["name"].str.contains("|".join(REAL_STREET_NAMES)).any()
    streets = district.level("street")
    assert streets["name"].is_unique and streets["name"].str.endswith("街道").all()
    communities = district.level("community")
    assert communities["name"].is_unique
    assert communities["name"].str.fullmatch(r"[\u4e00-\u9fff]{2}社区").all()
    assert communities["name_en"].str.fullmatch(r"[A-Z][a-z']+ Community").all()
    name_of = dict(zip(areas["code"], areas["name"], strict=True))
    for level, suffix, en in [
        ("grid", r"第(\d+)网格", r"Grid (\d+)"),
        ("micro_grid", r"第(\d+)微网格", r"Micro-grid (\d+)"),
    ]:
        for row in district.level(level).itertuples():
            number = row.code.rsplit("-", 1)[1][1:].lstrip("0")
            zh_match = re.fullmatch(re.escape(name_of[row.parent]) + suffix, row.name)
            en_match = re.search(en + "$", row.name_en)
            assert zh_match and zh_match.group(1) == number, row.name
            assert en_match and en_match.group(1) == number, row.name_en


def test_same_seed_same_district(district: District) -> None:
    # the session's district is seed 7's: built once more here, and once with another seed
    first = district
    again = build_district(7)
    other = build_district(8)
    for name in ("areas", "river", "crowd_zones"):
        a, b = getattr(first, name), getattr(again, name)
        assert a.drop(columns="geometry").equals(b.drop(columns="geometry"))
        assert list(shapely.to_wkb(a.geometry.values)) == list(shapely.to_wkb(b.geometry.values))
    for name in ("buildings", "sensors", "units"):
        assert getattr(first, name).equals(getattr(again, name))
    assert not first.buildings[["lon", "lat"]].equals(other.buildings[["lon", "lat"]])
    assert not shapely.equals(
        first.level("grid").geometry.values, other.level("grid").geometry.values
    ).all()


# --- buildings ----------------------------------------------------------------------------


def test_buildings_are_coded_and_inside_their_micro_grid(district: District) -> None:
    buildings = district.buildings
    assert list(buildings.columns) == ["code", "micro_grid", "lon", "lat", "name"]
    assert buildings["code"].is_unique
    assert buildings["code"].str.fullmatch(r"330108-\d{6}").all()
    micro = district.level("micro_grid").set_index("code").geometry
    assert set(buildings["micro_grid"]) == set(micro.index)  # every micro-grid has one
    assert 2.5 < len(buildings) / len(micro) < 3.5
    polygons = np.asarray(micro.loc[buildings["micro_grid"]].values)
    assert shapely.contains_xy(polygons, buildings["lon"], buildings["lat"]).all()
    assert buildings["name"].str.fullmatch(r"[\u4e00-\u9fff]+\d+幢").all()


# --- river and crowd zones ----------------------------------------------------------------


def test_river_is_a_band_along_the_north_west_edge(district: District) -> None:
    river = district.river
    assert len(river) == 1 and river.geom_type.iloc[0] == "Polygon"
    band = river.geometry.iloc[0]
    outline = district.level("district").geometry.iloc[0]
    assert band.intersection(outline).area < 1e-6 * band.area
    assert band.distance(outline) < 1e-9
    assert band.centroid.x < outline.centroid.x and band.centroid.y > outline.centroid.y
    area_km2 = metric_area(river).iloc[0] / 1e6
    assert 4 < area_km2 < 20  # ~800 m wide along 10-15 km of bank


def test_crowd_zones(district: District) -> None:
    zones = district.crowd_zones
    assert 6 <= len(zones) <= 10
    assert list(zones["code"]) == [f"Z{k:02d}" for k in range(1, len(zones) + 1)]
    assert zones.is_valid.all() and (zones["capacity"] > 0).all()
    outline = district.level("district").geometry.iloc[0]
    assert all(outline.buffer(1e-9).contains(z) for z in zones.geometry)
    geoms = np.asarray(zones.geometry.values)
    assert shapely.union_all(geoms).area == pytest.approx(shapely.area(geoms).sum(), rel=1e-9)
    fireworks = zones.iloc[0]
    assert fireworks["capacity"] == 250_000
    assert fireworks.geometry.distance(district.river.geometry.iloc[0]) < 1e-9
    assert (zones["capacity"] == 40_000).sum() == 1  # the shopping district
    metric = metric_area(zones)
    assert metric.max() < 2e6  # nothing bigger than 2 km²


# --- sensors and units --------------------------------------------------------------------

SENSOR_KINDS = {
    "crowd": "people",
    "gas": "ppm",
    "fume": "mg/m3",
    "muck_truck": "alarm",
    "ebike_charging": "V",
}


@pytest.mark.parametrize(
    ("kind", "low", "high"),
    [
        ("crowd", 30, 50),
        ("gas", 30, 30),
        ("fume", 60, 60),
        ("muck_truck", 20, 20),
        ("ebike_charging", 80, 80),
    ],
)
def test_sensor_counts(district: District, kind: str, low: int, high: int) -> None:
    assert low <= (district.sensors["kind"] == kind).sum() <= high


def test_sensors_are_placed_and_labelled(district: District) -> None:
    sensors = district.sensors
    assert list(sensors.columns) == ["id", "kind", "lon", "lat", "zone", "micro_grid", "unit"]
    assert sensors["id"].is_unique and all(CODE.match(i) for i in sensors["id"])
    assert (sensors["unit"] == sensors["kind"].map(SENSOR_KINDS)).all()
    micro = district.level("micro_grid").set_index("code").geometry
    polygons = np.asarray(micro.loc[sensors["micro_grid"]].values)
    assert shapely.contains_xy(polygons, sensors["lon"], sensors["lat"]).all()
    crowd = sensors[sensors["kind"] == "crowd"]
    assert crowd["id"].str.fullmatch(r"crowd-Z\d{2}-\d{2}").all()
    zone_of = district.crowd_zones.set_index("code").geometry
    assert shapely.contains_xy(
        np.asarray(zone_of.loc[crowd["zone"]].values), crowd["lon"], crowd["lat"]
    ).all()
    per_zone = crowd["zone"].value_counts()
    assert set(per_zone.index) == set(zone_of.index)
    assert per_zone.between(3, 8).all()
    assert sensors.loc[sensors["kind"] != "crowd", "zone"].map(lambda z: z is None).all()


def test_units_per_street_and_district_wide(district: District) -> None:
    units = district.units
    assert list(units.columns) == ["id", "name", "name_en", "kind", "street"]
    assert units["id"].is_unique and all(CODE.match(i) for i in units["id"])
    for street in district.level("street")["code"]:
        kinds = units.loc[units["street"] == street, "kind"].value_counts()
        assert kinds["grid_worker"] == kinds["mediation"] == kinds["police"] == 1
        assert 3 <= kinds["law_enforcement"] <= 5
        assert 2 <= kinds["property"] <= 4
    district_wide = units[units["street"].map(lambda s: s is None)]
    assert sorted(district_wide["kind"]) == ["emergency", "fire", "labour", "market"]


# --- GeoJSON for the browser --------------------------------------------------------------


def test_micro_grid_geojson_is_small_enough_to_ship(district: District) -> None:
    collection = district_geojson(district.areas, "micro_grid")
    assert len(collection["features"]) == len(district.level("micro_grid"))
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    assert len(text.encode()) < 1_200_000
    first = collection["features"][0]
    assert set(first["properties"]) == {"code", "name", "name_en", "parent"}
    assert first["geometry"]["type"] in {"Polygon", "MultiPolygon"}


@pytest.mark.parametrize("precision", [3, 5, 6])
def test_geojson_coordinates_are_rounded(district: District, precision: int) -> None:
    collection = district_geojson(district.areas, "grid", precision=precision)
    geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in collection["features"]])
    coords = shapely.get_coordinates(geoms)
    scaled = coords * 10**precision
    assert np.allclose(scaled, np.round(scaled), atol=1e-6)
    assert (shapely.area(geoms) > 0).all()


def test_geojson_of_district_level_and_unknown_level(district: District) -> None:
    collection = district_geojson(district.areas, "district")
    assert [f["properties"]["parent"] for f in collection["features"]] == [None]
    assert json.loads(json.dumps(collection)) == collection  # plain JSON types only
    with pytest.raises(ValueError, match="unknown level"):
        district_geojson(district.areas, "province")
