"""The review table's Qt model: the draft's rows (``models/plan_review.review_rows``),
rows with review items not yet confirmed highlighted, editable cells written through the
draft's checked edits (``plan_review.edit_cell``); a refused value changes nothing and
its message is reported (``refused``) for the screen to show beside the table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from models.plan_draft import PlanDraft
from models.plan_draft_edit import EditError
from models.plan_import.review import ReviewItem
from models.plan_review import COLUMNS, EDITABLE, KIND_NAMES, ReviewRow, edit_cell, items_by_row, review_rows

ModelIndex = QModelIndex | QPersistentModelIndex
OPEN_COLOR = QColor("#fde68a")  # rows with review items still to check
DONE_COLOR = QColor("#dcfce7")  # rows whose review items are all confirmed
REVIEW_COLUMN = len(COLUMNS) - 1


class ReviewModel(QAbstractTableModel):
    refused = Signal(str)  # the message of a refused edit
    changed = Signal()  # the draft changed (an edit or a confirmation)

    def __init__(self, draft: PlanDraft) -> None:
        super().__init__()
        self.draft = draft
        self.rows: list[ReviewRow] = []
        self.items: dict[str, list[tuple[int, ReviewItem]]] = {}
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = review_rows(self.draft)
        self.items = items_by_row(self.draft, self.rows)
        self.endResetModel()

    def refresh(self) -> None:
        """The rows read again after an edit (same number of rows: the view keeps its place)."""
        rows = review_rows(self.draft)
        if len(rows) != len(self.rows):
            self.reload()
            return
        self.rows = rows
        self.items = items_by_row(self.draft, rows)
        self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))

    def open_count(self, row: int) -> int:
        return sum(1 for n, _i in self.items.get(self.rows[row].ref, []) if n not in self.draft.confirmed)

    def row_of(self, ref: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.ref == ref), -1)

    # -- Qt ----------------------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and self.rows[index.row()].kind in EDITABLE.get(index.column(), ()):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == REVIEW_COLUMN:
                total = len(self.items.get(row.ref, []))
                left = self.open_count(index.row())
                return "" if not total else f"{left} 项待核对" if left else "已核对"
            text = row.cells()[col]
            if col == 0 and role == Qt.ItemDataRole.DisplayRole:
                return f"{KIND_NAMES[row.kind]} {text}".strip()
            if role == Qt.ItemDataRole.EditRole:
                return text.replace("（承上行）", "")
            return text
        if role == Qt.ItemDataRole.BackgroundRole and self.items.get(row.ref):
            return QBrush(OPEN_COLOR if self.open_count(index.row()) else DONE_COLOR)
        if role == Qt.ItemDataRole.ToolTipRole:
            checks = [f"【{i.title}】{i.check}" for n, i in self.items.get(row.ref, []) if n not in self.draft.confirmed]
            return "\n".join(checks) or None
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row = self.rows[index.row()]
        text = str(value)
        if text == self.data(index, Qt.ItemDataRole.EditRole):
            return False
        try:
            edit_cell(self.draft, row, index.column(), text)
        except EditError as exc:
            self.refused.emit(str(exc))
            return False
        self.refresh()
        self.changed.emit()
        return True
