"""What each button on the incident page sends, and what it refuses: pure."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard.acting import Refused, fields_for, routed_by

NAMES = {"U1": "江澄街道综合执法队", "U2": "望潮派出所"}


def row(state: str, unit: str | None = None) -> dict[str, Any]:
    return {"state": state, "unit": unit}


@pytest.mark.parametrize(
    ("button", "state", "unit", "form", "want"),
    [
        ("dispatch", "accepted", None, {"unit": "U1"}, ("dispatch", {"unit": "U1"})),
        ("dispatch", "dispatched", "U1", {"unit": "U2"}, ("reassign", {"unit": "U2"})),
        ("dispatch", "on_site", "U1", {"unit": "U2"}, ("reassign", {"unit": "U2"})),
        ("resolve", "on_site", "U1", {"note": " 已处理 "}, ("resolve", {"note": "已处理"})),
        ("comment", "accepted", None, {"note": "补充"}, ("comment", {"note": "补充"})),
        ("close", "resolved", "U1", {}, ("close", {"note": ""})),
        ("accept", "reported", None, {}, ("accept", {"note": ""})),
        ("arrive", "dispatched", "U1", {"note": "到了"}, ("arrive", {"note": "到了"})),
        ("reject", "reported", None, {"reason": "重复"}, ("reject", {"reason": "重复"})),
        (
            "escalate",
            "accepted",
            None,
            {"units": ["U1", "U2"]},
            ("escalate", {"units": ("U1", "U2"), "note": ""}),
        ),
        ("merge", "reported", None, {"into": " R9 "}, ("merge", {"into": "R9"})),
    ],
)
def test_what_a_button_sends(
    button: str, state: str, unit: str | None, form: dict[str, Any], want: tuple[str, Any]
) -> None:
    args = {"unit": None, "units": None, "note": None, "reason": None, "into": None} | form
    assert fields_for(button, row(state, unit), **args, unit_names=NAMES) == want


@pytest.mark.parametrize(
    ("button", "state", "unit", "form", "says"),
    [
        # routed already (by rule on accept): Dispatch to the same unit is no step at all
        ("dispatch", "dispatched", "U1", {"unit": "U1"}, "已派给 江澄街道综合执法队"),
        ("dispatch", "on_site", "U2", {"unit": "U2"}, "already routed to 望潮派出所"),
        ("dispatch", "accepted", None, {}, "choose the unit"),
        ("resolve", "on_site", "U1", {"note": "  "}, "处理结果"),
        ("comment", "accepted", None, {}, "the comment"),
        ("reject", "reported", None, {"reason": ""}, "退回原因"),
        ("escalate", "accepted", None, {"units": []}, "joint units"),
        ("fly", "accepted", None, {}, "unknown"),
    ],
)
def test_what_a_button_refuses_and_why(
    button: str, state: str, unit: str | None, form: dict[str, Any], says: str
) -> None:
    args = {"unit": None, "units": None, "note": None, "reason": None, "into": None} | form
    with pytest.raises(Refused, match=says):
        fields_for(button, row(state, unit), **args, unit_names=NAMES)


@pytest.mark.parametrize(
    ("actions", "how"),
    [
        ([], None),
        (["report", "accept"], None),
        (["report", "accept", "assign"], "rule"),
        (["report", "accept", "dispatch"], "hand"),
        (["report", "accept", "assign", "reassign"], "hand"),
        (["report", "accept", "dispatch", "comment"], "hand"),
    ],
)
def test_who_routed_it(actions: list[str], how: str | None) -> None:
    assert routed_by([{"action": a} for a in actions]) == how
