"""Helpers for driving real widgets in tests like a person would."""

from __future__ import annotations

import re

from PySide6.QtCore import QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox


def type_text(qtbot, widget, text: str, focus: bool = False) -> None:
    """Type like a clerk: ASCII as key presses, Chinese committed by the input method."""
    if focus:
        widget.setFocus()
    for run in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]+", text):
        if run.isascii():
            qtbot.keyClicks(widget, run)
        else:
            ev = QInputMethodEvent()
            ev.setCommitString(run)
            QApplication.sendEvent(widget, ev)


def answer_next_box(button: QMessageBox.StandardButton) -> None:
    """Click ``button`` in the next modal message box."""
    def click() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(button).click()
        else:
            QTimer.singleShot(20, click)
    QTimer.singleShot(0, click)
