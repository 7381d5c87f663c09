"""How many alarms a generated past day has, by date: a few gas, fume and e-bike alarms a
day, muck-truck alarms falling from about 300 a day a year ago to about 100 now, and the
crowd alarm of fireworks nights.
"""

from __future__ import annotations

from datetime import date

SENSOR_ALARMS = {"gas_leak": 3.0, "fume": 8.0, "ebike_charging": 2.0}  # a day
MUCK_THEN, MUCK_NOW = 300.0, 100.0  # a day, a year ago and today


def muck_per_day(d: date, today: date) -> float:
    back = min(max((today - d).days, 0), 365)
    return MUCK_NOW + (MUCK_THEN - MUCK_NOW) * back / 365


def fireworks_night(d: date) -> bool:
    """New Year's Eve, National Day and the summer Saturdays on the riverside."""
    return (d.month, d.day) in ((12, 31), (10, 1), (10, 6)) or (
        d.month in (7, 8) and d.weekday() == 5
    )
