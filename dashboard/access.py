"""The admin page's view of access: who is signed in where, wall screens' kiosk tokens and
the trail of sign-ins (failures and locks), with a button to end a session or revoke a token.
The callback lives in the page module (dashboard/pages/admin.py), as Dash pages need.
"""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard import console, ids
from dashboard.services import current
from feeds import sessions, signins, users

OUTCOMES = {
    "ok": ("成功", "Signed in"),
    "fail": ("密码错误", "Wrong password"),
    "lock": ("锁定", "Locked"),
    "refused": ("锁定中拒绝", "Refused while locked"),
}
SCOPES = {"address": ("按地址", "address"), "account": ("按账号", "account"), "": ("", "")}


def _head(cols: list[tuple[str, str]]) -> html.Thead:
    return html.Thead(html.Tr([html.Th(console.bi(c)) for c in cols]))


def sessions_table(rows: list[dict[str, Any]], tz: str) -> html.Table:
    head = [("编号", "ID"), ("用户", "Who"), ("登录于", "Since"), ("来自", "From")]
    head += [("最近活动", "Last seen"), ("", "")]
    return html.Table(
        [
            _head(head),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(str(s["id"])),
                            html.Td(str(s["who"])),
                            html.Td(console.when(int(s["since"]), tz)),
                            html.Td(str(s["address"]), title=str(s["agent"])),
                            html.Td(console.when(int(s["last_seen"]), tz)),
                            html.Td(
                                html.Button(
                                    console.bi(("结束", "End")),
                                    id={"type": ids.ADM_END_SESSION, "id": str(s["id"])},
                                    className="wf-btn wf-btn-small",
                                )
                            ),
                        ],
                        className="wf-session-row",
                        **{"data-session": str(s["id"]), "data-who": str(s["who"])},
                    )
                    for s in rows
                ]
            ),
        ],
        className="wf-table wf-sessions",
    )


def kiosks_table(rows: list[dict[str, Any]], tz: str) -> html.Table:
    head = [("编号", "ID"), ("名称", "Label"), ("创建人", "Made by"), ("创建于", "Made")]
    head += [("状态", "State"), ("", "")]
    return html.Table(
        [
            _head(head),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(str(k["id"])),
                            html.Td(str(k["label"])),
                            html.Td(str(k["created_by"])),
                            html.Td(console.when(int(k["created_at"]), tz)),
                            html.Td("已吊销 Revoked" if k["revoked"] else "有效 Valid"),
                            html.Td(
                                ""
                                if k["revoked"]
                                else html.Button(
                                    console.bi(("吊销", "Revoke")),
                                    id={"type": ids.ADM_REVOKE_KIOSK, "id": str(k["id"])},
                                    className="wf-btn wf-btn-small",
                                )
                            ),
                        ],
                        className="wf-kiosk-row",
                        **{"data-kiosk": str(k["id"]), "data-revoked": str(int(k["revoked"]))},
                    )
                    for k in rows
                ]
            ),
        ],
        className="wf-table wf-kiosks",
    )


def trail_table(rows: list[dict[str, Any]], tz: str) -> html.Table:
    head = [("时间", "When"), ("用户名", "Username"), ("地址", "Address")]
    head += [("结果", "Outcome"), ("锁定至", "Locked until")]
    return html.Table(
        [
            _head(head),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(console.when(int(t["at"]), tz)),
                            html.Td(str(t["username"])),
                            html.Td(str(t["address"])),
                            html.Td(
                                f"{console.lab(OUTCOMES, str(t['outcome']))} "
                                f"{' '.join(SCOPES.get(str(t['scope']), ('', '')))}".strip()
                            ),
                            html.Td(console.when(t["until"], tz) if t["until"] else ""),
                        ],
                        className="wf-signin-row",
                        **{"data-outcome": str(t["outcome"])},
                    )
                    for t in rows
                ]
            ),
        ],
        className="wf-table wf-signins",
    )


def reveals_table(rows: list[dict[str, Any]], tz: str) -> html.Table:
    head = [("时间", "When"), ("用户名", "Username"), ("内容", "What"), ("编号", "Which")]
    return html.Table(
        [
            _head(head),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(console.when(int(t["at"]), tz)),
                            html.Td(str(t["username"])),
                            html.Td(
                                "死信 dead letter" if t["what"] == "deadletter" else str(t["what"])
                            ),
                            html.Td(str(t["target"])),
                        ],
                        className="wf-reveal-row",
                    )
                    for t in rows
                ]
            ),
        ],
        className="wf-table wf-reveals",
    )


def section() -> html.Div:
    """The three lists as they are now."""
    s = current()
    tz = s.settings.timezone
    with s.engine.connect() as conn:
        live = sessions.list_sessions(conn)
        kiosks = users.list_kiosks(conn)
        trail = signins.trail(conn, 50)
        shown = signins.recent_reveals(conn, 20)
    return html.Div(
        [
            html.H2(console.bi(("在线会话", "Signed in now"))),
            sessions_table(live, tz),
            html.H2(console.bi(("大屏令牌", "Wall kiosk tokens"))),
            kiosks_table(kiosks, tz),
            html.H2(console.bi(("登录记录（失败与锁定）", "Sign-ins, failures and locks"))),
            trail_table(trail, tz),
            html.H2(console.bi(("个人信息查看记录", "Personal data shown"))),
            reveals_table(shown, tz),
        ]
    )


def revoke(button: dict[str, Any]) -> Any:
    """End the session or revoke the kiosk token a row's button names; a message."""
    target = str(button.get("id", ""))
    with current().engine.begin() as conn:
        if button.get("type") == ids.ADM_END_SESSION:
            done = sessions.revoke_session(conn, target)
            return f"已结束会话 session ended: {target}" if done else "会话已不存在 gone"
        try:
            label = users.revoke_kiosk(conn, target)
        except users.AccountError as exc:
            return html.Span(f"无法完成 · not done: {exc}", className="wf-error")
        return f"已吊销 revoked: {label} ({target})"


def block() -> html.Div:
    return html.Div(
        [
            html.Div(id=ids.ADM_ACCESS_RESULT, className="wf-act-result", role="status"),
            html.Div(section(), id=ids.ADM_ACCESS),
        ],
        className="wf-access",
    )
