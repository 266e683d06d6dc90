"""Widgets built from the declarative field definitions in ``forms/``.

``FieldEditor`` wraps one editor (chosen by the field type) with its unit suffix,
an optional side label (the target verdict) and a red error line under it.
``FieldForm`` lays a tuple of fields out in a QFormLayout, in definition order,
which is also the Tab order. Values go in and out as text, exactly as typed;
parsing and storing is the services' job.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QSizePolicy, QVBoxLayout, QWidget)

from forms.fields import CHOICE, DATE, MEMO, TEXT, YESNO, Field
from ui.looks import show_read_only
from ui.styles import ERROR_STYLE, WARNING_COLOR


class _FocusOut(QObject):
    """Leaving the editor: tidy the shown value and report it. Made before the editor is
    given its parent, so that it is destroyed first and never sees the editor's last
    focus-out while the editor is being destroyed."""

    def __init__(self, owner: FieldEditor):
        super().__init__(owner)
        self.owner = owner

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802 (Qt API)
        if ev.type() == QEvent.Type.FocusOut:
            self.owner.tidy()
            self.owner.committed.emit(self.owner.field.key)
        return False


class MemoEdit(QPlainTextEdit):
    """Several lines of text; Tab moves to the next field (Ctrl+Tab not needed)."""

    def __init__(self, lines: int = 4, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        fm = QFontMetrics(self.font())
        self.setFixedHeight(fm.lineSpacing() * lines + 14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)


class FieldEditor(QWidget):
    """One field: editor + unit suffix + side label, and the error line below."""

    edited = Signal(str)  # key; every keystroke or choice
    committed = Signal(str)  # key; the editor lost focus

    def __init__(self, field: Field, parent: QWidget | None = None, memo_lines: int = 4):
        super().__init__(parent)
        self.field = field
        self._loading = False
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.editor: QWidget
        if field.type == MEMO:
            ed = MemoEdit(memo_lines)
            ed.textChanged.connect(self._changed)
            self.editor = ed
        elif field.type in (CHOICE, YESNO):
            cb = QComboBox()
            cb.addItem("（请选择）", "")
            for c in field.choices or ("是", "否"):
                cb.addItem(c, c)
            cb.currentIndexChanged.connect(self._changed)
            self.editor = cb
        else:
            le = QLineEdit()
            le.textEdited.connect(self._changed)
            if field.numeric:
                le.setAlignment(Qt.AlignmentFlag.AlignRight)
                le.setMaximumWidth(200)
            elif field.type == DATE:
                le.setMaximumWidth(200)
            elif field.type == TEXT and field.max_len <= 60:
                le.setMaximumWidth(260)
            self.editor = le
        self.editor.setToolTip(field.help)
        ph = field.placeholder
        if ph and isinstance(self.editor, (QLineEdit, QPlainTextEdit)):
            self.editor.setPlaceholderText(ph)
        self.editor.setAccessibleName(field.label)
        self.editor.installEventFilter(_FocusOut(self))
        row.addWidget(self.editor, 1 if field.type in (MEMO, TEXT) and field.max_len > 60 else 0)
        # Labels are made with this editor as their parent: a label without a parent that is
        # made visible becomes a window of its own (it flashed up and took the focus).
        self.suffix = QLabel(field.unit, self)
        self.suffix.setVisible(bool(field.unit))
        row.addWidget(self.suffix)
        self.side = QLabel(self)  # verdict or hint beside the field
        self.side.setWordWrap(True)
        self.side.setVisible(False)
        row.addWidget(self.side, 1)
        if not (field.type in (MEMO, TEXT) and field.max_len > 60):
            row.addStretch(0)
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addLayout(row)
        col.addWidget(self.error)

    # -- value --------------------------------------------------------------------
    def value(self) -> str:
        ed = self.editor
        if isinstance(ed, QPlainTextEdit):
            return ed.toPlainText()
        if isinstance(ed, QComboBox):
            return str(ed.currentData() or "")
        assert isinstance(ed, QLineEdit)
        return ed.text()

    def stored(self) -> str:
        """The value as it is saved and shown back: an accepted number without full-width
        characters or its unit, a date as 2026-10-05 (``Field.shown``); else as typed."""
        return self.field.shown(self.value())

    def tidy(self) -> None:
        """After leaving the field: show an accepted value the way it was saved."""
        ed = self.editor
        if isinstance(ed, QLineEdit) and not ed.isReadOnly():
            shown = self.stored()
            if shown != ed.text():
                self.set_value(shown)

    def set_value(self, value: object) -> None:
        """Show a stored value without emitting ``edited``."""
        text = "" if value is None else str(value)
        self._loading = True
        try:
            ed = self.editor
            if isinstance(ed, QPlainTextEdit):
                if ed.toPlainText() != text:
                    ed.setPlainText(text)
            elif isinstance(ed, QComboBox):
                i = ed.findData(text)
                if i < 0 and text:  # a value outside the choices (e.g. imported): show it
                    ed.addItem(text, text)
                    i = ed.count() - 1
                ed.setCurrentIndex(max(i, 0))
            else:
                assert isinstance(ed, QLineEdit)
                if ed.text() != text:
                    ed.setText(text)
        finally:
            self._loading = False

    def _changed(self, *_: object) -> None:
        if not self._loading:
            self.check()
            self.edited.emit(self.field.key)

    def check(self) -> str:
        """Validate the current text against the field; show and return the message."""
        msg = self.field.check(self.value())
        self.set_error(msg)
        return msg

    # -- display ------------------------------------------------------------------
    def set_error(self, message: str) -> None:
        if self.error.text() != message:
            self.error.setText(message)
        self.error.setVisible(bool(message))

    def set_side(self, text: str, color: str = "", warning: str = "") -> None:
        """The verdict beside the field in its own colour, and under it an optional
        warning (orange), each keeping its colour."""
        if warning:
            self.side.setTextFormat(Qt.TextFormat.RichText)
            own = f"<span style='color:{color}'>{html.escape(text)}</span><br>" if text else ""
            self.side.setText(f"{own}<span style='color:{WARNING_COLOR}'>{html.escape(warning)}</span>")
            self.side.setStyleSheet("")
        else:
            self.side.setTextFormat(Qt.TextFormat.PlainText)
            self.side.setText(text)
            self.side.setStyleSheet(f"color: {color};" if color else "")
        self.side.setVisible(bool(text or warning))

    def set_read_only(self, ro: bool) -> None:
        """Read-only fields look read-only (grey, dark text), choices cannot be opened."""
        show_read_only(self.editor, ro)


class FieldForm(QWidget):
    """A QFormLayout of FieldEditors, one per field, in definition order."""

    edited = Signal(str)
    committed = Signal(str)

    def __init__(self, fields: Iterable[Field], parent: QWidget | None = None, memo_lines: int = 4):
        super().__init__(parent)
        self.fields = tuple(fields)
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.editors: dict[str, FieldEditor] = {}
        for f in self.fields:
            ed = FieldEditor(f, self, memo_lines)
            label = QLabel(("* " if f.required else "") + f.label + "：")
            label.setToolTip(f.help)
            label.setBuddy(ed.editor)
            self.layout_.addRow(label, ed)
            ed.edited.connect(self.edited)
            ed.committed.connect(self.committed)
            self.editors[f.key] = ed
        chain = [e.editor for e in self.editors.values()]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def values(self) -> dict[str, str]:
        """The values as they are saved (see ``FieldEditor.stored``)."""
        return {k: e.stored() for k, e in self.editors.items()}

    def set_values(self, values: Mapping[str, object], show_errors: bool = True) -> None:
        for k, e in self.editors.items():
            e.set_value(values.get(k, ""))
            text = e.value()
            e.set_error(e.field.check(text) if show_errors and text.strip() else "")

    def set_errors(self, errors: dict[str, str]) -> None:
        for k, e in self.editors.items():
            e.set_error(errors.get(k, ""))

    def check_all(self) -> dict[str, str]:
        out = {}
        for k, e in self.editors.items():
            msg = e.check()
            if msg:
                out[k] = msg
        return out

    def set_read_only(self, ro: bool) -> None:
        for e in self.editors.values():
            e.set_read_only(ro)

    def first_editor(self) -> QWidget | None:
        return next(iter(self.editors.values())).editor if self.editors else None

    def focus_chain(self) -> list[QWidget]:
        return [e.editor for e in self.editors.values()]
