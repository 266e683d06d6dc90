"""Task reports of a unit's month: reading, saving, the units' contributions, copying last month.

Drafts may hold invalid values: a save stores them and returns the problems
(``SaveResult.errors``); ``models.entries.Entries.submit`` refuses while any remain.
"""

from __future__ import annotations

from typing import Any

from forms import task_form
from forms.fields import validate_all
from forms.values import ValueProblem, as_text
from models.app import Actor
from models.authority import UNIT, Args, rule
from models.entries_base import EntriesBase, SaveResult, _month_cn, _store_raw
from models.errors import NotFound, PermissionDenied
from models.store import saved_at


def _task_units(a: Args) -> list[str]:
    """The units of a task (the office and each of them may read the task's reports)."""
    entries: TaskEntries = a["self"]
    task = entries.plan.tasks_by_code.get(str(a["task_code"]))
    return entries.app.task_units(task) if task is not None else []


class TaskEntries(EntriesBase):
    """Task reports (one per task, unit and month)."""

    # -- task reports ----------------------------------------------------------------
    @rule(UNIT, unit="unit", read=True, what="查看该单位的任务填报")
    def task_report(self, actor: Actor, task_code: str, unit: str, month: str) -> dict[str, Any]:
        return self._task_report(task_code, unit, month)

    def _task_report(self, task_code: str, unit: str, month: str) -> dict[str, Any]:
        row = self.store.one("SELECT * FROM task_reports WHERE task_code = ? AND unit = ? AND month = ?",
                             (task_code, unit, month))
        if row is None:
            row = {f.key: "" for f in task_form.FIELDS}
            row.update(task_code=task_code, unit=unit, month=month, updated_at="", updated_by="")
        return row

    @rule(UNIT, unit="unit", what="修改该单位的任务填报")
    def save_task_report(self, actor: Actor, task_code: str, unit: str, month: str,
                         values: dict[str, Any], origin: str = "form") -> SaveResult:
        task = self.plan.tasks_by_code.get(task_code)
        if task is None:
            raise NotFound(f"任务编码“{task_code}”不存在。")
        if self.app.task_role(task, unit) is None:
            raise PermissionDenied(f"任务{task_code}“{task.title}”没有分配给{unit}。")
        self._check_edit(actor, unit, month)
        old = self._task_report(task_code, unit, month)
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
                (task_code, unit, month, *[new[k] or "" for k in cols], saved_at(), actor.username))
            self._audit(c, actor, unit, month, "task_report", task_code, changes, origin)
            self._touch(c, unit, month)
        return SaveResult([k for k, _, _ in changes], errors)

    @rule(UNIT, unit=_task_units, read=True, what="查看该任务各单位的填报")
    def contributions(self, actor: Actor, task_code: str, month: str) -> list[dict[str, Any]]:
        """Every unit's report on a task for the month, lead first (what the units of the
        task and the office see)."""
        task = self.plan.task(task_code)
        units = self.app.task_units(task)
        rows = {r["unit"]: r for r in self.store.query(
            "SELECT * FROM task_reports WHERE task_code = ? AND month = ?", (task_code, month))}
        out = []
        for u in units:
            r = rows.get(u) or self._task_report(task_code, u, month)
            r = dict(r)
            r["role"] = "lead" if u == units[0] else "cooperate"
            out.append(r)
        return out

    @rule(UNIT, unit="unit", read=True, what="查看该单位的任务填报")
    def previous_report(self, actor: Actor, task_code: str, unit: str, month: str) -> dict[str, Any] | None:
        return self._previous_report(task_code, unit, month)

    def _previous_report(self, task_code: str, unit: str, month: str) -> dict[str, Any] | None:
        return self.store.one(
            "SELECT * FROM task_reports WHERE task_code = ? AND unit = ? AND month < ? "
            "ORDER BY month DESC LIMIT 1", (task_code, unit, month))

    @rule(UNIT, unit="unit", what="修改该单位的任务填报")
    def copy_last_month(self, actor: Actor, task_code: str, unit: str, month: str) -> SaveResult:
        """Copy last month's text fields as a starting point (only into empty fields)."""
        prev = self._previous_report(task_code, unit, month)
        if prev is None:
            raise NotFound(f"{unit}在{_month_cn(month)}之前没有任务{task_code}的填报记录可复制。")
        cur = self._task_report(task_code, unit, month)
        values = {k: prev[k] for k in task_form.TEXT_KEYS if not cur.get(k) and prev.get(k)}
        if "status" not in values and not cur.get("status") and prev.get("status") != "已完成":
            values["status"] = prev.get("status", "")
        return self.save_task_report(actor, task_code, unit, month, values, origin="copy")
