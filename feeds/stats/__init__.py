"""Leaders' figures: typed reads of a period, on a SQLAlchemy connection.

Every function takes a Connection and a Period (feeds.stats.period) and returns plain
JSON-able data; every counted thing carries ``filter``, the /incidents URL parameters
that list exactly its incidents. What each figure counts: docs/figures.md.
"""
