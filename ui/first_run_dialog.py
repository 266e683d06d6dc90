"""First start on an empty database: the plan to start with, and the administrator account.

The database was created with the built-in plan (or the one given with ``--plan``). A
county office that has not written a plan file starts from its published plan here:
“用本地的实施方案开始…” reads the document (or a plan file) off the GUI thread, shows
the review screen, and on saving the new database takes that plan
(``models/plan_adopt.start_with_plan``: the plan file is written beside the database as
``<db>.plan.toml``). A document that cannot be read gives its message; nothing changes.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from models import accounts, passwords
from models.app import Actor, App
from models.errors import DomainError
from models.plan import Plan
from models.plan_adopt import start_with_plan
from models.store import StoreError
from ui.login_dialog import finish_dialog, password_edit
from ui.plan_import_dialog import PlanImportDialog, choose_plan_source
from ui.plan_review_view import PlanReviewDialog


class FirstRunDialog(QDialog):
    """Creates the first administrator and signs them in (``actor`` when accepted)."""

    def __init__(self, app: App, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor: Actor | None = None
        self.importer: PlanImportDialog | None = None
        self.review: PlanReviewDialog | None = None
        self.setWindowTitle("首次使用：实施方案与管理员账户")
        self.setMinimumWidth(520)
        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        self.plan_message = QLabel()
        self.plan_message.setWordWrap(True)
        self.start_from_doc = QPushButton("用本地的实施方案开始…")
        self.start_from_doc.setToolTip("选择本县（区）印发的碳达峰实施方案（Word、PDF、文本）或计划文件（.toml）")
        self.start_from_doc.clicked.connect(lambda: self.import_plan())
        plan_box = QGroupBox("1. 实施方案")
        pl = QHBoxLayout(plan_box)
        col = QFormLayout()
        col.addRow(self.plan_label)
        col.addRow(self.plan_message)
        pl.addLayout(col, 1)
        pl.addWidget(self.start_from_doc)
        intro = QLabel(
            "2. 设置管理员账户：管理员负责新建各单位填报员和审核员的账户、"
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
        self.error, self.ok, _cancel, _box = finish_dialog(self, [plan_box, intro, form], "创建并登录",
                                                           self.try_create, cancel_text="退出")
        self.show_plan()
        self.password.setFocus()

    def show_plan(self) -> None:
        p = self.app.plan
        self.plan_label.setText(f"本数据库将按{p.label}运行（{p.district}，{len(p.all_tasks)} 项任务，"
                                f"{sum(len(i.parts) for i in p.indicators)} 个指标分项）。"
                                "如果这不是本县（区）的方案，请用本地的实施方案开始。")

    def import_plan(self, path: str = "") -> None:
        """Read ``path`` (or the file the user picks); the review screen opens when it is read."""
        path = path or choose_plan_source(self)
        if not path:
            return
        self.importer = PlanImportDialog(path, None, self)
        self.importer.finished.connect(self._imported)
        self.importer.open()

    def _imported(self, _result: int) -> None:
        dlg, self.importer = self.importer, None
        if dlg is None:
            return
        if dlg.draft is None:
            self.plan_message.setStyleSheet("color: #b91c1c;")
            self.plan_message.setText(dlg.error)
            return
        self.review = PlanReviewDialog(dlg.draft, f"核对实施方案《{dlg.draft.source_name}》", "用这个计划开始",
                                       self._start, self)
        self.review.open()

    def _start(self, text: str, plan: Plan) -> bool:
        start_with_plan(self.app, plan)
        from PySide6.QtWidgets import QApplication
        qapp = QApplication.instance()
        if isinstance(qapp, QApplication):
            qapp.setApplicationDisplayName(plan.app_title)
        self.show_plan()
        self.plan_message.setStyleSheet("color: #166534;")
        self.plan_message.setText(f"已按此方案建立数据库，计划文件保存在数据库旁（{self.app.store.path.stem}.plan.toml）。"
                                  "请继续设置管理员账户。")
        return True

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
