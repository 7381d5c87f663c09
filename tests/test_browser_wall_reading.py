"""The wall as a command room reads it: from five metres, left alone all day, in both
languages, on one panel and on a 2x2 wall. Real headless Chromium, real worker."""

from __future__ import annotations

from typing import Any

import pytest
import redis
from sqlalchemy import Engine, delete

from feeds.clock import now_ms
from feeds.minutes.collector import insert_absent
from feeds.tables import reading_minutes
from feeds.vocab import STATES
from layers.district import District
from tests.helpers import REPORTS, SENSORS, reading, report, xadd
from tests.system import System

pytestmark = pytest.mark.browser
WAIT = 30_000  # ms; every wait below is for a condition, this only bounds it
LOADED = (
    "document.querySelectorAll('path.wf-cell[data-code]').length >= 3000"
    " && window.wf.live.state.received > 0"
)


def open_wall(browser: Any, url: str, query: str = "", size: tuple[int, int] = (1920, 1080)) -> Any:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(url + ("&" if "?" in url else "?") + query)
    page.wait_for_function(LOADED, timeout=WAIT)
    return page


def place_name(district: District, micro: str, lang: str = "zh") -> str:
    """What the wall should call a micro-grid's place: community · street."""
    a = district.areas.set_index("code")
    parts = micro.split("-")
    names = []
    for code in ("-".join(parts[:2]), parts[0]):
        if lang == "en":
            names.append(str(a.loc[code, "name_en"]).rsplit(" ", 1)[0])
        else:
            names.append(str(a.loc[code, "name"]))
    return " · ".join(names)


def crowd(r: redis.Redis, system: System, district: District, share: dict[str, float]) -> None:
    """Counters so that each zone holds `share` x its capacity."""
    zones = district.crowd_zones.set_index("code")
    sensors = district.sensors[district.sensors.kind == "crowd"]
    events = []
    for code, f in share.items():
        mine = sensors[sensors.zone == code]
        each = zones.loc[code, "capacity"] * f / len(mine)
        events += [reading(s, "crowd", float(round(each)), unit="people") for s in mine.id]
    xadd(r, system.settings, SENSORS, *events)


def test_a_click_on_a_kiosk_wall_shows_information_in_place_and_never_leaves(
    browser: Any, system: System, r: redis.Redis, wall_url: str, district: District
) -> None:
    b = district.buildings.iloc[7]
    rep = report(
        address=b.code,
        lon=None,
        lat=None,
        category="gas_leak",
        priority="urgent",
        text="三楼有煤气味 联系人王先生",
        contact="13800001111",
    )
    page = open_wall(browser, wall_url)
    xadd(r, system.settings, REPORTS, rep)
    marker = page.locator(f'path.wf-inc[data-id="{rep.id}"]')
    marker.wait_for(timeout=WAIT)
    page.wait_for_function("window.wf.live.state.received > 1", timeout=WAIT)
    url = page.url
    marker.dispatch_event("click")
    info = page.locator(f'.wf-popup .wf-info[data-id="{rep.id}"]')
    info.wait_for(timeout=WAIT)
    text = info.inner_text()
    assert page.url == url  # still the wall
    assert "危化气体泄漏" in text and "急" in text  # category, marked urgent
    assert place_name(district, b.micro_grid) in text
    assert STATES["reported"][0] in text
    # no personal data, no complaint text on a screen everyone in the room sees
    assert "13800001111" not in text and "煤气味" not in text and "王先生" not in text
    # drilling down to a grid on a kiosk shows its counts in place instead of opening a list
    cell = page.locator(f'path.wf-cell[data-code="{b.micro_grid}"]')
    for _ in range(3):
        cell.dispatch_event("click")
    # the grid's box (the incident's box, which has a data-id, may still be fading out)
    grid_info = page.locator(".wf-popup .wf-info:not([data-id])")
    grid_info.filter(has_text=place_name(district, b.micro_grid)).wait_for(timeout=WAIT)
    assert page.url == url
    page.context.close()


def test_the_board_names_places_and_puts_urgent_items_first_and_marked(
    browser: Any, system: System, r: redis.Redis, wall_url: str, district: District
) -> None:
    old, urgent = district.buildings.iloc[11], district.buildings.iloc[4000]
    parking = report(address=old.code, lon=None, lat=None, category="parking", ts=now_ms() - 50_000)
    gas = report(address=urgent.code, lon=None, lat=None, category="gas_leak", priority="urgent")
    page = open_wall(browser, wall_url, "lang=en")
    xadd(r, system.settings, REPORTS, parking, gas)
    page.wait_for_function(
        "document.querySelectorAll('#wf-oldest-accept li[data-id]').length === 2", timeout=WAIT
    )
    rows = page.locator("#wf-oldest-accept li[data-id]")
    # the gas leak came later and is less late, but urgent: first, and marked
    assert rows.nth(0).get_attribute("data-id") == gas.id
    assert "wf-urgent" in (rows.nth(0).get_attribute("class") or "")
    assert rows.nth(0).locator(".wf-urgent-badge").inner_text().strip() == "URGENT"
    assert rows.nth(1).locator(".wf-urgent-badge").count() == 0
    # places by name (codes like C07-G01-M3 repeat in every street)
    page.wait_for_function(
        f"document.querySelector('#wf-oldest-accept li[data-id=\"{parking.id}\"] .wf-place')"
        f".textContent === {place_name(district, old.micro_grid, 'en')!r}",
        timeout=WAIT,
    )
    assert rows.nth(0).locator(".wf-place").inner_text() == place_name(
        district, urgent.micro_grid, "en"
    )
    assert "-G" not in rows.nth(1).inner_text()
    page.context.close()


# every caption the wall shows, and the least size (in design pixels) it may shrink to
CAPTIONS = {
    ".wf-tile-value": 30,
    ".wf-tile-where": 18,
    ".wf-tile-label": 18,
    ".wf-col-title": 24,
    ".wf-col-count": 18,  # the row: nothing in it cut
    ".wf-col-unit": 20,
    ".wf-col-figures": 20,
    ".wf-bar span.wf-some": 20,
    "#wf-oldest-accept li:not(.wf-cut) .wf-what": 22,
    "#wf-oldest-accept li:not(.wf-cut) .wf-left": 22,
    ".wf-board-title": 24,
    ".wf-toggle": 16,
    ".wf-zone-label": 16,
    ".wf-date": 20,
    ".wf-time": 40,
}
MEASURE = """(sel) => Array.from(document.querySelectorAll(sel)).map(e => ({
    text: e.textContent, sw: e.scrollWidth, cw: e.clientWidth,
    size: parseFloat(getComputedStyle(e).fontSize)}))"""


@pytest.mark.parametrize(
    ("query", "viewport", "unit"),
    [
        ("", (1920, 1080), 1.0),
        ("lang=en", (1920, 1080), 1.0),
        ("w=3840&h=2160", (1280, 720), 2.0),
        ("lang=en&w=3840&h=2160", (1280, 720), 2.0),
    ],
)
def test_every_caption_fits_at_a_size_read_from_across_the_room(
    browser: Any,
    system: System,
    r: redis.Redis,
    wall_url: str,
    district: District,
    query: str,
    viewport: tuple[int, int],
    unit: float,
) -> None:
    # the busiest a board gets: long category names, a thin bar segment, a crowd peak
    crowd(r, system, district, {"Z01": 1.2, "Z08": 0.5})
    homes = district.buildings.code.iloc[100::211][:25]
    many = [
        report(
            address=a, lon=None, lat=None, category="construction", ts=now_ms() - 90_000 + i * 1000
        )
        for i, a in enumerate(homes)
    ]
    xadd(r, system.settings, REPORTS, *many, report(category="ebike_charging", priority="urgent"))
    page = open_wall(browser, wall_url, query, viewport)
    # 26 reports, and the crowd over capacity opened one more
    page.wait_for_function(
        "document.getElementById('wf-n-accept').textContent === '27'", timeout=WAIT
    )
    page.wait_for_function(
        "document.getElementById('wf-where-crowd_peak').textContent !== ''", timeout=WAIT
    )
    page.wait_for_function(
        "document.querySelectorAll('.wf-bar span.wf-some').length >= 2", timeout=WAIT
    )
    page.wait_for_function(
        "document.querySelectorAll('#wf-oldest-accept li:not(.wf-cut)').length >= 3", timeout=WAIT
    )
    for selector, least in CAPTIONS.items():
        found = page.evaluate(MEASURE, selector)
        assert found, selector
        for e in found:
            assert e["sw"] <= e["cw"] + 1, f"{selector} {e['text']!r} is cut"
            assert e["size"] >= least * unit - 0.1, f"{selector} {e['text']!r} at {e['size']} px"
    # the rows a person acts on are the largest text on the board after the counts
    row = page.evaluate(MEASURE, "#wf-oldest-accept .wf-cat")[0]["size"]
    label = page.evaluate(MEASURE, ".wf-tile-label")[0]["size"]
    assert row >= 26 * unit and row > label
    page.context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_zone_labels_sit_above_markers_and_never_overlap_each_other_or_the_legend(
    browser: Any, system: System, r: redis.Redis, wall_url: str, district: District, lang: str
) -> None:
    crowd(r, system, district, {z: 0.6 for z in district.crowd_zones.code} | {"Z01": 1.25})
    # an incident right on the over-capacity zone's label
    z01 = district.crowd_zones.set_index("code").geometry["Z01"].representative_point()
    on_label = report(lon=z01.x, lat=z01.y, category="safety")
    xadd(r, system.settings, REPORTS, on_label)
    page = open_wall(browser, wall_url, "lang=en" if lang == "en" else "")
    page.wait_for_function(
        "document.querySelectorAll('.wf-zone-label').length === 8"
        " && document.querySelector('.wf-zone-label.wf-over') !== null"
        f" && document.querySelector('path.wf-inc[data-id=\"{on_label.id}\"]') !== null",
        timeout=WAIT,
    )
    # the view flies to the district at start: labels are placed where it lands
    page.wait_for_function(
        "document.querySelector('.leaflet-container').getAttribute('data-moving') === '0'",
        timeout=WAIT,
    )
    # placed and measured in one go: a zone's figure arriving between the two (its label
    # grows) is placed again on the next frame, which a separate measurement could miss
    boxes = page.evaluate(
        "window.wf.wall.placeLabels(),"
        " Array.from(document.querySelectorAll('.wf-zone-label, #wf-legend, .wf-toggles'))"
        ".map(e => { const r = e.getBoundingClientRect();"
        " return {t: e.textContent, l: r.left, r: r.right, top: r.top, b: r.bottom}; })"
    )
    assert len(boxes) == 10
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a["r"] <= b["l"] or b["r"] <= a["l"] or a["b"] <= b["top"] or b["b"] <= a["top"]
            assert apart, f"{a['t']!r} overlaps {b['t']!r}"
    # labels are drawn above incident markers
    z = page.evaluate(
        "[document.querySelector('.wf-zone-label').parentElement,"
        " document.querySelector('path.wf-inc').closest('.leaflet-pane')]"
        ".map(p => Number(getComputedStyle(p).zIndex))"
    )
    assert z[0] > z[1]
    # the legend covers no crowd zone
    zones = page.evaluate(
        "Array.from(document.querySelectorAll('path.wf-zone')).map(e => {"
        " const r = e.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; })"
    )
    lg = next(b for b in boxes if b["t"].startswith(("近1小时", "Events")))
    for left, right, top, bottom in zones:
        assert right <= lg["l"] or lg["r"] <= left or bottom <= lg["top"] or lg["b"] <= top
    page.context.close()


@pytest.mark.parametrize(
    ("query", "weekday"),
    [("", "周"), ("lang=en", ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))],
)
def test_the_clock_shows_date_and_weekday(
    browser: Any, system: System, wall_url: str, query: str, weekday: Any
) -> None:
    page = open_wall(browser, wall_url, query)
    page.wait_for_function("document.getElementById('wf-date').textContent !== ''", timeout=WAIT)
    date = page.locator("#wf-date").inner_text()
    assert any(w in date for w in ((weekday,) if isinstance(weekday, str) else weekday)), date
    page.context.close()


def test_when_the_link_is_down_countdowns_stop_and_the_banner_says_since_when(
    browser: Any, system: System, r: redis.Redis, wall_url: str
) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    link = {"down": False, "open": []}

    def route(ws: Any) -> None:
        if link["down"]:
            ws.close()
            return
        ws.connect_to_server()
        link["open"].append(ws)

    page.route_web_socket("**/ws/live*", route)
    page.goto(wall_url)
    page.wait_for_function(LOADED, timeout=WAIT)
    xadd(r, system.settings, REPORTS, report(ts=now_ms() - 20_000))
    page.wait_for_function(
        "document.querySelector('#wf-oldest-accept li[data-id] .wf-left')?.textContent",
        timeout=WAIT,
    )
    link["down"] = True
    for ws in link["open"]:
        ws.close()
    page.wait_for_function(
        "document.getElementById('wf-wall').classList.contains('wf-down')", timeout=WAIT
    )
    banner = page.locator("#wf-banner").inner_text()
    last = page.evaluate(
        "new Date(wf.live.state.lastMessage + wf.live.state.offset)"
        ".toLocaleTimeString('zh-CN', {timeZone: 'Asia/Shanghai', hour12: false})"
    )
    assert last in banner
    frozen = page.locator("#wf-oldest-accept li[data-id] .wf-left").inner_text()
    clock = page.locator("#wf-time").inner_text()
    # the clock goes on (the page is alive) while the countdown stands still
    page.wait_for_function(
        f"document.getElementById('wf-time').textContent !== {clock!r}", timeout=WAIT
    )
    clock = page.locator("#wf-time").inner_text()
    page.wait_for_function(
        f"document.getElementById('wf-time').textContent !== {clock!r}", timeout=WAIT
    )
    assert page.locator("#wf-oldest-accept li[data-id] .wf-left").inner_text() == frozen
    # the banner sits in the header: it covers no tile
    box = page.locator("#wf-banner").bounding_box()
    for tile in page.locator(".wf-tile").all():
        t = tile.bounding_box()
        assert box and t and (box["y"] + box["height"] <= t["y"] or t["x"] + t["width"] <= box["x"])
    context.close()


def test_the_crowd_view_frames_the_fullest_zone_and_says_when_each_is_full(
    browser: Any,
    system: System,
    r: redis.Redis,
    wall_url: str,
    district: District,
    engine: Engine,
) -> None:
    caps = district.crowd_zones.set_index("code").capacity
    crowd(r, system, district, {z: 0.1 for z in caps.index} | {"Z05": 0.9, "Z01": 0.3})
    # the last ten minutes: Z05 filling by 1% of its capacity a minute
    minute = now_ms() // 60_000
    rows = [
        {
            "key": "zone:Z05",
            "minute": minute - 10 + i,
            "kind": "crowd",
            "n": 6,
            "min": 0,
            "max": 0,
            "mean": caps["Z05"] * (0.8 + 0.01 * i),
        }
        for i in range(10)
    ]
    with engine.begin() as conn:
        conn.execute(delete(reading_minutes))
        insert_absent(conn, rows)
    page = open_wall(browser, wall_url, "view=crowd")
    page.wait_for_function(
        "document.getElementById('wf-wall').dataset.crowdFocus === 'Z05'", timeout=WAIT
    )
    west, south, east, north = district.crowd_zones.set_index("code").geometry["Z05"].bounds
    page.wait_for_function(
        "(() => { const v = wf.wall.mapView(); return v.zoom >= 14"
        f" && v.center.lng > {west} && v.center.lng < {east}"
        f" && v.center.lat > {south} && v.center.lat < {north}; }})()",
        timeout=WAIT,
    )
    first = page.locator(".wf-crowd-zone").first
    first.wait_for(timeout=WAIT)
    assert first.get_attribute("data-zone") == "Z05"
    # 10% of capacity to go at 1% a minute: about ten minutes
    page.wait_for_function(
        "document.querySelector('.wf-crowd-zone[data-zone=\"Z05\"]').dataset.eta === '10'",
        timeout=WAIT,
    )
    assert "约 10 分钟满员" in first.inner_text()
    assert first.locator(".wf-crowd-spark polyline").count() == 1
    # the heat's scale is on the legend, in people per 100 m2
    legend = page.locator(".wf-legend-heat").inner_text()
    assert "人/100㎡" in legend and "20" in legend
    with engine.begin() as conn:
        conn.execute(delete(reading_minutes))
    page.context.close()


def test_counts_go_up_a_level_when_micro_grids_are_too_sparse_to_say_anything(
    browser: Any, system: System, r: redis.Redis, wall_url: str, district: District
) -> None:
    page = open_wall(browser, wall_url)
    micro = district.areas.query("level == 'micro_grid'").code.tolist()
    grids = sorted({m.rsplit("-", 1)[0] for m in micro})
    communities = sorted({m.rsplit("-", 2)[0] for m in micro})

    def level_for(hit: list[str]) -> str:
        return str(
            page.evaluate("([h, c]) => wf.wall.levelFor(h, c)", [dict.fromkeys(hit, 1), micro])
        )

    # the rule: the finest level at which a quarter or more of the areas have an event
    assert level_for(micro) == "micro_grid"
    assert level_for(micro[: len(micro) // 4 + 1]) == "micro_grid"
    assert level_for(micro[::5]) == "grid"  # a fifth of micro-grids, but most grids
    first_of_grid = [next(m for m in micro if m.startswith(g + "-")) for g in grids]
    assert level_for(first_of_grid[: len(grids) // 4 + 1]) == "grid"
    assert level_for(first_of_grid[::10]) == "community"  # 73 of 3,116 on a real day
    assert level_for([micro[0]]) == "community"
    assert level_for([]) == "community"
    assert len(communities) == 60
    # live: three reports in one community are shown as that community's count
    b = district.buildings
    home = b[b.micro_grid.str.startswith(communities[5] + "-")]
    xadd(
        r,
        system.settings,
        REPORTS,
        *(report(address=a, lon=None, lat=None) for a in home.code.iloc[[0, 5, 9]]),
    )
    page.wait_for_function(
        f"document.querySelector('path.wf-cell[data-code=\"{home.micro_grid.iloc[0]}\"]')"
        ".dataset.shown === '3'",
        timeout=WAIT,
    )
    assert page.get_attribute("#wf-wall", "data-level") == "community"
    other = next(
        m
        for m in micro
        if m.startswith(communities[5] + "-") and m not in set(home.micro_grid.iloc[[0, 5, 9]])
    )
    assert page.get_attribute(f'path.wf-cell[data-code="{other}"]', "data-shown") == "3"
    assert page.get_attribute(f'path.wf-cell[data-code="{other}"]', "data-count") == "0"
    assert "按社区" in page.locator(".wf-legend-title").first.inner_text()
    page.context.close()


def test_lines_and_markers_grow_with_the_wall_as_its_type_does(
    browser: Any, system: System, r: redis.Redis, wall_url: str
) -> None:
    inc = report(category="safety")
    xadd(r, system.settings, REPORTS, inc)
    widths = {}
    for size in ((1920, 1080), (3840, 2160)):
        page = open_wall(browser, wall_url, "", size)
        marker = f"path.wf-inc[data-id=\"{inc.id}\"]"
        page.wait_for_selector(marker, state="attached", timeout=WAIT)
        widths[size] = page.evaluate(
            "m => [document.querySelector('path.wf-outline'), document.querySelector(m)]"
            ".map(e => Number(e.getAttribute('stroke-width')))",
            marker,
        )
        page.context.close()
    # a single 4K panel is the 1080p wall at twice the unit: its outline and markers too
    assert widths[(3840, 2160)] == [2 * w for w in widths[(1920, 1080)]]
    assert widths[(1920, 1080)][0] >= 3


@pytest.mark.parametrize(("lang", "name"), [("zh", "滨江区"), ("en", "Binjiang")])
def test_the_header_names_the_district_once(
    browser: Any, system: System, wall_url: str, lang: str, name: str
) -> None:
    page = open_wall(browser, wall_url, f"lang={lang}")
    header = page.locator("header.wf-header")
    page.wait_for_function("document.querySelectorAll('#wf-crumbs .wf-crumb').length >= 1")
    assert header.inner_text().count(name) == 1
    # drilled into a street, the path names the district once still (as its first step)
    page.locator("path.wf-cell[data-code]").first.dispatch_event("click")
    page.wait_for_function(
        "document.querySelectorAll('#wf-crumbs .wf-crumb').length === 2", timeout=WAIT
    )
    assert header.inner_text().count(name) == 1
    assert page.locator("#wf-crumbs .wf-crumb").first.inner_text() == name
    page.context.close()
