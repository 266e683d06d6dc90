"""The office's consent to a new version of the database's plan: what changes, by code."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget


class PlanUpdateDialog(QDialog):
    """Lists the changes (items added, removed, renamed, targets and units changed);
    accepted with “接受并更新”, declined with “暂不更新”."""

    def __init__(self, current: str, new: str, changes: str, parent: QWidget | None = None, intro_text: str = ""):
        super().__init__(parent)
        self.setWindowTitle("计划文件有新版本")
        self.setMinimumSize(640, 420)
        intro = QLabel(intro_text or (f"本数据库使用{current}。\n计划文件是它的新版本：{new}。\n\n"
                       "按编码比较，改动如下。接受后目录按新版本更新：已填报的数据按编码保留，移出计划的条目标为停用、"
                       "数据保留。不接受时本次仍按原计划运行。"))
        intro.setWordWrap(True)
        self.changes = QPlainTextEdit(changes)
        self.changes.setReadOnly(True)
        buttons = QDialogButtonBox()
        self.accept_button = buttons.addButton("接受并更新", QDialogButtonBox.ButtonRole.AcceptRole)
        self.reject_button = buttons.addButton("暂不更新", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.changes, 1)
        lay.addWidget(buttons)
        self.reject_button.setDefault(True)
