"""A whole day open: what builds up or flashes up while the program runs for hours.

No window of its own appears when an editor with a unit is first built (and the keyboard
focus stays where it was); finished export workers are freed; merged autosaves make no
extra undo commands and the undo stack has a limit; a few hundred everyday operations
leave the number of objects and windows where it was. The long version is
bench/soak_widgets.py.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QThread
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget

from models.entries import Entries
from tests.qt_helpers import open_workspace, type_text
from ui.workspace import UNDO_LIMIT
from ui.workspace_saving import MergingEdit
from ui.workspace_tree import INDICATORS, TASKS

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

M = "2026-10"


def _alive(cls: type) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, cls))


class _WindowsShown(QObject):
    """Every widget shown as a window of its own while installed (an application filter)."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802 (Qt API)
        if ev.type() == QEvent.Type.Show and isinstance(obj, QWidget) and obj.isWindow():
            self.shown.append(f"{type(obj).__name__} {getattr(obj, 'text', lambda: '')()}")
        return False


def test_editor_with_a_unit_does_not_flash_up_or_take_the_focus(qtbot, app, clerk_of):
    w = open_workspace(qtbot, app, clerk_of("区发改委"), M)
    w.select(TASKS, w.items()[0].data(0, 0x0101))
    memo = w.task_panel.form.editors["progress"].editor
    memo.setFocus()
    qtbot.waitUntil(memo.hasFocus)
    units = {app.plan.part(c).unit for c in app.parts_of("区发改委")}
    assert {"%", "万千瓦"} <= units
    spy = _WindowsShown()
    QApplication.instance().installEventFilter(spy)
    try:
        for code in app.parts_of("区发改委"):  # every indicator editor is built on first showing
            w.ind_panel.load(app.plan.part(code), "区发改委", M, False)
        from forms.indicator_form import value_field
        from ui.form_widgets import FieldEditor
        ed = FieldEditor(value_field("万千瓦", False))  # built on its own, before it has a parent
        ed.deleteLater()
    finally:
        QApplication.instance().removeEventFilter(spy)
    assert spy.shown == []  # no label flashed up as a window
    assert QApplication.activeWindow() is w and memo.hasFocus()


def test_finished_export_workers_are_freed(qtbot, app, reviewer, tmp_path: Path):
    from tests.test_excel_ui import FakeDialogs
    from ui.excel_view import ExcelView, Worker
    view = ExcelView(app, reviewer)
    qtbot.addWidget(view)
    view.show()
    view.unit.setCurrentIndex(view.unit.findData("区发改委"))
    view.dialogs = FakeDialogs()
    before = _alive(Worker)
    for i in range(5):  # jobs through the page's worker thread, as an export runs
        out = tmp_path / f"{i}.txt"
        view._start(lambda _progress, _cancel, out=out: out.write_text("x", encoding="utf-8") and out,
                    "正在导出…", str)
        qtbot.waitUntil(lambda: not view.busy(), timeout=10_000)
    qtbot.waitUntil(lambda: _alive(Worker) == before, timeout=5_000)
    qtbot.waitUntil(lambda: not view.findChildren(QThread), timeout=5_000)  # the threads too


def test_merged_autosaves_make_one_undo_command(qtbot, app, clerk_of):
    c = clerk_of("区工信局")
    w = open_workspace(qtbot, app, c, M)
    w.select(TASKS, "4.3")
    before = _alive(MergingEdit)
    memo = w.task_panel.form.editors["next_plan"].editor
    assert isinstance(memo, QPlainTextEdit)
    for i in range(12):  # twelve autosaves of the same record within a minute
        type_text(qtbot, memo, f"第{i}稿", focus=True)
        w.flush()
    assert w.undo_stack.count() == 1
    assert _alive(MergingEdit) - before == 1
    w.undo()
    assert Entries(app).task_report(c, "4.3", "区工信局", M)["next_plan"] == ""


def test_undo_stack_keeps_a_limited_number_of_steps(qtbot, app, clerk_of):
    from ui.undo import TASK, Edit
    w = open_workspace(qtbot, app, clerk_of("区工信局"), M)
    assert w.undo_stack.undoLimit() == UNDO_LIMIT
    w.select(TASKS, "4.3")
    ed = w.task_panel.form.editors["problems"].editor
    ed.setPlainText("问题")
    w.flush()  # one real save
    before = _alive(MergingEdit)
    for i in range(UNDO_LIMIT + 20):  # then saved edits of other records, a step each
        w._fresh = True
        w._push_edit(Edit(TASK, f"9.{i}", "区工信局", M, {"problems": ""}, {"problems": f"问题{i}"}))
    assert w.undo_stack.count() == UNDO_LIMIT
    assert _alive(MergingEdit) - before <= UNDO_LIMIT  # the commands Qt dropped are gone in Python too


def test_everyday_operations_leave_no_objects_behind(qtbot, app, clerk_of):
    from ui.history_dialog import HistoryDialog
    w = open_workspace(qtbot, app, clerk_of("区发改委"), M)
    items = [(it.data(0, 0x0100), it.data(0, 0x0101)) for it in w.items()][::3]

    def round_trip(n: int) -> None:
        for kind, code in items:
            w.select(kind, code)
            if kind == INDICATORS and w.ind_panel.value_ed is not None:
                w.ind_panel.value_ed.editor.setText(str(10 + n))
                w.ind_panel.value_ed._changed()
            w.flush()
        dlg = HistoryDialog("修改记录", w.history_rows(), w)
        dlg.deleteLater()
        w.set_month("2026-09")
        w.set_month(M)

    round_trip(0)  # everything built once
    QApplication.processEvents()
    gc.collect()
    objects = len(w.findChildren(QObject))
    windows = len(QApplication.topLevelWidgets())
    for n in range(1, 3):
        round_trip(n)
    QApplication.processEvents()
    gc.collect()
    qtbot.waitUntil(lambda: len(w.findChildren(QObject)) <= objects + 5, timeout=5_000)
    assert len(QApplication.topLevelWidgets()) <= windows
