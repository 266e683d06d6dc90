"""The office-wide audit trail of entered values (修改记录): who, when, old → new.

``Entries`` appends a row to ``value_audit`` for every changed field. This module
reads it with filters (unit, month, entity, actor, text) and names everything in
Chinese for the audit page and its CSV/Excel export.
"""

from __future__ import annotations

from typing import Any

from forms import project_form, task_form
from models.app import Actor, App
from models.authority import OFFICE, PUBLIC, UNIT, rule

ENTITY_NAMES = {"task_report": "任务推进", "milestone": "里程碑", "project": "项目",
                "project_month": "项目月度", "indicator": "指标"}
ORIGIN_NAMES = {"form": "界面填报", "excel": "Excel导入", "package": "报送包导入", "demo": "示例数据",
                "copy": "复制上月"}
_COMMON_LABELS = {"value": "数值", "raw": "填写内容", "note": "说明", "source": "数据来源",
                  "closed_month": "结项月份", "attachment": "佐证材料", "attachment_caption": "佐证材料说明"}
_TASK_LABELS = {f.key: f.label for f in task_form.FIELDS}
_PROJECT_LABELS = {f.key: f.label for f in project_form.FIELDS}
COLUMNS = ("时间", "操作人", "单位", "月份", "类别", "对象", "字段", "原值", "新值", "来源")


@rule(PUBLIC)
def field_label(field: str, entity: str = "") -> str:
    own = _TASK_LABELS if entity == "task_report" else (
        _PROJECT_LABELS if entity in ("project", "project_month") else {})
    return own.get(field) or _COMMON_LABELS.get(field) or _TASK_LABELS.get(field) or field


@rule(UNIT, unit="unit", read=True, what="查看修改记录")
def audit_rows(app: App, actor: Actor, unit: str | None = None, month: str | None = None,
               entity: str | None = None, by: str | None = None, text: str | None = None,
               key: str | None = None, limit: int = 5000) -> list[dict[str, Any]]:
    """Audit rows, newest first, with Chinese names added (entity_name, item, field_label,
    origin_name). ``by``: the user who made the change; ``text`` matches the old or new value."""
    sql, params = "SELECT * FROM value_audit WHERE 1 = 1", []
    for col, val in (("unit", unit), ("month", month), ("entity", entity), ("actor", by),
                     ("entity_key", key)):
        if val:
            sql += f" AND {col} = ?"
            params.append(val)
    if text:
        sql += " AND (old LIKE ? OR new LIKE ?)"
        params += [f"%{text}%", f"%{text}%"]
    rows = app.store.query(sql + " ORDER BY id DESC LIMIT ?", (*params, int(limit)))
    uids = sorted({r["entity_key"] for r in rows if r["entity"] in ("project", "project_month")})
    names: dict[str, str] = {}
    for i in range(0, len(uids), 500):
        chunk = uids[i:i + 500]
        names.update({r["uid"]: r["name"] for r in app.store.query(
            f"SELECT uid, name FROM projects WHERE uid IN ({','.join('?' for _ in chunk)})", chunk)})
    plan = app.plan
    for r in rows:
        r["entity_name"] = ENTITY_NAMES.get(r["entity"], r["entity"])
        r["field_label"] = field_label(r["field"], r["entity"])
        r["origin_name"] = ORIGIN_NAMES.get(r["origin"], r["origin"])
        k = r["entity_key"]
        if r["entity"] == "task_report" and k in plan.tasks_by_code:
            r["item"] = f"任务{k} {plan.task(k).title}"
        elif r["entity"] in ("milestone", "indicator"):
            code, _, period = k.partition("@")
            part = plan.parts_by_code.get(code)
            r["item"] = f"{code} {part.name if part else ''}" + (f"（{period}）" if period else "")
        elif r["entity"] in ("project", "project_month"):
            r["item"] = f"项目 {names.get(k, k[:8])}"
        else:
            r["item"] = k
    return rows


@rule(OFFICE, what="查看修改记录")
def audit_actors(app: App, actor: Actor) -> list[str]:
    return [r["actor"] for r in app.store.query("SELECT DISTINCT actor FROM value_audit ORDER BY actor")]


@rule(OFFICE, what="查看修改记录")
def audit_months(app: App, actor: Actor) -> list[str]:
    return [r["month"] for r in app.store.query(
        "SELECT DISTINCT month FROM value_audit ORDER BY month DESC")]


@rule(PUBLIC)
def as_table(rows: list[dict[str, Any]]) -> list[list[str]]:
    """Rows as the export's cells, in COLUMNS order."""
    return [[r["at"].replace("T", " "), r["actor"], r["unit"], r["month"], r["entity_name"], r["item"],
             r["field_label"], r["old"] or "", r["new"] or "", r["origin_name"]] for r in rows]
