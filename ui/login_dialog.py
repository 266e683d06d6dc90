"""Sign-in dialog, and the password-change dialog (own password, or forced after a reset)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLayout, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from models import accounts
from models.app import Actor, App
from models.errors import DomainError
from models.store import StoreError
from ui.form_widgets import ERROR_STYLE

def finish_dialog(dlg: QDialog, parts: list[QWidget | QLayout], ok_text: str,
                  on_ok: Callable[[], None], cancel_text: str = "取消",
                  message: str = "") -> tuple[QLabel, QPushButton, QPushButton, QDialogButtonBox]:
    """Lay out a small form dialog: ``parts`` top to bottom, a red error line, then the
    OK (default) and cancel buttons. Returns (error label, ok, cancel, button box)."""
    error = QLabel(message)
    error.setStyleSheet(ERROR_STYLE)
    error.setWordWrap(True)
    buttons = QDialogButtonBox()
    ok = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    cancel = buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
    ok.setDefault(True)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dlg.reject)
    lay = QVBoxLayout(dlg)
    for part in parts:
        if isinstance(part, QLayout):
            lay.addLayout(part)
        else:
            lay.addWidget(part)
    lay.addWidget(error)
    lay.addWidget(buttons)
    return error, ok, cancel, buttons


def password_edit(placeholder: str = "") -> QLineEdit:
    ed = QLineEdit()
    ed.setEchoMode(QLineEdit.EchoMode.Password)
    ed.setMaxLength(accounts.MAX_PASSWORD)
    if placeholder:
        ed.setPlaceholderText(placeholder)
    return ed


class LoginDialog(QDialog):
    """Asks for a user name and password; ``actor`` is set when accepted."""

    def __init__(self, app: App, message: str = "", username: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor: Actor | None = None
        # Replaceable in tests: run a nested dialog, True when accepted.
        self.run_dialog: Callable[[QDialog], bool] = lambda d: d.exec() == QDialog.DialogCode.Accepted
        self.setWindowTitle("登录")
        self.setMinimumWidth(380)
        head = QLabel(f"<b>{app.plan.district}碳达峰调度系统</b>")
        head.setAlignment(Qt.AlignmentFlag.AlignCenter)
        inst = accounts.installation_unit(app)
        sub = QLabel(f"本机：{inst}填报电脑" if inst else "领导小组办公室")
        sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.username = QLineEdit(username)
        self.username.setPlaceholderText("用户名")
        self.username.setMaxLength(32)
        self.password = password_edit("密码")
        form = QFormLayout()
        form.addRow("用户名：", self.username)
        form.addRow("密码：", self.password)
        self.error, self.ok, self.cancel, self.buttons = finish_dialog(
            self, [head, sub, form], "登录", self.try_login, cancel_text="退出", message=message)
        (self.password if username else self.username).setFocus()

    def try_login(self) -> None:
        try:
            actor = accounts.authenticate(self.app, self.username.text(), self.password.text())
        except (DomainError, StoreError) as exc:
            self.error.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        if accounts.must_change_password(self.app, actor.username):
            dlg = ChangePasswordDialog(self.app, actor, old_password=self.password.text(), parent=self)
            if not self.run_dialog(dlg):
                self.error.setText("管理员重置了您的密码，请先设置新密码再登录。")
                self.password.clear()
                return
        self.actor = actor
        self.accept()


class ChangePasswordDialog(QDialog):
    """Change one's own password. With ``old_password`` given (just typed at sign-in
    after an administrator's reset) only the new password is asked for."""

    def __init__(self, app: App, actor: Actor, old_password: str | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self._given_old = old_password
        self.setWindowTitle("修改密码")
        self.setMinimumWidth(380)
        form = QFormLayout()
        self.old = password_edit()
        if old_password is None:
            form.addRow("原密码：", self.old)
        else:
            note = QLabel("管理员重置了您的密码，请设置一个只有您知道的新密码。")
            note.setWordWrap(True)
            form.addRow(note)
        self.new = password_edit(f"至少{accounts.MIN_PASSWORD}个字符")
        self.again = password_edit()
        form.addRow("新密码：", self.new)
        form.addRow("再次输入：", self.again)
        self.error, self.ok, _cancel, _box = finish_dialog(self, [form], "确定", self.try_change)

    def try_change(self) -> None:
        if self.new.text() != self.again.text():
            self.error.setText("两次输入的新密码不一致。")
            return
        old = self._given_old if self._given_old is not None else self.old.text()
        try:
            accounts.change_password(self.app, self.actor, old, self.new.text())
        except (DomainError, StoreError) as exc:
            self.error.setText(str(exc))
            return
        self.accept()
