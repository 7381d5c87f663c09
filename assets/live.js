/* watchfloor live client: one WebSocket per page, snapshot then deltas, reconnects by itself.
   Pages register renderers with wf.live.on(fn); fn(state, delta) runs after each message.
   A page opened with ?replay= follows a replay (/ws/replay) instead: the same messages,
   whose clock runs at msg.rate (the replay's speed; 0 when paused). */
(function () {
  "use strict";
  const wf = (window.wf = window.wf || {});
  const listeners = [];
  const state = { grids: {}, zones: {}, incidents: {}, sensors: {}, board: null, headline: null,
                  compliance: null, last_event: null, t: 0, rate: 1, received: 0,
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
    state.rate = msg.rate == null ? 1 : msg.rate;
    state.received += 1;
    state.lastMessage = Date.now();
  }

  function emit(msg) {
    listeners.forEach(function (fn) {
      try { fn(state, msg); } catch (e) { console.error("wf renderer", e); }
    });
  }

  // A new geography was imported (msg.geo moved past the version this page first saw):
  // a page with a map loads again, so its map, bounds and labels are the new version's.
  let geo = null;
  function geoChanged(msg) {
    if (msg.geo == null) return false;
    if (geo === null) geo = msg.geo;
    if (msg.geo === geo) return msg.type === "geo";
    geo = msg.geo;
    if (!document.querySelector(".leaflet-container")) return msg.type === "geo";  // no map here
    state.geoReloading = msg.geo;
    location.reload();
    return true;
  }

  function connect() {
    const proto = location.protocol === "https:" ? "wss://" : "ws://";
    const path = new URLSearchParams(location.search).has("replay") ? "/ws/replay" : "/ws/live";
    socket = new WebSocket(proto + location.host + path + location.search);
    socket.onopen = function () { retry = 500; state.connected = true; };
    socket.onmessage = function (ev) {
      const arrived = performance.now();  // before parsing: a delta's cost on screen starts here
      const msg = JSON.parse(ev.data);
      Object.defineProperty(msg, "arrived", { value: arrived });
      if (geoChanged(msg)) return;
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
    // the server's clock (or the replayed one), moving on from the last message by itself
    now: function () {
      return state.lastMessage ? state.t + (Date.now() - state.lastMessage) * state.rate : Date.now();
    },
    heatUrl: function () { return "/api/heat.png?"; },
  };

  // Generic binding: any element with data-live="headline.reports" shows that value.
  wf.live.on(function (s) {
    document.querySelectorAll("[data-live]").forEach(function (el) {
      const path = el.getAttribute("data-live").split(".");
      let v = s;
      for (const p of path) { v = v == null ? null : v[p]; }
      el.textContent = v == null ? "—" : (typeof v === "number" ? v.toLocaleString() : String(v));
    });
    // the page gives the words, in its own language ({n}: updates received)
    const feed = document.getElementById("wf-feed-state");
    if (feed) {
      feed.textContent = s.connected
        ? (feed.dataset.liveText || "live · {n}").replace("{n}", s.received)
        : feed.dataset.lostText || "…";
    }
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", connect);
  else connect();
})();
