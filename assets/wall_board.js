/* The wall's side board and tiles: pipeline columns, the oldest waiting, countdowns,
   headline figures, the stale-link banner, and captions fitted to their boxes.
   Part of the wall: wall.js holds the state these share (wf.wall.s). */
(function () {
  "use strict";
  const wf = window.wf;
  const W = wf.wall, S = W.s;
  const t = W.t, fmt = W.fmt, mmss = W.mmss, setText = W.setText, placeOf = W.placeOf, hhmmss = W.hhmmss, el = W.el;

  function board(s, now) {
    if (!s.board) return;
    for (const c of ["accept", "dispatch", "arrive"]) {
      const col = s.board[c];
      setText("wf-n-" + c, fmt(col.n));
      for (const x of ["green", "amber", "red"]) {
        const bar = document.getElementById("wf-bar-" + c + "-" + x);
        if (bar) { bar.style.flexGrow = col[x]; bar.textContent = col[x] ? col[x] : ""; bar.classList.toggle("wf-some", col[x] > 0); }
      }
      const list = document.getElementById("wf-oldest-" + c);
      if (!list) continue;
      const items = waiting(s, c, col);
      // the key holds the place too: names arrive with the area layers, maybe after the first rows
      const ids = items.map(function (i) { return i.id + "|" + i.pri + "|" + placeOf(i.grid); }).join(",");
      if (list.getAttribute("data-ids") !== ids) {
        list.setAttribute("data-ids", ids);
        list.replaceChildren.apply(list, items.map(function (i) {
          const li = document.createElement("li");
          li.setAttribute("data-id", i.id);
          li.setAttribute("data-due", i.due);
          li.setAttribute("data-amber", i.amber);
          li.setAttribute("data-pri", i.pri || "ordinary");
          const what = el("span", "wf-what");
          if (i.pri === "urgent") what.append(el("span", "wf-urgent-badge", t("urgent_badge")));
          what.append(el("span", "wf-cat", t("cat." + i.cat)), el("span", "wf-place", placeOf(i.grid)));
          li.append(what, el("span", "wf-left"));
          return li;
        }));
        if (!items.length) list.append(el("li", "wf-none", t("none_waiting")));
        wholeRows(list);
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

  // The rows a person must act on: urgent first (a late gas leak before a late parking
  // complaint), then the longest waiting. Drawn from every open incident the wall holds,
  // so an urgent one is shown even when it is not among the oldest few.
  function waiting(s, stage, col) {
    let items = Object.values(s.incidents || {}).filter(function (i) { return i.stage === stage && i.due; });
    if (!items.length) items = col.oldest || [];
    return items.slice().sort(function (a, b) {
      const ua = a.pri === "urgent" ? 0 : 1, ub = b.pri === "urgent" ? 0 : 1;
      return ua - ub || a.due - b.due;
    }).slice(0, 5);
  }
  W.waiting = waiting;

  // whole rows only: a row cut in half at the panel's edge is worse than none
  function wholeRows(list) {
    const rows = list.children;
    for (const li of rows) li.classList.remove("wf-cut");
    const bottom = list.getBoundingClientRect().bottom + 0.5;
    for (const li of rows) if (li.getBoundingClientRect().bottom > bottom) li.classList.add("wf-cut");
  }

  function countdowns(list, now) {
    list.querySelectorAll("li[data-due]").forEach(function (li) {
      const due = Number(li.getAttribute("data-due"));
      const amber = Number(li.getAttribute("data-amber"));
      const left = due - now;
      const colour = left < 0 ? "red" : now >= amber ? "amber" : "green";
      li.classList.remove("wf-green", "wf-amber", "wf-red");
      li.classList.add("wf-" + colour);
      li.classList.toggle("wf-urgent", li.getAttribute("data-pri") === "urgent");
      li.querySelector(".wf-left").textContent = left < 0 ? "+" + mmss(left) : mmss(left);
    });
  }

  // Fit a caption to its box: step the font down to no less than `least` design pixels
  // rather than cut it (a caption cut in half reads as a different word from across a room).
  function fit(node, least) {
    if (!node) return;
    // the wall's unit as size() set it inline: no computed style (a forced style pass per caption)
    const u = parseFloat((S.root || document.body).style.getPropertyValue("--u")) || 1;
    const key = u + "|" + node.parentElement.clientWidth + "|" + node.textContent;
    if (node.getAttribute("data-fit") === key) return;  // fitted already: no layout work per delta
    node.setAttribute("data-fit", key);
    node.style.fontSize = "";
    let size = parseFloat(getComputedStyle(node).fontSize);
    while (node.scrollWidth > node.clientWidth && size > least * u) {
      size = Math.max(least * u, size - u);
      node.style.fontSize = size + "px";
    }
  }
  W.fit = fit;
  function fitAll() {
    document.querySelectorAll(".wf-tile-label, .wf-tile-where").forEach(function (n) { fit(n, 18); });
    document.querySelectorAll(".wf-tile-value").forEach(function (n) { fit(n, 30); });
    document.querySelectorAll(".wf-oldest .wf-what").forEach(function (n) { fit(n, 22); });
    document.querySelectorAll(".wf-oldest").forEach(wholeRows);
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
      const z = S.cfg.zones[h.peak.zone] || {};
      where = (S.cfg.lang === "en" ? z.name_en : z.name) || h.peak.zone;
    }
    setText("wf-tile-crowd_peak", h.peak ? fmt(h.peak.people) : "–");
    setText("wf-where-crowd_peak", where);
    setText("wf-tile-sensors_online", fmt(h.sensors_online) + " / " + fmt(h.sensors_total));
    setText("wf-tile-satisfaction", h.satisfaction == null ? "–" : h.satisfaction.toFixed(2) + " ★ (" + h.ratings + ")");
  }

  function banner(s) {
    const el = document.getElementById("wf-banner");
    if (!el) return;
    let text = "";
    if (!s.connected || Date.now() - s.lastMessage > 8000) {
      text = s.received ? t("stale_link").replace("{t}", hhmmss(s.lastMessage + s.offset)) : t("connecting");
    } else if (s.last_event && wf.live.now() - s.last_event > 120000) {
      text = t("stale_feed").replace("{m}", Math.floor((wf.live.now() - s.last_event) / 60000))
                            .replace("{t}", hhmmss(s.last_event));
    }
    el.textContent = text;
    el.classList.toggle("wf-show", !!text);
    if (S.root) {
      S.root.classList.toggle("wf-stale", !!text);
      S.root.classList.toggle("wf-down", !!s.received && (!s.connected || Date.now() - s.lastMessage > 8000));
    }
  }

  Object.assign(W, { board, waiting, wholeRows, countdowns, fit, fitAll, headline, banner });
})();
