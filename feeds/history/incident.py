"""One incident of a generated past day: its report, the course its handling takes (accept
or reject, dispatch, perhaps a return to be re-routed, arrive, resolve, rate or close),
folded through the same code the ingest worker uses (records, pipeline, SLA policy) into
its row and trail as the store would hold them. Nothing after ``now`` has happened yet.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from feeds import records
from feeds.history.places import Places
from feeds.pipeline import Incident, Stage, apply
from feeds.reference import Reference
from feeds.schemas import Action, ActionKind, Report
from feeds.sim.rhythm import KIND_MIX, RATING_P
from feeds.sim.text import COMMENTS, OFFICERS, RESOLUTIONS
from feeds.sla import SlaPolicy
from feeds.store import state_columns

Row = dict[str, Any]
RETURN_SHARE = 0.06  # dispatched incidents a unit returns (退单) to be re-routed
LATE_RESOLVE = 0.07  # ordinary matters that overrun their 3 working days


class IncidentMaker:
    """Makes an incident's row and trail from its draft (source, category, ...)."""

    def __init__(self, ref: Reference, places: Places, policy: SlaPolicy) -> None:
        self.ref = ref
        self.places = places
        self.policy = policy

    def _report(
        self, rng: np.random.Generator, iid: str, ts: int, draft: dict[str, Any]
    ) -> tuple[Report, Any]:
        src, cat = draft["source"], draft["category"]
        urgent = cat in ("fire", "safety", "gas_leak", "crowd") or rng.random() < 0.02
        if src == "sensor":
            kind = "alarm"
            options = self.places.sensors.get(
                cat.replace("_leak", "").replace("muck_truck", "muck_truck")
            )
            options = options or self.places.sensors.get("crowd") or []
            if cat == "crowd" and self.ref.zones:
                z = self.ref.zones.get(draft.get("zone", "")) or next(iter(self.ref.zones.values()))
                lon, lat = z.lon, z.lat
            elif options:
                lon, lat, _ = options[int(rng.integers(len(options)))]
            else:
                lon, lat = self.places.buildings[0][1], self.places.buildings[0][2]
            report = Report(
                id=iid,
                source="sensor",
                kind="alarm",
                category=cat,
                ts=ts,
                lon=lon,
                lat=lat,
                priority="urgent" if urgent else "ordinary",
                text=f"{cat} alarm",
                reporter="sensor",
            )
            micro = self.ref.locate([(lon, lat)])[0]
            return report, self.ref.place(micro, lon, lat)
        kind = (
            "finding"
            if src == "patrol"
            else str(rng.choice([k for k, _ in KIND_MIX], p=[p for _, p in KIND_MIX]))
        )
        code, lon, lat, micro = self.places.buildings[int(rng.integers(len(self.places.buildings)))]
        report = Report(
            id=iid,
            source=src,
            kind=kind,  # type: ignore[arg-type]
            category=cat,
            ts=ts,
            text="历史记录",
            address=code if src != "hotline" else None,
            lon=lon,
            lat=lat,
            priority="urgent" if urgent else "ordinary",
        )
        return report, self.ref.place(micro, lon, lat)

    def make(
        self, rng: np.random.Generator, iid: str, ts: int, draft: dict[str, Any], now: int
    ) -> tuple[Row, list[Row]] | None:
        report, place = self._report(rng, iid, ts, draft)
        due = self.policy.deadlines(report.ts, report.category, report.priority)
        suggestion = self.ref.router.suggest(report.category, place.grid)
        row = records.incident_row(report, place, due, suggestion)
        trail = [records.report_trail(report, suggestion)]
        officer = OFFICERS[int(rng.integers(len(OFFICERS)))]
        inc = Incident(id=iid, reported_at=ts, updated_at=ts)
        urgent = report.priority == "urgent"
        plan: list[tuple[Action, str | None]] = []
        t = ts + int(rng.lognormal(math.log(30), 0.59) * 1000)

        def act(kind: ActionKind, at: int, trail_kind: str | None = None, **kw: Any) -> None:
            plan.append(
                (
                    Action(
                        id=f"{iid}-{len(plan)}-{kind}",
                        incident=iid,
                        action=kind,
                        actor=kw.pop("actor", officer),
                        ts=at,
                        **kw,
                    ),
                    trail_kind,
                )
            )

        if report.kind == "enquiry" and rng.random() < 0.1:
            act("reject", t, reason="重复咨询，已电话答复")
        else:
            unit = suggestion.unit if suggestion else None
            auto = unit is not None and self.ref.router.automatic(report.category, report.priority)
            act("accept", t)
            if unit is not None:
                if auto:
                    act("dispatch", t, "assign", unit=unit, actor="rule", note="智能交办")
                else:
                    t += int(rng.lognormal(math.log(70), 0.6) * 1000)
                    act("dispatch", t, unit=unit)
                if rng.random() < RETURN_SHARE:
                    t += int(rng.uniform(60, 600) * 1000)
                    others = [u for u in self._peers(unit) if u != unit] or [unit]
                    unit = others[int(rng.integers(len(others)))]
                    act("reassign", t, unit=unit, note="退单：非本单位职责，改派")
                if report.kind != "enquiry":
                    t += int(rng.lognormal(math.log(100 if urgent else 150), 0.5) * 1000)
                    act("arrive", t, actor=unit)
                if urgent:
                    t += int(rng.uniform(20, 300) * 60_000)
                else:
                    budget = due["resolve"] - ts
                    share = (
                        rng.uniform(1.02, 1.6) if rng.random() < LATE_RESOLVE else rng.beta(1.3, 4)
                    )
                    t = max(t + 60_000, ts + int(budget * share))
                cat = report.category
                act("resolve", t, actor=unit, note=RESOLUTIONS.get(cat, "已处置完毕"))
                t += int(rng.uniform(5, 120) * 60_000)
                if report.source in ("qr", "hotline") and rng.random() < 0.7:
                    rating = int(rng.choice(5, p=RATING_P)) + 1
                    note = COMMENTS[int(rng.integers(len(COMMENTS)))] if rng.random() < 0.15 else ""
                    act("rate", t, actor="报告人", rating=rating, note=note)
                else:
                    act("close", t)
        for action, trail_kind in plan:
            if action.ts > now:
                break
            inc = apply(inc, action)
            trail.append(records.action_trail(action, kind=trail_kind))
        row.update(state_columns(inc))
        columns: tuple[tuple[Stage, str], ...] = (
            ("accept", "accepted_at"),
            ("dispatch", "dispatched_at"),
            ("arrive", "on_site_at"),
            ("resolve", "resolved_at"),
        )
        late = sorted(
            s
            for s, col in columns
            if (row[col] is not None and row[col] > due[s])
            or (row[col] is None and inc.pending == s and due[s] < now)
        )
        for s in late:
            trail.append(
                records.system_trail(
                    f"{iid}:overdue:{s}", iid, "overdue", due[s] + 2000, stage=s, due=due[s]
                )
            )
        row["late"] = ",".join(late)
        row["sweep_at"] = records.sweep_at(inc, row, set(late))
        return row, trail

    def _peers(self, unit: str) -> list[str]:
        for ids in self.places.units_by_kind.values():
            if unit in ids:
                street = unit.split("-", 1)[0]
                return [u for u in ids if u.split("-", 1)[0] == street] or ids
        return [unit]
