"""Importing a filled-in Excel template (填报模板) of one unit and month.

The workbook is read and checked by ``models.excel_read`` (not a template:
``NotATemplate``). Every input cell is checked with the same field definitions as the
forms (``forms/``, ``Field.validate``); a row with a bad cell is rejected (sheet, row,
column, Chinese reason) and the others are written through ``Entries`` with
``origin="excel"``. All writes run in one transaction: an unexpected error writes
nothing, a dry run rolls everything back. Importing the same file twice changes nothing
the second time (rows equal to the stored values count as unchanged; a new project row
whose task and name match an existing project updates it).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from forms import indicator_form, milestone_form, project_form, task_form
from forms.fields import CHOICE, Field
from forms.values import as_text
from models.app import Actor, App, refuse_future
from models.authority import SIGNED_IN, UNIT, demand, rule
from models.backup import automatic_backup
from models.entries import Entries
from models.errors import DomainError, InvalidInput
from models.excel_bounds import check_workbook
from models.excel_read import (INDICATOR_CODE, INDICATOR_VALUE, INDICATORS, META_SHEET, MILESTONE_CODE,
                               MILESTONE_VALUE, MILESTONES, PROJECT_ID, PROJECT_TASK, PROJECTS, TASK_CODE, TASKS,
                               ImportSummary, Rejection, _load, _Reader, read_meta)


def _same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


class _Importer:
    def __init__(self, app: App, actor: Actor, unit: str, month: str, out: ImportSummary):
        self.app = app
        self.actor = actor
        self.unit = unit
        self.month = month
        self.e = Entries(app)
        self.out = out

    def _fail(self, rd: _Reader, row: int, problems: list[tuple[str, str, str]]) -> None:
        for letter, label, msg in problems:
            rd.reject(row, letter, msg, label)
        self.out.rejected_rows += 1

    def _count(self, existed: bool) -> None:
        if existed:
            self.out.updated += 1
        else:
            self.out.imported += 1

    def _domain(self, rd: _Reader, row: int, exc: DomainError) -> None:
        rd.reject(row, "", str(exc))
        self.out.rejected_rows += 1

    def _duplicates(self, rd: _Reader, label: str, what: str) -> dict[str, list[int]]:
        """Codes under ``label`` that occur in more than one row: {code: rows}. None of
        those rows is imported (which one is right cannot be told)."""
        rows: dict[str, list[int]] = {}
        for r in rd.rows():
            code = rd.text(r, label)
            if code:
                rows.setdefault(code, []).append(r)
        return {c: rs for c, rs in rows.items() if len(rs) > 1}

    def _dup(self, rd: _Reader, row: int, label: str, what: str, code: str, rows: list[int]) -> None:
        others = "、".join(str(x) for x in rows)
        self._fail(rd, row, [(rd.letter(label), label, f"{what}“{code[:20]}”在第{others}行重复出现，"
                                                        "无法确定以哪一行为准，这些行均未导入")])

    def tasks(self, rd: _Reader) -> None:
        mine = {t.code for t, _ in self.app.tasks_of(self.unit)}
        keys = [f for f in task_form.FIELDS if f.label in rd.cols]
        dups = self._duplicates(rd, TASK_CODE, "任务编码")
        for r in rd.rows():
            code = rd.text(r, TASK_CODE)
            if not code:
                continue
            if code in dups:
                self._dup(rd, r, TASK_CODE, "任务编码", code, dups[code])
                continue
            if code not in mine:
                self._fail(rd, r, [(rd.letter(TASK_CODE), TASK_CODE, f"任务编码“{code[:20]}”不是{self.unit}承担的任务")])
                continue
            cur = self.e.task_report(self.actor, code, self.unit, self.month)
            if not cur.get("updated_at") and rd.blank(r, [f.label for f in keys]):
                continue
            problems: list[tuple[str, str, str]] = []
            values = {f.key: rd.value(r, f, problems=problems) for f in keys}
            if problems:
                self._fail(rd, r, problems)
                continue
            if all(as_text(values[f.key]) == (cur.get(f.key) or "") for f in keys):
                self.out.unchanged += 1
                continue
            try:
                self.e.save_task_report(self.actor, code, self.unit, self.month, values, origin="excel")
            except DomainError as exc:
                self._domain(rd, r, exc)
                continue
            self._count(bool(cur.get("updated_at")))

    def milestones(self, rd: _Reader) -> None:
        mine = set(self.app.milestones_of(self.unit))
        note_f = milestone_form.NOTE
        dups = self._duplicates(rd, MILESTONE_CODE, "里程碑编码")
        for r in rd.rows():
            code = rd.text(r, MILESTONE_CODE)
            if not code:
                continue
            if code in dups:
                self._dup(rd, r, MILESTONE_CODE, "里程碑编码", code, dups[code])
                continue
            if code not in mine:
                self._fail(rd, r, [(rd.letter(MILESTONE_CODE), MILESTONE_CODE,
                                    f"里程碑编码“{code[:20]}”不属于{self.unit}承担的任务")])
                continue
            part = self.app.plan.part(code)
            cur = self.e.milestone_value(self.actor, code, self.unit, self.month)
            problems: list[tuple[str, str, str]] = []
            value = rd.value(r, milestone_form.value_field(part), MILESTONE_VALUE, problems)
            has_note = note_f.label in rd.cols
            note = rd.value(r, note_f, problems=problems) if has_note else None
            if problems:
                self._fail(rd, r, problems)
                continue
            if isinstance(value, bool):
                value = 1.0 if value else 0.0
            old_v = cur["value"] if cur else None
            old_note = (cur["note"] if cur else "") or ""
            if _same_number(old_v, value) and (not has_note or old_note == (note or "")) and (
                    value is not None or not (cur and cur["raw"])):
                if cur is not None or value is not None or note:
                    self.out.unchanged += 1
                continue
            raw = "" if value is None else (("是" if value else "否") if part.qualitative else value)
            try:
                res = self.e.save_milestone_value(self.actor, code, self.unit, self.month, raw,
                                                  note=note if has_note else None, origin="excel")
            except DomainError as exc:
                self._domain(rd, r, exc)
                continue
            self.out.to_correct += [f"里程碑{code}：{err.message}" for err in res.errors]
            self._count(cur is not None)

    def indicators(self, rd: _Reader) -> None:
        mine = set(self.app.parts_of(self.unit))
        extra = [f for f in indicator_form.FIELDS if f.label in rd.cols]
        dups = self._duplicates(rd, INDICATOR_CODE, "指标编码")
        for r in rd.rows():
            code = rd.text(r, INDICATOR_CODE)
            if not code:
                continue
            if code in dups:
                self._dup(rd, r, INDICATOR_CODE, "指标编码", code, dups[code])
                continue
            if code not in mine:
                self._fail(rd, r, [(rd.letter(INDICATOR_CODE), INDICATOR_CODE,
                                    f"指标编码“{code[:20]}”不是{self.unit}负责的指标")])
                continue
            part = self.app.plan.part(code)
            period = self.e.period_for(code, self.month)
            cur = self.e.indicator_value(self.actor, code, period)
            problems: list[tuple[str, str, str]] = []
            value = rd.value(r, indicator_form.value_field(part.entry_unit, part.qualitative), INDICATOR_VALUE, problems)
            more = {f.key: rd.value(r, f, problems=problems) for f in extra}
            if problems:
                self._fail(rd, r, problems)
                continue
            if isinstance(value, bool):
                value = 1.0 if value else 0.0
            old = cur or {"value": None, "raw": "", "source": "", "note": ""}
            same = _same_number(old["value"], value) and all(
                (old.get(k) or "") == (v or "") for k, v in more.items()) and (
                value is not None or not old["raw"])
            if same:
                if cur is not None or value is not None or any(more.values()):
                    self.out.unchanged += 1
                continue
            raw = "" if value is None else (("是" if value else "否") if part.qualitative else value)
            try:
                res = self.e.save_indicator_value(self.actor, code, self.unit, self.month, raw,
                                                  source=more.get("source"), note=more.get("note"),
                                                  period=period, origin="excel")
            except DomainError as exc:
                self._domain(rd, r, exc)
                continue
            self.out.to_correct += [f"指标{code}：{err.message}" for err in res.errors]
            self._count(cur is not None)

    def projects(self, rd: _Reader) -> None:
        mine = [t.code for t, _ in self.app.tasks_of(self.unit)]
        task_f = Field("task_code", PROJECT_TASK, CHOICE, choices=tuple(mine), required=True)
        keys = [f for f in project_form.FIELDS if f.label in rd.cols]
        existing = {p["uid"]: p for p in self.e.projects(self.actor, self.unit, self.month, include_closed=True)}
        dups = self._duplicates(rd, PROJECT_ID, "项目ID")
        for r in rd.rows():
            uid = rd.text(r, PROJECT_ID)
            if not uid and rd.blank(r, [PROJECT_TASK, *[f.label for f in keys]]):
                continue
            if uid in dups:
                self._dup(rd, r, PROJECT_ID, "项目", uid, dups[uid])
                continue
            problems: list[tuple[str, str, str]] = []
            task_code = rd.value(r, task_f, problems=problems)
            values = {f.key: rd.value(r, f, problems=problems) for f in keys}
            if problems:
                self._fail(rd, r, problems)
                continue
            cur = None
            if uid:
                cur = existing.get(uid)
                if cur is None:
                    self._fail(rd, r, [(rd.letter(PROJECT_ID), PROJECT_ID,
                                        "项目ID在本单位的项目中不存在（请不要修改隐藏的项目ID列）")])
                    continue
            else:
                cur = next((p for p in existing.values() if p["task_code"] == task_code
                            and p["name"] == values.get("name")), None)
            if cur is not None:
                cur = self.e.project(self.actor, cur["uid"], self.month)
                if cur.get("task_code") == task_code and all(_same_project(cur.get(f.key), values[f.key])
                                                             for f in keys):
                    self.out.unchanged += 1
                    continue
            try:
                new_uid = self.e.save_project(self.actor, self.unit, self.month, task_code, values,
                                              uid=cur["uid"] if cur else None, origin="excel")
            except DomainError as exc:
                self._domain(rd, r, exc)
                continue
            if cur is None:
                existing[new_uid] = {"uid": new_uid, "task_code": task_code, "name": values.get("name")}
            self._count(cur is not None)


def _same_project(old: Any, new: Any) -> bool:
    if isinstance(new, (int, float)) or isinstance(old, (int, float)):
        return _same_number(old, new)
    return as_text(old) == as_text(new)


class _Rollback(Exception):
    pass


@rule(SIGNED_IN, what="导入填报模板")
def import_excel(app: App, actor: Actor, path: str | Path, dry_run: bool = False,
                 today: date | None = None) -> ImportSummary:
    """Check and import a filled-in template. Raises NotATemplate for any other file,
    PermissionDenied when ``actor`` may not enter the template's unit's data. A template
    of a month after the current reporting month is refused whole (``today``: the date
    that month is judged from)."""
    path = Path(path)
    wb_f, wb_v = _load(path, check_workbook)
    meta = read_meta(wb_f, app, path.name)
    unit, month = meta["unit"], meta["month"]
    demand(UNIT, app, actor, unit, what="导入该单位的填报模板")
    out = ImportSummary(unit=unit, month=month, dry_run=dry_run)
    try:
        refuse_future(month, "不能导入该月的填报模板", today)
        reason = Entries(app).lock_reason(actor, unit, month)
    except InvalidInput as exc:
        reason = str(exc)
    if reason:
        out.rejected.append(Rejection(META_SHEET, 0, "", reason))
        out.rejected_rows = 1
        out.refused_whole = True
        return out
    imp = _Importer(app, actor, unit, month, out)
    if not dry_run:
        automatic_backup(app.store, "import")
    try:
        with app.store.tx():
            imp.tasks(_Reader(wb_f, wb_v, TASKS, TASK_CODE, out))
            imp.milestones(_Reader(wb_f, wb_v, MILESTONES, MILESTONE_CODE, out))
            imp.projects(_Reader(wb_f, wb_v, PROJECTS, PROJECT_ID, out))
            imp.indicators(_Reader(wb_f, wb_v, INDICATORS, INDICATOR_CODE, out))
            out.to_confirm = [f"{where}：{msg}" for where, msg, _ in
                              Entries(app).unconfirmed_jumps(actor, unit, month)]
            if dry_run:
                raise _Rollback
            app.log(actor, "import", f"导入Excel模板“{path.name}”（{unit}，{month}）：新增{out.imported}，"
                    f"更新{out.updated}，未变化{out.unchanged}，拒绝{out.rejected_rows}行")
    except _Rollback:
        pass
    return out
