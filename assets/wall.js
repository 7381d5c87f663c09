/* watchfloor wall: draws the live state from wf.live onto the map and the board.
   dash-leaflet calls the functions in wf.wall by name (style / onEachFeature) with the
   Leaflet arguments plus a context carrying the map; after that everything is patched in
   place: setStyle on the cells that changed, markers added/moved/recoloured, text nodes
   updated. Nothing here re-sends or re-renders geometry. */
(function () {
  "use strict";
  const wf = (window.wf = window.wf || {});
  const W = (wf.wall = {});

  const RAMP = ["#16223a", "#2f7fd0", "#37b6d6", "#7ee0a0", "#f2c14e", "#f28b30", "#ff4d4f"];
  const BREAKS = { hour: [1, 2, 3, 5, 8, 12], day: [1, 3, 6, 10, 16, 25] };
  const SLA = { green: "#2ecc71", amber: "#f5b041", red: "#ff4d4f" };
  const SENSOR = { online: "#2ec4b6", offline: "#6b7a90", alarm: "#ff4d4f" };
  const VIEWS = ["overview", "crowd", "pipeline"];

  const cells = {};                      // micro-grid code -> L.Path
  const areas = { district: {}, street: {}, community: {}, grid: {} };
  const zones = {};                      // zone code -> L.Path
  const markers = {};                    // incident id -> L.CircleMarker
  const sensorMarks = {};                // sensor id -> L.CircleMarker
  let map = null, incLayer = null, sensorLayer = null, cfg = null, root = null;
  let focus = { street: null, community: null };
  let metric = "hour";
  let viewIndex = 0;
  let heatDue = 0, heatSeq = 0;
  W.timings = [];                        // recolour durations, for the benchmark

  function config() {
    if (cfg) return cfg;
    const el = document.getElementById("wf-config");
    if (!el) return null;
    cfg = JSON.parse(el.getAttribute("data-config"));
    metric = cfg.metric;
    return cfg;
  }
  function t(key) { return (config() && cfg.t[key]) || key; }
  function colourOf(v) {
    const b = BREAKS[metric];
    let i = 0;
    while (i < b.length && v >= b[i]) i++;
    return RAMP[i];
  }
  function countOf(code) {
    const v = wf.live.state.grids[code];
    return v ? v[metric === "hour" ? 0 : 1] : 0;
  }
  function parts(code) {
    const p = code.split("-");
    return { street: p[0], community: p.slice(0, 2).join("-"), grid: p.slice(0, 3).join("-") };
  }
  function inFocus(code) {
    const p = parts(code);
    if (focus.community) return p.community === focus.community;
    if (focus.street) return p.street === focus.street;
    return true;
  }
  function tag(layer, attrs) {
    const el = layer.getElement && layer.getElement();
    if (!el) return;
    for (const k in attrs) el.setAttribute(k, attrs[k]);
  }
  function fmt(n) { return n == null ? "–" : Number(n).toLocaleString(cfg && cfg.lang === "en" ? "en" : "zh-CN"); }
  function mmss(ms) {
    const s = Math.max(0, Math.round(Math.abs(ms) / 1000));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }
  function setText(id, text) {
    const el = document.getElementById(id);
    if (el && el.textContent !== text) el.textContent = text;
    return el;
  }

  // ---------------------------------------------------------------- styles (called by dash-leaflet)
  W.cellStyle = function (f) {
    const code = f.properties.code;
    return { fillColor: colourOf(countOf(code)), fillOpacity: inFocus(code) ? 0.78 : 0.22,
             color: "#0b1220", weight: 0.35, opacity: 0.9, className: "wf-cell" };
  };
  W.waterStyle = function () {
    return { fillColor: "#0e2c4a", fillOpacity: 1, color: "#1f5a8c", weight: 1.2, className: "wf-water" };
  };
  W.districtStyle = function () { return { fill: false, color: "#b8d4ff", weight: 3.5, className: "wf-outline" }; };
  W.streetStyle = function (f) {
    return { fill: false, color: "#8fb8ff", weight: focus.street === f.properties.code ? 4 : 2.2,
             opacity: 0.95, className: "wf-street" };
  };
  W.communityStyle = function (f) {
    const show = focus.street && f.properties.parent === focus.street;
    return { fill: false, color: "#6f95cf", weight: focus.community === f.properties.code ? 3 : 1.3,
             opacity: show ? 0.9 : 0, className: "wf-community" };
  };
  W.gridStyle = function (f) {
    const show = focus.community && f.properties.parent === focus.community;
    return { fill: false, color: "#5d7fb0", weight: 0.9, opacity: show ? 0.85 : 0, className: "wf-grid" };
  };
  W.zoneStyle = function (f) {
    return { fill: false, color: "#ffd166", weight: 1.8, dashArray: "6 5", className: "wf-zone" };
  };

  // ---------------------------------------------------------------- layers (called by dash-leaflet)
  W.onEachCell = function (f, layer, ctx) {
    const code = f.properties.code;
    cells[code] = layer;
    layer.once("add", function () { tag(layer, { "data-code": code, "data-count": countOf(code) }); });
    layer.on("click", function () { drill(code); });
    init(ctx.map);
  };
  W.onEachArea = function (f, layer, ctx) {
    // codes are hierarchical: BJ (district), BJ01 (street), BJ01-C03 (community), BJ01-C03-G05 (grid)
    const depth = f.properties.code.split("-").length;
    const level = depth === 1 ? (f.properties.parent ? "street" : "district") : depth === 2 ? "community" : "grid";
    areas[level][f.properties.code] = { layer: layer, props: f.properties };
    init(ctx.map);
  };
  W.onEachZone = function (f, layer, ctx) {
    zones[f.properties.code] = layer;
    layer.bindTooltip("", { permanent: true, direction: "center", className: "wf-zone-label", opacity: 1 });
    init(ctx.map);
    paintZone(f.properties.code);
  };

  function init(m) {
    if (map || !m) return;
    map = m;
    config();
    // own panes above the polygons, whatever order the GeoJSON layers arrive in
    map.createPane("wf-sensors").style.zIndex = 640;
    map.createPane("wf-incidents").style.zIndex = 650;
    incLayer = L.layerGroup().addTo(map);
    sensorLayer = L.layerGroup().addTo(map);
    root = document.getElementById("wf-wall");
    map.fitBounds(cfg.bounds, { padding: [8, 8] });
    applyLayers();
    setView(cfg.view || "overview");
    if (cfg.rotate) {
      setInterval(function () { viewIndex = (viewIndex + 1) % VIEWS.length; setView(VIEWS[viewIndex]); },
                  cfg.rotate * 1000);
    }
    wf.live.on(render);
  }

  // ---------------------------------------------------------------- drawing live state
  function recolour(codes) {
    const t0 = performance.now();
    for (const code of codes) {
      const layer = cells[code];
      if (!layer) continue;
      const n = countOf(code);
      layer.setStyle({ fillColor: colourOf(n), fillOpacity: inFocus(code) ? 0.78 : 0.22 });
      tag(layer, { "data-count": n });
    }
    W.timings.push({ n: codes.length, ms: performance.now() - t0 });
    if (W.timings.length > 200) W.timings.shift();
  }
  W.recolourAll = function () { recolour(Object.keys(cells)); };

  function slaColour(item, now) {
    if (item.due && now >= item.due) return "red";
    if (item.amber && now >= item.amber) return "amber";
    return "green";
  }

  function paintIncident(item, now) {
    if (item.lat == null || item.lon == null) return;
    const colour = slaColour(item, now);
    let m = markers[item.id];
    if (!m) {
      m = L.circleMarker([item.lat, item.lon], { radius: 7, weight: 2, color: "#ffffff", pane: "wf-incidents",
                                                  fillOpacity: 0.95, className: "wf-inc" });
      m.on("click", function () { location.href = "/incident/" + encodeURIComponent(item.id); });
      m.bindTooltip("", { direction: "top", className: "wf-tip" });
      m.addTo(incLayer);
      markers[item.id] = m;
    } else {
      m.setLatLng([item.lat, item.lon]);
    }
    if (m._wfColour !== colour) {
      m.setStyle({ fillColor: SLA[colour], radius: colour === "red" ? 11 : 7 });
      m._wfColour = colour;
      const el = m.getElement();
      if (el) { el.classList.toggle("wf-late", colour === "red"); }
    }
    m.setTooltipContent(document.createTextNode(t("cat." + item.cat) + " · " + t("state." + item.state)));
    tag(m, { "data-id": item.id, "data-colour": colour, "data-stage": item.stage || "" });
  }

  function paintSensor(id, status) {
    const meta = (wf.live.state.sensor_meta || {})[id];
    if (!meta) return;
    let m = sensorMarks[id];
    if (!m) {
      m = L.circleMarker([meta[2], meta[1]], { radius: 4, weight: 1, color: "#0b1220", fillOpacity: 0.95,
                                               pane: "wf-sensors", className: "wf-sensor" }).addTo(sensorLayer);
      sensorMarks[id] = m;
    }
    m.setStyle({ fillColor: SENSOR[status] || SENSOR.offline, radius: status === "alarm" ? 8 : 4 });
    tag(m, { "data-sensor": id, "data-status": status });
    const el = m.getElement();
    if (el) el.classList.toggle("wf-alarm", status === "alarm");
  }

  function paintZone(code) {
    const layer = zones[code];
    if (!layer || !config()) return;
    const info = cfg.zones[code] || {};
    const people = (wf.live.state.zones || {})[code] || 0;
    const over = info.capacity && people > info.capacity;
    layer.setStyle(over ? { color: "#ff4d4f", weight: 5, dashArray: null } :
                          { color: "#ffd166", weight: 1.8, dashArray: "6 5" });
    const el = layer.getElement();
    if (el) { el.classList.toggle("wf-over", !!over); el.setAttribute("data-zone", code); el.setAttribute("data-people", people); }
    const name = cfg.lang === "en" ? info.name_en : info.name;
    const text = name + "  " + fmt(people) + (over ? "  ⚠ " + t("over_capacity") : "");
    layer.setTooltipContent(document.createTextNode(text));
    const tip = layer.getTooltip() && layer.getTooltip().getElement();
    if (tip) tip.classList.toggle("wf-over", !!over);
  }

  function refreshHeat(force) {
    const now = Date.now();
    if (!map || (!force && now < heatDue)) return;
    heatDue = now + 3000;  // the image is cheap, but a few a minute is plenty
    map.eachLayer(function (l) {
      if (l instanceof L.ImageOverlay) l.setUrl("/api/heat.png?seq=" + (++heatSeq));
    });
  }

  function board(s, now) {
    if (!s.board) return;
    for (const c of ["accept", "dispatch", "arrive"]) {
      const col = s.board[c];
      setText("wf-n-" + c, fmt(col.n));
      for (const x of ["green", "amber", "red"]) {
        const bar = document.getElementById("wf-bar-" + c + "-" + x);
        if (bar) { bar.style.flexGrow = col[x]; bar.textContent = col[x] ? col[x] : ""; }
      }
      const list = document.getElementById("wf-oldest-" + c);
      if (!list) continue;
      const ids = col.oldest.map(function (i) { return i.id; }).join(",");
      if (list.getAttribute("data-ids") !== ids) {
        list.setAttribute("data-ids", ids);
        list.replaceChildren.apply(list, col.oldest.map(function (i) {
          const li = document.createElement("li");
          li.setAttribute("data-id", i.id);
          li.setAttribute("data-due", i.due);
          li.setAttribute("data-amber", i.amber);
          const what = document.createElement("span");
          what.className = "wf-what";
          what.textContent = t("cat." + i.cat) + " · " + (i.grid ? i.grid.split("-").slice(1).join("-") : "");
          const left = document.createElement("span");
          left.className = "wf-left";
          li.append(what, left);
          return li;
        }));
        if (!col.oldest.length) {
          const li = document.createElement("li");
          li.className = "wf-none";
          li.textContent = t("none_waiting");
          list.append(li);
        }
      }
      countdowns(list, now);
    }
    const comp = s.compliance || {};
    for (const c of ["accept", "dispatch", "arrive"]) {
      const x = comp[c];
      setText("wf-share-" + c, x && x.share != null ? Math.round(x.share * 100) + "%" : "–");
      setText("wf-p90-" + c, x && x.p90_s != null ? mmss(x.p90_s * 1000) : "–");
    }
  }

  function countdowns(list, now) {
    list.querySelectorAll("li[data-due]").forEach(function (li) {
      const due = Number(li.getAttribute("data-due"));
      const amber = Number(li.getAttribute("data-amber"));
      const left = due - now;
      const colour = left < 0 ? "red" : now >= amber ? "amber" : "green";
      li.className = "wf-" + colour;
      li.querySelector(".wf-left").textContent = left < 0 ? "+" + mmss(left) : mmss(left);
    });
  }

  function headline(s) {
    const h = s.headline;
    if (!h) return;
    setText("wf-tile-events_today", fmt(h.reports));
    setText("wf-tile-open", fmt(h.open));
    const late = setText("wf-tile-late", fmt(h.late));
    if (late) late.parentElement.classList.toggle("wf-alert", h.late > 0);
    let where = "";
    if (h.peak) {
      const z = cfg.zones[h.peak.zone] || {};
      where = " · " + ((cfg.lang === "en" ? z.name_en : z.name) || h.peak.zone);
    }
    setText("wf-tile-crowd_peak", h.peak ? fmt(h.peak.people) : "–");
    setText("wf-label-crowd_peak", t("crowd_peak") + where);
    setText("wf-tile-sensors_online", fmt(h.sensors_online) + " / " + fmt(h.sensors_total));
    setText("wf-tile-satisfaction", h.satisfaction == null ? "–" : h.satisfaction.toFixed(2) + " ★ (" + h.ratings + ")");
  }

  function legend() {
    const el = document.getElementById("wf-legend");
    if (!el) return;
    const b = BREAKS[metric];
    const rows = [document.createElement("div")];
    rows[0].className = "wf-legend-title";
    rows[0].textContent = t(metric === "hour" ? "cells_hour" : "cells_day");
    for (let i = 0; i <= b.length; i++) {
      const row = document.createElement("div");
      const sw = document.createElement("i");
      sw.style.background = RAMP[i];
      const label = i === 0 ? "0" : i === b.length ? b[i - 1] + "+" : (b[i - 1] === b[i] - 1 ? String(b[i - 1]) : b[i - 1] + "–" + (b[i] - 1));
      row.append(sw, document.createTextNode(label));
      rows.push(row);
    }
    const sla = document.createElement("div");
    sla.className = "wf-legend-sla";
    for (const x of ["green", "amber", "red"]) {
      const sw = document.createElement("b");
      sw.style.background = SLA[x];
      sla.append(sw, document.createTextNode(t(x) + " "));
    }
    rows.push(sla);
    el.replaceChildren.apply(el, rows);
    el.onclick = function () { metric = metric === "hour" ? "day" : "hour"; legend(); W.recolourAll(); };
  }

  function banner(s) {
    const el = document.getElementById("wf-banner");
    if (!el) return;
    let text = "";
    if (!s.connected || Date.now() - s.lastMessage > 8000) text = s.received ? t("stale_link") : t("connecting");
    else if (s.last_event && wf.live.now() - s.last_event > 120000) {
      text = t("stale_feed").replace("{m}", Math.floor((wf.live.now() - s.last_event) / 60000));
    }
    el.textContent = text;
    el.classList.toggle("wf-show", !!text);
    if (root) root.classList.toggle("wf-stale", !!text);
  }

  function render(s, msg) {
    if (!map) return;
    const now = wf.live.now();
    if (msg.type === "disconnected") { banner(s); return; }
    const full = msg.type === "snapshot" || msg.type === "replay";
    if (full) {
      W.recolourAll();
      for (const id in markers) if (!s.incidents[id]) { incLayer.removeLayer(markers[id]); delete markers[id]; }
      for (const id in s.incidents) paintIncident(s.incidents[id], now);
      for (const id in s.sensors) paintSensor(id, s.sensors[id]);
      for (const code in zones) paintZone(code);
      refreshHeat(true);
    } else {
      if (msg.grids) recolour(Object.keys(msg.grids));
      (msg.upsert || []).forEach(function (i) { paintIncident(i, now); });
      (msg.remove || []).forEach(function (id) {
        if (markers[id]) { incLayer.removeLayer(markers[id]); delete markers[id]; }
      });
      for (const id in msg.sensors || {}) paintSensor(id, msg.sensors[id]);
      for (const code in msg.zones || {}) paintZone(code);
      if (msg.zones) refreshHeat(false);
    }
    board(s, now);
    headline(s);
    banner(s);
    root.setAttribute("data-seq", msg.seq == null ? "" : msg.seq);
  }

  // every second: clock, countdowns, markers turning amber/red, stale banner
  function tick() {
    if (!config()) return;
    const now = wf.live.now();
    const clock = new Date(now).toLocaleTimeString(cfg.lang === "en" ? "en-GB" : "zh-CN",
                                                   { timeZone: cfg.tz, hour12: false });
    setText("wf-clock", clock);
    if (!map) return;
    const s = wf.live.state;
    for (const id in s.incidents) {
      const m = markers[id];
      if (m && m._wfColour !== slaColour(s.incidents[id], now)) paintIncident(s.incidents[id], now);
    }
    document.querySelectorAll(".wf-oldest").forEach(function (list) { countdowns(list, now); });
    banner(s);
  }
  setInterval(tick, 1000);

  // ---------------------------------------------------------------- drill-down and views
  function setFocus(street, community) {
    focus = { street: street, community: community };
    for (const code in areas.street) areas.street[code].layer.setStyle(W.streetStyle({ properties: areas.street[code].props }));
    for (const code in areas.community) areas.community[code].layer.setStyle(W.communityStyle({ properties: areas.community[code].props }));
    for (const code in areas.grid) areas.grid[code].layer.setStyle(W.gridStyle({ properties: areas.grid[code].props }));
    W.recolourAll();
    const target = community ? areas.community[community] : street ? areas.street[street] : null;
    if (target) map.flyToBounds(target.layer.getBounds(), { padding: [20, 20], duration: 0.8 });
    else map.flyToBounds(cfg.bounds, { padding: [8, 8], duration: 0.8 });
    crumbs();
  }
  W.setFocus = setFocus;

  function drill(code) {
    const p = parts(code);
    if (!focus.street || focus.street !== p.street) return setFocus(p.street, null);
    if (!focus.community || focus.community !== p.community) return setFocus(p.street, p.community);
    location.href = "/incidents?grid=" + encodeURIComponent(p.grid);
  }

  function crumbs() {
    const nav = document.getElementById("wf-crumbs");
    if (!nav) return;
    const items = [[cfg.lang === "en" ? "Binjiang" : "滨江区", function () { setFocus(null, null); }]];
    const nameOf = function (entry) { return entry ? (cfg.lang === "en" ? entry.props.name_en : entry.props.name) : ""; };
    if (focus.street) items.push([nameOf(areas.street[focus.street]), function () { setFocus(focus.street, null); }]);
    if (focus.community) items.push([nameOf(areas.community[focus.community]), function () {}]);
    nav.replaceChildren.apply(nav, items.map(function (it, i) {
      const a = document.createElement("button");
      a.textContent = it[0];
      a.onclick = it[1];
      a.className = i === items.length - 1 ? "wf-crumb wf-here" : "wf-crumb";
      return a;
    }));
  }

  function applyLayers() {
    const on = new Set(cfg.layers);
    document.querySelectorAll(".wf-toggle").forEach(function (b) {
      const layer = b.getAttribute("data-layer");
      b.classList.toggle("wf-on", on.has(layer));
      b.onclick = function () {
        if (on.has(layer)) on.delete(layer); else on.add(layer);
        cfg.layers = Array.from(on);
        applyLayers();
      };
    });
    for (const layer of ["cells", "heat", "incidents", "sensors"]) root.classList.toggle("wf-hide-" + layer, !on.has(layer));
  }

  function setView(view) {
    root.setAttribute("data-view", view);
    setText("wf-view-name", cfg.rotate ? t("view_" + view) : "");
    viewIndex = VIEWS.indexOf(view);
    setTimeout(function () { map.invalidateSize(); }, 50);
    if (view === "crowd") {
      let best = null, ratio = -1;
      for (const code in zones) {
        const cap = (cfg.zones[code] || {}).capacity || 1;
        const r = ((wf.live.state.zones || {})[code] || 0) / cap;
        if (r > ratio) { ratio = r; best = code; }
      }
      if (best) map.flyToBounds(zones[best].getBounds(), { padding: [60, 60], duration: 1.0, maxZoom: 15 });
    } else if (!focus.street) {
      map.flyToBounds(cfg.bounds, { padding: [8, 8], duration: 1.0 });
    }
  }
  W.setView = setView;

  // ---------------------------------------------------------------- sizing for any wall
  function size() {
    const wall = document.getElementById("wf-wall");
    if (!wall || !config()) return;
    const w = cfg.width || window.innerWidth, h = cfg.height || window.innerHeight;
    wall.style.width = w + "px";
    wall.style.height = h + "px";
    wall.style.setProperty("--u", Math.min(w / 1920, h / 1080) + "px");
    wall.classList.toggle("wf-wide", w / h > 2.4);
    wall.classList.toggle("wf-tall", w / h < 1.2);
    if (map) map.invalidateSize();
  }
  window.addEventListener("resize", size);
  const ready = setInterval(function () {
    if (document.getElementById("wf-wall")) { size(); legend(); crumbs(); clearInterval(ready); }
  }, 50);
})();
