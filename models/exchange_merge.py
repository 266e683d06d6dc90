"""Checking and merging a unit's submission package at the office (unit → office), per entity kind.

Before any content is read, ``submission_key`` refuses a package for the wrong PC or from a
unit this office never installed, and gives the key its signature is checked with
(``models.package_format.read_package``). ``prepare_submission`` then checks the office and
the plan version and merges the package kind by kind (task reports, milestone figures,
indicator values, projects and their monthly figures, the submission state, the audit
trail, review events):

- every row must belong to the package's unit and month (else the whole package is refused:
  a unit's key signed another unit's data);
- every row is checked with the forms' field definitions (``models.exchange_rows``); a bad
  row is refused and reported, the rest lands;
- newer wins: a row older than what the office already holds for the same item (its
  ``updated_at``, when the bureau saved it) is listed as older and not applied, whatever
  month the packages are for;
- a package only submits: a state the office decides (approved, returned, reopened) and
  review events other than submitting are never taken from it (refused rows, unless the
  office already has exactly that decision);
- an approved month, or a package older than one already imported for the same month, is a
  conflict: nothing of it applies.

The result is a ``Work`` (preview and statements); ``models.exchange`` runs the statements
in one transaction. Nothing here writes to the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forms import project_form, task_form
from models.app import App
from models.authority import INTERNAL, rule
from models.entries_base import STATE_NAMES, month_cn
from models.exchange_common import (AUDIT_KEYS, IND_KEYS, MILE_KEYS, MONTH_RE, PM_KEYS, PROJ_KEYS, TASK_KEYS,
                                    installation, office_id, unit_key)
from models.exchange_files import merge_attachments
from models.exchange_preview import (FIELD_LABELS, SUB_SPEC, PackagePreview, PreviewItem, Work, _compare, _finish,
                                     _hm, _merge_events, check_plan, reject)
from models.exchange_rows import Refusal, RowCheck, valid_stamp
from models.package_format import KIND_NAMES, PackageRejected, RawPackage, need_list, shape_problem
from models.store import now_iso

TASK_LABELS = {**FIELD_LABELS, **{f.key: f.label for f in task_form.FIELDS}}
PROJ_LABELS = {**FIELD_LABELS, **{f.key: f.label for f in project_form.FIELDS}}
UNIT_STATES = ("draft", "submitted")  # what a unit's package may say of its month


def _refused_head(kind: str, name: str, why: str) -> PackageRejected:
    return PackageRejected(f"{KIND_NAMES.get(kind, '文件')} {name} {why}，已拒绝，数据库未作任何修改。")


@rule(INTERNAL, why="checks a submission's manifest for models.exchange, which holds the rule")
def submission_key(app: App, manifest: dict[str, Any], name: str) -> str:
    """The key a submission package's signature is checked with, after the checks that need
    nothing but its manifest (this is the office's PC; the unit and office are known)."""
    inst = installation(app)
    if inst:
        raise _refused_head("submission", name, f"不能在单位电脑上导入：本机是“{inst['unit']}”的单位安装，"
                            "报送包应在领导小组办公室的电脑上导入")
    unit = manifest["unit"]
    key = unit_key(app, unit)
    if key is None:
        raise _refused_head("submission", name, f"来自未知单位“{unit[:30]}”：本办公室没有为该单位生成过安装文件")
    return key


@dataclass
class _SubmissionMerge:
    """A submission package being merged: the unit and month its rows must belong to, the work so far."""

    app: App
    raw: RawPackage
    work: Work
    unit: str
    month: str
    check: RowCheck

    @property
    def items(self) -> list[PreviewItem]:
        return self.work.preview.items

    @property
    def ops(self) -> list[tuple[str, tuple[Any, ...]]]:
        return self.work.ops

    def own(self, row: dict[str, Any], what: str) -> None:
        unit, month = self.unit, self.month
        if row.get("unit") != unit:
            raise reject(self.raw, f"中含有其他单位（{str(row.get('unit'))[:30]}）的{what}，报送包只能包含{unit}本单位的数据")
        if row.get("month", month) != month:
            raise reject(self.raw, f"中含有其他月份（{str(row.get('month'))[:20]}）的{what}")

    def task_of(self, code: Any, what: str) -> None:
        task = self.app.plan.tasks_by_code.get(code) if isinstance(code, str) else None
        if task is None:
            raise reject(self.raw, f"中的{what}“{str(code)[:20]}”在本机计划中不存在")
        if self.app.task_role(task, self.unit) is None:
            raise reject(self.raw, f"中含有不属于{self.unit}的任务{code}的数据（该任务不是本单位负责的）")

    def upsert(self, table: str, cols: tuple[str, ...], conflict: str, n_key: int, row: dict[str, Any]) -> None:
        self.ops.append((f"INSERT INTO {table}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
                         f"ON CONFLICT({conflict}) DO UPDATE SET "
                         + ", ".join(f"{k} = excluded.{k}" for k in cols[n_key:]), tuple(row[k] for k in cols)))


@rule(INTERNAL, why="checks a submission package for models.exchange, which holds the rule")
def prepare_submission(app: App, raw: RawPackage) -> Work:
    """Merge a submission package whose signature ``read_package`` verified."""
    m = raw.manifest
    if m["office_id"] != office_id(app):
        raise reject(raw, "来自其他办公室发放的安装，不是本办公室的单位")
    check_plan(app, raw)
    unit, month = m["unit"], m["month"]
    c = raw.content
    if c.get("unit") != unit or c.get("month") != month or not MONTH_RE.match(month):
        raise reject(raw, "的内容与清单中的单位或月份不一致")
    pv = PackagePreview(raw.path, raw.kind, unit, month, m["created_at"], raw.digest)
    work = Work(raw, pv)
    check = RowCheck(app.plan, unit, month, pv.refused)
    if not check.in_plan(month):
        raise reject(raw, f"的月份{month}不在方案的期间内")
    merge = _SubmissionMerge(app, raw, work, unit, month, check)
    _merge_task_reports(merge, c)
    _merge_milestone_values(merge, c)
    _merge_indicator_values(merge, c)
    _merge_projects(merge, c)
    merge_attachments(merge, c)
    office_sub = app.store.one("SELECT * FROM submissions WHERE unit = ? AND month = ?", (unit, month))
    ostate = office_sub["state"] if office_sub else ""
    _merge_submission(merge, c, office_sub)
    _merge_audit(merge, c)
    _merge_events(app, raw, pv, work.ops, unit, [month], c, check, only_submit=True)
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
    old_t = {r["task_code"]: r for r in s.app.store.query(
        "SELECT * FROM task_reports WHERE unit = ? AND month = ?", (s.unit, s.month))}
    for r in need_list(c, "task_reports", s.raw.name):
        s.own(r, "任务填报")
        s.task_of(r.get("task_code"), "任务")
        row = s.check.task(r)
        if row is None:
            continue
        if _compare(s.items, "任务填报", row["task_code"], old_t.get(row["task_code"]), row, TASK_KEYS,
                    TASK_LABELS) in ("new", "updated"):
            s.upsert("task_reports", ("task_code", "unit", "month", *TASK_KEYS, "updated_at", "updated_by"),
                     "task_code, unit, month", 3, row)


def _merge_milestone_values(s: _SubmissionMerge, c: dict[str, Any]) -> None:
    plan = s.app.plan
    old_m = {r["milestone_code"]: r for r in s.app.store.query(
        "SELECT * FROM milestone_values WHERE unit = ? AND month = ?", (s.unit, s.month))}
    for r in need_list(c, "milestone_values", s.raw.name):
        s.own(r, "里程碑数值")
        code = r.get("milestone_code")
        part = plan.parts_by_code.get(code) if isinstance(code, str) else None
        if part is None or not part.task:
            raise reject(s.raw, f"中的里程碑“{str(code)[:20]}”在本机计划中不存在")
        s.task_of(part.task, "任务")
        row = s.check.milestone(r, part)
        if row is None:
            continue
        if _compare(s.items, "里程碑", part.code, old_m.get(part.code), row, MILE_KEYS) in ("new", "updated"):
            s.upsert("milestone_values", ("milestone_code", "unit", "month", *MILE_KEYS, "updated_at",
                                          "updated_by"), "milestone_code, unit, month", 3, row)


def _merge_indicator_values(s: _SubmissionMerge, c: dict[str, Any]) -> None:
    plan, unit = s.app.plan, s.unit
    for r in need_list(c, "indicator_values", s.raw.name):
        s.own(r, "指标数值")
        code = r.get("part_code")
        part = plan.parts_by_code.get(code) if isinstance(code, str) else None
        ind = plan.indicator_of(part.code) if part is not None else None
        if part is None or part.task or ind is None:
            raise reject(s.raw, f"中的指标“{str(code)[:20]}”在本机计划中不存在")
        owner = s.app.responsible_unit(ind)
        if owner != unit:
            raise reject(s.raw, f"中含有其他单位（{owner or '未分工'}）负责的指标{code}")
        row = s.check.indicator(r, part)
        if row is None:
            continue
        old = s.app.store.one("SELECT * FROM indicator_values WHERE part_code = ? AND period = ?",
                              (part.code, row["period"]))
        if _compare(s.items, "指标", f"{part.code}@{row['period']}", old, row, IND_KEYS) in ("new", "updated"):
            s.upsert("indicator_values", ("part_code", "period", "unit", "month", *IND_KEYS, "updated_at",
                                          "updated_by"), "part_code, period", 2, row)


def _merge_projects(s: _SubmissionMerge, c: dict[str, Any]) -> None:
    """Projects (by uid) and their monthly figures."""
    name, unit, month, items, ops = s.raw.name, s.unit, s.month, s.items, s.ops
    for r in need_list(c, "projects", name):
        s.own(r, "项目")
        s.task_of(r.get("task_code"), "项目所属任务")
        old = s.app.store.one("SELECT * FROM projects WHERE uid = ?", (str(r.get("uid")),))
        if old is not None and old["unit"] != unit:
            raise reject(s.raw, f"中的项目“{str(r.get('name'))[:30]}”在本机属于{old['unit']}，不能由{unit}修改")
        row = s.check.project(r)
        if row is None:
            continue
        st = _compare(items, "项目", row["name"], old, row, PROJ_KEYS, PROJ_LABELS)
        if st == "new":
            cols: tuple[str, ...] = ("uid", "unit", "created_month", *PROJ_KEYS, "updated_at", "updated_by")
            ops.append((f"INSERT INTO projects({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                        tuple(row[k] for k in cols)))
        elif st == "updated":
            cols = (*PROJ_KEYS, "updated_at", "updated_by")
            ops.append((f"UPDATE projects SET {', '.join(k + ' = ?' for k in cols)}, "
                        "created_month = MIN(created_month, ?) WHERE uid = ?",
                        (*[row[k] for k in cols], row["created_month"], row["uid"])))
        old_pm = {x["month"]: x for x in s.app.store.query(
            "SELECT pm.* FROM project_months pm JOIN projects p ON p.id = pm.project_id WHERE p.uid = ?",
            (row["uid"],))}
        for pm in need_list(r, "months", name):
            if pm.get("month") != month:
                raise reject(s.raw, f"中含有其他月份（{str(pm.get('month'))[:20]}）的项目数据")
            pm_row = s.check.project_month(pm, row["name"])
            if pm_row is None:
                continue
            if _compare(items, "项目月度数据", f"{row['name']} {month}", old_pm.get(month),
                                           pm_row, PM_KEYS, PROJ_LABELS) not in ("new", "updated"):
                continue
            cols = ("month", *PM_KEYS, "updated_at", "updated_by")
            ops.append((f"INSERT INTO project_months(project_id, {', '.join(cols)}) "
                        f"VALUES ((SELECT id FROM projects WHERE uid = ?), {', '.join('?' * len(cols))}) "
                        "ON CONFLICT(project_id, month) DO UPDATE SET "
                        + ", ".join(f"{k} = excluded.{k}" for k in cols[1:]),
                        (row["uid"], *[pm_row[k] for k in cols])))


def _merge_submission(s: _SubmissionMerge, c: dict[str, Any], office_sub: dict[str, Any] | None) -> None:
    """The package's submission state: a unit only drafts and submits; the office decides."""
    sub = c.get("submission")
    if sub is not None:
        if not isinstance(sub, dict):
            raise reject(s.raw, "的报送状态结构不对")
        problem = shape_problem(sub, SUB_SPEC)
        if problem:
            s.work.preview.refused.append(Refusal(s.unit, s.month, "报送状态", "", problem.lstrip("的")))
            sub = None
        else:
            s.own(sub, "报送状态")
            sub = _unit_state(s, sub, office_sub)
    if sub is not None:
        _merge_state(s.items, s.ops, s.unit, s.month, office_sub, sub)
    elif s.ops:
        s.ops.append(("INSERT INTO submissions(unit, month, state, updated_at) VALUES (?, ?, 'draft', ?) "
                      "ON CONFLICT(unit, month) DO NOTHING", (s.unit, s.month, now_iso())))


def _unit_state(s: _SubmissionMerge, sub: dict[str, Any], office: dict[str, Any] | None) -> dict[str, Any] | None:
    """The state row as far as a unit may say it (draft or submitted, and when), or None."""
    state = sub["state"]
    refuse = s.work.preview.refused
    if state in ("approved", "returned", "reopened"):
        if office is not None and office["state"] == state:
            return None  # the office's own decision, carried back: nothing to take
        refuse.append(Refusal(s.unit, s.month, "报送状态", "状态",
                              f"包中的状态为“{STATE_NAMES.get(state, state)}”：审核结果只能由领导小组办公室作出，"
                              "单位的报送包只能报送，该状态未采用"))
        return None
    if state not in ("", *UNIT_STATES):
        refuse.append(Refusal(s.unit, s.month, "报送状态", "状态", f"“{state[:20]}”无法识别"))
        return None
    if sub["submitted_at"] and not valid_stamp(sub["submitted_at"]):
        refuse.append(Refusal(s.unit, s.month, "报送状态", "报送时间", f"“{sub['submitted_at'][:32]}”不是有效的时间"))
        return None
    if state == "submitted" and not sub["submitted_at"]:
        refuse.append(Refusal(s.unit, s.month, "报送状态", "报送时间", "已报送却没有报送时间"))
        return None
    return {"state": state, "submitted_at": sub["submitted_at"], "submitted_by": sub["submitted_by"][:64]}


def _merge_state(items: list[PreviewItem], ops: list[tuple[str, tuple[Any, ...]]], unit: str, month: str,
                 office: dict[str, Any] | None, sub: dict[str, Any]) -> None:
    """The office keeps its decisions; the unit's submitting moves the state forward. The
    decision fields (who, when, comment, returns) are never taken from a package."""
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
    elif p in UNIT_STATES and office is not None and (p, sub["submitted_at"]) != (ostate, office["submitted_at"]):
        take = (p, sub["submitted_at"], sub["submitted_by"])
    if take is None:
        items.append(PreviewItem("unchanged", "报送状态", month_cn(month)))
        return
    items.append(PreviewItem("new" if office is None else "updated", "报送状态", month_cn(month),
                             f"{STATE_NAMES.get(ostate, ostate)} → {STATE_NAMES.get(take[0], take[0])}"))
    ops.append(("INSERT INTO submissions(unit, month, state, submitted_at, submitted_by, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(unit, month) DO UPDATE SET state = excluded.state, "
                "submitted_at = excluded.submitted_at, submitted_by = excluded.submitted_by, "
                "updated_at = excluded.updated_at", (unit, month, *take, now_iso())))


def _merge_audit(s: _SubmissionMerge, c: dict[str, Any]) -> None:
    """The audit trail of the month, appended without duplicates."""
    unit, month = s.unit, s.month
    seen = {tuple(a[k] for k in AUDIT_KEYS) for a in s.app.store.query(
        "SELECT * FROM value_audit WHERE unit = ? AND month = ?", (unit, month))}
    for a in need_list(c, "value_audit", s.raw.name):
        s.own(a, "修改记录")
        row = s.check.audit(a)
        if row is None:
            continue
        k = tuple(row[x] for x in AUDIT_KEYS)
        if k not in seen:
            seen.add(k)
            s.work.preview.history_new += 1
            s.ops.append(("INSERT INTO value_audit(at, actor, unit, month, entity, entity_key, field, old, "
                          "new, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'package')",
                          (row["at"], row["actor"], unit, month, row["entity"], row["entity_key"], row["field"],
                           row["old"], row["new"])))
