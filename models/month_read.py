"""Reading month views from the database: ``month_view`` for one month, ``month_views`` for
a range, with the same few set-based queries whatever the number of months.

Read-only. The queries (for months ``lo``..``hi``): the task reports of the range, the
latest report with a 完成状态 of every task and unit before it, every submission up to
``hi`` (the state of each figure is that of the submission it was entered in), the
review history of the range, the indicator values, the milestone values of the
tasks' lead units, the projects and their monthly figures, and the baselines. The
settings and the streets come from their caches. Each month's view then takes its
slice of the records in plain Python.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from typing import Any

from models.app import Actor, App
from models.authority import UNIT, rule
from models.errors import InvalidInput
from models.month_view import BASES, BaselineEntry, Evidence, Figure, MonthView, Project, Submission, TaskReport

_TASK_COLS = "task_code, unit, month, status, progress, measures, problems, next_plan, person, deadline"


@rule(UNIT, unit="unit", read=True, what="查看月度数据")
def month_view(app: App, actor: Actor, month: str, unit: str | None = None, *, today: date | None = None,
               basis: str = "approved") -> MonthView:
    """Everything the outputs of ``month`` show (``unit``: one unit's records only;
    ``basis``: judge approved figures only, or ``"all"`` figures)."""
    return month_views(app, actor, [month], unit, today=today, basis=basis)[0]


@rule(UNIT, unit="unit", read=True, what="查看月度数据")
def month_views(app: App, actor: Actor, months: Sequence[str], unit: str | None = None, *,
                today: date | None = None, basis: str = "approved") -> tuple[MonthView, ...]:
    """A view per month (sorted, without repeats), read with one set of queries."""
    if basis not in BASES:
        raise InvalidInput(f"判断依据应为{'、'.join(BASES)}之一，实为“{str(basis)[:20]}”。")
    months = sorted(set(months))
    if not months:
        return ()
    return _Reader(app, months, unit, today or date.today(), basis).views()


class _Reader:
    def __init__(self, app: App, months: list[str], unit: str | None, today: date, basis: str):
        self.app = app
        self.basis = basis
        self.plan = app.plan
        self.months = months
        self.unit = unit
        self.today = today
        self.lo, self.hi = months[0], months[-1]
        self.streets = tuple(app.streets())
        self.settings = json.dumps(app.settings.all(), ensure_ascii=False, sort_keys=True)
        self.demo = bool(app.settings.get("demo"))

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.app.store.execute(sql, params).fetchall())

    def _unit_filter(self, col: str = "unit") -> tuple[str, list[Any]]:
        return (f" AND {col} = ?", [self.unit]) if self.unit else ("", [])

    def views(self) -> tuple[MonthView, ...]:
        lo, hi = self.lo, self.hi
        # every submission: a figure's state is that of the submission it was entered in
        # (an annual value may have been entered after the month viewed)
        all_subs = self._rows("SELECT unit, month, state, submitted_at, decided_at, decided_by, comment, returns "
                              "FROM submissions")
        subs = {(r[0], r[1]): (r[2] or "draft") for r in all_subs}
        self.states = subs

        def state(u: str, m: str) -> str:
            return subs.get((u, m), "draft")

        where, params = self._unit_filter()
        # the range's task reports, by month
        reports: dict[str, list[TaskReport]] = {m: [] for m in self.months}
        make = TaskReport._make  # the text columns are NOT NULL: no None to replace
        for r in self._rows(f"SELECT {_TASK_COLS} FROM task_reports WHERE month BETWEEN ? AND ?{where} "
                            "ORDER BY month, task_code, unit", [lo, hi, *params]):
            if r[2] in reports:
                reports[r[2]].append(make((*r, subs.get((r[1], r[2]), "draft"))))
        # the latest report with a 完成状态 of each task and unit before the range, and the
        # latest approved one: the months of each pair from the (task, unit, month, status)
        # index in one pass, then the rows read by id
        last_any: dict[tuple[str, str], tuple[str, int]] = {}
        last_ok: dict[tuple[str, str], tuple[str, int]] = {}
        for code, u, found in self._rows(
                "SELECT task_code, unit, group_concat(month || '#' || id) FROM task_reports "
                f"WHERE month < ? AND status <> ''{where} GROUP BY task_code, unit", [lo, *params]):
            items = sorted(found.split(","))
            m, rid = items[-1].split("#")
            last_any[(code, u)] = (m, int(rid))
            for item in reversed(items):
                m, rid = item.split("#")
                if subs.get((u, m)) == "approved":
                    last_ok[(code, u)] = (m, int(rid))
                    break
        ids = sorted({rid for _m, rid in (*last_any.values(), *last_ok.values())})
        by_id: dict[int, tuple[Any, ...]] = {}
        for i in range(0, len(ids), 500):  # within SQLite's limit on parameters
            chunk = ids[i:i + 500]
            by_id.update((r[0], r[1:]) for r in self._rows(
                f"SELECT id, {_TASK_COLS} FROM task_reports WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        latest = {k: make((*by_id[rid], state(k[1], m))) for k, (m, rid) in last_any.items()}
        approved = {k: make((*by_id[rid], "approved")) for k, (m, rid) in last_ok.items()}
        # the range's submissions and review history
        sub_rows = {(r[0], r[1]): r for r in all_subs if lo <= r[1] <= hi}
        events = {(r[0], r[1]): r for r in self._rows(
            "SELECT unit, month, MIN(CASE WHEN action = 'submit' THEN at END), SUM(action = 'return') "
            "FROM review_events WHERE month BETWEEN ? AND ? GROUP BY unit, month", (lo, hi))}
        # figures
        bound_month = {p.code: p.frequency == "month" for p in self.plan.parts}
        ind: list[Figure] = []
        valued: set[tuple[str, str]] = set()
        entered: set[str] = set()
        for c, p, v, u, m, raw in self._rows("SELECT part_code, period, value, unit, month, raw "
                                             "FROM indicator_values ORDER BY part_code, period"):
            if lo <= m <= hi:
                entered.add(m)
            if v is not None or raw:
                valued.add((c, p[:4]))
            if v is not None and p[:4] <= hi[:4]:
                ind.append(Figure(c, p, float(v), u, m, state(u, m)))
        leads = {(m.code, self._lead(m.task)) for m in self.plan.milestones}
        ms: list[Figure] = []
        for c, u, m, v in self._rows("SELECT milestone_code, unit, month, value FROM milestone_values "
                                     "WHERE month <= ? ORDER BY month, milestone_code", (hi,)):
            if m >= lo:
                entered.add(m)
            if v is not None and (c, u) in leads:
                ms.append(Figure(c, m, float(v), u, m, state(u, m)))
        baselines = tuple(BaselineEntry(c, int(y), float(v), s or "") for c, y, v, s in self._rows(
            "SELECT part_code, year, value, source FROM baselines ORDER BY part_code"))
        projects = self._projects(state)
        evidence = self._evidence(state)

        out = []
        ms_months = [f.month for f in ms]
        monthly = any(bound_month.values())  # parts reported by month (bounded by the month, not the year)
        by_year: dict[str, tuple[tuple[Figure, ...], tuple[str, ...]]] = {}
        keys_any: list[tuple[str, str]] = []
        keys_ok: list[tuple[str, str]] = []
        n_latest = [-1, -1]
        sub_units: dict[str, set[str]] = {}
        for u, m in (*sub_rows, *events):
            sub_units.setdefault(m, set()).add(u)
        for month in self.months:
            for rep in reports[month]:
                if rep.status:
                    latest[(rep.task_code, rep.unit)] = rep
                    if rep.state == "approved":
                        approved[(rep.task_code, rep.unit)] = rep
            subs_m = []
            for u in sorted(sub_units.get(month, ())):
                _u, _m, st, sa, da, db, c, n = sub_rows.get((u, month)) or (u, month, "", "", "", "", "", 0)
                first, n_ret = (events.get((u, month)) or (u, month, "", 0))[2:]
                subs_m.append(Submission(u, st or "", sa or "", da or "", db or "", c or "", int(n or 0),
                                         first or "", int(n_ret or 0)))
            year = month[:4]
            if year not in by_year:  # what is the same for every month of a year
                prev = str(int(year) - 1)
                by_year[year] = (tuple(f for f in ind if f.period <= year or (
                    bound_month.get(f.code) and f.period[:4] == year)),
                                 tuple(sorted(f"{c}@{y}" for c, y in valued if y in (year, prev))))
            annual, valued_y = by_year[year]
            ind_m = annual if not monthly else tuple(
                f for f in annual if not bound_month.get(f.code) or f.period <= month)
            if len(latest) != n_latest[0]:
                keys_any[:] = sorted(latest)
                n_latest[0] = len(latest)
            if len(approved) != n_latest[1]:
                keys_ok[:] = sorted(approved)
                n_latest[1] = len(approved)
            has = bool(reports[month]) or month in entered or any(
                s.state in ("submitted", "approved") for s in subs_m)
            out.append(MonthView(
                month=month, unit=self.unit, basis=self.basis, today=self.today.isoformat(),
                plan_id=self.plan.plan_id,
                plan_digest=self.plan.digest, settings=self.settings, demo=self.demo, streets=self.streets,
                has_entries=has, task_reports=tuple(reports[month]),
                latest_tasks=tuple([latest[k] for k in keys_any]),
                latest_approved=tuple([approved[k] for k in keys_ok]), submissions=tuple(subs_m),
                indicator_values=ind_m, valued=valued_y,
                milestone_values=tuple(ms[:bisect_right(ms_months, month)]),
                projects=projects.get(month, ()), baselines=baselines, plan=self.plan,
                evidence=evidence.get(month, ())))
        return tuple(out)

    def _evidence(self, state: Any) -> dict[str, tuple[Evidence, ...]]:
        """The 佐证材料 of each month (an annual indicator's also in the later months of its year)."""
        where, params = self._unit_filter()
        rows = [Evidence._make((*r[:-1], state(r[1], r[2]))) for r in self._rows(
            "SELECT uid, unit, month, entity, entity_key, name, kind, sha256, size, width, height, caption, "
            f"added_at, added_by, '' FROM attachments WHERE removed_at = '' AND month BETWEEN ? AND ?{where} "
            "ORDER BY id", [f"{self.lo[:4]}-01", self.hi, *params])]
        out: dict[str, tuple[Evidence, ...]] = {}
        for m in self.months:
            out[m] = tuple(e for e in rows if e.month == m or (
                e.entity == "indicator" and e.month < m and e.key.endswith(f"@{m[:4]}")))
        return out

    def _lead(self, task_code: str) -> str:
        t = self.plan.tasks_by_code.get(task_code)
        if t is None:
            return ""
        lead = t.units[0] if t.units else ""
        if lead == self.plan.streets_unit:
            return self.streets[0] if self.streets else ""
        return lead

    def _projects(self, state: Any) -> dict[str, tuple[Project, ...]]:
        """Projects open in each month, with the latest figures up to it (last year's
        investment figures do not count in a new year)."""
        where, params = self._unit_filter("p.unit")
        cols = ("id, uid, task_code, unit, name, content, ptype, total_invest, plan_start, plan_end, "
                "created_month, closed_month")
        projects = self._rows(f"SELECT {cols} FROM projects p WHERE created_month <= ?{where} "
                              "ORDER BY task_code, id", [self.hi, *params])
        if not projects:
            return {}
        figs: dict[int, list[tuple[Any, ...]]] = {}
        fcols = "pm.project_id, pm.month, pm.ptype, pm.year_plan_invest, pm.cum_invest, pm.actual_start, pm.progress"
        # the latest figures before the range, then the range's
        for r in self._rows(
                f"SELECT {fcols} FROM project_months pm JOIN (SELECT project_id, MAX(month) AS m "
                "FROM project_months WHERE month < ? GROUP BY project_id) x "
                "ON pm.project_id = x.project_id AND pm.month = x.m JOIN projects p ON p.id = pm.project_id "
                f"WHERE 1 = 1{where} UNION ALL SELECT {fcols} FROM project_months pm JOIN projects p "
                f"ON p.id = pm.project_id WHERE pm.month BETWEEN ? AND ?{where} ORDER BY 1, 2",
                [self.lo, *params, self.lo, self.hi, *params]):
            figs.setdefault(r[0], []).append(r)
        order = {t.code: i for i, t in enumerate(self.plan.tasks)}
        projects.sort(key=lambda p: (order.get(p[2], 999), p[0]))
        pos = {p[0]: -1 for p in projects}
        made: dict[tuple[int, int, bool], Project] = {}  # unchanged figures: the same record again
        out: dict[str, tuple[Project, ...]] = {}
        for m in self.months:
            lines = []
            for p in projects:
                pid, created, closed = p[0], p[10], p[11]
                if created > m or (closed and closed < m):
                    continue
                series = figs.get(pid, ())
                i = pos[pid]
                while i + 1 < len(series) and series[i + 1][1] <= m:
                    i += 1
                pos[pid] = i
                fig = series[i] if i >= 0 else None
                this_year = fig is not None and fig[1][:4] == m[:4]
                key = (pid, i, this_year)
                if key not in made:
                    made[key] = self._project(p, fig, this_year, state)
                lines.append(made[key])
            out[m] = tuple(lines)
        return out

    @staticmethod
    def _project(p: Sequence[Any], fig: Sequence[Any] | None, this_year: bool, state: Any) -> Project:
        plan_inv = cum = None
        start = progress = fig_month = ""
        ptype = p[6] or ""
        if fig is not None:
            fig_month = fig[1]
            if this_year:  # figures are per year: last year's do not count
                plan_inv, cum = _num(fig[3]), _num(fig[4])
            start, progress = fig[5] or "", fig[6] or ""
            ptype = fig[2] or ptype
        return Project(
            id=int(p[0]), uid=p[1], task_code=p[2], unit=p[3], name=p[4], content=p[5] or "",
            ptype=ptype, total_invest=_num(p[7]), plan_start=p[8] or "", plan_end=p[9] or "",
            created_month=p[10], closed_month=p[11] or "", year_plan_invest=plan_inv,
            cum_invest=cum, actual_start=start, progress=progress, fig_month=fig_month,
            state=state(p[3], fig_month) if fig_month else "draft")


def _num(v: Any) -> float | None:
    return None if v is None else float(v)
