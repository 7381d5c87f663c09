"""Leaders' figures: a period's headline figures beside the previous period and a year
before, counts, rankings and the map, hours and trend, 1/3/5 compliance, closure, red
lights, units, satisfaction, repeat places, sensors.

The layout is the frame (period picker, one empty card per section); each section then
loads in its own callback, so the first figures paint while the rest are computed.
URL: ``/figures?period=last_month|today|yesterday|this_week|this_month|YYYY-MM|
YYYY-MM-DD,YYYY-MM-DD&lang=en``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash
from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import console
from dashboard.auth import VIEW, require
from dashboard.figures import catalog, loading, sections
from dashboard.figures.exports import resolve
from dashboard.figures.words import PRESETS, pick, w
from dashboard.i18n import lang_of
from dashboard.services import current
from feeds.clock import now_ms

dash.register_page(__name__, path="/figures", title="watchfloor · 统计分析 Figures")

SECTION_ORDER = (
    "headline",
    "counts",
    "areas",
    "time",
    "compliance",
    "closure",
    "supervision",
    "units",
    "satisfaction",
    "repeats",
    "sensors",
    "patrols",
)
NAV = "fig-nav"
APPLY = "fig-apply"
RANGE = "fig-range"
HEAD = "fig-headline"
HEAD_ARG = "fig-headline-arg"
LANG = "fig-lang"


def href(period: str, lang: str) -> str:
    q = {"period": period, **({"lang": "en"} if lang == "en" else {})}
    return "/figures?" + urlencode(q)


def _picker(text: str, first: str, last: str, lang: str) -> html.Div:
    presets = [
        dcc.Link(
            pick(PRESETS[name], lang),
            href=href(name, lang),
            className="wf-fig-preset" + (" wf-on" if text == name else ""),
            id=f"fig-preset-{name}",
        )
        for name in PRESETS
        if name != "custom"
    ]
    custom = html.Span(
        [
            dcc.DatePickerRange(
                id=RANGE,
                start_date=first,
                end_date=last,
                display_format="YYYY-MM-DD",
                start_date_placeholder_text=w("start_date", lang),
                end_date_placeholder_text=w("end_date", lang),
                # weekday and month names: assets/datepicker_zh.js follows the page
                first_day_of_week=1,
                minimum_nights=0,
                className="wf-fig-range",
            ),
            dcc.Link(
                w("apply", lang),
                id=APPLY,
                href=href(f"{first},{last}", lang),
                className="wf-btn wf-btn-small wf-fig-apply",
            ),
        ],
        className="wf-fig-custom" + (" wf-on" if "," in text or len(text) == 7 else ""),
    )
    return html.Div(
        [html.Span(w("period", lang), className="wf-muted"), *presets, custom],
        className="wf-fig-picker",
    )


def layout(**q: Any) -> html.Div:
    if not console.can_view():
        return console.forbidden()
    lang = lang_of(q.get("lang"))
    tz = current().settings.timezone
    asked = resolve(q.get("period"), now_ms(), tz)
    p = asked.period
    label = catalog.period_label(p, lang)
    other = "zh" if lang == "en" else "en"
    tools = html.Div(
        [
            html.A(
                w("all_xlsx", lang),
                className="wf-fig-dl",
                href=f"/api/figures/all.xlsx?{urlencode({'period': asked.text, 'lang': lang})}",
            ),
            dcc.Link(w("reports", lang), href="/reports" + ("?lang=en" if lang == "en" else "")),
            dcc.Link(
                "中文" if other == "zh" else "English",
                href=href(asked.text, other),
                id="fig-lang-switch",
            ),
        ],
        className="wf-fig-tools",
    )
    arg = {"period": asked.text, "lang": lang}
    loading = html.Div(w("loading", lang), className="wf-fig-card wf-fig-loading")
    # The sections' tables and tiles are Purify components, whose code the browser loads
    # on first use: an empty one in the frame loads it while the headline is computed,
    # not after it has come back (bench/RESULTS.md, the page's first paint).
    preload = html.Div(sections.raw(""), hidden=True)
    # The headline first, on its own: the other sections start once it has painted, so
    # that it does not share the server with them (see bench/RESULTS.md).
    cards = [
        html.Div([dcc.Store(id=HEAD_ARG, data=arg), html.Div(loading, id=HEAD)]),
        *(
            html.Div(
                [
                    dcc.Store(id={"type": "fig-arg", "name": name}, data=None),
                    html.Div(loading, id={"type": "fig-sec", "name": name}),
                ]
            )
            for name in SECTION_ORDER
            if name != "headline"
        ),
    ]
    warn = [] if asked.valid else [html.P(w("bad_period", lang), className="wf-error")]
    return html.Div(
        [
            console.header(("统计分析", "Figures")),
            html.Div(
                [
                    html.Div(
                        [
                            html.Span(label, className="wf-fig-period", id="fig-period-label"),
                            html.Span(w("click_hint", lang), className="wf-muted"),
                        ],
                        className="wf-fig-title",
                    ),
                    tools,
                ],
                className="wf-fig-top",
            ),
            _picker(asked.text, p.first.isoformat(), p.last.isoformat(), lang),
            *warn,
            dcc.Store(id=NAV),
            dcc.Store(id=LANG, data=lang),
            preload,
            html.Div(cards, className="wf-fig-cards"),
        ],
        className="wf-console wf-fig",
        lang="zh-CN" if lang == "zh" else "en",
    )


@callback(Output(HEAD, "children"), Input(HEAD_ARG, "data"))  # type: ignore[untyped-decorator]
def load_headline(arg: dict[str, str]) -> Any:
    return load_section(arg, {"name": "headline"})


# Once the headline is in, every other section gets its period (and loads).
clientside_callback(
    dash.ClientsideFunction(namespace="wf_figures", function_name="start"),
    Output({"type": "fig-arg", "name": ALL}, "data"),
    Input(HEAD, "children"),
    State(HEAD_ARG, "data"),
    prevent_initial_call=True,
)


@callback(  # type: ignore[untyped-decorator]
    Output({"type": "fig-sec", "name": MATCH}, "children"),
    Input({"type": "fig-arg", "name": MATCH}, "data"),
    State({"type": "fig-arg", "name": MATCH}, "id"),
)
def load_section(arg: dict[str, str] | None, which: dict[str, str]) -> Any:
    require(*VIEW)
    if arg is None:
        raise PreventUpdate
    s = current()
    now = now_ms()
    lang = lang_of(arg.get("lang"))
    asked = resolve(arg.get("period"), now, s.settings.timezone)
    ctx = sections.Ctx(
        asked.text, catalog.period_label(asked.period, lang), lang, s.settings.timezone
    )
    bounds = dash.get_app().server.state.geo.bounds
    return loading.section(s.engine, which["name"], asked.period, ctx, now, bounds)


# The custom range's link follows the two dates (no round trip to the server).
clientside_callback(
    dash.ClientsideFunction(namespace="wf_figures", function_name="range"),
    Output(APPLY, "href"),
    Input(RANGE, "start_date"),
    Input(RANGE, "end_date"),
    State(LANG, "data"),
    prevent_initial_call=True,
)


# A click on a bar or a point opens the /incidents list it counts (its customdata).
clientside_callback(
    dash.ClientsideFunction(namespace="wf_figures", function_name="click"),
    Output(NAV, "data"),
    Input({"type": "fig-graph", "key": ALL}, "clickData"),
    prevent_initial_call=True,
)
