"""Writing exchange packages (``.zsp``): a unit's monthly submission, the office's decisions.

A unit exports its package for a month on its own PC: entries, submission state and
audit records, signed with HMAC-SHA256 under the unit's key. The office exports the
decisions for a unit: review states and comments of every month, review events, the
plan file, shared settings and the streets, signed with the same key.
"""

from __future__ import annotations

from pathlib import Path

from models.app import Actor, App
from models.authority import OFFICE, UNIT, Args, rule
from models.errors import DomainError, InvalidInput, NotFound
from models.exchange_files import check_package_size, decision_flags, package_files
from models.exchange_common import (MONTH_RE, SUB_KEYS, TASK_KEYS, _manifest, _plan_text, _remember_plan,
                                    _shared_settings, installation, office_id, unit_key)
from models.atomic_write import staged_output
from models.package_format import package_bytes

PACKAGE_EXT = ".zsp"


def _check_month(month: str) -> str:
    month = (month or "").strip()
    if not MONTH_RE.match(month):
        raise InvalidInput(f"月份“{month}”格式不对，应为 YYYY-MM，例如 2026-03。")
    return month


# -- submission packages (unit → office) -----------------------------------------------------------

def _installed(a: Args) -> str | None:
    inst = installation(a["app"])
    return inst["unit"] if inst else None


@rule(UNIT, unit=_installed, read=True, what="导出本单位的报送包")
def export_package(app: App, actor: Actor, month: str, path: str | Path) -> Path:
    """Write the unit's package for ``month`` (on the unit's PC: its clerk or its local
    administrator, who carries the file)."""
    inst = installation(app)
    if not inst:
        raise DomainError("本机尚未导入安装文件，不能导出报送包。请先在“数据交换”页导入办公室发来的安装文件。")
    unit = inst["unit"]
    month = _check_month(month)
    key = unit_key(app, unit)
    if not key:
        raise DomainError("本机的单位密钥缺失，请重新导入安装文件。")
    q = app.store.query
    tasks = q(f"SELECT task_code, unit, month, {', '.join(TASK_KEYS)}, updated_at, updated_by "
              "FROM task_reports WHERE unit = ? AND month = ? ORDER BY task_code", (unit, month))
    miles = q("SELECT milestone_code, unit, month, value, raw, note, updated_at, updated_by "
              "FROM milestone_values WHERE unit = ? AND month = ? ORDER BY milestone_code", (unit, month))
    inds = q("SELECT part_code, period, unit, month, value, raw, source, note, updated_at, updated_by "
             "FROM indicator_values WHERE unit = ? AND month = ? ORDER BY part_code, period", (unit, month))
    projects = q("SELECT * FROM projects WHERE unit = ? AND created_month <= ? "
                 "AND (closed_month = '' OR closed_month >= ?) ORDER BY id", (unit, month, month))
    n_pm = 0
    for p in projects:
        pid = p.pop("id")
        p["months"] = q("SELECT month, ptype, year_plan_invest, cum_invest, actual_start, progress, "
                        "updated_at, updated_by FROM project_months WHERE project_id = ? AND month = ?",
                        (pid, month))
        n_pm += len(p["months"])
    audit = q("SELECT at, actor, unit, month, entity, entity_key, field, old, new, origin "
              "FROM value_audit WHERE unit = ? AND month = ? ORDER BY id", (unit, month))
    events = q("SELECT at, actor, unit, month, action, comment FROM review_events "
               "WHERE unit = ? AND month = ? ORDER BY id", (unit, month))
    sub = app.store.one(f"SELECT unit, month, {', '.join(SUB_KEYS)} FROM submissions "
                        "WHERE unit = ? AND month = ?", (unit, month))
    attachments, files = package_files(app, unit, month)
    content = {"unit": unit, "month": month, "submission": sub, "task_reports": tasks,
               "milestone_values": miles, "indicator_values": inds, "projects": projects,
               "value_audit": audit, "review_events": events}
    counts = {"task_reports": len(tasks), "milestone_values": len(miles), "indicator_values": len(inds),
              "projects": len(projects), "project_months": n_pm, "value_audit": len(audit),
              "review_events": len(events)}
    if attachments:  # a month without evidence files writes the package as before
        content["attachments"] = attachments
        counts.update(attachments=len(attachments), files=len(files))
    data = package_bytes(_manifest(app, actor, "submission", unit, month, inst["office_id"], counts), content, key,
                         files)
    check_package_size(app, unit, month, attachments, len(data))
    out = Path(path)
    with staged_output(out) as staged:
        staged.save(data)
        with app.store.tx():
            app.log(actor, "exchange", f"导出报送包：{unit} {month} → {out.name}")
            staged.place()
    return out


# -- decisions packages (office → unit) ------------------------------------------------------------

@rule(OFFICE, what="导出回执包")
def export_decisions(app: App, actor: Actor, unit: str, path: str | Path) -> Path:
    """Write the office's decisions for ``unit``: review states and comments of every month,
    review events, the plan file, shared settings and the streets (office only)."""
    if installation(app):
        raise DomainError("本机是单位安装，不能导出回执包；请在办公室电脑上操作。")
    key = unit_key(app, unit)
    if not key:
        raise NotFound(f"尚未为“{unit}”生成安装文件（没有该单位的密钥），不能导出回执包。")
    text = _plan_text(app)
    subs = app.store.query(f"SELECT unit, month, {', '.join(SUB_KEYS)} FROM submissions WHERE unit = ? "
                           "ORDER BY month", (unit,))
    events = app.store.query("SELECT at, actor, unit, month, action, comment FROM review_events "
                             "WHERE unit = ? ORDER BY id", (unit,))
    flags = decision_flags(app, unit)
    content = {"unit": unit, "submissions": subs, "review_events": events, **({"evidence_flags": flags} if flags else {}),
               "plan": {"id": app.plan.plan_id, "version": app.plan.version, "digest": app.plan.digest,
                        "toml": text},
               "settings": _shared_settings(app), "streets": app.streets()}
    counts = {"submissions": len(subs), "review_events": len(events)}
    data = package_bytes(_manifest(app, actor, "decisions", unit, "", office_id(app), counts), content, key)
    out = Path(path)
    with staged_output(out) as staged:
        staged.save(data)
        with app.store.tx():
            _remember_plan(app)
            app.log(actor, "exchange", f"导出回执包：{unit} → {out.name}")
            staged.place()
    return out
