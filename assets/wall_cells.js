/* The wall's micro-grid cells: their colours by count, the level counts are shown at
   (micro-grid, grid or community), and recolouring the cells that changed.
   Part of the wall: wall.js holds the state these share (wf.wall.s). */
(function () {
  "use strict";
  const wf = window.wf;
  const W = wf.wall, S = W.s;
  const parts = W.parts, inFocus = W.inFocus, tag = W.tag, px = W.px;
  const cells = S.cells;

  const RAMP = ["#16223a", "#2f7fd0", "#37b6d6", "#7ee0a0", "#f2c14e", "#f28b30", "#ff4d4f"];
  const BREAKS = { hour: [1, 2, 3, 5, 8, 12], day: [1, 3, 6, 10, 16, 25] };

  function colourOf(v) {
    const b = BREAKS[S.metric], k = LEVEL_SCALE[S.level];
    let i = 0;
    while (i < b.length && v >= b[i] * k) i++;
    return RAMP[i];
  }
  function countOf(code) {
    const v = wf.live.state.grids[code];
    return v ? v[S.metric === "hour" ? 0 : 1] : 0;
  }

  // Counts per micro-grid say nothing when nearly all are empty (a real day: 73 of 3,116
  // with any event, none above 2). The rule, chosen by the data: show the finest level
  // (micro-grid, grid, community) at which at least a quarter of the areas have an event;
  // communities when none does. At a coarser level every micro-grid takes its area's count.
  const LEVELS = ["micro_grid", "grid", "community"];
  const COVERAGE = 0.25;
  const LEVEL_SCALE = { micro_grid: 1, grid: 4, community: 25 };  // breaks grow with the area
  let sums = {};                         // grid or community code -> count, at the level shown
  const children = {};                   // level -> area code -> micro-grid codes
  function areaOf(code, lvl) { return lvl === "micro_grid" ? code : parts(code)[lvl]; }
  W.levelFor = function (counts, codes) {
    for (const lvl of LEVELS) {
      const all = new Set(), hit = new Set();
      for (const c of codes) {
        const a = areaOf(c, lvl);
        all.add(a);
        if (counts[c] > 0) hit.add(a);
      }
      if (all.size && hit.size / all.size >= COVERAGE) return lvl;
    }
    return "community";
  };
  function shownOf(code) { return S.level === "micro_grid" ? countOf(code) : sums[areaOf(code, S.level)] || 0; }
  // re-decide the level and the sums from the live counts; true when the level changed
  function updateLevel() {
    const codes = Object.keys(cells), counts = {};
    for (const c of codes) counts[c] = countOf(c);
    const next = W.levelFor(counts, codes);
    const changed = next !== S.level;
    S.level = next;
    sums = {};
    if (S.level !== "micro_grid") {
      for (const c of codes) { const a = areaOf(c, S.level); sums[a] = (sums[a] || 0) + counts[c]; }
    }
    if (S.root) S.root.setAttribute("data-level", S.level);
    if (changed) W.legend();
    return changed;
  }
  let childrenSeen = -1;
  function siblings(codes) {
    if (S.level === "micro_grid") return codes;
    if (childrenSeen !== S.areasSeen) { for (const k in children) delete children[k]; childrenSeen = S.areasSeen; }
    if (!children[S.level]) {
      const idx = (children[S.level] = {});
      for (const c of Object.keys(cells)) (idx[areaOf(c, S.level)] = idx[areaOf(c, S.level)] || []).push(c);
    }
    const out = new Set();
    for (const c of codes) for (const x of children[S.level][areaOf(c, S.level)] || []) out.add(x);
    return Array.from(out);
  }

  // Many cells (an imported district's 10,000) are drawn on one canvas: recolouring them
  // all is then one repaint instead of 10,000 SVG attribute changes, each restyled and laid
  // out by the browser. Fewer (the demo's 3,116) stay SVG paths, each an element of its own.
  // The page says which (cfg.render); water goes on a canvas of its own under the cells.
  function onCanvas() { return !!W.config() && S.cfg.render === "canvas"; }
  const renderers = {};
  function canvasIn(map, pane, z) {
    if (!renderers[pane]) {
      map.createPane(pane).style.zIndex = z;  // under the outlines (overlayPane, 400)
      renderers[pane] = L.canvas({ pane: pane, padding: 0.2 });
    }
    return renderers[pane];
  }
  W.cellStyle = function (f, ctx) {
    const code = f.properties.code;
    const style = { fillColor: colourOf(shownOf(code)), fillOpacity: inFocus(code) ? 0.78 : 0.22, color: "#0b1220",
                    weight: px(S.level === "micro_grid" ? 0.35 : 0.1), opacity: 0.9, className: "wf-cell" };
    // the style is set before Leaflet adds the layer, so this picks the layer's renderer
    if (onCanvas() && ctx && ctx.map) style.renderer = canvasIn(ctx.map, "wf-cells", 390);
    return style;
  };
  W.waterStyle = function (f, ctx) {
    const style = { fillColor: "#0e2c4a", fillOpacity: 1, color: "#1f5a8c", weight: px(1.2), className: "wf-water" };
    if (onCanvas() && ctx && ctx.map) style.renderer = canvasIn(ctx.map, "wf-water", 380);
    return style;
  };

  let drawn = 0;
  W.onEachCell = function (f, layer, ctx) {
    const code = f.properties.code;
    cells[code] = layer;
    if (f.properties.parent) S.parentOf[code] = f.properties.parent;
    layer.once("add", function () { drawn++; tag(layer, { "data-code": code, "data-count": countOf(code) }); });
    layer.on("click", function () { W.drill(code); });
    W.init(ctx.map);
  };

  W.timings = [];                        // recolour durations, for the benchmark
  function recolour(codes) {
    const t0 = performance.now();
    const weight = px(S.level === "micro_grid" ? 0.35 : 0.1), canvas = renderers["wf-cells"];
    for (const code of codes) {
      const layer = cells[code];
      if (!layer) continue;
      const n = countOf(code), shown = shownOf(code);
      const fill = colourOf(shown), opacity = inFocus(code) ? 0.78 : 0.22;
      if (canvas && layer._renderer === canvas) {
        // on the canvas: only a cell that looks different asks for a repaint (of its box;
        // the repaints asked for in one frame are one)
        const o = layer.options;
        if (o.fillColor === fill && o.fillOpacity === opacity && o.weight === weight) continue;
        o.fillColor = fill;
        o.fillOpacity = opacity;
        o.weight = weight;
        if (layer._map) canvas._requestRedraw(layer);
        continue;
      }
      layer.setStyle({ fillColor: fill, fillOpacity: opacity, weight: weight });
      tag(layer, { "data-count": n, "data-shown": shown });
    }
    W.timings.push({ n: codes.length, ms: performance.now() - t0 });
    if (W.timings.length > 200) W.timings.shift();
  }
  W.recolourAll = function () { recolour(Object.keys(cells)); };

  // What a cell shows, for a canvas-drawn cell that has no element to read (and for SVG alike)
  W.cellInfo = function (code) {
    const layer = cells[code];
    return layer ? { fill: layer.options.fillColor, count: countOf(code), shown: shownOf(code), drawn: !!layer._map } : null;
  };
  W.cellsDrawn = function () { return drawn; };
  // Whether a point the legend samples lies on a cell drawn on the canvas (its pixel is
  // painted there): for SVG the element under the point says it by its class
  W.onCellCanvas = function (hit, x, y) {
    const r = renderers["wf-cells"];
    if (!r || hit !== r._container) return false;
    const box = hit.getBoundingClientRect(), k = hit.width / (box.width || 1);
    const dot = hit.getContext("2d").getImageData(Math.floor((x - box.left) * k), Math.floor((y - box.top) * k), 1, 1);
    return dot.data[3] > 0;
  };

  Object.assign(W, { RAMP, BREAKS, LEVEL_SCALE, colourOf, countOf, areaOf, shownOf, updateLevel, siblings, recolour });
})();
