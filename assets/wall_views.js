/* The wall's views (overview, crowd, pipeline) and layer toggles, and the crowd view's
   panel: zones against capacity, their last hour, when each is full.
   Part of the wall: wall.js holds the state these share (wf.wall.s). */
(function () {
  "use strict";
  const wf = window.wf;
  const W = wf.wall, S = W.s;
  const t = W.t, fmt = W.fmt, setText = W.setText, el = W.el;
  const zones = S.zones;

  const VIEWS = ["overview", "crowd", "pipeline"];
  let viewIndex = 0;

  function applyLayers() {
    const on = new Set(S.cfg.layers);
    document.querySelectorAll(".wf-toggle").forEach(function (b) {
      const layer = b.getAttribute("data-layer");
      b.classList.toggle("wf-on", on.has(layer));
      b.onclick = function () {
        if (on.has(layer)) on.delete(layer); else on.add(layer);
        S.cfg.layers = Array.from(on);
        applyLayers();
        W.legend();
        W.placeLabelsSoon();
      };
    });
    document.querySelectorAll(".wf-toggle").forEach(function (b) {
      const layer = b.getAttribute("data-layer");
      S.root.classList.toggle("wf-hide-" + layer, !on.has(layer));
    });
  }

  function setView(view) {
    S.root.setAttribute("data-view", view);
    setText("wf-view-name", S.cfg.rotate ? t("view_" + view) : "");
    viewIndex = VIEWS.indexOf(view);
    crowdPending = view === "crowd";
    // the layout changes with the view: resize the map first, then frame what the view shows
    setTimeout(function () {
      S.map.invalidateSize();
      W.fitAll();
      if (view === "crowd") { focusCrowd(); loadCrowd(); }
      else if (!S.focus.street) S.map.flyToBounds(S.cfg.bounds, { padding: [8, 8], duration: 1.0 });
    }, 50);
  }

  // The crowd view frames the fullest zone. At start-up the zones' outlines and the first
  // snapshot arrive in any order, so it waits for both (crowdPending) instead of racing them.
  let crowdPending = false;
  function focusCrowd() {
    if (!crowdPending || S.root.getAttribute("data-view") !== "crowd") return;
    const people = wf.live.state.zones || {};
    const codes = Object.keys(S.cfg.zones);
    if (!wf.live.state.received || !codes.every(function (c) { return zones[c]; })) return;
    let best = null, ratio = -1;
    for (const code of codes) {
      const r = (people[code] || 0) / ((S.cfg.zones[code] || {}).capacity || 1);
      if (r > ratio) { ratio = r; best = code; }
    }
    crowdPending = false;
    S.root.setAttribute("data-crowd-focus", best);
    S.map.flyToBounds(zones[best].getBounds(), { padding: [60, 60], duration: 1.0, maxZoom: 15 });
  }
  W.mapView = function () { return S.map && { zoom: S.map.getZoom(), center: S.map.getCenter() }; };

  // ---------------------------------------------------------------- crowd panel
  let crowdTrend = {}, crowdDue = 0;
  function loadCrowd() {
    if (Date.now() < crowdDue) return;
    crowdDue = Date.now() + 60000;  // minute summaries: once a minute is all there is
    fetch("/api/wall/crowd.json", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { zones: {} }; })
      .then(function (d) { crowdTrend = d.zones || {}; crowdPanel(wf.live.state); })
      .catch(function () { crowdDue = 0; });
  }
  function spark(points, capacity) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("class", "wf-crowd-spark");
    svg.setAttribute("viewBox", "0 0 60 20");
    svg.setAttribute("preserveAspectRatio", "none");
    if (points.length < 2) return svg;
    const m0 = points[points.length - 1][0] - 59;
    const top = Math.max(capacity, Math.max.apply(null, points.map(function (p) { return p[1]; }))) * 1.05;
    const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    line.setAttribute("points", points.map(function (p) { return (p[0] - m0) + "," + (20 - 20 * p[1] / top).toFixed(2); }).join(" "));
    const cap = document.createElementNS("http://www.w3.org/2000/svg", "line");
    const y = (20 - 20 * capacity / top).toFixed(2);
    cap.setAttribute("x1", 0); cap.setAttribute("x2", 60); cap.setAttribute("y1", y); cap.setAttribute("y2", y);
    svg.append(cap, line);
    return svg;
  }
  function crowdPanel(s) {
    const box = document.getElementById("wf-crowd-zones");
    if (!box || S.root.getAttribute("data-view") !== "crowd") return;
    const people = s.zones || {};
    const codes = Object.keys(S.cfg.zones).sort(function (a, b) {
      return people[b] / S.cfg.zones[b].capacity - people[a] / S.cfg.zones[a].capacity || 0;
    });
    box.replaceChildren.apply(box, codes.map(function (code) {
      const z = S.cfg.zones[code], n = people[code] || 0, cap = z.capacity || 1;
      const trend = crowdTrend[code] || {};
      const rate = trend.rate;
      let eta = null, text;
      if (n >= cap) { eta = 0; text = t("full_now"); }
      else if (rate && rate > 0) { eta = (cap - n) / rate; text = t("full_in").replace("{m}", eta < 1 ? "<1" : Math.round(eta)); }
      else text = t("not_filling");
      const row = el("div", "wf-crowd-zone" + (eta === 0 ? " wf-full" : eta != null && eta <= 30 ? " wf-near" : ""));
      row.setAttribute("data-zone", code);
      if (eta != null) row.setAttribute("data-eta", Math.round(eta));
      const count = el("div", "wf-crowd-n", fmt(n) + " ");
      count.append(el("small", null, "/ " + fmt(cap) + " · " + Math.round(100 * n / cap) + "%"));
      const bar = el("div", "wf-crowd-bar");
      const fill = el("b");
      fill.style.width = Math.min(100, 100 * n / cap) + "%";
      bar.append(fill);
      const etaLine = el("div", "wf-crowd-eta", text + (rate ? " · " + t("per_min").replace("{n}", fmt(Math.round(rate))) : ""));
      row.append(el("div", "wf-crowd-name", S.cfg.lang === "en" ? z.name_en : z.name), spark(trend.trend || [], cap), count, bar, etaLine);
      return row;
    }));
    W.wholeRows(box);
  }
  // kiosk rotation (?rotate=seconds): the next view
  function nextView() { viewIndex = (viewIndex + 1) % VIEWS.length; setView(VIEWS[viewIndex]); }

  Object.assign(W, { applyLayers, setView, nextView, focusCrowd, loadCrowd, spark, crowdPanel });
})();
