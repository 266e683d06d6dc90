"""备份与恢复: the database backups, a backup now, restoring a chosen one, and a second
place (a folder on another disk or a USB stick) that every backup is copied to (administrators)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFileDialog, QGroupBox, QHBoxLayout, QLabel, QMessageBox, QPushButton,
                               QVBoxLayout, QWidget)

from models import backup
from models.app import Actor, App
from models.authority import ADMIN_RULE, allowed
from models.errors import DomainError
from models.store import StoreError
from ui.office_common import readonly_table
from ui.tables import fill_table

COLUMNS = ["备份时间", "类型", "位置", "大小", "文件"]


def _confirm(parent: QWidget, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    yes = box.addButton("恢复", QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.exec()
    answer = box.clickedButton() is yes
    box.deleteLater()
    return answer


class BackupView(QWidget):
    title = "备份与恢复"
    needs_actor = True

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        # Replaceable in tests: ask the user to confirm a restore.
        self.confirm: Callable[[str, str], bool] = lambda t, x: _confirm(self, t, x)
        # Replaceable in tests: choose the second place ("" when cancelled).
        self.choose_folder: Callable[[], str] = self._choose_folder
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
        self.table = readonly_table(COLUMNS, stretch=4)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.second_box = QGroupBox("第二位置（另一块磁盘或U盘）")
        self.second_label = QLabel()
        self.second_label.setWordWrap(True)
        self.second_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.second_btn = QPushButton("选择第二位置…")
        self.second_btn.setToolTip("选择U盘或另一块磁盘上的文件夹：以后每份备份都同时复制到那里")
        self.second_clear = QPushButton("不再复制")
        sv = QHBoxLayout(self.second_box)
        sv.addWidget(self.second_label, 1)
        sv.addWidget(self.second_btn)
        sv.addWidget(self.second_clear)
        lay = QVBoxLayout(self)
        lay.addWidget(self.where)
        lay.addWidget(self.second_box)
        lay.addLayout(row)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.message)
        self.second_btn.clicked.connect(self.choose_second)
        self.second_clear.clicked.connect(self.clear_second)
        self.backup_btn.clicked.connect(self.backup_now)
        self.restore_btn.clicked.connect(self.restore_selected)
        self.table.itemSelectionChanged.connect(
            lambda: self.restore_btn.setEnabled(self.selected() is not None))
        self.refresh()

    def refresh(self) -> None:
        db = self.app.store.path
        self.items = backup.list_backups(db, second=True)
        fill_table(self.table, [[f"{b.created:%Y-%m-%d %H:%M:%S}", b.reason_name, b.place,
                                 f"{max(1, b.size // 1024)} KB", b.path.name] for b in self.items],
                   data=list(range(len(self.items))))
        self.table.resizeColumnsToContents()
        self.restore_btn.setEnabled(self.selected() is not None)
        where = backup.copy_location(db)
        if where is None:
            self.second_label.setText("尚未设置：备份只保存在本机。建议选择U盘或另一块磁盘上的文件夹，"
                                      "本机硬盘损坏时仍能恢复。")
        else:
            reach = "" if where.is_dir() else "（现在不可用：U盘未插入？）"
            self.second_label.setText(f"{where}{reach}\n上次复制：{backup.copy_status(db) or '尚未复制过。'}")
        self.second_clear.setEnabled(where is not None)

    def _choose_folder(self) -> str:
        from ui.files import start_folder
        return QFileDialog.getExistingDirectory(self, "选择备份的第二位置（U盘或另一块磁盘上的文件夹）",
                                                str(start_folder("backup-copy")))

    def choose_second(self) -> None:
        folder = self.choose_folder()
        if not folder:
            return
        try:
            text = backup.set_copy_location(self.app, self.actor, folder)
        except (StoreError, DomainError) as exc:
            self._error(str(exc))
            return
        from ui.files import remember_folder
        remember_folder("backup-copy", folder)
        self.message.setStyleSheet("")
        self.message.setText(text)
        self.refresh()

    def clear_second(self) -> None:
        try:
            text = backup.set_copy_location(self.app, self.actor, None)
        except (StoreError, DomainError) as exc:
            self._error(str(exc))
            return
        self.message.setStyleSheet("")
        self.message.setText(text)
        self.refresh()

    def selected(self) -> backup.BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        item = self.table.item(rows[0].row(), 0) if rows else None
        return self.items[int(item.data(Qt.ItemDataRole.UserRole))] if item is not None else None

    def _error(self, text: str) -> None:
        self.message.setStyleSheet("color: #b91c1c;")
        self.message.setText(text)

    def backup_now(self) -> None:
        try:
            path = backup.backup_now(self.app.store, self.actor, "manual")
        except (StoreError, DomainError) as exc:
            self._error(str(exc))
            return
        self.refresh()
        db = self.app.store.path
        problem = backup.copy_problem(db)
        if problem:
            self._error(f"已备份：{path.name}（只在本机）。{problem}")
            return
        copied = "，并已复制到第二位置" if backup.copy_location(db) else ""
        self.message.setStyleSheet("")
        self.message.setText(f"已备份：{path.name}{copied}")

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
