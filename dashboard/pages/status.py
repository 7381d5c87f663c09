"""System status: the feed loop end to end, for whoever runs the system.

zh-CN by default, English with ``?lang=en`` (as the figures pages); the site's navigation
on top; an empty cell says "—", never "None".
"""

from __future__ import annotations

import json
import logging
from typing import Any, Final

import dash
import redis
from dash import MATCH, Input, Output, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import console, ids, ops
from dashboard.auth import ADMIN, STATUS, allowed, require
from dashboard.i18n import lang_of
from dashboard.ops import EMPTY, cell
from dashboard.personal import mask_fields
from dashboard.services import current
from feeds import constants as K
from feeds import signins
from feeds.clock import now_ms
from feeds.settings import Settings

dash.register_page(__name__, path="/status", title="watchfloor · 系统状态 Status")

log = logging.getLogger(__name__)

Pair = tuple[str, str]
WORDS: Final[dict[str, Pair]] = {
    "title": ("系统状态", "System status"),
    "reports": ("今日事件", "Events today"),
    "open": ("在办", "Open"),
    "late": ("超时", "Late now"),
    "sensors_online": ("在线感知设备", "Sensors online"),
    "streams": ("数据流", "Streams"),
    "stream": ("数据流", "Stream"),
    "length": ("长度", "Length"),
    "pending": ("待确认", "Pending"),
    "lag": ("未读", "Lag"),
    "shard": ("分片", "Shard"),
    "owner": ("归属进程", "Owner"),
    "every": ("全部进程", "all workers"),
    "shards": ("所属分片", "Shards"),
    "problems": ("丢失与忽略", "Lost and ignored"),
    "what": ("项目", "What"),
    "count": ("数量", "Count"),
    "example": ("示例", "e.g."),
    "lost": ("入库前被截断丢失 (MAXLEN)：{s}", "Lost before ingest (MAXLEN): {s}"),
    "waiting": ("等待前序操作的操作", "Actions waiting for their report or earlier actions"),
    "unregistered": (
        "未登记设备读数（已忽略）",
        "Readings of unregistered sensors (ignored)",
    ),
    "workers": ("入库进程", "Ingest workers"),
    "consumer": ("进程", "Consumer"),
    "age": ("心跳距今", "Last heartbeat"),
    "dead": ("最近的死信", "Recent dead letters"),
    "id": ("编号", "Id"),
    "reason": ("原因", "Reason"),
    "fields": ("内容", "Fields"),
    "reveal": ("查看", "Reveal"),
    "gone": ("已不存在", "gone"),
    "none_yet": ("暂无", "None yet"),
    "connecting": ("正在连接…", "connecting…"),
    "live": ("实时 · 已收到 {n} 次更新", "live · {n} updates"),
    "reconnecting": ("正在重连…", "reconnecting…"),
    "other": ("English", "中文"),
}
STREAMS: Final[dict[str, Pair]] = {
    K.STREAM_REPORTS: ("事件上报", "reports"),
    K.STREAM_SENSORS: ("感知读数", "sensor readings"),
    K.STREAM_ACTIONS: ("处置操作", "actions"),
    K.STREAM_PATROLS: ("巡查打卡", "patrols"),
    K.STREAM_DEAD: ("死信", "dead letters"),
}
HEADLINE: Final = ("reports", "open", "late", "sensors_online")


def w(key: str, lang: str) -> str:
    return WORDS[key][1 if lang == "en" else 0]


def stream_name(stream: str, lang: str) -> str:
    pair = STREAMS.get(stream)
    if pair is None:
        return stream
    return f"{pair[1]}" if lang == "en" else f"{pair[0]} {stream}"


def _table(heads: list[str], rows: list[list[Any]], lang: str, cls: str = "") -> html.Table:
    body = [html.Tr([html.Td(cell(v)) for v in row]) for row in rows] or [
        html.Tr(html.Td(w("none_yet", lang), colSpan=len(heads), className="wf-muted"))
    ]
    return html.Table(
        [html.Tr([html.Th(h) for h in heads]), *body], className=f"wf-table {cls}".strip()
    )


def _shown(fields: Any) -> str:
    return json.dumps(fields, ensure_ascii=False)[:160]


def _dead_table(dead: list[dict[str, Any]], reveal: bool, lang: str) -> html.Table:
    heads = [w(k, lang) for k in ("id", "stream", "reason", "fields")]
    rows = []
    for d in dead:
        cells = [html.Td(cell(d.get(c))) for c in ("id", "stream", "reason")]
        fields = html.Td(
            _shown(mask_fields(d["fields"])), id={"type": ids.ADM_DEAD_FIELDS, "id": d["id"]}
        )
        button = html.Td(
            html.Button(
                w("reveal", lang),
                id={"type": ids.ADM_DEAD_REVEAL, "id": d["id"]},
                className="wf-btn wf-btn-small",
            )
        )
        rows.append(html.Tr([*cells, fields, *([button] if reveal else [])]))
    if not rows:
        rows = [html.Tr(html.Td(w("none_yet", lang), colSpan=4, className="wf-muted"))]
    return html.Table(
        [html.Tr([html.Th(h) for h in heads]), *rows], className="wf-table wf-dead-letters"
    )


def _problems(lang: str) -> list[list[Any]]:
    s = current()
    out = []
    for row in ops.problems(s.redis, s.settings):
        what = row["what"]
        if what.startswith("lost:"):
            text = w("lost", lang).format(s=stream_name(what.removeprefix("lost:"), lang))
        else:
            text = w(what, lang)
        out.append([text, row["count"], row["e.g."]])
    return out


STREAM_COLUMNS: Final = ("shard", "stream", "length", "lag", "pending", "owner")
WORKER_COLUMNS: Final = ("consumer", "age", "shards", "lag", "pending")


def _lag_rows(
    r: redis.Redis, settings: Settings, lang: str
) -> tuple[list[list[Any]], list[list[Any]]]:
    """The streams per shard and the workers, as `watchfloor check` prints them."""
    one = settings.shards <= 1  # every worker reads the one shard
    streams = [
        [
            x["shard"],
            stream_name(x["stream"], lang),
            x["length"],
            x["lag"],
            x["pending"],
            w("every", lang) if one and x["shard"] is not None else x["owner"],
        ]
        for x in ops.stream_status(r, settings)
    ]
    workers = [
        [
            x["consumer"],
            None if x["age_s"] is None else f"{x['age_s']:.1f} s",
            "0" if one else ", ".join(map(str, x["shards"])),
            None if one else x["lag"],  # one shard is everyone's: its lag is nobody's own
            x["pending"],
        ]
        for x in ops.workers(r, settings)
    ]
    return streams, workers


def layout(lang: str | None = None, **_kw: Any) -> html.Div:
    if not allowed(*STATUS):
        return console.forbidden()
    lang = lang_of(lang)
    s = current()
    streams, workers = _lag_rows(s.redis, s.settings, lang)
    dead = ops.recent_dead_letters(s.redis, s.settings)
    switch = "/status" if lang == "en" else "/status?lang=en"
    return html.Div(
        [
            console.header(WORDS["title"]),
            dcc.Link(
                w("other", lang), href=switch, id="status-lang-switch", className="wf-lang-switch"
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.Div(
                                EMPTY, className="wf-figure", **{"data-live": f"headline.{key}"}
                            ),
                            html.Div(w(key, lang), className="wf-label"),
                        ],
                        className="wf-status-tile",
                    )
                    for key in HEADLINE
                ],
                className="wf-status-tiles",
            ),
            html.Div(
                w("connecting", lang),
                id="wf-feed-state",
                className="wf-feed-state",
                **{"data-live-text": w("live", lang), "data-lost-text": w("reconnecting", lang)},
            ),
            html.H2(w("streams", lang)),
            _table([w(k, lang) for k in STREAM_COLUMNS], streams, lang, "wf-lag-streams"),
            html.H2(w("problems", lang)),
            _table([w(k, lang) for k in ("what", "count", "example")], _problems(lang), lang),
            html.H2(w("workers", lang)),
            _table([w(k, lang) for k in WORKER_COLUMNS], workers, lang, "wf-lag-workers"),
            html.H2(w("dead", lang)),
            _dead_table(dead, reveal=allowed(*ADMIN), lang=lang),
        ],
        className="wf-console wf-status-page",
        lang="zh-CN" if lang == "zh" else "en",
    )


@callback(  # type: ignore[untyped-decorator]
    Output({"type": ids.ADM_DEAD_FIELDS, "id": MATCH}, "children"),
    Input({"type": ids.ADM_DEAD_REVEAL, "id": MATCH}, "n_clicks"),
    prevent_initial_call=True,
)
def reveal(n: int | None) -> str:
    """An admin sees one dead letter whole; who and which is logged."""
    user = require(*ADMIN)
    button = ctx.triggered_id
    if not n or not isinstance(button, dict):
        raise PreventUpdate
    s = current()
    entry = str(button.get("id", ""))
    found = s.redis.xrange(s.settings.key(K.STREAM_DEAD), min=entry, max=entry)
    if not found:
        return f"（{WORDS['gone'][0]} {WORDS['gone'][1]}）"
    log.warning("dead letter %s revealed to %s", entry, user.username)
    with s.engine.begin() as conn:
        signins.record_reveal(conn, user.username, "deadletter", entry, now_ms())
    return _shown(json.loads(found[0][1].get("fields") or "{}"))
