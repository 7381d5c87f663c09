"""Wall labels in zh-CN (default) and English, in the words command rooms use."""

from __future__ import annotations

from typing import Final

from feeds import vocab

WALL: Final[dict[str, tuple[str, str]]] = {
    "title": ("城市运行指挥中心", "City Operations Command Centre"),
    "demo": ("演示数据 · 合成网格", "Demo data · synthetic grids"),
    "events_today": ("今日事件", "Events today"),
    "open": ("在办事件", "Open incidents"),
    "late": ("超时亮灯", "Late now"),
    "crowd_peak": ("今日人流峰值", "Crowd peak today"),
    "sensors_online": ("感知设备在线", "Sensors online"),
    "satisfaction": ("今日满意度", "Satisfaction today"),
    "board": ("1-3-5 联动处置", "1/3/5 pipeline"),
    "accept": ("1分钟受理", "Accept within 1 min"),
    "dispatch": ("3分钟流转", "Route within 3 min"),
    "arrive": ("5分钟到场", "On site within 5 min"),
    "on_time": ("按时率", "On time"),
    "p90": ("P90 用时", "P90 time"),
    "waiting": ("待办", "Waiting"),
    "oldest": ("最久未办", "Oldest"),
    "none_waiting": ("无待办", "None waiting"),
    "late_by": ("超时", "late"),
    "cells_hour": ("近1小时事件", "Events, last hour"),
    "cells_day": ("今日事件", "Events today"),
    "layer_cells": ("网格事件", "Grid events"),
    "layer_heat": ("人流热力", "Crowd heat"),
    "layer_incidents": ("在办事件", "Incidents"),
    "layer_sensors": ("感知设备", "Sensors"),
    "layer_fresh": ("楼幢数据更新", "Building data"),
    "fresh_title": ("楼幢数据更新", "Building data updated"),
    "fresh_green": ("半年内更新", "within 6 months"),
    "fresh_yellow": ("超半年未更新", "not for 6 months"),
    "fresh_red": ("从未更新", "never"),
    "hour": ("近1小时", "Last hour"),
    "day": ("今日", "Today"),
    "online": ("在线", "Online"),
    "offline": ("离线", "Offline"),
    "alarm": ("告警", "Alarm"),
    "over_capacity": ("超载", "over capacity"),
    "stale_link": (
        "实时连接中断，数据停在 {t}，正在重连…",
        "Live link lost: figures as of {t}, reconnecting…",
    ),
    "stale_feed": (
        "数据源自 {t} 起 {m} 分钟无新数据，数字可能已过时",
        "No new data since {t} ({m} min): figures may be stale",
    ),
    "urgent_badge": ("急", "URGENT"),
    "crowd_panel": ("重点区域人流", "Crowd zones"),
    "per_micro_grid": ("按微网格", "per micro-grid"),
    "per_grid": ("按网格", "per grid"),
    "per_community": ("按社区", "per community"),
    "full_in": ("约 {m} 分钟满员", "full in ~{m} min"),
    "full_now": ("已超载", "over capacity"),
    "not_filling": ("未增长", "not filling"),
    "per_min": ("{n} 人/分", "{n}/min"),
    "heat_scale": ("人流密度 (人/100㎡)", "Crowd density (people/100 m²)"),
    "info_kind": ("类型", "Kind"),
    "info_place": ("地点", "Place"),
    "info_state": ("环节", "Stage"),
    "info_time": ("上报", "Reported"),
    "connecting": ("正在连接…", "Connecting…"),
    "people": ("人", "people"),
    "view_overview": ("全区总览", "District overview"),
    "view_crowd": ("人流聚焦", "Crowd focus"),
    "view_pipeline": ("处置聚焦", "Pipeline focus"),
    "green": ("正常", "On time"),
    "amber": ("预警", "Near limit"),
    "red": ("超时", "Late"),
    # replay (复盘)
    "replay": ("复盘回放", "REPLAY"),
    "replay_note": ("非实时 · 历史回放", "not live · history"),
    "play": ("▶ 播放", "▶ Play"),
    "pause": ("❚❚ 暂停", "❚❚ Pause"),
    "jump": ("跳转", "Go"),
    "jump_hint": ("时:分 或 年-月-日T时:分", "HH:MM or YYYY-MM-DDTHH:MM"),
    "last_night": ("昨晚 18:00–23:00", "Last night 18:00–23:00"),
    "back_live": ("返回实时", "Back to live"),
    "replay_error": ("无法复盘：", "Cannot replay: "),
    "replay_end": ("已到结尾", "at the end"),
}


def lang_of(value: str | None) -> str:
    return "en" if value == "en" else "zh"


def table(lang: str) -> dict[str, str]:
    """Every label the wall's script needs, in one language."""
    i = 1 if lang == "en" else 0
    out = {k: v[i] for k, v in WALL.items()}
    for prefix, source in (
        ("cat.", vocab.CATEGORIES),
        ("state.", vocab.STATES),
        ("src.", vocab.SOURCES),
        ("kind.", vocab.REPORT_KINDS),
        ("pri.", vocab.PRIORITIES),
    ):
        out.update({prefix + code: pair[i] for code, pair in source.items()})
    return out
