"""Import of a grid file: read, map, reproject, check, then write one version, or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import Engine, select

from feeds.geography import versions
from feeds.geography.files import FileProblem, parse_crs, parse_fields, read_frame, to_cells
from feeds.tables import units
from layers.gridcheck import Report, check

Progress = Callable[[str, int, int], None]
Announce = Callable[[int], None]
DISTRICT_CODE = "DISTRICT"


def _quiet(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass
class Outcome:
    """What an import found and did: a file problem, or a report (and maybe a version)."""

    source: str
    problem: FileProblem | None = None
    report: Report = field(default_factory=Report)
    notes: list[str] = field(default_factory=list)
    version: int | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.problem is None and self.report.ok

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "ok": self.ok,
            "dry_run": self.dry_run,
            "version": self.version,
            "notes": self.notes,
        }
        if self.problem is not None:
            out["problem"] = {"kind": self.problem.kind, "detail": self.problem.detail}
        return {**out, **self.report.summary()}


def _with_district(cells: gpd.GeoDataFrame, report: Report) -> gpd.GeoDataFrame:
    """A file without a district row: one made from the cells that have no parent."""
    if (cells["level"] == "district").any():
        return cells
    top = cells["parent"].isna() & cells["level"].notna()
    if not top.any():
        return cells
    outline = shapely.union_all(list(cells.geometry[top]))
    report.warn("district_made", DISTRICT_CODE, str(int(top.sum())))
    cells = cells.copy()
    cells.loc[top, "parent"] = DISTRICT_CODE
    row = gpd.GeoDataFrame(
        {
            "code": [DISTRICT_CODE],
            "level": ["district"],
            "name": ["区"],
            "name_en": ["District"],
            "parent": [None],
        },
        geometry=[outline],
        crs=cells.crs,
    )
    return gpd.GeoDataFrame(pd.concat([row, cells], ignore_index=True), crs=cells.crs)


def load(
    path: Path, fields: str | None, crs: str | None, progress: Progress = _quiet
) -> tuple[Outcome, gpd.GeoDataFrame | None]:
    """Read and check the file; the outcome so far and the checked cells (None on errors)."""
    outcome = Outcome(source=path.name)
    try:
        mapping = parse_fields(fields)
        target = parse_crs(crs)
        progress("reading", 0, 1)
        raw = read_frame(path)
        progress("reading", 1, 1)
        cells, outcome.notes = to_cells(raw, mapping, target)
    except FileProblem as problem:
        outcome.problem = problem
        return outcome, None
    pre = Report()
    cells = _with_district(cells, pre)
    checked, outcome.report = check(cells, progress)
    outcome.report.warnings[:0] = pre.warnings
    return outcome, checked if outcome.report.ok else None


def _units_missing(engine: Engine, checked: gpd.GeoDataFrame, report: Report) -> None:
    with engine.connect() as conn:
        served = set(conn.execute(select(units.c.street)).scalars())
    for code in checked.loc[checked["level"] == "street", "code"]:
        if code not in served:
            report.warn("street_without_units", code)


def import_grids(
    engine: Engine,
    path: Path,
    fields: str | None = None,
    crs: str | None = None,
    dry_run: bool = False,
    progress: Progress = _quiet,
    announce: Announce | None = None,
) -> Outcome:
    """Check the file and, unless told to only look, write it as a new version in one
    transaction; `announce(version)` runs after the commit."""
    outcome, checked = load(path, fields, crs, progress)
    outcome.dry_run = dry_run
    if checked is None:
        return outcome
    _units_missing(engine, checked, outcome.report)
    if dry_run:
        return outcome
    rows = versions.area_rows(checked)
    with engine.begin() as conn:
        outcome.version = versions.write(
            conn, rows, outcome.source, outcome.report.summary(), progress
        )
    if announce is not None:
        announce(outcome.version)
    return outcome
