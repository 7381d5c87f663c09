/* watchfloor live client: one WebSocket per page, snapshot then deltas, reconnects by itself.
   Pages register renderers with wf.live.on(fn); fn(state, delta) runs after each message. */
(function () {
  "use strict";
  const wf = (window.wf = window.wf || {});
  const listeners = [];
  const state = { grids: {}, zones: {}, incidents: {}, sensors: {}, board: null, headline: null,
                  compliance: null, last_event: null, t: 0, offset: 0, received: 0,
                  connected: false, lastMessage: 0 };
  let socket = null;
  let retry = 500;

  function merge(msg) {
    if (msg.type === "snapshot") {
      Object.assign(state, { grids: msg.grids || {}, zones: msg.zones || {}, incidents: msg.incidents || {},
                             sensors: msg.sensors || {},
                             sensor_meta: msg.sensor_meta || {} });
    } else {
      Object.assign(state.grids, msg.grids || {});
      Object.assign(state.zones, msg.zones || {});
      Object.assign(state.sensors, msg.sensors || {});
      (msg.upsert || []).forEach(function (i) { state.incidents[i.id] = i; });
      (msg.remove || []).forEach(function (id) { delete state.incidents[id]; });
    }
    ["board", "headline", "compliance"].forEach(function (k) { if (msg[k]) state[k] = msg[k]; });
    if (msg.last_event !== undefined) state.last_event = msg.last_event;
    state.t = msg.t;
    state.offset = msg.t - Date.now();  // server clock minus ours, for countdowns
    state.received += 1;
    state.lastMessage = Date.now();
  }

  function emit(msg) {
    listeners.forEach(function (fn) {
      try { fn(state, msg); } catch (e) { console.error("wf renderer", e); }
    });
  }

  function connect() {
    const proto = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(proto + location.host + "/ws/live" + location.search);
    socket.onopen = function () { retry = 500; state.connected = true; };
    socket.onmessage = function (ev) {
      const msg = JSON.parse(ev.data);
      merge(msg);
      emit(msg);
    };
    socket.onclose = function () {
      state.connected = false;
      emit({ type: "disconnected" });
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }

  wf.live = {
    state: state,
    on: function (fn) { listeners.push(fn); if (state.received) fn(state, { type: "replay" }); },
    now: function () { return Date.now() + state.offset; },
  };

  // Generic binding: any element with data-live="headline.reports" shows that value.
  wf.live.on(function (s) {
    document.querySelectorAll("[data-live]").forEach(function (el) {
      const path = el.getAttribute("data-live").split(".");
      let v = s;
      for (const p of path) { v = v == null ? null : v[p]; }
      el.textContent = v == null ? "–" : (typeof v === "number" ? v.toLocaleString() : String(v));
    });
    const feed = document.getElementById("wf-feed-state");
    if (feed) feed.textContent = s.connected ? "live · " + s.received + " updates" : "reconnecting…";
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", connect);
  else connect();
})();
