"""Sign-in dialog, and the password-change dialog (own password, or forced after a reset).

The sign-in dialog is the first window of a normal start, so this module imports
little. While it waits for the user it gets the next steps ready: the slow password
key derivation starts on a worker thread as the password is typed
(``passwords.KeyDeriver``), and ``prepare(username)``, given by the start-up, loads
and builds the main window for the account named in the dialog. Neither decides
anything: ``signin.authenticate`` alone accepts or refuses, and a window prepared
for someone else is thrown away.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QGridLayout, QLabel, QLayout, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from models import accounts, passwords, signin
from models.app import Actor, App
from models.errors import DomainError
from models.store import StoreError
from ui.styles import ERROR_STYLE

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent


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
    ed.setMaxLength(passwords.MAX_PASSWORD)
    if placeholder:
        ed.setPlaceholderText(placeholder)
    return ed


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class LoginDialog(QDialog):
    """Asks for a user name and password; ``actor`` is set when accepted.

    ``prepare(username)`` is called once the dialog is idle with a user name filled in
    (given, or typed and left with Tab or Enter); ``preparing()`` says whether that or a
    password derivation is still under way."""

    def __init__(self, app: App, message: str = "", username: str = "",
                 parent: QWidget | None = None, prepare: Callable[[str], None] | None = None):
        super().__init__(parent)
        self.app = app
        self.actor: Actor | None = None
        self.prepare = prepare
        self.deriver = passwords.KeyDeriver()
        self._pending_prepare: str | None = None
        self._painted = False
        # Replaceable in tests: run a nested dialog, True when accepted.
        self.run_dialog: Callable[[QDialog], bool] = lambda d: d.exec() == QDialog.DialogCode.Accepted
        self.setWindowTitle("登录")
        self.setMinimumWidth(380)
        inst = accounts.installation_unit(app)
        sub = f"本机：{inst}填报电脑" if inst else "领导小组办公室"
        # Centred by the markup (the alignment flags would load Qt's whole Qt namespace).
        head = QLabel(f'<p align="center"><b>{_html(app.plan.district)}碳达峰调度系统</b></p>'
                      f'<p align="center">{_html(sub)}</p>')
        self.username = QLineEdit(username)
        self.username.setPlaceholderText("用户名")
        self.username.setMaxLength(32)
        self.password = password_edit("密码")
        form = QGridLayout()
        for row, (label, edit) in enumerate((("用户名：", self.username), ("密码：", self.password))):
            form.addWidget(QLabel(label), row, 0)
            form.addWidget(edit, row, 1)
        self.error, self.ok, self.cancel, self.buttons = finish_dialog(
            self, [head, form], "登录", self.try_login, cancel_text="退出", message=message)
        (self.password if username else self.username).setFocus()
        self.password.textChanged.connect(self._derive_ahead)
        self.username.editingFinished.connect(self._username_done)
        self.finished.connect(self._forget)
        if username:
            self._schedule_prepare(username)

    # -- getting ready while the user types ----------------------------------------------
    def _username_done(self) -> None:
        self._derive_ahead()
        self._schedule_prepare(self.username.text())

    def _schedule_prepare(self, username: str) -> None:
        if self.prepare is None or not username.strip():
            return
        if self._pending_prepare is None and self._painted:
            QTimer.singleShot(0, self._run_prepare)
        self._pending_prepare = username.strip()

    def paintEvent(self, ev: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        super().paintEvent(ev)
        if not self._painted:  # the dialog is on screen: now get the rest ready
            self._painted = True
            QTimer.singleShot(0, self.deriver.warm_up)
            if self._pending_prepare is not None:
                QTimer.singleShot(0, self._run_prepare)

    def _run_prepare(self) -> None:
        """From the event loop: prepare unless the dialog has been closed meanwhile."""
        if self.isVisible() and self.result() == 0:
            self._prepare_now()
        else:
            self._pending_prepare = None

    def _prepare_now(self) -> None:
        name, self._pending_prepare = self._pending_prepare, None
        if name and self.prepare is not None:
            self.prepare(name)

    def _derive_ahead(self) -> None:
        password = self.password.text()
        if password and self.username.text().strip():
            try:
                salt, params = signin.kdf_inputs(self.app, self.username.text())
            except StoreError:
                return  # signing in reports the database problem
            self.deriver.start(password, salt, params)

    def preparing(self) -> bool:
        return self._pending_prepare is not None or self.deriver.busy()

    def _forget(self) -> None:
        self.deriver.close()

    # -- signing in -----------------------------------------------------------------------
    def try_login(self) -> None:
        self._derive_ahead()  # under way on the worker thread while the window is prepared
        self._prepare_now()
        try:
            actor = signin.authenticate(self.app, self.username.text(), self.password.text(),
                                          derive=self.deriver.derive)
        except (DomainError, StoreError) as exc:
            self.error.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        if signin.must_change_password(self.app, actor):
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
        from PySide6.QtWidgets import QFormLayout  # not needed to sign in
        form = QFormLayout()
        self.old = password_edit()
        if old_password is None:
            form.addRow("原密码：", self.old)
        else:
            note = QLabel("管理员重置了您的密码，请设置一个只有您知道的新密码。")
            note.setWordWrap(True)
            form.addRow(note)
        self.new = password_edit(f"至少{passwords.MIN_PASSWORD}个字符")
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
