"""Readings history: sensor readings folded into per-minute summaries in SQL.

``fold`` is the pure part (one minute's readings -> rows of ``reading_minutes``);
``collector`` gathers readings in Redis per minute, deduplicated by reading id, and
writes each finished minute once (insert-if-absent), then prunes old minutes.
"""
