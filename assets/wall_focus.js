/* The wall's areas and drill-down: street, community and grid outlines, the focus a
   click on a cell moves in, the breadcrumbs, and a grid's figures in place (kiosk).
   Part of the wall: wall.js holds the state these share (wf.wall.s). */
(function () {
  "use strict";
  const wf = window.wf;
  const W = wf.wall, S = W.s;
  const t = W.t, parts = W.parts, fmt = W.fmt, placeOf = W.placeOf, el = W.el, showInfo = W.showInfo, px = W.px;
  const cells = S.cells, areas = S.areas;

  W.districtStyle = function () { return { fill: false, color: "#b8d4ff", weight: px(3.5), className: "wf-outline" }; };
  W.streetStyle = function (f) {
    return { fill: false, color: "#8fb8ff", weight: px(S.focus.street === f.properties.code ? 4 : 2.2),
             opacity: 0.95, className: "wf-street" };
  };
  W.communityStyle = function (f) {
    const show = S.focus.street && f.properties.parent === S.focus.street;
    return { fill: false, color: "#6f95cf", weight: px(S.focus.community === f.properties.code ? 3 : 1.3),
             opacity: show ? 0.9 : 0, className: "wf-community" };
  };
  W.gridStyle = function (f) {
    const show = S.focus.community && f.properties.parent === S.focus.community;
    return { fill: false, color: "#5d7fb0", weight: px(0.9), opacity: show ? 0.85 : 0, className: "wf-grid" };
  };

  W.onEachArea = function (f, layer, ctx) {
    // the layer says its level; else the demo's codes do: BJ (district), BJ01 (street),
    // BJ01-C03 (community), BJ01-C03-G05 (grid)
    const depth = f.properties.code.split("-").length;
    const level = f.properties.level ||
      (depth === 1 ? (f.properties.parent ? "street" : "district") : depth === 2 ? "community" : "grid");
    if (!areas[level]) return;
    areas[level][f.properties.code] = { layer: layer, props: f.properties };
    S.areasSeen++;
    W.init(ctx.map);
  };

  // ---------------------------------------------------------------- drill-down
  function setFocus(street, community) {
    S.focus = { street: street, community: community };
    for (const code in areas.street) areas.street[code].layer.setStyle(W.streetStyle({ properties: areas.street[code].props }));
    for (const code in areas.community) areas.community[code].layer.setStyle(W.communityStyle({ properties: areas.community[code].props }));
    for (const code in areas.grid) areas.grid[code].layer.setStyle(W.gridStyle({ properties: areas.grid[code].props }));
    W.recolourAll();
    const target = community ? areas.community[community] : street ? areas.street[street] : null;
    if (target) S.map.flyToBounds(target.layer.getBounds(), { padding: [20, 20], duration: 0.8 });
    else S.map.flyToBounds(S.cfg.bounds, { padding: [8, 8], duration: 0.8 });
    crumbs();
  }
  W.setFocus = setFocus;

  function drill(code) {
    const p = parts(code);
    if (!S.focus.street || S.focus.street !== p.street) return setFocus(p.street, null);
    if (!S.focus.community || S.focus.community !== p.community) return setFocus(p.street, p.community);
    if (S.cfg.kiosk) return gridInfo(code);
    location.href = "/incidents?grid=" + encodeURIComponent(p.grid);
  }

  function gridInfo(code) {
    const layer = cells[code];
    const v = wf.live.state.grids[code] || [0, 0];
    const box = el("div", "wf-info");
    box.append(el("div", "wf-info-head", placeOf(code)));
    const a = areas.grid[parts(code).grid];
    if (a) box.append(el("div", "wf-info-row", S.cfg.lang === "en" ? a.props.name_en : a.props.name));
    for (const row of [[t("hour"), v[0]], [t("day"), v[1]]]) {
      const line = el("div", "wf-info-row");
      line.append(el("span", null, row[0]), el("span", null, fmt(row[1])));
      box.append(line);
    }
    if (layer) showInfo(layer.getBounds().getCenter(), box);
  }

  function crumbs() {
    const nav = document.getElementById("wf-crumbs");
    if (!nav) return;
    const items = [[S.cfg.district, function () { setFocus(null, null); }]];
    const nameOf = function (entry) { return entry ? (S.cfg.lang === "en" ? entry.props.name_en : entry.props.name) : ""; };
    if (S.focus.street) items.push([nameOf(areas.street[S.focus.street]), function () { setFocus(S.focus.street, null); }]);
    if (S.focus.community) items.push([nameOf(areas.community[S.focus.community]), function () {}]);
    nav.replaceChildren.apply(nav, items.map(function (it, i) {
      const a = document.createElement("button");
      a.textContent = it[0];
      a.onclick = it[1];
      a.className = i === items.length - 1 ? "wf-crumb wf-here" : "wf-crumb";
      return a;
    }));
  }

  Object.assign(W, { setFocus, drill, gridInfo, crumbs });
})();
