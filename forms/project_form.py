"""Project list (项目明细) form: one row per project, monthly figures kept as history."""

from __future__ import annotations

from collections.abc import Mapping

from forms.fields import CHOICE, DATE, MEMO, MONEY, NUMBER, TEXT, Field
from forms.values import ValueProblem, fmt_number, parse_number

PROJECT_TYPES = ("新建", "续建", "竣工", "前期")

FIELDS: tuple[Field, ...] = (
    Field("name", "项目名称", TEXT, required=True, max_len=200, width=24,
          help="项目的正式名称。"),
    Field("content", "建设内容", MEMO, max_len=2000, width=30,
          help="主要建设内容和规模。"),
    Field("ptype", "项目类型", CHOICE, choices=PROJECT_TYPES, required=True, width=8,
          help="新建、续建、竣工（投产）或前期。"),
    Field("total_invest", "总投资", MONEY, unit="万元", minimum=0, width=12,
          help="项目总投资，单位万元。"),
    Field("year_plan_invest", "年度计划投资", MONEY, unit="万元", minimum=0, width=12,
          help="本年度计划完成投资，单位万元。"),
    Field("cum_invest", "累计完成投资", MONEY, unit="万元", minimum=0, width=12,
          help="本年1月至本月累计完成投资，单位万元。"),
    Field("plan_start", "计划开工", DATE, width=12, help="计划开工日期。"),
    Field("actual_start", "实际开工", DATE, width=12, help="实际开工日期，未开工不填。"),
    Field("plan_end", "计划竣工", DATE, width=12, help="计划竣工日期。"),
    Field("progress", "形象进度", MEMO, max_len=1000, width=24,
          help="本月末项目的形象进度。"),
    Field("reduction", "预计年减排量", NUMBER, unit="吨CO₂", minimum=0, width=12,
          help="项目建成后预计每年减少二氧化碳排放，单位吨；可不填。"),
)

# Fields stored on the project itself; the others are monthly figures.
STATIC_KEYS = ("name", "content", "total_invest", "plan_start", "plan_end", "reduction")
MONTHLY_KEYS = ("ptype", "year_plan_invest", "cum_invest", "actual_start", "progress")


def over_plan(values: Mapping[str, object]) -> str:
    """A warning when the year's 累计完成投资 exceeds the 年度计划投资 (often the project's
    whole cumulative investment typed for the year's), or "" when it does not."""
    try:
        plan = parse_number(values.get("year_plan_invest")).value
        cum = parse_number(values.get("cum_invest")).value
    except ValueProblem:
        return ""  # the fields' own checks say what is wrong
    if not plan or cum is None or cum <= plan:
        return ""
    return (f"累计完成投资{fmt_number(cum)}万元超过年度计划投资{fmt_number(plan)}万元（占{cum / plan * 100:.1f}%）。"
            "累计完成投资只计本年1月至本月，请核实；确实超额完成时可以保存。")
