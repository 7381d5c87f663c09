/* watchfloor figures page: clicks on charts, table rows and map cells open the /incidents
   list they count, inside the app (no reload); the grid map's colours come from the
   GeoJSON's hideout, set by the server for the period. */
(function () {
  "use strict";
  const wf = (window.wf = window.wf || {});
  const F = (wf.figures = {});

  F.go = function (href) {
    if (!href || href.indexOf("/incident") !== 0) return;
    window.history.pushState({}, "", href);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
  };

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    wf_figures: {
      range: function (first, last, lang) {
        if (!first) return window.dash_clientside.no_update;
        let a = first, b = last || first;
        if (b < a) { const t = a; a = b; b = t; }
        const q = new URLSearchParams({ period: a + "," + b });
        if (lang === "en") q.set("lang", "en");
        return "/figures?" + q.toString();
      },
      start: function (_children, arg) {
        const outs = window.dash_clientside.callback_context.outputs_list || [];
        return outs.map(function () { return arg; });
      },
      click: function () {
        const nu = window.dash_clientside.no_update;
        const ctx = window.dash_clientside.callback_context;
        const hit = ctx && ctx.triggered && ctx.triggered[0];
        const click = hit && hit.value;
        const point = click && click.points && click.points[0];
        let link = point && point.customdata;
        if (Array.isArray(link)) link = link[0];
        // after this callback has returned: a navigation started inside a callback is lost
        if (typeof link === "string") setTimeout(function () { F.go(link); }, 0);
        return nu;
      },
    },
  });

  // a click anywhere on a table row (not on its own link) opens the row's list
  document.addEventListener("click", function (ev) {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
    if (ev.target.closest("a")) return;
    const row = ev.target.closest(".wf-fig tr[data-href]");
    if (row) F.go(row.getAttribute("data-href"));
  });

  function hide(ctx) { return (ctx && ctx.hideout) || {}; }
  F.gridStyle = function (feature, ctx) {
    const h = hide(ctx);
    const colour = (h.colours && h.colours[feature.properties.code]) || "#16223a";
    return { fillColor: colour, fillOpacity: 0.85, color: "#0b1220", weight: 0.6, opacity: 0.9 };
  };
  F.onEachGrid = function (feature, layer, ctx) {
    const h = hide(ctx);
    const p = feature.properties;
    const n = (h.counts && h.counts[p.code]) || 0;
    const name = h.lang === "en" ? p.name_en || p.name : p.name;
    layer.bindTooltip(name + " · " + n.toLocaleString(), { sticky: true });
    layer.on("click", function () {
      const base = h.link || "/incidents?";
      F.go(base + (base.slice(-1) === "?" ? "" : "&") + "grid=" + encodeURIComponent(p.code));
    });
    layer.once("add", function () {
      const el = layer.getElement && layer.getElement();
      if (el) { el.setAttribute("data-code", p.code); el.setAttribute("data-count", n); }
    });
  };
})();
