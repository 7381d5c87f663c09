"""Invented place names, syllable tables and crowd-zone specs for the demo district."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

STREETS: Final = (("江澄", "Jiangcheng"), ("望潮", "Wangchao"), ("云栖", "Yunqi"))
# Invented two-syllable place names; none of them makes 西兴, 长河 or 浦沿.
FIRST_SYLLABLES: Final = (
    ("星", "Xing"),
    ("钱", "Qian"),
    ("江", "Jiang"),
    ("云", "Yun"),
    ("望", "Wang"),
    ("春", "Chun"),
    ("明", "Ming"),
    ("锦", "Jin"),
    ("翠", "Cui"),
    ("金", "Jin"),
    ("和", "He"),
    ("东", "Dong"),
    ("新", "Xin"),
    ("文", "Wen"),
    ("华", "Hua"),
    ("晓", "Xiao"),
    ("月", "Yue"),
    ("丹", "Dan"),
    ("青", "Qing"),
    ("彩", "Cai"),
)
SECOND_SYLLABLES: Final = (
    ("光", "guang"),
    ("塘", "tang"),
    ("晖", "hui"),
    ("苑", "yuan"),
    ("湾", "wan"),
    ("岸", "an"),
    ("园", "yuan"),
    ("桥", "qiao"),
    ("庭", "ting"),
    ("澜", "lan"),
    ("桂", "gui"),
    ("枫", "feng"),
    ("汀", "ting"),
    ("溪", "xi"),
    ("舟", "zhou"),
)
ESTATE_SUFFIXES: Final = ("花园", "家园", "公寓", "苑", "府", "大厦", "新村", "名邸")


@dataclass(frozen=True)
class ZoneSpec:
    """A crowd zone to lay out: an ellipse of `semi_axes` metres, or the riverside strip."""

    code: str
    name: str
    name_en: str
    capacity: int  # people
    counters: int  # crowd-counting sensors inside it
    semi_axes: tuple[float, float] | None  # None: a strip along the river bank


# The real fireworks night drew 300,000 to one riverside spot, so Z01 will overflow.
CROWD_ZONES: Final = (
    ZoneSpec("Z01", "江畔烟花观赏区", "Riverside fireworks viewing zone", 250_000, 8, None),
    ZoneSpec("Z02", "星汇商圈", "Xinghui shopping district", 40_000, 6, (450, 300)),
    ZoneSpec("Z03", "望潮路地铁枢纽", "Wangchao Road metro hub", 12_000, 4, (260, 200)),
    ZoneSpec("Z04", "江澄体育公园", "Jiangcheng sports park", 30_000, 5, (520, 350)),
    ZoneSpec("Z05", "钱澜会展中心", "Qianlan exhibition centre", 25_000, 5, (400, 300)),
    ZoneSpec("Z06", "星河科创园", "Xinghe tech park", 35_000, 5, (600, 400)),
    ZoneSpec("Z07", "望江美食街", "Wangjiang food street", 8_000, 4, (380, 120)),
    ZoneSpec("Z08", "江澄人民医院", "Jiangcheng People's Hospital", 6_000, 3, (220, 160)),
)


def place_names(count: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    """`count` distinct invented two-syllable names, (zh-CN, pinyin)."""
    picked = rng.choice(len(FIRST_SYLLABLES) * len(SECOND_SYLLABLES), size=count, replace=False)
    names = []
    for k in picked:
        first, second = divmod(int(k), len(SECOND_SYLLABLES))
        (zh1, en1), (zh2, en2) = FIRST_SYLLABLES[first], SECOND_SYLLABLES[second]
        joiner = "'" if en2[0] in "aeo" else ""  # pinyin writes Jiang'an, not Jiangan
        names.append((zh1 + zh2, en1 + joiner + en2))
    return names
