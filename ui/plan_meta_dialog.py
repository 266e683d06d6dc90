"""The plan's header (方案信息: id, version, name, district, first month, office…) and
its words ([plan.words]: 区/县, 街道/乡镇, 省/市…), edited through the plan editor's
fields. Applied together: a refused value is shown under its field and nothing changes."""

from __future__ import annotations

import copy

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from forms.plan_form import META_FIELDS, WORD_FIELDS
from models.plan_draft import PlanDraft
from models.plan_draft_edit import EditError
from ui.form_widgets import FieldForm


class PlanMetaDialog(QDialog):
    def __init__(self, draft: PlanDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.setWindowTitle("方案信息和用语")
        self.resize(620, 640)
        self.meta_form = FieldForm(META_FIELDS)
        self.meta_form.set_values({f.key: _text(draft.meta.get(f.key)) for f in META_FIELDS})
        self.word_form = FieldForm(WORD_FIELDS)
        self.word_form.set_values({f.key: _text(draft.words.get(f.key)) for f in WORD_FIELDS})
        note = QLabel("方案标识：数据库按它识别计划，同一方案的新版本必须保持不变。区县名称印在窗口标题和简报上。"
                      "用语留空时使用程序的默认值。")
        note.setWordWrap(True)
        body = QWidget()
        bl = QVBoxLayout(body)
        bl.addWidget(note)
        bl.addWidget(QLabel("<b>方案信息</b>"))
        bl.addWidget(self.meta_form)
        bl.addWidget(QLabel("<b>方案用语</b>"))
        bl.addWidget(self.word_form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(scroll, 1)
        lay.addWidget(buttons)

    def apply(self) -> None:
        """Every changed field through the draft's edits; the first refusal undoes them all."""
        before = copy.deepcopy(self.draft.raw)
        was_changed = self.draft.changed
        for form, current, setter in ((self.meta_form, self.draft.meta, self.draft.set_meta),
                                      (self.word_form, self.draft.words, self.draft.set_word)):
            for key, editor in form.editors.items():
                text = editor.value()
                if text == _text(current.get(key)):
                    continue
                try:
                    setter(key, text)
                except EditError as exc:
                    editor.set_error(str(exc))
                    self.draft.raw.clear()
                    self.draft.raw.update(before)
                    self.draft.changed = was_changed
                    return
        self.accept()


def _text(value: object) -> str:
    return "" if value is None else str(value)
