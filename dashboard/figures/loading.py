"""One section of the figures page, from its query to its card. A section whose query
or drawing fails shows a readable error card (its title, what went wrong, a retry
link) and is logged; the page and the other sections carry on."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from dash import dcc, html
from sqlalchemy import Engine

from dashboard.figures import data, sections
from dashboard.figures.sections import Ctx
from dashboard.figures.words import w
from feeds.stats.period import Period

log = logging.getLogger("watchfloor.figures")


def section(
    engine: Engine,
    name: str,
    period: Period,
    ctx: Ctx,
    now: int,
    bounds: tuple[float, float, float, float],
) -> html.Div:
    try:
        with engine.connect() as conn:
            d = data.fetch(conn, name, period, now)
        return sections.render(name, ctx, d, bounds)
    except Exception:  # any failure of one section must not take the page down
        log.exception("figures section %s for %s failed", name, ctx.period_text)
        return failed(ctx, name)


def failed(ctx: Ctx, name: str) -> html.Div:
    q = {"period": ctx.period_text, **({"lang": "en"} if ctx.lang == "en" else {})}
    again = "/figures?" + urlencode(q)
    body = [
        html.P(w("section_failed", ctx.lang), className="wf-error"),
        dcc.Link(w("try_again", ctx.lang), href=again, refresh=True, className="wf-fig-retry"),
    ]
    card = sections.card(ctx, name, body)
    card.className = f"{card.className} wf-fig-failed"
    return card
