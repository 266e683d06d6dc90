"""Reading a filled-in Excel template (填报模板): its layout, the template check, its cells.

The template (``exports.template``, which takes its sheet and column names from here)
carries a hidden 模板信息 sheet with its version, unit, month and plan id; a workbook
without it is not a template (``NotATemplate``, exit code 2 on the command line).

Cells are read twice: once for the formulas (``data_only=False``) and once for their
cached values (``data_only=True``); a formula without a cached value is rejected.
Numbers typed as ``18.6%`` (which Excel stores as 0.186 with a percent format) are read
back as 18.6, like text ``18.6%`` and full-width digits. What an import reports
(``ImportSummary`` with its ``Rejection`` items) is here too, as the reader adds to it.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forms.fields import Field
from forms.values import ValueProblem, parse_month
from models.authority import PUBLIC, rule
from models.app import App
from models.entries_base import month_cn
from models.errors import DomainError

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


@rule(PUBLIC)
class NotATemplate(DomainError):
    """The file is not a fill-in template of this program (nothing was imported)."""


@rule(PUBLIC)
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


@rule(PUBLIC)
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
    # Values that do not fit their whole or their parts (其中): imported, to be corrected before submitting.
    to_correct: list[str] = field(default_factory=list)
    # The whole file was refused before any row was read (a locked or future month).
    refused_whole: bool = False

    @property
    def ok(self) -> bool:
        return not self.rejected

    def text(self) -> str:
        head = f"{self.unit}{month_cn(self.month)}填报模板" if self.month else "填报模板"
        mode = "检查结果（仅检查，未写入）" if self.dry_run else "导入结果"
        if self.refused_whole:
            return "\n".join([f"{head}{mode}：整个文件不能导入，没有写入任何内容。"]
                             + [f"  {r.text()}" for r in self.rejected])
        lines = [f"{head}{mode}：新增{self.imported}条，更新{self.updated}条，未变化{self.unchanged}条，"
                 f"拒绝{self.rejected_rows}行（{len(self.rejected)}处问题）。"]
        if self.rejected:
            lines.append("被拒绝的内容（正式导入时不会写入，其余正确的行可以写入）：" if self.dry_run
                         else "被拒绝的内容（未写入，其余正确的行已写入）：")
            lines += [f"  {r.text()}" for r in self.rejected]
        if self.to_confirm:
            lines.append("以下数值与上期相差超过10倍，已导入为草稿，报送前须在“月度填报”中确认：")
            lines += [f"  {t}" for t in self.to_confirm]
        if self.to_correct:
            lines.append("以下数值与其所属总数或其中项不符，已导入为草稿，报送前须更正：")
            lines += [f"  {t}" for t in self.to_correct]
        return "\n".join(lines)


def _load(path: Path, preflight: Callable[[Path], None] | None = None) -> tuple[Any, Any]:
    """Both views of the workbook (formulas, cached values); ``preflight`` checks the file
    (``models.excel_bounds.check_workbook``) once it is known to be a zip, before loading."""
    from openpyxl import load_workbook
    if not path.is_file():
        raise NotATemplate(f"找不到文件：{path}")
    if not zipfile.is_zipfile(path):
        raise NotATemplate(f"文件“{path.name}”不是 Excel 工作簿（.xlsx），无法导入。"
                           "请使用本系统导出的填报模板。")
    if preflight is not None:
        preflight(path)  # sizes, cells' positions and rows before anything is loaded
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb_f = load_workbook(path, data_only=False)
            wb_v = load_workbook(path, data_only=True)
    except Exception as exc:  # a damaged or foreign file: openpyxl raises many kinds
        raise NotATemplate(f"文件“{path.name}”无法作为 Excel 工作簿读取（{_why(exc)}），"
                           "可能已损坏或不是 .xlsx 文件。") from None
    return wb_f, wb_v


def _why(exc: Exception) -> str:
    """What went wrong reading a workbook, in Chinese (never a bare exception class)."""
    if isinstance(exc, (zipfile.BadZipFile, EOFError)):
        return "压缩包已损坏或不完整"
    if isinstance(exc, NotImplementedError):
        return "文件使用了本程序不支持的格式或加密"
    if isinstance(exc, (KeyError, IndexError)):
        return "缺少必需的部件"
    if isinstance(exc, (ValueError, TypeError)):
        return "内容格式不正确"
    return "内容无法识别"


@rule(PUBLIC)
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
        self.ws_f: Any = wb_f[sheet] if sheet in wb_f.sheetnames else None
        self.ws_v: Any = wb_v[sheet] if sheet in wb_v.sheetnames else None
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
