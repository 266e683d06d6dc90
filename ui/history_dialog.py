"""修改记录: the audit trail of the record shown in the workspace (who, when, old → new)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel,
                               QTableWidget, QVBoxLayout, QWidget)

from models.audit import ORIGIN_NAMES, field_label
from ui.tables import fill_table, make_sortable


class HistoryDialog(QDialog):
    def __init__(self, title: str, rows: list[dict[str, Any]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        cols = ("时间", "修改人", "月份", "栏目", "原内容", "新内容", "来源")
        self.table = QTableWidget(len(rows), len(cols))
        self.table.setHorizontalHeaderLabels(cols)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(False)
        make_sortable(self.table)
        cells = [(r["at"].replace("T", " "), r["actor"], r["month"],
                  field_label(r["field"], r.get("entity", "")), r["old"] or "", r["new"] or "",
                  ORIGIN_NAMES.get(r["origin"], r["origin"])) for r in rows]
        fill_table(self.table, [[str(v)[:200] for v in row] for row in cells])
        for i, row in enumerate(cells):
            for j, v in enumerate(row):
                item = self.table.item(i, j)
                if item is not None:
                    item.setToolTip(str(v))
        head = self.table.horizontalHeader()
        for col in (0, 1, 2, 3, 6):  # time, who, month, field, origin: never cut
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        for col in (4, 5):  # old and new text share the rest
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        note = QLabel(f"共{len(rows)}条修改记录（最新的在前）。" if rows else "暂无修改记录。")
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        bb.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addWidget(self.table)
        lay.addWidget(bb)
        self.resize(980, 460)
