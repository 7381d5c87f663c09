"""The domain's words: codes on the wire, with zh-CN and English labels."""

from __future__ import annotations

from typing import Final

# code -> (zh-CN, English)
CATEGORIES: Final[dict[str, tuple[str, str]]] = {
    "environment": ("市容环境", "City appearance"),
    "property": ("物业管理", "Property management"),
    "construction": ("施工噪声扬尘", "Construction noise & dust"),
    "neighbour": ("邻里纠纷", "Neighbour dispute"),
    "parking": ("停车", "Parking"),
    "consumer": ("消费纠纷", "Consumer dispute"),
    "safety": ("安全隐患", "Safety hazard"),
    "wages": ("欠薪", "Unpaid wages"),
    "fire": ("消防", "Fire safety"),
    "illegal_building": ("违建", "Illegal construction"),
    # raised by sensors
    "gas_leak": ("危化气体泄漏", "Gas leak"),
    "fume": ("餐饮油烟", "Restaurant fumes"),
    "muck_truck": ("渣土车违规", "Muck truck violation"),
    "crowd": ("人员聚集", "Crowd over capacity"),
    "ebike_charging": ("电动车充电隐患", "E-bike charging hazard"),
}

SOURCES: Final[dict[str, tuple[str, str]]] = {
    "qr": ("扫码上报", "Resident QR code"),
    "patrol": ("网格员巡查", "Grid patrol"),
    "hotline": ("12345热线", "Hotline"),
    "sensor": ("物联感知", "Sensor"),
}

REPORT_KINDS: Final[dict[str, tuple[str, str]]] = {
    "complaint": ("投诉", "Complaint"),
    "enquiry": ("咨询", "Enquiry"),
    "suggestion": ("建议", "Suggestion"),
    "finding": ("巡查发现", "Patrol finding"),
    "alarm": ("告警", "Alarm"),
}

PRIORITIES: Final[dict[str, tuple[str, str]]] = {
    "urgent": ("紧急", "Urgent"),
    "ordinary": ("一般", "Ordinary"),
}

SENSOR_KINDS: Final[dict[str, tuple[str, str]]] = {
    "crowd": ("客流计数", "Crowd counter"),
    "gas": ("气体监测", "Gas sensor"),
    "fume": ("油烟监测", "Fume monitor"),
    "muck_truck": ("渣土车监控", "Muck-truck monitor"),
    "ebike_charging": ("电动车充电桩", "E-bike charging point"),
}

UNIT_KINDS: Final[dict[str, tuple[str, str]]] = {
    "grid_worker": ("网格员", "Grid workers"),
    "law_enforcement": ("综合执法队", "Law-enforcement squad"),
    "property": ("物业公司", "Property company"),
    "mediation": ("调解委员会", "Mediation committee"),
    "police": ("派出所", "Police station"),
    "fire": ("消防救援站", "Fire station"),
    "emergency": ("应急管理", "Emergency management"),
    "labour": ("劳动监察", "Labour inspection"),
    "market": ("市场监管", "Market regulation"),
}

STATES: Final[dict[str, tuple[str, str]]] = {
    "reported": ("待受理", "Reported"),
    "accepted": ("已受理", "Accepted"),
    "dispatched": ("已派遣", "Dispatched"),
    "on_site": ("已到场", "On site"),
    "resolved": ("已办结", "Resolved"),
    "closed": ("已关闭", "Closed"),
    "rejected": ("已退回", "Rejected"),
    "merged": ("已合并", "Merged"),
}

ACTIONS: Final[dict[str, tuple[str, str]]] = {
    "report": ("上报", "Reported"),
    "accept": ("受理", "Accept"),
    "dispatch": ("派遣", "Dispatch"),
    "reassign": ("改派", "Reassign"),
    "arrive": ("到场", "Arrive"),
    "resolve": ("办结", "Resolve"),
    "close": ("关闭", "Close"),
    "rate": ("评价", "Rate"),
    "reject": ("退回", "Reject"),
    "merge": ("合并", "Merge"),
    "escalate": ("联动处置", "Escalate to joint handling"),
    "comment": ("备注", "Comment"),
    "reveal": ("查看联系方式", "Reveal contact"),
    "overdue": ("超时亮灯", "Overdue"),
    "assign": ("智能交办", "Assigned by rule"),
    "alarm_clear": ("告警解除", "Alarm cleared"),
}


def label(table: dict[str, tuple[str, str]], code: str, lang: str = "zh") -> str:
    pair = table.get(code)
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]
