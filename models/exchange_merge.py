"""Checking and merging a unit's submission package at the office (unit → office), per entity kind.

``prepare_submission`` verifies the signature, the office and the plan version, then
merges the package kind by kind (task reports, milestone figures, indicator values,
projects and their monthly figures, the submission state, the audit trail, review
events): each row must have the right shape and belong to the package's unit and
month, and is compared value by value with the database. The result is a ``Work``
(preview and statements); ``models.exchange`` runs the statements in one
transaction. An approved month or a package older than one already imported is a
conflict: nothing of it applies. Nothing here writes to the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forms import project_form, task_form
from models.authority import INTERNAL, rule
from models.app import App
from models.entries_base import STATE_NAMES, month_cn
from models.exchange_common import (AUDIT_KEYS, IND_KEYS, MILE_KEYS, MONTH_RE, PERIOD_RE, PM_KEYS, PROJ_KEYS,
                                    TASK_KEYS, installation, office_id, unit_key)
from models.exchange_preview import (FIELD_LABELS, NUM, STATES, SUB_SPEC, N, PackagePreview, PreviewItem, S, Work,
                                     _compare, _finish, _hm, _merge_events, check_plan, reject)
from models.package_format import RawPackage, need_fields, need_list, verify_mac
from models.store import now_iso

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
TASK_LABELS = {**FIELD_LABELS, **{f.key: f.label for f in task_form.FIELDS}}
PROJ_LABELS = {**FIELD_LABELS, **{f.key: f.label for f in project_form.FIELDS}}


@dataclass
class _SubmissionMerge:
    """A submission package being merged: the unit and month its rows must belong to, the work so far."""

    app: App
    raw: RawPackage
    work: Work
    unit: str
    month: str

    @property
    def items(self) -> list[PreviewItem]:
        return self.work.preview.items

    @property
    def ops(self) -> list[tuple[str, tuple[Any, ...]]]:
        return self.work.ops

    def own(self, row: dict[str, Any], what: str) -> None:
        unit, month = self.unit, self.month
        if row["unit"] != unit:
            raise reject(self.raw, f"中含有其他单位（{row['unit']}）的{what}，报送包只能包含{unit}本单位的数据")
        if row.get("month", month) != month:
            raise reject(self.raw, f"中含有其他月份（{row['month']}）的{what}")

    def task_of(self, code: str, what: str) -> None:
        task = self.app.plan.tasks_by_code.get(code)
        if task is None:
            raise reject(self.raw, f"中的{what}“{code}”在本机计划中不存在")
        if self.app.task_role(task, self.unit) is None:
            raise reject(self.raw, f"中含有不属于{self.unit}的任务{code}的数据（该任务不是本单位负责的）")

    def upsert(self, table: str, cols: tuple[str, ...], conflict: str, n_key: int, row: dict[str, Any]) -> None:
        self.ops.append((f"INSERT INTO {table}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
                         f"ON CONFLICT({conflict}) DO UPDATE SET "
                         + ", ".join(f"{k} = excluded.{k}" for k in cols[n_key:]), tuple(row[k] for k in cols)))


@rule(INTERNAL, why="checks a submission package for models.exchange, which holds the rule")
def prepare_submission(app: App, raw: RawPackage) -> Work:
    m = raw.manifest
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
    merge = _SubmissionMerge(app, raw, work, unit, month)
    _merge_task_reports(merge, c)
    _merge_milestone_values(merge, c)
    _merge_indicator_values(merge, c)
    _merge_projects(merge, c)
    office_sub = app.store.one("SELECT * FROM submissions WHERE unit = ? AND month = ?", (unit, month))
    ostate = office_sub["state"] if office_sub else ""
    _merge_submission(merge, c, office_sub)
    _merge_audit(merge, c)
    _merge_events(app, raw, pv, work.ops, unit, [month], c)
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


def _merge_task_reports(s: _SubmissionMerge, c: dict[str, Any]) -> None:
    name = s.raw.name
    old_t = {r["task_code"]: r for r in s.app.store.query(
        "SELECT * FROM task_reports WHERE unit = ? AND month = ?", (s.unit, s.month))}
    for r in need_list(c, "task_reports", name):
        need_fields(r, TASK_SPEC, name, "任务填报")
        s.own(r, "任务填报")
        s.task_of(r["task_code"], "任务")
        if _compare(s.items, "任务填报", r["task_code"], old_t.get(r["task_code"]), r, TASK_KEYS,
                    TASK_LABELS) != "unchanged":
            s.upsert("task_reports", ("task_code", "unit", "month", *TASK_KEYS, "updated_at", "updated_by"),
                     "task_code, unit, month", 3, r)


def _merge_milestone_values(s: _SubmissionMerge, c: dict[str, Any]) -> None:
    name, plan = s.raw.name, s.app.plan
    old_m = {r["milestone_code"]: r for r in s.app.store.query(
        "SELECT * FROM milestone_values WHERE unit = ? AND month = ?", (s.unit, s.month))}
    for r in need_list(c, "milestone_values", name):
        need_fields(r, MILE_SPEC, name, "里程碑数值")
        s.own(r, "里程碑数值")
        part = plan.parts_by_code.get(r["milestone_code"])
        if part is None or not part.task:
            raise reject(s.raw, f"中的里程碑“{r['milestone_code']}”在本机计划中不存在")
        s.task_of(part.task, "任务")
        if _compare(s.items, "里程碑", r["milestone_code"], old_m.get(r["milestone_code"]), r,
                    MILE_KEYS) != "unchanged":
            s.upsert("milestone_values", ("milestone_code", "unit", "month", *MILE_KEYS, "updated_at",
                                          "updated_by"), "milestone_code, unit, month", 3, r)


def _merge_indicator_values(s: _SubmissionMerge, c: dict[str, Any]) -> None:
    name, plan, unit = s.raw.name, s.app.plan, s.unit
    for r in need_list(c, "indicator_values", name):
        need_fields(r, IND_SPEC, name, "指标数值")
        s.own(r, "指标数值")
        part = plan.parts_by_code.get(r["part_code"])
        ind = plan.indicator_of(r["part_code"])
        if part is None or part.task or ind is None:
            raise reject(s.raw, f"中的指标“{r['part_code']}”在本机计划中不存在")
        if ind.responsible_unit != unit:
            raise reject(s.raw, f"中含有其他单位（{ind.responsible_unit}）负责的指标{r['part_code']}")
        if not PERIOD_RE.match(r["period"]):
            raise reject(s.raw, f"中指标{r['part_code']}的期间“{r['period']}”格式不对")
        old = s.app.store.one("SELECT * FROM indicator_values WHERE part_code = ? AND period = ?",
                              (r["part_code"], r["period"]))
        if _compare(s.items, "指标", f"{r['part_code']}@{r['period']}", old, r, IND_KEYS) != "unchanged":
            s.upsert("indicator_values", ("part_code", "period", "unit", "month", *IND_KEYS, "updated_at",
                                          "updated_by"), "part_code, period", 2, r)


def _merge_projects(s: _SubmissionMerge, c: dict[str, Any]) -> None:
    """Projects (by uid) and their monthly figures."""
    name, unit, month, items, ops = s.raw.name, s.unit, s.month, s.items, s.ops
    for r in need_list(c, "projects", name):
        need_fields(r, PROJ_SPEC, name, "项目")
        s.own(r, "项目")
        s.task_of(r["task_code"], "项目所属任务")
        closed = r["closed_month"]
        if not MONTH_RE.match(r["created_month"]) or (closed and not MONTH_RE.match(closed)):
            raise reject(s.raw, f"中项目“{r['name']}”的月份格式不对")
        old = s.app.store.one("SELECT * FROM projects WHERE uid = ?", (r["uid"],))
        if old is not None and old["unit"] != unit:
            raise reject(s.raw, f"中的项目“{r['name']}”在本机属于{old['unit']}，不能由{unit}修改")
        st = _compare(items, "项目", r["name"], old, r, PROJ_KEYS, PROJ_LABELS)
        if st == "new":
            cols: tuple[str, ...] = ("uid", "unit", "created_month", *PROJ_KEYS, "updated_at", "updated_by")
            ops.append((f"INSERT INTO projects({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                        tuple(r[k] for k in cols)))
        elif st == "updated":
            cols = (*PROJ_KEYS, "updated_at", "updated_by")
            ops.append((f"UPDATE projects SET {', '.join(k + ' = ?' for k in cols)}, "
                        "created_month = MIN(created_month, ?) WHERE uid = ?",
                        (*[r[k] for k in cols], r["created_month"], r["uid"])))
        old_pm = {x["month"]: x for x in s.app.store.query(
            "SELECT pm.* FROM project_months pm JOIN projects p ON p.id = pm.project_id WHERE p.uid = ?",
            (r["uid"],))}
        for pm in need_list(r, "months", name):
            need_fields(pm, PM_SPEC, name, "项目月度数据")
            if pm["month"] != month:
                raise reject(s.raw, f"中含有其他月份（{pm['month']}）的项目数据")
            if _compare(items, "项目月度数据", f"{r['name']} {month}", old_pm.get(month), pm,
                        PM_KEYS, PROJ_LABELS) != "unchanged":
                cols = ("month", *PM_KEYS, "updated_at", "updated_by")
                ops.append((f"INSERT INTO project_months(project_id, {', '.join(cols)}) "
                            f"VALUES ((SELECT id FROM projects WHERE uid = ?), {', '.join('?' * len(cols))}) "
                            "ON CONFLICT(project_id, month) DO UPDATE SET "
                            + ", ".join(f"{k} = excluded.{k}" for k in cols[1:]),
                            (r["uid"], *[pm[k] for k in cols])))


def _merge_submission(s: _SubmissionMerge, c: dict[str, Any], office_sub: dict[str, Any] | None) -> None:
    """The package's submission state (or a draft row when the package changes anything)."""
    sub = c.get("submission")
    if sub is not None:
        if not isinstance(sub, dict):
            raise reject(s.raw, "的报送状态结构不对")
        need_fields(sub, SUB_SPEC, s.raw.name, "报送状态")
        s.own(sub, "报送状态")
        if sub["state"] not in STATES:
            raise reject(s.raw, f"的报送状态“{sub['state']}”无法识别")
        _merge_state(s.items, s.ops, s.unit, s.month, office_sub, sub)
    elif s.ops:
        s.ops.append(("INSERT INTO submissions(unit, month, state, updated_at) VALUES (?, ?, 'draft', ?) "
                      "ON CONFLICT(unit, month) DO NOTHING", (s.unit, s.month, now_iso())))


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


def _merge_audit(s: _SubmissionMerge, c: dict[str, Any]) -> None:
    """The audit trail of the month, appended without duplicates."""
    unit, month = s.unit, s.month
    seen = {tuple(a[k] for k in AUDIT_KEYS) for a in s.app.store.query(
        "SELECT * FROM value_audit WHERE unit = ? AND month = ?", (unit, month))}
    for a in need_list(c, "value_audit", s.raw.name):
        need_fields(a, AUDIT_SPEC, s.raw.name, "修改记录")
        s.own(a, "修改记录")
        k = tuple(a[x] for x in AUDIT_KEYS)
        if k not in seen:
            seen.add(k)
            s.work.preview.history_new += 1
            s.ops.append(("INSERT INTO value_audit(at, actor, unit, month, entity, entity_key, field, old, "
                          "new, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'package')",
                          (a["at"], a["actor"], unit, month, a["entity"], a["entity_key"], a["field"],
                           a["old"], a["new"])))
