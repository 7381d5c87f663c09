/* The wall's legend (cell counts, SLA colours, crowd heat scale), the map corner it
   sits in, and the crowd heat image it explains.
   Part of the wall: wall.js holds the state these share (wf.wall.s). */
(function () {
  "use strict";
  const wf = window.wf;
  const W = wf.wall, S = W.s;
  const t = W.t;
  let heatDue = 0, heatSeq = 0;

  // The legend goes to the map corner that covers least of the district (sampled points
  // that land on a micro-grid cell), never over the layer buttons at the top right.
  function placeLegend() {
    const lg = document.getElementById("wf-legend");
    if (!lg || !S.map || !lg.offsetParent) return;
    const box = S.map.getContainer().getBoundingClientRect();
    const w = lg.offsetWidth, h = lg.offsetHeight, pad = 14 * (parseFloat(getComputedStyle(S.root).getPropertyValue("--u")) || 1);
    const corners = { "bottom-left": [box.left + pad, box.bottom - pad - h], "bottom-right": [box.right - pad - w, box.bottom - pad - h],
                      "top-left": [box.left + pad, box.top + pad] };
    lg.style.visibility = "hidden";
    let best = null, least = Infinity;
    for (const name in corners) {
      const x0 = corners[name][0], y0 = corners[name][1];
      let n = 0;
      for (let i = 0; i <= 6; i++) for (let j = 0; j <= 6; j++) {
        const hit = document.elementFromPoint(x0 + w * i / 6, y0 + h * j / 6);
        if (hit && hit.classList && (hit.classList.contains("wf-cell") || hit.classList.contains("wf-zone") ||
                                     W.onCellCanvas(hit, x0 + w * i / 6, y0 + h * j / 6))) n++;
      }
      if (n < least) { least = n; best = name; }
    }
    lg.style.visibility = "";
    if (lg.getAttribute("data-corner") !== best) {
      lg.setAttribute("data-corner", best);
      lg.style.left = lg.style.right = lg.style.top = lg.style.bottom = "";
    }
  }

  function refreshHeat(force) {
    const now = Date.now();
    if (!S.map || (!force && now < heatDue)) return;
    heatDue = now + 3000;  // the image is cheap, but a few a minute is plenty
    S.map.eachLayer(function (l) {
      if (l instanceof L.ImageOverlay) l.setUrl(wf.live.heatUrl() + "seq=" + (++heatSeq));
    });
  }

  function legend() {
    const el = document.getElementById("wf-legend");
    if (!el) return;
    const b = W.BREAKS[S.metric];
    const rows = [document.createElement("div")];
    rows[0].className = "wf-legend-title";
    rows[0].textContent = t(S.metric === "hour" ? "cells_hour" : "cells_day") + " · " + t("per_" + S.level);
    for (let i = 0; i <= b.length; i++) {
      const row = document.createElement("div");
      const sw = document.createElement("i");
      sw.style.background = W.RAMP[i];
      const k = W.LEVEL_SCALE[S.level], lo = b[i - 1] * k, hi = b[i] * k - 1;
      const label = i === 0 ? "0" : i === b.length ? lo + "+" : (lo === hi ? String(lo) : lo + "–" + hi);
      row.append(sw, document.createTextNode(label));
      rows.push(row);
    }
    const sla = document.createElement("div");
    sla.className = "wf-legend-sla";
    for (const x of ["green", "amber", "red"]) {
      const sw = document.createElement("b");
      sw.style.background = W.SLA[x];
      sla.append(sw, document.createTextNode(t(x) + " "));
    }
    rows.push(sla);
    if (S.cfg.heat && S.cfg.layers.indexOf("heat") >= 0) rows.push(heatScale(S.cfg.heat));
    el.replaceChildren.apply(el, rows);
    W.placeLegendSoon();
    el.onclick = function () { S.metric = S.metric === "hour" ? "day" : "hour"; W.updateLevel(); legend(); W.recolourAll(); };
  }

  // the crowd heat's scale, in the same colours as the image: people per 100 m2
  function heatScale(heat) {
    const box = document.createElement("div");
    box.className = "wf-legend-heat";
    const title = document.createElement("div");
    title.className = "wf-legend-title";
    title.textContent = t("heat_scale");
    const bar = document.createElement("div");
    bar.className = "wf-heat-bar";
    bar.style.background = "linear-gradient(90deg, " + heat.ramp.map(function (r) { return r[1] + " " + (100 * r[0]) + "%"; }).join(", ") + ")";
    const ticks = document.createElement("div");
    ticks.className = "wf-heat-ticks";
    for (const tk of heat.ticks) {
      const s = document.createElement("span");
      s.style.left = (100 * tk[0]) + "%";
      s.textContent = tk[1] >= 10 ? Math.round(tk[1]) : tk[1].toFixed(1).replace(/\.0$/, "");
      ticks.append(s);
    }
    box.append(title, bar, ticks);
    return box;
  }

  Object.assign(W, { placeLegend, refreshHeat, legend, heatScale });
})();
