"""Composing the work briefing's text from the month's data (no reportlab, no Qt).

``compose(app, month)`` returns the editable section texts; ``indicator_rows`` the
monitoring table. Section texts are plain lines: a line starting with “（一）” is a
楷体 sub-heading, a line starting with “一、” a 黑体 heading, any other line a body
paragraph (仿宋). Blank lines are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from models import briefing_data as bd
from models.authority import OFFICE, PUBLIC, rule
from models.app import Actor, App
from models.entries_base import month_cn

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


# -- data adapters -------------------------------------------------------------------------

@rule(OFFICE, what="编发工作简报")
def verdicts(app: App, actor: Actor, month: str) -> list[dict[str, Any]]:
    """The target engine's current verdicts for the month (indicator parts, then milestones)."""
    from models.checking import Judge
    return list(Judge(app).current(actor, month))


@rule(OFFICE, what="编发工作简报")
def unit_reports(app: App, actor: Actor, month: str, today: date | None = None) -> list[Any]:
    from models.reporting import reporting_status
    return [r for r in reporting_status(app, actor, month, today) if r.expected]


# -- composition -----------------------------------------------------------------------------

@rule(PUBLIC)
@dataclass
class Composition:
    month: str
    has_data: bool
    sections: dict[str, str]
    verdicts: list[dict[str, Any]]


@rule(OFFICE, what="编发工作简报")
def compose(app: App, actor: Actor, month: str, today: date | None = None) -> dict[str, str]:
    """Editable section texts of ``month``'s briefing (keys: SECTION_KEYS)."""
    return compose_all(app, actor, month, today).sections


@rule(OFFICE, what="编发工作简报")
def compose_all(app: App, actor: Actor, month: str, today: date | None = None) -> Composition:
    today = today or date.today()
    data = bd.has_data(app, actor, month)
    reports = unit_reports(app, actor, month, today)
    vs = verdicts(app, actor, month)
    rows = bd.task_reports(app, actor, month)
    sections = {
        "overview": _overview(app, month, data, reports, rows, vs),
        "tasks": _tasks(app, month, data, rows),
        "indicators": _indicators_intro(app, month, data, vs),
        "problems": _problems(app, actor, month, data, rows, vs),
        "next": _next(app, month, data, rows),
        "notice": _notice(app, month, today, reports),
    }
    return Composition(month, data, sections, vs)


def _lead_status(app: App, rows: list[dict[str, Any]]) -> dict[str, str]:
    """Task code → the lead unit's 完成状态 this month."""
    by_task: dict[str, dict[str, str]] = {}
    for r in rows:
        by_task.setdefault(r["task_code"], {})[r["unit"]] = r["status"]
    out = {}
    for t in app.plan.tasks:
        lead = app.task_units(t)[0] if app.task_units(t) else t.lead
        st = by_task.get(t.code, {}).get(lead, "")
        out[t.code] = st
    return out


def _overview(app: App, month: str, data: bool, reports: list[Any], rows: list[dict[str, Any]],
              vs: list[dict[str, Any]]) -> str:
    mc = month_cn(month)
    if not data:
        return (f"{NO_DATA}。截至本期简报编发时，{mc}各单位尚未报送调度数据，"
                "本期简报仅列出计划任务和指标的目标情况，待各单位报送后再作通报。")
    n = len(reports)
    submitted = sum(r.submitted for r in reports)
    on_time = sum(r.on_time is True for r in reports)
    approved = sum(r.approved for r in reports)
    lines = [
        f"{mc}，全区应报送调度数据的单位{n}个，已报送{submitted}个（报送率{_pct(submitted, n)}），"
        f"其中按时报送{on_time}个（及时率{_pct(on_time, n)}），审核通过{approved}个"
        f"（{_pct(approved, n)}）；尚未报送{n - submitted}个。"]
    status = _lead_status(app, rows)
    total = len(app.plan.tasks)
    counts = {s: sum(1 for v in status.values() if v == s) for s in TASK_STATUSES}
    none = sum(1 for v in status.values() if not v)
    parts = "、".join(f"{s}{counts[s]}项（{_pct(counts[s], total)}）" for s in TASK_STATUSES)
    lines.append(f"方案确定的{total}项重点任务中（按牵头单位报送的完成状态统计），{parts}"
                 + (f"，牵头单位本月未报送完成状态的{none}项。" if none else "。"))
    inds = [v for v in vs if v.get("kind") == "indicator"]
    names = status_names()
    if inds:
        m = int(month[5:7])
        by = {k: sum(1 for v in inds if v.get("status") == k) for k in names}
        parts = "、".join(f"{names[k]}{c}项（{_pct(c, len(inds))}）" for k, c in by.items() if c)
        lines.append(f"附表{len(inds)}项指标分项中，按目标进度（{mc}序时进度{100 * m / 12:.1f}%）判断，"
                     f"{parts}。")
    return "\n".join(lines)


def _reports_by_task(rows: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r["task_code"], {})[r["unit"]] = r
    return out


def _pick(app: App, task: Any, reps: dict[str, dict[str, Any]], key: str) -> tuple[str, str] | None:
    """(unit, text) of the task's report to quote: the lead unit's if it wrote ``key``,
    else the first cooperating unit's."""
    for u in app.task_units(task) or list(task.units):
        r = reps.get(u)
        if r and _meaningful(r.get(key, "")):
            return u, r[key]
    return None


def _tasks(app: App, month: str, data: bool, rows: list[dict[str, Any]]) -> str:
    if not data or not rows:
        return f"{NO_DATA}，各单位{month_cn(month)}暂未报送重点任务进展。"
    by_task = _reports_by_task(rows)
    lines: list[str] = []
    k = 0
    for a in app.plan.actions:
        items = []
        for t in a.tasks:
            pick = _pick(app, t, by_task.get(t.code, {}), "progress")
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


def _indicators_intro(app: App, month: str, data: bool, vs: list[dict[str, Any]]) -> str:
    inds = [v for v in vs if v.get("kind") == "indicator"]
    with_value = sum(1 for v in inds if v.get("value") is not None)
    names = status_names()
    red = [v for v in inds if v.get("status") == "red"]
    s = (f"方案附表共{len(inds)}项指标分项，截至{month_cn(month)}已有数值的{with_value}项，"
         "各分项的目标、最新值、序时进度应达值和判断结果见下表（● 表示判断结果）。")
    if not with_value:
        s += "目前尚无指标数值，各责任单位应按年度及时报送统计数据。"
    elif red:
        s += f"判断为“{names.get('red', '滞后')}”的有：" + "、".join(v["name"] for v in red) + "。"
    return s


def _problems(app: App, actor: Actor, month: str, data: bool, rows: list[dict[str, Any]],
              vs: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    names = status_names()
    for v in vs:
        if v.get("status") != "red":
            continue
        what = "指标" if v.get("kind") == "indicator" else "里程碑"
        msg = trim(v.get("message") or "", ITEM_MAX)
        lines.append(f"{what}“{v['name']}”{names.get('red', '滞后')}：{msg.rstrip('。')}"
                     f"（责任单位：{v.get('responsible_unit') or '—'}）。")
    plan = app.plan
    for r in bd.overdue_tasks(app, actor, month):
        t = plan.tasks_by_code.get(r["task_code"])
        if t is None:
            continue
        lines.append(f"任务“{t.title}”已过完成时限（{r['deadline']}），目前{r['status'] or '未报状态'}"
                     f"（{r['unit']}）。")
    by_task = _reports_by_task(rows)
    for t in plan.tasks:
        for u, r in by_task.get(t.code, {}).items():
            if r["status"] == "滞后" and _meaningful(r.get("problems", "")):
                lines.append(f"任务“{t.title}”推进滞后：{trim(r['problems']).rstrip('。')}（{u}）。")
    if not lines:
        if not data:
            return f"{NO_DATA}，暂无问题汇总。"
        return "本月未发现判断为滞后的指标、逾期的里程碑或滞后的任务。"
    return "\n".join(f"{i}. {s}" for i, s in enumerate(lines, 1))


def _next(app: App, month: str, data: bool, rows: list[dict[str, Any]]) -> str:
    by_task = _reports_by_task(rows)
    lines: list[str] = []
    for a in app.plan.actions:
        items = []
        for t in a.tasks:
            reps = by_task.get(t.code, {})
            units = app.task_units(t)
            lead = units[0] if units else t.lead
            r = reps.get(lead)
            if r and _meaningful(r.get("next_plan", "")):
                items.append(f"{t.title}：{trim(r['next_plan'])}（{lead}）")
            if len(items) >= NEXT_PER_ACTION:
                break
        lines.extend(items)
    if not lines:
        return ("各单位按照方案确定的任务分工抓好落实，按时报送下月调度数据。" if data else
                f"{NO_DATA}。请各单位按照方案确定的任务分工抓好落实，按时报送调度数据。")
    return "\n".join(f"{i}. {s}" for i, s in enumerate(lines, 1))


def _notice(app: App, month: str, today: date, reports: list[Any]) -> str:
    mc = month_cn(month)
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

@rule(PUBLIC, why="lays out verdicts it is given (read under verdicts' rule)")
def indicator_rows(app: App, month: str, vs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per indicator part, in appendix order: code, name, unit, target, latest
    value (with period), expected value, status and status name."""
    names = status_names()
    by_code = {v["code"]: v for v in vs if v.get("kind") == "indicator"}
    out = []
    for ind in app.plan.indicators:
        for p in ind.parts:
            v = by_code.get(p.code, {})
            period = str(v.get("period") or "")
            value = v.get("value")
            if p.qualitative and value is not None:
                latest = "是" if float(value) >= 1 else "否"
            else:
                latest = _fmt(value, p.unit)
            expected = v.get("expected")
            if p.qualitative and expected is not None:
                expected_s = "是" if float(expected) >= 1 else "否"
            else:
                expected_s = _fmt(expected, p.unit)
            out.append({"code": p.code, "name": p.name, "unit": p.unit,
                        "responsible_unit": ind.responsible_unit,
                        "target": v.get("target_text") or ind.district_target or "—",
                        "latest": latest, "period": period if value is not None else "",
                        "expected": expected_s,
                        "status": v.get("status") or "grey",
                        "status_name": names.get(v.get("status") or "grey", "待定"),
                        "part": p})
    return out
