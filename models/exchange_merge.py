"""Checking and merging exchange packages: what an import would change, as SQL statements.

``prepare_submission`` (a unit's package at the office) and ``prepare_decisions`` (the office's
decisions at a unit) verify the signature, the plan version and that every row belongs to the
package's unit and month, then compare value by value with the database. The result is a
``PackagePreview`` and the statements that apply it; ``models.exchange`` runs them in one
transaction. Nothing here writes to the database.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forms import project_form, task_form
from models.app import App
from models.entries_base import STATE_NAMES, month_cn
from models.package_format import (KIND_NAMES, PackageRejected, RawPackage, need_fields, need_list,
                                   read_package, sha256, verify_mac)
from models.plan import Plan, PlanError
from models.plan_parse import parse_plan
from models.store import now_iso

# Settings the office shares with the units (briefing and assessment settings stay at the office).
SHARED_SETTINGS = ("due_day", "expiry_days", "green_at", "yellow_at", "tolerance_pp",
                   "tolerance_rel", "tolerances", "pending_targets")
TASK_KEYS = ("status", "progress", "measures", "problems", "next_plan", "person", "deadline")
MILE_KEYS = ("value", "raw", "note")
IND_KEYS = ("value", "raw", "source", "note")
PROJ_KEYS = ("task_code", "name", "content", "ptype", "total_invest", "plan_start", "plan_end",
             "reduction", "closed_month")
PM_KEYS = ("ptype", "year_plan_invest", "cum_invest", "actual_start", "progress")
SUB_KEYS = ("state", "submitted_at", "submitted_by", "decided_at", "decided_by", "comment",
            "returns", "updated_at")
AUDIT_KEYS = ("at", "actor", "entity", "entity_key", "field", "old", "new")
EVENT_KEYS = ("at", "actor", "action", "comment")
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
PERIOD_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")

S, N, NUM = (str,), (str, type(None)), (int, float, type(None))
_STAMP = {"updated_at": S, "updated_by": S}
TASK_SPEC = {"task_code": S, "unit": S, "month": S, **{k: S for k in TASK_KEYS}, **_STAMP}
MILE_SPEC = {"milestone_code": S, "unit": S, "month": S, "value": NUM, "raw": S, "note": S, **_STAMP}
IND_SPEC = {"part_code": S, "period": S, "unit": S, "month": S, "value": NUM, "raw": S, "source": S,
            "note": S, **_STAMP}
PROJ_SPEC = {"uid": S, "unit": S, "task_code": S, "name": S, "content": S, "ptype": S,
             "total_invest": NUM, "plan_start": S, "plan_end": S, "reduction": NUM,
             "created_month": S, "closed_month": S, "months": (list,), **_STAMP}
PM_SPEC = {"month": S, "ptype": S, "year_plan_invest": NUM, "cum_invest": NUM, "actual_start": S,
           "progress": S, **_STAMP}
AUDIT_SPEC = {"at": S, "actor": S, "unit": S, "month": S, "entity": S, "entity_key": S, "field": S,
              "old": N, "new": N, "origin": S}
EVENT_SPEC = {"at": S, "actor": S, "unit": S, "month": S, "action": S, "comment": S}
SUB_SPEC = {"unit": S, "month": S, **{k: S for k in SUB_KEYS if k != "returns"}, "returns": (int,)}
STATES = ("", "draft", "submitted", "approved", "returned", "reopened")
FIELD_LABELS = {"value": "数值", "raw": "填报值", "note": "说明", "source": "数据来源",
                "closed_month": "结束月份", "task_code": "所属任务", "state": "状态",
                "decided_at": "审核时间", "decided_by": "审核人", "comment": "审核意见", "returns": "退回次数"}
TASK_LABELS = {**FIELD_LABELS, **{f.key: f.label for f in task_form.FIELDS}}
PROJ_LABELS = {**FIELD_LABELS, **{f.key: f.label for f in project_form.FIELDS}}
SETTING_LABELS = {"due_day": "每月报送截止日", "expiry_days": "截止后可修改天数", "green_at": "绿灯阈值",
                  "yellow_at": "黄灯阈值", "tolerance_pp": "“左右”目标容差（百分点）",
                  "tolerance_rel": "“左右”目标容差（比例）", "tolerances": "分目标容差",
                  "pending_targets": "待定目标"}


def _show(v: Any) -> str:
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return "" if v is None else str(v)


# -- identities ------------------------------------------------------------------------------------

def installation(app: App) -> dict[str, Any] | None:
    """The installation identity of a unit's PC, or None on the office's PC."""
    v = app.settings.get("installation")
    return dict(v) if isinstance(v, dict) and v.get("unit") else None


def office_id(app: App) -> str:
    """The office's identity ("" until the office makes its first installation file)."""
    v = app.settings.get("office_id")
    return v if isinstance(v, str) else ""


def plan_file_for(db_path: str | Path) -> Path:
    """Where a unit's PC keeps the installed plan: ``<db name>.plan.toml`` beside the database."""
    p = Path(db_path)
    return p.with_name(p.stem + ".plan.toml")


def unit_key(app: App, unit: str) -> str | None:
    return app.store.scalar("SELECT secret FROM unit_keys WHERE unit = ?", (unit,))


def parse_plan_text(text: str, where: Path, name: str) -> Plan:
    try:
        return parse_plan(tomllib.loads(text), str(where), sha256(text.encode("utf-8")))
    except (tomllib.TOMLDecodeError, PlanError) as exc:
        raise PackageRejected(f"{name} 中的计划文件无法使用：{exc}") from None


def set_setting(c: sqlite3.Connection, key: str, value: Any) -> None:
    c.execute("INSERT INTO settings(key, value) VALUES (?, ?) "
              "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
              (key, json.dumps(value, ensure_ascii=False)))


def to_json(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)


# -- previews --------------------------------------------------------------------------------------

STATUS_NAMES = {"new": "新增", "updated": "更新", "unchanged": "未变", "conflict": "冲突"}


@dataclass
class PreviewItem:
    status: str  # new | updated | unchanged | conflict
    entity: str  # Chinese name of what the item is
    key: str
    detail: str = ""


@dataclass
class PackagePreview:
    """What importing a package does (or did): counts and one line per item."""

    path: Path
    kind: str
    unit: str
    month: str
    created_at: str
    digest: str
    items: list[PreviewItem] = field(default_factory=list)
    history_new: int = 0  # audit and review records to append
    already_imported: str = ""  # when the same package was imported before
    conflict_reason: str = ""
    applied: bool = False
    dry_run: bool = True

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def new(self) -> int:
        return self.count("new")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def conflicts(self) -> int:
        return self.count("conflict")

    @property
    def changes(self) -> bool:
        return bool(self.new or self.updated or self.history_new)

    @property
    def name(self) -> str:
        return self.path.name

    def summary(self) -> str:
        what = KIND_NAMES.get(self.kind, "文件")
        head = f"{what} {self.name}（{self.unit}{' ' + month_cn(self.month) if self.month else ''}）"
        text = (f"{head}：新增 {self.new} 项，更新 {self.updated} 项，未变 {self.unchanged} 项，"
                f"冲突 {self.conflicts} 项；历史记录新增 {self.history_new} 条。")
        if self.already_imported:
            text += f"该包已于{self.already_imported[:16].replace('T', ' ')}导入过，不再重复写入。"
        if self.conflict_reason:
            text += self.conflict_reason
        if self.applied:
            text += "已导入。"
        elif self.dry_run:
            text += "（预览，未写入）"
        else:
            text += "未写入任何数据。"
        return text


@dataclass
class Work:
    """A checked package: its preview and the statements that apply it."""

    raw: RawPackage
    preview: PackagePreview
    ops: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    new_plan: Plan | None = None
    plan_text: str = ""


def reject(raw: RawPackage, why: str) -> PackageRejected:
    return PackageRejected(f"{KIND_NAMES.get(raw.kind, '文件')} {raw.name} {why}，已拒绝，数据库未作任何修改。")


def _compare(status_items: list[PreviewItem], entity: str, key: str, old: dict[str, Any] | None,
             new: dict[str, Any], keys: Iterable[str], labels: dict[str, str] = FIELD_LABELS) -> str:
    if old is None:
        status_items.append(PreviewItem("new", entity, key))
        return "new"
    changed = [k for k in keys if old.get(k) != new.get(k)]
    if not changed:
        status_items.append(PreviewItem("unchanged", entity, key))
        return "unchanged"
    status_items.append(PreviewItem("updated", entity, key,
                                    "变更：" + "、".join(labels.get(k, k) for k in changed)))
    return "updated"


def check_plan(app: App, raw: RawPackage, allow_update: bool = False) -> None:
    m = raw.manifest
    mine = f"“{app.plan.plan_id}” 版本 {app.plan.version}（校验值 {app.plan.digest[:12]}）"
    theirs = f"“{m['plan_id']}” 版本 {m['plan_version']}（校验值 {m['plan_digest'][:12]}）"
    if m["plan_id"] != app.plan.plan_id:
        raise reject(raw, f"使用的计划是{theirs}，本机使用的计划是{mine}，两者不是同一个计划")
    known = app.settings.get("exchange_known_plans") or {}
    if m["plan_digest"] != app.plan.digest and m["plan_digest"] not in known and not allow_update:
        raise reject(raw, f"使用的计划版本{theirs}本机不认识，本机使用的计划版本为{mine}；"
                      "请先统一计划版本")


def load_package(app: App, path: str | Path) -> Work:
    raw = read_package(path)
    if raw.kind == "install":
        raise PackageRejected(f"文件 {raw.name} 是安装文件，请使用“导入安装文件”功能。数据库未作任何修改。")
    if raw.kind == "submission":
        return prepare_submission(app, raw)
    return prepare_decisions(app, raw)


# -- submission packages (unit → office) -----------------------------------------------------------

def prepare_submission(app: App, raw: RawPackage) -> Work:
    m = raw.manifest
    name = raw.name
    inst = installation(app)
    if inst:
        raise reject(raw, f"不能在单位电脑上导入：本机是“{inst['unit']}”的单位安装，"
                     "报送包应在领导小组办公室的电脑上导入")
    unit, month = m["unit"], m["month"]
    key = unit_key(app, unit)
    if key is None:
        raise reject(raw, f"来自未知单位“{unit}”：本办公室没有为该单位生成过安装文件")
    if not verify_mac(raw, key):
        raise reject(raw, "的签名校验失败：可能被修改过或不是用本单位密钥签名的")
    if m["office_id"] != office_id(app):
        raise reject(raw, "来自其他办公室发放的安装，不是本办公室的单位")
    check_plan(app, raw)
    c = raw.content
    if c.get("unit") != unit or c.get("month") != month or not MONTH_RE.match(month):
        raise reject(raw, "的内容与清单中的单位或月份不一致")
    pv = PackagePreview(raw.path, raw.kind, unit, month, m["created_at"], raw.digest)
    work = Work(raw, pv)
    items, ops = pv.items, work.ops
    plan = app.plan

    def own(row: dict[str, Any], what: str) -> None:
        if row["unit"] != unit:
            raise reject(raw, f"中含有其他单位（{row['unit']}）的{what}，报送包只能包含{unit}本单位的数据")
        if row.get("month", month) != month:
            raise reject(raw, f"中含有其他月份（{row['month']}）的{what}")

    def task_of(code: str, what: str) -> None:
        task = plan.tasks_by_code.get(code)
        if task is None:
            raise reject(raw, f"中的{what}“{code}”在本机计划中不存在")
        if app.task_role(task, unit) is None:
            raise reject(raw, f"中含有不属于{unit}的任务{code}的数据（该任务不是本单位负责的）")

    def upsert(table: str, cols: tuple[str, ...], conflict: str, n_key: int, row: dict[str, Any]) -> None:
        ops.append((f"INSERT INTO {table}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
                    f"ON CONFLICT({conflict}) DO UPDATE SET "
                    + ", ".join(f"{k} = excluded.{k}" for k in cols[n_key:]), tuple(row[k] for k in cols)))

    # task reports
    old_t = {r["task_code"]: r for r in app.store.query(
        "SELECT * FROM task_reports WHERE unit = ? AND month = ?", (unit, month))}
    for r in need_list(c, "task_reports", name):
        need_fields(r, TASK_SPEC, name, "任务填报")
        own(r, "任务填报")
        task_of(r["task_code"], "任务")
        if _compare(items, "任务填报", r["task_code"], old_t.get(r["task_code"]), r, TASK_KEYS,
                    TASK_LABELS) != "unchanged":
            upsert("task_reports", ("task_code", "unit", "month", *TASK_KEYS, "updated_at", "updated_by"),
                   "task_code, unit, month", 3, r)
    # milestone figures
    old_m = {r["milestone_code"]: r for r in app.store.query(
        "SELECT * FROM milestone_values WHERE unit = ? AND month = ?", (unit, month))}
    for r in need_list(c, "milestone_values", name):
        need_fields(r, MILE_SPEC, name, "里程碑数值")
        own(r, "里程碑数值")
        part = plan.parts_by_code.get(r["milestone_code"])
        if part is None or not part.task:
            raise reject(raw, f"中的里程碑“{r['milestone_code']}”在本机计划中不存在")
        task_of(part.task, "任务")
        if _compare(items, "里程碑", r["milestone_code"], old_m.get(r["milestone_code"]), r,
                    MILE_KEYS) != "unchanged":
            upsert("milestone_values", ("milestone_code", "unit", "month", *MILE_KEYS, "updated_at",
                                        "updated_by"), "milestone_code, unit, month", 3, r)
    # indicator values
    for r in need_list(c, "indicator_values", name):
        need_fields(r, IND_SPEC, name, "指标数值")
        own(r, "指标数值")
        part = plan.parts_by_code.get(r["part_code"])
        ind = plan.indicator_of(r["part_code"])
        if part is None or part.task or ind is None:
            raise reject(raw, f"中的指标“{r['part_code']}”在本机计划中不存在")
        if ind.responsible_unit != unit:
            raise reject(raw, f"中含有其他单位（{ind.responsible_unit}）负责的指标{r['part_code']}")
        if not PERIOD_RE.match(r["period"]):
            raise reject(raw, f"中指标{r['part_code']}的期间“{r['period']}”格式不对")
        old = app.store.one("SELECT * FROM indicator_values WHERE part_code = ? AND period = ?",
                            (r["part_code"], r["period"]))
        if _compare(items, "指标", f"{r['part_code']}@{r['period']}", old, r, IND_KEYS) != "unchanged":
            upsert("indicator_values", ("part_code", "period", "unit", "month", *IND_KEYS, "updated_at",
                                        "updated_by"), "part_code, period", 2, r)
    # projects (by uid) and their monthly figures
    for r in need_list(c, "projects", name):
        need_fields(r, PROJ_SPEC, name, "项目")
        own(r, "项目")
        task_of(r["task_code"], "项目所属任务")
        closed = r["closed_month"]
        if not MONTH_RE.match(r["created_month"]) or (closed and not MONTH_RE.match(closed)):
            raise reject(raw, f"中项目“{r['name']}”的月份格式不对")
        old = app.store.one("SELECT * FROM projects WHERE uid = ?", (r["uid"],))
        if old is not None and old["unit"] != unit:
            raise reject(raw, f"中的项目“{r['name']}”在本机属于{old['unit']}，不能由{unit}修改")
        st = _compare(items, "项目", r["name"], old, r, PROJ_KEYS, PROJ_LABELS)
        if st == "new":
            cols = ("uid", "unit", "created_month", *PROJ_KEYS, "updated_at", "updated_by")
            ops.append((f"INSERT INTO projects({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                        tuple(r[k] for k in cols)))
        elif st == "updated":
            cols = (*PROJ_KEYS, "updated_at", "updated_by")
            ops.append((f"UPDATE projects SET {', '.join(k + ' = ?' for k in cols)}, "
                        "created_month = MIN(created_month, ?) WHERE uid = ?",
                        (*[r[k] for k in cols], r["created_month"], r["uid"])))
        old_pm = {x["month"]: x for x in app.store.query(
            "SELECT pm.* FROM project_months pm JOIN projects p ON p.id = pm.project_id WHERE p.uid = ?",
            (r["uid"],))}
        for pm in need_list(r, "months", name):
            need_fields(pm, PM_SPEC, name, "项目月度数据")
            if pm["month"] != month:
                raise reject(raw, f"中含有其他月份（{pm['month']}）的项目数据")
            if _compare(items, "项目月度数据", f"{r['name']} {month}", old_pm.get(month), pm,
                        PM_KEYS, PROJ_LABELS) != "unchanged":
                cols = ("month", *PM_KEYS, "updated_at", "updated_by")
                ops.append((f"INSERT INTO project_months(project_id, {', '.join(cols)}) "
                            f"VALUES ((SELECT id FROM projects WHERE uid = ?), {', '.join('?' * len(cols))}) "
                            "ON CONFLICT(project_id, month) DO UPDATE SET "
                            + ", ".join(f"{k} = excluded.{k}" for k in cols[1:]),
                            (r["uid"], *[pm[k] for k in cols])))
    # submission state
    office_sub = app.store.one("SELECT * FROM submissions WHERE unit = ? AND month = ?", (unit, month))
    ostate = office_sub["state"] if office_sub else ""
    sub = c.get("submission")
    if sub is not None:
        if not isinstance(sub, dict):
            raise reject(raw, "的报送状态结构不对")
        need_fields(sub, SUB_SPEC, name, "报送状态")
        own(sub, "报送状态")
        if sub["state"] not in STATES:
            raise reject(raw, f"的报送状态“{sub['state']}”无法识别")
        _merge_state(items, ops, unit, month, office_sub, sub)
    elif ops:
        ops.append(("INSERT INTO submissions(unit, month, state, updated_at) VALUES (?, ?, 'draft', ?) "
                    "ON CONFLICT(unit, month) DO NOTHING", (unit, month, now_iso())))
    # history: audit trail and review events, appended without duplicates
    seen = {tuple(a[k] for k in AUDIT_KEYS) for a in app.store.query(
        "SELECT * FROM value_audit WHERE unit = ? AND month = ?", (unit, month))}
    for a in need_list(c, "value_audit", name):
        need_fields(a, AUDIT_SPEC, name, "修改记录")
        own(a, "修改记录")
        k = tuple(a[x] for x in AUDIT_KEYS)
        if k not in seen:
            seen.add(k)
            pv.history_new += 1
            ops.append(("INSERT INTO value_audit(at, actor, unit, month, entity, entity_key, field, old, "
                        "new, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'package')",
                        (a["at"], a["actor"], unit, month, a["entity"], a["entity_key"], a["field"],
                         a["old"], a["new"])))
    _merge_events(app, raw, pv, ops, unit, [month], c)
    # approved months and stale packages are not overwritten
    newer = app.store.scalar("SELECT MAX(created_at) FROM packages WHERE kind = 'submission' AND unit = ? "
                             "AND month = ? AND digest != ?", (unit, month, raw.digest))
    if ostate == "approved":
        pv.conflict_reason = (f"{unit}{month_cn(month)}的报送已审核通过并锁定，报送包中的改动未覆盖；"
                              "如需采用，请先在审核页解锁（重新打开）该月后再导入，或忽略此包。")
    elif newer and newer > m["created_at"]:
        pv.conflict_reason = (f"本包生成于{_hm(m['created_at'])}，早于已导入的同月报送包"
                              f"（{_hm(newer)}），较旧的数据不覆盖较新的数据。")
    _finish(app, work)
    return work


def _hm(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


def _merge_state(items: list[PreviewItem], ops: list[tuple[str, tuple[Any, ...]]], unit: str, month: str,
                 office: dict[str, Any] | None, sub: dict[str, Any]) -> None:
    """The office keeps its decisions; the unit's submitting moves the state forward."""
    ostate = office["state"] if office else ""
    p = sub["state"]
    take: tuple[str, str, str] | None = None
    if ostate == "":
        take = (p, sub["submitted_at"], sub["submitted_by"])
    elif ostate == "approved":
        if p != "approved":
            items.append(PreviewItem("updated", "报送状态", month_cn(month),
                                     f"{STATE_NAMES.get(ostate, ostate)} → {STATE_NAMES.get(p, p)}"))
            return
    elif ostate in ("returned", "reopened"):
        if p == "submitted" and office and sub["submitted_at"] > (office["decided_at"] or ""):
            take = (p, sub["submitted_at"], sub["submitted_by"])
    elif p in ("draft", "submitted") and office is not None and (
            p, sub["submitted_at"]) != (ostate, office["submitted_at"]):
        take = (p, sub["submitted_at"], sub["submitted_by"])
    if take is None:
        items.append(PreviewItem("unchanged", "报送状态", month_cn(month)))
        return
    items.append(PreviewItem("new" if office is None else "updated", "报送状态", month_cn(month),
                             f"{STATE_NAMES.get(ostate, ostate)} → {STATE_NAMES.get(take[0], take[0])}"))
    now = now_iso()
    ops.append(("INSERT INTO submissions(unit, month, state, submitted_at, submitted_by, decided_at, "
                "decided_by, comment, returns, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(unit, month) DO UPDATE SET state = excluded.state, "
                "submitted_at = excluded.submitted_at, submitted_by = excluded.submitted_by, "
                "updated_at = excluded.updated_at",
                (unit, month, *take, sub["decided_at"], sub["decided_by"], sub["comment"], sub["returns"],
                 now)))


def _merge_events(app: App, raw: RawPackage, pv: PackagePreview, ops: list[tuple[str, tuple[Any, ...]]],
                  unit: str, months: list[str] | None, c: dict[str, Any]) -> None:
    seen = {(e["month"], *[e[k] for k in EVENT_KEYS]) for e in app.store.query(
        "SELECT * FROM review_events WHERE unit = ?", (unit,))}
    for e in need_list(c, "review_events", raw.name):
        need_fields(e, EVENT_SPEC, raw.name, "审核记录")
        if e["unit"] != unit:
            raise reject(raw, f"中含有其他单位（{e['unit']}）的审核记录")
        if (months is not None and e["month"] not in months) or not MONTH_RE.match(e["month"]):
            raise reject(raw, f"中含有其他月份（{e['month']}）的审核记录")
        k = (e["month"], *[e[x] for x in EVENT_KEYS])
        if k not in seen:
            seen.add(k)
            pv.history_new += 1
            ops.append(("INSERT INTO review_events(at, actor, unit, month, action, comment) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (e["at"], e["actor"], unit, e["month"], e["action"],
                                                     e["comment"])))


def _finish(app: App, work: Work) -> None:
    """Mark conflicts (nothing then applies) and whether the package was imported before."""
    pv = work.preview
    row = app.store.one("SELECT imported_at FROM packages WHERE digest = ?", (pv.digest,))
    if row:
        pv.already_imported = row["imported_at"]
    if pv.conflict_reason and not (pv.new or pv.updated or pv.history_new):
        pv.conflict_reason = ""  # nothing would change: the package is simply unchanged
    if pv.conflict_reason:
        if not (pv.new or pv.updated):
            pv.items.append(PreviewItem("conflict", "历史记录", f"{pv.history_new} 条"))
        for it in pv.items:
            if it.status in ("new", "updated"):
                it.status = "conflict"
                it.detail = (it.detail + "；" if it.detail else "") + "未覆盖"
        pv.history_new = 0
        work.ops.clear()
        work.new_plan = None


# -- decisions packages (office → unit) ------------------------------------------------------------

def prepare_decisions(app: App, raw: RawPackage) -> Work:
    m = raw.manifest
    name = raw.name
    inst = installation(app)
    if not inst:
        raise reject(raw, "是办公室发给单位的回执包，只能在已导入安装文件的单位电脑上导入")
    unit = inst["unit"]
    if m["unit"] != unit:
        raise reject(raw, f"是发给“{m['unit']}”的，本机是“{unit}”")
    key = unit_key(app, unit)
    if not key or not verify_mac(raw, key):
        raise reject(raw, "的签名校验失败：可能被修改过或不是用本单位密钥签名的")
    if m["office_id"] != inst.get("office_id"):
        raise reject(raw, "不是由为本机发放安装文件的办公室生成的")
    c = raw.content
    if c.get("unit") != unit:
        raise reject(raw, "的内容与清单中的单位不一致")
    check_plan(app, raw, allow_update=True)
    pv = PackagePreview(raw.path, raw.kind, unit, "", m["created_at"], raw.digest)
    work = Work(raw, pv)
    items, ops = pv.items, work.ops
    plan_info = c.get("plan")
    if plan_info is not None:
        if not isinstance(plan_info, dict) or not isinstance(plan_info.get("toml"), str):
            raise reject(raw, "中的计划文件结构不对")
        text = plan_info["toml"]
        digest = sha256(text.encode("utf-8"))
        if digest != m["plan_digest"]:
            raise reject(raw, "中的计划文件校验失败")
        if digest != app.plan.digest:
            new_plan = parse_plan_text(text, plan_file_for(app.store.path), f"回执包 {name}")
            if new_plan.plan_id != app.plan.plan_id:
                raise reject(raw, f"中的计划“{new_plan.plan_id}”与本机计划“{app.plan.plan_id}”不是同一个计划")
            items.append(PreviewItem("updated", "计划文件", new_plan.plan_id,
                                     f"版本 {app.plan.version} → {new_plan.version}"))
            work.new_plan, work.plan_text = new_plan, text
    elif m["plan_digest"] != app.plan.digest:
        raise reject(raw, f"使用的计划版本 {m['plan_version']}（校验值 {m['plan_digest'][:12]}）与本机计划版本 "
                      f"{app.plan.version}（校验值 {app.plan.digest[:12]}）不一致")
    settings = c.get("settings", {})
    if not isinstance(settings, dict):
        raise reject(raw, "中的设置结构不对")
    for k in SHARED_SETTINGS:
        if k in settings and settings[k] != app.settings.get(k):
            items.append(PreviewItem("updated", "设置", SETTING_LABELS.get(k, k),
                                     f"{_show(app.settings.get(k))} → {_show(settings[k])}"))
            ops.append(("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                        "value = excluded.value", (k, to_json(settings[k]))))
    streets = c.get("streets", [])
    if not isinstance(streets, list) or not all(isinstance(s, str) and s.strip() for s in streets):
        raise reject(raw, "中的街道列表结构不对")
    have = set(app.streets())
    for s in streets:
        if s.strip() not in have:
            have.add(s.strip())
            items.append(PreviewItem("new", "街道", s.strip()))
            ops.append(("INSERT INTO units(name, kind, sort, active, from_plan) VALUES (?, 'street', "
                        "1000 + (SELECT COUNT(*) FROM units), 1, 0) "
                        "ON CONFLICT(name) DO UPDATE SET active = 1",
                        (s.strip(),)))
    mine = {r["month"]: r for r in app.store.query("SELECT * FROM submissions WHERE unit = ?", (unit,))}
    for s in need_list(c, "submissions", name):
        need_fields(s, SUB_SPEC, name, "审核结果")
        if s["unit"] != unit:
            raise reject(raw, f"中含有其他单位（{s['unit']}）的审核结果")
        if not MONTH_RE.match(s["month"]) or s["state"] not in STATES:
            raise reject(raw, "中的审核结果格式不对")
        cur = mine.get(s["month"])
        key_s = month_cn(s["month"])
        decided = s["decided_at"]
        if not decided or (cur is not None and decided < (cur["submitted_at"] or "")):
            items.append(PreviewItem("unchanged", "审核结果", key_s))
            continue
        fields_ = ("state", "decided_at", "decided_by", "comment", "returns")
        st = _compare(items, "审核结果", key_s, cur, s, fields_)
        if st != "unchanged":
            items[-1].detail = (f"{STATE_NAMES.get(cur['state'] if cur else '', '')} → "
                                f"{STATE_NAMES.get(s['state'], s['state'])}"
                                + (f"；意见：{s['comment']}" if s["comment"] else ""))
            ops.append(("INSERT INTO submissions(unit, month, state, submitted_at, submitted_by, decided_at, "
                        "decided_by, comment, returns, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT(unit, month) DO UPDATE SET state = excluded.state, "
                        "decided_at = excluded.decided_at, decided_by = excluded.decided_by, "
                        "comment = excluded.comment, returns = excluded.returns, "
                        "updated_at = excluded.updated_at",
                        (unit, s["month"], s["state"], s["submitted_at"], s["submitted_by"], decided,
                         s["decided_by"], s["comment"], s["returns"], now_iso())))
    _merge_events(app, raw, pv, ops, unit, None, c)
    newer = app.store.scalar("SELECT MAX(created_at) FROM packages WHERE kind = 'decisions' AND unit = ? "
                             "AND digest != ?", (unit, raw.digest))
    if newer and newer > m["created_at"]:
        pv.conflict_reason = (f"本回执包生成于{_hm(m['created_at'])}，早于已导入的回执包"
                              f"（{_hm(newer)}），较旧的结果不覆盖较新的结果。")
    _finish(app, work)
    return work

