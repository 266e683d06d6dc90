"""办公室设置 → 实施方案: the plan the database runs on, and two ways to change it:

- 导入实施方案… : a revised plan document (.docx/.txt/.pdf) or plan file (.toml) → the
  review screen → the change list by code → adopted;
- 编辑实施方案… : the current plan in the review screen (units and other spellings, a
  task's units and lead, targets through fields, milestones) → the change list → adopted.

The change list is the office's (``plan_adopt.plan_changes``); adopting is the office
administrator's alone, checked by the service (``plan_adopt.adopt_plan``): a reviewer who
gets that far is refused by it, with nothing changed. After adopting, the program signs
out and back in so that every page is built on the new plan (``Startup.request_plan_reload``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from models.app import Actor, App
from models.plan import Plan, PlanError
from models.plan_adopt import adopt_plan, plan_changes
from models.plan_draft import PlanDraft
from ui.looks import button_row, note_label
from ui.office_common import MessageLine
from ui.plan_import_dialog import PlanImportDialog, choose_plan_source
from ui.plan_review_view import PlanReviewDialog
from ui.plan_update_dialog import PlanUpdateDialog


ADOPT_INTRO = ("本数据库使用{current}。\n核对后的计划：{new}。\n\n按编码比较，改动如下。采用后目录按新计划更新："
               "已填报的数据按编码保留，移出计划的条目标为停用、数据保留。点“返回修改”回到核对界面。")


class PlanTab(QWidget):
    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.importer: PlanImportDialog | None = None
        self.review: PlanReviewDialog | None = None
        self.confirm: PlanUpdateDialog | None = None
        self.current = QLabel()
        self.current.setWordWrap(True)
        self.import_btn = QPushButton("导入实施方案…")
        self.edit_btn = QPushButton("编辑实施方案…")
        self.import_btn.clicked.connect(lambda: self.import_plan())
        self.edit_btn.clicked.connect(self.edit_plan)
        for b in (self.import_btn, self.edit_btn):
            b.setEnabled(actor.is_admin)
            if not actor.is_admin:
                b.setToolTip("只有管理员可以修改实施方案")
        self.message = MessageLine()
        lay = QVBoxLayout(self)
        lay.addWidget(self.current)
        lay.addWidget(note_label(
            "导入实施方案：选择修订后的方案文档（Word、PDF、文本）或计划文件（.toml），核对后列出与当前计划相比的改动"
            "（按编码），确认后采用。编辑实施方案：在程序中修改单位及其其他写法、任务的牵头和配合单位、指标和里程碑的"
            "目标、里程碑。已填报的数据按编码保留。只有管理员可以采用新的计划；采用后程序回到登录窗口，"
            "重新登录后按新计划运行。"))
        lay.addWidget(button_row(self.import_btn, self.edit_btn))
        lay.addWidget(self.message)
        lay.addStretch(1)
        self.show_current()

    def show_current(self) -> None:
        p = self.app.plan
        self.current.setText(f"当前计划：{p.label}\n区县：{p.district}　首个填报月份：{p.first_month}\n"
                             f"{len(p.units)} 个单位，{len(p.actions)} 项行动，{len(p.all_tasks)} 项任务，"
                             f"{sum(len(i.parts) for i in p.indicators)} 个指标分项，{len(p.milestones)} 个里程碑")

    # -- the two entries ------------------------------------------------------------------------
    def import_plan(self, path: str = "") -> None:
        """Read ``path`` (or the file the user picks) as a new version of the current plan
        (its id kept); the review screen opens when it is read."""
        path = path or choose_plan_source(self)
        if not path:
            return
        self.importer = PlanImportDialog(path, self.app.plan.plan_id, self)
        self.importer.finished.connect(self._imported)
        self.importer.open()

    def _imported(self, _result: int) -> None:
        dlg, self.importer = self.importer, None
        if dlg is None:
            return
        if dlg.draft is None:
            if dlg.error:
                self.message.error(dlg.error)
            return
        self.open_review(dlg.draft, f"导入的实施方案：核对《{dlg.draft.source_name}》")

    def edit_plan(self) -> None:
        try:
            draft = PlanDraft.from_text(self.app.plan.source or "", "当前计划")
        except PlanError as exc:
            self.message.error(str(exc))
            return
        self.open_review(draft, f"编辑实施方案：{self.app.plan.name}")

    def open_review(self, draft: PlanDraft, title: str) -> None:
        self.review = PlanReviewDialog(draft, title, "检查并查看改动…", self.changes_step, self)
        self.review.open()

    # -- after the review: the change list, then adoption -----------------------------------------
    def changes_step(self, text: str, plan: Plan) -> bool:
        """Show what ``plan`` changes; adopt it when the office confirms. Raises the service's
        refusals (another plan's id, not an administrator) for the review screen to show."""
        changes = plan_changes(self.app, self.actor, plan)
        if plan.digest == self.app.plan.digest:
            if self.review is not None:
                self.review.message.ok("与当前计划完全相同，没有需要采用的改动。")
            return False
        self.confirm = PlanUpdateDialog(self.app.plan.label, plan.label, changes.text(), self, ADOPT_INTRO.format(
            current=self.app.plan.label, new=plan.label))
        self.confirm.setWindowTitle("采用新的实施方案")
        self.confirm.accept_button.setText("采用新计划")
        self.confirm.reject_button.setText("返回修改")
        ok = bool(self.confirm.exec())
        self.confirm = None
        if not ok:
            return False
        adopt_plan(self.app, self.actor, plan)
        self.show_current()
        self.message.ok(f"已采用{plan.label}：{changes.summary()}。")
        from ui import app as startup
        st = startup.current()
        if st is not None:
            from PySide6.QtCore import QTimer
            QTimer.singleShot(0, st.request_plan_reload)  # after the dialogs have closed
        else:
            self.message.ok(f"已采用{plan.label}：{changes.summary()}。请重新启动程序，按新计划运行。")
        return True
