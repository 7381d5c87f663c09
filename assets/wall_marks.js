/* The wall's markers: open incidents in their SLA colour and sensors by status.
   Part of the wall: wall.js holds the state these share (wf.wall.s). */
(function () {
  "use strict";
  const wf = window.wf;
  const W = wf.wall, S = W.s;
  const t = W.t, tag = W.tag, mmss = W.mmss, placeOf = W.placeOf, hhmm = W.hhmm, el = W.el, showInfo = W.showInfo, px = W.px;
  const markers = S.markers, sensorMarks = S.sensorMarks;

  const SLA = { green: "#2ecc71", amber: "#f5b041", red: "#ff4d4f" };
  const SENSOR = { online: "#2ec4b6", offline: "#6b7a90", alarm: "#ff4d4f" };

  // What a wall may show of an incident: kind, category, place, stage, time. No personal
  // data and no complaint text: a wall is seen by everyone in the room.
  function incidentInfo(item) {
    const box = el("div", "wf-info");
    box.setAttribute("data-id", item.id);
    const head = el("div", "wf-info-head");
    if (item.pri === "urgent") head.append(el("span", "wf-urgent-badge", t("urgent_badge")));
    head.append(el("b", null, t("cat." + item.cat)));
    box.append(head);
    const rows = [
      [t("info_kind"), t("kind." + item.kind)],
      [t("info_place"), placeOf(item.grid) || "–"],
      [t("info_state"), t("state." + item.state)],
      [t("info_time"), item.at ? hhmm(item.at) + " (" + mmss(wf.live.now() - item.at) + ")" : "–"],
    ];
    for (const row of rows) {
      const line = el("div", "wf-info-row");
      line.append(el("span", null, row[0]), el("span", null, row[1]));
      box.append(line);
    }
    return box;
  }
  W.incidentInfo = incidentInfo;

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
      m = L.circleMarker([item.lat, item.lon], { radius: px(7), weight: px(2), color: "#ffffff", pane: "wf-incidents",
                                                  fillOpacity: 0.95, className: "wf-inc" });
      m.on("click", function () {
        // an unattended wall never navigates away: it shows what it may show, in place
        if (S.cfg.kiosk) showInfo(m.getLatLng(), incidentInfo(wf.live.state.incidents[item.id] || item));
        else location.href = "/incident/" + encodeURIComponent(item.id);
      });
      m.bindTooltip("", { direction: "top", className: "wf-tip" });
      m.addTo(S.incLayer);
      markers[item.id] = m;
    } else {
      m.setLatLng([item.lat, item.lon]);
    }
    if (m._wfColour !== colour) {
      m.setStyle({ fillColor: SLA[colour], radius: px(colour === "red" ? 11 : 7) });
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
      m = L.circleMarker([meta[2], meta[1]], { radius: px(4), weight: px(1), color: "#0b1220", fillOpacity: 0.95,
                                               pane: "wf-sensors", className: "wf-sensor" }).addTo(S.sensorLayer);
      sensorMarks[id] = m;
    }
    m.setStyle({ fillColor: SENSOR[status] || SENSOR.offline, radius: px(status === "alarm" ? 8 : 4) });
    tag(m, { "data-sensor": id, "data-status": status });
    const el = m.getElement();
    if (el) el.classList.toggle("wf-alarm", status === "alarm");
  }

  Object.assign(W, { SLA, SENSOR, incidentInfo, slaColour, paintIncident, paintSensor });
})();
