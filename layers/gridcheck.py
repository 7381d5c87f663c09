"""Checks of an imported grid hierarchy before anything is written.

Takes the cells as a frame of code, level, name, name_en, parent and geometry in
WGS-84 and says what is wrong with them: codes missing or repeated, parents missing
or at the wrong level, geometries that are not polygons or not valid (repaired where
the repair keeps the area, listed otherwise), sibling cells that overlap or leave gaps
in their parent (shapely's coverage checks first, exact areas only where they fail),
and cells reaching outside their parent. Errors stop an import; warnings do not.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

LEVELS: Final = ("district", "street", "community", "grid", "micro_grid")
COLUMNS: Final = ("code", "level", "name", "name_en", "parent")

# Repairs that change a cell's area by more than this share are not safe: a bow-tie's
# "area" is near zero, its repair is two triangles; that needs a person to decide.
REPAIR_AREA_SHARE: Final = 0.01
OVERLAP_SHARE: Final = 0.001  # of the smaller cell: less is a digitising sliver
OUTSIDE_SHARE: Final = 0.01  # of the cell: less is the parent's edge drawn differently
GAP_SHARE: Final = 0.001  # of the parent
LISTED: Final = 50  # problems of one kind listed by code; the rest only counted

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Problem:
    kind: str
    code: str
    detail: str = ""


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, kind: str, code: str, detail: str = "") -> None:
        self.errors.append(Problem(kind, code, detail))

    def warn(self, kind: str, code: str, detail: str = "") -> None:
        self.warnings.append(Problem(kind, code, detail))

    def summary(self) -> dict[str, Any]:
        """Counts of every kind of problem, and the first codes of each: JSON-ready."""

        def group(items: list[Problem]) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for p in items:
                entry = out.setdefault(p.kind, {"count": 0, "items": []})
                entry["count"] += 1
                if len(entry["items"]) < LISTED:
                    entry["items"].append([p.code, p.detail])
            return out

        return {
            "counts": dict(self.counts),
            "errors": group(self.errors),
            "warnings": group(self.warnings),
            "repaired": {"count": len(self.repaired), "items": self.repaired[:LISTED]},
        }


def _objects(values: list[str | None]) -> pd.Series:
    # pandas 3 turns a str column's None into NaN; an object Series keeps None.
    return pd.Series([v or None for v in values], dtype=object)


def _m2_per_deg2(lat: float) -> float:
    return 111_320.0**2 * math.cos(math.radians(lat))


def _none(_stage: str, _done: int, _total: int) -> None:
    return None


def check(cells: gpd.GeoDataFrame, progress: Progress = _none) -> tuple[gpd.GeoDataFrame, Report]:
    """The cells with safe repairs made, and the report. Input in EPSG:4326."""
    report = Report()
    frame = cells.reset_index(drop=True).copy()
    for col in COLUMNS:
        frame[col] = _objects([v.strip() if isinstance(v, str) else None for v in frame[col]])
    frame["name"] = _objects([n or c for n, c in zip(frame["name"], frame["code"], strict=True)])
    frame["name_en"] = _objects(
        [n or c for n, c in zip(frame["name_en"], frame["name"], strict=True)]
    )
    _codes(frame, report)
    _geometries(frame, report)
    report.counts = {lv: int((frame["level"] == lv).sum()) for lv in LEVELS}
    if report.counts["micro_grid"] == 0:
        report.error("no_micro_grids", "", "")
    _parents(frame, report)
    if report.errors:  # coverage needs sound codes, parents and polygons
        return frame, report
    _coverage(frame, report, progress)
    return frame, report


def _codes(frame: gpd.GeoDataFrame, report: Report) -> None:
    for i, (code, level) in enumerate(zip(frame["code"], frame["level"], strict=True)):
        if code is None:
            report.error("missing_code", f"#{i + 1}", str(level or ""))
        elif len(code) > 64:
            report.error("code_too_long", code[:64])
        if level not in LEVELS:
            report.error("unknown_level", code or f"#{i + 1}", str(level))
    codes = frame["code"].dropna()
    for code in sorted(set(codes[codes.duplicated()])):
        report.error("duplicate_code", code, str(int((codes == code).sum())))
    for code, name in zip(frame["code"], frame["name"], strict=True):
        if code is not None and name is not None and len(name) > 100:
            report.error("name_too_long", code, name[:20])


def _geometries(frame: gpd.GeoDataFrame, report: Report) -> None:
    geoms = np.asarray(frame.geometry.values, dtype=object)
    for i, g in enumerate(geoms):
        code = frame.at[i, "code"] or f"#{i + 1}"
        if g is None or shapely.is_empty(g):
            report.error("no_geometry", code)
            continue
        if shapely.get_type_id(g) not in (3, 6):  # Polygon, MultiPolygon
            report.error("not_a_polygon", code, g.geom_type)
            continue
        if shapely.has_z(g):
            g = shapely.force_2d(g)
            geoms[i] = g
        if shapely.is_valid(g):
            continue
        reason = shapely.is_valid_reason(g)
        fixed = _polygonal(shapely.make_valid(g, method="structure"))
        area = float(shapely.area(g))
        if fixed is None or abs(float(fixed.area) - area) > REPAIR_AREA_SHARE * float(fixed.area):
            report.error("invalid_geometry", code, reason)
            continue
        geoms[i] = fixed
        report.repaired.append(code)
    frame["geometry"] = geoms


def _polygonal(g: Any) -> Any:
    parts = [p for p in shapely.get_parts(g) if shapely.get_type_id(p) in (3, 6)]
    if not parts:
        return None
    out = shapely.union_all(parts)
    return out if not out.is_empty and shapely.is_valid(out) else None


def _parents(frame: gpd.GeoDataFrame, report: Report) -> None:
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    level_of = dict(zip(frame["code"], frame["level"], strict=True))
    for code, level, parent in zip(frame["code"], frame["level"], frame["parent"], strict=True):
        if code is None or level not in rank:
            continue
        if level == "district":
            if parent is not None:
                report.error("district_has_parent", code, parent)
            continue
        if parent is None:
            report.error("missing_parent", code)
        elif parent not in level_of:
            report.error("unknown_parent", code, parent)
        elif rank.get(level_of[parent], 99) >= rank[level]:
            report.error("parent_not_above", code, f"{parent} ({level_of[parent]})")


def _coverage(frame: gpd.GeoDataFrame, report: Report, progress: Progress) -> None:
    geoms = np.asarray(frame.geometry.values, dtype=object)
    geom_of = dict(zip(frame["code"], geoms, strict=True))
    lat = float(np.mean(shapely.bounds(geoms)[:, [1, 3]]))
    m2 = _m2_per_deg2(lat)
    groups = frame.groupby("parent", sort=False).indices
    done = 0
    for parent, idx in groups.items():
        children = geoms[idx]
        codes = frame["code"].to_numpy()[idx]
        whole = geom_of[parent]
        inside = shapely.within(children, whole)
        areas = shapely.area(children)
        inner = areas.copy()
        for k in np.flatnonzero(~inside):
            inner[k] = shapely.area(shapely.intersection(children[k], whole))
            outside = areas[k] - inner[k]
            if outside > OUTSIDE_SHARE * areas[k]:
                report.error("outside_parent", codes[k], f"{parent}: {outside * m2:.0f} m2")
        # A valid coverage has no overlaps, so its union's area is the sum of its parts.
        covered = float(inner.sum())
        if not shapely.coverage_is_valid(children):
            _overlaps(children, codes, areas, report, m2)
            covered = float(shapely.area(shapely.intersection(shapely.union_all(children), whole)))
        gap = float(shapely.area(whole)) - covered
        if gap > GAP_SHARE * float(shapely.area(whole)):
            report.warn("gap", parent, f"{gap * m2:.0f} m2")
        done += len(idx)
        progress("checking", done, len(frame))
    progress("checking", len(frame), len(frame))


def _overlaps(children: Any, codes: Any, areas: Any, report: Report, m2: float) -> None:
    tree = shapely.STRtree(children)
    left, right = tree.query(children, predicate="intersects")
    keep = left < right
    for a, b in zip(left[keep], right[keep], strict=True):
        shared = float(shapely.area(shapely.intersection(children[a], children[b])))
        if shared > OVERLAP_SHARE * min(areas[a], areas[b]):
            report.error("overlap", codes[a], f"{codes[b]}: {shared * m2:.0f} m2")
