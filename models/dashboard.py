"""The office's dispatch board (调度看板): traffic lights, overdue items, indicator paths.

Rules (documented in README, 领导小组办公室):

- indicator parts and milestones: the target engine's current verdict for the month
  (``Judge.current``);
- a task's light, from the latest report of each of its units up to the month and the
  verdicts of its milestones: red when any unit reports 滞后, a unit's 完成时限 has
  passed without 已完成, or a milestone is red; yellow when a milestone is yellow;
  green when it has reports and none of that applies; grey with no report at all;
- an action's light is the worst light of its tasks (red > yellow > green), grey when
  none of its tasks has a report;
- overdue milestones: a binding milestone target whose year has ended before the month
  and that the lead unit's figure at that year's end does not meet (or no figure);
- overdue tasks: the latest 完成时限 of a unit's task lies before the first day after
  the month and the latest 完成状态 is not 已完成.

All of it comes from a few set-based queries plus the target engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from models.app import Actor, App, month_add
from models.authority import OFFICE, PUBLIC, rule

if TYPE_CHECKING:
    from models.month_view import MonthView

SEVERITY = {"red": 0, "yellow": 1, "green": 2, "grey": 3}
# Grey: nothing to judge yet (no data, a pending target, monitor only); the message says which.
LIGHT_NAMES = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "grey": "灰灯", "invalid": "数据无效"}


@rule(PUBLIC)
@dataclass
class TaskLight:
    code: str
    title: str
    status: str
    reasons: list[str] = field(default_factory=list)
    unit_status: dict[str, str] = field(default_factory=dict)


@rule(PUBLIC)
@dataclass
class ActionLight:
    no: int
    title: str
    status: str
    tasks: list[TaskLight]
    counts: dict[str, int]
    code: str = ""  # the plan's code of the action
    heading: str = ""  # numbering and title as printed


@rule(PUBLIC)
@dataclass
class Dashboard:
    month: str
    verdicts: list[dict[str, Any]]  # Judge.current rows
    actions: list[ActionLight]
    counts: dict[str, int]  # verdicts by status
    overdue_milestones: list[dict[str, Any]]
    overdue_tasks: list[dict[str, Any]]
    series: list[Series] = field(default_factory=list)  # the indicator charts
    basis: str = "approved"  # lights from approved figures only, or from "all" figures
    unreviewed: int = 0  # the month's task reports and newer figures not approved (not in the lights)

    @property
    def legend(self) -> str:
        from models.month_view import legend
        return legend(self.basis)

    def verdict(self, code: str) -> dict[str, Any] | None:
        return next((v for v in self.verdicts if v.get("code") == code), None)


def _worst(statuses: list[str]) -> str:
    known = [s for s in statuses if s in ("red", "yellow", "green")]
    if not known:
        return "grey"
    return min(known, key=lambda s: SEVERITY[s])


@rule(OFFICE, what="查看调度看板")
def dashboard(app: App, actor: Actor, month: str, judge: Any = None, basis: str = "approved") -> Dashboard:
    """The board of ``month`` (its view read once; ``judge`` is not needed any more);
    ``basis``: lights from approved figures only (default) or from ``"all"`` figures."""
    from models.month_read import month_view
    return dashboard_of(month_view(app, actor, month, basis=basis))


@rule(PUBLIC, why="works on month views already read under month_view's rule")
def dashboard_of(view: MonthView) -> Dashboard:
    """The board of a month view."""
    month = view.month
    verdicts = [dict(v) for v in view.verdicts]
    by_code = {v["code"]: v for v in verdicts}
    counts: dict[str, int] = {}
    for v in verdicts:
        counts[v["status"]] = counts.get(v["status"], 0) + 1
    next_first = month_add(month, 1) + "-01"
    reports: dict[str, list[Any]] = {}
    active_units = set(view.units)
    for r in view.judged_tasks:
        if r.unit in active_units:
            reports.setdefault(r.task_code, []).append(r)
    overdue_tasks = []
    actions = []
    plan = view.plan
    for a in plan.actions:
        tls = []
        for t in plan.reported(a):
            reasons: list[str] = []
            st: list[str] = []
            reps = reports.get(t.code, [])
            unit_status = {r.unit: r.status for r in reps}
            for r in reps:
                if r.status == "滞后":
                    st.append("red")
                    reasons.append(f"{r.unit}报告滞后")
                if r.status != "已完成" and r.deadline and r.deadline < next_first:
                    st.append("red")
                    reasons.append(f"{r.unit}超过完成时限{r.deadline}")
                    overdue_tasks.append({"task": t.code, "title": t.title, "unit": r.unit,
                                          "deadline": r.deadline, "status": r.status,
                                          "month": r.month})
            for m in plan.milestones_of(t.code):
                mv = by_code.get(m.code)
                if mv and mv["status"] in ("red", "yellow"):
                    st.append(mv["status"])
                    reasons.append(f"{m.name}{LIGHT_NAMES[mv['status']]}")
            if reps and not st:
                st.append("green")
            tls.append(TaskLight(t.code, t.title, _worst(st), reasons, unit_status))
        c: dict[str, int] = {}
        for tl in tls:
            c[tl.status] = c.get(tl.status, 0) + 1
        actions.append(ActionLight(a.no, a.title, _worst([tl.status for tl in tls]), tls, c, a.code, a.heading))
    unreviewed = [r for r in view.latest_tasks if r.unit in active_units and r.state != "approved"
                  and r.month == month]
    return Dashboard(month, verdicts, actions, counts, overdue_milestones_of(view), overdue_tasks,
                     series_of(view), view.basis, len(unreviewed) + sum(1 for v in verdicts if v.get("unreviewed")))


@rule(OFFICE, what="查看调度看板")
def overdue_milestones(app: App, actor: Actor, month: str, judge: Any = None) -> list[dict[str, Any]]:
    from models.month_read import month_view
    return overdue_milestones_of(month_view(app, actor, month))


@rule(PUBLIC, why="works on month views already read under month_view's rule")
def overdue_milestones_of(view: MonthView) -> list[dict[str, Any]]:
    """Binding milestone targets of years before the view's year that the lead unit's
    figure at that year's end does not meet (or with no figure)."""
    j = view.judge
    year = int(view.month[:4])
    plan = view.plan
    series: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for f in view.milestone_values:
        if view.judged(f.state):
            series.setdefault((f.code, f.unit), []).append((f.period, f.value))
    out = []
    for m in plan.milestones:
        unit = view.lead_of(m.task)
        pts = series.get((m.code, unit), [])
        for t in m.part.targets:
            if t.kind != "binding" or t.year >= year:
                continue
            end = f"{t.year}-12"
            vals = [v for mo, v in pts if mo <= end]
            value = vals[-1] if vals else None
            status = "grey"
            message = f"{t.year}年末没有填报数值"
            if value is not None:
                verdict = j.verdict(m.code, str(t.year), value)
                status, message = _vget(verdict, "status"), _vget(verdict, "message")
                if status == "green":
                    continue
            out.append({"code": m.code, "name": m.name, "task": m.task, "unit": unit, "year": t.year,
                        "value": value, "status": status, "message": message})
    return out


def _vget(v: Any, key: str) -> Any:
    return v.get(key) if isinstance(v, dict) else getattr(v, key, None)


# -- indicator paths (for the charts) ------------------------------------------------


@rule(PUBLIC)
@dataclass
class Series:
    code: str
    name: str
    unit: str
    values: list[tuple[float, float]]  # (time in years, value)
    path: list[tuple[float, float]]  # baseline and target levels (binding)
    stretch: list[tuple[float, float]]
    qualitative: bool
    status: str
    direction: str
    note: str = ""  # why there is no target path: 仅监测 / 目标待定
    unreviewed: list[tuple[float, float]] = field(default_factory=list)  # values not approved (not judged)


def _t(period: str) -> float:
    """'2026' → 2026.0 (end of 2026); '2026-10' → 2025 + 10/12."""
    if len(period) >= 7:
        return int(period[:4]) - 1 + int(period[5:7]) / 12
    return float(int(period[:4]))


@rule(OFFICE, what="查看调度看板")
def indicator_series(app: App, actor: Actor, verdicts: list[dict[str, Any]] | None = None,
                     until: str | None = None, basis: str = "approved") -> list[Series]:
    """Every indicator part's values up to the month ``until`` (default: the last month
    with figures) and target path; the colours of ``verdicts`` when given."""
    from models.month_read import month_view
    month = until or str(app.store.scalar(
        "SELECT MAX(CASE WHEN length(period) = 4 THEN period || '-12' ELSE period END) FROM indicator_values")
        or app.plan.first_month)
    return series_of(month_view(app, actor, month, basis=basis), verdicts)


@rule(PUBLIC, why="works on month views already read under month_view's rule")
def series_of(view: MonthView, verdicts: list[dict[str, Any]] | None = None) -> list[Series]:
    """Every indicator part's values up to the view's month and its target path (baseline,
    then each numeric target up to the plan's last year)."""
    base = {b.code: b for b in view.baselines}
    vals: dict[str, list[tuple[float, float]]] = {}
    others: dict[str, list[tuple[float, float]]] = {}
    for f in view.indicator_values:
        (vals if view.judged(f.state) else others).setdefault(f.code, []).append((_t(f.period), f.value))
    pending = view.setting("pending_targets") or {}
    rows = verdicts if verdicts is not None else view.verdicts
    status = {v["code"]: v["status"] for v in rows}
    plan = view.plan
    last_year = int(plan.meta.get("last_year", 2030))
    out = []
    for part in plan.parts:
        b = base.get(part.code)
        path: list[tuple[float, float]] = []
        stretch: list[tuple[float, float]] = []
        if b:
            path.append((float(b.year), float(b.value)))
        for t in sorted(part.targets, key=lambda t: t.year):
            level = t.value
            if level is None and part.code in pending:
                level = float(pending[part.code].get("value"))
            if level is None or t.op == "yes" or t.year > last_year:
                continue
            if t.basis == "reduction_vs_baseline":
                if not b:
                    continue
                level = float(b.value) * (1 - level / 100)
            (stretch if t.kind == "stretch" else path).append((float(t.year), float(level)))
        note = "仅监测" if part.monitor else ("目标待定" if part.pending and not path else "")
        out.append(Series(part.code, part.entry_name, part.entry_unit, vals.get(part.code, []), path, stretch,
                          part.qualitative, status.get(part.code, "grey"), part.direction, note,
                          others.get(part.code, [])))
    return out
