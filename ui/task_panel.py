"""The form of one task for one unit and month: progress fields, milestone figures
and (read-only) what the other units of the task reported.

One panel serves every task: switching tasks reloads values, it does not rebuild
the form. Milestone rows are created the first time their task is shown.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFormLayout, QGroupBox, QLabel, QTextBrowser, QVBoxLayout, QWidget)

from forms import milestone_form, task_form
from models.app import Actor, App
from models.entries import Entries
from models.plan import Task
from models.target_words import describe_target
from ui.attachment_strip import AttachmentStrip
from ui.form_widgets import FieldEditor, FieldForm
from ui.undo import MILESTONE, TASK, Edit, jump_note, verdict_display

ROLE_CN = {"lead": "牵头", "cooperate": "配合"}


class _MilestoneRow:
    def __init__(self, code: str, part: Any, parent: QWidget):
        self.code = code
        self.part = part
        self.value = FieldEditor(milestone_form.value_field(part), parent)
        self.note = FieldEditor(milestone_form.NOTE, parent)
        self.label = QLabel(f"{part.name}：", parent)
        self.label.setWordWrap(True)
        self.label.setBuddy(self.value.editor)
        self.targets = "；".join(describe_target(part, t) for t in part.targets)
        self.label.setToolTip(f"目标：{self.targets}")
        self.note_label = QLabel("说明：", parent)
        self.saved: dict[str, str] = {"value": "", "note": ""}
        self.previous: float | None = None

    def values(self) -> dict[str, str]:
        return {"value": self.value.stored(), "note": self.note.value()}

    def set_visible(self, on: bool) -> None:
        for w in (self.value, self.note, self.label, self.note_label):
            w.setVisible(on)


class TaskPanel(QWidget):
    edited = Signal()
    committed = Signal()

    def __init__(self, app: App, entries: Entries, actor: Actor, judge: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.entries = entries
        self.actor = actor
        self.judge = judge
        self.task: Task | None = None
        self.unit = ""
        self.month = ""
        self.role = ""
        self.read_only = False
        self.saved: dict[str, str] = {}
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form = FieldForm(task_form.FIELDS, self, memo_lines=3)
        self.form.edited.connect(lambda _k: self.edited.emit())
        self.form.committed.connect(lambda _k: self.committed.emit())
        self.miles_box = QGroupBox("里程碑（截至本月末的累计数）")
        self.miles_layout = QFormLayout(self.miles_box)
        self.miles: dict[str, _MilestoneRow] = {}
        self.others_box = QGroupBox()
        self.others = QTextBrowser()
        self.others.setMinimumHeight(120)
        self.others.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        QVBoxLayout(self.others_box).addWidget(self.others)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.form)
        self.evidence = AttachmentStrip(app, entries, parent=self)
        lay.addWidget(self.evidence)
        lay.addWidget(self.miles_box)
        lay.addWidget(self.others_box)
        lay.addStretch(1)

    # -- loading --------------------------------------------------------------------
    def _row(self, code: str) -> _MilestoneRow:
        r = self.miles.get(code)
        if r is None:
            r = _MilestoneRow(code, self.app.plan.part(code), self.miles_box)
            self.miles_layout.addRow(r.label, r.value)
            self.miles_layout.addRow(r.note_label, r.note)
            r.value.edited.connect(lambda _k, r=r: self._mile_edited(r))
            r.note.edited.connect(lambda _k: self.edited.emit())
            r.value.committed.connect(lambda _k: self.committed.emit())
            r.note.committed.connect(lambda _k: self.committed.emit())
            self.miles[code] = r
        return r

    def load(self, task: Task, unit: str, month: str, role: str, read_only: bool) -> None:
        self.task, self.unit, self.month, self.role = task, unit, month, role
        units = self.app.task_units(task)
        others = "、".join(u for u in units[1:]) or "无"
        self.title.setText(
            f"<b>{html.escape(task.code)} {html.escape(task.title)}</b>"
            f" <span style='color:#1d4ed8'>【{ROLE_CN.get(role, role)}】</span><br>"
            f"<span style='color:#555'>牵头单位：{html.escape(units[0] if units else '')}；"
            f"配合单位：{html.escape(others)}</span>")
        self.title.setToolTip(task.text)
        rep = self.entries.task_report(self.actor, task.code, unit, month)
        self.saved = {f.key: str(rep.get(f.key) or "") for f in task_form.FIELDS}
        self.form.set_values(self.saved)
        codes = [m.code for m in self.app.plan.milestones_of(task.code)]
        for c, r in self.miles.items():
            r.set_visible(c in codes)
        for c in codes:
            r = self._row(c)
            r.set_visible(True)
            cur = self.entries.milestone_value(self.actor, c, unit, month)
            r.saved = {"value": r.value.field.shown(cur["raw"]) if cur else "",
                       "note": str(cur["note"]) if cur else ""}
            r.value.set_value(r.saved["value"])
            r.note.set_value(r.saved["note"])
            prev = self.entries.previous_milestone_value(self.actor, c, unit, month)
            r.previous = prev["value"] if prev else None
            ed = r.value.editor
            if prev and hasattr(ed, "setPlaceholderText"):
                ed.setPlaceholderText(f"上次（{prev['month']}）：{prev['raw']}")
            self._show_verdict(r)
        self.miles_box.setVisible(bool(codes))
        self._load_others(task, unit, month, role)
        self.evidence.load(unit, month, "task_report", task.code, read_only)
        self.set_read_only(read_only)

    def _load_others(self, task: Task, unit: str, month: str, role: str) -> None:
        rows = [r for r in self.entries.contributions(self.actor, task.code, month) if r["unit"] != unit]
        self.others_box.setTitle("配合单位本月填报情况（只读）" if role == "lead"
                                 else "其他单位本月填报情况（只读）")
        if not rows:
            self.others_box.setVisible(False)
            return
        self.others_box.setVisible(True)
        parts = []
        for r in rows:
            head = f"<b>{html.escape(r['unit'])}</b>（{ROLE_CN[r['role']]}）"
            if not r.get("updated_at"):
                parts.append(f"<p>{head}：<span style='color:#9ca3af'>本月尚未填报</span></p>")
                continue
            body = "".join(
                f"<br><span style='color:#555'>{html.escape(f.label)}：</span>"
                f"{html.escape(str(r.get(f.key) or ''))}"
                for f in task_form.FIELDS if f.key in ("progress", "measures", "problems") and r.get(f.key))
            parts.append(f"<p>{head} · {html.escape(r.get('status') or '')}{body}</p>")
        self.others.setHtml("".join(parts))

    def set_read_only(self, ro: bool) -> None:
        self.read_only = ro
        self.form.set_read_only(ro)
        self.evidence.set_read_only(ro)
        for r in self.miles.values():
            r.value.set_read_only(ro)
            r.note.set_read_only(ro)

    # -- verdicts -------------------------------------------------------------------------
    def _mile_edited(self, r: _MilestoneRow) -> None:
        self._show_verdict(r)
        self.edited.emit()

    def _show_verdict(self, r: _MilestoneRow) -> None:
        if self.role != "lead":  # a contribution is not judged against the district's target
            r.value.set_side(f"填写本单位的贡献数；{self.app.plan.words.whole}目标：{r.targets}（以牵头单位数值判断）", "#6b7280")
            return
        raw = r.value.value()
        if r.value.field.check(raw):  # the red line under the field says what is wrong
            r.value.set_side(f"目标：{r.targets}", "#6b7280")
            return
        text, color = verdict_display(self.judge, r.code, self.month, raw, r.part.entry_unit)
        r.value.set_side(text or f"目标：{r.targets}", color, jump_note(r.part, raw, r.previous))

    # -- saving ------------------------------------------------------------------------------
    def pending(self) -> list[Edit]:
        """Records whose shown values differ from the saved ones."""
        if self.task is None or self.read_only:
            return []
        out = []
        cur = self.form.values()
        if any((cur[k] or "") != (self.saved.get(k) or "") for k in cur):
            out.append(Edit(TASK, self.task.code, self.unit, self.month, dict(self.saved), cur,
                            label=f"任务{self.task.code}"))
        for c in (m.code for m in self.app.plan.milestones_of(self.task.code)):
            r = self.miles[c]
            v = r.values()
            if v != r.saved:
                out.append(Edit(MILESTONE, c, self.unit, self.month, dict(r.saved), v,
                                label=f"里程碑{c}"))
        return out

    def mark_saved(self, e: Edit) -> None:
        if e.kind == TASK:
            self.saved = dict(e.new)
        elif e.kind == MILESTONE and e.code in self.miles:
            self.miles[e.code].saved = dict(e.new)

    def shows(self, e: Edit) -> bool:
        if self.task is None or e.unit != self.unit or e.month != self.month:
            return False
        if e.kind == TASK:
            return e.code == self.task.code
        return e.kind == MILESTONE and e.code in self.miles and self.miles[e.code].value.isVisible()

    def show_values(self, e: Edit, values: dict[str, str]) -> None:
        """After an undo/redo: show ``values`` as the saved state of the record."""
        if e.kind == TASK:
            self.saved = dict(values)
            self.form.set_values(values)
        else:
            r = self.miles[e.code]
            r.saved = dict(values)
            r.value.set_value(values.get("value", ""))
            r.note.set_value(values.get("note", ""))
            self._show_verdict(r)

    def focus_chain(self) -> list[QWidget]:
        chain = self.form.focus_chain()
        if self.task is not None:
            for m in self.app.plan.milestones_of(self.task.code):
                r = self.miles[m.code]
                chain += [r.value.editor, r.note.editor]
        return chain

    def set_errors(self, errors: dict[str, str]) -> None:
        self.form.set_errors(errors)
