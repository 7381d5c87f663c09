"""Building data freshness: the three colours, updates from patrols and imports, per grid."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from dashboard.app import create_server
from dashboard.figures import field_tables
from dashboard.figures.data import patrols as patrol_figures
from dashboard.freshness import parse_box
from feeds import constants as K
from feeds import freshness
from feeds.clock import now_ms
from feeds.ingest import Worker
from feeds.schemas import Patrol
from feeds.settings import Settings
from feeds.stats.period import Period
from feeds.tables import areas
from layers.district import District
from tests.helpers import drain, xadd
from tests.signin import kiosk_token

DAY = 86_400_000
SIX = freshness.SIX_MONTHS_MS
NOW = 1_790_000_000_000


@pytest.mark.parametrize(
    ("updated_at", "colour"),
    [
        (None, "red"),
        (NOW, "green"),
        (NOW - DAY, "green"),
        (NOW - SIX + 1, "green"),
        (NOW - SIX, "yellow"),
        (NOW - 3 * SIX, "yellow"),
        (NOW + DAY, "green"),  # a clock a little ahead is not "never"
    ],
)
def test_three_colours(updated_at: int | None, colour: str) -> None:
    assert freshness.status(updated_at, NOW) == colour


def _colours(engine: Engine, now: int) -> dict[str, str]:
    with engine.connect() as conn:
        return {code: freshness.status(at, now) for code, _m, _x, _y, at in freshness._joined(conn)}


def test_updates_keep_the_latest_and_refuse_unknown_sources(
    engine: Engine, district: District
) -> None:
    a, b = district.buildings.code.iloc[0], district.buildings.code.iloc[1]
    with engine.begin() as conn:
        freshness.note_updates(conn, [(a, NOW - DAY, "patrol"), (b, NOW - 2 * SIX, "import")])
        freshness.note_updates(conn, [(a, NOW - 3 * SIX, "import")])  # older: no effect
        freshness.note_updates(conn, [(b, NOW - 2 * DAY, "patrol"), (b, NOW - 5 * DAY, "patrol")])
        with pytest.raises(ValueError, match="unknown update source"):
            freshness.note_updates(conn, [(a, NOW, "guess")])
    colours = _colours(engine, NOW)
    assert colours[a] == colours[b] == "green"
    assert Counter(colours.values())["red"] == len(district.buildings) - 2


def test_patrol_checkins_turn_buildings_green_and_counts_per_grid_add_up(
    worker: Worker, r: redis.Redis, settings: Settings, engine: Engine, district: District
) -> None:
    b = district.buildings
    now = now_ms()
    visited = [str(c) for c in b.code.iloc[:3]]
    old = str(b.code.iloc[3])
    with engine.begin() as conn:
        freshness.note_updates(conn, [(old, now - SIX - DAY, "import")])
    checkins = [Patrol(id=f"fp-{i}", worker="网格员 王", address=c, ts=now - i * DAY)
                for i, c in enumerate(visited)]  # fmt: skip
    xadd(r, settings, K.STREAM_PATROLS, *checkins)
    drain(worker)
    colours = _colours(engine, now)
    assert [colours[c] for c in [*visited, old]] == ["green", "green", "green", "yellow"]
    with engine.connect() as conn:
        grids = freshness.per_grid(conn, now)
        layer = freshness.points(conn, now)
        cells = freshness.per_cell(conn, now)
    assert sum(sum(g.values()) for g in grids.values()) == len(b)
    # counted in SQL per micro-grid, the same as building by building
    assert cells["totals"] == layer["totals"]
    sizes = sorted(c[2] + c[3] + c[4] for c in cells["cells"])  # type: ignore[attr-defined]
    assert sizes == sorted(b.micro_grid.value_counts().tolist())
    with engine.connect() as conn:  # counted in SQL: as each building's colour says
        parent = dict(conn.execute(select(areas.c.code, areas.c.parent)).all())
        by_hand: dict[str, dict[str, int]] = {}
        for _code, micro, _lon, _lat, at in freshness._joined(conn):
            g = by_hand.setdefault(parent.get(micro) or micro, dict.fromkeys(freshness.COLOURS, 0))
            g[freshness.status(at, now)] += 1
    assert grids == by_hand
    grid_of_first = str(b.micro_grid.iloc[0]).rsplit("-", 1)[0]
    assert grids[grid_of_first]["green"] >= 1
    assert layer["totals"] == {"green": 3, "yellow": 1, "red": len(b) - 4}
    assert len(layer["points"]) == len(b)  # type: ignore[arg-type]

    # the figures' patrol table carries the three counts per grid
    today = date.today()
    with engine.connect() as conn:
        data = patrol_figures(conn, Period.days(today, today, settings.timezone), now)
    table = field_tables.patrols(data, str(today), "en")
    keys = [c.key for c in table.columns]
    assert [table.columns[keys.index(k)].en for k in ("fresh_green", "fresh_red")] == [
        "Updated within 6 months",
        "Never updated",
    ]
    at = {k: keys.index(k) for k in ("code", "fresh_green", "fresh_yellow", "fresh_red")}
    row = next(x for x in table.rows if x[at["code"]] == grid_of_first)
    assert [row[at[f"fresh_{c}"]] for c in ("green", "yellow", "red")] == [
        grids[grid_of_first][c] for c in ("green", "yellow", "red")
    ]


@pytest.fixture
def client(settings: Settings, r: redis.Redis, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_server(settings)) as c:
        yield c


def test_the_wall_reads_the_layer_with_its_kiosk_token(
    client: TestClient, engine: Engine, district: District
) -> None:
    assert client.get("/api/wall/freshness.json").status_code in (302, 303, 401, 403)
    client.get(f"/?kiosk={kiosk_token(engine)}")
    got = client.get("/api/wall/freshness.json")
    assert got.status_code == 200 and got.headers["content-encoding"] == "gzip"
    data = got.json()
    # district zoom: a row per micro-grid with buildings, never the buildings themselves
    assert data["totals"] == {"green": 0, "yellow": 0, "red": len(district.buildings)}
    assert "points" not in data
    assert len(data["cells"]) == district.buildings.micro_grid.nunique()
    assert sum(c[2] + c[3] + c[4] for c in data["cells"]) == len(district.buildings)
    lon, lat, green, yellow, red = data["cells"][0]
    assert 119 < lon < 121 and 29 < lat < 31 and green == yellow == 0 and red > 0
    # zoomed in: the buildings inside the view
    b = district.buildings
    w, s, e, n = b.lon.quantile(0.4), b.lat.quantile(0.4), b.lon.quantile(0.6), b.lat.quantile(0.6)
    inside = int(((b.lon >= w) & (b.lon <= e) & (b.lat >= s) & (b.lat <= n)).sum())
    box = client.get(f"/api/wall/freshness.json?bbox={w},{s},{e},{n}").json()
    assert box["more"] is False and len(box["points"]) == inside > 0
    assert {p[2] for p in box["points"]} == {"r"}
    for bad in ("1,2,3", "a,b,c,d", "121,30,120,31", "nan,30,121,31"):
        got = client.get(f"/api/wall/freshness.json?bbox={bad}")
        assert got.status_code == 400 and "bbox" in got.text


def test_a_view_with_more_buildings_than_a_wall_takes_says_so_instead(
    engine: Engine, district: District
) -> None:
    b = district.buildings
    whole = (b.lon.min(), b.lat.min(), b.lon.max(), b.lat.max())
    with engine.connect() as conn:
        capped = freshness.in_box(conn, NOW, whole, len(b) - 1)
        full = freshness.in_box(conn, NOW, whole, len(b))
    assert capped == {"t": NOW, "points": [], "more": True}
    assert full["more"] is False and len(full["points"]) == len(b)  # type: ignore[arg-type]


def test_an_imported_registers_dates_colour_its_buildings_and_a_bad_date_stops_it(
    engine: Engine, district: District, tmp_path: Path
) -> None:
    from feeds.geography.addresses import import_addresses

    b = district.buildings.iloc[:4]
    now = now_ms()
    recent = date.fromtimestamp((now - 30 * DAY) / 1000).isoformat()
    lines = ["code,address,lon,lat,verified_at"]
    dates = [recent, "2020-01-02", "", str(now - DAY)]
    for (_, x), when in zip(b.iterrows(), dates, strict=True):
        lines.append(f"{x.code},{x['name']},{x.lon},{x.lat},{when}")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "\n".join([*lines, f"{b.code.iloc[0]}x,楼,{b.lon.iloc[0]},{b.lat.iloc[0]},soon"])
    )
    refused = import_addresses(engine, bad)
    assert not refused.report.ok and "bad_date" in str(refused.report.__dict__)
    assert set(_colours(engine, now).values()) == {"red"}  # nothing written
    good = tmp_path / "register.csv"
    good.write_text("\n".join(lines), encoding="utf-8")
    assert import_addresses(engine, good).report.ok
    colours = _colours(engine, now)
    assert [colours[str(c)] for c in b.code] == ["green", "yellow", "red", "green"]


def test_a_view_box_is_four_numbers_in_order() -> None:
    assert parse_box("120.1,30.1,120.3,30.2") == (120.1, 30.1, 120.3, 30.2)
    for bad, says in [
        ("120.1,30.1,120.3", "four numbers"),
        ("a,b,c,d", "not four numbers"),
        ("120.3,30.1,120.1,30.2", "west < east"),
        ("120.1,30.1,120.3,inf", "west < east"),
        ("-200,30.1,120.3,30.2", "-180..180"),
    ]:
        with pytest.raises(ValueError, match=says):
            parse_box(bad)
