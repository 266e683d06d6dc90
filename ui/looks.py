"""Read-only fields that look read-only and stay readable; forms that keep their natural
size on a wide screen.

A read-only ``QLineEdit`` looks exactly like an editable one, and a disabled widget's text
is pale grey, hard to read. ``show_read_only`` gives every kind of input one look when it
cannot be changed: a light grey background and dark text, no spin-box arrows; choices
(combo boxes, check boxes) are disabled but keep dark text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QComboBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPlainTextEdit, QPushButton, QTextEdit, QVBoxLayout, QWidget)

READ_ONLY_BACKGROUND = "#f3f4f6"
READ_ONLY_TEXT = "#1f2937"
_STYLE = f"background: {READ_ONLY_BACKGROUND}; color: {READ_ONLY_TEXT};"
_KEY = "_read_only_look"


def show_read_only(widget: QWidget, ro: bool) -> None:
    """Make ``widget`` (an input) read-only or editable, and look it."""
    if bool(widget.property(_KEY)) == ro and widget.property(_KEY) is not None:
        return
    widget.setProperty(_KEY, ro)
    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        widget.setReadOnly(ro)
        _style(widget, ro)
    elif isinstance(widget, QAbstractSpinBox):
        widget.setReadOnly(ro)
        widget.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons if ro
                                else QAbstractSpinBox.ButtonSymbols.UpDownArrows)
        _style(widget, ro)
    elif isinstance(widget, (QComboBox, QAbstractButton)):
        widget.setEnabled(not ro)
        _dark_disabled_text(widget, ro)
    else:
        widget.setEnabled(not ro)


def _style(widget: QWidget, ro: bool) -> None:
    name = type(widget).__name__
    widget.setStyleSheet(f"{name} {{ {_STYLE} }}" if ro else "")


def _dark_disabled_text(widget: QWidget, ro: bool) -> None:
    pal = QPalette(widget.palette())
    if ro:
        dark = QColor(READ_ONLY_TEXT)
        for role in (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
            pal.setColor(QPalette.ColorGroup.Disabled, role, dark)
        pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, QColor(READ_ONLY_BACKGROUND))
        pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, QColor(READ_ONLY_BACKGROUND))
        widget.setPalette(pal)
    else:
        widget.setPalette(QPalette())  # back to the application's palette


def form_page() -> tuple[QWidget, QFormLayout]:
    """A tab holding a form at the top left: fields keep their natural width instead of
    stretching across a wide screen."""
    page = QWidget()
    outer = QVBoxLayout(page)
    box = QWidget()
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    outer.addWidget(box, 0, Qt.AlignmentFlag.AlignLeft)
    outer.addStretch(1)
    return page, form


def button_row(*buttons: QPushButton) -> QWidget:
    """Buttons at their natural size, left-aligned."""
    row = QWidget()
    h = QHBoxLayout(row)
    h.setContentsMargins(0, 6, 0, 0)
    for b in buttons:
        h.addWidget(b)
    h.addStretch(1)
    return row


def note_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label
