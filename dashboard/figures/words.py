"""The figures page's and reports' words, zh-CN and English, in the terms leaders use."""

from __future__ import annotations

from typing import Final

Pair = tuple[str, str]

PRESETS: Final[dict[str, Pair]] = {
    "today": ("今日", "Today"),
    "yesterday": ("昨日", "Yesterday"),
    "this_week": ("本周", "This week"),
    "this_month": ("本月", "This month"),
    "last_month": ("上月", "Last month"),
    "custom": ("自定义", "Any range"),
}

STAGES: Final[dict[str, Pair]] = {
    "accept": ("1分钟受理", "Accepted within 1 min"),
    "dispatch": ("3分钟流转", "Routed within 3 min"),
    "arrive": ("5分钟到场", "On site within 5 min"),
    "resolve": ("按期办结", "Resolved on time"),
}

LEVELS: Final[dict[str, Pair]] = {
    "street": ("街道", "Street"),
    "community": ("社区", "Community"),
    "grid": ("网格", "Grid"),
}

# section key -> (title, what it counts); the period is added where it is shown
SECTIONS: Final[dict[str, tuple[Pair, Pair]]] = {
    "headline": (
        ("核心指标", "Headline figures"),
        ("本期与上期、去年同期对比", "This period beside the previous one and a year before"),
    ),
    "counts": (
        ("事件构成", "What was reported"),
        (
            "按上报时间统计的事件数：来源、类型、分类",
            "Incidents by report time: source, kind, category",
        ),
    ),
    "areas": (
        ("区域排名", "Areas ranked"),
        (
            "每万人事件数（人口未知时按事件数）；地图为本期各网格事件数",
            "Incidents per 10,000 residents (count where residents are unknown); "
            "the map shows each grid's incidents in the period",
        ),
    ),
    "time": (
        ("时段与趋势", "Hours and trend"),
        (
            "按小时分布（虚线为上期日均）与逐日/逐月事件数",
            "By hour of day (dotted: previous period's daily mean) and per day or month",
        ),
    ),
    "compliance": (
        ("1-3-5 时限达标", "1/3/5 compliance"),
        (
            "各环节按时率与 P90 用时，按街道与责任单位",
            "Share on time and 90th-percentile time per stage, by street and by unit",
        ),
    ),
    "closure": (
        ("办结时限", "Closure on time"),
        (
            "紧急 24 小时、一般 3 个工作日内办结（按工作日历）",
            "Urgent within 24 h, ordinary within 3 working days (working calendar)",
        ),
    ),
    "supervision": (
        ("亮灯督办", "Red-light supervision"),
        (
            "当前超时事件与本期曾超时事件，按超时时长排序",
            "Incidents late now and late in the period, longest first",
        ),
    ),
    "units": (
        ("单位考评", "Units league"),
        (
            "派遣、结案率、按期结案率、超期积压、P90、满意度",
            "Assigned, closure rate, on-time closure, overdue backlog, p90, satisfaction",
        ),
    ),
    "satisfaction": (
        ("群众满意度", "Residents' satisfaction"),
        (
            "本期上报事件的评价：均分、参评率、分布、留言",
            "Ratings of the period's incidents: mean, share rated, distribution, comments",
        ),
    ),
    "repeats": (
        ("重复报事点位", "Repeat places"),
        (
            "同一楼幢或网格同类事件本期 3 次及以上（源头治理）",
            "Same category 3 or more times at one building or grid (fix the cause)",
        ),
    ),
    "sensors": (
        ("物联感知", "Sensors"),
        (
            "感知告警按类型逐日，人流峰值按区域",
            "Sensor alarms by kind per day; crowd peaks by zone",
        ),
    ),
    "patrols": (
        ("网格巡查", "Grid patrols"),
        (
            "巡查覆盖率（走访楼幢 / 楼幢总数）与无巡查网格",
            "Patrol coverage (buildings visited / buildings) and grids with no patrol",
        ),
    ),
}

WORDS: Final[dict[str, Pair]] = {
    "page": ("领导驾驶舱 · 统计分析", "Figures"),
    "period": ("统计时段", "Period"),
    "from": ("开始", "From"),
    "to": ("结束", "To"),
    "apply": ("查询", "Show"),
    "previous": ("较上期", "vs previous"),
    "last_year": ("较去年同期", "vs a year before"),
    "prev_period": ("上期", "Previous period"),
    "ly_period": ("去年同期", "A year before"),
    "this_period": ("本期", "This period"),
    "events": ("事件总数", "Incidents"),
    "late_now": ("当前超时", "Late now"),
    "late_period": ("本期曾超时", "Late in the period"),
    "closure_urgent": ("紧急24小时办结率", "Urgent closed in 24 h"),
    "closure_ordinary": ("一般3个工作日办结率", "Ordinary closed in 3 working days"),
    "rating": ("满意度均分", "Mean rating"),
    "rated": ("参评率", "Share rated"),
    "alarms": ("感知告警", "Sensor alarms"),
    "best": ("事件最少", "Fewest incidents"),
    "worst": ("事件最多", "Most incidents"),
    "download": ("下载", "Download"),
    "all_xlsx": ("全部表格 Excel", "All tables (Excel)"),
    "daily_report": ("日报（打印）", "Daily report (print)"),
    "reports": ("报告", "Reports"),
    "loading": ("加载中…", "Loading…"),
    "none": ("本期无数据", "Nothing in this period"),
    "click_hint": (
        "点击柱形、行或地图网格查看对应事件",
        "Click a bar, a row or a map cell to list its incidents",
    ),
    "per_day": ("逐日事件数", "Incidents per day"),
    "each_day": ("逐日", "per day"),
    "per_month": ("逐月事件数", "Incidents per month"),
    "hourly": ("按小时分布", "By hour of day"),
    "by_source": ("按来源", "By source"),
    "by_kind": ("按类型", "By kind"),
    "by_category": ("按分类", "By category"),
    "map": ("网格事件地图", "Incidents per grid (map)"),
    "comments": ("群众留言", "Residents' comments"),
    "distribution": ("评分分布", "Ratings"),
    "alarms_per_day": ("感知告警逐日", "Sensor alarms per day"),
    "crowd_peaks": ("人流峰值", "Crowd peaks"),
    "no_patrol": ("无巡查网格", "Grids with no patrol"),
    "coverage": ("巡查覆盖", "Patrol coverage"),
    "demo": ("演示数据 · 合成网格", "Demo data · synthetic grids"),
    "district": ("杭州市滨江区（演示）", "Binjiang district, Hangzhou (demo)"),
    "bad_period": ("时段无效，已显示本月", "Not a valid period: showing this month"),
    "min_sample": ("参与排名的最少件数", "Minimum to be ranked"),
    "section_failed": (
        "本栏数据暂时无法读取，其他栏目不受影响；已记录错误。",
        "This section's figures could not be read just now; the other sections are not"
        " affected and the error was logged.",
    ),
    "try_again": ("重新加载", "Try again"),
    "start_date": ("开始日期", "Start date"),
    "end_date": ("结束日期", "End date"),
}


def w(key: str, lang: str) -> str:
    pair = WORDS[key]
    return pair[1] if lang == "en" else pair[0]


def pick(pair: Pair, lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]
