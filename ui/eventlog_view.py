"""操作日志: the append-only event log, read-only (administrators)."""

from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QTableWidget, QVBoxLayout,
                               QWidget)

from models import accounts
from models.app import Actor, App
from ui.tables import compact_rows, fill_table, make_sortable

COLUMNS = ["时间", "用户", "类型", "内容"]


class EventLogView(QWidget):
    title = "操作日志"
    needs_actor = True

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.kind = QComboBox()
        self.kind.addItem("全部类型", "")
        for k, name in accounts.EVENT_KINDS.items():
            self.kind.addItem(name, k)
        self.search = QLineEdit()
        self.search.setPlaceholderText("按用户或内容筛选")
        self.search.setClearButtonEnabled(True)
        self.refresh_btn = QPushButton("刷新")
        top = QHBoxLayout()
        top.addWidget(QLabel("类型："))
        top.addWidget(self.kind)
        top.addWidget(self.search, 1)
        top.addWidget(self.refresh_btn)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        make_sortable(self.table)
        compact_rows(self.table)
        self.count = QLabel("")
        note = QLabel("操作日志只能追加，任何人（包括管理员）都不能在程序中修改或删除。")
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.count)
        lay.addWidget(note)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.search.textChanged.connect(self.refresh)
        self.refresh_btn.clicked.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        rows = accounts.event_log(self.app, self.actor, self.kind.currentData() or None,
                                  self.search.text().strip())
        fill_table(self.table, [[r["at"].replace("T", " "), r["actor"],
                                 accounts.EVENT_KINDS.get(r["kind"], r["kind"]), r["detail"]] for r in rows])
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        self.table.resizeColumnToContents(2)
        self.count.setText(f"共 {len(rows)} 条（最新的在最上面，最多显示 2000 条）")
