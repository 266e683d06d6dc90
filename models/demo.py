"""Sample data (示例数据) for demonstrations, screenshots and benchmarks.

``generate_demo`` fills a new database with every unit's months from the plan's
first month to ``until``: task reports with plausible text, cumulative milestone
figures growing toward their targets, projects with monthly investment history,
yearly indicator values (most on track, a few behind), baselines, and submissions
that are mostly approved with a few returned, late or missing. The setting
``demo`` is switched on so that the window title, status bar and exports say
示例数据.

For speed the rows are written directly with executemany into the same tables and
columns the entries service uses. The streets, every row, the ``demo`` setting and the
event-log line are written in one transaction: a run killed half-way leaves nothing. No per-value audit
rows are written (``value_audit`` stays empty; one ``event_log`` line records the
run); the data are not anyone's entries. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from forms import task_form
from models.app import ADMIN, Actor, App, current_month, month_add, months_between
from models.authority import OFFICE_ADMIN, rule
from models.errors import DomainError, InvalidInput
from models.demo_projects import sample_projects
from models.demo_samples import (NEXT, PROBLEMS, RETURN_COMMENTS, person_name, progress_text, round_value,
                                 sample_baselines, sample_lagging, sample_streets, task_clauses, trajectory)
from forms.values import ValueProblem, fmt_number, parse_month

DEMO_ACTOR = Actor("示例数据", ADMIN, None, "示例数据生成")


class _Gen:
    """The rows of one run, drawn in a fixed order from one seeded random generator."""

    def __init__(self, app: App, until: str, seed: int, now: datetime | None = None):
        self.app = app
        self.plan = app.plan
        self.until = until
        self.rng = random.Random(seed)
        self.now = now or datetime.now()
        self.months = months_between(self.plan.first_month, until)
        self.rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in (
            "task_reports", "milestone_values", "projects", "project_months", "indicator_values",
            "submissions", "review_events", "baselines")}
        self.persons: dict[tuple[str, str], str] = {}
        self.missing: set[tuple[str, str]] = set()
        self.drafts: set[tuple[str, str]] = set()  # unit-months still being filled in
        self.baselines = sample_baselines(self.plan)
        self.lagging = sample_lagging(self.plan)

    # -- submissions decide which unit-months have data --------------------------------------
    def submissions(self) -> None:
        rng = self.rng
        last = self.months[-1]
        prev = self.months[-2] if len(self.months) > 1 else ""
        due_day = int(self.app.settings.get("due_day") or 5)
        for unit in self.app.reporting_units():
            if not self.app.tasks_of(unit) and not self.app.parts_of(unit):
                continue
            for m in self.months:
                x = rng.random()
                sub_day = min(28, max(1, due_day - rng.randint(0, 4)))
                late = x > 0.92
                if late:
                    sub_day = min(28, due_day + rng.randint(2, 12))
                ny, nm = int(month_add(m, 1)[:4]), int(month_add(m, 1)[5:7])
                hh, mm = rng.randint(8, 17), rng.randint(0, 59)
                sub_at = f"{date(ny, nm, sub_day).isoformat()}T{hh:02d}:{mm:02d}:00"
                dec_at = f"{date(ny, nm, min(28, sub_day + rng.randint(1, 3))).isoformat()}T10:00:00"
                sub_at, dec_at = self._not_after_now(m, sub_at, dec_at)
                if m == last:
                    state = "draft" if x < 0.45 else ("submitted" if x < 0.85 else "")
                elif m == prev:
                    state = "approved" if x < 0.75 else ("submitted" if x < 0.9 else "returned")
                else:
                    state = "" if x < 0.02 else "approved"
                if not state:
                    self.missing.add((unit, m))
                    continue
                user = f"示例·{unit}"
                returns = 1 if (state == "returned" or (state == "approved" and rng.random() < 0.06)) else 0
                comment = rng.choice(RETURN_COMMENTS) if returns else ""
                if state == "draft":
                    self.drafts.add((unit, m))
                    row = (unit, m, "draft", "", "", "", "", "", 0, sub_at)
                elif state == "submitted":
                    row = (unit, m, "submitted", sub_at, user, "", "", "", 0, sub_at)
                    self.rows["review_events"].append((sub_at, user, unit, m, "submit", ""))
                else:
                    kept = comment if state == "returned" else ""
                    row = (unit, m, state, sub_at, user, dec_at, "办公室审核员", kept, returns, dec_at)
                    self.rows["review_events"].append((sub_at, user, unit, m, "submit", ""))
                    if returns:
                        self.rows["review_events"].append((dec_at, "办公室审核员", unit, m, "return", comment))
                    if state == "approved":
                        self.rows["review_events"].append((dec_at, "办公室审核员", unit, m, "approve", ""))
                self.rows["submissions"].append(row)

    def _not_after_now(self, month: str, sub_at: str, dec_at: str) -> tuple[str, str]:
        """A month already reported is never submitted or decided after this moment (on the
        1st of a month the last month's reports are dated within the hours gone by); months
        after the current one (a sample run ahead for a bench) keep their made-up times."""
        if month > current_month(self.now.date()):
            return sub_at, dec_at
        now = self.now.replace(microsecond=0)
        start = datetime.fromisoformat(f"{month_add(month, 1)}-01T00:00:00")
        if sub_at > now.isoformat():
            made = datetime.fromisoformat(sub_at)
            back = timedelta(minutes=2 + (made.hour * 60 + made.minute) % 90)  # no draw: the sample stays the same
            sub_at = max(start, now - back).isoformat()
        if dec_at > now.isoformat():
            dec_at = max(datetime.fromisoformat(sub_at), now).isoformat()
        return sub_at, dec_at

    # -- task reports and milestones ----------------------------------------------------------
    def tasks(self, progress: Callable[[int, int], None] | None) -> None:
        rng = self.rng
        pairs = [(t, u) for u in self.app.reporting_units() for t, _ in self.app.tasks_of(u)]
        clauses = {t.code: task_clauses(t) for t in self.plan.tasks}
        lag = {t.code: rng.random() < 0.15 for t in self.plan.tasks}
        late_half = self.months[len(self.months) // 2:]
        finish = {t.code: (rng.choice(late_half) if rng.random() < 0.2 else "9999") for t in self.plan.tasks}
        factors = {m.code: self.lagging.get(m.code, rng.uniform(0.95, 1.12)) for m in self.plan.milestones}
        total = len(self.months)
        for i, month in enumerate(self.months):
            stamp = f"{month_add(month, 1)}-0{rng.randint(1, 4)}T09:30:00"
            t_frac = int(month[:4]) + (int(month[5:7]) - 0.5) / 12
            for t, unit in pairs:
                if (unit, month) in self.missing:
                    continue
                first = i < rng.choice((1, 1, 2, 3))
                if month >= finish[t.code]:
                    status = "已完成"
                elif first:
                    status = "未启动"
                elif lag[t.code] and rng.random() < 0.6:
                    status = "滞后"
                else:
                    status = "推进中"
                # only a month still in draft may have gaps: a submitted month passed the checks
                draft_gap = (unit, month) in self.drafts and rng.random() < 0.1
                person = self.persons.setdefault((t.code, unit), person_name(rng))
                c = rng.choice(clauses[t.code])
                vals = {
                    "status": "" if draft_gap else status,
                    "progress": progress_text(rng, t, clauses[t.code], month, status),
                    "measures": "；".join(rng.sample(clauses[t.code], min(2, len(clauses[t.code])))) + "。",
                    "problems": rng.choice(PROBLEMS),
                    "next_plan": rng.choice(NEXT).format(c=c) + "。",
                    "person": person,
                    "deadline": f"{max(int(month[:4]), 2025)}-12-31",
                }
                self.rows["task_reports"].append(
                    (t.code, unit, month, *[vals[f.key] for f in task_form.FIELDS], stamp, f"示例·{unit}"))
            for ms in self.plan.milestones:
                units = self.app.task_units(self.plan.task(ms.task))
                if not units or (units[0], month) in self.missing:
                    continue
                part = ms.part
                if part.qualitative:
                    year = part.targets[0].year if part.targets else 2025
                    yes = t_frac >= year - 0.4
                    value, raw = (1.0 if yes else 0.0), ("是" if yes else "否")
                else:
                    base = self.baselines.get(ms.code)
                    start = (base[0], base[1]) if base else (int(self.plan.first_month[:4]), 0.0)
                    v = trajectory(part, start, t_frac, factors[ms.code])
                    if v is None:
                        continue
                    value = round_value(part, max(v * rng.uniform(0.985, 1.015), 0.0))
                    raw = fmt_number(value)
                self.rows["milestone_values"].append((ms.code, units[0], month, value, raw, "", stamp,
                                                      f"示例·{units[0]}"))
            if progress is not None:
                progress(i + 1, total)

    def fix_cumulative(self) -> None:
        """Cumulative figures never go down (noise is smoothed away)."""
        best: dict[tuple[str, str], float] = {}
        out = []
        for row in sorted(self.rows["milestone_values"], key=lambda r: (r[0], r[1], r[2])):
            code, unit, month, value, raw, *rest = row
            part = self.plan.part(code)
            if not part.qualitative and (part.unit in ("个", "万千瓦") or
                                         any(t.basis in ("cumulative", "increment") for t in part.targets)):
                value = max(value, best.get((code, unit), 0.0))
                best[(code, unit)] = value
                raw = fmt_number(value)
            out.append((code, unit, month, value, raw, *rest))
        self.rows["milestone_values"] = out

    # -- projects --------------------------------------------------------------------------------
    def projects(self) -> None:
        self.rows["projects"], self.rows["project_months"] = sample_projects(
            self.app, self.rng, self.months, self.missing, self.until)

    # -- indicators and baselines ------------------------------------------------------------
    def indicators(self) -> None:
        rng = self.rng
        for code, (base_year, base_value, source) in self.baselines.items():
            if code in self.plan.parts_by_code:
                self.rows["baselines"].append((code, base_year, base_value, source))
        last_year = int(self.until[:4])
        first_year = int(self.months[0][:4])
        for ind in self.plan.indicators:
            unit = self.app.responsible_unit(ind)
            if not unit:
                continue  # 未分工: nobody reports it until the office assigns a unit
            for part in ind.parts:
                factor = self.lagging.get(part.code, rng.uniform(0.97, 1.1))
                base = self.baselines.get(part.code)
                for year in range(first_year, last_year + 1):
                    month = f"{year}-12" if year < last_year else self.until
                    if (unit, month) in self.missing:
                        month = month_add(month, -1)
                    if part.qualitative:
                        tyear = min((t.year for t in part.targets), default=2025)
                        value: float | None = 1.0 if year >= tyear else 0.0
                        raw = "是" if value else "否"
                    else:
                        v = trajectory(part, (base[0], base[1]) if base else None, year + 0.95, factor)
                        if v is None:
                            continue
                        value = round_value(part, v * rng.uniform(0.99, 1.01))
                        if part.entry_unit == "%":
                            value = min(value, 99.5)
                        raw = fmt_number(value)
                    src = base[2] if base else "部门统计报表"
                    note = "年度预计值" if year == last_year and self.until[5:] != "12" else ""
                    self.rows["indicator_values"].append((part.code, str(year), unit, month, value, raw, src, note,
                                                          f"{month_add(month, 1)}-04T10:00:00", f"示例·{unit}"))

    # -- writing -----------------------------------------------------------------------------------
    def write(self) -> dict[str, int]:
        cols = ", ".join(f.key for f in task_form.FIELDS)
        marks = ", ".join("?" for _ in task_form.FIELDS)
        sql = {
            "task_reports": f"INSERT INTO task_reports(task_code, unit, month, {cols}, updated_at, updated_by) "
                            f"VALUES (?, ?, ?, {marks}, ?, ?)",
            "milestone_values": "INSERT INTO milestone_values(milestone_code, unit, month, value, raw, note, "
                                "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            "projects": "INSERT INTO projects(id, uid, task_code, unit, name, content, ptype, total_invest, "
                        "plan_start, plan_end, reduction, created_month, closed_month, updated_at, updated_by) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            "project_months": "INSERT INTO project_months(project_id, month, ptype, year_plan_invest, cum_invest, "
                              "actual_start, progress, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            "indicator_values": "INSERT INTO indicator_values(part_code, period, unit, month, value, raw, source, "
                                "note, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            "submissions": "INSERT INTO submissions(unit, month, state, submitted_at, submitted_by, decided_at, "
                           "decided_by, comment, returns, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            "review_events": "INSERT INTO review_events(at, actor, unit, month, action, comment) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
            "baselines": "INSERT INTO baselines(part_code, year, value, source) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT(part_code) DO UPDATE SET year = excluded.year, value = excluded.value, "
                         "source = excluded.source",
        }
        c = self.app.store.conn  # inside generate_demo's transaction
        for key, stmt in sql.items():
            c.executemany(stmt, self.rows[key])
        return {k: len(v) for k, v in self.rows.items()}


def _has_entries(app: App) -> bool:
    return bool(app.store.scalar(
        "SELECT (SELECT COUNT(*) FROM task_reports) + (SELECT COUNT(*) FROM projects) "
        "+ (SELECT COUNT(*) FROM indicator_values) + (SELECT COUNT(*) FROM submissions)"))


@rule(OFFICE_ADMIN, what="生成示例数据")
def generate_demo(app: App, actor: Actor, until: str, streets: int = 6, seed: int = 1,
                  progress: Callable[[int, int], None] | None = None,
                  now: datetime | None = None) -> dict[str, Any]:
    """Fill an empty database with sample data up to ``until`` ('YYYY-MM'); returns row counts.
    ``now``: the moment no submission or decision may come after (default: the clock).
    Refuses (DomainError) a database that already holds entries. Everything is written in
    one transaction together with the ``demo`` flag."""
    try:
        until = parse_month(until)
    except ValueProblem as exc:
        raise InvalidInput(str(exc)) from None
    if until < app.plan.first_month:
        raise InvalidInput(f"示例数据截止月份不能早于方案的第一个填报月份{app.plan.first_month}。")
    if _has_entries(app):
        raise DomainError("该数据库中已有填报数据，示例数据只能写入新的（空的）数据库。")
    try:
        with app.store.tx():
            if _has_entries(app):
                raise DomainError("该数据库中已有填报数据，示例数据只能写入新的（空的）数据库。")
            existing = set(app.streets())
            for name in sample_streets(app.plan, max(0, streets)):
                if name not in existing:
                    app.add_street(actor, name)
            gen = _Gen(app, until, seed, now)
            gen.submissions()
            gen.tasks(progress)
            gen.fix_cumulative()
            gen.projects()
            gen.indicators()
            counts = gen.write()
            app.settings.set("demo", True)
            app.log(DEMO_ACTOR, "demo", f"生成示例数据：{app.plan.first_month}至{until}，"
                    f"{app.plan.words.street_word}{streets}个，"
                    f"任务填报{counts['task_reports']}条，项目{counts['projects']}个（{actor.label}）")
    finally:
        app.invalidate()
    result: dict[str, Any] = dict(counts)
    result.update(units=len(app.reporting_units()), months=len(gen.months), until=until)
    return result
