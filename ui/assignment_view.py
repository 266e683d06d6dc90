"""分工 (a tab of the office settings): units for the tasks and indicators the plan
leaves without units (未分工). The office picks the units (the first is the lead) and
saves; the service (``models.assignment``) checks the authority and logs the change."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from models import assignment
from models.app import Actor, App
from models.errors import DomainError
from models.plan import UNASSIGNED
from models.store import StoreError


class AssignmentTab(QWidget):
    """The open items on the left, the units of the selected one on the right."""

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        intro = QLabel("方案中以下任务或指标没有写明责任单位（未分工）。请为每项选择责任单位，"
                       "勾选的第一个单位为牵头单位；指标只能选一个单位。保存后各单位即可填报，单位电脑在下次"
                       "收到回执包时同步。")
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["编码", "事项", "责任单位"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSortingEnabled(True)
        self.table.setColumnWidth(1, 320)
        self.units = QListWidget()
        for name in assignment.assignable_units(app):
            it = QListWidgetItem(name)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked)
            self.units.addItem(it)
        self.save = QPushButton("保存分工")
        self.save.setEnabled(actor.is_office)
        self.status = QLabel()
        self.status.setWordWrap(True)
        right = QVBoxLayout()
        right.addWidget(QLabel("责任单位（按勾选顺序，第一个为牵头）："))
        right.addWidget(self.units, 1)
        right.addWidget(self.save)
        body = QHBoxLayout()
        body.addWidget(self.table, 3)
        body.addLayout(right, 2)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(body, 1)
        lay.addWidget(self.status)
        self.order: list[str] = []
        self.units.itemChanged.connect(self._checked)
        self.table.currentCellChanged.connect(lambda *_: self._show())
        self.save.clicked.connect(self.do_save)
        self.refresh()

    def refresh(self) -> None:
        items = assignment.open_items(self.app)
        self.items = {str(x["code"]): x for x in items}
        self.table.setSortingEnabled(False)  # rows are filled in place, then sorted again
        self.table.setRowCount(len(items))
        for r, x in enumerate(items):
            kind = "任务" if x["kind"] == "task" else "指标"
            for c, text in enumerate((x["code"], f"{kind}：{x['title']}", "、".join(x["units"]) or UNASSIGNED)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.setSortingEnabled(True)
        if not items:
            self.status.setText("方案中的任务和指标都已写明责任单位，无需分工。")
        elif self.table.currentRow() < 0:
            self.table.selectRow(0)
        self._show()

    def current(self) -> dict[str, object] | None:
        cell = self.table.item(self.table.currentRow(), 0) if self.table.currentRow() >= 0 else None
        return self.items.get(cell.text()) if cell is not None else None

    def select(self, code: str) -> None:
        """Select the row of ``code`` (wherever sorting put it)."""
        for r in range(self.table.rowCount()):
            cell = self.table.item(r, 0)
            if cell is not None and cell.text() == code:
                self.table.selectRow(r)
                return

    def _show(self) -> None:
        x = self.current()
        chosen = list(x["units"]) if x else []  # type: ignore[call-overload]
        self.units.blockSignals(True)
        for i in range(self.units.count()):
            it = self.units.item(i)
            it.setCheckState(Qt.CheckState.Checked if it.text() in chosen else Qt.CheckState.Unchecked)
        self.units.blockSignals(False)
        self.order = [u for u in chosen]

    def _checked(self, item: QListWidgetItem) -> None:
        name = item.text()
        if item.checkState() == Qt.CheckState.Checked and name not in self.order:
            self.order.append(name)
        elif item.checkState() != Qt.CheckState.Checked and name in self.order:
            self.order.remove(name)

    def do_save(self) -> None:
        x = self.current()
        if x is None:
            return
        try:
            assignment.assign_units(self.app, self.actor, str(x["code"]), list(self.order))
        except (DomainError, StoreError) as exc:
            self.status.setText(f"<span style='color:#dc2626'>{exc}</span>")
            return
        self.refresh()
        self.select(str(x["code"]))
        self.status.setText(f"已保存{x['code']}的责任单位：{'、'.join(self.order) or UNASSIGNED}。")
