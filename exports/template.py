"""The Excel fill-in template (填报模板) of one unit and month.

Sheets: 填报说明 (instructions), 任务填报, 里程碑填报, 项目填报, 指标填报 and a hidden
模板信息 sheet (template version, unit, month, plan id) by which the import recognises
the file. Columns come from the form definitions in ``forms/`` (each field is defined
once); cells are prefilled with what is already entered for the month. Only the input
cells (light yellow) are unlocked; the sheets are protected without a password so that
codes and names cannot be changed by accident (审阅 → 撤销工作表保护 lifts it).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from exports import xlsx_style as xs
from forms import indicator_form, milestone_form, project_form, task_form
from forms.fields import CHOICE, DATE, MONEY, NUMBER, YESNO, Field
from models.app import Actor, App, refuse_future
from models.authority import PUBLIC, UNIT, rule
from models.atomic_write import staged_output
from models.entries import Entries
from models.entries_base import month_cn
from models.errors import InvalidInput, NotFound
from models.excel_read import (GUIDE, HEADER_ROW, INDICATOR_VALUE, INDICATORS, META_SHEET,
                               MILESTONE_VALUE, MILESTONES, PROJECTS, TASKS, TEMPLATE_MARK,
                               TEMPLATE_VERSION)
from models.plan import Part, Plan
from models.program import command_name
from forms.values import ValueProblem, parse_month

NEW_PROJECT_ROWS = 15

INPUT = xs.CellStyle(fill="FFF2CC", valign="top")
INPUT_DATE = xs.CellStyle(fill="FFF2CC", halign="center", numfmt=xs.DATE_FMT)
INPUT_MONEY = xs.CellStyle(fill="FFF2CC", halign="right", numfmt=xs.MONEY_FMT)
INPUT_NUMBER = xs.CellStyle(fill="FFF2CC", halign="right")
LOCKED = xs.CellStyle(fill=xs.FILL_GREY, valign="top")
HEAD_REQUIRED = xs.CellStyle(font=xs.HEAD_FONT, size=10, fill=xs.FILL_HEAD, halign="center", color="C00000")


@rule(PUBLIC)
def input_style(f: Field) -> xs.CellStyle:
    if f.type == DATE:
        return INPUT_DATE
    if f.type == MONEY:
        return INPUT_MONEY
    if f.type == NUMBER:
        return INPUT_NUMBER
    return INPUT


@rule(PUBLIC)
def template_fields() -> dict[str, tuple[Field, ...]]:
    """The form fields of each input sheet (the import reads the same definitions)."""
    return {TASKS: task_form.FIELDS, PROJECTS: project_form.FIELDS,
            MILESTONES: (milestone_form.NOTE,), INDICATORS: indicator_form.FIELDS}


class _Sheet:
    """Helper around one openpyxl worksheet of the template."""

    def __init__(self, wb: Any, name: str, title: str, info: str,
                 cols: list[tuple[str, float, Field | None]], cache: dict[Any, Any]):
        from openpyxl.worksheet.datavalidation import DataValidation
        self.ws = wb.create_sheet(name)
        self.cols = cols
        self.cache = cache
        self.row = HEADER_ROW
        self.min_height = 0.0
        self.dv: dict[str, Any] = {}
        ws = self.ws
        n = len(cols)
        last = xs.col_letter(n)
        ws["A1"] = title
        xs.apply_style(ws["A1"], xs.TITLE, cache)
        ws.merge_cells(f"A1:{last}1")
        ws.row_dimensions[1].height = 28
        ws["A2"] = info
        xs.apply_style(ws["A2"], xs.SUBTITLE, cache)
        ws.merge_cells(f"A2:{last}2")
        for i, (label, width, f) in enumerate(cols, 1):
            c = ws.cell(HEADER_ROW, i, label)
            xs.apply_style(c, HEAD_REQUIRED if f is not None and f.required else xs.HEAD, cache)
            ws.column_dimensions[xs.col_letter(i)].width = width
            if f is not None:
                letter = xs.col_letter(i)
                hint = (f.help or f.placeholder) + (f"单位：{f.unit}。" if f.unit else "") + ("必填。" if f.required else "")
                kw: dict[str, Any] = {"allow_blank": True, "showInputMessage": True,
                                      "promptTitle": f.label[:32], "prompt": hint[:250]}
                if f.type in (CHOICE, YESNO) and f.choices:
                    kw.update(type="list", formula1='"' + ",".join(f.choices) + '"', showErrorMessage=True,
                              errorTitle="输入有误", error=f"请从下拉列表中选择：{'、'.join(f.choices)}"[:220])
                dv = DataValidation(**kw)
                ws.add_data_validation(dv)
                self.dv[letter] = dv
        ws.row_dimensions[HEADER_ROW].height = 30
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        _print_setup(ws)
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False

    def add(self, values: list[Any], value_fields: dict[int, Field] | None = None) -> int:
        """Append a data row; columns with a Field are input cells (unlocked)."""
        from openpyxl.styles import Protection
        from openpyxl.worksheet.datavalidation import DataValidation
        self.row += 1
        r = self.row
        for i, ((_, _, f), v) in enumerate(zip(self.cols, values, strict=False), 1):
            f = (value_fields or {}).get(i, f)
            c = self.ws.cell(r, i, _cell_value(v, f))
            if f is None:
                xs.apply_style(c, LOCKED, self.cache)
            else:
                xs.apply_style(c, input_style(f), self.cache)
                c.protection = Protection(locked=False)
                if value_fields and i in value_fields and f.type == YESNO:
                    dv = self.dv.get("yes_no")
                    if dv is None:
                        dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True,
                                            showErrorMessage=True, errorTitle="输入有误",
                                            error="定性指标请选择“是”或“否”")
                        self.ws.add_data_validation(dv)
                        self.dv["yes_no"] = dv
                    dv.add(c.coordinate)
        widths = [w for _, w, _ in self.cols]
        texts = [v if isinstance(v, str) else None for v in values]
        h = xs.auto_height(texts, widths, [True] * len(widths)) or 0
        if h or self.min_height:
            self.ws.row_dimensions[r].height = max(h, self.min_height)
        return r

    def finish(self) -> None:
        last = max(self.row, HEADER_ROW + 1)
        for letter, dv in self.dv.items():
            if letter != "yes_no":
                dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{max(last, HEADER_ROW + 1)}")
        if self.row == HEADER_ROW:
            # Not in the code column, so the import sees an empty row.
            self.ws.cell(HEADER_ROW + 1, 2, "（本单位本月没有需要填报的事项）")


def _cell_value(v: Any, f: Field | None) -> Any:
    if v is None or v == "":
        return None
    if f is not None and f.type == DATE and isinstance(v, str):
        try:
            return date.fromisoformat(v[:10])
        except ValueError:
            return v
    if isinstance(v, str):
        return xs.clean_cell_text(v)
    return v


def _target_cell(plan: Plan, part: Part) -> str:
    """The target column: the targets in words, and what the value must fit (其中, 下降率)."""
    from models.target_words import describe_target
    text = "；".join(describe_target(part, tg) for tg in part.targets) or "仅监测"
    if part.as_rate:
        text += "（填下降率%）"
    whole = plan.parts_by_code.get(part.part_of) if part.part_of else None
    if whole is not None:
        text += f"（其中项：不超过“{whole.name}”）"
    return text


@rule(UNIT, unit="unit", read=True, what="导出该单位的填报模板")
def build_template(app: App, actor: Actor, month: str, unit: str, path: str | Path,
                   today: date | None = None) -> Path:
    """Write ``unit``'s fill-in workbook for ``month`` to ``path`` and return the path.
    Months after the current reporting month (judged from ``today``) are refused."""
    from openpyxl import Workbook
    try:
        month = parse_month(month)
    except ValueProblem as exc:
        raise InvalidInput(str(exc)) from None
    refuse_future(month, "不能生成该月的填报模板", today)
    if unit not in app.reporting_units():
        raise NotFound(f"“{unit}”不是填报单位，无法生成填报模板。")
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InvalidInput(f"模板文件名应以 .xlsx 结尾：{path.name}")
    plan = app.plan
    e = Entries(app)
    cache: dict[Any, Any] = {}
    wb = Workbook()
    wb.properties.creator = app.plan.app_title
    guide = wb.active
    guide.title = GUIDE
    demo = "（示例数据）" if app.is_demo() else ""
    info = f"填报单位：{unit}　　　　填报月份：{month_cn(month)}　　　　生成日期：{date.today().isoformat()}"
    lock = e.month_lock(actor, unit, month)

    # 任务填报
    tasks = app.tasks_of(unit)
    cols: list[tuple[str, float, Field | None]] = [("任务编码", 8, None), ("重点任务", 24, None),
                                                   ("本单位角色", 8, None)]
    cols += [(f.label, f.width, f) for f in task_form.FIELDS]
    sh = _Sheet(wb, TASKS, f"{plan.district}碳达峰重点任务推进情况填报表{demo}", info, cols, cache)
    sh.min_height = 42  # room for three lines of progress text
    for t, role in tasks:
        rep = e.task_report(actor, t.code, unit, month)
        sh.add([t.code, t.title, "牵头" if role == "lead" else "配合", *[rep.get(f.key) for f in task_form.FIELDS]])
    sh.finish()

    # 里程碑填报
    cols = [("里程碑编码", 10, None), ("所属任务", 8, None), ("里程碑", 24, None), ("目标", 28, None),
            ("计量单位", 8, None), (MILESTONE_VALUE, 12, None), (milestone_form.NOTE.label, 24, milestone_form.NOTE)]
    sh = _Sheet(wb, MILESTONES, f"{plan.district}碳达峰任务量化目标（里程碑）填报表{demo}", info, cols, cache)
    for t, _role in tasks:
        for m in plan.milestones_of(t.code):
            cur = e.milestone_value(actor, m.code, unit, month) or {}
            vf = milestone_form.value_field(m.part)
            value = cur.get("value")
            if m.part.qualitative and value is not None:
                value = "是" if value else "否"
            elif value is None and cur.get("raw"):
                value = cur.get("raw")
            sh.add([m.code, t.code, m.name, _target_cell(plan, m.part),
                    m.part.unit, value, cur.get("note")], {6: vf})
    sh.finish()

    # 项目填报
    codes = [t.code for t, _ in tasks]
    task_field = Field("task_code", "所属任务编码", CHOICE, choices=tuple(codes), required=True, width=10,
                       help="项目所属的重点任务编码（本单位承担的任务）。")
    cols = [("项目ID", 6, None), ("所属任务编码", 10, task_field)]
    cols += [(f.label, f.width, f) for f in project_form.FIELDS]
    sh = _Sheet(wb, PROJECTS, f"{plan.district}碳达峰重点项目填报表{demo}", info, cols, cache)
    sh.ws.column_dimensions["A"].hidden = True
    for p in e.projects(actor, unit, month):
        sh.add([p["uid"], p["task_code"], *[p.get(f.key) for f in project_form.FIELDS]])
    for _ in range(NEW_PROJECT_ROWS):
        sh.add([None] * len(cols))
    sh.finish()

    # 指标填报
    cols = [("指标编码", 8, None), ("指标名称", 26, None), ("计量单位", 8, None), ("目标", 28, None),
            ("数据期间", 9, None), (INDICATOR_VALUE, 12, None)]
    cols += [(f.label, f.width, f) for f in indicator_form.FIELDS]
    sh = _Sheet(wb, INDICATORS, f"{plan.district}碳达峰主要指标填报表{demo}", info, cols, cache)
    for code in app.parts_of(unit):
        part = plan.part(code)
        period = e.period_for(code, month)
        cur = e.indicator_value(actor, code, period) or {}
        vf = indicator_form.value_field(part.entry_unit, part.qualitative)
        value = cur.get("value")
        if part.qualitative and value is not None:
            value = "是" if value else "否"
        elif value is None and cur.get("raw"):
            value = cur.get("raw")
        target = _target_cell(plan, part)
        sh.add([code, part.entry_name, part.entry_unit, target, f"{period}年" if len(period) == 4 else month_cn(period),
                value, cur.get("source"), cur.get("note")], {6: vf})
    sh.finish()

    _guide(guide, app, unit, month, lock, demo, cache)
    _meta(wb, app, unit, month)
    wb.active = 0
    with staged_output(path) as out:
        wb.save(out.tmp)
        with app.store.tx():
            app.log(actor, "export", f"导出填报模板：{path.name}（{unit}，{month}）")
            out.place()
    return path


def _guide(ws: Any, app: App, unit: str, month: str, lock: str, demo: str, cache: dict[Any, Any]) -> None:
    lines = [
        f"{app.plan.district}碳达峰工作月度填报模板{demo}",
        f"填报单位：{unit}　　填报月份：{month_cn(month)}",
        "",
        "填写方法",
        "1. 只需填写浅黄色单元格，红色列标题为必填项；灰色单元格（编码、名称、目标等）已锁定，请勿改动。工作表保护没有密码，"
        "如确需调整格式，可在“审阅—撤销工作表保护”中解除，但不要修改编码列。",
        "2. 有下拉箭头的单元格请从列表中选择（完成状态、项目类型、定性指标的“是/否”等）。",
        "3. 数字可直接填写，百分比可写成 18.6 或 18.6%，全角数字也可以识别；金额单位为万元。",
        "4. 日期请按 2026-12-31 的格式填写。",
        f"5. “{TASKS}”每行是本单位承担的一项重点任务：完成状态、本月进展情况、责任人为必填项。",
        f"6. “{MILESTONES}”填写截至本月末的累计数，不是本月新增数。",
        f"7. “{PROJECTS}”中已登记的项目已列出；新项目请在下方空行填写，所属任务编码、项目名称、项目类型为必填项。"
        "同一任务下与已有项目同名的行视为对该项目的更新。",
        f"8. “{INDICATORS}”按指标的计量单位填写本期数值，可注明数据来源和说明。",
        "9. 请不要删除、重命名工作表或隐藏的“模板信息”表，否则系统无法识别本模板。",
        "",
        "导入方法",
        f"在系统“台账与模板”页面点击“导入Excel…”，或在命令行运行：{command_name()} import-excel 文件名.xlsx"
        "（加 --dry-run 只检查不写入）。导入时逐行检查，有问题的行不会写入，并列出工作表、行号、列和原因；"
        "其他正确的行照常写入。同一文件重复导入不会重复写入。",
    ]
    if lock:
        lines += ["", f"注意：{lock}"]
    for i, text in enumerate(lines, 1):
        c = ws.cell(i, 1, text)
        st = xs.TITLE if i == 1 else (xs.GROUP if text in ("填写方法", "导入方法") else
                                      xs.CellStyle(border=False, valign="top"))
        xs.apply_style(c, st, cache)
    ws.column_dimensions["A"].width = 110
    ws.row_dimensions[1].height = 28
    _print_setup(ws)


def _meta(wb: Any, app: App, unit: str, month: str) -> None:
    ws = wb.create_sheet(META_SHEET)
    rows = [("模板标识", TEMPLATE_MARK), ("模板版本", TEMPLATE_VERSION), ("填报单位", unit), ("填报月份", month),
            ("计划编号", app.plan.plan_id), ("计划版本", app.plan.version),
            ("生成时间", datetime.now().isoformat(timespec="seconds"))]
    for r, (k, v) in enumerate(rows, 1):
        ws.cell(r, 1, k)
        ws.cell(r, 2, v)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _print_setup(ws: Any) -> None:
    """A4 landscape, one page wide, page numbers in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"


