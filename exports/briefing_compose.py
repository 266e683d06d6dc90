"""Composing the work briefing's text from a month view (no reportlab, no Qt).

``compose_view(view)`` composes the editable section texts from the month's view
(``models.month_view``); ``compose(app, month)`` reads the view first. ``indicator_rows``
gives the monitoring table. Section texts are plain lines: a line starting with “（一）” is a
楷体 sub-heading, a line starting with “一、” a 黑体 heading, any other line a body
paragraph (仿宋). Blank lines are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.app import Actor, App
from models.authority import OFFICE, PUBLIC, rule
from models.entries_base import month_cn
from models.month_view import MonthView, TaskReport, marked, state_mark
from models.plan import Plan

SECTION_KEYS = ("overview", "tasks", "indicators", "problems", "next", "notice")
SECTION_TITLES = {
    "overview": "一、总体情况",
    "tasks": "二、重点任务进展",
    "indicators": "三、指标监测",
    "problems": "四、存在问题",
    "next": "五、下步工作",
    "notice": "六、情况通报",
}
NO_DATA = "本月暂无填报数据"
CN_NUM = "一二三四五六七八九十"
ITEM_MAX = 120  # characters per progress item
ITEMS_PER_ACTION = 3
NEXT_PER_ACTION = 1
TASK_STATUSES = ("已完成", "推进中", "滞后", "未启动")


@rule(PUBLIC)
def status_names() -> dict[str, str]:
    from models.target_rules import STATUS_NAMES
    return dict(STATUS_NAMES)


@rule(PUBLIC)
def status_colors() -> dict[str, str]:
    from models.target_rules import STATUS_COLORS
    return dict(STATUS_COLORS)


@rule(PUBLIC)
def trim(text: str, limit: int = ITEM_MAX) -> str:
    """The first sentence(s) of ``text`` that fit in ``limit`` characters; a single
    sentence longer than that is cut with “…”."""
    s = re.sub(r"\s*\n\s*", "", text or "")
    s = re.sub(r"[ \t\u3000]+", " ", s).strip()
    if not s:
        return ""
    sentences = re.findall(r"[^。！？；!?;]+[。！？；!?;]?", s)
    out = ""
    for sen in sentences:
        if len(out) + len(sen) > limit:
            break
        out += sen
    if not out:
        out = s[: limit - 1] + "…"
    if out[-1] in "；;，,、：:":
        out = out[:-1] + "。"
    elif out[-1] not in "。！？!?…":
        out += "。"
    return out


def _pct(n: int, total: int) -> str:
    return f"{100.0 * n / total:.1f}%" if total else "0%"


def _meaningful(text: str) -> bool:
    s = re.sub(r"[\s。.！!]+", "", text or "")
    return bool(s) and s not in ("无", "暂无", "没有", "无问题", "/", "-")


# -- composition -----------------------------------------------------------------------------

@rule(PUBLIC)
@dataclass
class Composition:
    month: str
    has_data: bool
    sections: dict[str, str]
    verdicts: Sequence[Mapping[str, Any]]


@rule(OFFICE, what="编发工作简报")
def compose(app: App, actor: Actor, month: str, today: date | None = None) -> dict[str, str]:
    """Editable section texts of ``month``'s briefing (keys: SECTION_KEYS)."""
    return compose_all(app, actor, month, today).sections


@rule(OFFICE, what="编发工作简报")
def compose_all(app: App, actor: Actor, month: str, today: date | None = None,
                basis: str = "approved") -> Composition:
    from models.month_read import month_view
    return compose_view(month_view(app, actor, month, today=today or date.today(), basis=basis))


@rule(PUBLIC, why="works on month views already read under month_view's rule")
def compose_view(view: MonthView) -> Composition:
    """The briefing's texts composed from a month view (its ``today`` is the briefing's date)."""
    today = date.fromisoformat(view.today)
    data = view.has_entries
    reports = [r for r in view.reports if r.expected]
    vs = list(view.verdicts)
    rows = list(view.task_reports)
    sections = {
        "overview": _overview(view, data, reports, rows, vs),
        "tasks": _tasks(view, data, rows),
        "indicators": _indicators_intro(view, data, vs),
        "problems": _problems(view, data, rows, vs),
        "next": _next(view, data, rows),
        "notice": _notice(view, today, reports),
    }
    return Composition(view.month, data, sections, vs)


def _lead_status(view: MonthView, rows: list[TaskReport]) -> dict[str, str]:
    """Task code → the lead unit's 完成状态 this month."""
    by_task: dict[str, dict[str, str]] = {}
    for r in rows:
        by_task.setdefault(r.task_code, {})[r.unit] = r.status
    return {t.code: by_task.get(t.code, {}).get(view.lead_of(t.code), "") for t in view.plan.tasks}


@rule(PUBLIC, why="works on a month view already read under month_view's rule")
def overview_text(view: MonthView) -> str:
    """The counts of the month (reporting, tasks by status, indicators by light): the
    briefing's 总体情况, also printed at the head of the compact ledger."""
    return _overview(view, view.has_entries, [r for r in view.reports if r.expected], list(view.task_reports),
                     list(view.verdicts))


def _overview(view: MonthView, data: bool, reports: list[Any], rows: list[TaskReport],
              vs: Sequence[Mapping[str, Any]]) -> str:
    month = view.month
    mc = month_cn(month)
    if not data:
        return (f"{NO_DATA}。截至本期简报编发时，{mc}各单位尚未报送调度数据，"
                "本期简报仅列出计划任务和指标的目标情况，待各单位报送后再作通报。")
    n = len(reports)
    submitted = sum(r.submitted for r in reports)
    # “其中”: counted among the units whose report stands (a returned one was on time once)
    on_time = sum(r.submitted and r.on_time is True for r in reports)
    approved = sum(r.approved for r in reports)
    returned = sum(r.state == "returned" for r in reports)
    lines = [
        f"{mc}，{view.plan.words.whole}应报送调度数据的单位{n}个，已报送{submitted}个（报送率{_pct(submitted, n)}），"
        f"其中按时报送{on_time}个（及时率{_pct(on_time, n)}），"
        + (f"审核通过{approved}个（{_pct(approved, n)}）；" if approved else "尚无审核通过的；")
        + (f"退回修改尚未重新报送{returned}个，" if returned else "")
        + f"尚未报送{n - submitted - returned}个。"]
    judged = [r for r in rows if view.judged(r.state)]
    status = _lead_status(view, judged)
    unjudged = {t: st for t, st in _lead_status(view, rows).items() if st and not status[t]}
    total = len(view.plan.tasks)
    counts = {s: sum(1 for v in status.values() if v == s) for s in TASK_STATUSES}
    none = sum(1 for v in status.values() if not v) - len(unjudged)
    # only the statuses that occur: “未启动0项（0.0%）” is noise, and when nothing counts yet
    # the sentence says so plainly instead of listing four zeros
    parts = "、".join(f"{s}{counts[s]}项（{_pct(counts[s], total)}）" for s in TASK_STATUSES if counts[s])
    if view.basis == "approved":
        basis = "按牵头单位报送并经审核通过的完成状态统计"
        parts = parts or "尚无经审核通过的完成状态"
    else:
        basis = "按牵头单位报送的完成状态统计，含尚未审核通过的"
        parts = parts or "牵头单位尚未报送完成状态"
    lines.append(f"方案确定的{total}项重点任务中（{basis}），{parts}"
                 + (f"，牵头单位本月未报送完成状态的{none}项" if none else "")
                 + (f"，另有{len(unjudged)}项牵头单位的报送尚未审核通过，未计入" if unjudged else "") + "。")
    inds = [v for v in vs if v.get("kind") == "indicator"]
    names = status_names()
    if inds:
        m = int(month[5:7])
        by = {k: sum(1 for v in inds if v.get("status") == k) for k in names}
        parts = "、".join(f"{names[k]}{c}项（{_pct(c, len(inds))}）" for k, c in by.items() if c)
        lines.append(f"{view.plan.words.indicators_source}{len(inds)}项指标分项中，"
                     f"按目标进度（{mc}序时进度{100 * m / 12:.1f}%）判断，{parts}。")
    return "\n".join(lines)


def _reports_by_task(rows: list[TaskReport]) -> dict[str, dict[str, TaskReport]]:
    out: dict[str, dict[str, TaskReport]] = {}
    for r in rows:
        out.setdefault(r.task_code, {})[r.unit] = r
    return out


def _pick(view: MonthView, task: Any, reps: dict[str, TaskReport], key: str) -> tuple[str, str] | None:
    """(source, text) of the task's report to quote: the lead unit's if it wrote ``key``,
    else the first cooperating unit's; approved reports first, then the others with
    their mark in the source (“某单位，待审”)."""
    units = view.units_of(task.code) or list(task.units)
    for approved in (True, False):
        for u in units:
            r = reps.get(u)
            if r and (r.state == "approved") == approved and _meaningful(r.get(key, "")):
                mark = state_mark(r.state)
                return (f"{u}，{mark}" if mark else u), str(r.get(key))
    return None


def _tasks(view: MonthView, data: bool, rows: list[TaskReport]) -> str:
    month = view.month
    if not data or not rows:
        return f"{NO_DATA}，各单位{month_cn(month)}暂未报送重点任务进展。"
    by_task = _reports_by_task(rows)
    lines: list[str] = []
    k = 0
    for a in view.plan.actions:
        items = []
        for t in view.plan.reported(a):
            pick = _pick(view, t, by_task.get(t.code, {}), "progress")
            if pick:
                items.append(f"{t.title}：{trim(pick[1])}（{pick[0]}）")
            if len(items) >= ITEMS_PER_ACTION:
                break
        if not items:
            continue
        lines.append(f"（{CN_NUM[k] if k < 10 else k + 1}）{a.title}")
        k += 1
        lines.extend(f"{i}. {s}" for i, s in enumerate(items, 1))
    return "\n".join(lines) if lines else f"各单位{month_cn(month)}暂未报送重点任务进展。"


def _fmt(v: Any, unit: str = "") -> str:
    if v is None or v == "":
        return "—"
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    s = str(int(f)) if f.is_integer() else f"{f:.2f}".rstrip("0").rstrip(".")
    return s + (unit or "")


def _indicators_intro(view: MonthView, data: bool, vs: Sequence[Mapping[str, Any]]) -> str:
    month = view.month
    inds = [v for v in vs if v.get("kind") == "indicator"]
    with_value = sum(1 for v in inds if v.get("value") is not None)
    names = status_names()
    red = [v for v in inds if v.get("status") == "red"]
    if not inds:
        return "方案未列出量化指标，本期不作指标监测。"
    words = view.plan.words
    where = f"方案{words.appendix_name}共" if words.appendix_name else "方案主要目标所列指标共"
    s = (f"{where}{len(inds)}项指标分项，截至{month_cn(month)}已有数值的{with_value}项，"
         "各分项的目标、最新值、序时进度应达值和判断结果见下表（● 表示判断结果）。")
    if not with_value:
        s += "目前尚无指标数值，各责任单位应按年度及时报送统计数据。"
    elif red:
        s += f"判断为“{names.get('red', '滞后')}”的有：" + "、".join(v["name"] for v in red) + "。"
    return s


def _problems(view: MonthView, data: bool, rows: list[TaskReport], vs: Sequence[Mapping[str, Any]]) -> str:
    lines: list[str] = []
    names = status_names()
    for v in vs:
        if v.get("status") != "red":
            continue
        what = "指标" if v.get("kind") == "indicator" else "里程碑"
        msg = trim(v.get("message") or "", ITEM_MAX)
        lines.append(f"{what}“{v['name']}”{names.get('red', '滞后')}：{msg.rstrip('。')}"
                     f"（责任单位：{v.get('responsible_unit') or '—'}）。")
    plan = view.plan
    end = f"{view.month}-31"
    rows = [r for r in rows if view.judged(r.state)]
    for r in rows:  # 完成时限 within or before the month and not 已完成
        t = plan.tasks_by_code.get(r.task_code)
        if t is None or not r.deadline or r.deadline > end or r.status == "已完成":
            continue
        lines.append(f"任务“{t.title}”已过完成时限（{r.deadline}），目前{r.status or '未报状态'}"
                     f"（{r.unit}）。")
    by_task = _reports_by_task(rows)
    for t in plan.tasks:
        for u, r in by_task.get(t.code, {}).items():
            if r.status == "滞后" and _meaningful(r.problems):
                lines.append(f"任务“{t.title}”推进滞后：{trim(r.problems).rstrip('。')}（{u}）。")
    if not lines:
        if not data:
            return f"{NO_DATA}，暂无问题汇总。"
        return "本月未发现判断为滞后的指标、逾期的里程碑或滞后的任务。"
    return "\n".join(f"{i}. {s}" for i, s in enumerate(lines, 1))


def _next(view: MonthView, data: bool, rows: list[TaskReport]) -> str:
    by_task = _reports_by_task(rows)
    lines: list[str] = []
    for a in view.plan.actions:
        items = []
        for t in view.plan.reported(a):
            reps = by_task.get(t.code, {})
            lead = view.lead_of(t.code)
            r = reps.get(lead)
            if r and _meaningful(r.next_plan):
                mark = state_mark(r.state)
                items.append(f"{t.title}：{trim(r.next_plan)}（{lead}{'，' + mark if mark else ''}）")
            if len(items) >= NEXT_PER_ACTION:
                break
        lines.extend(items)
    if not lines:
        return ("各单位按照方案确定的任务分工抓好落实，按时报送下月调度数据。" if data else
                f"{NO_DATA}。请各单位按照方案确定的任务分工抓好落实，按时报送调度数据。")
    return "\n".join(f"{i}. {s}" for i, s in enumerate(lines, 1))


def _notice(view: MonthView, today: date, reports: list[Any]) -> str:
    mc = month_cn(view.month)
    late = [r.unit for r in reports if r.submitted and r.on_time is False]
    missing = [r.unit for r in reports if not r.submitted]
    overdue = [r.unit for r in reports if not r.submitted and r.overdue]
    dt = f"{today.year}年{today.month}月{today.day}日"
    parts = []
    if late:
        parts.append(f"{'、'.join(late)}等{len(late)}个单位迟报{mc}调度数据")
    if overdue:
        parts.append(f"{'、'.join(overdue)}等{len(overdue)}个单位逾期未报")
    elif missing:
        parts.append(f"{'、'.join(missing)}等{len(missing)}个单位尚未报送（未到报送期限）")
    if not parts:
        return f"截至{dt}，各单位均按时报送了{mc}调度数据，予以通报表扬。"
    text = f"截至{dt}，" + "；".join(parts) + "。"
    if late or overdue:
        text += "请上述单位高度重视，严格按照调度要求按时报送，逾期未报的单位请于3个工作日内补报。"
    return text


# -- the monitoring table ----------------------------------------------------------------------

@rule(PUBLIC, why="lays out verdicts it is given (read under month_view's rule)")
def indicator_rows(plan: Plan, vs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per indicator part, in appendix order: code, name, unit, target, latest
    value (with period), expected value, status and status name."""
    names = status_names()
    by_code = {v["code"]: v for v in vs if v.get("kind") == "indicator"}
    out = []
    for ind in plan.indicators:
        for p in ind.parts:
            v: Mapping[str, Any] = by_code.get(p.code, {})
            period = str(v.get("period") or "")
            value = v.get("value")
            if p.qualitative and value is not None:
                latest = "是" if float(value) >= 1 else "否"
            else:
                latest = _fmt(value, p.entry_unit)
            expected = v.get("expected")
            if p.qualitative and expected is not None:
                expected_s = "是" if float(expected) >= 1 else "否"
            else:
                expected_s = _fmt(expected, p.entry_unit)
            extra = v.get("unreviewed")
            out.append({"code": p.code, "name": p.entry_name, "unit": p.entry_unit,
                        "responsible_unit": v.get("responsible_unit") or ind.responsible_unit,
                        "target": v.get("target_text") or ind.district_target or "—",
                        "latest": marked(latest, v.get("state") or "approved") if value is not None else latest,
                        "unreviewed": (f"另报{_period_cn(extra.period)}{extra.value_text}"
                                       f"（{state_mark(extra.state)}）") if extra else "",
                        "period": period if value is not None else "",
                        "expected": expected_s,
                        "status": v.get("status") or "grey",
                        "status_name": names.get(v.get("status") or "grey", "待定"),
                        "part": p})
    return out


def _period_cn(period: str) -> str:
    return f"{int(period[:4])}年{int(period[5:7])}月" if len(period) >= 7 else f"{int(period[:4])}年"
