"""The questions the desktop start-up asks: messages, restoring a backup, first run, sign-in.

``Dialogs`` is the start-up's only way to show something (``ui.app.Startup``); tests
replace it with a subclass that answers without a user. Each dialog module is imported
only when it is shown.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.app import Actor, App


class Dialogs:
    """The dialogs the start-up shows; tests replace it to answer without a user."""

    def critical(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox
        sys.stderr.write(f"{title}：{text}\n")
        QMessageBox.critical(None, title, text)

    def warning(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox
        sys.stderr.write(f"{title}：{text}\n")
        QMessageBox.warning(None, title, text)

    def offer_restore(self, text: str) -> bool:
        from PySide6.QtWidgets import QMessageBox
        box = QMessageBox(QMessageBox.Icon.Critical, "无法打开数据库", text)
        restore = box.addButton("恢复最近的备份", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)
        box.exec()
        return box.clickedButton() is restore

    def ask_missing(self, text: str) -> str:
        """"restore", "new" or "quit"."""
        from PySide6.QtWidgets import QMessageBox
        box = QMessageBox(QMessageBox.Icon.Warning, "找不到数据库", text)
        restore = box.addButton("恢复最近的备份", QMessageBox.ButtonRole.AcceptRole)
        new = box.addButton("新建空数据库", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)
        box.exec()
        clicked = box.clickedButton()
        return "restore" if clicked is restore else "new" if clicked is new else "quit"

    def first_run(self, app: App) -> Actor | None:
        from ui.first_run_dialog import FirstRunDialog
        dlg = FirstRunDialog(app)
        return dlg.actor if dlg.exec() else None

    def login(self, app: App, message: str = "", username: str = "",
              prepare: Callable[[str], None] | None = None) -> Actor | None:
        from ui.login_dialog import LoginDialog
        dlg = LoginDialog(app, message, username, prepare=prepare)
        return dlg.actor if dlg.exec() else None


    def confirm_plan_update(self, current: str, new: str, changes: str) -> bool:
        """An office account is asked whether to adopt a new version of the plan."""
        from ui.plan_update_dialog import PlanUpdateDialog
        return bool(PlanUpdateDialog(current, new, changes).exec())
