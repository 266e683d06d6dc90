"""What the Excel ledger (台账) shows of month views (``models.month_view``): a line per
task and unit and a line per open project, month by month, in plain Python.

Nothing here reads the database or writes. The judgements (traffic lights of tasks and projects) live here
too, so the ledger, its tests and any other report read the same rules:

- task: 滞后 → red; past its 完成时限 and not 已完成 → red; 未启动 → yellow; not reported → yellow.
- project vs 序时进度 (months elapsed ÷ 12): at most 10 points behind → green; 10–30
  behind → yellow; more than 30 behind → red; 3 months past the planned start without an
  actual start → red (the project-office convention of domain notes §3); a 竣工 project
  → green “已竣工”; a year's cumulative investment above the year's plan → yellow “请核实”.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.app import month_add
from models.authority import PUBLIC, rule
from models.month_view import MonthView, Project, TaskReport

PROJECT_GROUPS = ("新建", "续建", "竣工", "前期")
GROUP_TITLES = {"新建": "新建项目", "续建": "续建项目", "竣工": "竣工（投产）项目", "前期": "前期项目",
                "": "未分类项目"}


@rule(PUBLIC)
@dataclass(frozen=True)
class TaskLine:
    month: str
    task_code: str
    unit: str
    role: str  # lead | cooperate
    report: TaskReport | None  # None: not reported
    colour: str  # red | yellow | green
    warning: str


@rule(PUBLIC)
@dataclass(frozen=True)
class ProjectLine:
    month: str
    project: Project  # static fields + the latest monthly figures up to the month
    share: float | None  # 1–X月累计 ÷ 年度计划, percent
    schedule: float  # 序时进度, percent
    gap: float | None  # share − schedule, percentage points
    colour: str
    judgement: str  # 快于序时进度3.2个百分点 …


@rule(PUBLIC)
def parse_iso(s: Any) -> date | None:
    if not s:
        return None
    try:
        return date.fromisoformat(str(s)[:10])
    except ValueError:
        return None


@rule(PUBLIC)
def month_end(month: str) -> date:
    nxt = month_add(month, 1)
    return date.fromordinal(date(int(nxt[:4]), int(nxt[5:7]), 1).toordinal() - 1)


@rule(PUBLIC, why="works on month views already read under month_view's rule")
def task_lines(views: Iterable[MonthView], unit: str | None = None) -> list[TaskLine]:
    """A line per month, task and unit (lead first), with the unit's report if any."""
    out = []
    layout: list[tuple[str, str, str]] | None = None
    for v in views:
        if layout is None:
            layout = []
            for t in v.plan.tasks:
                for i, u in enumerate(v.units_of(t.code)):
                    if unit is None or u == unit:
                        layout.append((t.code, u, "lead" if i == 0 else "cooperate"))
        reports = {(r.task_code, r.unit): r for r in v.task_reports}
        end = month_end(v.month)
        for code, u, role in layout:
            rep = reports.get((code, u))
            colour, warning = judge_task(rep, end)
            out.append(TaskLine(v.month, code, u, role, rep, colour, warning))
    return out


@rule(PUBLIC)
def judge_task(rep: TaskReport | None, end: date) -> tuple[str, str]:
    if rep is None or not (rep.status or rep.progress):
        return "yellow", "本月未填报"
    status = rep.status
    deadline = parse_iso(rep.deadline)
    if status == "滞后":
        return "red", "任务滞后"
    if deadline and deadline < end and status != "已完成":
        return "red", f"已超过完成时限（{deadline.isoformat()}）"
    if status == "未启动":
        return "yellow", "尚未启动"
    if not status:
        return "yellow", "未填写完成状态"
    return "green", ""


@rule(PUBLIC, why="works on month views already read under month_view's rule")
def project_lines(views: Iterable[MonthView]) -> list[ProjectLine]:
    """A line per month and project open in that month, with its latest figures."""
    out = []
    for v in views:
        end = month_end(v.month)
        schedule = round(int(v.month[5:7]) / 12 * 100, 2)
        for p in v.projects:
            share, gap, colour, text = judge_project(p, schedule, end)
            out.append(ProjectLine(v.month, p, share, schedule, gap, colour, text))
    return out


@rule(PUBLIC)
def judge_project(p: Project, schedule: float, end: date) -> tuple[float | None, float | None, str, str]:
    plan, cum = p.year_plan_invest, p.cum_invest
    share = round(cum / plan * 100, 2) if plan and cum is not None else None
    if p.ptype == "竣工":  # finished: no longer measured against the year's schedule
        return share, None, "green", "已竣工"
    plan_start, actual = parse_iso(p.plan_start), parse_iso(p.actual_start)
    if plan_start and not actual and p.ptype != "前期":
        late = (end.year - plan_start.year) * 12 + end.month - plan_start.month
        if late >= 3:
            return share, None, "red", f"逾期{late}个月未开工"
    if share is None:
        return None, None, "", "无年度计划投资" if not plan else "未填报累计完成投资"
    gap = round(share - schedule, 2)
    if share > 100:  # more than the year's plan: often the project's total typed for the year's
        return share, gap, "yellow", f"累计完成投资超过年度计划投资（占{share:g}%），请核实"
    if gap >= 0:
        text = f"快于序时进度{gap:g}个百分点" if gap > 0 else "与序时进度持平"
    else:
        text = f"慢于序时进度{-gap:g}个百分点"
    colour = "green" if gap >= -10 else ("yellow" if gap >= -30 else "red")
    return share, gap, colour, text


@rule(PUBLIC, why="works on month views already read under month_view's rule")
def task_context(view: MonthView) -> dict[str, dict[str, Any]]:
    """Per task: action label, title, lead, cooperating units, milestone requirements."""
    from models.target_words import describe_target
    plan = view.plan
    out = {}
    for a in plan.actions:
        for t in plan.reported(a):
            units = list(view.units_of(t.code))
            reqs = [f"{ms.name}：" + "；".join(describe_target(ms.part, tg) for tg in ms.part.targets)
                    for ms in plan.milestones_of(t.code) if ms.part.targets]
            out[t.code] = {"action": f"（{a.numeral}）{a.title}" if a.numeral else a.title,
                           "title": f"{t.code} {t.title}", "units": units,
                           "lead": units[0] if units else t.lead, "requirements": "；".join(reqs)}
    return out
