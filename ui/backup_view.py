"""备份与恢复: the database backups, a backup now, and restoring a chosen one (administrators)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QMessageBox,
                               QPushButton, QTableWidgetItem, QVBoxLayout, QWidget)

from models import backup
from models.app import Actor, App
from models.authority import ADMIN_RULE, allowed
from models.errors import DomainError
from models.store import StoreError
from ui.office_common import readonly_table

COLUMNS = ["备份时间", "类型", "大小", "文件"]


def _confirm(parent: QWidget, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    yes = box.addButton("恢复", QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes


class BackupView(QWidget):
    title = "备份与恢复"
    needs_actor = True

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        # Replaceable in tests: ask the user to confirm a restore.
        self.confirm: Callable[[str, str], bool] = lambda t, x: _confirm(self, t, x)
        self.where = QLabel(f"备份保存在：{backup.backup_dir(app.store.path)}\n"
                            f"每天第一次打开程序、导入报送包或回执包之前、程序升级之前自动备份，保留最近 "
                            f"{app.settings.get('backup_keep')} 份。")
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup_btn = QPushButton("立即备份")
        self.restore_btn = QPushButton("恢复所选备份…")
        row = QHBoxLayout()
        row.addWidget(self.backup_btn)
        row.addWidget(self.restore_btn)
        row.addStretch(1)
        self.table = readonly_table(COLUMNS, stretch=3)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.where)
        lay.addLayout(row)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.message)
        self.backup_btn.clicked.connect(self.backup_now)
        self.restore_btn.clicked.connect(self.restore_selected)
        self.table.itemSelectionChanged.connect(
            lambda: self.restore_btn.setEnabled(self.selected() is not None))
        self.refresh()

    def refresh(self) -> None:
        self.items = backup.list_backups(self.app.store.path)
        self.table.setRowCount(len(self.items))
        for i, b in enumerate(self.items):
            cells = [f"{b.created:%Y-%m-%d %H:%M:%S}", b.reason_name, f"{max(1, b.size // 1024)} KB",
                     b.path.name]
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.restore_btn.setEnabled(self.selected() is not None)

    def selected(self) -> backup.BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None

    def _error(self, text: str) -> None:
        self.message.setStyleSheet("color: #b91c1c;")
        self.message.setText(text)

    def backup_now(self) -> None:
        try:
            path = backup.backup_now(self.app.store, self.actor, "manual")
        except (StoreError, DomainError) as exc:
            self._error(str(exc))
            return
        self.message.setStyleSheet("")
        self.message.setText(f"已备份：{path.name}")
        self.refresh()

    def restore_selected(self) -> None:
        b = self.selected()
        if b is None:
            return
        if not allowed(ADMIN_RULE, self.app, self.actor):
            self._error("只有管理员可以恢复备份。")
            return
        problem = backup.check_backup(b.path)
        if problem:
            self._error(problem)
            return
        text = (f"确定用 {b.created:%Y年%m月%d日 %H:%M:%S} 的备份（{b.reason_name}）替换当前数据吗？\n\n"
                "该时间之后录入、审核的内容都将不在恢复后的数据中。当前数据会先另存为一份备份，"
                "之后仍可恢复。程序将关闭当前窗口，恢复后请重新登录。")
        if not self.confirm("恢复备份", text):
            return
        from ui import app as startup
        st = startup.current()
        if st is None:
            self._error("只有从程序正常启动时才能恢复备份。请用命令行以外的方式重新打开程序。")
            return
        self.app.log(self.actor, "restore", f"开始恢复备份 {b.path.name}")
        st.request_restore(b.path)
