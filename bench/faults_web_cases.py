"""The web fault cases: forged and replayed cookies, cross-origin posts, every endpoint and
Dash callback without and with each role, upload bombs, throttled sign-ins, ratings.

Each case returns rows ``(group, case, expected, got, ok)``; bench/faults_web/ runs them
against a live system and prints the table. They live in the package now, by noun:
bench/faults_web/site.py, sessions.py, access.py and forms.py; this module keeps their
old names.
"""

from __future__ import annotations

from bench.faults_web.access import (
    APIS,
    ID_ROLES,
    PAGES,
    callback_allowed,
    callbacks,
    cross_origin,
    endpoints,
    gate_passed,
)
from bench.faults_web.forms import limits, post_report, ratings, uploads
from bench.faults_web.sessions import cookies, forge, session_count, throttle
from bench.faults_web.site import CSRF, PASSWORD, ROLES, VIEW, Row, Site, row, sign_in

__all__ = [
    "APIS",
    "CSRF",
    "ID_ROLES",
    "PAGES",
    "PASSWORD",
    "ROLES",
    "VIEW",
    "Row",
    "Site",
    "callback_allowed",
    "callbacks",
    "cookies",
    "cross_origin",
    "endpoints",
    "forge",
    "gate_passed",
    "limits",
    "post_report",
    "ratings",
    "row",
    "session_count",
    "sign_in",
    "throttle",
    "uploads",
]
