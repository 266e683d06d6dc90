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


def open_workspace(qtbot, app, actor, month: str):
    """The monthly entry page for ``actor`` at ``month``, shown and active like a real window."""
    from ui.workspace import Workspace
    w = Workspace(app, actor)
    qtbot.addWidget(w)
    w.resize(1200, 700)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    if w.month != month:
        w.set_month(month)
    return w
