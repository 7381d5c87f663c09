"""Reports: those made by themselves (the daily report every morning, the monthly report
per street on the 1st) and those leaders ask for, with their status while being made,
and their files (printable HTML, PDF, Excel)."""

from __future__ import annotations

from datetime import timedelta
from html import escape
from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html
from dash_extensions import Purify

from dashboard import console
from dashboard.auth import VIEW, allowed, current_user, require
from dashboard.reports import jobs
from dashboard.reports.routes import MAKERS, ask_of
from dashboard.services import current
from feeds import queries
from feeds import reports as store
from feeds.clock import now_ms
from feeds.stats.period import local_date

dash.register_page(__name__, path="/reports", title="watchfloor · 报告 Reports")

LIST = "fig-rep-list"
TICK = "fig-rep-tick"
RESULT = "fig-rep-result"
DAY = "fig-rep-day"
MONTH = "fig-rep-month"
AREA = "fig-rep-area"
RANGE = "fig-rep-range"
MAKE_DAILY = "fig-rep-make-daily"
MAKE_GRID = "fig-rep-make-grid"
MAKE_PERIOD = "fig-rep-make-period"
STATUS = {
    "queued": ("排队中", "Queued"),
    "making": ("生成中", "Making"),
    "done": ("已完成", "Done"),
    "failed": ("失败", "Failed"),
}
FORMAT_WORDS = {"html": "打印版 HTML", "pdf": "PDF", "xlsx": "Excel"}


def _button(button_id: str, enabled: bool) -> html.Button:
    return html.Button("生成 Make", id=button_id, className="wf-btn", disabled=not enabled)


def _box(title: tuple[str, str], children: list[Any]) -> html.Div:
    return html.Div([html.H2(console.bi(title)), *children], className="wf-admin-box")


def layout(**_q: Any) -> html.Div:
    if not console.can_view():
        return console.forbidden()
    s = current()
    today = local_date(now_ms(), s.settings.timezone)
    yesterday = today - timedelta(days=1)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    with s.engine.connect() as conn:
        streets = queries.area_options(conn, "street")
        communities = queries.area_options(conn, "community")
    areas = [{"label": f"{a['name']} {a['code']}", "value": a["code"]} for a in streets] + [
        {"label": f"{a['name']} {a['code']}", "value": a["code"]} for a in communities
    ]
    can_make = allowed(*MAKERS)
    makers = html.Div(
        [
            _box(
                ("日报", "Daily report"),
                [
                    dcc.DatePickerSingle(
                        id=DAY,
                        date=yesterday.isoformat(),
                        display_format="YYYY-MM-DD",
                        first_day_of_week=1,
                    ),
                    html.Button(
                        "生成 Make", id=MAKE_DAILY, className="wf-btn", disabled=not can_make
                    ),
                ],
            ),
            _box(
                ("网格月度研判报告", "Monthly report per grid"),
                [
                    dcc.Input(
                        id=MONTH,
                        value=f"{last_month:%Y-%m}",
                        placeholder="YYYY-MM",
                        className="wf-fig-month",
                    ),
                    dcc.Dropdown(
                        id=AREA,
                        options=areas,
                        value=streets[0]["code"] if streets else None,
                        placeholder="街道 / 社区 / 网格编码 street, community or grid",
                        searchable=True,
                    ),
                    html.P("街道或社区：每个网格一章，合成一份文件", className="wf-muted"),
                    html.Button(
                        "生成 Make", id=MAKE_GRID, className="wf-btn", disabled=not can_make
                    ),
                ],
            ),
            _box(
                ("任意时段", "Any period"),
                [
                    dcc.DatePickerRange(
                        id=RANGE,
                        start_date=last_month.isoformat(),
                        end_date=(today.replace(day=1) - timedelta(days=1)).isoformat(),
                        display_format="YYYY-MM-DD",
                        first_day_of_week=1,
                        minimum_nights=0,
                    ),
                    html.Button(
                        "生成 Make", id=MAKE_PERIOD, className="wf-btn", disabled=not can_make
                    ),
                ],
            ),
        ],
        className="wf-admin wf-fig-makers",
    )
    return html.Div(
        [
            console.header(("报告", "Reports")),
            html.P(
                "日报每天早上自动生成前一日；每月 1 日自动生成上月各街道的网格月度研判报告。"
                " The daily report is made every morning for the day before; each street's "
                "monthly report on the 1st.",
                className="wf-muted",
            ),
            makers if can_make else html.P("只读 · read only", className="wf-muted"),
            html.Div(id=RESULT, className="wf-act-result"),
            dcc.Interval(id=TICK, interval=2000),
            html.Div(id=LIST),
        ],
        className="wf-console wf-fig wf-reports",
    )


def listing_html(rows: list[dict[str, Any]]) -> str:
    """The reports as one HTML table (status, progress, files)."""
    head = "".join(
        f"<th>{h}</th>"
        for h in ("报告 Report", "状态 Status", "提出 Asked by", "时间 Asked at", "文件 Files")
    )
    body = []
    for r in rows:
        status = STATUS.get(r["status"], (r["status"], r["status"]))
        bar = ""
        if r["status"] in ("queued", "making"):
            bar = (
                f'<div class="wf-progress"><i style="width:{int(r["progress"])}%"></i></div>'
                f'<span class="wf-muted">{int(r["progress"])}% {escape(r["step"])}</span>'
            )
        if r["status"] == "failed":
            bar = f'<span class="wf-error">{escape(r["error"][:200])}</span>'
        files = " ".join(
            f'<a class="wf-fig-dl" href="/api/reports/file/{f}?id={escape(r["id"])}"'
            f"{' download' if f == 'xlsx' else ' target=_blank'}>{FORMAT_WORDS[f]}</a>"
            for f in r["formats"]
        )
        body.append(
            f'<tr data-report="{escape(r["id"])}" data-status="{escape(r["status"])}">'
            f'<td>{escape(r["title"])}<div class="wf-muted">{escape(r["id"])}</div></td>'
            f'<td><span class="wf-status wf-status-{escape(r["status"])}">'
            f"{status[0]} {status[1]}</span>"
            f"{bar}</td><td>{escape(r['requested_by'])}</td>"
            f"<td>{escape(console.when(r['requested_at'], current().settings.timezone))}</td>"
            f"<td>{files}</td></tr>"
        )
    if not rows:
        body.append('<tr><td colspan="5" class="wf-muted">暂无报告 No reports yet</td></tr>')
    return (
        f'<table class="wf-table wf-fig-table wf-report-list"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


@callback(Output(LIST, "children"), Input(TICK, "n_intervals"), Input(RESULT, "children"))  # type: ignore[untyped-decorator]
def refresh(_n: Any, _result: Any) -> Purify:
    require(*VIEW)
    with current().engine.connect() as conn:
        rows = store.listing(conn)
    return Purify(html=listing_html(rows))


@callback(  # type: ignore[untyped-decorator]
    Output(RESULT, "children"),
    Input(MAKE_DAILY, "n_clicks"),
    Input(MAKE_GRID, "n_clicks"),
    Input(MAKE_PERIOD, "n_clicks"),
    State(DAY, "date"),
    State(MONTH, "value"),
    State(AREA, "value"),
    State(RANGE, "start_date"),
    State(RANGE, "end_date"),
    prevent_initial_call=True,
)
def make(
    _d: Any,
    _g: Any,
    _p: Any,
    day: str | None,
    month: str | None,
    area: str | None,
    first: str | None,
    last: str | None,
) -> str:
    require(*MAKERS)
    which = dash.ctx.triggered_id
    form = {
        MAKE_DAILY: {"kind": "daily", "date": day or ""},
        MAKE_GRID: {"kind": "grid", "month": month or "", "area": area or ""},
        MAKE_PERIOD: {"kind": "period", "first": first or "", "last": last or ""},
    }.get(which, {})
    try:
        a = ask_of(form)
    except ValueError as exc:
        return f"无法生成 Not made: {exc}"
    s = current()
    user = current_user()
    jobs.ask(s.engine, a, user.username if user else "?", now_ms(), again=True)
    runner = getattr(dash.get_app().server.state, "reports_runner", None)
    if runner is not None:
        runner.wake.set()
    return f"已加入队列 Queued: {a.report_id}"
