"""The words of target statements: units, operators, periods, qualitative phrases.

Kept apart from ``wording`` (the parser) so that adding a unit or a phrase seen in
another county's plan is a one-line change here.
"""

from __future__ import annotations

import re

# Units, longest first so that 万千瓦 wins over 千瓦.
UNITS = sorted([
    "吨标准煤/万元", "吨标煤/万元", "千克标准煤/万元", "吨二氧化碳/万元", "吨CO2/万元", "吨/万元",
    "万吨标准煤", "万吨标煤", "吨标准煤", "万吨二氧化碳", "万吨", "亿吨", "吨",
    "亿千瓦时", "万千瓦时", "千瓦时", "亿千瓦", "万千瓦", "千瓦", "兆瓦", "吉瓦", "MW", "GW", "kW",
    "万平方米", "平方米", "平方公里", "万亩", "亩", "公顷", "亿立方米", "万立方米", "立方米",
    "微克/立方米", "毫克/立方米", "公里", "千米", "万辆", "辆", "个百分点", "%", "‰", "万元", "亿元", "万人",
    "个", "座", "家", "处", "项", "台", "套", "条", "所", "户", "根", "艘", "栋", "批",
], key=len, reverse=True)
COUNT_UNITS = {"个", "座", "家", "处", "项", "台", "套", "条", "所", "户", "根", "艘", "栋", "辆", "万辆", "批"}
QUALITATIVE = ["全面执行", "实现全覆盖", "全覆盖", "基本建成", "全面建成", "基本形成", "全面形成", "初步建立",
               "基本健全", "全面推行", "全面实现", "基本实现", "全面落实", "达到国内先进水平",
               "达到国际先进水平", "达到国内领先水平", "保持全市前列", "保持全省前列", "继续保持全市前列"]
STRETCH_WORDS = ("力争", "争取")
PERIODS = {"十四五": (2025, "2021-01", 2020), "十五五": (2030, "2026-01", 2025),
           "十六五": (2035, "2031-01", 2030), "十三五": (2020, "2016-01", 2015)}
ASSIGNERS = {"国家": "省", "省": "省", "省级": "省", "市": "市", "市级": "市", "市里": "市"}

CN_NUM = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# Same-length character map: full-width digits and signs, dash variants.
SAME_LEN = str.maketrans("０１２３４５６７８９．％～－—–―", "0123456789.%~----")
NUM = r"\d+(?:\.\d+)?"
UNIT_RE = "|".join(re.escape(u) for u in UNITS)
RANGE = re.compile(rf"({NUM})\s*(%|{UNIT_RE})?\s*(?:-+|~|至|到)\s*({NUM})\s*({UNIT_RE})")
SINGLE = re.compile(rf"({NUM})\s*({UNIT_RE})")
CN_COUNT = re.compile(r"(?<=[建设创建成打造培育])([一两二三四五六七八九十])(个|座|家|处)")
YEAR = re.compile(r"(?:到|至|截至|截止到?|在)?(\d{4})年(?:底|末|年底)?(?:前)?")
PERIOD = re.compile(r"[“\"]?(十[三四五六]五)[”\"]?(?:期间|时期|末)?")
SINCE = re.compile(r"(?:比|较)(\d{4})年")
YEAR_AT_END = re.compile(r"(?:(?:到|至|截至)?\d{4}年(?:底|末)?(?:前)?|[“\"]?十[三四五六]五[”\"]?(?:期间|时期)?)[，,]?$")
# 完成市下达目标 / 完成岳阳市下达的目标任务 / 完成湖南省下达指标 / 完成省定目标任务
# and a ceiling: 煤炭消费量控制在省下达目标以内 / 不超过市下达的指标
PENDING = re.compile(r"(?:完成|(控制在|不超过|不高于))(?:[\u4e00-\u9fa5]{2,4}?(?=[省市][下确定分]))?"
                     r"(国家|省级|省|市级|市里|市)(?:级)?(?:下达|确定|分解|定)(?:的)?(?:指标|目标|任务)")
DIRECTION = re.compile(r"(进一步|持续|稳步|逐步|逐年)(下降|降低|减少|提高|提升|增加|增长)")
OP_BEFORE = [  # (word right before the number, op, flags)
    ("不低于", ">=", ""), ("不少于", ">=", ""), ("不小于", ">=", ""), ("至少", ">=", ""), ("超过", ">=", ""),
    ("高于", ">=", ""), ("不高于", "<=", ""), ("不超过", "<=", ""), ("不大于", "<=", ""), ("低于", "<=", ""),
    ("控制在", "<=", ""), ("下降至", "<=", ""), ("下降到", "<=", ""), ("降低至", "<=", ""), ("降低到", "<=", ""),
    ("降至", "<=", ""), ("稳定在", ">=", "stable"), ("保持在", ">=", "stable"), ("维持在", ">=", "stable"),
    ("稳定保持在", ">=", "stable"), ("下降", "<=", "reduction"), ("降低", "<=", "reduction"),
    ("减少", "<=", "reduction"), ("新增", ">=", "increment"), ("累计", ">=", "cumulative"),
    ("提高", ">=", "rise"), ("提升", ">=", "rise"), ("增长", ">=", "rise"), ("增加", ">=", "rise"),
]
VERB_BEFORE = re.compile(r"(建设|创建|建成|打造|培育|新增|完成|达到|达|不低于|不少于|累计|力争|争取|申报|提升至|提高到|超过)")
OP_WORDS = ("达到", "到达", "达", "提升至", "提升到", "提高至", "提高到", "提高", "提升", "增加至", "增加到",
             "增至", "增长至", "为", "约", "完成", "建设", "建成", "创建", "打造", "培育", "落实", "实现",
             "总量", "分别为", "分别达到", "分别达", "分别", "以上", "保持", "稳定")


def cn_numeral(text: str) -> int | None:
    """一 … 九十九 → int (heading numbers such as 十二); None if not a numeral."""
    if not text or any(c not in CN_NUM for c in text):
        return None
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CN_NUM[tens] if tens else 1) * 10 + (CN_NUM[ones] if ones else 0)
    return CN_NUM[text] if len(text) == 1 else None
