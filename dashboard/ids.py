"""Component ids of the console and admin pages, in one place.

The prefix says who may run a callback touching the id (enforced by dashboard.auth):
``inc-`` the console (officer, leader, admin), ``act-`` acting on incidents (officer,
admin), ``adm-`` administration (admin).
"""

from __future__ import annotations

from typing import Any, Final

BUMP: Final = "inc-bump"  # a store console.js bumps when a live delta concerns the page

# the incidents list
F_STATE: Final = "inc-f-state"
F_SLA: Final = "inc-f-sla"
F_CATEGORY: Final = "inc-f-category"
F_SOURCE: Final = "inc-f-source"
F_STREET: Final = "inc-f-street"
F_COMMUNITY: Final = "inc-f-community"
F_GRID: Final = "inc-f-grid"
F_SINCE: Final = "inc-f-since"
F_TEXT: Final = "inc-f-text"
F_EXTRA: Final = "inc-f-extra"  # store: the figures' extra URL filters (from, to, unit ...)
LIST: Final = "inc-list"
LIST_COUNT: Final = "inc-list-count"
LIST_MAP: Final = "inc-list-map"
LIST_MARKERS: Final = "inc-list-markers"

# one incident
INCIDENT: Final = "inc-id"  # store: the incident's id
DETAIL: Final = "inc-detail"
CONTACT: Final = "inc-contact"

# acting
ACT_REVEAL: Final = "act-reveal"
ACT_UNIT: Final = "act-unit"
ACT_UNITS: Final = "act-units"
ACT_NOTE: Final = "act-note"
ACT_REASON: Final = "act-reason"
ACT_INTO: Final = "act-into"
ACT_RESULT: Final = "act-result"
ACT_MERGE_INTO: Final = "act-merge-into"  # pattern-matching: one button per nearby incident

# administration
ADM_USERNAME: Final = "adm-username"
ADM_DISPLAY: Final = "adm-display"
ADM_ROLE: Final = "adm-role"
ADM_PASSWORD: Final = "adm-password"
ADM_CREATE: Final = "adm-create"
ADM_USER: Final = "adm-user"  # the account the buttons below act on
ADM_NEW_PASSWORD: Final = "adm-new-password"
ADM_RESET: Final = "adm-reset"
ADM_DISABLE: Final = "adm-disable"
ADM_ENABLE: Final = "adm-enable"
ADM_KIOSK_LABEL: Final = "adm-kiosk-label"
ADM_KIOSK: Final = "adm-kiosk"
ADM_RESULT: Final = "adm-result"
ADM_USERS: Final = "adm-users"
ADM_ACCESS: Final = "adm-access"  # sessions, kiosk tokens, the sign-in trail
ADM_ACCESS_RESULT: Final = "adm-access-result"
ADM_END_SESSION: Final = "adm-end-session"  # pattern-matching: one button per session
ADM_REVOKE_KIOSK: Final = "adm-revoke-kiosk"  # pattern-matching: one button per kiosk token
ADM_DEAD_FIELDS: Final = "adm-dead-fields"  # /status: a dead letter's (masked) fields
ADM_DEAD_REVEAL: Final = "adm-dead-reveal"  # /status: show one dead letter whole (admins)


def act_button(action: str) -> str:
    """The button that sends an action (plain ids: no pattern-matching needed)."""
    return f"act-{action}"


def merge_button(into: Any) -> dict[str, Any]:
    """The button that merges this incident into a nearby one (``ALL`` to match them all)."""
    return {"type": ACT_MERGE_INTO, "into": into}
