"""The console's SQL reads: every list filter, the late-first order, hostile search text.

Incidents are made the way production makes them: reports and actions through the real
ingest worker into the real SQL store.
"""

from __future__ import annotations

import uuid

import pytest
import redis
from sqlalchemy import Engine, func, select

from feeds import queries
from feeds.clock import now_ms
from feeds.ingest import Worker
from feeds.reference import Reference
from feeds.settings import Settings
from feeds.sla import SlaPolicy
from feeds.tables import incidents
from layers.district import District
from tests.helpers import ACTIONS, REPORTS, action, drain, report, xadd

NOW = now_ms()
RUN = uuid.uuid4().hex[:6]


def iid(name: str) -> str:
    return f"q{RUN}-{name}"


def buildings_in_two_streets(district: District) -> tuple[list[str], list[str]]:
    b = district.buildings
    street = b.micro_grid.str.split("-").str[0]
    first, second = sorted(street.unique())[:2]
    near = b[street == first]
    # two buildings of the first street in different communities, one in the second street
    other_community = near[
        near.micro_grid.str.split("-").str[1] != near.micro_grid.iloc[0].split("-")[1]
    ]
    return (
        [str(near.code.iloc[0]), str(other_community.code.iloc[0]), str(near.code.iloc[1])],
        [str(b[street == second].code.iloc[0]), str(b[street == second].code.iloc[1])],
    )


@pytest.fixture
def stored(
    settings: Settings,
    r: redis.Redis,
    engine: Engine,
    reference: Reference,
    policy: SlaPolicy,
    district: District,
) -> dict[str, dict[str, object]]:
    """Six incidents of known state, age, kind and place; their stored rows by short name.

    At NOW: c is late (red), b and e are in the last fifth of their budget (amber),
    a and f are on time (green), d was rejected two days ago (out of the pipeline).
    """
    worker = Worker(settings, r, engine, reference, policy)
    worker.ensure_groups()
    worker.read_own_pending = False
    (s1a, s1b, s1c), (s2a, s2b) = buildings_in_two_streets(district)
    spec = {
        "a": dict(
            address=s1a, category="environment", source="qr", ts=NOW - 10_000, text="垃圾堆放在楼下"
        ),
        "b": dict(
            address=s1b, category="parking", source="patrol", ts=NOW - 50_000, text="消防通道停车"
        ),
        "c": dict(
            address=s2a, category="neighbour", source="hotline", ts=NOW - 120_000, text="楼上噪音"
        ),
        "d": dict(
            address=s2b,
            category="environment",
            source="hotline",
            ts=NOW - 2 * 86_400_000,
            text="旧事",
        ),
        "e": dict(
            address=s1c,
            category="construction",
            source="patrol",
            ts=NOW - 150_000,
            text="夜间施工",
            priority="urgent",
        ),
        "f": dict(
            address=s1a, category="consumer", source="qr", ts=NOW - 5_000, text="100% 满意_ok"
        ),
    }
    xadd(
        r,
        settings,
        REPORTS,
        *[
            report(id=iid(k), lon=None, lat=None, **v)
            for k, v in spec.items()  # type: ignore[arg-type]
        ],
    )
    drain(worker)
    xadd(
        r,
        settings,
        ACTIONS,
        action(iid("d"), "reject", reason="重复", ts=NOW - 2 * 86_400_000 + 60_000),
        action(iid("e"), "accept", ts=NOW - 140_000),
    )
    drain(worker)
    with engine.connect() as conn:
        rows = {k: queries.incident(conn, iid(k)) for k in spec}
    assert all(rows.values())
    assert rows["d"]["state"] == "rejected" and rows["e"]["state"] == "accepted"  # type: ignore[index]
    return {k: v for k, v in rows.items() if v is not None}


def listed(engine: Engine, **filters: object) -> list[str]:
    """The short names the list shows for these filters, in the list's order."""
    with engine.connect() as conn:
        rows = queries.list_incidents(conn, queries.Filters(**filters), NOW)  # type: ignore[arg-type]
    return [str(r["id"]).split("-", 1)[1] for r in rows if str(r["id"]).startswith(f"q{RUN}-")]


def test_unfiltered_list_is_late_first_then_the_rest_newest_first(
    stored: dict[str, dict[str, object]], engine: Engine
) -> None:
    # open ones by their pending deadline: c (60 s ago), b (+10 s), e (+30 s), a (+50 s),
    # f (+55 s); then the ones out of the pipeline
    assert listed(engine) == ["c", "b", "e", "a", "f", "d"]
    with engine.connect() as conn:
        colours = {
            str(r["id"]).split("-", 1)[1]: queries.sla_colour(r, NOW)
            for r in queries.list_incidents(conn, queries.Filters(), NOW)
        }
    assert colours == {
        "c": "red",
        "b": "amber",
        "e": "amber",
        "a": "green",
        "f": "green",
        "d": None,
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"states": ("reported",)}, ["c", "b", "a", "f"]),
        ({"states": ("accepted", "rejected")}, ["e", "d"]),
        ({"states": ("closed",)}, []),
        ({"sla": "red"}, ["c"]),
        ({"sla": "amber"}, ["b", "e"]),
        ({"sla": "green"}, ["a", "f"]),
        ({"category": "environment"}, ["a", "d"]),
        ({"category": "parking"}, ["b"]),
        ({"source": "hotline"}, ["c", "d"]),
        ({"source": "patrol"}, ["b", "e"]),
        ({"since": NOW - 60_000}, ["b", "a", "f"]),
        ({"since": NOW - 86_400_000}, ["c", "b", "e", "a", "f"]),
        ({"text": "噪音"}, ["c"]),
        ({"text": "  楼  "}, ["c", "a"]),  # trimmed; in the text
        ({"sla": "green", "category": "consumer", "source": "qr"}, ["f"]),
        ({"states": ("reported",), "sla": "amber"}, ["b"]),
    ],
)
def test_each_filter(
    stored: dict[str, dict[str, object]],
    engine: Engine,
    filters: dict[str, object],
    expected: list[str],
) -> None:
    assert listed(engine, **filters) == expected


def test_place_filters(stored: dict[str, dict[str, object]], engine: Engine) -> None:
    a, c = stored["a"], stored["c"]
    assert a["street"] != c["street"]
    first_street = [k for k in ("c", "b", "e", "a", "f", "d") if stored[k]["street"] == a["street"]]
    assert listed(engine, street=a["street"]) == first_street == ["b", "e", "a", "f"]
    assert listed(engine, street=c["street"]) == ["c", "d"]
    assert stored["b"]["community"] != a["community"]
    same_community = listed(engine, community=a["community"])
    assert "a" in same_community and "f" in same_community and "b" not in same_community
    # a grid code or a micro-grid code: a and f were reported from the same building
    for code in (a["grid"], a["micro_grid"]):
        found = listed(engine, grid=code)
        assert {"a", "f"} <= set(found) and "c" not in found
    assert listed(engine, grid="BJ99-C99-G99") == []


def test_free_text_finds_id_text_and_address(
    stored: dict[str, dict[str, object]], engine: Engine
) -> None:
    assert listed(engine, text=iid("e")) == ["e"]
    assert listed(engine, text=f"{RUN}-d") == ["d"]
    assert set(listed(engine, text=str(stored["a"]["address"]))) == {"a", "f"}


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ("%", ["f"]),  # LIKE wildcards are literal characters
        ("_", ["f"]),
        ("100%", ["f"]),
        ("' OR '1'='1", []),
        ("'; DROP TABLE incidents; --", []),
        ('" OR 1=1 --', []),
        ("\\", []),
        ("楼%噪", []),
    ],
)
def test_hostile_search_text_is_data(
    stored: dict[str, dict[str, object]], engine: Engine, hostile: str, expected: list[str]
) -> None:
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(incidents)).scalar_one()
    assert listed(engine, text=hostile) == expected
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(incidents)).scalar_one() == before


def test_limit_and_sla_colour_of_rows_out_of_the_pipeline(
    stored: dict[str, dict[str, object]], engine: Engine
) -> None:
    with engine.connect() as conn:
        rows = queries.list_incidents(conn, queries.Filters(text=f"q{RUN}-"), NOW, limit=2)
    assert [str(r["id"]).split("-", 1)[1] for r in rows] == ["c", "b"]
    assert queries.sla_colour({"pending_due": None, "reported_at": NOW}, NOW) is None
