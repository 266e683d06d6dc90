"""账户管理 (administrators) and 修改密码 (everybody) pages."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from models import accounts, passwords, signin
from models.app import ADMIN, CLERK, REVIEWER, ROLE_NAMES, Actor, App
from models.errors import DomainError
from models.store import StoreError
from ui.form_widgets import ERROR_STYLE
from ui.login_dialog import ChangePasswordDialog, finish_dialog, password_edit
from ui.modal import run_modal
from ui.office_common import readonly_table
from ui.tables import fill_table

COLUMNS = ["用户名", "姓名", "角色", "单位", "状态", "创建时间"]


class UserDialog(QDialog):
    """New account (with password) or change an account's name, role and unit."""

    def __init__(self, app: App, actor: Actor, existing: accounts.UserInfo | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.existing = existing
        self.setWindowTitle("修改账户" if existing else "新建账户")
        self.setMinimumWidth(420)
        self.username = QLineEdit(existing.username if existing else "")
        self.username.setMaxLength(32)
        self.username.setReadOnly(existing is not None)
        self.display = QLineEdit(existing.display_name if existing else "")
        self.display.setMaxLength(40)
        inst = accounts.installation_unit(app)
        self.role = QComboBox()
        for r in ((CLERK, ADMIN) if inst else (CLERK, REVIEWER, ADMIN)):
            self.role.addItem(ROLE_NAMES[r], r)
        self.unit = QComboBox()
        for u in ([inst] if inst else app.reporting_units()):
            self.unit.addItem(u)
        if existing:
            self.role.setCurrentIndex(self.role.findData(existing.role))
            if existing.unit:
                self.unit.setCurrentText(existing.unit)
        self.password = password_edit(f"至少{passwords.MIN_PASSWORD}个字符")
        self.again = password_edit()
        form = QFormLayout()
        form.addRow("用户名：", self.username)
        form.addRow("姓名：", self.display)
        form.addRow("角色：", self.role)
        form.addRow("单位：", self.unit)
        if existing is None:
            form.addRow("初始密码：", self.password)
            form.addRow("再次输入：", self.again)
        self.error, self.ok, _cancel, _box = finish_dialog(self, [form], "保存", self.save)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()

    def _role_changed(self) -> None:
        self.unit.setEnabled(self.role.currentData() == CLERK)

    def save(self) -> None:
        role = self.role.currentData()
        unit = self.unit.currentText() if role == CLERK else None
        try:
            if self.existing is None:
                if self.password.text() != self.again.text():
                    self.error.setText("两次输入的密码不一致。")
                    return
                accounts.create_user(self.app, self.actor, self.username.text(), role,
                                     self.password.text(), unit, self.display.text())
            else:
                accounts.update_user(self.app, self.actor, self.existing.username, role=role,
                                     unit=unit, display_name=self.display.text())
        except (DomainError, StoreError) as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class ResetPasswordDialog(QDialog):
    def __init__(self, app: App, actor: Actor, username: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.username = username
        self.setWindowTitle(f"重置密码：{username}")
        note = QLabel("设置一个临时密码告知本人；对方下次登录时必须改为自己的新密码。")
        note.setWordWrap(True)
        self.password = password_edit(f"至少{passwords.MIN_PASSWORD}个字符")
        self.again = password_edit()
        form = QFormLayout()
        form.addRow(note)
        form.addRow("临时密码：", self.password)
        form.addRow("再次输入：", self.again)
        self.error, self.ok, _cancel, _box = finish_dialog(self, [form], "重置", self.save)

    def save(self) -> None:
        if self.password.text() != self.again.text():
            self.error.setText("两次输入的密码不一致。")
            return
        try:
            accounts.reset_password(self.app, self.actor, self.username, self.password.text())
        except (DomainError, StoreError) as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class AccountsView(QWidget):
    title = "账户管理"
    needs_actor = True

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        # Replaceable in tests: open a dialog modally, return True when accepted.
        self.run_dialog: Callable[[QDialog], bool] = lambda d: run_modal(d) == QDialog.DialogCode.Accepted
        self.table = readonly_table(COLUMNS, stretch=3)
        self.add_btn = QPushButton("新建账户…")
        self.edit_btn = QPushButton("修改…")
        self.reset_btn = QPushButton("重置密码…")
        self.unlock_btn = QPushButton("解锁")
        self.active_btn = QPushButton("停用")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        for b in (self.add_btn, self.edit_btn, self.reset_btn, self.unlock_btn, self.active_btn):
            row.addWidget(b)
        row.addStretch(1)
        hint = QLabel("填报员只能填报本单位的数据；审核员审核各单位的报送；管理员另可管理账户、设置和备份。"
                      f"密码连续输错{signin.MAX_FAILED}次，账户锁定{signin.LOCK_MINUTES}分钟。")
        hint.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(hint)
        lay.addLayout(row)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.message)
        self.add_btn.clicked.connect(self.add_user)
        self.edit_btn.clicked.connect(self.edit_user)
        self.reset_btn.clicked.connect(self.reset_user)
        self.unlock_btn.clicked.connect(self.unlock_user)
        self.active_btn.clicked.connect(self.toggle_active)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        keep = select or self.selected()
        self.users = accounts.users(self.app, self.actor)
        rows = []
        for u in self.users:
            state = "已停用" if not u.active else (f"锁定至{u.locked_until[11:16]}" if u.locked() else "正常")
            if u.must_change and u.active:
                state += "（待改密码）"
            rows.append([u.username, u.display_name, u.role_name, u.unit or "领导小组办公室", state,
                         u.created_at.replace("T", " ")[:16]])
        fill_table(self.table, rows, data=[u.username for u in self.users])
        for i in range(self.table.rowCount()):
            it = self.table.item(i, 0)
            if keep and it is not None and it.data(Qt.ItemDataRole.UserRole) == keep:
                self.table.selectRow(i)
        self.table.resizeColumnsToContents()
        self._selection_changed()

    def selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        it = self.table.item(rows[0].row(), 0)
        return it.data(Qt.ItemDataRole.UserRole) if it else None

    def _selected_info(self) -> accounts.UserInfo | None:
        name = self.selected()
        return next((u for u in self.users if u.username == name), None)

    def _selection_changed(self) -> None:
        u = self._selected_info()
        for b in (self.edit_btn, self.reset_btn, self.unlock_btn, self.active_btn):
            b.setEnabled(u is not None)
        self.active_btn.setText("启用" if u is not None and not u.active else "停用")

    def _do(self, fn: Callable[[], None], done: str, select: str | None = None) -> None:
        try:
            fn()
        except (DomainError, StoreError) as exc:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(str(exc))
            return
        self.message.setStyleSheet("")
        self.message.setText(done)
        self.refresh(select)

    def add_user(self) -> None:
        dlg = UserDialog(self.app, self.actor, parent=self)
        if self.run_dialog(dlg):
            name = dlg.username.text().strip()
            self.message.setStyleSheet("")
            self.message.setText(f"已新建账户 {name}。")
            self.refresh(name)

    def edit_user(self) -> None:
        u = self._selected_info()
        if u is None:
            return
        if self.run_dialog(UserDialog(self.app, self.actor, u, parent=self)):
            self.message.setStyleSheet("")
            self.message.setText(f"已修改账户 {u.username}。")
            self.refresh(u.username)

    def reset_user(self) -> None:
        u = self._selected_info()
        if u is None:
            return
        if self.run_dialog(ResetPasswordDialog(self.app, self.actor, u.username, parent=self)):
            self.message.setStyleSheet("")
            self.message.setText(f"已重置 {u.username} 的密码，对方下次登录时须修改密码。")
            self.refresh(u.username)

    def unlock_user(self) -> None:
        u = self._selected_info()
        if u is not None:
            self._do(lambda: accounts.unlock(self.app, self.actor, u.username), f"已解锁 {u.username}。",
                     u.username)

    def toggle_active(self) -> None:
        u = self._selected_info()
        if u is None:
            return
        if u.active and u.username == self.actor.username:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText("不能停用自己正在使用的账户。")
            return
        self._do(lambda: accounts.set_active(self.app, self.actor, u.username, not u.active),
                 f"已{'停用' if u.active else '启用'}账户 {u.username}。", u.username)


class MyAccountView(QWidget):
    """Who is signed in, changing one's own password, signing out (switch user)."""

    title = "我的账户"
    needs_actor = True

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        who = QLabel(f"当前账户：{actor.username}（{actor.label}，{ROLE_NAMES.get(actor.role, actor.role)}"
                     f"{' · ' + actor.unit if actor.unit else ''}）")
        self.form = ChangePasswordDialog(app, actor, parent=self)
        self.form.setWindowFlags(Qt.WindowType.Widget)
        self.form.setMaximumWidth(520)
        self.form.accepted.connect(self._done)
        self.form.rejected.connect(self._reset)  # 取消 clears the fields; the form stays
        self.done_label = QLabel("")
        self.logout_btn = QPushButton("退出登录（切换用户）")
        self.logout_btn.setMaximumWidth(220)
        self.logout_btn.clicked.connect(self.sign_out)
        lay = QVBoxLayout(self)
        lay.addWidget(who)
        lay.addWidget(QLabel("<b>修改密码</b>"))
        lay.addWidget(self.form)
        lay.addWidget(self.done_label)
        lay.addSpacing(16)
        lay.addWidget(self.logout_btn)
        lay.addStretch(1)
        if not accounts.exists(app, actor.username):
            self.form.setEnabled(False)
            self.done_label.setText("当前登录方式没有对应的账户，不能修改密码。")

    def _reset(self) -> None:
        for ed in (self.form.old, self.form.new, self.form.again):
            ed.clear()
        self.form.error.setText("")
        self.form.show()
        self.done_label.setText("")

    def _done(self) -> None:
        self._reset()
        self.done_label.setText("密码已修改，下次登录请使用新密码。")

    def sign_out(self) -> None:
        from ui import app as startup
        st = startup.current()
        if st is None:
            self.done_label.setText("请关闭程序窗口以退出登录。")
            return
        st.request_relogin()
