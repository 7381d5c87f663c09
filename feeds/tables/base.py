"""The tables' metadata and the widths shared by their columns."""

from __future__ import annotations

from sqlalchemy import MetaData

metadata = MetaData()

CODE = 64
EVENT_ID = 120
NUMBER = 16  # an incident's short number, YYYYMMDD-NNNN (more digits past 9,999 a day)
