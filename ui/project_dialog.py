"""项目明细: the projects a unit registers under one task, with a dialog to add or
edit one (fields from forms/project_form.py), closing, and the monthly history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QLabel,
                               QMessageBox, QPushButton, QScrollArea, QTableWidget, QVBoxLayout, QWidget)

from forms import project_form
from models.app import Actor, App
from models.entries import Entries
from models.entries_base import month_cn
from models.errors import DomainError, InvalidInput
from forms.values import fmt_number
from ui.attachment_strip import AttachmentStrip
from ui.form_widgets import FieldForm
from ui.modal import run_modal
from ui.tables import fill_table, make_sortable

COLUMNS = [("name", "项目名称"), ("ptype", "类型"), ("total_invest", "总投资(万元)"),
           ("year_plan_invest", "年度计划(万元)"), ("cum_invest", "累计完成(万元)"),
           ("share", "占年度计划"), ("progress", "形象进度")]
UID_ROLE = Qt.ItemDataRole.UserRole


def _label_to_key() -> dict[str, str]:
    return {f.label: f.key for f in project_form.FIELDS}


class ProjectDialog(QDialog):
    """Add or edit one project; ``save(values)`` is called on OK and may raise InvalidInput."""

    def __init__(self, title: str, values: dict[str, Any], save: Callable[[dict[str, str]], Any],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.save = save
        self.form = FieldForm(project_form.FIELDS, self, memo_lines=2)
        self.form.set_values({k: _show(values.get(k)) for k in self.form.editors}, show_errors=False)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(self.form)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b91c1c;")
        self.message.setWordWrap(True)
        sb = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(sb.Ok | sb.Cancel)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(area)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        self.resize(640, 600)

    def _ok(self) -> None:
        errors = self.form.check_all()
        if errors:
            self.message.setText(f"有{len(errors)}处需要改正，见红字提示。")
            return
        warning = project_form.over_plan(self.form.values())
        if warning and not self.confirm(warning):
            self.message.setText(warning)
            return
        try:
            self.save(self.form.values())
        except InvalidInput as exc:
            keys = _label_to_key()
            self.form.set_errors({keys.get(lbl, ""): msg for lbl, msg in exc.problems})
            self.message.setText(str(exc))
            return
        except DomainError as exc:
            self.message.setText(str(exc))
            return
        self.accept()


    def confirm(self, warning: str) -> bool:
        """Whether the user keeps figures the program finds doubtful (replaced in tests)."""
        sb = QMessageBox.StandardButton
        return QMessageBox.question(self, "请核实投资数", warning + "\n\n确认填写正确并保存吗？",
                                    sb.Yes | sb.No, sb.No) == sb.Yes


def _show(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return fmt_number(v)
    return str(v)


class ProjectPanel(QWidget):
    """The project table of one task for a unit and month."""

    changed = Signal(str)  # status-line text after a change

    def __init__(self, app: App, entries: Entries, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.entries = entries
        self.actor = actor
        self.task_code = ""
        self.unit = ""
        self.month = ""
        self.read_only = False
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([c[1] for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 220)
        make_sortable(self.table)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.add_btn = QPushButton("新增项目…")
        self.edit_btn = QPushButton("编辑本月数据…")
        self.close_btn = QPushButton("结项")
        self.hist_btn = QPushButton("历史记录…")
        self.add_btn.clicked.connect(self.add_project)
        self.edit_btn.clicked.connect(self.edit_selected)
        self.close_btn.clicked.connect(self.close_selected)
        self.hist_btn.clicked.connect(self.show_history)
        btns = QHBoxLayout()
        for b in (self.add_btn, self.edit_btn, self.close_btn, self.hist_btn):
            btns.addWidget(b)
        btns.addStretch(1)
        self.hint = QLabel("每月更新累计完成投资和形象进度：选中项目后按回车或双击编辑。"
                           "历史月份的数据会保留。")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addLayout(btns)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.hint)
        self.evidence = AttachmentStrip(app, entries, actor, parent=self)
        lay.addWidget(self.evidence)
        self.table.itemSelectionChanged.connect(self._show_evidence)
        self.evidence.changed.connect(self.changed.emit)

    def load(self, task_code: str, unit: str, month: str, read_only: bool) -> None:
        self.task_code, self.unit, self.month = task_code, unit, month
        task = self.app.plan.task(task_code)
        self.title.setText(f"<b>项目明细 · {task.code} {task.title}</b>（{unit}，{month_cn(month)}）")
        self.set_read_only(read_only)
        self.reload()

    def set_read_only(self, ro: bool) -> None:
        self.read_only = ro
        for b in (self.add_btn, self.edit_btn, self.close_btn):
            b.setEnabled(not ro)
        self.evidence.set_read_only(ro)

    def reload(self) -> None:
        rows = self.entries.projects(self.actor, self.unit, self.month, self.task_code)
        cells = []
        for r in rows:
            plan_inv, cum = r.get("year_plan_invest"), r.get("cum_invest")
            share = f"{cum / plan_inv * 100:.0f}%" if plan_inv and cum is not None else ""
            vals = {**r, "share": share}
            if r.get("closed_month"):
                vals["ptype"] = f"{r.get('ptype') or ''}（{r['closed_month']}结项）"
            if r.get("fig_month") and r["fig_month"] != self.month:
                vals["progress"] = f"（{r['fig_month']}）{r.get('progress') or ''}"
            cells.append([_show(vals.get(k)) for k, _ in COLUMNS])
        fill_table(self.table, cells, data=[r["uid"] for r in rows], role=UID_ROLE)
        for i in range(self.table.rowCount()):
            for j, (k, _) in enumerate(COLUMNS):
                it = self.table.item(i, j)
                if it is not None and k not in ("name", "progress"):
                    it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if rows:
            self.table.selectRow(0)
        self._show_evidence()

    def _show_evidence(self) -> None:
        """The selected project's evidence files of the month."""
        uid = self.selected_uid()
        self.evidence.setVisible(bool(uid))
        if uid:
            name = self.table.item(self.table.currentRow(), 0)
            self.evidence.label = f"佐证材料 · {name.text() if name else ''}（{month_cn(self.month)}）"
            self.evidence.load(self.unit, self.month, "project_month", uid, self.read_only)

    def selected_uid(self) -> str:
        it = self.table.item(self.table.currentRow(), 0) if self.table.currentRow() >= 0 else None
        return str(it.data(UID_ROLE)) if it is not None else ""

    def add_project(self) -> None:
        if self.read_only:
            return

        def save(values: dict[str, str]) -> None:
            self.entries.save_project(self.actor, self.unit, self.month, self.task_code, values)

        dlg = ProjectDialog("新增项目", {"ptype": "新建"}, save, self)
        if run_modal(dlg) == QDialog.DialogCode.Accepted:
            self.reload()
            self.changed.emit("已新增项目")

    def edit_selected(self) -> None:
        uid = self.selected_uid()
        if not uid or self.read_only:
            return
        values = self.entries.project(self.actor, uid, self.month)

        def save(v: dict[str, str]) -> None:
            self.entries.save_project(self.actor, self.unit, self.month, self.task_code, v, uid=uid)

        dlg = ProjectDialog(f"编辑项目：{values.get('name', '')}（{month_cn(self.month)}数据）", values, save, self)
        if run_modal(dlg) == QDialog.DialogCode.Accepted:
            self.reload()
            self.changed.emit("已保存项目")

    def close_selected(self) -> None:
        uid = self.selected_uid()
        if not uid or self.read_only:
            return
        cell = self.table.item(self.table.currentRow(), 0)
        name = cell.text() if cell is not None else ""
        ans = QMessageBox.question(self, "结项", f"确定将项目“{name}”在{month_cn(self.month)}结项吗？"
                                   "结项后以后月份不再列出，历史数据保留。")
        if ans != QMessageBox.StandardButton.Yes:
            return
        try:
            self.entries.close_project(self.actor, uid, self.month)
        except DomainError as exc:
            QMessageBox.warning(self, "无法结项", str(exc))
            return
        self.reload()
        self.changed.emit("已结项")

    def show_history(self) -> None:
        uid = self.selected_uid()
        if not uid:
            return
        rows = self.entries.project_history(self.actor, uid)
        dlg = QDialog(self)
        dlg.setWindowTitle("项目月度历史")
        cols = [("month", "月份"), ("ptype", "类型"), ("year_plan_invest", "年度计划(万元)"),
                ("cum_invest", "累计完成(万元)"), ("actual_start", "实际开工"), ("progress", "形象进度")]
        t = QTableWidget(len(rows), len(cols), dlg)
        t.setHorizontalHeaderLabels([c[1] for c in cols])
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.horizontalHeader().setStretchLastSection(True)
        make_sortable(t)
        fill_table(t, [[_show(r.get(k)) for k, _ in cols] for r in rows])
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        bb.rejected.connect(dlg.reject)
        lay = QVBoxLayout(dlg)
        lay.addWidget(t)
        lay.addWidget(bb)
        dlg.resize(760, 420)
        run_modal(dlg)

    def focus_chain(self) -> list[QWidget]:
        return [self.table, self.add_btn]

    def keyPressEvent(self, ev: Any) -> None:  # noqa: N802 (Qt API)
        if ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.edit_selected()
            return
        if ev.key() == Qt.Key.Key_Insert:
            self.add_project()
            return
        super().keyPressEvent(ev)
