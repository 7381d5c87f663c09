// Building data freshness on the wall (layer "fresh"): green when a building's data was
// updated within six months, yellow when not, red when never. At district zoom each
// micro-grid is one dot in the colour most of its buildings are (the server counts them:
// one row per cell, however many buildings); zoomed in, each building in view is a dot.
// Drawn on a canvas in its own pane, fetched only once the layer is switched on (and
// again after a minute, or when a zoomed-in view moves), so a wall that does not show it
// pays nothing and one that does carries a bounded number of points.
(function () {
  "use strict";
  const wf = (window.wf = window.wf || {});
  const F = (wf.fresh = {});
  const COLOURS = { g: "#22c55e", y: "#eab308", r: "#ef4444" };
  const NAMES = { g: "green", y: "yellow", r: "red" };
  const REFRESH_MS = 60000;
  const BUILDINGS_ZOOM = 15;  // from here on a view holds a few thousand buildings at most
  const PAD = 0.2;            // the view asked for, beyond its edges: a small pan needs no fetch
  let group = null, renderer = null, cellsAt = 0, pointsAt = 0, loading = false;
  let cellsData = null, pointsData = null, box = null, hooked = false, drawnKey = null;

  function wall() { return document.getElementById("wf-wall"); }
  function shown() { const w = wall(); return !!w && !w.classList.contains("wf-hide-fresh"); }
  function theMap() { return wf.wall && wf.wall.map ? wf.wall.map() : null; }
  function zoomedIn(map) { return map.getZoom() >= BUILDINGS_ZOOM; }

  // the colour most of a cell's buildings are; a tie goes to the worse one
  function cellColour(g, y, r) { return r >= y && r >= g ? "r" : y >= g ? "y" : "g"; }

  function paint(map) {
    if (!map.getPane("wf-fresh")) map.createPane("wf-fresh").style.zIndex = 630;
    renderer = renderer || L.canvas({ pane: "wf-fresh" });
    const next = L.layerGroup();
    const buildings = !!pointsData && zoomedIn(map) && !pointsData.more;
    const key = (buildings ? "b" + pointsAt : "c") + "|" + cellsAt;
    if (key === drawnKey && group && map.hasLayer(group)) return;  // nothing new to draw
    drawnKey = key;
    const px = (wf.wall && wf.wall.px) || function (n) { return n; };
    if (buildings) {
      for (const p of pointsData.points) {
        L.circleMarker([p[1], p[0]], { renderer: renderer, radius: px(3), stroke: false, fillOpacity: 0.9,
                                       fillColor: COLOURS[p[2]], interactive: false }).addTo(next);
      }
    } else if (cellsData) {
      for (const c of cellsData.cells) {
        L.circleMarker([c[1], c[0]], { renderer: renderer, radius: px(4), weight: px(1), color: "#0b1220",
                                       fillOpacity: 0.95, fillColor: COLOURS[cellColour(c[2], c[3], c[4])],
                                       interactive: false }).addTo(next);
      }
    }
    if (group) map.removeLayer(group);
    group = next.addTo(map);
    F.drawn = buildings ? pointsData.points.length : cellsData ? cellsData.cells.length : 0;
    if (cellsData) {
      for (const k in NAMES) {
        const el = document.getElementById("wf-fresh-n-" + NAMES[k]);
        if (el) el.textContent = String(cellsData.totals[NAMES[k]]);
      }
    }
    const w = wall();
    if (w) {
      w.setAttribute("data-fresh-mode", buildings ? "buildings" : "cells");
      w.setAttribute("data-fresh-drawn", String(F.drawn));
    }
  }

  function get(url) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("freshness " + r.status); return r.json(); });
  }

  // the view and a margin around it, as the server takes it
  function viewBox(map) {
    const b = map.getBounds().pad(PAD);
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
  }
  function inside(map) {
    if (!box) return false;
    const v = map.getBounds(), p = box.split(",").map(Number);
    return v.getWest() >= p[0] && v.getSouth() >= p[1] && v.getEast() <= p[2] && v.getNorth() <= p[3];
  }

  function check() {
    const map = theMap();
    if (!map || !shown() || loading) return;
    hook(map);
    const now = Date.now();
    const wantCells = !cellsData || now - cellsAt >= REFRESH_MS;
    const wantPoints = zoomedIn(map) && (!pointsData || !inside(map) || now - pointsAt >= REFRESH_MS);
    if (!wantCells && !wantPoints) { paint(map); return; }
    loading = true;
    const asked = wantPoints ? viewBox(map) : null;
    Promise.all([
      wantCells ? get("/api/wall/freshness.json").then(function (d) { cellsData = d; cellsAt = Date.now(); }) : null,
      asked ? get("/api/wall/freshness.json?bbox=" + asked).then(function (d) {
        pointsData = d; pointsAt = Date.now(); box = asked;
        const w = wall();
        if (w) w.setAttribute("data-fresh-bbox", asked);
      }) : null,
    ])
      .then(function () { if (shown()) paint(map); })
      .catch(function (e) { console.warn(e); })
      .finally(function () { loading = false; if (shown() && zoomedIn(map) && !inside(map)) check(); });
  }

  // a zoomed-in view that moves past what was fetched asks for its buildings; zooming out
  // goes back to the cells
  let moved = null;
  function hook(map) {
    if (hooked) return;
    hooked = true;
    map.on("moveend", function () {
      clearTimeout(moved);
      moved = setTimeout(check, 300);
    });
  }

  // switched on by its toggle, or on from the start (?layers=...,fresh) once the map is up
  document.addEventListener("click", function (e) {
    if (e.target && e.target.closest && e.target.closest(".wf-toggle")) setTimeout(check, 0);
  });
  setInterval(function () { if (shown()) check(); }, REFRESH_MS / 4);
  (function untilMap() {
    if (theMap() && wall()) { check(); return; }
    setTimeout(untilMap, 500);  // Dash may mount the wall page later (client-side navigation)
  })();
  F.check = check;
})();
