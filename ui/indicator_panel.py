"""The form of one indicator part for a period: value (with the live verdict of the
target engine beside it), 数据来源 and 说明, plus the targets and earlier values."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from forms import indicator_form
from models.app import Actor, App
from models.entries import Entries
from models.plan import Part, display_text
from models.target_words import describe_target
from forms.values import fmt_number
from ui.attachment_strip import AttachmentStrip
from ui.form_widgets import FieldEditor, FieldForm
from ui.undo import INDICATOR, Edit, jump_note, verdict_display


class IndicatorPanel(QWidget):
    edited = Signal()
    committed = Signal()

    def __init__(self, app: App, entries: Entries, actor: Actor, judge: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.entries = entries
        self.actor = actor
        self.judge = judge
        self.part: Part | None = None
        self.unit = ""
        self.month = ""
        self.period = ""
        self.read_only = False
        self.saved: dict[str, str] = {}
        self.previous: float | None = None
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.value_form = QWidget()
        self.value_layout = QFormLayout(self.value_form)
        self.value_layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self._value_editors: dict[tuple[str, bool], FieldEditor] = {}
        self.value_ed: FieldEditor | None = None
        self.value_label = QLabel()
        self.value_box = QWidget()
        self.value_box_layout = QVBoxLayout(self.value_box)
        self.value_box_layout.setContentsMargins(0, 0, 0, 0)
        self.value_layout.addRow(self.value_label, self.value_box)
        self.form = FieldForm(indicator_form.FIELDS, self, memo_lines=3)
        self.form.edited.connect(lambda _k: self.edited.emit())
        self.form.committed.connect(lambda _k: self.committed.emit())
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.history.setStyleSheet("color: #555;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.info)
        lay.addWidget(self.value_form)
        lay.addWidget(self.form)
        self.evidence = AttachmentStrip(app, entries, parent=self)
        lay.addWidget(self.evidence)
        lay.addWidget(self.history)
        lay.addStretch(1)

    def _editor_for(self, part: Part) -> FieldEditor:
        """The value editor fitting the part (number with its unit, or 是/否); one per kind."""
        key = (part.entry_unit, part.qualitative)
        ed = self._value_editors.get(key)
        if ed is None:
            ed = FieldEditor(indicator_form.value_field(part.entry_unit, part.qualitative), self.value_box)
            self.value_box_layout.addWidget(ed)
            ed.edited.connect(lambda _k: self._value_edited())
            ed.committed.connect(lambda _k: self.committed.emit())
            self._value_editors[key] = ed
        if self.value_ed is not ed:
            for other in self._value_editors.values():
                other.setVisible(other is ed)
            self.value_label.setBuddy(ed.editor)
            self.value_ed = ed
            first = self.form.first_editor()
            if first is not None:
                QWidget.setTabOrder(ed.editor, first)
        return ed

    def load(self, part: Part, unit: str, month: str, read_only: bool) -> None:
        self.part, self.unit, self.month = part, unit, month
        self.period = self.entries.period_for(part.code, month)
        ind = self.app.plan.indicator_of(part.code)
        period_cn = f"{self.period}年" if len(self.period) == 4 else self.period
        self.title.setText(f"<b>{html.escape(part.code)} {html.escape(part.name)}</b>"
                           f" <span style='color:#1d4ed8'>【{period_cn}数值】</span>")
        targets = "；".join(describe_target(part, t) for t in part.targets) or "无（仅监测）"
        words = self.app.plan.words
        info = [f"{html.escape(words.district_target_label)}："
                f"{html.escape(display_text(ind.district_target) if ind else '') or '—'}",
                f"判断依据：{html.escape(targets)}"]
        if part.as_rate:
            info.append(f"填报{html.escape(part.entry_name)}（%，按方案口径，与基期相比），不填{html.escape(part.unit)}数值")
        if part.part_of:
            whole = self.app.plan.parts_by_code.get(part.part_of)
            info.append(f"本项是{html.escape(whole.name if whole else part.part_of)}的“其中”项，数值不能超过它")
        if part.pending:
            by = part.assigned_by or words.assigned_by
            info.append(f"<span style='color:#b45309'>目标待定：确保完成{html.escape(by)}下达指标</span>")
        if ind is not None and ind.status_note:
            info.append(f"<span style='color:#b45309'>{html.escape(ind.status_note)}</span>")
        self.info.setText("<br>".join(info))
        if ind is not None:
            self.info.setToolTip(ind.explanation)
        ed = self._editor_for(part)
        self.value_label.setText(f"{period_cn}数值：")
        row = self.entries.indicator_value(self.actor, part.code, self.period)
        self.previous = self.entries.previous_indicator_value(self.actor, part.code, self.period)
        self.saved = {"value": ed.field.shown(row["raw"]) if row else "",
                      "source": str(row["source"]) if row else "", "note": str(row["note"]) if row else ""}
        ed.set_value(self.saved["value"])
        ed.set_error(ed.field.check(self.saved["value"]) if self.saved["value"] else "")
        self.form.set_values(self.saved)
        series = [(p, v) for p, v in self.entries.indicator_series(self.actor, part.code) if p != self.period]
        if series:
            shown = "，".join(f"{p}：{_shown(part, v)}" for p, v in series[-6:])
            self.history.setText(f"历年数值：{shown}")
        else:
            self.history.setText("历年数值：尚无")
        self._show_verdict()
        self.evidence.load(unit, month, "indicator", f"{part.code}@{self.period}", read_only)
        self.set_read_only(read_only)

    def set_read_only(self, ro: bool) -> None:
        self.read_only = ro
        if self.value_ed is not None:
            self.value_ed.set_read_only(ro)
        self.form.set_read_only(ro)
        self.evidence.set_read_only(ro)

    def _value_edited(self) -> None:
        self._show_verdict()
        self.edited.emit()

    def _show_verdict(self) -> None:
        if self.part is None or self.value_ed is None:
            return
        raw = self.value_ed.value()
        if self.value_ed.field.check(raw):  # the red line under the field says what is wrong
            self.value_ed.set_side("")
            return
        text, color = verdict_display(self.judge, self.part.code, self.period, raw, self.part.entry_unit)
        self.value_ed.set_side(text, color, jump_note(self.part, raw, self.previous))

    def values(self) -> dict[str, str]:
        v = self.form.values()
        v["value"] = self.value_ed.stored() if self.value_ed else ""
        return {"value": v["value"], "source": v["source"], "note": v["note"]}

    def pending(self) -> list[Edit]:
        if self.part is None or self.read_only:
            return []
        cur = self.values()
        if cur == self.saved:
            return []
        return [Edit(INDICATOR, self.part.code, self.unit, self.month, dict(self.saved), cur,
                     period=self.period, label=f"指标{self.part.code}")]

    def mark_saved(self, e: Edit) -> None:
        self.saved = dict(e.new)

    def shows(self, e: Edit) -> bool:
        return (self.part is not None and e.kind == INDICATOR and e.code == self.part.code
                and e.period == self.period and e.unit == self.unit)

    def show_values(self, e: Edit, values: dict[str, str]) -> None:
        self.saved = dict(values)
        if self.value_ed is not None:
            self.value_ed.set_value(values.get("value", ""))
        self.form.set_values(values)
        self._show_verdict()

    def focus_chain(self) -> list[QWidget]:
        return ([self.value_ed.editor] if self.value_ed else []) + self.form.focus_chain()

    def set_errors(self, errors: dict[str, str]) -> None:
        if self.value_ed is not None:
            self.value_ed.set_error(errors.get("value", ""))


def _shown(part: Part, value: float) -> str:
    """An earlier value as a clerk reads it: 是/否 for a yes/no target, else number and unit."""
    if part.qualitative:
        return "是" if value >= 1 else "否"
    return f"{fmt_number(value)}{part.entry_unit}"
