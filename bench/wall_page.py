"""What the wall benchmarks run in the page and time through it: the script marking when
each probe first shows in the DOM, the recolour of every cell (the wall's and the naive
figure's), and probe reports XADDed one at a time, from XADD to screen."""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np

from feeds import constants as K
from feeds.schemas import Report, encode
from feeds.settings import Settings

# Records when each probe first shows in the DOM: the frame after its element appears.
PROBE_WATCH = """
window.__seen = {};
const mark = (id) => { if (id && id.startsWith('probe-') && !(id in window.__seen)) {
  window.__seen[id] = 0; requestAnimationFrame(() => { window.__seen[id] = Date.now(); }); } };
const ids = (el) => el && el.id === 'ids' && (el.textContent || '').split(' ').forEach(mark);
new MutationObserver((muts) => { for (const m of muts) {
  if (m.type === 'attributes') mark(m.target.getAttribute('data-id'));
  else if (m.type === 'characterData') ids(m.target.parentElement);
  else ids(m.target);
} }).observe(document, {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-id']});
"""
RECOLOUR_WALL = """async () => {
  const t0 = performance.now(); wf.wall.recolourAll();
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0; }"""
RECOLOUR_NAIVE = """async () => {
  const gd = document.querySelector('.js-plotly-plot'); const n = gd.data[0].z.length;
  const z = Array.from({length: n}, () => Math.floor(Math.random() * 10));
  const t0 = performance.now();
  try { await Plotly.restyle(gd, {z: [z]}, [0]); } catch (e) { return null; }  // collided with its own 1 s update
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0; }"""


def send_probes(
    page: Any, r: Any, settings: Settings, probes: list[tuple[str, dict[str, str]]], tag: str
) -> tuple[list[float], int]:
    """XADD each probe report and wait until the page has drawn it: the milliseconds from
    XADD to screen of those shown, and the entries the worker had not read at the end."""
    sent: dict[str, float] = {}
    for pid, fields in probes:
        sent[pid] = time.time() * 1000
        r.xadd(settings.key(K.STREAM_REPORTS), fields)
        try:
            page.wait_for_function(f"window.__seen['{pid}'] > 0", timeout=20_000)
        except Exception:  # a busy machine: counted as missed, the run goes on
            print(f"{tag}: probe {pid} not shown within 20 s", file=sys.stderr)
        time.sleep(0.5)  # space the probes out; this is pacing, not synchronisation
    seen = page.evaluate("window.__seen")
    lat = [seen[p] - t for p, t in sent.items() if seen.get(p)]
    # where a late probe waited: entries not yet read by the worker when the probes ended
    lag = sum(
        g.get("lag") or 0
        for stream in (K.STREAM_REPORTS, K.STREAM_SENSORS)
        for g in r.xinfo_groups(settings.key(stream))
    )
    return lat, lag


def measure(
    page: Any, r: Any, settings: Settings, district: Any, probes: int, tag: str
) -> dict[str, Any]:
    buildings = district.buildings.sample(probes, random_state=3)
    reports = [
        (
            f"probe-{tag}-{i}",
            encode(
                Report(
                    id=f"probe-{tag}-{i}",
                    source="qr",
                    kind="complaint",
                    category="environment",
                    ts=int(time.time() * 1000),
                    address=b.code,
                    text="probe",
                )
            ),
        )
        for i, b in enumerate(buildings.itertuples())
    ]
    lat, lag = send_probes(page, r, settings, reports, tag)
    return {
        "probes": len(lat),
        "missed": probes - len(lat),
        "p50_ms": round(float(np.percentile(lat, 50)), 1) if lat else None,
        "p95_ms": round(float(np.percentile(lat, 95)), 1) if lat else None,
        "max_ms": round(max(lat), 1) if lat else None,
        "ingest_lag_at_end": lag,
    }
