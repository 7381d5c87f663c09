"""What a button on the incident page sends, and what it needs before it may.

Pure: the page's callback passes the incident row and the form, and sends what comes back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ROUTED = ("dispatched", "on_site")
# the steps that say nothing without a note: what was done, what is to be added
NEEDS_NOTE = ("resolve", "comment")


class Refused(Exception):
    """The form is not what this step needs; the message says what is (zh · en)."""


def fields_for(
    button: str,
    row: Mapping[str, Any],
    unit: str | None,
    units: list[str] | None,
    note: str | None,
    reason: str | None,
    into: str | None,
    unit_names: Mapping[str, str],
) -> tuple[str, dict[str, Any]]:
    """The action kind to send for a button and its fields; Refused when the form lacks
    what the step needs. Dispatch means what it says: once the incident is routed (by rule on
    accept, or by hand), it moves it only to another unit, as a reassign."""
    note = (note or "").strip()
    state = row["state"]
    if button == "dispatch":
        if not unit:
            raise Refused("请选择派遣单位 · choose the unit to route to")
        if state in ROUTED:
            current = row.get("unit")
            if unit == current:
                name = unit_names.get(current, current)
                raise Refused(
                    f"已派给 {name}，无需再派；改派请选择其他单位"
                    f" · already routed to {name}; to reassign, choose another unit"
                )
            return "reassign", {"unit": unit}
        return "dispatch", {"unit": unit}
    if button in NEEDS_NOTE and not note:
        what = "处理结果" if button == "resolve" else "备注内容"
        en = "what was done" if button == "resolve" else "the comment"
        raise Refused(f"请在说明栏填写{what} · write {en} in the note box")
    match button:
        case "escalate":
            if not units:
                raise Refused("请选择联动单位 · choose the joint units")
            return button, {"units": tuple(units), "note": note}
        case "reject":
            if not (reason or "").strip():
                raise Refused("请填写退回原因 · give the reason to reject")
            return button, {"reason": (reason or "").strip()}
        case "merge":
            return button, {"into": (into or "").strip() or None}
        case "resolve" | "comment" | "close" | "arrive" | "accept":
            return button, {"note": note}
    raise Refused(f"未知操作 · unknown action {button!r}")


def routed_by(trail: list[Mapping[str, Any]]) -> str | None:
    """'rule' when the incident's unit came from automatic routing on accept (智能交办),
    'hand' when an officer routed it, None when nobody has."""
    how = None
    for t in trail:
        kind = t.get("action")
        if kind == "assign":
            how = "rule"
        elif kind in ("dispatch", "reassign"):
            how = "hand"
    return how
