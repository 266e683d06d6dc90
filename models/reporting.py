"""Reporting rate and timeliness (报送率、及时率) per unit and month, and the 催报 list.

What a unit is expected to report each month (documented rule):

- one task report (任务推进) for every task it leads or cooperates on; a report counts
  as filled when its required fields (完成状态, 本月进展情况, 责任人) are not empty;
- one figure for every appendix indicator part it is responsible for. Indicator parts
  are annual: a part counts as filled for a month when a value exists for that year or
  for the year before (annual statistics of a year arrive during the next year).

Timeliness uses the first submission of the month (from ``review_events``), so a month
returned for correction and submitted again stays on time if it was first submitted by
the due day (setting ``due_day``, default the 5th of the following month).

Everything is computed with a handful of set-based queries for any number of months.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from models.app import Actor, App
from models.authority import OFFICE, PUBLIC, UNIT, rule
from models.entries_base import STATE_NAMES, due_date, month_cn
from models.plan import Plan

if TYPE_CHECKING:
    from models.month_view import MonthView

SUBMITTED_STATES = ("submitted", "approved")
_TASK_REQUIRED = ("status", "progress", "person")


@rule(PUBLIC)
class UnitMonthReport(NamedTuple):
    """One unit's reporting status for one month (a named tuple: cheap to make by the
    thousand for a long period)."""

    unit: str
    month: str
    state: str  # '' | draft | submitted | approved | returned
    expected: int
    filled: int
    submitted_at: str  # first submission ('' when never submitted)
    on_time: bool | None  # None: not submitted and not yet due
    late: bool  # submitted after the due day, or still missing after it
    approved: bool
    returns: int
    missing: tuple[str, ...] = ()  # human-readable Chinese items
    due: str = ""  # due date, ISO
    overdue: bool = False  # not submitted and the due day has passed
    last_submitted_at: str = ""
    decided_at: str = ""
    decided_by: str = ""
    comment: str = ""

    @property
    def submitted(self) -> bool:
        return self.state in SUBMITTED_STATES

    @property
    def state_name(self) -> str:
        return STATE_NAMES.get(self.state, self.state)

    @property
    def completeness(self) -> float:
        return 100.0 if self.expected == 0 else 100.0 * self.filled / self.expected

    @property
    def timeliness_text(self) -> str:
        if self.on_time is None:
            return "未到期"
        if self.on_time:
            return "按时"
        return "迟报" if self.submitted_at else "逾期未报"


@dataclass(frozen=True)
class _UnitPlan:
    tasks: tuple[tuple[str, str], ...]  # (code, title)
    parts: tuple[tuple[str, str], ...]  # (code, name)


@dataclass(frozen=True)
class _Sub:
    """What the reporting status reads of a unit's month: submission and review history."""

    state: str = ""
    submitted_at: str = ""
    decided_at: str = ""
    decided_by: str = ""
    comment: str = ""
    returns: int = 0
    first_submit: str = ""
    n_return: int = 0


@rule(PUBLIC)
def task_units_map(app: App) -> dict[str, list[str]]:
    """Units of every task (lead first, the streets placeholder expanded) with one query for the streets."""
    streets = app.streets()
    assigned = app.assigned_units()
    out: dict[str, list[str]] = {}
    for t in app.plan.tasks:
        units: list[str] = []
        for u in t.units or tuple(assigned.get(t.code, ())):
            units.extend(streets if u == app.plan.streets_unit else [u])
        out[t.code] = units
    return out


def _unit_plans(plan: Plan, units: Sequence[str], units_of: Callable[[str], Sequence[str]],
                assigned: dict[str, list[str]]
                ) -> dict[str, _UnitPlan]:
    tasks_by_unit: dict[str, list[tuple[str, str]]] = {u: [] for u in units}
    for t in plan.tasks:
        for u in units_of(t.code):
            if u in tasks_by_unit:
                tasks_by_unit[u].append((t.code, t.title))
    parts_by_unit: dict[str, list[tuple[str, str]]] = {u: [] for u in tasks_by_unit}
    for ind in plan.indicators:
        owner = ind.responsible_unit or (assigned.get(ind.code) or [""])[0]
        if owner in parts_by_unit:
            parts_by_unit[owner].extend((p.code, p.name) for p in ind.parts)
    return {u: _UnitPlan(tuple(tasks_by_unit[u]), tuple(parts_by_unit[u])) for u in tasks_by_unit}


@rule(UNIT, unit="unit", read=True, what="查看报送情况")
def status_many(app: App, actor: Actor, months: list[str], today: date | None = None,
                unit: str | None = None) -> dict[str, list[UnitMonthReport]]:
    """``reporting_status`` for several months at once: {month: [report per unit]};
    with ``unit``, that unit's reports only."""
    today = today or date.today()
    months = sorted(set(months))
    if not months:
        return {}
    units_map = task_units_map(app)
    plans = _unit_plans(app.plan, app.reporting_units(), lambda c: units_map[c], app.assigned_units())
    store = app.store
    lo, hi = months[0], months[-1]
    due_day = int(app.settings.get("due_day") or 5)

    # 1. task reports of the months (filled flag and status)
    statuses: dict[tuple[str, str], set[str]] = {}
    filled_tasks: dict[tuple[str, str], set[str]] = {}
    cond = " AND ".join(f"{k} <> ''" for k in _TASK_REQUIRED)
    for u, m, code, ok in store.execute(
            f"SELECT unit, month, task_code, ({cond}) FROM task_reports "
            "WHERE month BETWEEN ? AND ?", (lo, hi)).fetchall():
        key = (u, m)
        statuses.setdefault(key, set()).add(code)
        if ok:
            filled_tasks.setdefault(key, set()).add(code)

    # 2. indicator values by (part, year)
    have_value = {(c, p[:4]) for c, p in store.execute(
        "SELECT part_code, period FROM indicator_values WHERE value IS NOT NULL OR raw <> ''").fetchall()}

    # 3. submission state, 4. first submission and number of returns from the review history
    subs: dict[tuple[str, str], _Sub] = {}
    for r in store.execute("SELECT unit, month, state, submitted_at, decided_at, decided_by, comment, returns "
                           "FROM submissions WHERE month BETWEEN ? AND ?", (lo, hi)).fetchall():
        subs[(r[0], r[1])] = _Sub(r[2] or "", r[3] or "", r[4] or "", r[5] or "", r[6] or "", int(r[7] or 0))
    for u, m, first, n_ret in store.execute(
            "SELECT unit, month, MIN(CASE WHEN action = 'submit' THEN at END), SUM(action = 'return') "
            "FROM review_events WHERE month BETWEEN ? AND ? GROUP BY unit, month", (lo, hi)).fetchall():
        subs[(u, m)] = replace(subs.get((u, m)) or _Sub(), first_submit=first or "", n_return=int(n_ret or 0))
    units = [u for u in plans if unit is None or u == unit]
    return {month: [_report(u, month, plans[u], subs.get((u, month)) or _Sub(),
                            statuses.get((u, month), set()), filled_tasks.get((u, month), set()),
                            have_value, today, due_day) for u in units]
            for month in months}


@lru_cache(maxsize=8)
def _view_unit_plans(plan: Plan, streets: tuple[str, ...], assigned_json: str) -> dict[str, _UnitPlan]:
    """What each unit reports under ``plan`` with ``streets`` and the office's assignments
    (JSON, ``unit_assignments``) (shared by the views of a range)."""
    assigned: dict[str, list[str]] = json.loads(assigned_json)
    units: list[str] = []
    for u in plan.units:
        units.extend(streets if u.kind == "streets" else (u.name,))
    task_units: dict[str, list[str]] = {}
    for t in plan.tasks:
        task_units[t.code] = [x for u in (t.units or tuple(assigned.get(t.code, ())))
                              for x in (streets if u == plan.streets_unit else (u,))]
    return _unit_plans(plan, units, lambda c: task_units[c], assigned)


@rule(PUBLIC, why="works on a month view already read under month_view's rule")
def reports_of_view(view: MonthView) -> list[UnitMonthReport]:
    """The reporting status of every unit for a month view (plan order)."""
    assigned = view.plan.assignments(view.settings_dict.get("unit_assignments"))
    plans = _view_unit_plans(view.plan, view.streets, json.dumps(assigned, ensure_ascii=False, sort_keys=True))
    month = view.month
    statuses: dict[str, set[str]] = {}
    filled: dict[str, set[str]] = {}
    for r in view.task_reports:
        statuses.setdefault(r.unit, set()).add(r.task_code)
        if r.status and r.progress and r.person:  # TaskReport.filled, inlined: thousands of rows
            filled.setdefault(r.unit, set()).add(r.task_code)
    have_value = {tuple(v.split("@", 1)) for v in view.valued}
    subs = {s.unit: _Sub(s.state, s.submitted_at, s.decided_at, s.decided_by, s.comment, s.returns,
                         s.first_submit, s.n_return) for s in view.submissions}
    today = date.fromisoformat(view.today)
    units = [u for u in plans if view.unit is None or u == view.unit]
    return [_report(u, month, plans[u], subs.get(u) or _Sub(), statuses.get(u, set()), filled.get(u, set()),
                    have_value, today, view.due_day) for u in units]


def _report(unit: str, month: str, up: _UnitPlan, sub: _Sub, reported: set[str], done: set[str],
            have_value: set[Any], today: date, due_day: int) -> UnitMonthReport:
    """One unit's reporting status for one month."""
    due = due_date(month, due_day)
    year, prev_year = month[:4], str(int(month[:4]) - 1)
    state = sub.state
    first = sub.first_submit or sub.submitted_at
    missing: list[str] = []
    filled = 0
    for code, title in up.tasks:
        if code in done:
            filled += 1
        elif code in reported:
            missing.append(f"任务{code}“{title}”：填报不完整（完成状态、本月进展、责任人为必填）")
        else:
            missing.append(f"任务{code}“{title}”：本月进展未填报")
    for code, name in up.parts:
        if (code, year) in have_value or (code, prev_year) in have_value:
            filled += 1
        else:
            missing.append(f"指标{code}“{name}”：尚无{prev_year}年或{year}年数值")
    expected = len(up.tasks) + len(up.parts)
    submitted = state in SUBMITTED_STATES
    if first:
        on_time: bool | None = date.fromisoformat(first[:10]) <= due
    elif today > due:
        on_time = False
    else:
        on_time = None
    if not submitted and expected:
        label = {"returned": "已退回，尚未重新报送", "draft": "已填写，尚未报送"}.get(state, "尚未报送")
        missing.insert(0, f"{month_cn(month)}报送：{label}")
    return UnitMonthReport(
        unit=unit, month=month, state=state, expected=expected, filled=filled,
        submitted_at=first, on_time=on_time, late=on_time is False, approved=state == "approved",
        returns=max(sub.returns, sub.n_return), missing=tuple(missing), due=due.isoformat(),
        overdue=not submitted and today > due, last_submitted_at=sub.submitted_at,
        decided_at=sub.decided_at, decided_by=sub.decided_by, comment=sub.comment)


@rule(OFFICE, what="查看各单位的报送情况")
def reporting_status(app: App, actor: Actor, month: str, today: date | None = None) -> list[UnitMonthReport]:
    """Every reporting unit's report for ``month``, in plan order."""
    return status_many(app, actor, [month], today)[month]


@rule(OFFICE, what="查看催报名单")
def reminder_list(app: App, actor: Actor, month: str, today: date | None = None) -> list[UnitMonthReport]:
    """Units that still have to submit ``month`` (units with nothing to report are left out)."""
    return [r for r in reporting_status(app, actor, month, today) if r.expected and not r.submitted]


@rule(PUBLIC)
def summary(reports: list[UnitMonthReport]) -> dict[str, Any]:
    """Counts and rates over a list of unit reports (units with nothing to report excluded)."""
    rs = [r for r in reports if r.expected]
    n = len(rs)
    submitted = sum(r.submitted for r in rs)
    on_time = sum(r.on_time is True for r in rs)
    due = sum(r.on_time is not None for r in rs)
    expected = sum(r.expected for r in rs)
    filled = sum(r.filled for r in rs)
    return {
        "units": n, "submitted": submitted, "approved": sum(r.approved for r in rs),
        "returned": sum(r.state == "returned" for r in rs),
        "on_time": on_time, "late": sum(r.late and bool(r.submitted_at) for r in rs),
        "missing": n - submitted, "overdue": sum(r.overdue for r in rs),
        "expected_items": expected, "filled_items": filled,
        "report_rate": 100.0 * submitted / n if n else 0.0,
        "on_time_rate": 100.0 * on_time / due if due else 0.0,
        "completeness": 100.0 * filled / expected if expected else 0.0,
    }


@rule(OFFICE, what="生成催报通知")
def reminder_text(app: App, actor: Actor, month: str, today: date | None = None) -> str:
    """The printable 催报 notice (plain Chinese text)."""
    today = today or date.today()
    rows = reminder_list(app, actor, month, today)
    s = app.settings
    due = due_date(month, int(s.get("due_day") or 5))
    lines = [f"关于报送{month_cn(month)}碳达峰工作调度数据的催报通知", ""]
    if not rows:
        lines += [f"截至{_date_cn(today)}，各单位均已报送{month_cn(month)}调度数据。", ""]
    else:
        lines += [
            "各有关单位：",
            f"    根据碳达峰工作月度调度安排，{month_cn(month)}调度数据应于{_date_cn(due)}前报送。"
            f"截至{_date_cn(today)}，以下{len(rows)}个单位尚未完成报送，请于收到本通知后"
            "抓紧补报；如有困难，请及时与领导小组办公室联系。", ""]
        for i, r in enumerate(rows, 1):
            status = "逾期未报" if r.overdue else "尚未报送"
            lines.append(f"{i}. {r.unit}（{status}；应填{r.expected}项，已填{r.filled}项）")
            for item in _reminder_items(r):
                lines.append(f"    · {item}")
            if r.state == "returned" and r.comment:
                lines.append(f"    · 办公室意见：{r.comment}")
        lines.append("")
    lines += [s.get("briefing_issuer") or app.plan.briefing.issuer, _date_cn(today)]
    return "\n".join(lines)


def _reminder_items(r: UnitMonthReport) -> list[str]:
    """What is missing, condensed when nothing at all was filled in."""
    if r.filled == 0 and r.expected > 3:
        n_tasks = sum(1 for m in r.missing if m.startswith("任务"))
        n_parts = sum(1 for m in r.missing if m.startswith("指标"))
        what = "、".join(x for x in (f"{n_tasks}项任务进展" if n_tasks else "",
                                     f"{n_parts}项指标数值" if n_parts else "") if x)
        head = [m for m in r.missing if not m.startswith(("任务", "指标"))]
        return head + [f"{what}均未填报"]
    return list(r.missing)


@rule(OFFICE, what="生成催报通知")
def reminder_html(app: App, actor: Actor, month: str, today: date | None = None) -> str:
    """The 催报 notice as simple HTML (for QTextDocument printing): the same text, with
    the paragraph indented by two full-width spaces and each unit's items as a list."""
    import html as _html
    e = _html.escape
    lines = reminder_text(app, actor, month, today).split("\n")
    title, body, sign = lines[0], lines[1:-2], lines[-2:]
    parts = [f"<h2 align='center'>{e(title)}</h2>"]
    items: list[str] = []

    def flush() -> None:
        if items:
            parts.append("<ul>" + "".join(f"<li>{e(x)}</li>" for x in items) + "</ul>")
            items.clear()

    for ln in body:
        if ln.startswith("    · "):
            items.append(ln[6:])
            continue
        flush()
        if ln.strip():
            indent = "\u3000\u3000" if ln.startswith("    ") else ""
            parts.append(f"<p>{indent}{e(ln.strip())}</p>")
    flush()
    parts.append("<br/>" + "".join(f"<p align='right'>{e(x)}</p>" for x in sign))
    return "<html><body>" + "".join(parts) + "</body></html>"


def _date_cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
