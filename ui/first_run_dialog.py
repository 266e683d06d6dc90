"""First start on an empty database: create the administrator account."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QWidget

from models import accounts, passwords
from models.app import Actor, App
from models.errors import DomainError
from models.store import StoreError
from ui.login_dialog import finish_dialog, password_edit


class FirstRunDialog(QDialog):
    """Creates the first administrator and signs them in (``actor`` when accepted)."""

    def __init__(self, app: App, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor: Actor | None = None
        self.setWindowTitle("首次使用：设置管理员账户")
        self.setMinimumWidth(440)
        intro = QLabel(
            "这是第一次使用本程序。请设置管理员账户：管理员负责新建各单位填报员和审核员的账户、"
            "重置密码、修改设置和恢复备份。\n请牢记密码，遗忘后只能在本机用命令行重置。")
        intro.setWordWrap(True)
        self.username = QLineEdit("admin")
        self.username.setMaxLength(32)
        self.display = QLineEdit()
        self.display.setPlaceholderText("例如：张三")
        self.display.setMaxLength(40)
        self.password = password_edit(f"至少{passwords.MIN_PASSWORD}个字符")
        self.again = password_edit()
        form = QFormLayout()
        form.addRow("管理员用户名：", self.username)
        form.addRow("姓名：", self.display)
        form.addRow("密码：", self.password)
        form.addRow("再次输入密码：", self.again)
        self.error, self.ok, _cancel, _box = finish_dialog(self, [intro, form], "创建并登录",
                                                           self.try_create, cancel_text="退出")
        self.password.setFocus()

    def try_create(self) -> None:
        if self.password.text() != self.again.text():
            self.error.setText("两次输入的密码不一致。")
            return
        try:
            actor = accounts.create_first_admin(self.app, self.username.text(), self.password.text(),
                                                self.display.text())
        except (DomainError, StoreError) as exc:
            self.error.setText(str(exc))
            return
        self.app.log(actor, "login", "首次设置后登录")
        self.actor = actor
        self.accept()
