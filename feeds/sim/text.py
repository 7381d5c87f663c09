"""zh-CN words of the simulated day: report texts, people, phones, responders' notes."""

from __future__ import annotations

import numpy as np

PREFIX: dict[tuple[str, str], str] = {
    ("patrol", "finding"): "巡查发现：",
    ("hotline", "complaint"): "市民来电反映：",
    ("hotline", "enquiry"): "市民来电咨询：",
    ("hotline", "suggestion"): "市民来电建议：",
}

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
SURNAMES: str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN: tuple[str, ...] = (
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
PHONE_PREFIXES: tuple[str, ...] = (
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


OFFICERS: tuple[str, ...] = (
    "值班员 李静",
    "值班员 王磊",
    "值班员 陈芳",
    "值班员 张伟",
    "值班员 刘洋",
    "值班员 赵敏",
)
REJECT_REASONS: tuple[str, ...] = (
    "非本辖区事项，已告知咨询渠道",
    "重复咨询，已答复",
    "信息不全，无法受理",
)
COMMENTS: tuple[str, ...] = (
    "已电话联系报告人，告知处理进度",
    "现场拍照取证",
    "已协调物业共同处理",
    "等待相关部门配合",
)
ANSWERS: dict[str, str] = {
    "enquiry": "已电话答复咨询人",
    "suggestion": "建议已转相关部门研究并回复",
}
RESOLUTIONS: dict[str, str] = {
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
