"""Direction-only targets: 进一步下降 / 持续提高, judged against the previous year.

A plan often says only which way a figure must move ("单位生产总值二氧化碳排放进一步
下降"). Such a target (``op = "decrease"`` or ``"increase"``) is met when the value
moved that way since the same period a year earlier: moved the right way → green;
unchanged → yellow (持平, not a further move); moved the wrong way → red (yellow for a
stretch-only target). Without the previous year's value it cannot be judged (grey,
saying which value is missing). Used by ``models/targets.judge``.
"""

from __future__ import annotations

from models.authority import PUBLIC, module_rule
from models.periods import parse_period, period_label
from models.plan import Part, Target
from models.target_levels import EXACT_DECIMALS
from models.target_rules import Previous, Verdict
from models.target_words import amount_text, gap_text
from forms.values import ValueProblem

__authority__ = module_rule(PUBLIC, why="judges a value against the previous year's; no database")


def judge_direction(part: Part, t: Target, v: float | None, previous: Previous | None, subject: str,
                    stretch_only: bool) -> Verdict:
    unit = part.entry_unit
    want = "下降" if t.op == "decrease" else "提高"
    # A part entered as its reduction rate (比基期下降X%): the intensity falls when the rate rises.
    down = (t.op == "decrease") != part.as_rate
    moved, wrong = ("下降", "上升") if down else ("提高", "下降")
    rate_note = f"（下降率{'提高' if not down else '降低'}即{part.name}进一步{want}）" if part.as_rate else ""
    goal = f"{t.year}年前{'力争' if stretch_only else ''}逐年{want}"
    if previous is None:
        shown = f"{amount_text(v, unit)}，" if v is not None else ""
        return Verdict("grey", None, f"{subject}{shown}暂不能判断：目标是较上年进一步{want}（{goal}），"
                       "缺少上年同期的数值，请录入", value=v, target=t)
    prev_when = _when(previous.period)
    if v is None:
        return Verdict("grey", previous.value, f"{subject}尚未填报（须较{prev_when}的"
                       f"{amount_text(previous.value, unit)}进一步{want}）", target=t)
    d = round(v - previous.value, EXACT_DECIMALS)
    shown = f"{subject}{amount_text(v, unit)}"
    if (d < 0) if down else (d > 0):
        return Verdict("green", previous.value, f"{shown}，较{prev_when}的{amount_text(previous.value, unit)}"
                       f"{moved}{gap_text(d, unit)}{rate_note}，符合进一步{want}的要求", value=v, target=t,
                       stretch_met=True if stretch_only else None)
    if d == 0:
        return Verdict("yellow", previous.value, f"{shown}，与{prev_when}持平，未能进一步{want}（{goal}）",
                       value=v, target=t, stretch_met=False if stretch_only else None)
    msg = (f"{shown}，较{prev_when}的{amount_text(previous.value, unit)}{wrong}{gap_text(d, unit)}，"
           f"未实现进一步{want}{rate_note}")
    if stretch_only:
        return Verdict("yellow", previous.value, msg + "；力争性目标，未达到不计为滞后", value=v, target=t,
                       stretch_met=False)
    return Verdict("red", previous.value, msg, value=v, target=t)


def _when(period: str) -> str:
    try:
        y, m = parse_period(period)
    except ValueProblem:
        return "上年"
    return f"上年同期（{period_label(y, m)}）" if m is not None else f"上年（{y}年）"


def previous_period(period: str) -> str:
    """The same period a year earlier: "2025" → "2024", "2025-10" → "2024-10"."""
    y, m = parse_period(period)
    return f"{y - 1:04d}" if m is None else f"{y - 1:04d}-{m:02d}"
