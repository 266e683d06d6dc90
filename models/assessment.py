"""Assessment (考核) of the reporting units over a period (a list of months).

Each unit gets five component scores from 0 to 100:

- timeliness (及时性): share of the counted months first submitted by the due day;
- completeness (完整性): filled items ÷ expected items over the counted months;
- approval (审核通过): per counted month 1 when submitted and never returned, 0.5 when
  submitted after one or more returns, 0 when not submitted; averaged;
- task_status (任务进度): the latest 完成状态 of each of the unit's tasks in the period:
  已完成 and 推进中 100, 未启动 60, 滞后 0; a task whose 完成时限 has passed by the end
  of the period without 已完成 scores 0; averaged over the tasks reported in the period;
- indicators (指标达标): the target engine's verdict, as of the period's last month, of
  the indicator parts the unit is responsible for and the milestones of the tasks it
  leads: green 100, yellow 60, red 0 (no data, monitor-only and pending targets are
  left out).

Counted months are the months whose due day has passed by ``today`` or that were
submitted. A component with nothing to measure (no counted month, no task reported, no
judged indicator) does not apply: the total is the weighted mean of the components that
apply, with the weights of setting ``assessment_weights`` (default 20/20/15/25/20)
rescaled to those components. Units flagged for 通报 are those whose total is below
setting ``assessment_flag_below`` (default 60). Ranks use standard competition ranking
(1, 2, 2, 4). Units with nothing to report are not assessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from models.app import Actor, App, month_add
from models.authority import OFFICE, PUBLIC, rule
from models.reporting import UnitMonthReport, status_many, task_units_map

COMPONENTS = ("timeliness", "completeness", "approval", "task_status", "indicators")
COMPONENT_NAMES = {"timeliness": "及时性", "completeness": "完整性", "approval": "审核通过",
                   "task_status": "任务进度", "indicators": "指标达标"}
TASK_STATUS_SCORE = {"已完成": 100.0, "推进中": 100.0, "未启动": 60.0, "滞后": 0.0}
VERDICT_SCORE = {"green": 100.0, "yellow": 60.0, "red": 0.0}


@rule(PUBLIC)
@dataclass
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


@rule(PUBLIC, why="the office's assessment weights (a setting every PC shares), no unit's data")
def weights(app: App) -> dict[str, float]:
    raw = app.settings.get("assessment_weights") or {}
    out = {}
    for k in COMPONENTS:
        try:
            out[k] = max(0.0, float(raw.get(k, 0)))
        except (TypeError, ValueError):
            out[k] = 0.0
    return out


def _verdicts(app: App, actor: Actor, month: str) -> list[dict[str, Any]]:
    """The target engine's current verdicts."""
    from models.checking import Judge
    return list(Judge(app).current(actor, month))


def _latest_tasks(app: App, lo: str, hi: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(unit, task) -> latest report (status, deadline, month) between lo and hi."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in app.store.query(
            "SELECT unit, task_code, month, status, deadline FROM task_reports "
            "WHERE month BETWEEN ? AND ? AND status <> '' ORDER BY month", (lo, hi)):
        out[(r["unit"], r["task_code"])] = r
    return out


@rule(OFFICE, what="查看考核结果")
def assess(app: App, actor: Actor, months: list[str], today: date | None = None) -> list[UnitScore]:
    """Scores of every unit with something to report, sorted by rank."""
    today = today or date.today()
    months = sorted(set(months))
    if not months:
        return []
    by_month = status_many(app, actor, months, today)
    per_unit: dict[str, list[UnitMonthReport]] = {}
    for m in months:
        for r in by_month[m]:
            per_unit.setdefault(r.unit, []).append(r)
    latest = _latest_tasks(app, months[0], months[-1])
    period_end = month_add(months[-1], 1) + "-01"  # deadlines before this have passed
    verdicts = _verdicts(app, actor, months[-1])
    w = weights(app)
    flag_below = float(app.settings.get("assessment_flag_below") or 0)
    units_of = task_units_map(app)
    lead_of = {t.code: (units_of[t.code] or [t.lead])[0] for t in app.plan.tasks}
    tasks_of: dict[str, list[str]] = {}
    for t in app.plan.tasks:
        for u in units_of[t.code]:
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
            s = TASK_STATUS_SCORE.get(rep["status"], 0.0)
            if rep["status"] == "滞后":
                lagging += 1
            if rep["status"] != "已完成" and rep["deadline"] and rep["deadline"] < period_end:
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
        for v in verdicts:
            owner = v.get("responsible_unit")
            if v.get("kind") == "milestone":
                part = app.plan.parts_by_code.get(str(v.get("code")))
                owner = lead_of.get(part.task) if part is not None else v.get("unit")
            if owner != unit or v.get("status") not in VERDICT_SCORE:
                continue
            ind_scores.append(VERDICT_SCORE[v["status"]])
            if v["status"] == "red":
                reds.append(str(v.get("code")))
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
    order = {u: i for i, u in enumerate(app.reporting_units())}
    scores.sort(key=lambda s: (-s.total, order.get(s.unit, 0)))
    prev_total: float | None = None
    rank = 0
    for i, score in enumerate(scores, 1):
        if score.total != prev_total:
            rank = i
            prev_total = score.total
        score.rank = rank
    return scores


def _r(v: float | None) -> float:
    return round(v, 1) if v is not None else 0.0


@rule(PUBLIC)
def period_label(months: list[str]) -> str:
    ms = sorted(months)
    if not ms:
        return ""
    a, b = ms[0], ms[-1]
    fa = f"{int(a[:4])}年{int(a[5:])}月"
    if a == b:
        return fa
    fb = f"{int(b[5:])}月" if a[:4] == b[:4] else f"{int(b[:4])}年{int(b[5:])}月"
    return f"{fa}至{fb}"


@rule(OFFICE, what="查看考核结果")
def assessment_html(app: App, actor: Actor, months: list[str], scores: list[UnitScore] | None = None) -> str:
    """The ranking as a printable HTML table (考核结果), with the 通报 list and the rule."""
    import html as _html
    e = _html.escape
    scores = assess(app, actor, months) if scores is None else scores
    w = weights(app)
    flag = float(app.settings.get("assessment_flag_below") or 0)
    issuer = app.settings.get("briefing_issuer") or ""
    head = "".join(f"<th>{e(h)}</th>" for h in ("排名", "单位", "总分", *(COMPONENT_NAMES[k] for k in COMPONENTS),
                                                  "通报", "说明"))
    rows = []
    for sc in scores:
        comps = "".join(f"<td align='right'>{getattr(sc, k):.1f}</td>" if k in sc.applicable
                        else "<td align='center'>—</td>" for k in COMPONENTS)
        style = " style='color:#b91c1c'" if sc.flagged else ""
        rows.append(f"<tr{style}><td align='center'>{sc.rank}</td><td>{e(sc.unit)}</td>"
                    f"<td align='right'><b>{sc.total:.1f}</b></td>{comps}"
                    f"<td align='center'>{'通报' if sc.flagged else ''}</td><td>{e(sc.notes)}</td></tr>")
    flagged = [sc.unit for sc in scores if sc.flagged]
    rule = ("、".join(f"{COMPONENT_NAMES[k]}{w[k]:g}" for k in COMPONENTS))
    return (f"<html><body><h2 style='text-align:center'>{e(period_label(months))}碳达峰工作考核结果</h2>"
            f"<p>参加考核单位{len(scores)}个；总分低于{flag:g}分需通报的单位{len(flagged)}个"
            + (f"：{e('、'.join(flagged))}" if flagged else "") + "。</p>"
            f"<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>{head}</tr>{''.join(rows)}</table>"
            f"<p style='font-size:small'>计分方法：各项0–100分，权重为{e(rule)}；不适用的项目（—）不计，"
            "总分按其余各项的权重折算。</p>"
            f"<p style='text-align:right'>{e(issuer)}</p></body></html>")
