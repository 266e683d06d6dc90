"""修改记录: every change of an entered value (who, when, old → new), filtered by unit,
month, kind and person, exportable to CSV or Excel; plus the review history."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTabWidget,
                               QVBoxLayout, QWidget)

from models import review
from models.app import Actor, App
from models.audit import ENTITY_NAMES, audit_actors, audit_months, audit_rows
from models.errors import DomainError
from ui.files import ask_save_path, offer_open
from ui.office_common import MessageLine, RowsModel, SortedTable
from ui.tables import compact_rows

LIMIT = 5000


def _time(s: str) -> str:
    return s[:19].replace("T", " ") if s else ""


class AuditView(QWidget):
    title = "修改记录"
    needs_actor = True

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.unit_box = QComboBox()
        self.month_box = QComboBox()
        self.entity_box = QComboBox()
        self.actor_box = QComboBox()
        self.text_edit = QLineEdit(placeholderText="原值或新值包含…")
        self.text_edit.setClearButtonEnabled(True)
        self.export_btn = QPushButton("导出…")
        self.count_label = QLabel()
        self.message = MessageLine()
        self._fill_filters()
        top = QHBoxLayout()
        for label, w in (("单位", self.unit_box), ("月份", self.month_box), ("类别", self.entity_box),
                         ("操作人", self.actor_box)):
            top.addWidget(QLabel(label))
            top.addWidget(w)
        top.addWidget(self.text_edit, 1)
        top.addWidget(self.export_btn)
        self.model = RowsModel([
            ("时间", lambda r: _time(r["at"])), ("操作人", lambda r: r["actor"]), ("单位", lambda r: r["unit"]),
            ("月份", lambda r: r["month"]), ("类别", lambda r: r["entity_name"]), ("对象", lambda r: r["item"]),
            ("字段", lambda r: r["field_label"]), ("原值", lambda r: r["old"]), ("新值", lambda r: r["new"]),
            ("来源", lambda r: r["origin_name"]),
        ], self)
        self.table = self._table(self.model)
        for col, width in ((0, 140), (1, 110), (2, 130), (3, 70), (4, 70), (5, 220), (6, 90), (7, 160), (8, 160),
                           (9, 80)):
            self.table.setColumnWidth(col, width)
        head = self.table.horizontalHeader()
        head.setStretchLastSection(False)
        for col in (7, 8):  # the old and the new value share a wide screen
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.review_model = RowsModel([
            ("时间", lambda r: _time(r["at"])), ("操作人", lambda r: r["actor"]), ("单位", lambda r: r["unit"]),
            ("月份", lambda r: r["month"]), ("操作", lambda r: r["action_name"]), ("意见/原因", lambda r: r["comment"]),
        ], self)
        self.review_table = self._table(self.review_model)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "数据修改")
        self.tabs.addTab(self.review_table, "报送与审核")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addWidget(self.message, 1)
        lay.addLayout(bottom)
        for b in (self.unit_box, self.month_box, self.entity_box, self.actor_box):
            b.currentIndexChanged.connect(lambda _i: self.refresh())
        self.text_edit.textChanged.connect(lambda _t: self.refresh())
        self.export_btn.clicked.connect(self._export_clicked)
        self.refresh()

    def _table(self, model: RowsModel) -> SortedTable:
        t = SortedTable(model, multi=True)
        compact_rows(t)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        t.horizontalHeader().setStretchLastSection(True)
        return t

    def _fill_filters(self) -> None:
        def fill(box: QComboBox, items: list[tuple[str, str]]) -> None:
            cur = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem("全部", "")
            for text, data in items:
                box.addItem(text, data)
            i = box.findData(cur)
            box.setCurrentIndex(max(0, i))
            box.blockSignals(False)

        fill(self.unit_box, [(u, u) for u in self.app.reporting_units()])
        fill(self.month_box, [(m, m) for m in audit_months(self.app, self.actor)])
        fill(self.entity_box, [(n, k) for k, n in ENTITY_NAMES.items()])
        fill(self.actor_box, [(a, a) for a in audit_actors(self.app, self.actor)])

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._fill_filters()
        self.refresh()

    def filters(self) -> dict[str, str]:
        return {"unit": self.unit_box.currentData() or "", "month": self.month_box.currentData() or "",
                "entity": self.entity_box.currentData() or "", "by": self.actor_box.currentData() or "",
                "text": self.text_edit.text().strip()}

    def set_filter(self, **values: str) -> None:
        """Select filter values (unit=…, month=…, entity=…, by=… (the user), text=…)."""
        self._fill_filters()
        for key, box in (("unit", self.unit_box), ("month", self.month_box), ("entity", self.entity_box),
                         ("by", self.actor_box)):
            if key in values:
                box.setCurrentIndex(max(0, box.findData(values[key])))
        if "text" in values:
            self.text_edit.setText(values["text"])
        self.refresh()

    def refresh(self) -> None:
        f = {k: v or None for k, v in self.filters().items()}
        rows = audit_rows(self.app, self.actor, limit=LIMIT, **f)
        self.model.set_rows(rows)
        self.review_model.set_rows(review.events(self.app, self.actor, month=f["month"], unit=f["unit"]))
        more = "（只显示最近5000条，导出包含全部）" if len(rows) >= LIMIT else ""
        self.count_label.setText(f"共{len(rows)}条修改记录{more}")

    def export_to(self, path: str | Path) -> Path:
        from exports.audit_export import export_audit
        f = {k: v or None for k, v in self.filters().items()}
        out = export_audit(self.app, self.actor, path, **f)
        self.message.ok(f"已导出到 {out}")
        return out

    def _export_clicked(self) -> None:
        path = ask_save_path(self, "audit", "导出修改记录", "修改记录.xlsx", "Excel 文件 (*.xlsx);;CSV 文件 (*.csv)")
        if not path:
            return
        try:
            out = self.export_to(path)
        except DomainError as exc:
            self.message.error(f"导出失败：{exc}")
            return
        offer_open(self, "导出修改记录", f"已导出修改记录：{out.name}", out)
