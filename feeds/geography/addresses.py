"""Import of the address register: code, address text, position; each into its micro-grid.

CSV (columns code, address, lon, lat; `name` for address also accepted; optionally
`verified_at`, the date the register last confirmed the address) or a point
GeoPackage / GeoJSON. Every address is placed by point-in-polygon in the current
micro-grids (one vectorised query); one just outside them (within NEAR_DEG) goes to the
nearest. Written all at once or not at all; `buildings` is upserted by code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyogrio
import shapely
from sqlalchemy import Engine, select

from feeds import freshness, store
from feeds.geography import versions
from feeds.geography.files import FileProblem, parse_crs, read_frame
from feeds.geography.grids import Outcome
from feeds.tables import areas, buildings
from layers.coords import to_wgs84

Progress = Callable[[str, int, int], None]
Announce = Callable[[int], None]
NEAR_DEG: Final = 0.001  # ~100 m: an address this close to a micro-grid goes into it
CHUNK: Final = 20_000
ALIASES: Final = {
    "address": ("address", "name", "addr", "dz", "地址"),
    "code": ("code", "dm", "编码"),
}
# when the register last confirmed the address (building data freshness, feeds/freshness.py)
DATE_ALIASES: Final = ("verified_at", "updated_at", "核实时间", "更新时间")


def _quiet(_stage: str, _done: int, _total: int) -> None:
    return None


def _column(frame: pd.DataFrame, what: str) -> str:
    lower = {str(c).lower(): str(c) for c in frame.columns}
    for name in ALIASES[what]:
        if name in lower:
            return lower[name]
    raise FileProblem("missing_field", what)


def read(path: Path) -> pd.DataFrame:
    """code, address, lon, lat as read (positions in the file's coordinate system)."""
    if path.suffix.lower() == ".csv":
        if not path.exists():
            raise FileProblem("no_file", str(path))
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            kind = "empty" if "No columns" in str(exc) else "unreadable"
            raise FileProblem(kind, str(exc)) from exc
        lower = {str(c).lower(): str(c) for c in frame.columns}
        if "lon" not in lower or "lat" not in lower:
            raise FileProblem("missing_field", "lon, lat")
        lon = pd.to_numeric(frame[lower["lon"]], errors="coerce").to_numpy(np.float64)
        lat = pd.to_numeric(frame[lower["lat"]], errors="coerce").to_numpy(np.float64)
    else:
        frame = read_frame(path)
        if frame.crs is not None and not frame.crs.is_geographic:
            frame = frame.to_crs("EPSG:4326")
        points = np.asarray(frame.geometry.values, dtype=object)
        points = shapely.point_on_surface(points)
        lon, lat = shapely.get_x(points), shapely.get_y(points)
    if frame.empty:
        raise FileProblem("empty", str(path))
    return pd.DataFrame(
        {
            "code": frame[_column(frame, "code")].astype(str).str.strip().to_numpy(),
            "address": frame[_column(frame, "address")].astype(str).str.strip().to_numpy(),
            "lon": lon,
            "lat": lat,
            "verified_at": _dates(frame),
        }
    )


def _dates(frame: pd.DataFrame) -> pd.Series:
    """The optional date column as text ("" where absent): parsed in `verified_ms`."""
    lower = {str(c).lower(): str(c) for c in frame.columns}
    name = next((lower[n] for n in DATE_ALIASES if n in lower), None)
    if name is None:
        return pd.Series([""] * len(frame), dtype=str)
    raw = frame[name].astype(str).str.strip()
    return raw.mask(raw.isin(["nan", "NaT", "None"]), "").reset_index(drop=True)


def verified_ms(text: pd.Series) -> np.ndarray:
    """Epoch ms of each date (YYYY-MM-DD, an ISO time, or epoch ms); -1 where empty, -2
    where it cannot be read. A date without a zone is taken as UTC: hours do not matter
    against six months."""
    out = np.full(len(text), -1, dtype=np.int64)
    digits = text.str.fullmatch(r"\d{12,14}").to_numpy(dtype=bool)
    out[digits] = text[digits].astype(np.int64).to_numpy()
    rest = ((text != "") & ~digits).to_numpy(dtype=bool)
    if rest.any():
        parsed = pd.to_datetime(text[rest], errors="coerce", utc=True, format="ISO8601")
        ms = (parsed - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(milliseconds=1)
        out[rest] = ms.fillna(-2).astype(np.int64).to_numpy()
    return out


def _check(frame: pd.DataFrame, outcome: Outcome) -> None:
    report = outcome.report
    code = frame["code"]
    for i in np.flatnonzero((code == "") | (code == "nan")):
        report.error("missing_code", f"#{i + 2}")
    for c in sorted(set(code[code.duplicated() & (code != "")])):
        report.error("duplicate_code", c)
    for c in code[code.str.len() > 64]:
        report.error("code_too_long", c[:64])
    for c in code[(frame["address"] == "") | (frame["address"] == "nan")]:
        report.error("missing_address", c)
    for c in code[frame["address"].str.len() > 100]:
        report.error("address_too_long", c)
    bad = ~np.isfinite(frame["lon"]) | ~np.isfinite(frame["lat"])
    bad |= (frame["lon"].abs() > 180) | (frame["lat"].abs() > 90)
    for c in code[bad]:
        report.error("missing_position", c)
    for c in code[verified_ms(frame["verified_at"]) == -2]:
        report.error("bad_date", c)


def import_addresses(
    engine: Engine,
    path: Path,
    crs: str | None = None,
    dry_run: bool = False,
    progress: Progress = _quiet,
    announce: Announce | None = None,
) -> Outcome:
    outcome = Outcome(source=path.name, dry_run=dry_run)
    try:
        target = parse_crs(crs)
        progress("reading", 0, 1)
        frame = read(path)
        progress("reading", 1, 1)
    except (FileProblem, pyogrio.errors.DataSourceError) as problem:
        outcome.problem = (
            problem if isinstance(problem, FileProblem) else FileProblem("unreadable", str(problem))
        )
        return outcome
    if target in ("gcj02", "bd09"):
        x, y = to_wgs84(frame["lon"].to_numpy(), frame["lat"].to_numpy(), str(target))
        frame["lon"], frame["lat"] = x, y
    outcome.report.counts = {"addresses": len(frame)}
    _check(frame, outcome)
    if not outcome.report.ok:
        return outcome
    with engine.connect() as conn:
        cells = [dict(r._mapping) for r in conn.execute(select(areas))]
        version = versions.current(conn)
    index = versions.micro_index(cells)
    lon, lat = frame["lon"].to_numpy(), frame["lat"].to_numpy()
    progress("placing", 0, len(frame))
    micro = index.assign(lon, lat)
    lost = np.flatnonzero(np.array([c is None for c in micro], dtype=bool))
    if lost.size:
        near = index.nearest(lon[lost], lat[lost])
        geom_of = {c["code"]: c["geometry"] for c in cells if c["level"] == "micro_grid"}
        far = shapely.distance(
            shapely.from_geojson([geom_of[c] for c in near]), shapely.points(lon[lost], lat[lost])
        )
        for k, cell, d in zip(lost, near, far, strict=True):
            if d <= NEAR_DEG:
                micro[k] = cell
                outcome.report.warn("outside_cells", frame["code"].iat[k], f"-> {cell}")
            else:
                outcome.report.error("outside_cells", frame["code"].iat[k])
    progress("placing", len(frame), len(frame))
    if not outcome.report.ok or dry_run:
        return outcome
    rows = [
        {
            "code": c,
            "micro_grid": m,
            "name": a,
            "lon": round(float(x), 7),
            "lat": round(float(y), 7),
        }
        for c, m, a, x, y in zip(frame["code"], micro, frame["address"], lon, lat, strict=True)
    ]
    when = verified_ms(frame["verified_at"])
    dated = [(c, int(t), "import") for c, t in zip(frame["code"], when, strict=True) if t >= 0]
    with engine.begin() as conn:
        for i in range(0, len(rows), CHUNK):
            store.upsert_all(conn, buildings, "code", rows[i : i + CHUNK])
            progress("writing", min(i + CHUNK, len(rows)), len(rows))
        freshness.note_updates(conn, dated)  # never moves a later patrol check-in back
    outcome.version = version
    if announce is not None:
        announce(version)
    return outcome
