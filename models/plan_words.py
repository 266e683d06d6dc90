"""The words a plan prints for its county, and their defaults.

``Words`` ([plan.words]: 区/县, 街道/乡镇, 省/市, 十大行动, 附表 …) and ``Briefing``
([plan.briefing]: the briefing's masthead and distribution lines) as a loaded plan
holds them; ``default_words`` and ``default_briefing`` derive what a plan file leaves
out from its district, streets unit, office unit and actions. Nothing here names a
place: every default is made from the plan's own header.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from models.authority import PUBLIC, module_rule

__authority__ = module_rule(PUBLIC, why="the words a plan prints and their defaults; no unit's data")


class Words(NamedTuple):
    """How the plan names things in printed text ([plan.words]); defaults in plan_parse."""

    level: str  # 区 | 县 | 市 | 旗: “全区”“区直”
    street_word: str  # 街道 | 乡镇 | 街镇
    assigned_by: str  # 省 | 市: who assigns pending targets by default
    actions_word: str  # "十大行动", or how the plan counts its actions
    appendix_name: str  # 附表 | 附件 | "" (the plan has no appendix: indicators from 主要目标)
    district_target_label: str  # 区拟定目标值
    city_target_label: str  # 市规划目标

    @property
    def whole(self) -> str:
        """“全区” / “全县”."""
        return f"全{self.level}"

    @property
    def indicators_source(self) -> str:
        """Where the plan lists its indicators, as printed text: “附表” / “附件”, or
        “方案主要目标所列” for a plan without an appendix."""
        return self.appendix_name or "方案主要目标所列"

    @property
    def direct(self) -> str:
        """“区直” / “县直”."""
        return f"{self.level}直"


class Briefing(NamedTuple):
    """The briefing's masthead and distribution lines ([plan.briefing], with defaults)."""

    title: str
    issuer: str
    report_to: str
    send_to: str
    distribute_to: str


CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (numbers up to 99)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


_STREET_WORD = re.compile(r"各?(.{1,6}?)(?:人民政府|政府|办事处|党委|党工委)?")


def street_word_of(streets_unit: str) -> str:
    """What the plan calls its streets, from its placeholder unit: 各乡镇 / 各乡镇人民政府 → 乡镇,
    各镇人民政府 → 镇, 各街道办事处 → 街道, 各镇（街道） → 镇（街道）; "" when it names none."""
    s = re.sub(r"\s+", "", streets_unit)
    m = _STREET_WORD.fullmatch(s)
    if not m or not s.startswith("各"):
        return ""
    word = m.group(1)
    return word if re.fullmatch(r"[乡镇街道苏木（）()、和及]{1,8}", word) else ""


def default_words(meta: dict[str, Any], n_actions: int, titles: list[str]) -> Words:
    """The plan's words where [plan.words] does not give them: the level from the last
    character of the district's name, the street word from ``streets_unit``."""
    district = str(meta.get("district") or "")
    level = district[-1] if district[-1:] in ("区", "县", "市", "旗") else "区"
    street_word = street_word_of(str(meta.get("streets_unit") or "")) or "街道"
    if titles and all(t.endswith("行动") for t in titles):
        actions_word = f"{cn_number(n_actions)}大行动" if n_actions < 100 else "重点行动"
    else:
        actions_word = "重点任务"
    return Words(level=level, street_word=street_word, assigned_by="省", actions_word=actions_word,
                 appendix_name="附表", district_target_label=f"{level}拟定目标值",
                 city_target_label="市规划目标")


def default_briefing(meta: dict[str, Any], words: Words) -> Briefing:
    """The briefing's lines where [plan.briefing] does not give them."""
    lv = words.level
    streets = str(meta.get("streets_unit") or "")
    distribute = f"{streets}，{lv}直各有关单位" if streets else f"{lv}直各有关单位"
    return Briefing(title=f"{meta.get('district', '')}碳达峰碳中和工作简报",
                    issuer=str(meta.get("office_unit") or ""),
                    report_to=f"{lv}委、{lv}政府主要领导",
                    send_to=f"{lv}碳达峰碳中和工作领导小组成员",
                    distribute_to=distribute)


