/* The wall's crowd zones: outlines coloured by capacity, their labels with the people
   in them, and where each label goes so none covers another.
   Part of the wall: wall.js holds the state these share (wf.wall.s). */
(function () {
  "use strict";
  const wf = window.wf;
  const W = wf.wall, S = W.s;
  const config = W.config, t = W.t, fmt = W.fmt, px = W.px;
  const zones = S.zones;

  W.zoneStyle = function (f) {
    return { fill: false, color: "#ffd166", weight: px(1.8), dashArray: "6 5", className: "wf-zone" };
  };

  W.onEachZone = function (f, layer, ctx) {
    zones[f.properties.code] = layer;
    W.init(ctx.map);
    // labels live in their own pane above the incident markers, so no marker hides a figure
    layer.bindTooltip("", { permanent: true, direction: "center", className: "wf-zone-label", opacity: 1,
                            pane: "wf-labels" });
    // the label's element exists only once the layer is on the map: style it then
    layer.on("tooltipopen", function () { paintZone(f.properties.code); placeLabelsSoon(); });
    paintZone(f.properties.code);
    placeLabelsSoon();
    W.focusCrowd();
    // drawn after the snapshot arrived: paint it then, not at the zone's next change
    layer.once("add", function () { paintZone(f.properties.code); });
  };

  function paintZone(code) {
    const layer = zones[code];
    if (!layer || !config()) return;
    const info = S.cfg.zones[code] || {};
    const people = (wf.live.state.zones || {})[code] || 0;
    const over = info.capacity && people > info.capacity;
    layer.setStyle(over ? { color: "#ff4d4f", weight: px(5), dashArray: null } :
                          { color: "#ffd166", weight: px(1.8), dashArray: "6 5" });
    const el = layer.getElement();
    if (el) { el.classList.toggle("wf-over", !!over); el.setAttribute("data-zone", code); el.setAttribute("data-people", people); }
    const name = S.cfg.lang === "en" ? info.name_en : info.name;
    const text = name + "  " + fmt(people) + (over ? "  ⚠ " + t("over_capacity") : "");
    if (layer._wfText !== text) relabel(code, layer, text);
    const tip = layer.getTooltip() && layer.getTooltip().getElement();
    if (tip) tip.classList.toggle("wf-over", !!over);
  }

  // A zone's label reads differently (its count moved): the text node changes in place and
  // the label is re-centred with the others in the next frame, before they are placed.
  // Leaflet's setTooltipContent measures each label as it goes: one forced layout of the
  // whole map per zone and delta, a quarter of the wall's time under load.
  const relabelled = new Set();
  function relabel(code, layer, text) {
    layer._wfText = text;
    const tip = layer.getTooltip();
    if (tip && tip._wfNode && tip.getElement() && tip._updatePosition) {
      tip._wfNode.nodeValue = text;
      relabelled.add(code);
      placeLabelsSoon();
    } else if (tip) {
      tip._wfNode = document.createTextNode(text);
      layer.setTooltipContent(tip._wfNode);
    }
  }
  function recentre() {
    relabelled.forEach(function (code) {
      const tip = zones[code] && zones[code].getTooltip();
      if (tip && tip.getElement() && tip._map) tip._updatePosition();
    });
    relabelled.clear();
  }

  // ---------------------------------------------------------------- label placement
  // Zone labels start centred on their zone; where two collide (or one meets the legend or
  // the layer buttons), the less important one moves to the first free spot among a few
  // around its anchor. Importance: over capacity first, then by people. Placement is by
  // margins, which Leaflet leaves alone when it positions a tooltip.
  function boxOf(node) { const r = node.getBoundingClientRect(); return { l: r.left, t: r.top, r: r.right, b: r.bottom }; }
  function overlap(a, b) {
    return Math.max(0, Math.min(a.r, b.r) - Math.max(a.l, b.l)) * Math.max(0, Math.min(a.b, b.b) - Math.max(a.t, b.t));
  }
  function shifted(b, dx, dy) { return { l: b.l + dx, t: b.t + dy, r: b.r + dx, b: b.b + dy }; }
  let labelsDue = false;
  // The legend's corner depends on the view and the legend's size, not on live figures:
  // it is chosen again only when one of those changed (its hit tests cost a forced layout
  // over every shape on the map; per delta, under load, they took most of the frame time).
  let legendDue = true;
  function placeLegendSoon() { legendDue = true; placeLabelsSoon(); }
  function placeLabelsSoon() {
    if (labelsDue) return;
    labelsDue = true;
    requestAnimationFrame(function () {
      labelsDue = false;
      recentre();
      if (legendDue && S.map) { legendDue = false; W.placeLegend(); }
      placeLabels();
    });
  }
  W.placeLabels = function () { recentre(); W.placeLegend(); placeLabels(); };
  function placeLabels() {
    if (!S.map) return;
    const zoneState = wf.live.state.zones || {};
    const items = [], view = S.map.getBounds();
    for (const code in zones) {
      const tooltip = zones[code].getTooltip(), tip = tooltip && tooltip.getElement();
      if (!tip) continue;
      // a zone out of view (drilled elsewhere, or not in this district at all) has no
      // label: moved in from the edge it would name a place the map does not show
      const away = !!tooltip._latlng && !view.contains(tooltip._latlng);
      tip.classList.toggle("wf-away", away);
      if (away) continue;
      // from its anchor as Leaflet would place it now: a label opened or re-laid-out since
      // Leaflet last positioned it still sits at the pane's origin
      if (tooltip._map && tooltip._latlng) tooltip._updatePosition();
      tip.style.marginLeft = "0px";
      tip.style.marginTop = "0px";
      const cap = (S.cfg.zones[code] || {}).capacity || 0;
      const people = zoneState[code] || 0;
      items.push({ tip: tip, over: cap && people > cap ? 1 : 0, people: people });
    }
    items.sort(function (a, b) { return b.over - a.over || b.people - a.people; });
    const taken = [];
    const mapBox = boxOf(S.map.getContainer());
    document.querySelectorAll(".wf-legend, .wf-toggles, .wf-crowd-panel").forEach(function (n) {
      if (n.offsetParent) taken.push(boxOf(n));
    });
    for (const it of items) {
      const b = boxOf(it.tip);
      const w = b.r - b.l, h = b.b - b.t, g = 4;
      // spots around the anchor, nearest first: half a label's width sideways and a row
      // up or down at a time, far enough that a crowded corner still has a free one (long
      // English names and an over-capacity warning can fill the whole of a small map)
      const tries = [];
      for (let i = -8; i <= 8; i++) {
        for (let j = -12; j <= 12; j++) tries.push([i * (w / 2 + g), j * (h + g)]);
      }
      tries.sort(function (p, q) { return Math.hypot(p[0], 2 * p[1]) - Math.hypot(q[0], 2 * q[1]); });
      // the first free spot; where none is free, the one that covers least of the others
      let best = tries[0], least = Infinity;
      for (const d of tries) {
        const c = shifted(b, d[0], d[1]);
        const inside = c.l >= mapBox.l && c.r <= mapBox.r && c.t >= mapBox.t && c.b <= mapBox.b;
        if (!inside) continue;
        const covered = taken.reduce(function (sum, x) { return sum + overlap(c, x); }, 0);
        if (covered < least) { least = covered; best = d; }
        if (covered === 0) break;
      }
      it.tip.style.marginLeft = best[0] + "px";
      it.tip.style.marginTop = best[1] + "px";
      it.tip.setAttribute("data-placed", best[0] + "," + best[1]);
      taken.push(shifted(b, best[0], best[1]));
    }
  }

  Object.assign(W, { paintZone, relabel, recentre, boxOf, overlap, shifted, placeLegendSoon, placeLabelsSoon });
})();
