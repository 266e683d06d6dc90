"""Monthly entries of a unit: the entries service and the month as a whole.

``Entries`` puts together task reports (``models.entries_tasks``), milestone figures
and indicator values (``models.entries_indicators``), projects
(``models.entries_projects``) and evidence files (``models.attachments``; what the submit
check asks of them: ``models.evidence_rules``) on their shared base
(``models.entries_base``: state, locks, audit trail). Here: the month's overview for the workspace, the problems that
block submitting, values far off the previous period and their confirmation,
submitting, and the audit trail of one value.
"""

from __future__ import annotations

from typing import Any

from forms import task_form
from forms.fields import validate_all
from forms.values import confirmation_needed
from models.app import Actor
from models.attachments import AttachmentEntries
from models.authority import UNIT, rule
from models.entries_base import _month_cn, _parse_part_value
from models.entries_indicators import IndicatorEntries
from models.entries_projects import ProjectEntries
from models.entries_tasks import TaskEntries
from models.errors import InvalidInput, NotFound
from models.evidence_rules import EvidenceRules
from models.store import now_iso


class Entries(TaskEntries, IndicatorEntries, ProjectEntries, AttachmentEntries, EvidenceRules):
    """The entries service: every kind of entry of a unit's month, and the month as a whole."""

    # -- overviews for the workspace ------------------------------------------------------------------
    @rule(UNIT, unit="unit", read=True, what="查看该单位的填报")
    def month_overview(self, actor: Actor, unit: str, month: str) -> dict[str, dict[str, Any]]:
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

    @rule(UNIT, unit="unit", read=True, what="查看该单位的报送状态")
    def month_states(self, actor: Actor, unit: str) -> dict[str, str]:
        """{month: submission state} of every month the unit has touched."""
        return {r["month"]: r["state"] for r in self.store.query(
            "SELECT month, state FROM submissions WHERE unit = ?", (unit,))}

    # -- the month as a whole ----------------------------------------------------------------------
    @rule(UNIT, unit="unit", read=True, what="查看该单位的填报")
    def month_problems(self, actor: Actor, unit: str, month: str) -> list[tuple[str, str]]:
        """Everything that blocks submitting: (where, message) pairs in form order."""
        return self._month_problems(unit, month)

    def _month_problems(self, unit: str, month: str) -> list[tuple[str, str]]:
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
            problems.extend((f"里程碑{r['milestone_code']}", m) for m in self._part_of_problems(
                r["milestone_code"], r["value"], month, unit))
        for code in self.app.parts_of(unit):
            iv = self._indicator_value(code, self.period_for(code, month))
            if iv and iv["value"] is None and (iv["raw"] or "").strip():
                part = self.plan.part(code)
                _, _, errs = _parse_part_value(part, iv["raw"], part.entry_name)
                problems.extend((f"指标{code}", e.message) for e in errs)
            if iv:
                problems.extend((f"指标{code}", m) for m in self._part_of_problems(code, iv["value"], iv["period"]))
        problems.extend((where, f"{msg}；确认无误后才能报送") for where, msg, _ in self._unconfirmed_jumps(unit, month))
        problems.extend(self._attachment_problems(unit, month))
        return problems

    # -- values far off the previous period -----------------------------------------------------
    @rule(UNIT, unit="unit", read=True, what="查看该单位的填报")
    def unconfirmed_jumps(self, actor: Actor, unit: str, month: str) -> list[tuple[str, str, tuple[str, str]]]:
        """Values of the month more than 10 times off the previous period and not yet
        confirmed: (where, message, (kind, code)) triples."""
        return self._unconfirmed_jumps(unit, month)

    def _unconfirmed_jumps(self, unit: str, month: str) -> list[tuple[str, str, tuple[str, str]]]:
        out: list[tuple[str, str, tuple[str, str]]] = []
        for r in self.store.query("SELECT * FROM milestone_values WHERE unit = ? AND month = ? "
                                  "AND value IS NOT NULL", (unit, month)):
            part = self.plan.part(r["milestone_code"])
            if part.qualitative or r["confirmed_value"] == r["value"]:
                continue
            prev = self.store.scalar(
                "SELECT value FROM milestone_values WHERE milestone_code = ? AND unit = ? AND month < ? "
                "AND value IS NOT NULL ORDER BY month DESC LIMIT 1", (r["milestone_code"], unit, month))
            msg = confirmation_needed(r["value"], prev, label=f"{part.name}（累计）", unit=part.entry_unit)
            if msg:
                out.append((f"里程碑{r['milestone_code']}", msg, ("milestone", r["milestone_code"])))
        for code in self.app.parts_of(unit):
            part = self.plan.part(code)
            period = self.period_for(code, month)
            iv = self._indicator_value(code, period)
            if part.qualitative or not iv or iv["value"] is None or iv["confirmed_value"] == iv["value"]:
                continue
            msg = confirmation_needed(iv["value"], self._previous_indicator_value(code, period),
                                      label=part.name, unit=part.entry_unit)
            if msg:
                out.append((f"指标{code}", msg, ("indicator", code)))
        return out

    @rule(UNIT, unit="unit", what="确认该单位的数值")
    def confirm_jump(self, actor: Actor, kind: str, code: str, unit: str, month: str) -> None:
        """Record that the value entered for ``month`` was checked and is right."""
        self._check_edit(actor, unit, month)
        if kind == "milestone":
            row = self._milestone_value(code, unit, month)
            table, where, key = "milestone_values", "milestone_code = ? AND unit = ? AND month = ?", code
            params: tuple[str, ...] = (code, unit, month)
        else:
            period = self.period_for(code, month)
            row = self._indicator_value(code, period)
            table, where, key = "indicator_values", "part_code = ? AND period = ?", f"{code}@{period}"
            params = (code, period)
        if row is None or row["value"] is None:
            raise NotFound(f"{code}本期没有可确认的数值。")
        with self.store.tx() as c:
            c.execute(f"UPDATE {table} SET confirmed_value = value WHERE {where}", params)
            self._audit(c, actor, unit, month, "milestone" if kind == "milestone" else "indicator", key,
                        [("confirmed", row["confirmed_value"], row["value"])], "form")

    @rule(UNIT, unit="unit", what="报送该单位的数据")
    def submit(self, actor: Actor, unit: str, month: str) -> None:
        self._check_edit(actor, unit, month)
        problems = self._month_problems(unit, month)
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

    @rule(UNIT, unit="unit", read=True, what="查看修改记录")
    def history(self, actor: Actor, entity: str, key: str, field: str | None = None,
                unit: str | None = None, month: str | None = None) -> list[dict[str, Any]]:
        """The audit trail of one entered value (who, when, old → new), newest first;
        ``unit``/``month`` narrow it (a task report's key is shared by its units; without
        ``unit`` the whole trail is the office's to read)."""
        sql = "SELECT * FROM value_audit WHERE entity = ? AND entity_key = ?"
        params: list[Any] = [entity, key]
        for col, val in (("field", field), ("unit", unit), ("month", month)):
            if val:
                sql += f" AND {col} = ?"
                params.append(val)
        return self.store.query(sql + " ORDER BY id DESC", params)
