"""The target engine's verdicts of a month view (``models.month_view``): the judge over
the settings and baselines stored in the view, and the verdict rows on the view's
basis (approved figures only, or every figure), each saying the state of the figure
judged and naming a newer figure left unjudged because it is not approved.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from models.authority import PUBLIC, rule
from models.checking import Judge
from models.plan import Plan
from models.target_rules import STATUS_NAMES, Baseline
from models.target_words import value_text
from forms.values import fmt_number

if TYPE_CHECKING:
    from models.month_view import MonthView


@rule(PUBLIC, why="works on month views already read under month_view's rule")
def judge_of_view(view: MonthView) -> Judge:
    """A judge over the settings and baselines stored in a month view (``MonthView.judge``;
    the views of a range share one)."""
    return _shared_judge(view.plan, view.settings, view.baselines, view.streets)


@lru_cache(maxsize=8)
def _shared_judge(plan: Plan, settings: str, baselines: tuple[Any, ...], streets: tuple[str, ...]) -> Judge:
    leads: dict[str, str] = {}
    values = json.loads(settings)
    assigned = plan.assignments(values.get("unit_assignments"))  # 未分工: the office's units
    for t in plan.tasks:
        units = [x for u in (t.units or tuple(assigned.get(t.code, ())))
                 for x in (streets if u == plan.streets_unit else (u,))]
        leads[t.code] = units[0] if units else ""
    return Judge.detached(plan, values, {b.code: Baseline(b.year, b.value) for b in baselines},
                          leads)


@rule(PUBLIC)
class Unreviewed(NamedTuple):
    """A figure newer than the one judged, left unjudged because it is not approved."""

    period: str
    value: float
    value_text: str
    state: str  # submitted | returned | draft


_MARK = {"submitted": "待审", "returned": "退回", "draft": "草稿"}


@rule(PUBLIC, why="works on month views already read under month_view's rule")
def verdicts_of_view(view: MonthView, basis: str = "approved") -> list[dict[str, Any]]:
    """``Judge.current`` of the view's month over the view's figures: on ``basis``
    "approved" only approved figures are judged (a newer figure that is not approved is
    named in the row's ``unreviewed`` and in its message); on "all" the latest figures.
    Every row gets the ``state`` of the figure judged ('' when none)."""
    only_approved = basis == "approved"
    ind_rows: dict[str, list[tuple[str, float]]] = {}
    ind_state: dict[tuple[str, str], str] = {}
    ind_latest: dict[str, Any] = {}
    for f in view.indicator_values:
        ind_latest[f.code] = f
        ind_state[(f.code, f.period)] = f.state
        if not only_approved or f.state == "approved":
            ind_rows.setdefault(f.code, []).append((f.period, f.value))
    ms_rows: dict[tuple[str, str], tuple[str, float]] = {}
    ms_state: dict[tuple[str, str], str] = {}
    ms_latest: dict[str, Any] = {}
    for f in view.milestone_values:
        ms_latest[f.code] = f
        ms_state[(f.code, f.period)] = f.state
        if not only_approved or f.state == "approved":
            ms_rows[(f.code, f.unit)] = (f.period, f.value)
    rows = view.judge.current_from(view.month, ind_rows, ms_rows)
    for row in rows:
        code, period = row["code"], row["period"]
        states = ind_state if row["kind"] == "indicator" else ms_state
        latest = (ind_latest if row["kind"] == "indicator" else ms_latest).get(code)
        row["state"] = states.get((code, period), "") if period else ""
        row["unreviewed"] = None
        if latest is None or latest.state == "approved" or latest.period == period:
            continue
        part = view.plan.parts_by_code.get(code)
        vt = value_text(part, latest.value) if part is not None else fmt_number(latest.value)
        if part is not None and part.qualitative:
            vt = f"“{vt}”"  # 另有2026年11月数值“是”（草稿）, not 数值是（草稿）
        extra = Unreviewed(latest.period, latest.value, vt, latest.state)
        row["unreviewed"] = extra
        when = _period_cn(latest.period)
        mark = _MARK.get(latest.state, "草稿")
        if row["value"] is None:
            row["status"], row["status_name"] = "grey", STATUS_NAMES["grey"]
            row["message"] = f"{when}数值{vt}（{mark}）尚未审核通过，暂不判断。"
        else:
            row["message"] = (row["message"] or "").rstrip("。") + \
                f"。另有{when}数值{vt}（{mark}）尚未审核通过，未计入判断。"
    return rows


def _period_cn(period: str) -> str:
    return f"{int(period[:4])}年{int(period[5:7])}月" if len(period) >= 7 else f"{int(period[:4])}年"
