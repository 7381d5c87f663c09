"""The simulated day of the demo district: what it reports and senses. Pure, no I/O.

Two clocks. Simulated time (seconds since midnight of the first simulated day)
runs ``speed`` times faster than real time from ``sim_start``:
``sim = sim_start + (real - real_start) * speed``. It sets only the day's rhythm:
reports per hour (low at night, peaks mid-morning and early evening), morning
shoppers, the evening crowd building to the fireworks, muck trucks at night, fumes
at meal times. Every event carries a real wall-clock timestamp (epoch ms), and
whatever is measured against the 1/3/5-minute limits runs in real seconds (sensor
heartbeats, responders' delays), so a sped-up day still shows true SLA colours.

Deterministic: each simulated hour's reports and sensor episodes come from a
generator seeded with (seed, hour), each reading's noise from (seed, sensor, tick),
so the output does not depend on how often the runner steps.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from feeds.routing import Unit
from layers.district import District

Draft = dict[str, Any]  # a Report's fields without id and ts

# Reports per simulated day at volume 1, and each source's share of them by hour.
DAILY_REPORTS = {"qr": 220.0, "patrol": 120.0, "hotline": 60.0}
_RAW_HOURLY = {
    "qr": (
        0.3,
        0.15,
        0.1,
        0.1,
        0.15,
        0.4,
        1.2,
        2.5,
        4.0,
        5.0,
        5.2,
        4.2,
        3.0,
        3.0,
        3.6,
        3.8,
        4.2,
        4.8,
        5.0,
        4.4,
        3.4,
        2.4,
        1.4,
        0.7,
    ),
    # grid workers patrol 8-12 and 14-18
    "patrol": (0, 0, 0, 0, 0, 0, 0, 0.5, 3, 4, 4, 3, 0.5, 0.5, 3, 4, 4, 3, 0.5, 0, 0, 0, 0, 0),
    "hotline": (
        0.2,
        0.1,
        0.1,
        0.1,
        0.1,
        0.2,
        0.5,
        1.5,
        3.5,
        4.5,
        4.5,
        3.5,
        2.5,
        3.0,
        4.0,
        4.0,
        3.8,
        3.5,
        3.0,
        2.2,
        1.6,
        1.2,
        0.8,
        0.4,
    ),
}
HOURLY = {k: tuple(w / sum(v) for w in v) for k, v in _RAW_HOURLY.items()}
# Residents report mostly environment and property management (DOMAIN.md).
CATEGORY_MIX: dict[str, dict[str, float]] = {
    "qr": {
        "environment": 0.33,
        "property": 0.31,
        "parking": 0.10,
        "neighbour": 0.07,
        "construction": 0.07,
        "consumer": 0.04,
        "safety": 0.03,
        "fire": 0.01,
        "illegal_building": 0.02,
        "wages": 0.02,
    },
    "patrol": {
        "environment": 0.38,
        "parking": 0.14,
        "construction": 0.11,
        "illegal_building": 0.10,
        "property": 0.09,
        "safety": 0.08,
        "fire": 0.04,
        "consumer": 0.06,
    },
    "hotline": {
        "environment": 0.16,
        "property": 0.16,
        "construction": 0.15,
        "consumer": 0.15,
        "neighbour": 0.12,
        "wages": 0.08,
        "parking": 0.08,
        "safety": 0.04,
        "fire": 0.02,
        "illegal_building": 0.04,
    },
}

# Crowd per zone: (hour of day, people in the whole zone), linearly interpolated.
CROWD_KNOTS: dict[str, tuple[tuple[float, float], ...]] = {
    "Z01": (
        (0, 800),
        (6, 1_500),
        (9, 3_000),
        (15, 4_500),
        (17, 6_000),
        (18, 20_000),
        (19, 80_000),
        (19.75, 230_000),
        (20, 305_000),
        (20.5, 335_000),
        (20.9, 312_000),
        (21.2, 240_000),
        (21.6, 120_000),
        (22, 60_000),
        (23, 15_000),
        (24, 800),
    ),
    "Z02": (
        (0, 500),
        (6, 2_000),
        (8, 15_000),
        (9, 28_000),
        (10, 31_000),
        (11, 32_000),
        (12, 30_000),
        (14, 26_000),
        (16, 27_000),
        (18, 33_000),
        (19, 36_000),
        (20, 34_000),
        (21, 25_000),
        (22, 10_000),
        (23, 3_000),
        (24, 500),
    ),
    "Z03": (
        (0, 200),
        (6, 1_500),
        (8, 9_000),
        (9.5, 4_000),
        (17, 5_000),
        (18, 10_000),
        (19.5, 4_000),
        (23, 800),
        (24, 200),
    ),
    "Z04": (
        (0, 100),
        (6, 2_500),
        (8, 3_000),
        (10, 1_500),
        (17, 3_000),
        (19, 8_000),
        (21, 6_000),
        (23, 500),
        (24, 100),
    ),
    "Z05": ((0, 50), (8, 500), (9.5, 9_000), (12, 11_000), (16, 9_000), (18, 1_000), (24, 50)),
    "Z06": (
        (0, 300),
        (7, 1_000),
        (9, 22_000),
        (12, 25_000),
        (18, 20_000),
        (20, 6_000),
        (22, 1_000),
        (24, 300),
    ),
    "Z07": (
        (0, 300),
        (10, 800),
        (11.5, 4_000),
        (13, 3_500),
        (14.5, 1_200),
        (17.5, 3_000),
        (19, 6_500),
        (21, 4_000),
        (23, 1_200),
        (24, 300),
    ),
    "Z08": (
        (0, 400),
        (7, 1_500),
        (8.5, 4_500),
        (11, 4_200),
        (13, 2_500),
        (15, 3_200),
        (17, 1_800),
        (20, 900),
        (24, 400),
    ),
}
GENERIC_KNOTS = ((0, 200), (9, 2_000), (12, 3_000), (19, 3_500), (24, 200))
CROWD_NOISE = 0.06  # each counter reads within +-6% of its share


@dataclass(frozen=True)
class EpisodeRule:
    per_day: float
    hours: tuple[float, ...]  # relative weight of each hour of the day
    minutes: tuple[float, float]  # simulated duration
    values: tuple[float, float]


def _hours(weights: dict[int, float], rest: float = 0.0) -> tuple[float, ...]:
    return tuple(weights.get(h, rest) for h in range(24))


# Out-of-limit episodes; readings in between are normal. Muck trucks run at night.
EPISODES: dict[str, EpisodeRule] = {
    "muck_truck": EpisodeRule(
        100, _hours(dict.fromkeys((22, 23, 0, 1, 2, 3, 4), 12.0), 0.9), (0, 0), (1, 1)
    ),
    "gas": EpisodeRule(3, _hours({}, 1.0), (5, 20), (28, 60)),
    "fume": EpisodeRule(
        8, _hours({11: 1.0, 12: 1.2, 17: 0.8, 18: 1.2, 19: 0.8}), (15, 40), (2.1, 3.8)
    ),
    "ebike_charging": EpisodeRule(
        2, _hours(dict.fromkeys((*range(19, 24), *range(6)), 1.0)), (10, 30), (59.0, 61.5)
    ),
}
PERIOD_S = {"crowd": 10.0}  # real seconds between readings; others once a minute
HEARTBEAT_S = 60.0
OFFLINE_SHARE = 0.025  # of the site sensors: never send, so the wall shows some offline
URGENT_ALWAYS = frozenset({"fire", "safety"})
URGENT_OTHERS = 0.02
KIND_MIX = (("complaint", 0.70), ("enquiry", 0.15), ("suggestion", 0.15))
PREFIX = {
    ("patrol", "finding"): "巡查发现：",
    ("hotline", "complaint"): "市民来电反映：",
    ("hotline", "enquiry"): "市民来电咨询：",
    ("hotline", "suggestion"): "市民来电建议：",
}


@dataclass(frozen=True)
class Building:
    code: str
    micro_grid: str
    lon: float
    lat: float
    name: str


@dataclass(frozen=True)
class Sensor:
    id: str
    kind: str
    lon: float
    lat: float
    zone: str | None
    unit: str


@dataclass(frozen=True)
class World:
    """The district's parts the simulator needs, as plain values."""

    buildings: tuple[Building, ...]
    sensors: tuple[Sensor, ...]
    units: tuple[Unit, ...]
    unit_names: dict[str, str]


def _text_or_none(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def world_of(district: District) -> World:
    b, s, u = district.buildings, district.sensors, district.units
    return World(
        buildings=tuple(
            Building(str(c), str(m), float(x), float(y), str(n))
            for c, m, x, y, n in zip(b.code, b.micro_grid, b.lon, b.lat, b.name, strict=True)
        ),
        sensors=tuple(
            Sensor(str(i), str(k), float(x), float(y), _text_or_none(z), str(un))
            for i, k, x, y, z, un in zip(s.id, s.kind, s.lon, s.lat, s.zone, s.unit, strict=True)
        ),
        units=tuple(
            Unit(str(i), str(k), _text_or_none(st))
            for i, k, st in zip(u.id, u.kind, u.street, strict=True)
        ),
        unit_names={str(i): str(n) for i, n in zip(u.id, u.name, strict=True)},
    )


@dataclass(frozen=True)
class SimClock:
    real_start: float  # epoch seconds
    sim_start: float  # seconds since midnight of the first simulated day
    speed: float

    def sim(self, real: float) -> float:
        return self.sim_start + (real - self.real_start) * self.speed

    def real(self, sim: float) -> float:
        return self.real_start + (sim - self.sim_start) / self.speed


def parse_time_of_day(text: str) -> float:
    """'18:30' or '18:30:15' -> seconds since midnight."""
    parts = [int(p) for p in text.split(":")]
    if not 2 <= len(parts) <= 3 or min(parts) < 0 or parts[0] >= 24 or max(parts[1:]) >= 60:
        raise ValueError(f"time of day {text!r}: expected HH:MM or HH:MM:SS")
    return float(parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) == 3 else 0))


def clock_label(sim: float) -> str:
    minutes = int(sim // 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Episode:
    sensor: int  # index into World.sensors
    start: float  # simulated seconds
    end: float
    value: float


def crowd_level(zone: str | None, sim: float) -> float:
    """People expected in a whole zone at a simulated time."""
    knots = CROWD_KNOTS.get(zone or "", GENERIC_KNOTS)
    hour = (sim / 3600.0) % 24.0
    return float(np.interp(hour, [k[0] for k in knots], [k[1] for k in knots]))


class Day:
    """Draws reports, episodes and readings for one world, seed and volume."""

    def __init__(self, world: World, seed: int, volume: float = 1.0) -> None:
        self.world = world
        self.seed = seed
        self.volume = volume
        rng = np.random.default_rng([seed, 0])
        n = len(world.sensors)
        self.period = np.array([PERIOD_S.get(s.kind, HEARTBEAT_S) for s in world.sensors])
        self.phase = rng.uniform(0.0, 1.0, n) * self.period
        weight = rng.uniform(0.5, 1.5, n)
        zone_sum: dict[str | None, float] = {}
        for s, w in zip(world.sensors, weight, strict=True):
            zone_sum[s.zone] = zone_sum.get(s.zone, 0.0) + float(w)
        self.share = [
            float(w) / zone_sum[s.zone] for s, w in zip(world.sensors, weight, strict=True)
        ]
        site = [i for i, s in enumerate(world.sensors) if s.kind != "crowd"]
        k = min(round(OFFLINE_SHARE * n), len(site))
        self.offline = frozenset(int(i) for i in rng.choice(site, size=k, replace=False))
        self.by_kind: dict[str, list[int]] = {}
        for i, s in enumerate(world.sensors):
            if i not in self.offline:
                self.by_kind.setdefault(s.kind, []).append(i)

    def reports_in_hour(self, hour: int) -> list[tuple[float, Draft]]:
        """(simulated time, draft) of every report in simulated hour ``hour``, in time order."""
        rng = np.random.default_rng([self.seed, 1, hour])
        out: list[tuple[float, Draft]] = []
        for source, daily in DAILY_REPORTS.items():
            n = int(rng.poisson(daily * self.volume * HOURLY[source][hour % 24]))
            for t in rng.uniform(hour * 3600.0, (hour + 1) * 3600.0, n):
                out.append((float(t), self._draft(rng, source)))
        out.sort(key=lambda p: p[0])
        return out

    def _draft(self, rng: np.random.Generator, source: str) -> Draft:
        b = self.world.buildings[int(rng.integers(len(self.world.buildings)))]
        mix = CATEGORY_MIX[source]
        category = str(rng.choice(list(mix), p=list(mix.values())))
        if source == "patrol":
            kind = "finding"
        else:
            kind = str(rng.choice([k for k, _ in KIND_MIX], p=[p for _, p in KIND_MIX]))
        pool = {"enquiry": ENQUIRIES, "suggestion": SUGGESTIONS}.get(kind, TEXTS)[category]
        estate = b.name.rstrip("0123456789幢")
        text = str(rng.choice(pool)).format(
            estate=estate, bldg=b.name, n=int(rng.integers(2, 6)), hour=int(rng.integers(22, 24))
        )
        urgent = kind not in ("enquiry", "suggestion") and (
            category in URGENT_ALWAYS or rng.random() < URGENT_OTHERS
        )
        draft: Draft = {
            "source": source,
            "kind": kind,
            "category": category,
            "priority": "urgent" if urgent else "ordinary",
            "text": PREFIX.get((source, kind), "") + text,
        }
        if source == "qr":
            draft["address"] = b.code
            if rng.random() < 0.6:
                draft["contact"] = phone(rng)
            if rng.random() < 0.1:
                draft["voice"] = f"demo/voice-{int(rng.integers(1, 40)):02d}.m4a"
        else:
            spread = 0.00015 if source == "patrol" else 0.0003  # ~15 m, ~30 m
            draft["lon"] = round(b.lon + float(rng.normal(0.0, spread)), 6)
            draft["lat"] = round(b.lat + float(rng.normal(0.0, spread)), 6)
            draft["reporter"] = "网格员 " + person(rng) if source == "patrol" else "12345热线"
            if source == "hotline" and rng.random() < 0.9:
                draft["contact"] = phone(rng)
        if source != "hotline" and rng.random() < (0.3 if source == "qr" else 0.5):
            k = int(rng.integers(1, 4))
            draft["photos"] = tuple(f"demo/photo-{int(p):02d}.jpg" for p in rng.integers(1, 60, k))
        return draft

    def episodes_in_hour(self, hour: int) -> list[Episode]:
        """Out-of-limit episodes starting in simulated hour ``hour``, in time order."""
        rng = np.random.default_rng([self.seed, 2, hour])
        out: list[Episode] = []
        for kind, rule in EPISODES.items():
            sensors = self.by_kind.get(kind)
            weight = rule.hours[hour % 24] / sum(rule.hours)
            n = int(rng.poisson(rule.per_day * weight))
            if not sensors or n == 0:
                continue
            for _ in range(n):
                start = hour * 3600.0 + float(rng.uniform(0.0, 3600.0))
                minutes = float(rng.uniform(*rule.minutes))
                value = round(float(rng.uniform(*rule.values)), 2)
                out.append(Episode(int(rng.choice(sensors)), start, start + minutes * 60, value))
        out.sort(key=lambda e: (e.start, e.sensor))
        return out

    def reading(self, i: int, tick: int, sim: float, episode: Episode | None = None) -> float:
        """Value of sensor ``i``'s ``tick``-th regular reading at simulated time ``sim``."""
        rng = np.random.default_rng([self.seed, 3, i, tick])
        s = self.world.sensors[i]
        if episode is not None and episode.start <= sim < episode.end and s.kind != "muck_truck":
            return round(episode.value * float(rng.uniform(0.97, 1.03)), 2)
        hour = (sim / 3600.0) % 24.0
        match s.kind:
            case "crowd":
                noise = float(rng.uniform(1 - CROWD_NOISE, 1 + CROWD_NOISE))
                return float(round(crowd_level(s.zone, sim) * self.share[i] * noise))
            case "gas":
                return round(float(rng.uniform(0.2, 7.5)), 2)
            case "fume":
                meal = 10.5 <= hour < 13.5 or 16.5 <= hour < 20.5
                return round(float(rng.uniform(0.6, 1.4) if meal else rng.uniform(0.3, 0.9)), 2)
            case "ebike_charging":
                return round(float(rng.uniform(48.0, 55.5)), 2)
            case _:
                return 0.0


# --- responders' plans ----------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How one incident will be handled; delays in real seconds unless named sim."""

    officer: str
    accept_s: float  # after the report
    dispatch_s: float  # after it was seen accepted
    arrive_s: float  # after it was seen dispatched
    answer_s: float  # enquiries and suggestions: answered by phone once dispatched
    work_sim_s: float  # on site until resolved, simulated seconds
    close_s: float  # after resolved
    rate_s: float  # after closed
    rating: int | None
    reject: str | None
    escalate: bool
    comment: str | None


def plan_for(seed: int, incident: str, src: str, priority: str, kind: str | None) -> Plan:
    """Pure: the same seed and incident always give the same plan."""
    rng = np.random.default_rng([seed, 9, zlib.crc32(incident.encode())])
    u = rng.random(4)
    urgent = priority == "urgent"
    rating = int(rng.choice(5, p=RATING_P)) + 1
    reason = REJECT_REASONS[int(rng.integers(len(REJECT_REASONS)))]
    comment = COMMENTS[int(rng.integers(len(COMMENTS)))]
    return Plan(
        officer=OFFICERS[int(rng.integers(len(OFFICERS)))],
        accept_s=float(rng.lognormal(math.log(30), 0.59)),  # median 30 s, 12% over a minute
        dispatch_s=float(rng.lognormal(math.log(70), 0.6)),
        arrive_s=float(rng.lognormal(math.log(100 if urgent else 150), 0.5)),
        answer_s=float(rng.uniform(60, 240)),
        work_sim_s=float(rng.uniform(20, 90)) * 60,
        close_s=float(rng.uniform(5, 30)),
        rate_s=float(rng.uniform(10, 60)),
        rating=rating if src in ("qr", "hotline") and u[0] < 0.7 else None,
        reject=reason if kind == "enquiry" and u[1] < 0.1 else None,
        escalate=bool(urgent and u[2] < 0.3),
        comment=comment if u[3] < 0.15 else None,
    )


# --- words ------------------------------------------------------------------
# {estate}: the estate, {bldg}: the building, {n}: a small number, {hour}: a late hour.

TEXTS: dict[str, tuple[str, ...]] = {
    "environment": (
        "{estate}门口垃圾堆放{n}天无人清理",
        "{bldg}楼下垃圾桶满溢，气味很大",
        "{estate}东侧绿化带有人乱倒建筑垃圾",
        "{estate}附近路面油污严重，行人容易滑倒",
        "{estate}外墙小广告贴满了，影响市容",
        "流动摊贩占道经营，{estate}门口通行困难",
    ),
    "property": (
        "{bldg}电梯又坏了，已经停运{n}天",
        "{estate}地下车库灯不亮，晚上很不安全",
        "{bldg}楼道堆满杂物，物业不处理",
        "{bldg}顶楼漏水，报修{n}次没人来",
        "{estate}门禁坏了，外来人员随意进出",
        "{estate}物业费涨价没有公示，业主有意见",
    ),
    "construction": (
        "{estate}旁边工地晚上{hour}点还在施工，噪音扰民",
        "工地渣土没有覆盖，{estate}一带扬尘很大",
        "{estate}附近道路开挖后{n}周未恢复",
        "{estate}旁工地出口车辆带泥上路",
    ),
    "neighbour": (
        "{bldg}楼上住户装修噪音太大，多次沟通无果",
        "{bldg}邻居在楼道里堆放杂物，协商不成",
        "楼上漏水到我家，{bldg}邻居拒绝维修",
        "{bldg}有住户养狗，夜里一直叫",
    ),
    "parking": (
        "{estate}门口车辆乱停，消防通道被堵",
        "{bldg}楼下长期停放僵尸车",
        "共享单车堆满{estate}门口人行道",
        "{estate}车位被外来车辆长期占用",
    ),
    "consumer": (
        "{estate}附近健身房突然关门，预付卡无法退费",
        "{estate}旁超市标价与结算价不一致",
        "{estate}旁边餐馆卫生条件差",
        "{estate}附近培训机构拒绝退还剩余课时费",
    ),
    "safety": (
        "{bldg}楼道里有人给电动车充电，飞线很危险",
        "{estate}围墙出现裂缝，有倒塌风险",
        "{bldg}外墙瓷砖脱落，砸到楼下",
        "{estate}门口井盖缺失，容易有人掉下去",
        "{bldg}有人高空抛物，差点砸到人",
    ),
    "wages": (
        "{estate}附近工地拖欠工人工资{n}个月",
        "{estate}旁装修公司拖欠工资，老板联系不上",
        "{estate}底商餐馆拖欠{n}名员工工资",
    ),
    "fire": (
        "{bldg}消防通道被杂物堵塞",
        "{bldg}楼道灭火器过期了",
        "{estate}消防栓没有水",
        "{bldg}有焦糊味，疑似电线起火",
        "{estate}商铺私拉电线，存在火灾隐患",
    ),
    "illegal_building": (
        "{bldg}顶楼有人私自加盖阳光房",
        "{estate}一楼住户违规扩建院子",
        "{estate}绿地被圈占搭建棚子",
    ),
}
ENQUIRIES: dict[str, tuple[str, ...]] = {
    "environment": ("垃圾分类的投放时间是几点到几点？", "{estate}的大件垃圾怎么预约清运？"),
    "property": ("{estate}的维修基金怎么申请使用？", "物业合同到期后业主大会怎么召开？"),
    "construction": ("{estate}旁边工地夜间施工有审批吗？",),
    "neighbour": ("邻里纠纷可以申请人民调解吗？",),
    "parking": ("{estate}周边哪里有公共停车场？", "小区车位租赁怎么收费？"),
    "consumer": ("预付卡消费纠纷应该找哪个部门？",),
    "safety": ("电动车停放充电有什么规定？",),
    "wages": ("被拖欠工资应该怎么维权？",),
    "fire": ("{estate}的消防设施多久检查一次？",),
    "illegal_building": ("自家院子搭雨棚需要审批吗？",),
}
SUGGESTIONS: dict[str, tuple[str, ...]] = {
    "environment": ("建议{estate}门口增设分类垃圾桶", "建议增加{estate}周边道路保洁频次"),
    "property": ("建议{estate}增设电动车集中充电点", "建议物业每月公示收支明细"),
    "construction": ("建议{estate}旁工地加装喷淋降尘设施",),
    "neighbour": ("建议{estate}设立邻里议事会",),
    "parking": ("建议{estate}周边施划临时停车位",),
    "consumer": ("建议加强{estate}周边商铺价格检查",),
    "safety": ("建议{estate}加装高空抛物监控",),
    "wages": ("建议工地公示工资支付情况",),
    "fire": ("建议{estate}定期开展消防演练",),
    "illegal_building": ("建议加大{estate}违建巡查力度",),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = (
    "敏",
    "伟",
    "芳",
    "娜",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "婷",
    "建华",
    "晓燕",
    "志强",
    "秀英",
)
PHONE_PREFIXES = (
    "130",
    "131",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "177",
    "180",
    "186",
    "187",
    "188",
    "189",
)


def person(rng: np.random.Generator) -> str:
    return SURNAMES[int(rng.integers(len(SURNAMES)))] + GIVEN[int(rng.integers(len(GIVEN)))]


def phone(rng: np.random.Generator) -> str:
    prefix = PHONE_PREFIXES[int(rng.integers(len(PHONE_PREFIXES)))]
    return f"{prefix}{int(rng.integers(10**8)):08d}"


OFFICERS = (
    "值班员 李静",
    "值班员 王磊",
    "值班员 陈芳",
    "值班员 张伟",
    "值班员 刘洋",
    "值班员 赵敏",
)
RATING_P = (0.02, 0.03, 0.05, 0.20, 0.70)  # 1..5 stars, mean about 4.5
REJECT_REASONS = ("非本辖区事项，已告知咨询渠道", "重复咨询，已答复", "信息不全，无法受理")
COMMENTS = (
    "已电话联系报告人，告知处理进度",
    "现场拍照取证",
    "已协调物业共同处理",
    "等待相关部门配合",
)
ANSWERS = {"enquiry": "已电话答复咨询人", "suggestion": "建议已转相关部门研究并回复"}
RESOLUTIONS = {
    "environment": "垃圾已清运，现场已恢复整洁",
    "property": "已督促物业完成维修",
    "construction": "已责令工地停止夜间施工并整改",
    "neighbour": "经调解双方达成一致",
    "parking": "车辆已挪走，已加强巡查",
    "consumer": "已约谈商家，退费已协商",
    "safety": "隐患已排除，现场已设置警示",
    "wages": "已督促企业支付拖欠工资",
    "fire": "消防隐患已整改",
    "illegal_building": "已责令限期拆除",
    "gas_leak": "泄漏点已关阀处置，浓度恢复正常",
    "fume": "已责令清洗油烟净化设施",
    "muck_truck": "已查处违规渣土车",
    "crowd": "已限流疏导，人流恢复正常",
    "ebike_charging": "已断电处置，充电桩恢复正常",
}
