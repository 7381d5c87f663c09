/* watchfloor wall: draws the live state from wf.live onto the map and the board.
   dash-leaflet calls the functions in wf.wall by name (style / onEachFeature) with the
   Leaflet arguments plus a context carrying the map; after that everything is patched in
   place: setStyle on the cells that changed, markers added/moved/recoloured, text nodes
   updated. Nothing here re-sends or re-renders geometry.
   This file holds the state the wall's parts share (wf.wall.s), the helpers they use,
   start-up, and the drawing of each message; the parts are the wall_*.js files beside it
   (Dash loads assets in name order, so this one comes first). */
(function () {
  "use strict";
  const wf = (window.wf = window.wf || {});
  const W = (wf.wall = {});
  const S = (W.s = {
    cells: {},                           // micro-grid code -> L.Path
    areas: { district: {}, street: {}, community: {}, grid: {} },
    zones: {},                           // zone code -> L.Path
    markers: {},                         // incident id -> L.CircleMarker
    sensorMarks: {},                     // sensor id -> L.CircleMarker
    map: null, incLayer: null, sensorLayer: null, cfg: null, root: null,
    focus: { street: null, community: null },
    metric: "hour",
    level: "micro_grid",                 // the level counts are shown at (wall_cells.js)
    parentOf: {},                        // micro-grid code -> its grid's code, from the cells' layer
    areasSeen: 0,                        // areas registered so far: the hierarchy may have grown
  });
  const areas = S.areas, zones = S.zones, markers = S.markers;

  function config() {
    if (S.cfg) return S.cfg;
    const el = document.getElementById("wf-config");
    if (!el) return null;
    S.cfg = JSON.parse(el.getAttribute("data-config"));
    S.metric = S.cfg.metric;
    return S.cfg;
  }
  function t(key) { return (config() && S.cfg.t[key]) || key; }

  // A micro-grid's grid, community and street, from its parents as the layers give them (an
  // imported file's codes need not spell them); the demo's codes do ("BJ01-C03-G05-M6"),
  // which answers until the area layers are in. Known chains are kept: the wall asks often.
  const known = new Map();
  function parts(code) {
    const p = known.get(code);
    if (p) return p;
    const grid = S.parentOf[code], g = grid && areas.grid[grid];
    const community = g && g.props.parent, c = community && areas.community[community];
    if (c && c.props.parent) {
      const chain = { street: c.props.parent, community: community, grid: grid };
      known.set(code, chain);
      return chain;
    }
    const s = code.split("-");
    return { street: s[0], community: s.slice(0, 2).join("-"), grid: s.slice(0, 3).join("-") };
  }
  function inFocus(code) {
    const p = parts(code);
    if (S.focus.community) return p.community === S.focus.community;
    if (S.focus.street) return p.street === S.focus.street;
    return true;
  }
  function tag(layer, attrs) {
    const el = layer.getElement && layer.getElement();
    if (!el) return;
    for (const k in attrs) el.setAttribute(k, attrs[k]);
  }
  function fmt(n) { return n == null ? "–" : Number(n).toLocaleString(S.cfg && S.cfg.lang === "en" ? "en" : "zh-CN"); }
  function mmss(ms) {
    const s = Math.max(0, Math.round(Math.abs(ms) / 1000));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }
  function setText(id, text) {
    const el = document.getElementById(id);
    if (el && el.textContent !== text) el.textContent = text;
    return el;
  }

  function nameOf(level, code) {
    const a = areas[level][code];
    if (!a) return "";
    return S.cfg.lang === "en" ? a.props.name_en.replace(/ (Community|Street)$/, "") : a.props.name;
  }
  // "晓岸社区 · 江澄街道" / "Xiao'an · Jiangcheng": micro-grid codes repeat across streets, names do not
  function placeOf(grid) {
    if (!grid) return "";
    const p = parts(grid);
    return [nameOf("community", p.community), nameOf("street", p.street)].filter(Boolean).join(" · ");
  }
  W.placeOf = placeOf;
  function hhmm(ms) {
    return new Date(ms).toLocaleTimeString(S.cfg.lang === "en" ? "en-GB" : "zh-CN",
                                           { timeZone: S.cfg.tz, hour12: false, hour: "2-digit", minute: "2-digit" });
  }
  function hhmmss(ms) {
    return new Date(ms).toLocaleTimeString(S.cfg.lang === "en" ? "en-GB" : "zh-CN", { timeZone: S.cfg.tz, hour12: false });
  }
  function el(tagName, className, text) {
    const e = document.createElement(tagName);
    if (className) e.className = className;
    if (text != null) e.textContent = text;
    return e;
  }

  function showInfo(latlng, content) {
    L.popup({ className: "wf-popup", autoPan: false, closeButton: true, maxWidth: 600 })
      .setLatLng(latlng).setContent(content).openOn(S.map);
  }

  // Lines and markers in the wall's unit, as the type is: a 4K panel draws them twice as
  // thick as a 1080p one, and a small screen no thinner than 1080p's
  function px(n) {
    const w = S.cfg && S.cfg.width || window.innerWidth, h = S.cfg && S.cfg.height || window.innerHeight;
    return n * Math.max(1, Math.min(w / 1920, h / 1080));
  }

  W.map = function () { return S.map; };  // for the other layers' scripts (fresh.js)

  function init(m) {
    if (S.map || !m) return;
    S.map = m;
    config();
    // own panes above the polygons, whatever order the GeoJSON layers arrive in
    S.map.createPane("wf-sensors").style.zIndex = 640;
    S.map.createPane("wf-incidents").style.zIndex = 650;
    const labels = S.map.createPane("wf-labels");
    labels.style.zIndex = 660;
    labels.style.pointerEvents = "none";
    S.map.on("zoomend moveend resize", W.placeLegendSoon);
    // whether the view is still flying: the labels are placed again where it lands
    S.map.on("movestart zoomstart", function () { S.map.getContainer().setAttribute("data-moving", "1"); });
    S.map.on("moveend", function () { S.map.getContainer().setAttribute("data-moving", "0"); });
    S.incLayer = L.layerGroup().addTo(S.map);
    S.sensorLayer = L.layerGroup().addTo(S.map);
    S.root = document.getElementById("wf-wall");
    S.map.fitBounds(S.cfg.bounds, { padding: [8, 8] });
    W.applyLayers();
    W.setView(S.cfg.view || "overview");
    if (S.cfg.rotate) setInterval(W.nextView, S.cfg.rotate * 1000);
    wf.live.on(render);
  }

  function render(s, msg) {
    if (!S.map) return;
    const now = wf.live.now();
    if (msg.type === "disconnected") { W.banner(s); return; }
    const full = msg.type === "snapshot" || msg.type === "replay";
    if (full) {
      W.updateLevel();
      W.recolourAll();
      for (const id in markers) if (!s.incidents[id]) { S.incLayer.removeLayer(markers[id]); delete markers[id]; }
      for (const id in s.incidents) W.paintIncident(s.incidents[id], now);
      for (const id in s.sensors) W.paintSensor(id, s.sensors[id]);
      for (const code in zones) W.paintZone(code);
      W.refreshHeat(true);
      W.placeLegendSoon();
    } else {
      if (msg.grids) {
        if (W.updateLevel()) W.recolourAll();
        else W.recolour(W.siblings(Object.keys(msg.grids)));
      }
      (msg.upsert || []).forEach(function (i) { W.paintIncident(i, now); });
      (msg.remove || []).forEach(function (id) {
        if (markers[id]) { S.incLayer.removeLayer(markers[id]); delete markers[id]; }
      });
      for (const id in msg.sensors || {}) W.paintSensor(id, msg.sensors[id]);
      for (const code in msg.zones || {}) W.paintZone(code);
      if (msg.zones) { W.refreshHeat(false); W.placeLabelsSoon(); }
    }
    W.board(s, now);
    W.headline(s);
    W.focusCrowd();
    W.crowdPanel(s);
    W.fitAll();
    W.banner(s);
    S.root.setAttribute("data-seq", msg.seq == null ? "" : msg.seq);
    if (msg.arrived != null && (full || msg.grids)) painted(msg, full ? Object.keys(S.cells).length : Object.keys(msg.grids).length);
  }

  // From a message's arrival (before its JSON was parsed) to its cells on screen: the frame
  // after this one, when Leaflet has repainted what setStyle asked for (the benchmark's
  // recolour figure, bench/geo_wall.py)
  W.painted = [];
  function painted(msg, n) {
    requestAnimationFrame(function () {
      setTimeout(function () {
        W.painted.push({ seq: msg.seq, cells: n, ms: performance.now() - msg.arrived });
        if (W.painted.length > 200) W.painted.shift();
      }, 0);
    });
  }

  // every second: clock, countdowns, markers turning amber/red, stale banner
  function tick() {
    if (!config()) return;
    const now = wf.live.now();
    const locale = S.cfg.lang === "en" ? "en-GB" : "zh-CN";
    const d = new Date(now);
    setText("wf-date", d.toLocaleDateString(locale, { timeZone: S.cfg.tz, month: "long", day: "numeric", weekday: "short" }));
    setText("wf-time", d.toLocaleTimeString(locale, { timeZone: S.cfg.tz, hour12: false }));
    if (!S.map) return;
    const s = wf.live.state;
    W.banner(s);
    // stale data: countdowns and colours stand still at the moment the data stopped
    if (S.root.classList.contains("wf-down")) return;
    for (const id in s.incidents) {
      const m = markers[id];
      if (m && m._wfColour !== W.slaColour(s.incidents[id], now)) W.paintIncident(s.incidents[id], now);
    }
    document.querySelectorAll(".wf-oldest").forEach(function (list) { W.countdowns(list, now); });
    if (S.root.getAttribute("data-view") === "crowd") W.loadCrowd();
  }
  setInterval(tick, 1000);

  // ---------------------------------------------------------------- sizing for any wall
  function size() {
    const wall = document.getElementById("wf-wall");
    if (!wall || !config()) return;
    const w = S.cfg.width || window.innerWidth, h = S.cfg.height || window.innerHeight;
    wall.style.width = w + "px";
    wall.style.height = h + "px";
    wall.style.setProperty("--u", Math.min(w / 1920, h / 1080) + "px");
    wall.classList.toggle("wf-wide", w / h > 2.4);
    wall.classList.toggle("wf-tall", w / h < 1.2);
    if (S.map) S.map.invalidateSize();
    W.fitAll();
  }
  window.addEventListener("resize", size);
  const ready = setInterval(function () {
    if (document.getElementById("wf-wall")) { size(); W.legend(); W.crumbs(); clearInterval(ready); }
  }, 50);

  Object.assign(W, { config, t, parts, inFocus, tag, fmt, mmss, setText, nameOf, placeOf, hhmm, hhmmss, el,
                     showInfo, px, init });
})();
