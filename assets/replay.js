/* watchfloor replay (复盘) controls: only on a wall opened with ?replay=FROM,TO.
   The wall draws a replay exactly as it draws live (assets/live.js follows /ws/replay,
   assets/wall.js renders); this file adds the bar (replayed time, play/pause, speed,
   time slider, jump-to-time, the "last night" preset, back to live), points the heat
   image at the replayed moment and keeps the URL holding the period and position, so
   that the address is a link to this moment of this replay. */
(function () {
  "use strict";
  const wf = (window.wf = window.wf || {});
  const R = (wf.replay = {});
  const SPEEDS = [1, 10, 60, 600];
  let cfg = null, bar = null, info = null, dragging = false, urlDue = 0;

  function t(key) { return (cfg && cfg.t[key]) || key; }
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  // YYYY-MM-DDTHH:MM:SS in the district's time zone
  function local(ms) {
    const parts = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: cfg.tz, year: "numeric", month: "2-digit", day: "2-digit",
                                       hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false })
      .formatToParts(new Date(ms)).forEach(function (p) { parts[p.type] = p.value; });
    const hour = parts.hour === "24" ? "00" : parts.hour;
    return parts.year + "-" + parts.month + "-" + parts.day + "T" + hour + ":" + parts.minute + ":" + parts.second;
  }

  // A bare time of day means that time on a day of the replayed period: the one inside
  // the period nearest the moment on screen (a period across midnight holds two days).
  function onPeriodDay(hhmm) {
    const from = cfg.replay.from, to = cfg.replay.to, here = info ? info.at : from;
    const msOf = function (text) {  // a local YYYY-MM-DDTHH:MM[:SS] back to ms
      const guess = Date.parse(text + "Z");
      return guess - (Date.parse(local(guess) + "Z") - guess);
    };
    let best = local(here).slice(0, 10) + "T" + hhmm, gap = Infinity;
    for (let day = from - 86400000; day <= to + 86400000; day += 86400000) {
      const text = local(day).slice(0, 10) + "T" + hhmm, ms = msOf(text);
      if (ms >= from && ms <= to && Math.abs(ms - here) < gap) { best = text; gap = Math.abs(ms - here); }
    }
    return best;
  }

  function control(body) {
    if (!info) return Promise.resolve(null);
    return fetch("/api/replay/" + encodeURIComponent(info.id), {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) throw new Error(j.detail || j.error || r.status);
        return j;
      });
    }).then(function (j) { info = j; paint(); return j; })
      .catch(function (e) { showError(String(e.message || e)); });
  }
  R.control = control;

  function showError(text) {
    const e = document.getElementById("wf-replay-error");
    if (e) e.textContent = text ? t("replay_error") + text : "";
  }

  function build() {
    bar.replaceChildren();
    const title = el("div", { class: "wf-replay-title" });
    title.append(el("span", { class: "wf-replay-tag" }, t("replay")),
                 el("span", { class: "wf-replay-note" }, t("replay_note")),
                 el("span", { id: "wf-replay-time", class: "wf-replay-time" }, "–"));
    const play = el("button", { id: "wf-replay-play", class: "wf-replay-btn", type: "button" }, t("pause"));
    play.onclick = function () { control({ do: info && info.playing ? "pause" : "play" }); };
    const speeds = el("div", { class: "wf-replay-speeds" });
    SPEEDS.forEach(function (x) {
      const b = el("button", { class: "wf-replay-speed", type: "button", "data-speed": x }, x + "×");
      b.onclick = function () { control({ do: "speed", speed: x }); };
      speeds.append(b);
    });
    const slider = el("input", { id: "wf-replay-slider", class: "wf-replay-slider", type: "range",
                                 min: cfg.replay.from, max: cfg.replay.to, step: 1000, value: cfg.replay.from });
    slider.oninput = function () { dragging = true; setText("wf-replay-time", local(Number(slider.value)).replace("T", " ")); };
    slider.onchange = function () { dragging = false; control({ do: "seek", at: slider.value }); };
    const jump = el("form", { class: "wf-replay-jump" });
    const input = el("input", { id: "wf-replay-at", type: "text", placeholder: t("jump_hint"), size: 16 });
    jump.append(input, el("button", { class: "wf-replay-btn", type: "submit" }, t("jump")));
    jump.onsubmit = function (ev) {
      ev.preventDefault();
      let v = input.value.trim();
      if (/^\d{1,2}:\d{2}(:\d{2})?$/.test(v)) v = onPeriodDay(v.length === 4 ? "0" + v : v);
      if (v) control({ do: "seek", at: v });
    };
    const links = el("div", { class: "wf-replay-links" });
    const preset = el("a", { id: "wf-replay-preset", href: withParams({ replay: cfg.replay.preset, speed: 60 }) }, t("last_night"));
    const live = el("a", { id: "wf-replay-live", href: withParams({}) }, t("back_live"));
    links.append(preset, live);
    bar.append(title, play, speeds, slider, jump, links, el("span", { id: "wf-replay-error", class: "wf-replay-error" }));
    if (cfg.replay.error) showError(cfg.replay.error);
  }

  // this page's URL with the replay parameters replaced (none given: back to live)
  function withParams(params) {
    const q = new URLSearchParams(location.search);
    ["replay", "speed", "at", "session", "paused"].forEach(function (k) { q.delete(k); });
    for (const k in params) q.set(k, params[k]);
    const s = q.toString().replace(/%3A/g, ":").replace(/%2C/g, ",");
    return location.pathname + (s ? "?" + s : "");
  }

  function setText(id, text) {
    const e = document.getElementById(id);
    if (e && e.textContent !== text) e.textContent = text;
  }

  function paint() {
    if (!info || !bar) return;
    const play = document.getElementById("wf-replay-play");
    play.textContent = info.playing ? t("pause") : t("play");
    bar.classList.toggle("wf-paused", !info.playing);
    bar.querySelectorAll(".wf-replay-speed").forEach(function (b) {
      b.classList.toggle("wf-on", Number(b.getAttribute("data-speed")) === info.speed);
    });
    const slider = document.getElementById("wf-replay-slider");
    slider.min = info.from; slider.max = info.to;
    if (!dragging) slider.value = wf.live.now();
    bar.setAttribute("data-at", Math.round(wf.live.now()));
    bar.setAttribute("data-playing", info.playing ? "1" : "0");
  }

  function keepUrl(force) {
    if (!info || (!force && Date.now() < urlDue)) return;
    urlDue = Date.now() + 2000;
    const params = { replay: local(info.from).slice(0, 16) + "," + local(info.to).slice(0, 16),
                     speed: info.speed, at: local(wf.live.now()), session: info.id };
    if (!info.playing) params.paused = 1;
    history.replaceState(null, "", withParams(params));
  }

  function onMessage(s, msg) {
    if (!msg.replay) return;
    const changed = !info || info.playing !== msg.replay.playing || info.speed !== msg.replay.speed;
    info = msg.replay;
    showError("");
    paint();
    keepUrl(changed || msg.type === "snapshot");
  }

  function tick() {
    if (!info) return;
    const now = wf.live.now();
    // the wall's clock ticks once a second: at 600x that is ten replayed minutes
    setText("wf-time", local(now).slice(11));
    if (!dragging) setText("wf-replay-time", local(now).replace("T", " ") + "  ·  " + info.speed + "×" +
                           (info.playing ? "" : "  ❚❚") + (now >= info.to ? "  · " + t("replay_end") : ""));
    paint();
  }

  function start() {
    const conf = document.getElementById("wf-config");
    bar = document.getElementById("wf-replay");
    if (!conf || !bar) return false;
    cfg = JSON.parse(conf.getAttribute("data-config"));
    if (!cfg.replay) return true;
    build();
    // the heat image of the replayed moment, not of now
    wf.live.heatUrl = function () { return "/api/replay/heat.png?t=" + Math.round(wf.live.now()) + "&"; };
    wf.live.on(onMessage);
    setInterval(tick, 250);
    return true;
  }

  if (!new URLSearchParams(location.search).has("replay")) return;
  const ready = setInterval(function () { if (start()) clearInterval(ready); }, 50);
})();
