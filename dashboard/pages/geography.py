"""Administration of the geography: check a grid or address file, import it, the versions.

The same import as `watchfloor import-grids` / `import-addresses`: the report first (a
check writes nothing), then the import as a new version that running walls and
workers switch to. The import runs in a thread of the web process (dashboard/imports.py)
and the page polls its progress twice a second: a bar with the stage and counts, then
the report. Files come through the browser (up to 200 MB); the command line has no such
limit.
"""

from __future__ import annotations

import base64
import binascii
import tempfile
from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import console, imports
from dashboard.auth import ADMIN, allowed, require
from dashboard.cli.geography import render
from dashboard.services import Services, current
from feeds.geography import switch, versions
from feeds.geography.addresses import import_addresses
from feeds.geography.grids import import_grids
from feeds.geography.words import say

dash.register_page(__name__, path="/admin/geography", title="watchfloor · 地理数据 Geography")

FILE, NAME, KIND, FIELDS, CRS = "geo-file", "geo-name", "geo-kind", "geo-fields", "geo-crs"
CHECK, IMPORT, REPORT, VERSIONS = "geo-check", "geo-import", "geo-report", "geo-versions"
PROGRESS, JOB, POLL = "geo-progress", "geo-job", "geo-poll"
KINDS = [
    {"label": "网格 Grids (GeoJSON, Shapefile .zip/.shp, GeoPackage)", "value": "grids"},
    {"label": "地址 Addresses (CSV, GeoPackage)", "value": "addresses"},
]
CRS_OPTIONS = [
    {"label": "文件自带 The file's own", "value": ""},
    {"label": "GCJ-02 (高德/腾讯 amap, Tencent)", "value": "gcj02"},
    {"label": "BD-09 (百度 Baidu)", "value": "bd09"},
]
HEAD = [("版本", "Version"), ("导入时间", "Imported"), ("来源", "Source"), ("数量", "Cells")]


def versions_table() -> html.Table:
    tz = current().settings.timezone
    with current().engine.connect() as conn:
        rows = versions.history(conn)
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(console.bi(h)) for h in HEAD])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(str(r["version"])),
                            html.Td(console.when(r["created_at"], tz, "%Y-%m-%d %H:%M")),
                            html.Td(str(r["source"])),
                            html.Td(str(r["counts"])),
                        ],
                        className="wf-geo-version",
                        **{"data-version": str(r["version"])},
                    )
                    for r in rows
                ]
            ),
        ],
        className="wf-table",
    )


def _field(label: tuple[str, str], control: Any) -> html.Label:
    return html.Label([console.bi(label), control], className="wf-field")


def layout(**_kw: Any) -> html.Div:
    if not allowed(*ADMIN):
        return console.forbidden()
    return html.Div(
        [
            console.header(("地理数据", "Geography")),
            html.Div(
                [
                    _field(("类型", "What"), dcc.RadioItems(KINDS, "grids", id=KIND)),
                    dcc.Upload(
                        html.Div(console.bi(("拖入或选择文件", "Drop or choose a file"))),
                        id=FILE,
                        className="wf-upload",
                        max_size=200 * 1024 * 1024,
                    ),
                    html.Div(id=NAME, className="wf-geo-name"),
                    _field(
                        ("字段映射", "Field mapping"),
                        dcc.Input(
                            id=FIELDS, placeholder="code=WGBM,level=CJ,name=WGMC,parent=SJBM"
                        ),
                    ),
                    _field(
                        ("坐标系", "Coordinates"),
                        dcc.Dropdown(CRS_OPTIONS, "", id=CRS, clearable=False),
                    ),
                    html.Button(console.bi(("检查（不写入）", "Check (writes nothing)")), id=CHECK),
                    html.Button(console.bi(("导入为新版本", "Import as a new version")), id=IMPORT),
                ],
                className="wf-admin",
            ),
            html.Div(id=PROGRESS, className="wf-geo-progress"),
            html.Pre(id=REPORT, className="wf-geo-report", role="status"),
            dcc.Store(id=JOB),
            dcc.Interval(id=POLL, interval=500, disabled=True),
            html.H2(console.bi(("版本", "Versions"))),
            html.Div(versions_table(), id=VERSIONS),
        ],
        className="wf-console",
    )


@callback(Output(NAME, "children"), Input(FILE, "filename"))  # type: ignore[untyped-decorator]
def show_name(filename: str | None) -> str:
    return filename or ""


def progress_bar(job: imports.Job) -> html.Div:
    """The stage, a bar, and the counts: `写入 / writing [====  ] 40,000 / 1,100,000 (4%)`."""
    return html.Div(
        [
            html.Span(say(job.stage or "reading"), className="wf-geo-stage"),
            html.Progress(
                value=str(job.done),
                max=str(max(job.total, 1)),
                style={"width": "24em", "margin": "0 0.75em"},
            ),
            html.Span(
                f"{job.done:,} / {job.total:,} ({job.share:.0%})", className="wf-geo-counts"
            ),
        ],
        style={"margin": "0.75em 0"},
        **{"data-state": job.state},
    )


def run(
    services: Services,
    kind: str,
    path: Path,
    fields: str,
    crs: str,
    dry_run: bool,
    progress: imports.Progress,
) -> str:
    """The report of checking (or importing) a file, as text."""

    def announce(version: int) -> None:
        switch.announce(services.redis, services.settings, version, grids=kind == "grids")

    if kind == "addresses":
        outcome = import_addresses(
            services.engine,
            path,
            crs=crs or None,
            dry_run=dry_run,
            announce=announce,
            progress=progress,
        )
    else:
        outcome = import_grids(
            services.engine,
            path,
            fields=fields or None,
            crs=crs or None,
            dry_run=dry_run,
            announce=announce,
            progress=progress,
        )
    return render(outcome.summary())


def begin(kind: str, filename: str, contents: str, fields: str, crs: str, dry_run: bool) -> str:
    """Start checking (or importing) an uploaded file; the job's id, or ValueError."""
    try:
        data = base64.b64decode(contents.partition(",")[2], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("无法读取上传的文件 / the upload could not be read") from exc
    services = current()  # here: the import's thread has no request to find it by

    def job(progress: imports.Progress) -> str:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(filename).name  # the suffix says the format
            path.write_bytes(data)
            return run(services, kind, path, fields, crs, dry_run, progress)

    return imports.start(services.redis, services.settings, job).job


@callback(  # type: ignore[untyped-decorator]
    Output(REPORT, "children"),
    Output(JOB, "data"),
    Output(POLL, "disabled"),
    Output(PROGRESS, "children"),
    Output(CHECK, "disabled"),
    Output(IMPORT, "disabled"),
    Input(CHECK, "n_clicks"),
    Input(IMPORT, "n_clicks"),
    State(KIND, "value"),
    State(FILE, "filename"),
    State(FILE, "contents"),
    State(FIELDS, "value"),
    State(CRS, "value"),
    prevent_initial_call=True,
)
def act(
    _check: int | None,
    _import: int | None,
    kind: str,
    filename: str | None,
    contents: str | None,
    fields: str | None,
    crs: str | None,
) -> tuple[Any, ...]:
    require(*ADMIN)
    if not ctx.triggered_id:
        raise PreventUpdate
    idle = (None, True, None, False, False)
    if not filename or not contents:
        return ("请先选择文件 / choose a file first", *idle)
    dry_run = ctx.triggered_id == CHECK
    try:
        job = begin(kind, filename, contents, fields or "", crs or "", dry_run)
    except ValueError as exc:
        return (str(exc), *idle)
    return "", job, False, progress_bar(imports.Job(imports.RUNNING)), True, True


@callback(  # type: ignore[untyped-decorator]
    Output(PROGRESS, "children", allow_duplicate=True),
    Output(REPORT, "children", allow_duplicate=True),
    Output(VERSIONS, "children"),
    Output(POLL, "disabled", allow_duplicate=True),
    Output(CHECK, "disabled", allow_duplicate=True),
    Output(IMPORT, "disabled", allow_duplicate=True),
    Input(POLL, "n_intervals"),
    State(JOB, "data"),
    prevent_initial_call=True,
)
def poll(_n: int | None, job_id: str | None) -> tuple[Any, ...]:
    require(*ADMIN)
    if not job_id:
        raise PreventUpdate
    services = current()
    job = imports.read(services.redis, services.settings, job_id)
    if not job.finished:
        return progress_bar(job), dash.no_update, dash.no_update, False, True, True
    if job.state == imports.LOST:
        text = (
            "导入中断（网页进程已停止），未写入任何数据 / the import stopped without a "
            "report (its web process ended); nothing was written"
        )
        return None, text, dash.no_update, True, False, False
    return progress_bar(job), job.report, versions_table(), True, False, False
