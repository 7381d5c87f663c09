"""Replay (复盘): the wall's state at any past moment, rebuilt from SQL.

``moment`` and ``readings`` are the pure part (an incident's state at T from its trail
and the board; crowd and sensor status from the minute summaries); ``reads`` holds the
SQL, each query reading only the window a moment needs; ``engine`` seeks to a moment and
steps forward from it, holding what it knows in a ``cursor``; ``frames`` shapes that exactly
like ``feeds.live.Live.snapshot`` and ``Live.delta`` so the wall's browser code is the same;
``period`` parses the period a URL asks for; ``session`` is the replay clock (speed, pause,
position) kept in Redis.
"""
