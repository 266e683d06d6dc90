"""Read-only, set-based data for the Excel ledger (台账): one query per kind of record for
a whole range of months, then plain Python to lay the records out month by month.

Nothing here writes. The judgements (traffic lights of tasks and projects) live here
too, so the ledger, its tests and any other report read the same rules:

- task: 滞后 → red; past its 完成时限 and not 已完成 → red; 未启动 → yellow; not reported → yellow.
- project vs 序时进度 (months elapsed ÷ 12): at most 10 points behind → green; 10–30
  behind → yellow; more than 30 behind → red; 3 months past the planned start without an
  actual start → red (the project-office convention of domain notes §3).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.app import Actor, App, month_add
from models.authority import OFFICE, PUBLIC, UNIT, rule

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
    report: dict[str, Any] | None  # None: not reported
    colour: str  # red | yellow | green
    warning: str


@rule(PUBLIC)
@dataclass(frozen=True)
class ProjectLine:
    month: str
    project: dict[str, Any]  # static fields + the latest monthly figures up to the month
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


def _in(values: Iterable[str]) -> tuple[str, list[str]]:
    vals = list(values)
    return ",".join("?" for _ in vals), vals


@rule(UNIT, unit="unit", read=True, what="导出台账")
def task_lines(app: App, actor: Actor, months: list[str], unit: str | None = None) -> list[TaskLine]:
    """A line per month, task and unit (lead first), with the unit's report if any."""
    if not months:
        return []
    sql = "SELECT * FROM task_reports WHERE month BETWEEN ? AND ?"
    params: list[Any] = [months[0], months[-1]]
    if unit:
        sql += " AND unit = ?"
        params.append(unit)
    reports = {(r["month"], r["task_code"], r["unit"]): r for r in app.store.query(sql, params)}
    layout: list[tuple[str, str, str]] = []
    for t in app.plan.tasks:
        units = app.task_units(t)
        for i, u in enumerate(units):
            if unit is None or u == unit:
                layout.append((t.code, u, "lead" if i == 0 else "cooperate"))
    out = []
    for m in months:
        end = month_end(m)
        for code, u, role in layout:
            rep = reports.get((m, code, u))
            colour, warning = judge_task(rep, end)
            out.append(TaskLine(m, code, u, role, rep, colour, warning))
    return out


@rule(PUBLIC)
def judge_task(rep: dict[str, Any] | None, end: date) -> tuple[str, str]:
    if rep is None or not (rep.get("status") or rep.get("progress")):
        return "yellow", "本月未填报"
    status = rep.get("status") or ""
    deadline = parse_iso(rep.get("deadline"))
    if status == "滞后":
        return "red", "任务滞后"
    if deadline and deadline < end and status != "已完成":
        return "red", f"已超过完成时限（{deadline.isoformat()}）"
    if status == "未启动":
        return "yellow", "尚未启动"
    if not status:
        return "yellow", "未填写完成状态"
    return "green", ""


@rule(UNIT, unit="unit", read=True, what="导出台账")
def project_lines(app: App, actor: Actor, months: list[str], unit: str | None = None) -> list[ProjectLine]:
    """A line per month and project open in that month, with its latest figures."""
    if not months:
        return []
    sql = "SELECT * FROM projects WHERE created_month <= ?"
    params: list[Any] = [months[-1]]
    if unit:
        sql += " AND unit = ?"
        params.append(unit)
    projects = app.store.query(sql + " ORDER BY task_code, id", params)
    if not projects:
        return []
    figs: dict[int, list[dict[str, Any]]] = {}
    fsql = ("SELECT pm.* FROM project_months pm JOIN projects p ON p.id = pm.project_id "
            "WHERE pm.month <= ?" + (" AND p.unit = ?" if unit else "") + " ORDER BY pm.project_id, pm.month")
    for r in app.store.query(fsql, params):
        figs.setdefault(r["project_id"], []).append(r)
    order = {t.code: i for i, t in enumerate(app.plan.tasks)}
    projects.sort(key=lambda p: (order.get(p["task_code"], 999), p["id"]))
    out = []
    pos = {p["id"]: -1 for p in projects}
    for m in months:
        end = month_end(m)
        schedule = round(int(m[5:7]) / 12 * 100, 2)
        for p in projects:
            if p["created_month"] > m or (p["closed_month"] and p["closed_month"] < m):
                continue
            series = figs.get(p["id"], [])
            i = pos[p["id"]]
            while i + 1 < len(series) and series[i + 1]["month"] <= m:
                i += 1
            pos[p["id"]] = i
            row = dict(p)
            fig = series[i] if i >= 0 else None
            for k in ("year_plan_invest", "cum_invest", "actual_start", "progress"):
                row[k] = fig[k] if fig else (None if k.endswith("invest") else "")
            if fig and fig["month"][:4] != m[:4]:  # figures are per year: last year's do not count
                row["year_plan_invest"] = row["cum_invest"] = None
            if fig and fig.get("ptype"):
                row["ptype"] = fig["ptype"]
            row["fig_month"] = fig["month"] if fig else ""
            share, gap, colour, text = judge_project(row, schedule, end)
            out.append(ProjectLine(m, row, share, schedule, gap, colour, text))
    return out


@rule(PUBLIC)
def judge_project(p: dict[str, Any], schedule: float, end: date) -> tuple[float | None, float | None, str, str]:
    plan, cum = p.get("year_plan_invest"), p.get("cum_invest")
    share = round(cum / plan * 100, 2) if plan and cum is not None else None
    plan_start, actual = parse_iso(p.get("plan_start")), parse_iso(p.get("actual_start"))
    if plan_start and not actual and p.get("ptype") != "前期":
        late = (end.year - plan_start.year) * 12 + end.month - plan_start.month
        if late >= 3:
            return share, None, "red", f"逾期{late}个月未开工"
    if share is None:
        return None, None, "", "无年度计划投资" if not plan else "未填报累计完成投资"
    gap = round(share - schedule, 2)
    if gap >= 0:
        text = f"快于序时进度{gap:g}个百分点" if gap > 0 else "与序时进度持平"
    else:
        text = f"慢于序时进度{-gap:g}个百分点"
    colour = "green" if gap >= -10 else ("yellow" if gap >= -30 else "red")
    return share, gap, colour, text


@rule(UNIT, unit="unit", read=True, what="导出台账")
def indicator_rows(app: App, actor: Actor, months: list[str], unit: str | None = None
                   ) -> dict[str, list[dict[str, Any]]]:
    """The target engine's verdicts ({month: rows}) for indicators and milestones (of
    ``unit``: its indicators and the milestones of the tasks it leads)."""
    from models.checking import Judge
    judge = Judge(app)
    return {m: judge.current(actor, m, unit) for m in months}


@rule(UNIT, unit="unit", read=True, what="导出台账")
def reporting_rows(app: App, actor: Actor, months: list[str], unit: str | None = None) -> dict[str, list[Any]]:
    """Reporting status of every unit, or of ``unit`` ({month: [UnitMonthReport]})."""
    from models.reporting import status_many
    return status_many(app, actor, months, unit=unit)


@rule(OFFICE, what="导出考核表")
def assessment_rows(app: App, actor: Actor, months: list[str]) -> list[Any]:
    from models.assessment import assess
    return assess(app, actor, months)


@rule(PUBLIC)
def task_context(app: App) -> dict[str, dict[str, Any]]:
    """Per task: action label, title, lead, cooperating units, milestone requirements."""
    from models.target_words import describe_target
    out = {}
    for a in app.plan.actions:
        for t in a.tasks:
            units = app.task_units(t)
            reqs = [f"{ms.name}：" + "；".join(describe_target(ms.part, tg) for tg in ms.part.targets)
                    for ms in app.plan.milestones_of(t.code) if ms.part.targets]
            out[t.code] = {"action": f"（{a.numeral}）{a.title}" if a.numeral else a.title,
                           "title": f"{t.code} {t.title}", "units": units,
                           "lead": units[0] if units else t.lead, "requirements": "；".join(reqs)}
    return out
