"""修改记录: the audit trail of the record shown in the workspace (who, when, old → new)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from forms import indicator_form, milestone_form, project_form, task_form

ORIGINS = {"form": "界面填报", "excel": "Excel导入", "package": "报送包", "demo": "示例数据", "copy": "复制上月"}
FIELD_LABELS = {f.key: f.label for fs in (task_form.FIELDS, project_form.FIELDS, indicator_form.FIELDS)
                for f in fs}
FIELD_LABELS.update({"value": "数值", "note": milestone_form.NOTE.label, "closed_month": "结项月份"})


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
        for i, r in enumerate(rows):
            vals = (r["at"].replace("T", " "), r["actor"], r["month"],
                    FIELD_LABELS.get(r["field"], r["field"]), r["old"] or "", r["new"] or "",
                    ORIGINS.get(r["origin"], r["origin"]))
            for j, v in enumerate(vals):
                it = QTableWidgetItem(str(v)[:200])
                it.setToolTip(str(v))
                self.table.setItem(i, j, it)
        self.table.setColumnWidth(4, 220)
        self.table.setColumnWidth(5, 220)
        note = QLabel(f"共{len(rows)}条修改记录（最新的在前）。" if rows else "暂无修改记录。")
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        bb.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addWidget(self.table)
        lay.addWidget(bb)
        self.resize(980, 460)
