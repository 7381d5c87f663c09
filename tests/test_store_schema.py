"""Creating the schema again (every worker does at start) must not lock busy tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, bindparam, event, text

from feeds import store


def test_schema_made_again_issues_no_create_index(session_engine: Engine) -> None:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(session_engine, "before_cursor_execute", record)
    try:
        store.create_schema(session_engine)
    finally:
        event.remove(session_engine, "before_cursor_execute", record)
    # on PostgreSQL even CREATE INDEX IF NOT EXISTS takes a lock that blocks writers
    assert not [s for s in statements if "CREATE INDEX" in s.upper()]
    assert not [s for s in statements if "CREATE TABLE" in s.upper()]


def test_schema_made_again_adds_the_partial_indexes_a_store_lacks(session_engine: Engine) -> None:
    # a store made before the replay's partial indexes gets them from `watchfloor init`
    names = ("ix_incident_events_moves", "ix_incident_events_rates")
    with session_engine.begin() as conn:
        for name in names:
            conn.execute(text(f"DROP INDEX {name}"))
    store.create_schema(session_engine)
    if session_engine.dialect.name == "postgresql":
        sql = "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN :names"
    else:
        sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN :names"
    query = text(sql).bindparams(bindparam("names", expanding=True))
    with session_engine.connect() as conn:
        made = {str(n): str(d) for n, d in conn.execute(query, {"names": list(names)})}
    assert sorted(made) == sorted(names)
    assert "reassign" in made[names[0]] and "WHERE" in made[names[0]].upper()
    assert "rate" in made[names[1]] and "WHERE" in made[names[1]].upper()
