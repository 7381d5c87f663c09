/* watchfloor console: redraw the incidents list or an incident's page when a live delta
   concerns it (the delta's upsert/remove name incidents the worker just changed). */
(function () {
  "use strict";
  let lastListBump = 0;
  let timer = null;

  function bump() {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props("inc-bump", { data: Date.now() });
    }
  }

  function onDelta(state, msg) {
    const scope = document.querySelector(".wf-live-scope");
    if (!scope || !msg || msg.type === "replay" || msg.type === "disconnected") return;
    const changed = (msg.upsert || []).map(function (i) { return i.id; }).concat(msg.remove || []);
    if (scope.dataset.scope === "incident") {
      if (msg.type === "snapshot" || changed.indexOf(scope.dataset.incident) >= 0) bump();
      return;
    }
    if (msg.type !== "snapshot" && !changed.length) return;
    // The list re-queries SQL: at most one refresh every two seconds however busy the feed.
    const wait = Math.max(0, lastListBump + 2000 - Date.now());
    if (timer) return;
    timer = setTimeout(function () { timer = null; lastListBump = Date.now(); bump(); }, wait);
  }

  function start() {
    if (!window.wf || !window.wf.live) { setTimeout(start, 50); return; }
    window.wf.live.on(onDelta);
  }
  start();
})();
