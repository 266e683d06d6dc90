"""Fields of the plan editor: the plan's header, a unit, a task, an indicator and its
parts, a milestone, and one target (docs/plan-format-v2.md). The editor's widgets are
built from these, and every edit is validated with them before it reaches the plan.

Choices are shown in Chinese; ``CODES`` maps each shown choice back to the value the
plan file stores (``不低于`` → ``">="``) and ``LABELS`` the other way.
"""

from __future__ import annotations

from forms.fields import CHOICE, MEMO, NUMBER, TEXT, YESNO, Field

OPS = {">=": "不低于", "<=": "不高于", "approx": "左右", "range": "区间", "yes": "定性（是/否）",
       "decrease": "进一步下降", "increase": "进一步提高"}
# A reduction against a base year (比2020年下降X%以上) is shown and edited as the plan says
# it: the file stores the intensity's side (“<=”), which read “不高于 14” beside a 14 % cut.
REDUCTION_OPS = {"<=": "下降X%以上", ">=": "下降X%以上", "approx": "下降约X%"}
TARGET_KINDS = {"binding": "约束性", "stretch": "力争"}
BASES = {"absolute": "数值", "reduction_vs_baseline": "比基期下降", "cumulative": "累计", "increment": "新增"}
DIRECTIONS = {"higher": "越高越好", "lower": "越低越好", "qualitative": "定性"}
FREQUENCIES = {"year": "按年", "month": "按月"}
ENTERED_AS = {"value": "填报数值", "reduction_rate": "填报下降率（%）"}
ASSIGNERS = {"": "（方案默认）", "省": "省", "市": "市", "国家": "国家", "自治区": "自治区", "州": "州", "盟": "盟",
             "地区": "地区"}
UNIT_KINDS = {"bureau": "部门", "office": "领导小组办公室", "streets": "占位：各街道/乡镇", "street": "具体街道/乡镇"}

# field key → {stored value: shown choice}
LABELS: dict[str, dict[str, str]] = {"op": OPS, "kind": TARGET_KINDS, "basis": BASES, "direction": DIRECTIONS,
                                      "frequency": FREQUENCIES, "entered_as": ENTERED_AS,
                                      "assigned_by": ASSIGNERS, "unit_kind": UNIT_KINDS}
CODES: dict[str, dict[str, str]] = {k: {v: c for c, v in m.items()} for k, m in LABELS.items()}
CODES["op"].update({"下降X%以上": "<=", "下降约X%": "approx"})

YEAR_HELP = "四位年份，1990–2100。"

TARGET_FIELDS = (
    Field("year", "年份", NUMBER, required=True, minimum=1990, maximum=2100, help="目标的期限（年末）。" + YEAR_HELP),
    Field("kind", "约束/力争", CHOICE, choices=tuple(TARGET_KINDS.values()), required=True,
          help="“力争”“争取”为力争目标：未达到最差为黄灯。"),
    Field("op", "比较", CHOICE, choices=tuple(OPS.values()) + ("下降X%以上", "下降约X%"), required=True,
          help="不低于（达到/以上）、不高于（以下/以内）、左右、区间（60%—65%）、定性（全面执行/全覆盖/基本建成）、"
               "只看方向（进一步下降/提高，与上一年比较）；口径为“比基期下降”时选 下降X%以上 或 下降约X%。"),
    Field("value", "目标值", NUMBER, help="目标数值；比基期下降时填下降的百分数X（如 13.5）。定性和只看方向的目标不填。"),
    Field("value_high", "上限", NUMBER, help="区间目标的上限（目标值为下限）。"),
    Field("unit", "单位", TEXT, max_len=30, help="目标值的计量单位，如 %、万千瓦、吨标准煤/万元。"),
    Field("basis", "口径", CHOICE, choices=tuple(BASES.values()), required=True,
          help="数值：绝对值；比基期下降：目标值是比基期年份下降的百分数；累计：起算月份以来的累计数；"
               "新增：比基期年末增加的量。"),
    Field("baseline_year", "基期年", NUMBER, minimum=1990, maximum=2100,
          help="比基期下降、新增的基期年份（如 2020）。" + YEAR_HELP),
    Field("since", "累计起算", TEXT, max_len=7, help="累计目标的起算月份，如 2021-01（“十四五”期间）。"),
    Field("stable", "稳定在", YESNO, help="稳定在/保持在：期限前每一年都须达到。"),
    Field("tolerance", "容差", NUMBER, help="“左右”的容差；不填则用办公室设置的默认值。"),
    Field("label", "定性表述", TEXT, max_len=60, help="定性目标的原文表述，如 全面执行、全覆盖、基本建成。"),
    Field("assigned_by", "下达机关", CHOICE, choices=tuple(ASSIGNERS.values()),
          help="目标值待上级下达时，由谁下达（省/市）。"),
    Field("text", "原文", MEMO, max_len=2000, help="目标的原文表述（逐字）。"),
)

META_FIELDS = (
    Field("id", "方案标识", TEXT, required=True, max_len=100,
          help="数据库按方案标识识别计划：同一方案的新版本保持标识不变。"),
    Field("version", "版本", TEXT, required=True, max_len=40, help="如印发日期 2023-08-17；修订后改为新的版本号。"),
    Field("name", "方案名称", TEXT, required=True, max_len=100),
    Field("district", "区县名称", TEXT, required=True, max_len=40, help="如 某某区、某某县；窗口标题为“<区县名称>碳达峰调度系统”。"),
    Field("city", "所属市", TEXT, max_len=40),
    Field("province", "所属省", TEXT, max_len=40),
    Field("issuer", "印发机关", TEXT, max_len=60),
    Field("adopted", "印发日期", TEXT, max_len=10, help="如 2023-08-17。"),
    Field("first_month", "首个填报月份", TEXT, required=True, max_len=7, help="如 2023-09。"),
    Field("last_year", "最后年份", NUMBER, minimum=1990, maximum=2100, help="调度的最后一年（不填则取最晚的目标年份）。"),
    Field("office_unit", "领导小组办公室", TEXT, required=True, max_len=60),
    Field("office_host", "办公室所在单位", TEXT, max_len=60),
    Field("streets_unit", "街道占位单位", TEXT, max_len=30, help="方案中代表全部街道/乡镇的单位，如 各街道。"),
)

WORD_FIELDS = (
    Field("level", "区/县/市/旗", TEXT, max_len=4, help="印在“全区”“区直”等处的字，如 区、县。"),
    Field("street_word", "街道的叫法", TEXT, max_len=6, help="街道、乡镇或街镇。"),
    Field("assigned_by", "待定目标的下达机关", TEXT, max_len=6, help="省 或 市。"),
    Field("actions_word", "行动的总称", TEXT, max_len=20, help="如 十大行动；方案不这样称呼时留空。"),
    Field("appendix_name", "附表的名称", TEXT, max_len=10, help="附表 或 附件。"),
    Field("district_target_label", "本级目标的列名", TEXT, max_len=20, help="如 区拟定目标值。"),
    Field("city_target_label", "上级目标的列名", TEXT, max_len=20, help="如 市规划目标。"),
)

UNIT_FIELDS = (
    Field("name", "单位名称", TEXT, required=True, max_len=60),
    Field("kind", "类型", CHOICE, choices=tuple(UNIT_KINDS.values()), required=True),
    Field("aliases", "其他写法", TEXT, max_len=400, help="原文中的其他写法（含笔误），以“、”分隔。"),
    Field("note", "备注", TEXT, max_len=400),
)

ITEM_FIELDS = (
    Field("title", "标题", TEXT, required=True, max_len=200),
    Field("lead", "牵头单位", TEXT, max_len=60),
    Field("others", "配合单位", TEXT, max_len=1000, help="以“、”分隔。"),
)

INDICATOR_FIELDS = (
    Field("name", "指标名称", TEXT, required=True, max_len=200),
    Field("responsible_unit", "责任单位", TEXT, max_len=60),
    Field("city_target", "市规划目标", MEMO, max_len=2000),
    Field("district_target", "本级目标", MEMO, max_len=2000),
    Field("explanation", "测算说明", MEMO, max_len=4000),
    Field("status_note", "说明", MEMO, max_len=1000),
)

PART_FIELDS = (
    Field("name", "名称", TEXT, required=True, max_len=200),
    Field("unit", "计量单位", TEXT, max_len=30),
    Field("direction", "方向", CHOICE, choices=tuple(DIRECTIONS.values()), required=True),
    Field("frequency", "填报频率", CHOICE, choices=tuple(FREQUENCIES.values()), required=True),
    Field("pending", "待下达", YESNO, help="目标值待上级下达，由办公室在设置中录入。"),
    Field("monitor", "仅监测", YESNO, help="没有目标，只记录数值。"),
    Field("entered_as", "填报方式", CHOICE, choices=tuple(ENTERED_AS.values()), required=True,
          help="比基期下降的目标：填报强度本身，或填报公布的下降率（%）。"),
    Field("part_of", "其中项所属", TEXT, max_len=20, help="“其中…”：本分项是哪个分项的一部分（编码）。"),
)

MILESTONE_FIELDS = (
    Field("name", "名称", TEXT, required=True, max_len=200),
    Field("unit", "计量单位", TEXT, max_len=30),
    Field("direction", "方向", CHOICE, choices=tuple(DIRECTIONS.values()), required=True),
    Field("quote", "原文", MEMO, max_len=2000),
    Field("note", "说明", MEMO, max_len=1000),
    Field("part_of", "其中项所属", TEXT, max_len=20),
)


def field(fields: tuple[Field, ...], key: str) -> Field:
    """The field called ``key`` of ``fields``."""
    return next(f for f in fields if f.key == key)
