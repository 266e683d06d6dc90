"""Targets and values in words: what clerks and the leadership read.

``describe_target`` states a target in plain Chinese (“2030年≥20%”), ``value_text``
shows a stored value (是/否 or number and unit), ``round_expected`` rounds an expected
value for people, and the small helpers below build the pieces of the judge's
sentences (an amount, a gap in 个百分点, a completion percentage, the subject).
"""

from __future__ import annotations

import math

from models.authority import PUBLIC, rule
from models.plan import Part, Target
from forms.values import fmt_number

# Units that count things: milestones in these units start from 0 at the plan's first
# month when no baseline is entered.
COUNT_UNITS = ("个", "家", "座", "处", "项", "辆", "台", "套", "户", "条", "所", "栋")


@rule(PUBLIC)
def describe_target(part: Part, t: Target) -> str:
    """A target in plain Chinese, e.g. “2030年≥20%”、“2025年比2020年下降13.5%”、
    “2021年1月至2025年累计≥40万平方米”、“2030年60%—65%”、“2025年较上年进一步下降”."""
    unit = t.unit or part.unit
    if t.op == "yes":
        return f"{t.year}年{t.label or '完成'}"
    if t.op in ("decrease", "increase"):
        text = f"{t.year}年前逐年{'下降' if t.op == 'decrease' else '提高'}（较上年进一步{'下降' if t.op == 'decrease' else '提高'}）"
        return "力争" + text if t.kind == "stretch" else text
    if t.value is None:
        return f"{t.year}年确保完成{t.assigned_by or part.assigned_by or '上级'}下达指标"
    v = f"{fmt_number(t.value)}{unit}"
    bound = {">=": "≥", "<=": "≤"}.get(t.op, "")
    if t.basis == "reduction_vs_baseline":
        text = f"{t.year}年比{t.baseline_year}年下降{v}" + ("左右" if t.op == "approx" else "")
    elif t.basis == "increment":
        text = f"{t.year}年比{t.baseline_year}年新增{bound}{v}" + ("左右" if t.op == "approx" else "")
    elif t.basis == "cumulative":
        text = f"{since_text(t.since)}至{t.year}年累计{bound}{v}" + ("左右" if t.op == "approx" else "")
    elif t.op == "range":
        text = f"{t.year}年{fmt_number(t.value)}{unit}—{fmt_number(t.value_high or t.value)}{unit}"
    elif t.op == "approx":
        text = f"{t.year}年{v}左右"
    elif t.stable:
        text = f"到{t.year}年稳定在{v}以{'上' if t.op == '>=' else '下'}"
    else:
        text = f"{t.year}年{bound}{v}"
    if t.kind == "stretch":
        text = "力争" + text
    return text


@rule(PUBLIC)
def since_text(since: str) -> str:
    """"2021-01" → "2021年1月"."""
    if len(since) == 7 and since[4] == "-" and since[:4].isdigit() and since[5:].isdigit():
        return f"{since[:4]}年{int(since[5:])}月"
    return since


@rule(PUBLIC)
def value_text(part: Part, value: float | None) -> str:
    """A stored value as people read it: 是/否 for yes/no targets, else number and unit
    (a reduction rate as “下降7.5%”)."""
    if value is None:
        return ""
    if part.qualitative:
        return "是" if value >= 1 else "否"
    if part.as_rate:
        return f"下降{fmt_number(value)}%"
    return f"{fmt_number(value)}{part.unit}"


@rule(PUBLIC)
def round_expected(x: float, unit: str = "") -> float:
    """Expected values shown to people: 2 decimals; 4 for small intensities below 1
    (e.g. 0.4523 吨/万元); counts (个) are whole and rounded up, since 1392.86 charging
    piles on schedule means 1393 built."""
    if unit in COUNT_UNITS:
        return float(math.ceil(round(x, 6))) + 0.0
    small = abs(x) < 1 and unit != "%"
    r = round(x, 4) if small else round(x, 2)
    return r + 0.0  # no "-0.0"


@rule(PUBLIC)
def amount_text(v: float, unit: str) -> str:
    """A number with its unit: "17.5%"."""
    return f"{fmt_number(v)}{unit}"


@rule(PUBLIC)
def gap_text(d: float, unit: str) -> str:
    """A difference: 个百分点 for % units, the unit otherwise."""
    d = round_expected(abs(d), unit)
    if unit == "%":
        return f"{fmt_number(d)}个百分点"
    return f"{fmt_number(d)}{unit}"


@rule(PUBLIC)
def percent_text(c: float) -> str:
    """A completion percentage, one decimal: "93.3%"."""
    return f"{fmt_number(round(c, 1))}%"


@rule(PUBLIC)
def subject_text(part: Part, when: str, target: Target | None = None) -> str:
    """The subject of a verdict's sentence: "2026年10月新能源汽车充电桩累计",
    "2023年单位地区生产总值能源消耗比2020年下降" (a part entered as its reduction rate),
    "2024年既有建筑节能改造面积累计" (a cumulative target)."""
    if part.as_rate:
        by = next((t.baseline_year for t in part.targets if t.basis == "reduction_vs_baseline"), None)
        return f"{when}{part.name}比{by}年下降" if by else f"{when}{part.entry_name}"
    cumulative = "累计" if (part.is_milestone and part.unit in COUNT_UNITS) or \
        (target is not None and target.basis == "cumulative") else ""
    return f"{when}{part.name}{cumulative}"
