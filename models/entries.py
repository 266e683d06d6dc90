"""Monthly entries of a unit: task progress, milestone figures, projects, indicator values.

Every save checks who may edit what (``Actor``) and whether the month is open
(``editable``), stores the value, and records each changed field in the audit
trail (who, when, old → new). Drafts may hold invalid values; ``month_problems``
lists them and ``submit`` refuses while any remain.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from forms import project_form, task_form
from forms.fields import FieldError, validate_all
from models.app import Actor, App, month_add
from models.errors import InvalidInput, Locked, NotFound, PermissionDenied
from models.store import now_iso
from forms.values import (ValueProblem, as_text, clean_text, confirmation_needed, parse_number,
                           parse_yes_no)

MAX_TEXT = 20000
STATE_NAMES = {"": "未填报", "draft": "草稿", "submitted": "已报送", "approved": "已审核通过",
               "returned": "已退回"}


@dataclass(frozen=True)
class SaveResult:
    changed: list[str]  # keys of the fields that changed
    errors: list[FieldError]  # problems that block submitting (the draft is saved anyway)


def due_date(month: str, due_day: int) -> date:
    nxt = month_add(month, 1)
    y, m = int(nxt[:4]), int(nxt[5:7])
    day = max(1, min(int(due_day), 28))
    return date(y, m, day)


class Entries:
    def __init__(self, app: App):
        self.app = app
        self.store = app.store
        self.plan = app.plan

    # -- submission state and locks ----------------------------------------------
    def submission(self, unit: str, month: str) -> dict[str, Any]:
        row = self.store.one("SELECT * FROM submissions WHERE unit = ? AND month = ?", (unit, month))
        if row is None:
            return {"unit": unit, "month": month, "state": "", "submitted_at": "",
                    "submitted_by": "", "decided_at": "", "decided_by": "", "comment": "",
                    "returns": 0, "updated_at": ""}
        return row

    def state(self, unit: str, month: str) -> str:
        return self.submission(unit, month)["state"]

    def lock_reason(self, actor: Actor, unit: str, month: str, today: date | None = None) -> str:
        """Why ``actor`` cannot edit ``unit``'s ``month``; "" when editing is allowed."""
        if not actor.is_office and actor.unit != unit:
            return f"您是{actor.unit or '未指定单位'}的填报员，不能修改{unit}的数据。"
        if unit not in self.app.reporting_units():
            return f"“{unit}”不是填报单位。"
        sub = self.submission(unit, month)
        st = sub["state"]
        if st == "approved":
            return (f"{unit}{_month_cn(month)}的报送已于{sub['decided_at'][:10]}审核通过并锁定；"
                    "如需修改，请联系领导小组办公室解锁。")
        if st == "submitted":
            return (f"{unit}{_month_cn(month)}的数据已于{sub['submitted_at'][:10]}报送，等待审核，"
                    "报送后不能修改；如需修改请联系领导小组办公室退回。")
        expiry = int(self.app.settings.get("expiry_days") or 0)
        if expiry > 0 and st != "returned":
            last = due_date(month, self.app.settings.get("due_day")) + timedelta(days=expiry)
            if (today or date.today()) > last:
                return (f"{_month_cn(month)}的填报期限已过（{last.isoformat()}截止），不能再修改；"
                        "如需补报请联系领导小组办公室解锁。")
        return ""

    def editable(self, actor: Actor, unit: str, month: str) -> bool:
        return not self.lock_reason(actor, unit, month)

    def _check_edit(self, actor: Actor, unit: str, month: str) -> None:
        reason = self.lock_reason(actor, unit, month)
        if reason:
            if reason.startswith("您是") or "不是填报单位" in reason:
                raise PermissionDenied(reason)
            raise Locked(reason)

    def _touch(self, c: Any, unit: str, month: str) -> None:
        c.execute(
            "INSERT INTO submissions(unit, month, state, updated_at) VALUES (?, ?, 'draft', ?) "
            "ON CONFLICT(unit, month) DO UPDATE SET updated_at = excluded.updated_at, "
            "state = CASE WHEN state = '' THEN 'draft' ELSE state END",
            (unit, month, now_iso()))

    def _audit(self, c: Any, actor: Actor, unit: str, month: str, entity: str, key: str,
               changes: list[tuple[str, Any, Any]], origin: str) -> None:
        at = now_iso()
        c.executemany(
            "INSERT INTO value_audit(at, actor, unit, month, entity, entity_key, field, old, new, origin) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(at, actor.username, unit, month, entity, key, f, as_text(o), as_text(n), origin)
             for f, o, n in changes])

    # -- task reports ----------------------------------------------------------------
    def task_report(self, task_code: str, unit: str, month: str) -> dict[str, Any]:
        row = self.store.one("SELECT * FROM task_reports WHERE task_code = ? AND unit = ? AND month = ?",
                             (task_code, unit, month))
        if row is None:
            row = {f.key: "" for f in task_form.FIELDS}
            row.update(task_code=task_code, unit=unit, month=month, updated_at="", updated_by="")
        return row

    def save_task_report(self, actor: Actor, task_code: str, unit: str, month: str,
                         values: dict[str, Any], origin: str = "form") -> SaveResult:
        task = self.plan.tasks_by_code.get(task_code)
        if task is None:
            raise NotFound(f"任务编码“{task_code}”不存在。")
        if self.app.task_role(task, unit) is None:
            raise PermissionDenied(f"任务{task_code}“{task.title}”没有分配给{unit}。")
        self._check_edit(actor, unit, month)
        old = self.task_report(task_code, unit, month)
        new = dict(old)
        for f in task_form.FIELDS:
            if f.key not in values:
                continue
            raw = values[f.key]
            try:
                cleaned = f.validate(raw)
                new[f.key] = as_text(cleaned)
            except ValueProblem:
                new[f.key] = _store_raw(raw, f.label)
        changes = [(f.key, old[f.key], new[f.key]) for f in task_form.FIELDS
                   if (old[f.key] or "") != (new[f.key] or "")]
        _, errors = validate_all(task_form.FIELDS, new)
        if not changes:
            return SaveResult([], errors)
        with self.store.tx() as c:
            cols = [f.key for f in task_form.FIELDS]
            c.execute(
                f"INSERT INTO task_reports(task_code, unit, month, {', '.join(cols)}, updated_at, updated_by) "
                f"VALUES (?, ?, ?, {', '.join('?' for _ in cols)}, ?, ?) "
                f"ON CONFLICT(task_code, unit, month) DO UPDATE SET "
                + ", ".join(f"{k} = excluded.{k}" for k in cols)
                + ", updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                (task_code, unit, month, *[new[k] or "" for k in cols], now_iso(), actor.username))
            self._audit(c, actor, unit, month, "task_report", task_code, changes, origin)
            self._touch(c, unit, month)
        return SaveResult([k for k, _, _ in changes], errors)

    def contributions(self, task_code: str, month: str) -> list[dict[str, Any]]:
        """Every unit's report on a task for the month, lead first (what the lead sees)."""
        task = self.plan.task(task_code)
        units = self.app.task_units(task)
        rows = {r["unit"]: r for r in self.store.query(
            "SELECT * FROM task_reports WHERE task_code = ? AND month = ?", (task_code, month))}
        out = []
        for u in units:
            r = rows.get(u) or self.task_report(task_code, u, month)
            r = dict(r)
            r["role"] = "lead" if u == units[0] else "cooperate"
            out.append(r)
        return out

    def previous_report(self, task_code: str, unit: str, month: str) -> dict[str, Any] | None:
        return self.store.one(
            "SELECT * FROM task_reports WHERE task_code = ? AND unit = ? AND month < ? "
            "ORDER BY month DESC LIMIT 1", (task_code, unit, month))

    def copy_last_month(self, actor: Actor, task_code: str, unit: str, month: str) -> SaveResult:
        """Copy last month's text fields as a starting point (only into empty fields)."""
        prev = self.previous_report(task_code, unit, month)
        if prev is None:
            raise NotFound(f"{unit}在{_month_cn(month)}之前没有任务{task_code}的填报记录可复制。")
        cur = self.task_report(task_code, unit, month)
        values = {k: prev[k] for k in task_form.TEXT_KEYS if not cur.get(k) and prev.get(k)}
        if "status" not in values and not cur.get("status") and prev.get("status") != "已完成":
            values["status"] = prev.get("status", "")
        return self.save_task_report(actor, task_code, unit, month, values, origin="copy")

    # -- milestone figures -------------------------------------------------------------
    def milestone_value(self, code: str, unit: str, month: str) -> dict[str, Any] | None:
        return self.store.one("SELECT * FROM milestone_values WHERE milestone_code = ? AND unit = ? AND month = ?",
                              (code, unit, month))

    def save_milestone_value(self, actor: Actor, code: str, unit: str, month: str, raw: Any,
                             note: str | None = None, origin: str = "form") -> SaveResult:
        part = self.plan.parts_by_code.get(code)
        if part is None or not part.task:
            raise NotFound(f"里程碑编码“{code}”不存在。")
        task = self.plan.task(part.task)
        if self.app.task_role(task, unit) is None:
            raise PermissionDenied(f"里程碑{code}所属任务{task.code}没有分配给{unit}。")
        self._check_edit(actor, unit, month)
        old = self.milestone_value(code, unit, month) or {"value": None, "raw": "", "note": ""}
        value, raw_s, errors = _parse_part_value(part, raw, f"{part.name}（累计）")
        new_note = old["note"] if note is None else _store_raw(note, "说明")
        changes = [(k, o, n) for k, o, n in (("value", old["value"], value), ("raw", old["raw"], raw_s),
                                              ("note", old["note"], new_note)) if as_text(o) != as_text(n)]
        if not changes:
            return SaveResult([], errors)
        with self.store.tx() as c:
            c.execute(
                "INSERT INTO milestone_values(milestone_code, unit, month, value, raw, note, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(milestone_code, unit, month) DO UPDATE SET "
                "value = excluded.value, raw = excluded.raw, note = excluded.note, "
                "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                (code, unit, month, value, raw_s, new_note, now_iso(), actor.username))
            self._audit(c, actor, unit, month, "milestone", code,
                        [ch for ch in changes if ch[0] != "raw"] or changes, origin)
            self._touch(c, unit, month)
        return SaveResult([k for k, _, _ in changes], errors)

    def milestone_series(self, code: str, unit: str | None = None) -> list[tuple[str, float]]:
        """(month, cumulative value) of a milestone, by default the lead unit's."""
        part = self.plan.part(code)
        if unit is None:
            unit = self.app.task_units(self.plan.task(part.task))[0]
        return [(r["month"], r["value"]) for r in self.store.query(
            "SELECT month, value FROM milestone_values WHERE milestone_code = ? AND unit = ? "
            "AND value IS NOT NULL ORDER BY month", (code, unit))]

    # -- indicator values ------------------------------------------------------------------
    def period_for(self, part_code: str, month: str) -> str:
        part = self.plan.part(part_code)
        return month if part.frequency == "month" else month[:4]

    def indicator_value(self, part_code: str, period: str) -> dict[str, Any] | None:
        return self.store.one("SELECT * FROM indicator_values WHERE part_code = ? AND period = ?",
                              (part_code, period))

    def save_indicator_value(self, actor: Actor, part_code: str, unit: str, month: str,
                             raw: Any, source: str | None = None, note: str | None = None,
                             period: str | None = None, origin: str = "form") -> SaveResult:
        part = self.plan.parts_by_code.get(part_code)
        if part is None or part.task:
            raise NotFound(f"指标编码“{part_code}”不存在。")
        ind = self.plan.indicator_of(part_code)
        if ind is not None and ind.responsible_unit != unit:
            raise PermissionDenied(f"指标{part_code}“{part.name}”的责任单位是{ind.responsible_unit}，不是{unit}。")
        self._check_edit(actor, unit, month)
        period = period or self.period_for(part_code, month)
        old = self.indicator_value(part_code, period) or {"value": None, "raw": "", "source": "", "note": ""}
        value, raw_s, errors = _parse_part_value(part, raw, part.name)
        new = {"value": value, "raw": raw_s,
               "source": old["source"] if source is None else _store_raw(source, "数据来源"),
               "note": old["note"] if note is None else _store_raw(note, "说明")}
        changes = [(k, old[k], new[k]) for k in ("value", "raw", "source", "note") if as_text(old[k]) != as_text(new[k])]
        if not changes:
            return SaveResult([], errors)
        with self.store.tx() as c:
            c.execute(
                "INSERT INTO indicator_values(part_code, period, unit, month, value, raw, source, note, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(part_code, period) DO UPDATE SET "
                "unit = excluded.unit, month = excluded.month, value = excluded.value, raw = excluded.raw, "
                "source = excluded.source, note = excluded.note, updated_at = excluded.updated_at, "
                "updated_by = excluded.updated_by",
                (part_code, period, unit, month, new["value"], new["raw"], new["source"], new["note"],
                 now_iso(), actor.username))
            self._audit(c, actor, unit, month, "indicator", f"{part_code}@{period}",
                        [ch for ch in changes if ch[0] != "raw"] or changes, origin)
            self._touch(c, unit, month)
        return SaveResult([k for k, _, _ in changes], errors)

    def indicator_series(self, part_code: str) -> list[tuple[str, float]]:
        return [(r["period"], r["value"]) for r in self.store.query(
            "SELECT period, value FROM indicator_values WHERE part_code = ? AND value IS NOT NULL "
            "ORDER BY period", (part_code,))]

    def previous_indicator_value(self, part_code: str, period: str) -> float | None:
        return self.store.scalar(
            "SELECT value FROM indicator_values WHERE part_code = ? AND period < ? AND value IS NOT NULL "
            "ORDER BY period DESC LIMIT 1", (part_code, period))

    # -- projects -------------------------------------------------------------------------------
    def projects(self, unit: str | None, month: str, task_code: str | None = None,
                 include_closed: bool = False) -> list[dict[str, Any]]:
        """Projects open in ``month`` with their latest monthly figures up to that month."""
        sql = ("SELECT p.*, pm.month AS fig_month, pm.ptype AS m_ptype, pm.year_plan_invest, "
               "pm.cum_invest, pm.actual_start, pm.progress FROM projects p "
               "LEFT JOIN project_months pm ON pm.project_id = p.id AND pm.month = ("
               " SELECT MAX(month) FROM project_months WHERE project_id = p.id AND month <= ?) "
               "WHERE p.created_month <= ?")
        params: list[Any] = [month, month]
        if unit:
            sql += " AND p.unit = ?"
            params.append(unit)
        if task_code:
            sql += " AND p.task_code = ?"
            params.append(task_code)
        if not include_closed:
            sql += " AND (p.closed_month = '' OR p.closed_month >= ?)"
            params.append(month)
        sql += " ORDER BY p.task_code, p.id"
        rows = self.store.query(sql, params)
        for r in rows:
            if r.get("m_ptype"):
                r["ptype"] = r["m_ptype"]
            r.pop("m_ptype", None)
        return rows

    def project(self, uid: str, month: str) -> dict[str, Any]:
        rows = [r for r in self.projects(None, month, include_closed=True) if r["uid"] == uid]
        if not rows:
            row = self.store.one("SELECT * FROM projects WHERE uid = ?", (uid,))
            if row is None:
                raise NotFound("项目不存在或已被删除。")
            return row
        return rows[0]

    def save_project(self, actor: Actor, unit: str, month: str, task_code: str,
                     values: dict[str, Any], uid: str | None = None, origin: str = "form") -> str:
        """Create (uid None) or update a project; monthly figures are stored for ``month``.
        Invalid fields are refused with InvalidInput naming each field."""
        task = self.plan.tasks_by_code.get(task_code)
        if task is None:
            raise NotFound(f"任务编码“{task_code}”不存在。")
        if self.app.task_role(task, unit) is None:
            raise PermissionDenied(f"任务{task_code}没有分配给{unit}，不能在其下登记项目。")
        self._check_edit(actor, unit, month)
        existing = None
        if uid:
            existing = self.store.one("SELECT * FROM projects WHERE uid = ?", (uid,))
            if existing is None:
                raise NotFound("项目不存在。")
            if existing["unit"] != unit:
                raise PermissionDenied(f"该项目属于{existing['unit']}，不能由{unit}修改。")
            merged = self.project(uid, month)
            merged.update(values)
            values = merged
        clean, errors = validate_all(project_form.FIELDS, values)
        if errors:
            raise InvalidInput("项目信息有误：" + "；".join(e.message for e in errors),
                               [(e.label, e.message) for e in errors])
        now = now_iso()
        with self.store.tx() as c:
            if existing is None:
                uid = uuid.uuid4().hex
                cur = c.execute(
                    "INSERT INTO projects(uid, task_code, unit, name, content, ptype, total_invest, plan_start, "
                    "plan_end, reduction, created_month, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (uid, task_code, unit, clean["name"], clean["content"], clean["ptype"],
                     clean["total_invest"], clean["plan_start"], clean["plan_end"], clean["reduction"],
                     month, now, actor.username))
                pid = cur.lastrowid
                old: dict[str, Any] = {}
            else:
                pid = existing["id"]
                old = self.project(uid, month)  # type: ignore[arg-type]
                c.execute(
                    "UPDATE projects SET task_code = ?, name = ?, content = ?, ptype = ?, total_invest = ?, "
                    "plan_start = ?, plan_end = ?, reduction = ?, updated_at = ?, updated_by = ? WHERE id = ?",
                    (task_code, clean["name"], clean["content"], clean["ptype"], clean["total_invest"],
                     clean["plan_start"], clean["plan_end"], clean["reduction"], now, actor.username, pid))
            c.execute(
                "INSERT INTO project_months(project_id, month, ptype, year_plan_invest, cum_invest, actual_start, "
                "progress, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(project_id, month) DO UPDATE SET ptype = excluded.ptype, "
                "year_plan_invest = excluded.year_plan_invest, cum_invest = excluded.cum_invest, "
                "actual_start = excluded.actual_start, progress = excluded.progress, "
                "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                (pid, month, clean["ptype"], clean["year_plan_invest"], clean["cum_invest"],
                 clean["actual_start"], clean["progress"], now, actor.username))
            changes = [(f.key, old.get(f.key), clean[f.key]) for f in project_form.FIELDS
                       if as_text(old.get(f.key)) != as_text(clean[f.key])]
            if changes:
                self._audit(c, actor, unit, month, "project", uid, changes, origin)  # type: ignore[arg-type]
            self._touch(c, unit, month)
        return uid  # type: ignore[return-value]

    def close_project(self, actor: Actor, uid: str, month: str) -> None:
        row = self.store.one("SELECT * FROM projects WHERE uid = ?", (uid,))
        if row is None:
            raise NotFound("项目不存在。")
        self._check_edit(actor, row["unit"], month)
        with self.store.tx() as c:
            c.execute("UPDATE projects SET closed_month = ?, updated_at = ?, updated_by = ? WHERE id = ?",
                      (month, now_iso(), actor.username, row["id"]))
            self._audit(c, actor, row["unit"], month, "project", uid,
                        [("closed_month", row["closed_month"], month)], "form")
            self._touch(c, row["unit"], month)

    def project_history(self, uid: str) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT pm.* FROM project_months pm JOIN projects p ON p.id = pm.project_id "
            "WHERE p.uid = ? ORDER BY pm.month", (uid,))

    # -- overviews for the workspace ------------------------------------------------------------------
    def month_overview(self, unit: str, month: str) -> dict[str, dict[str, Any]]:
        """What ``unit`` has entered for ``month`` (three queries, for list badges):
        ``tasks`` {task_code: status}, ``milestones`` {code: raw},
        ``indicators`` {part_code: raw} (period of the month), ``projects`` {task_code: open count}."""
        tasks = {r["task_code"]: r["status"] or "草稿" for r in self.store.query(
            "SELECT task_code, status FROM task_reports WHERE unit = ? AND month = ?", (unit, month))}
        miles = {r["milestone_code"]: r["raw"] for r in self.store.query(
            "SELECT milestone_code, raw FROM milestone_values WHERE unit = ? AND month = ?", (unit, month))}
        inds: dict[str, Any] = {}
        codes = self.app.parts_of(unit)
        if codes:
            periods = {c: self.period_for(c, month) for c in codes}
            marks = ",".join("?" for _ in codes)
            for r in self.store.query(f"SELECT part_code, period, raw FROM indicator_values "
                                      f"WHERE part_code IN ({marks})", codes):
                if periods.get(r["part_code"]) == r["period"]:
                    inds[r["part_code"]] = r["raw"]
        projects = {r["task_code"]: r["n"] for r in self.store.query(
            "SELECT task_code, COUNT(*) AS n FROM projects WHERE unit = ? AND created_month <= ? "
            "AND (closed_month = '' OR closed_month >= ?) GROUP BY task_code", (unit, month, month))}
        return {"tasks": tasks, "milestones": miles, "indicators": inds, "projects": projects}

    def month_states(self, unit: str) -> dict[str, str]:
        """{month: submission state} of every month the unit has touched."""
        return {r["month"]: r["state"] for r in self.store.query(
            "SELECT month, state FROM submissions WHERE unit = ?", (unit,))}

    def previous_milestone_value(self, code: str, unit: str, month: str) -> dict[str, Any] | None:
        """The unit's latest milestone figure before ``month`` (a cumulative starting point)."""
        return self.store.one(
            "SELECT * FROM milestone_values WHERE milestone_code = ? AND unit = ? AND month < ? "
            "AND raw != '' ORDER BY month DESC LIMIT 1", (code, unit, month))

    # -- the month as a whole ----------------------------------------------------------------------
    def month_problems(self, unit: str, month: str) -> list[tuple[str, str]]:
        """Everything that blocks submitting: (where, message) pairs in form order."""
        problems: list[tuple[str, str]] = []
        reports = {r["task_code"]: r for r in self.store.query(
            "SELECT * FROM task_reports WHERE unit = ? AND month = ?", (unit, month))}
        for task, _role in self.app.tasks_of(unit):
            rep = reports.get(task.code)
            where = f"任务{task.code}“{task.title}”"
            if rep is None:
                problems.append((where, "本月尚未填报"))
                continue
            _, errors = validate_all(task_form.FIELDS, rep)
            problems.extend((f"{where} · {e.label}", e.message) for e in errors)
        for r in self.store.query("SELECT * FROM milestone_values WHERE unit = ? AND month = ?",
                                  (unit, month)):
            if r["value"] is None and (r["raw"] or "").strip():
                part = self.plan.part(r["milestone_code"])
                _, _, errs = _parse_part_value(part, r["raw"], part.name)
                problems.extend((f"里程碑{r['milestone_code']}", e.message) for e in errs)
        for code in self.app.parts_of(unit):
            r = self.indicator_value(code, self.period_for(code, month))
            if r and r["value"] is None and (r["raw"] or "").strip():
                part = self.plan.part(code)
                _, _, errs = _parse_part_value(part, r["raw"], part.name)
                problems.extend((f"指标{code}", e.message) for e in errs)
        problems.extend((where, f"{msg}；确认无误后才能报送") for where, msg, _ in self.unconfirmed_jumps(unit, month))
        return problems

    # -- values far off the previous period -----------------------------------------------------
    def unconfirmed_jumps(self, unit: str, month: str) -> list[tuple[str, str, tuple[str, str]]]:
        """Values of the month more than 10 times off the previous period and not yet
        confirmed: (where, message, (kind, code)) triples."""
        out: list[tuple[str, str, tuple[str, str]]] = []
        for r in self.store.query("SELECT * FROM milestone_values WHERE unit = ? AND month = ? "
                                  "AND value IS NOT NULL", (unit, month)):
            part = self.plan.part(r["milestone_code"])
            if part.qualitative or r["confirmed_value"] == r["value"]:
                continue
            prev = self.store.scalar(
                "SELECT value FROM milestone_values WHERE milestone_code = ? AND unit = ? AND month < ? "
                "AND value IS NOT NULL ORDER BY month DESC LIMIT 1", (r["milestone_code"], unit, month))
            msg = confirmation_needed(r["value"], prev, label=f"{part.name}（累计）", unit=part.unit)
            if msg:
                out.append((f"里程碑{r['milestone_code']}", msg, ("milestone", r["milestone_code"])))
        for code in self.app.parts_of(unit):
            part = self.plan.part(code)
            period = self.period_for(code, month)
            r = self.indicator_value(code, period)
            if part.qualitative or not r or r["value"] is None or r["confirmed_value"] == r["value"]:
                continue
            msg = confirmation_needed(r["value"], self.previous_indicator_value(code, period),
                                      label=part.name, unit=part.unit)
            if msg:
                out.append((f"指标{code}", msg, ("indicator", code)))
        return out

    def confirm_jump(self, actor: Actor, kind: str, code: str, unit: str, month: str) -> None:
        """Record that the value entered for ``month`` was checked and is right."""
        self._check_edit(actor, unit, month)
        if kind == "milestone":
            row = self.milestone_value(code, unit, month)
            table, where, key = "milestone_values", "milestone_code = ? AND unit = ? AND month = ?", code
            params: tuple[str, ...] = (code, unit, month)
        else:
            period = self.period_for(code, month)
            row = self.indicator_value(code, period)
            table, where, key = "indicator_values", "part_code = ? AND period = ?", f"{code}@{period}"
            params = (code, period)
        if row is None or row["value"] is None:
            raise NotFound(f"{code}本期没有可确认的数值。")
        with self.store.tx() as c:
            c.execute(f"UPDATE {table} SET confirmed_value = value WHERE {where}", params)
            self._audit(c, actor, unit, month, "milestone" if kind == "milestone" else "indicator", key,
                        [("confirmed", row["confirmed_value"], row["value"])], "form")

    def submit(self, actor: Actor, unit: str, month: str) -> None:
        actor.require_unit(unit, "报送该单位的数据")
        self._check_edit(actor, unit, month)
        problems = self.month_problems(unit, month)
        if problems:
            raise InvalidInput(f"还有{len(problems)}处问题，改正后才能报送。", problems)
        now = now_iso()
        with self.store.tx() as c:
            c.execute(
                "INSERT INTO submissions(unit, month, state, submitted_at, submitted_by, updated_at) "
                "VALUES (?, ?, 'submitted', ?, ?, ?) ON CONFLICT(unit, month) DO UPDATE SET "
                "state = 'submitted', submitted_at = excluded.submitted_at, "
                "submitted_by = excluded.submitted_by, updated_at = excluded.updated_at",
                (unit, month, now, actor.username, now))
            c.execute("INSERT INTO review_events(at, actor, unit, month, action, comment) "
                      "VALUES (?, ?, ?, ?, 'submit', '')", (now, actor.username, unit, month))
            self.app.log(actor, "review", f"报送：{unit} {_month_cn(month)}")

    def history(self, entity: str, key: str, field: str | None = None,
                unit: str | None = None, month: str | None = None) -> list[dict[str, Any]]:
        """The audit trail of one entered value (who, when, old → new), newest first;
        ``unit``/``month`` narrow it (a task report's key is shared by its units)."""
        sql = "SELECT * FROM value_audit WHERE entity = ? AND entity_key = ?"
        params: list[Any] = [entity, key]
        for col, val in (("field", field), ("unit", unit), ("month", month)):
            if val:
                sql += f" AND {col} = ?"
                params.append(val)
        return self.store.query(sql + " ORDER BY id DESC", params)


def _store_raw(raw: Any, label: str) -> str:
    text = clean_text(raw, label=label, max_len=10 ** 9)
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{label}过长：{len(text)}字，最多{MAX_TEXT}字，未保存。",
                           [(label, f"过长（{len(text)}字）")])
    return text


def _parse_part_value(part: Any, raw: Any, label: str) -> tuple[float | None, str, list[FieldError]]:
    """(parsed value or None, raw text to keep, problems)."""
    raw_s = _store_raw(raw if not isinstance(raw, float) else as_text(raw), label)
    try:
        if part.qualitative:
            yn = parse_yes_no(raw, label=label)
            value = None if yn is None else (1.0 if yn else 0.0)
            raw_s = "" if yn is None else ("是" if yn else "否")
        else:
            value = parse_number(raw, label=label, unit=part.unit).value
        return value, raw_s, []
    except ValueProblem as exc:
        return None, raw_s, [FieldError("value", label, str(exc))]


def _month_cn(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:7])}月"


month_cn = _month_cn
