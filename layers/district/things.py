"""What sits in the cells: buildings, sensors and the units that respond."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.assign import GridIndex
from layers.district.model import (
    ADDRESS_PREFIX,
    CHINESE_NUMERALS,
    DISTRICT_CODE,
    SITE_SENSORS,
    nullable,
)
from layers.names import (
    CROWD_ZONES,
    ESTATE_SUFFIXES,
    FIRST_SYLLABLES,
    SECOND_SYLLABLES,
    place_names,
)
from layers.tiling import sample


def buildings(micro: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
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


def sensors(
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
    sensors["zone"] = nullable(sensors["zone"], sensors.index)
    sensors["micro_grid"] = nullable(
        GridIndex(micro).assign(sensors["lon"], sensors["lat"]), sensors.index
    )
    return sensors[["id", "kind", "lon", "lat", "zone", "micro_grid", "unit"]]


def units(streets: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
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
    units["street"] = nullable(units["street"], units.index)
    return units
