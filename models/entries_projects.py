"""Projects of a unit: the project records and their monthly figures.

A project is registered under one of the unit's tasks; its monthly figures
(``project_months``) are kept per month, and a project is closed, never deleted.
Invalid fields are refused (unlike task drafts).
"""

from __future__ import annotations

import uuid
from typing import Any

from forms import project_form
from forms.fields import validate_all
from forms.values import as_text
from models.app import Actor
from models.authority import UNIT, Args, rule
from models.entries_base import EntriesBase
from models.errors import InvalidInput, NotFound, PermissionDenied
from models.store import saved_at


def _project_unit(a: Args) -> str | None:
    """The unit a project belongs to (None for an unknown uid: the office only)."""
    entries: ProjectEntries = a["self"]
    unit = entries.store.scalar("SELECT unit FROM projects WHERE uid = ?", (str(a["uid"]),))
    return str(unit) if unit else None


class ProjectEntries(EntriesBase):
    """Projects and their monthly figures."""

    # -- projects -------------------------------------------------------------------------------
    @rule(UNIT, unit="unit", read=True, what="查看该单位的项目")
    def projects(self, actor: Actor, unit: str | None, month: str, task_code: str | None = None,
                 include_closed: bool = False) -> list[dict[str, Any]]:
        """Projects open in ``month`` with their latest monthly figures up to that month
        (``unit`` None: every unit's, for the office)."""
        return self._projects(unit, month, task_code, include_closed)

    def _projects(self, unit: str | None, month: str, task_code: str | None = None,
                  include_closed: bool = False) -> list[dict[str, Any]]:
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

    @rule(UNIT, unit=_project_unit, read=True, what="查看该项目")
    def project(self, actor: Actor, uid: str, month: str) -> dict[str, Any]:
        return self._project(uid, month)

    def _project(self, uid: str, month: str) -> dict[str, Any]:
        rows = [r for r in self._projects(None, month, include_closed=True) if r["uid"] == uid]
        if not rows:
            row = self.store.one("SELECT * FROM projects WHERE uid = ?", (uid,))
            if row is None:
                raise NotFound("项目不存在或已被删除。")
            return row
        return rows[0]

    @rule(UNIT, unit="unit", what="修改该单位的项目")
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
            merged = self._project(uid, month)
            merged.update(values)
            values = merged
        clean, errors = validate_all(project_form.FIELDS, values)
        if errors:
            raise InvalidInput("项目信息有误：" + "；".join(e.message for e in errors),
                               [(e.label, e.message) for e in errors])
        now = saved_at()
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
                old = self._project(uid, month)  # type: ignore[arg-type]
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

    @rule(UNIT, unit=_project_unit, what="修改该项目")
    def close_project(self, actor: Actor, uid: str, month: str) -> None:
        row = self.store.one("SELECT * FROM projects WHERE uid = ?", (uid,))
        if row is None:
            raise NotFound("项目不存在。")
        self._check_edit(actor, row["unit"], month)
        with self.store.tx() as c:
            c.execute("UPDATE projects SET closed_month = ?, updated_at = ?, updated_by = ? WHERE id = ?",
                      (month, saved_at(), actor.username, row["id"]))
            self._audit(c, actor, row["unit"], month, "project", uid,
                        [("closed_month", row["closed_month"], month)], "form")
            self._touch(c, row["unit"], month)

    @rule(UNIT, unit=_project_unit, read=True, what="查看该项目")
    def project_history(self, actor: Actor, uid: str) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT pm.* FROM project_months pm JOIN projects p ON p.id = pm.project_id "
            "WHERE p.uid = ? ORDER BY pm.month", (uid,))
