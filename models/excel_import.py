"""Importing a filled-in Excel template (填报模板) of one unit and month.

The template (``exports.template``) carries a hidden 模板信息 sheet with its version,
unit, month and plan id; a workbook without it is not a template (``NotATemplate``,
exit code 2 on the command line). Every input cell is checked with the same field
definitions as the forms (``forms/``, ``Field.validate``); a row with a bad cell is
rejected (sheet, row, column, Chinese reason) and the others are written through
``Entries`` with ``origin="excel"``. All writes run in one transaction: an unexpected
error writes nothing, a dry run rolls everything back. Importing the same file twice
changes nothing the second time (rows equal to the stored values count as unchanged;
a new project row whose task and name match an existing project updates it).

Cells are read twice: once for the formulas (``data_only=False``) and once for their
cached values (``data_only=True``); a formula without a cached value is rejected.
Numbers typed as ``18.6%`` (which Excel stores as 0.186 with a percent format) are read
back as 18.6, like text ``18.6%`` and full-width digits.
"""

from __future__ import annotations

import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forms import indicator_form, milestone_form, project_form, task_form
from forms.fields import CHOICE, Field
from models.app import Actor, App
from models.backup import backup_now
from models.entries import Entries
from models.entries_base import month_cn
from models.errors import DomainError
from forms.values import ValueProblem, as_text, parse_month

TEMPLATE_MARK = "zhushan-excel-template"
TEMPLATE_VERSION = 1
META_SHEET = "模板信息"
GUIDE, TASKS, MILESTONES, PROJECTS, INDICATORS = "填报说明", "任务填报", "里程碑填报", "项目填报", "指标填报"
HEADER_ROW = 3
TASK_CODE, MILESTONE_CODE, PROJECT_ID, PROJECT_TASK, INDICATOR_CODE = (
    "任务编码", "里程碑编码", "项目ID", "所属任务编码", "指标编码")
MILESTONE_VALUE = "本月累计值"
INDICATOR_VALUE = "本期数值"
_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}


class NotATemplate(DomainError):
    """The file is not a fill-in template of this program (nothing was imported)."""


@dataclass(frozen=True)
class Rejection:
    sheet: str
    row: int
    column: str  # column letter ("" for the whole row or sheet)
    reason: str
    label: str = ""  # the column's header

    def text(self) -> str:
        where = f"［{self.sheet}］" + (f"第{self.row}行" if self.row else "")
        if self.column:
            where += f" {self.column}列" + (f"（{self.label}）" if self.label else "")
        return f"{where}：{self.reason}"


@dataclass
class ImportSummary:
    unit: str = ""
    month: str = ""
    dry_run: bool = False
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    rejected_rows: int = 0
    # Values more than 10 times off the previous period: imported, to be confirmed before submitting.
    to_confirm: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def text(self) -> str:
        head = f"{self.unit}{month_cn(self.month)}填报模板" if self.month else "填报模板"
        mode = "检查结果（仅检查，未写入）" if self.dry_run else "导入结果"
        lines = [f"{head}{mode}：新增{self.imported}条，更新{self.updated}条，未变化{self.unchanged}条，"
                 f"拒绝{self.rejected_rows}行（{len(self.rejected)}处问题）。"]
        if self.rejected:
            lines.append("被拒绝的内容（正式导入时不会写入，其余正确的行可以写入）：" if self.dry_run
                         else "被拒绝的内容（未写入，其余正确的行已写入）：")
            lines += [f"  {r.text()}" for r in self.rejected]
        if self.to_confirm:
            lines.append("以下数值与上期相差超过10倍，已导入为草稿，报送前须在“月度填报”中确认：")
            lines += [f"  {t}" for t in self.to_confirm]
        return "\n".join(lines)


def _load(path: Path) -> tuple[Any, Any]:
    from openpyxl import load_workbook
    if not path.is_file():
        raise NotATemplate(f"找不到文件：{path}")
    if not zipfile.is_zipfile(path):
        raise NotATemplate(f"文件“{path.name}”不是 Excel 工作簿（.xlsx），无法导入。"
                           "请使用本系统导出的填报模板。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb_f = load_workbook(path, data_only=False)
            wb_v = load_workbook(path, data_only=True)
    except Exception as exc:  # a damaged or foreign file: openpyxl raises many kinds
        raise NotATemplate(f"文件“{path.name}”无法作为 Excel 工作簿读取（{type(exc).__name__}），"
                           "可能已损坏或不是 .xlsx 文件。") from None
    return wb_f, wb_v


def read_meta(wb: Any, app: App, name: str) -> dict[str, Any]:
    not_tpl = (f"文件“{name}”不是本系统导出的填报模板（缺少“{META_SHEET}”），无法导入。"
               "请先在“台账与模板”页面或用 export-template 命令导出模板，填写后再导入。")
    if META_SHEET not in wb.sheetnames:
        raise NotATemplate(not_tpl)
    ws = wb[META_SHEET]
    meta = {str(r[0]).strip(): r[1] for r in ws.iter_rows(min_row=1, max_row=30, max_col=2, values_only=True)
            if r and r[0] is not None}
    if meta.get("模板标识") != TEMPLATE_MARK:
        raise NotATemplate(not_tpl)
    try:
        version = int(meta.get("模板版本") or 0)
    except (TypeError, ValueError):
        version = 0
    if not 1 <= version <= TEMPLATE_VERSION:
        raise NotATemplate(f"模板版本“{meta.get('模板版本')}”无法识别（本程序支持到第{TEMPLATE_VERSION}版），"
                           "请使用本程序重新导出模板。")
    if str(meta.get("计划编号")) != app.plan.plan_id:
        raise NotATemplate(f"该模板属于计划“{meta.get('计划编号')}”，与本系统的计划“{app.plan.plan_id}”不符。")
    unit = str(meta.get("填报单位") or "").strip()
    if unit not in app.reporting_units():
        raise NotATemplate(f"模板中的填报单位“{unit}”不是本系统的填报单位。")
    try:
        month = parse_month(meta.get("填报月份"))
    except ValueProblem:
        raise NotATemplate(f"模板中的填报月份“{meta.get('填报月份')}”无效。") from None
    return {"unit": unit, "month": month, "version": version}


class _Reader:
    """Reads one input sheet: header map, cell values with formula and percent handling."""

    def __init__(self, wb_f: Any, wb_v: Any, sheet: str, key: str, out: ImportSummary):
        self.sheet = sheet
        self.out = out
        self.ws_f = wb_f[sheet] if sheet in wb_f.sheetnames else None
        self.ws_v = wb_v[sheet] if sheet in wb_v.sheetnames else None
        self.cols: dict[str, int] = {}
        self.header = 0
        if self.ws_f is None:
            self.reject(0, "", f"缺少工作表“{sheet}”，该表的内容未导入")
            return
        for r in range(1, min(self.ws_f.max_row, 12) + 1):
            labels = {str(c.value).strip(): c.column for c in self.ws_f[r] if isinstance(c.value, str)}
            if key in labels:
                self.cols, self.header = labels, r
                break
        if not self.header:
            self.reject(0, "", f"找不到列标题“{key}”，该表的内容未导入（请不要修改模板的标题行）")

    @property
    def usable(self) -> bool:
        return bool(self.header)

    def rows(self) -> range:
        return range(self.header + 1, self.ws_f.max_row + 1) if self.usable else range(0)

    def reject(self, row: int, col: str, reason: str, label: str = "") -> None:
        self.out.rejected.append(Rejection(self.sheet, row, col, reason, label))

    def letter(self, label: str) -> str:
        from openpyxl.utils import get_column_letter
        return get_column_letter(self.cols[label]) if label in self.cols else ""

    def raw(self, row: int, label: str) -> tuple[Any, str]:
        """(value, problem) of the cell under ``label``; formulas give their cached value."""
        col = self.cols.get(label)
        if col is None:
            return None, ""
        cf = self.ws_f.cell(row, col)
        v = cf.value
        if cf.data_type == "f" or (isinstance(v, str) and v.startswith("=")) or not isinstance(
                v, (str, int, float, type(None))) and not hasattr(v, "year"):
            v = self.ws_v.cell(row, col).value
            if v is None:
                return None, ("单元格是公式，但文件中没有计算结果；请在 Excel 中打开并保存后再导入，"
                              "或直接填写数值")
        if cf.data_type == "e" or (isinstance(v, str) and v.strip() in _ERRORS):
            return None, f"单元格显示错误值“{str(v).strip()}”，请改为正确的数值"
        if isinstance(v, (int, float)) and not isinstance(v, bool) and "%" in (cf.number_format or ""):
            v = round(v * 100, 10)  # Excel stores 18.6% as 0.186
        return v, ""

    def value(self, row: int, f: Field, label: str | None = None,
              problems: list[tuple[str, str, str]] | None = None) -> Any:
        """The validated value of a field's cell; a problem is added to ``problems``."""
        label = label or f.label
        v, problem = self.raw(row, label)
        if not problem:
            try:
                return f.validate(v)
            except ValueProblem as exc:
                problem = str(exc)
        if problems is not None:
            problems.append((self.letter(label), label, problem))
        return None

    def text(self, row: int, label: str) -> str:
        v, _ = self.raw(row, label)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).strip()

    def blank(self, row: int, labels: list[str]) -> bool:
        return all(self.raw(row, lb)[0] in (None, "") for lb in labels)


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

    def tasks(self, rd: _Reader) -> None:
        mine = {t.code for t, _ in self.app.tasks_of(self.unit)}
        keys = [f for f in task_form.FIELDS if f.label in rd.cols]
        for r in rd.rows():
            code = rd.text(r, TASK_CODE)
            if not code:
                continue
            if code not in mine:
                self._fail(rd, r, [(rd.letter(TASK_CODE), TASK_CODE, f"任务编码“{code[:20]}”不是{self.unit}承担的任务")])
                continue
            cur = self.e.task_report(code, self.unit, self.month)
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
        for r in rd.rows():
            code = rd.text(r, MILESTONE_CODE)
            if not code:
                continue
            if code not in mine:
                self._fail(rd, r, [(rd.letter(MILESTONE_CODE), MILESTONE_CODE,
                                    f"里程碑编码“{code[:20]}”不属于{self.unit}承担的任务")])
                continue
            part = self.app.plan.part(code)
            cur = self.e.milestone_value(code, self.unit, self.month)
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
                self.e.save_milestone_value(self.actor, code, self.unit, self.month, raw,
                                            note=note if has_note else None, origin="excel")
            except DomainError as exc:
                self._domain(rd, r, exc)
                continue
            self._count(cur is not None)

    def indicators(self, rd: _Reader) -> None:
        mine = set(self.app.parts_of(self.unit))
        extra = [f for f in indicator_form.FIELDS if f.label in rd.cols]
        for r in rd.rows():
            code = rd.text(r, INDICATOR_CODE)
            if not code:
                continue
            if code not in mine:
                self._fail(rd, r, [(rd.letter(INDICATOR_CODE), INDICATOR_CODE,
                                    f"指标编码“{code[:20]}”不是{self.unit}负责的指标")])
                continue
            part = self.app.plan.part(code)
            period = self.e.period_for(code, self.month)
            cur = self.e.indicator_value(code, period)
            problems: list[tuple[str, str, str]] = []
            value = rd.value(r, indicator_form.value_field(part.unit, part.qualitative), INDICATOR_VALUE, problems)
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
                self.e.save_indicator_value(self.actor, code, self.unit, self.month, raw,
                                            source=more.get("source"), note=more.get("note"),
                                            period=period, origin="excel")
            except DomainError as exc:
                self._domain(rd, r, exc)
                continue
            self._count(cur is not None)

    def projects(self, rd: _Reader) -> None:
        mine = [t.code for t, _ in self.app.tasks_of(self.unit)]
        task_f = Field("task_code", PROJECT_TASK, CHOICE, choices=tuple(mine), required=True)
        keys = [f for f in project_form.FIELDS if f.label in rd.cols]
        existing = {p["uid"]: p for p in self.e.projects(self.unit, self.month, include_closed=True)}
        for r in rd.rows():
            uid = rd.text(r, PROJECT_ID)
            if not uid and rd.blank(r, [PROJECT_TASK, *[f.label for f in keys]]):
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
                cur = self.e.project(cur["uid"], self.month)
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


def import_excel(app: App, actor: Actor, path: str | Path, dry_run: bool = False) -> ImportSummary:
    """Check and import a filled-in template. Raises NotATemplate for any other file,
    PermissionDenied when ``actor`` may not enter the template's unit's data."""
    path = Path(path)
    wb_f, wb_v = _load(path)
    meta = read_meta(wb_f, app, path.name)
    unit, month = meta["unit"], meta["month"]
    actor.require_unit(unit, "导入该单位的填报模板")
    out = ImportSummary(unit=unit, month=month, dry_run=dry_run)
    reason = Entries(app).lock_reason(actor, unit, month)
    if reason:
        out.rejected.append(Rejection(META_SHEET, 0, "", reason))
        out.rejected_rows = 1
        return out
    imp = _Importer(app, actor, unit, month, out)
    if not dry_run:
        backup_now(app.store, "import")
    try:
        with app.store.tx():
            imp.tasks(_Reader(wb_f, wb_v, TASKS, TASK_CODE, out))
            imp.milestones(_Reader(wb_f, wb_v, MILESTONES, MILESTONE_CODE, out))
            imp.projects(_Reader(wb_f, wb_v, PROJECTS, PROJECT_ID, out))
            imp.indicators(_Reader(wb_f, wb_v, INDICATORS, INDICATOR_CODE, out))
            out.to_confirm = [f"{where}：{msg}" for where, msg, _ in
                              Entries(app).unconfirmed_jumps(unit, month)]
            if dry_run:
                raise _Rollback
            app.log(actor, "import", f"导入Excel模板“{path.name}”（{unit}，{month}）：新增{out.imported}，"
                    f"更新{out.updated}，未变化{out.unchanged}，拒绝{out.rejected_rows}行")
    except _Rollback:
        pass
    return out


