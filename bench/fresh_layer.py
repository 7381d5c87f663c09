"""The wall's building-freshness layer at Yuhang's scale: 1,100,000 buildings in the
10,000 micro-grids bench.geo_import makes (SQLite in a temporary directory; a third
updated within six months, a sixth before, the rest never), answered as the wall asks
for it: counts per micro-grid at district zoom and the buildings in a zoom-15 view,
beside the naive way (every building, as the layer sent it before). Time (best of 3) and
bytes of each answer, raw and gzipped.

    .venv/bin/python -m bench.fresh_layer [--buildings 1100000] [--database-url URL]

With --database-url the store is that (empty) database instead: its tables are made,
filled and dropped again.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from collections.abc import Callable

import numpy as np
from sqlalchemy import insert

from bench.geo_import import make_cells
from feeds import freshness, store
from feeds.clock import now_ms
from feeds.settings import Settings
from feeds.tables import areas, building_updates, buildings, metadata

DAY = 86_400_000


def timed(fn: Callable[[], dict[str, object]]) -> tuple[float, dict[str, object]]:
    best, out = 1e9, {}
    for _ in range(3):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--buildings", type=int, default=1_100_000)
    p.add_argument("--database-url", default="")
    args = p.parse_args()
    rng = np.random.default_rng(7)
    cells = make_cells(rng)
    micro = cells[cells["level"] == "micro_grid"].reset_index(drop=True)
    now = now_ms()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/f.db"
        settings = Settings.from_env({"DATABASE_URL": url})
        engine = store.make_engine(settings)
        store.create_schema(engine)
        points = micro.geometry.representative_point()
        with engine.begin() as conn:
            conn.execute(
                insert(areas),
                [
                    {
                        "code": c,
                        "level": "micro_grid",
                        "name": c,
                        "name_en": c,
                        "parent": None,
                        "lon": pt.x,
                        "lat": pt.y,
                        "geometry": "{}",
                    }
                    for c, pt in zip(micro["code"], points, strict=True)
                ],
            )
        # buildings scattered over each cell's bounding box (place, not exact shape)
        n = args.buildings
        which = rng.integers(0, len(micro), n)
        b = micro.geometry.bounds.to_numpy()[which]
        lon = b[:, 0] + rng.random(n) * (b[:, 2] - b[:, 0])
        lat = b[:, 1] + rng.random(n) * (b[:, 3] - b[:, 1])
        codes = micro["code"].to_numpy()[which]
        kind = rng.random(n)
        t0 = time.perf_counter()
        with engine.begin() as conn:
            for lo in range(0, n, 100_000):
                hi = min(n, lo + 100_000)
                conn.execute(
                    insert(buildings),
                    [
                        {
                            "code": f"B{i:07d}",
                            "micro_grid": codes[i],
                            "name": "",
                            "lon": float(lon[i]),
                            "lat": float(lat[i]),
                        }
                        for i in range(lo, hi)
                    ],
                )
                updated = [i for i in range(lo, hi) if kind[i] < 0.5]
                conn.execute(
                    insert(building_updates),
                    [
                        {
                            "code": f"B{i:07d}",
                            "source": "patrol",
                            "updated_at": now - (30 if kind[i] < 1 / 3 else 300) * DAY,
                        }
                        for i in updated
                    ],
                )
        print(f"{n:,} buildings written in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        # a zoom-15 view at 1920x1080 is about 4.4 x 2.0 km near 30 degrees north
        cx, cy = float(np.median(lon)), float(np.median(lat))
        box = (cx - 0.0229 * 1.2, cy - 0.0090 * 1.2, cx + 0.0229 * 1.2, cy + 0.0090 * 1.2)
        rows = []
        with engine.connect() as conn:
            for name, fn in (
                ("counts per micro-grid (district zoom)", lambda: freshness.per_cell(conn, now)),
                (
                    "buildings in a zoom-15 view",
                    lambda: freshness.in_box(conn, now, box, 20_000),
                ),
                ("naive: every building", lambda: freshness.points(conn, now)),
            ):
                took, data = timed(fn)
                body = json.dumps(data, separators=(",", ":")).encode()
                shown = len(data.get("cells") or data.get("points") or [])  # type: ignore[arg-type]
                rows.append((name, shown, took, len(body), len(gzip.compress(body, 5))))
        if args.database_url:
            metadata.drop_all(engine)
    print(f"\n{n:,} buildings, {len(micro):,} micro-grids ({engine.dialect.name})")
    print(f"{'answer':40}{'marks':>10}{'ms':>10}{'raw MB':>10}{'gzip MB':>10}")
    for name, shown, took, raw, packed in rows:
        print(f"{name:40}{shown:>10,}{took * 1000:>10.0f}{raw / 1e6:>10.2f}{packed / 1e6:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
