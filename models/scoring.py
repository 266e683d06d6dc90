"""The assessment's scores (考核计分) computed from month views: the rules of
``models.assessment`` (documented there and in README, 考核评价) as a pure function.

``score_views(views)`` takes one view per month of the period (``models.month_read``):
the reporting status of each month, the latest 完成状态 of every task and unit (the last
view's), the verdicts of the last month and the weights and 通报 threshold of the
settings the views were read with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from models.app import month_add
from models.authority import PUBLIC, rule

if TYPE_CHECKING:
    from models.month_view import MonthView

COMPONENTS = ("timeliness", "completeness", "approval", "task_status", "indicators")
COMPONENT_NAMES = {"timeliness": "及时性", "completeness": "完整性", "approval": "审核通过",
                   "task_status": "任务进度", "indicators": "指标达标"}
TASK_STATUS_SCORE = {"已完成": 100.0, "推进中": 100.0, "未启动": 60.0, "滞后": 0.0}
VERDICT_SCORE = {"green": 100.0, "yellow": 60.0, "red": 0.0}


@rule(PUBLIC)
@dataclass(frozen=True)
class UnitScore:
    unit: str
    timeliness: float
    completeness: float
    approval: float
    task_status: float
    indicators: float
    total: float
    rank: int
    flagged: bool
    notes: str
    applicable: tuple[str, ...] = COMPONENTS  # components that entered the total

    def applies(self, component: str) -> bool:
        return component in self.applicable


@rule(PUBLIC)
def weights_of(settings: Mapping[str, Any]) -> dict[str, float]:
    raw = settings.get("assessment_weights") or {}
    out = {}
    for k in COMPONENTS:
        try:
            out[k] = max(0.0, float(raw.get(k, 0)))
        except (TypeError, ValueError, AttributeError):
            out[k] = 0.0
    return out


@rule(PUBLIC)
def flag_below_of(settings: Mapping[str, Any]) -> float:
    try:
        return float(settings.get("assessment_flag_below") or 0)
    except (TypeError, ValueError):
        return 0.0


@rule(PUBLIC, why="works on month views already read under month_view's rule")
def score_views(views: Sequence[MonthView]) -> list[UnitScore]:
    """Scores of every unit with something to report over the views' months, by rank."""
    if not views:
        return []
    views = sorted(views, key=lambda v: v.month)
    last = views[-1]
    lo = views[0].month
    per_unit: dict[str, list[Any]] = {}
    for v in views:
        for r in v.reports:
            per_unit.setdefault(r.unit, []).append(r)
    # the latest 完成状态 of each task and unit within the period
    latest = {(r.unit, r.task_code): r for r in last.latest_tasks if r.month >= lo}
    period_end = month_add(last.month, 1) + "-01"  # deadlines before this have passed
    verdicts = last.all_verdicts  # the assessment scores what units reported, approved or not
    settings = last.settings_dict
    w = weights_of(settings)
    flag_below = flag_below_of(settings)
    plan = last.plan
    tasks_of: dict[str, list[str]] = {}
    for t in plan.tasks:
        for u in last.units_of(t.code):
            tasks_of.setdefault(u, []).append(t.code)

    scores: list[UnitScore] = []
    for unit, reps in per_unit.items():
        if not any(r.expected for r in reps):
            continue
        comp: dict[str, float | None] = {}
        notes: list[str] = []
        counted = [r for r in reps if r.expected and (r.on_time is not None)]
        if counted:
            on_time = sum(r.on_time is True for r in counted)
            comp["timeliness"] = 100.0 * on_time / len(counted)
            exp = sum(r.expected for r in counted)
            comp["completeness"] = 100.0 * sum(r.filled for r in counted) / exp
            appr = [0.0 if not r.submitted else (1.0 if r.returns == 0 else 0.5) for r in counted]
            comp["approval"] = 100.0 * sum(appr) / len(counted)
            notes.append(f"按时报送{on_time}/{len(counted)}个月")
            n_ret = sum(r.returns for r in counted)
            if n_ret:
                notes.append(f"被退回{n_ret}次")
            missing = sum(not r.submitted for r in counted)
            if missing:
                notes.append(f"{missing}个月未报送")
        else:
            comp["timeliness"] = comp["completeness"] = comp["approval"] = None
        task_scores = []
        lagging = overdue = 0
        for code in tasks_of.get(unit, []):
            rep = latest.get((unit, code))
            if rep is None:
                continue
            s = TASK_STATUS_SCORE.get(rep.status, 0.0)
            if rep.status == "滞后":
                lagging += 1
            if rep.status != "已完成" and rep.deadline and rep.deadline < period_end:
                s = 0.0
                overdue += 1
            task_scores.append(s)
        comp["task_status"] = sum(task_scores) / len(task_scores) if task_scores else None
        if lagging:
            notes.append(f"{lagging}项任务滞后")
        if overdue:
            notes.append(f"{overdue}项任务超过完成时限未完成")
        ind_scores = []
        reds = []
        for row in verdicts:
            owner = row.get("responsible_unit")
            if row.get("kind") == "milestone":
                part = plan.parts_by_code.get(str(row.get("code")))
                owner = last.lead_of(part.task) if part is not None else row.get("unit")
            if owner != unit or row.get("status") not in VERDICT_SCORE:
                continue
            ind_scores.append(VERDICT_SCORE[row["status"]])
            if row["status"] == "red":
                reds.append(str(row.get("code")))
        comp["indicators"] = sum(ind_scores) / len(ind_scores) if ind_scores else None
        if reds:
            notes.append("未达序时进度：" + "、".join(reds))
        applicable = tuple(k for k in COMPONENTS if comp.get(k) is not None and w[k] > 0)
        wsum = sum(w[k] for k in applicable)
        total = sum(w[k] * (comp[k] or 0.0) for k in applicable) / wsum if wsum else 0.0
        na = [COMPONENT_NAMES[k] for k in COMPONENTS if comp.get(k) is None]
        if na:
            notes.append("不适用：" + "、".join(na))
        scores.append(UnitScore(
            unit=unit, timeliness=_r(comp["timeliness"]), completeness=_r(comp["completeness"]),
            approval=_r(comp["approval"]), task_status=_r(comp["task_status"]),
            indicators=_r(comp["indicators"]), total=round(total, 1), rank=0,
            flagged=round(total, 1) < flag_below, notes="；".join(notes), applicable=applicable))
    order = {u: i for i, u in enumerate(last.units)}
    scores.sort(key=lambda s: (-s.total, order.get(s.unit, 0)))
    out: list[UnitScore] = []
    prev_total: float | None = None
    rank = 0
    for i, score in enumerate(scores, 1):
        if score.total != prev_total:
            rank = i
            prev_total = score.total
        out.append(replace(score, rank=rank))
    return out


def _r(v: float | None) -> float:
    return round(v, 1) if v is not None else 0.0
