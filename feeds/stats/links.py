"""What a figure links to: the /incidents page's URL parameters that list exactly the
incidents it counts, and those parameters back into the list's filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

from feeds.pipeline import ALL_STATES, STAGES
from feeds.queries import SLA_COLOURS, Filters
from feeds.stats.period import Period, local_midnight, utc_offset_ms

Link = dict[str, str]
# Parameters the figures add to the page's own (state, sla, category, source, street,
# community, grid, q).
EXTRA = ("from", "to", "kind", "priority", "unit", "address", "late", "hour", "rating")


def of(p: Period, **more: str | int | None) -> Link:
    """The period's parameters (``from``/``to``: epoch ms, reported in [from, to)) and
    any others given (empty values left out)."""
    out: Link = {"from": str(p.start), "to": str(p.end)}
    if p.area and p.area_level:
        out["grid" if p.area_level == "micro_grid" else p.area_level] = p.area
    out.update({k: str(v) for k, v in more.items() if v is not None and v != ""})
    return out


def href(link: Link) -> str:
    return "/incidents?" + urlencode(link)


def _when(value: str, tz: str, end: bool = False) -> int | None:
    """Epoch ms, or a local date YYYY-MM-DD (its midnight; the next one for ``to``)."""
    v = value.strip()
    if v.isdigit():
        return int(v)
    try:
        d = date.fromisoformat(v)
    except ValueError:
        return None
    return local_midnight(d, tz) + (86_400_000 if end and len(v) == 10 else 0)


def _int_in(value: str | None, lo: int, hi: int) -> int | None:
    v = (value or "").strip()
    return int(v) if v.isdigit() and lo <= int(v) <= hi else None


def narrow(f: Filters, extra: Mapping[str, str] | None, tz: str) -> Filters:
    """Filters narrowed by the figures' extra parameters (values out of range ignored)."""
    e = {k: str(v) for k, v in (extra or {}).items() if k in EXTRA and v is not None}
    from_ = _when(e["from"], tz) if e.get("from") else None
    since = [x for x in (f.since, from_) if x is not None]
    return replace(
        f,
        since=max(since) if since else None,
        until=_when(e["to"], tz, end=True) if e.get("to") else None,
        kind=e.get("kind", "")[:16],
        priority=e.get("priority", "") if e.get("priority") in ("urgent", "ordinary") else "",
        unit=e.get("unit", "")[:64],
        address=e.get("address", "")[:64],
        late=e.get("late", "") if e.get("late") in STAGES else "",
        hour=_int_in(e.get("hour"), 0, 23),
        hour_offset_ms=utc_offset_ms(tz, from_ or 0),
        rating=_int_in(e.get("rating"), 1, 5),
    )


def filters(link: Mapping[str, str], tz: str) -> Filters:
    """Every URL parameter of /incidents (what a figure links to) as the list's filters."""
    sla = link.get("sla", "")
    base = Filters(
        states=tuple(s for s in link.get("state", "").split(",") if s in ALL_STATES),
        sla=sla if sla in SLA_COLOURS else "",
        category=link.get("category", ""),
        source=link.get("source", ""),
        street=link.get("street", ""),
        community=link.get("community", ""),
        grid=link.get("grid", "").strip()[:64],
        text=link.get("q", "").strip()[:100],
    )
    return narrow(base, link, tz)
