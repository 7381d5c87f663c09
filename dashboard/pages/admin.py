"""Administration: accounts (create, reset a password, disable, enable) and kiosk links."""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import access, console, ids, qrsheet
from dashboard.auth import ADMIN, allowed, require
from dashboard.services import current
from feeds import users

dash.register_page(__name__, path="/admin", title="watchfloor · 管理 Admin")

HEAD = [("用户名", "Username"), ("姓名", "Name"), ("角色", "Role"), ("状态", "Status")]
ROLE_OPTIONS = [{"label": f"{v[0]} {v[1]}", "value": k} for k, v in users.ROLES.items()]


def _accounts() -> list[dict[str, object]]:
    with current().engine.connect() as conn:
        return users.list_users(conn)


def users_table(rows: list[dict[str, object]]) -> html.Table:
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(console.bi(h)) for h in HEAD])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(str(u["username"])),
                            html.Td(str(u["display_name"])),
                            html.Td(console.lab(users.ROLES, str(u["role"]))),
                            html.Td("停用 Disabled" if u["disabled"] else "启用 Enabled"),
                        ],
                        className="wf-user-row",
                        **{"data-user": str(u["username"]), "data-disabled": str(u["disabled"])},
                    )
                    for u in rows
                ]
            ),
        ],
        className="wf-table wf-users",
    )


def user_options(rows: list[dict[str, object]]) -> list[dict[str, str]]:
    return [
        {"label": f"{u['username']} · {u['display_name']}", "value": str(u["username"])}
        for u in rows
    ]


def _field(label: tuple[str, str], control: Any) -> html.Label:
    return html.Label([console.bi(label), control], className="wf-field")


def layout(**_kw: Any) -> html.Div:
    if not allowed(*ADMIN):
        return console.forbidden()
    rows = _accounts()
    return html.Div(
        [
            console.header(("系统管理", "Administration")),
            html.Div(id=ids.ADM_RESULT, className="wf-act-result", role="status"),
            html.P(
                html.A(
                    console.bi(
                        ("地理数据：网格与地址导入", "Geography: import grids and addresses")
                    ),
                    href="/admin/geography",
                )
            ),
            html.H2(console.bi(("用户", "Accounts"))),
            html.Div(users_table(rows), id=ids.ADM_USERS),
            html.Div(
                [
                    html.Div(
                        [
                            html.H2(console.bi(("新建用户", "New account"))),
                            _field(("用户名", "Username"), dcc.Input(id=ids.ADM_USERNAME)),
                            _field(("姓名", "Display name"), dcc.Input(id=ids.ADM_DISPLAY)),
                            _field(
                                ("角色", "Role"),
                                dcc.Dropdown(
                                    id=ids.ADM_ROLE,
                                    options=ROLE_OPTIONS,
                                    value="officer",
                                    clearable=False,
                                ),
                            ),
                            _field(
                                ("密码", f"Password, at least {users.MIN_PASSWORD} characters"),
                                dcc.Input(id=ids.ADM_PASSWORD, type="password"),
                            ),
                            html.Button(
                                console.bi(("创建", "Create")),
                                id=ids.ADM_CREATE,
                                className="wf-btn",
                            ),
                        ],
                        className="wf-admin-box",
                    ),
                    html.Div(
                        [
                            html.H2(console.bi(("管理用户", "Manage an account"))),
                            _field(
                                ("用户", "Account"),
                                dcc.Dropdown(id=ids.ADM_USER, options=user_options(rows)),
                            ),
                            _field(
                                ("新密码", "New password"),
                                dcc.Input(id=ids.ADM_NEW_PASSWORD, type="password"),
                            ),
                            html.Div(
                                [
                                    html.Button(
                                        console.bi(("重置密码", "Reset password")),
                                        id=ids.ADM_RESET,
                                        className="wf-btn",
                                    ),
                                    html.Button(
                                        console.bi(("停用", "Disable")),
                                        id=ids.ADM_DISABLE,
                                        className="wf-btn",
                                    ),
                                    html.Button(
                                        console.bi(("启用", "Enable")),
                                        id=ids.ADM_ENABLE,
                                        className="wf-btn",
                                    ),
                                ],
                                className="wf-buttons",
                            ),
                        ],
                        className="wf-admin-box",
                    ),
                    html.Div(
                        [
                            html.H2(console.bi(("大屏免登录链接", "Wall kiosk link"))),
                            _field(
                                ("名称", "Label, e.g. hall screen"),
                                dcc.Input(id=ids.ADM_KIOSK_LABEL, maxLength=100),
                            ),
                            html.Button(
                                console.bi(("生成链接", "Create link")),
                                id=ids.ADM_KIOSK,
                                className="wf-btn",
                            ),
                        ],
                        className="wf-admin-box",
                    ),
                    qrsheet.box(),
                ],
                className="wf-admin",
            ),
            access.block(),
        ],
        className="wf-console",
    )


def _base_url() -> str:
    """This site as the browser reached it (the gate has checked the request's origin)."""
    return str(dash.get_app().backend.request_adapter().root).rstrip("/")


def apply(
    button: str,
    me: str,
    username: str,
    display: str,
    role: str,
    password: str,
    user: str,
    new_password: str,
    kiosk_label: str,
) -> str:
    """Do what the button asks; a message for the page. Raises AccountError with the reason."""
    with current().engine.begin() as conn:
        match button:
            case ids.ADM_CREATE:
                made = users.create_user(conn, username, role, password, display)
                return f"已创建 created: {made.username} ({made.role})"
            case ids.ADM_RESET | ids.ADM_DISABLE | ids.ADM_ENABLE if not user:
                raise users.AccountError("choose an account first")
            case ids.ADM_RESET:
                users.set_password(conn, user, new_password)
                return f"已重置密码 password reset: {user}"
            case ids.ADM_DISABLE:
                if user == me:
                    raise users.AccountError("you cannot disable your own account")
                users.set_disabled(conn, user, True)
                return f"已停用 disabled: {user}"
            case ids.ADM_ENABLE:
                users.set_disabled(conn, user, False)
                return f"已启用 enabled: {user}"
            case ids.ADM_KIOSK:
                if not kiosk_label:
                    raise users.AccountError("give the screen a label")
                token = users.create_kiosk_token(conn, kiosk_label, me)
                return f"{_base_url()}/?kiosk={token}"
    raise PreventUpdate


@callback(  # type: ignore[untyped-decorator]
    Output(ids.ADM_RESULT, "children"),
    Output(ids.ADM_USERS, "children"),
    Output(ids.ADM_USER, "options"),
    Output(ids.ADM_PASSWORD, "value"),
    Output(ids.ADM_NEW_PASSWORD, "value"),
    inputs={
        "clicks": [
            Input(b, "n_clicks")
            for b in (ids.ADM_CREATE, ids.ADM_RESET, ids.ADM_DISABLE, ids.ADM_ENABLE, ids.ADM_KIOSK)
        ]
    },
    state={
        "username": State(ids.ADM_USERNAME, "value"),
        "display": State(ids.ADM_DISPLAY, "value"),
        "role": State(ids.ADM_ROLE, "value"),
        "password": State(ids.ADM_PASSWORD, "value"),
        "user": State(ids.ADM_USER, "value"),
        "new_password": State(ids.ADM_NEW_PASSWORD, "value"),
        "kiosk_label": State(ids.ADM_KIOSK_LABEL, "value"),
    },
    prevent_initial_call=True,
)
def administer(
    clicks: list[int | None],
    username: str | None,
    display: str | None,
    role: str | None,
    password: str | None,
    user: str | None,
    new_password: str | None,
    kiosk_label: str | None,
) -> tuple[Any, ...]:
    me = require(*ADMIN)
    button = ctx.triggered_id
    if not isinstance(button, str) or not any(clicks):
        raise PreventUpdate
    try:
        message: Any = apply(
            button,
            me.username,
            (username or "").strip(),
            (display or "").strip(),
            role or "",
            password or "",
            user or "",
            new_password or "",
            (kiosk_label or "").strip(),
        )
        if button == ids.ADM_KIOSK:  # the token is shown this once; only its hash is kept
            message = html.Div(
                [
                    html.Span("大屏链接（仅显示一次）Wall link, shown once: "),
                    html.Code(message, id="adm-kiosk-url"),
                ]
            )
        ok = True
    except users.AccountError as exc:
        message, ok = html.Span(f"无法完成 · not done: {exc}", className="wf-error"), False
    rows = _accounts()
    # passwords leave the form once used; a failed attempt keeps them for correcting
    return (
        message,
        users_table(rows),
        user_options(rows),
        "" if ok else dash.no_update,
        "" if ok else dash.no_update,
    )


@callback(  # type: ignore[untyped-decorator]
    Output(ids.ADM_ACCESS_RESULT, "children"),
    Output(ids.ADM_ACCESS, "children"),
    Input({"type": ids.ADM_END_SESSION, "id": ALL}, "n_clicks"),
    Input({"type": ids.ADM_REVOKE_KIOSK, "id": ALL}, "n_clicks"),
    Input(ids.ADM_RESULT, "children"),
    prevent_initial_call=True,
)
def revoke(_ends: list[int | None], _kiosks: list[int | None], _result: Any) -> tuple[Any, Any]:
    """A row's button ends a session or revokes a kiosk token; any admin action redraws."""
    require(*ADMIN)
    button = ctx.triggered_id
    message: Any = ""
    if isinstance(button, dict):
        if not (ctx.triggered and ctx.triggered[0].get("value")):
            raise PreventUpdate  # a button appearing, not pressed
        message = access.revoke(button)
    return message, access.section()
