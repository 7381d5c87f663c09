"""Small charts as inline SVG for printed reports: no script, no font file, no network.

Printed on white paper, so dark ink on white, and sized in millimetres of an A4 page.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

INK = "#1f2937"
MUTED = "#6b7280"
LINE = "#d1d5db"
BAR = "#2563eb"
SECOND = "#9ca3af"
PALETTE = ("#2563eb", "#0d9488", "#d97706", "#dc2626", "#7c3aed", "#16a34a", "#db2777", "#4b5563")
FONT = "'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif"


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" '
        f'style="font-family:{FONT};font-size:11px">' + "".join(body) + "</svg>"
    )


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 10 or float(v).is_integer() else f"{v:.1f}"


def hbars(
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    *,
    value_text: Sequence[str] | None = None,
    width: int = 520,
    colour: str = BAR,
) -> str:
    """Horizontal bars with the label on the left and the value at the bar's end."""
    row = 18
    left = 130
    height = max(row * len(labels) + 8, 24)
    top = max(values, default=0) or 1
    span = width - left - 60
    body: list[str] = []
    texts = list(value_text) if value_text is not None else [_num(v) for v in values]
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = 4 + i * row
        w = max(v / top * span, 0.5 if v else 0)
        body.append(
            f'<text x="{left - 6}" y="{y + 12}" text-anchor="end" fill="{INK}">'
            f"{escape(label[:18])}</text>"
            f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" fill="{colour}"/>'
            f'<text x="{left + w + 4:.1f}" y="{y + 12}" fill="{INK}">{escape(texts[i])}</text>'
        )
    if not labels:
        body.append(f'<text x="4" y="16" fill="{MUTED}">–</text>')
    return _svg(width, height, body, title)


def columns(
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    *,
    width: int = 520,
    height: int = 150,
    label_every: int = 1,
    colour: str = BAR,
) -> str:
    """Vertical bars (e.g. reports per hour), the axis labelled every ``label_every``."""
    left, bottom, top_pad = 34, 18, 8
    n = max(len(values), 1)
    top = max(values, default=0) or 1
    plot_w = width - left - 4
    plot_h = height - bottom - top_pad
    step = plot_w / n
    body = [_y_axis(left, top_pad, plot_h, width, top)]
    for i, v in enumerate(values):
        h = v / top * plot_h
        x = left + i * step
        body.append(
            f'<rect x="{x + step * 0.12:.1f}" y="{top_pad + plot_h - h:.1f}" '
            f'width="{step * 0.76:.1f}" height="{h:.1f}" fill="{colour}"/>'
        )
        if i % label_every == 0:
            body.append(
                f'<text x="{x + step / 2:.1f}" y="{height - 5}" text-anchor="middle" '
                f'fill="{MUTED}">{escape(labels[i])}</text>'
            )
    return _svg(width, height, body, title)


def _y_axis(left: int, top: int, plot_h: float, width: int, vmax: float) -> str:
    parts = []
    for frac in (0.0, 0.5, 1.0):
        y = top + plot_h - frac * plot_h
        parts.append(
            f'<line x1="{left}" x2="{width - 4}" y1="{y:.1f}" y2="{y:.1f}" stroke="{LINE}"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{_num(vmax * frac)}</text>"
        )
    return "".join(parts)


def stacked_columns(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    title: str,
    *,
    width: int = 520,
    height: int = 170,
    label_every: int = 1,
) -> str:
    """Stacked vertical bars with a legend on top (e.g. sensor alarms by kind per day)."""
    left, bottom, top_pad = 34, 18, 24
    n = max(len(labels), 1)
    totals = [sum(s[1][i] for s in series) for i in range(len(labels))]
    top = max(totals, default=0) or 1
    plot_w = width - left - 4
    plot_h = height - bottom - top_pad
    step = plot_w / n
    body = [_y_axis(left, top_pad, plot_h, width, top)]
    lx = left
    for k, (name, _) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        body.append(
            f'<rect x="{lx}" y="6" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14}" y="15" fill="{INK}">{escape(name)}</text>'
        )
        lx += 22 + 12 * len(name)
    for i in range(len(labels)):
        y = float(top_pad + plot_h)
        for k, (_, ys) in enumerate(series):
            h = ys[i] / top * plot_h
            y -= h
            body.append(
                f'<rect x="{left + i * step + step * 0.12:.1f}" y="{y:.1f}" '
                f'width="{step * 0.76:.1f}" height="{h:.1f}" fill="{PALETTE[k % len(PALETTE)]}"/>'
            )
        if i % label_every == 0:
            body.append(
                f'<text x="{left + i * step + step / 2:.1f}" y="{height - 5}" '
                f'text-anchor="middle" fill="{MUTED}">{escape(labels[i])}</text>'
            )
    return _svg(width, height, body, title)


def polyline(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    title: str,
    *,
    width: int = 520,
    height: int = 150,
    label_every: int = 1,
) -> str:
    """Lines over the same x labels; the first solid blue, the others dashed grey."""
    left, bottom, top_pad = 34, 18, 20
    n = max(len(labels) - 1, 1)
    top = max((v for _, ys in series for v in ys if v is not None), default=0) or 1
    plot_w = width - left - 8
    plot_h = height - bottom - top_pad
    body = [_y_axis(left, top_pad, plot_h, width, top)]
    lx = left
    for k, (name, ys) in enumerate(series):
        colour = BAR if k == 0 else SECOND
        dash = "" if k == 0 else ' stroke-dasharray="4 3"'
        points = " ".join(
            f"{left + i / n * plot_w:.1f},{top_pad + plot_h - v / top * plot_h:.1f}"
            for i, v in enumerate(ys)
            if v is not None
        )
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" '
            f'stroke-width="{2 if k == 0 else 1.5}"{dash}/>'
            f'<line x1="{lx}" x2="{lx + 14}" y1="10" y2="10" stroke="{colour}" '
            f'stroke-width="2"{dash}/><text x="{lx + 18}" y="14" fill="{INK}">{escape(name)}</text>'
        )
        lx += 30 + 12 * len(name)
    for i, label in enumerate(labels):
        if i % label_every == 0:
            body.append(
                f'<text x="{left + i / n * plot_w:.1f}" y="{height - 5}" text-anchor="middle" '
                f'fill="{MUTED}">{escape(label)}</text>'
            )
    return _svg(width, height, body, title)
