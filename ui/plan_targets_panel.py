"""The targets of one indicator part or milestone, edited through the plan editor's fields
(``forms/plan_form.TARGET_FIELDS``): choose a target, change a field, and the value goes
through ``PlanDraft.set_target``; a refused value is shown under its field and changes
nothing. Targets are added (a copy of the last, without its source words) and removed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from forms.fields import CHOICE, YESNO
from forms.plan_form import LABELS, REDUCTION_OPS, TARGET_FIELDS
from models.plan_draft import PlanDraft
from models.plan_draft_data import target_text
from models.plan_draft_edit import EditError
from ui.form_widgets import FieldForm


def shown_value(key: str, value: Any, target: dict[str, Any] | None = None) -> str:
    """A stored target value as its field shows it (codes as their Chinese choices; the
    comparison of a reduction against a base year as the plan words it, 下降X%以上)."""
    if key == "op" and target and target.get("basis") == "reduction_vs_baseline" and value in REDUCTION_OPS:
        return REDUCTION_OPS[value]
    if isinstance(value, bool):
        return "是" if value else "否"
    if key in LABELS:
        return LABELS[key].get("" if value is None else str(value), "" if value is None else str(value))
    return "" if value is None else str(value)


class TargetsPanel(QWidget):
    changed = Signal()

    def __init__(self, draft: PlanDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.ref = ""
        self._loading = False
        self.title = QLabel()
        self.which = QComboBox()
        self.which.currentIndexChanged.connect(self._show)
        self.add_btn = QPushButton("添加目标")
        self.remove_btn = QPushButton("删除此目标")
        self.add_btn.clicked.connect(self.add)
        self.remove_btn.clicked.connect(self.remove)
        self.form = FieldForm(TARGET_FIELDS, memo_lines=2)
        self.form.edited.connect(self._edited)
        self.form.committed.connect(self._apply)
        # the selector has a row of its own, as wide as the panel, so a target's summary
        # (第2个：2030年比2005年下降65%以上) is not cut; the whole summary is also its tooltip
        self.which.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.which.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.which.setMinimumContentsLength(16)
        self.which.view().setTextElideMode(Qt.TextElideMode.ElideNone)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_btn)
        buttons.addWidget(self.remove_btn)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.title)
        lay.addWidget(self.which)
        lay.addLayout(buttons)
        lay.addWidget(self.form)

    def set_ref(self, ref: str) -> None:
        """Show the targets of the part or milestone ``ref``."""
        self.ref = ref
        self.title.setText(f"{'里程碑' if self.draft.milestone(ref) is not None else '指标分项'} {ref} 的目标")
        self._fill(0)

    def index(self) -> int:
        return max(self.which.currentIndex(), 0)

    def _fill(self, current: int) -> None:
        self._loading = True
        try:
            self.which.clear()
            for n, t in enumerate(self.draft.targets(self.ref)):
                self.which.addItem(f"第{n + 1}个：{target_text(t)}")
                self.which.setItemData(n, self.which.itemText(n), Qt.ItemDataRole.ToolTipRole)
            self._fit_popup()
            if self.which.count():
                self.which.setCurrentIndex(min(current, self.which.count() - 1))
        finally:
            self._loading = False
        self._show()

    def _fit_popup(self) -> None:
        """The list that drops down is as wide as its longest summary (it may pass the panel)."""
        view = self.which.view()
        texts = [self.which.itemText(n) for n in range(self.which.count())]
        longest = max((view.fontMetrics().horizontalAdvance(t) for t in texts), default=0)
        view.setMinimumWidth(longest + view.verticalScrollBar().sizeHint().width() + 16 if texts else 0)

    def _show(self, *_: object) -> None:
        self.which.setToolTip(self.which.currentText())
        if self._loading:
            return
        targets = self.draft.targets(self.ref)
        has = bool(targets)
        self.form.setEnabled(has)
        self.remove_btn.setEnabled(has)
        target = targets[self.index()] if has else {}
        self._loading = True
        try:
            self.form.set_values({f.key: shown_value(f.key, target.get(f.key), target) for f in TARGET_FIELDS})
        finally:
            self._loading = False

    def _edited(self, key: str) -> None:
        f = self.form.editors[key].field
        if f.type in (CHOICE, YESNO):
            self._apply(key)

    def _apply(self, key: str) -> None:
        if self._loading or not self.draft.targets(self.ref):
            return
        editor = self.form.editors[key]
        n = self.index()
        current = self.draft.targets(self.ref)[n]
        before = shown_value(key, current.get(key), current)
        text = editor.value()
        if text == before:
            return
        try:
            self.draft.set_target(self.ref, n, key, text)
        except EditError as exc:
            editor.set_error(str(exc))
            return
        editor.set_error("")
        self._loading = True
        try:
            target = self.draft.targets(self.ref)[n]
            self.which.setItemText(n, f"第{n + 1}个：{target_text(target)}")
            self.which.setItemData(n, self.which.itemText(n), Qt.ItemDataRole.ToolTipRole)
            self.which.setToolTip(self.which.currentText())
            self._fit_popup()
            if key == "basis":  # the comparison reads differently for a reduction
                self.form.editors["op"].set_value(shown_value("op", target.get("op"), target))
        finally:
            self._loading = False
        self.changed.emit()

    def add(self) -> None:
        try:
            n = self.draft.add_target(self.ref)
        except EditError as exc:
            self.title.setText(str(exc))
            return
        self._fill(n)
        self.changed.emit()

    def remove(self) -> None:
        if not self.draft.targets(self.ref):
            return
        n = self.index()
        self.draft.remove_target(self.ref, n)
        self._fill(max(n - 1, 0))
        self.changed.emit()
