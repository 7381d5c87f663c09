"""The list's filters: the controls, and what they mean as a query."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import console, ids
from feeds import queries
from feeds.clock import day_start
from feeds.pipeline import ALL_STATES
from feeds.vocab import CATEGORIES, SOURCES, STATES

SINCE = {
    "1h": ("近1小时", "Last hour"),
    "today": ("今日", "Today"),
    "24h": ("近24小时", "Last 24 h"),
    "7d": ("近7天", "Last 7 days"),
    "all": ("全部", "All"),
}
STATE_ORDER = [s for s in STATES if s in ALL_STATES]


def options(
    table: dict[str, tuple[str, str]], codes: list[str] | None = None
) -> list[dict[str, str]]:
    return [{"label": f"{table[c][0]} {table[c][1]}", "value": c} for c in (codes or list(table))]


def since_ms(choice: str | None, now: int, tz: str) -> int | None:
    return {
        "1h": now - 3_600_000,
        "today": day_start(now, tz),
        "24h": now - 86_400_000,
        "7d": now - 7 * 86_400_000,
    }.get(choice or "all")


def filters_of(
    states: list[str] | None,
    sla: str | None,
    category: str | None,
    source: str | None,
    street: str | None,
    community: str | None,
    grid: str | None,
    text: str | None,
    since: int | None,
) -> queries.Filters:
    return queries.Filters(
        states=tuple(s for s in states or [] if s in ALL_STATES),
        sla=sla if sla in queries.SLA_COLOURS else "",
        category=category or "",
        source=source or "",
        street=street or "",
        community=community or "",
        grid=(grid or "").strip()[:64],
        text=(text or "").strip()[:100],
        since=since,
    )


def field(label: tuple[str, str], control: Any, wide: bool = False) -> html.Label:
    return html.Label(
        [html.Span(console.bi(label), className="wf-field-label"), control],
        className="wf-field wf-field-search" if wide else "wf-field",
    )


def controls(
    q: dict[str, Any], streets: list[dict[str, Any]], communities: list[dict[str, Any]]
) -> html.Div:
    """The filter controls, set from the URL's query."""
    states = [v for v in str(q.get("state", "")).split(",") if v in ALL_STATES]
    return html.Div(
        [
            field(
                ("状态", "State"),
                dcc.Dropdown(
                    id=ids.F_STATE, options=options(STATES, STATE_ORDER), value=states, multi=True
                ),
            ),
            field(
                ("时限", "SLA"),
                dcc.Dropdown(
                    id=ids.F_SLA,
                    value=q.get("sla") or None,
                    options=[
                        {"label": f"{v[0]} {v[1]}", "value": k}
                        for k, v in console.SLA_LABELS.items()
                    ],
                ),
            ),
            field(
                ("分类", "Category"),
                dcc.Dropdown(
                    id=ids.F_CATEGORY, options=options(CATEGORIES), value=q.get("category") or None
                ),
            ),
            field(
                ("来源", "Source"),
                dcc.Dropdown(
                    id=ids.F_SOURCE, options=options(SOURCES), value=q.get("source") or None
                ),
            ),
            field(
                ("街道", "Street"),
                dcc.Dropdown(
                    id=ids.F_STREET,
                    value=q.get("street") or None,
                    options=[
                        {"label": f"{a['name']} {a['name_en']}", "value": a["code"]}
                        for a in streets
                    ],
                ),
            ),
            field(
                ("社区", "Community"),
                dcc.Dropdown(
                    id=ids.F_COMMUNITY,
                    value=q.get("community") or None,
                    options=[{"label": a["name"], "value": a["code"]} for a in communities],
                ),
            ),
            field(
                ("网格", "Grid"),
                dcc.Input(
                    id=ids.F_GRID,
                    value=q.get("grid", ""),
                    debounce=True,
                    placeholder="网格编码 grid code",
                ),
            ),
            field(
                ("时间", "Time"),
                dcc.Dropdown(
                    id=ids.F_SINCE,
                    options=options(SINCE),
                    value=q.get("since") or "all",
                    clearable=False,
                ),
            ),
            field(
                ("搜索", "Search"),
                dcc.Input(
                    id=ids.F_TEXT,
                    value=q.get("q", ""),
                    debounce=True,
                    placeholder="编号 / 内容 / 地址码 No., text, address",
                ),
                wide=True,  # two columns: the placeholder says what it searches in full
            ),
        ],
        className="wf-filters",
    )
