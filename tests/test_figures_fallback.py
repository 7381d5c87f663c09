"""A figures section whose query fails shows a readable error card, not a broken page:
the headline (loaded first, on its own) as much as the others."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from plotly.utils import PlotlyJSONEncoder
from sqlalchemy import Engine, create_engine

from dashboard.figures import loading
from dashboard.figures.sections import Ctx
from feeds.clock import now_ms
from feeds.stats.period import Period
from tests.stats_history import TZ

OCTOBER = Period.days(date(2026, 10, 1), date(2026, 10, 31), TZ)
BOUNDS = (120.1, 30.1, 120.3, 30.3)


def text_of(component: object) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


@pytest.mark.parametrize("name", ["headline", "counts", "units"])
def test_a_failing_query_gives_an_error_card(tmp_path: Path, name: str) -> None:
    # a real store with none of the figures' tables: every query fails in SQL
    broken = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    zh = loading.section(
        broken, name, OCTOBER, Ctx("2026-10", "2026年10月", "zh", TZ), now_ms(), BOUNDS
    )
    en = loading.section(
        broken, name, OCTOBER, Ctx("2026-10", "Oct 2026", "en", TZ), now_ms(), BOUNDS
    )
    assert "wf-fig-failed" in zh.className and "wf-fig-failed" in en.className
    assert "本栏数据暂时无法读取" in text_of(zh) and "重新加载" in text_of(zh)
    assert "could not be read" in text_of(en) and "period=2026-10&lang=en" in text_of(en)
    assert "Traceback" not in text_of(en) and "no such table" not in text_of(en)


def test_the_headline_renders_on_a_working_store(engine: Engine) -> None:
    got = loading.section(
        engine, "headline", OCTOBER, Ctx("2026-10", "x", "en", TZ), now_ms(), BOUNDS
    )
    assert "wf-fig-headline" in got.className and "wf-fig-failed" not in got.className
