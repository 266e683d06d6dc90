"""A value more than 10 times off the previous period is accepted only after confirmation."""

from __future__ import annotations

from models.app import CLI_ACTOR

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from models.entries import Entries
from models.errors import InvalidInput
from tests.qt_helpers import answer_next_box as _answer
from tests.test_workspace_ui import _ws
from ui.workspace_tree import INDICATORS, TASKS

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

UNIT = "区住建局"


def _fill_tasks(e: Entries, actor, month: str) -> None:
    for task, _role in e.app.tasks_of(UNIT):
        e.save_task_report(actor, task.code, UNIT, month,
                           {"status": "推进中", "progress": "按计划推进", "person": "王工"})


def test_jump_blocks_submit_until_confirmed(app, clerk_of):
    c = clerk_of(UNIT)
    e = Entries(app)
    e.save_indicator_value(c, "I07", UNIT, "2025-12", "6.5", period="2025")
    _fill_tasks(e, c, "2026-10")
    e.save_indicator_value(c, "I07", UNIT, "2026-10", "75")  # typed 75 for 7.5
    jumps = e.unconfirmed_jumps(CLI_ACTOR, UNIT, "2026-10")
    assert [(w, k) for w, _m, k in jumps] == [("指标I07", ("indicator", "I07"))]
    assert "相差超过10倍" in jumps[0][1]
    with pytest.raises(InvalidInput) as err:
        e.submit(c, UNIT, "2026-10")
    assert any("确认无误后才能报送" in m for _w, m in err.value.problems)
    e.confirm_jump(c, "indicator", "I07", UNIT, "2026-10")
    assert e.unconfirmed_jumps(CLI_ACTOR, UNIT, "2026-10") == []
    assert e.history(CLI_ACTOR, "indicator", "I07@2026", "confirmed")[0]["new"] == "75"
    e.save_indicator_value(c, "I07", UNIT, "2026-10", "80")  # a new value needs a new confirmation
    assert len(e.unconfirmed_jumps(CLI_ACTOR, UNIT, "2026-10")) == 1
    e.save_indicator_value(c, "I07", UNIT, "2026-10", "7.5")  # within 10x: nothing to confirm
    assert e.unconfirmed_jumps(CLI_ACTOR, UNIT, "2026-10") == []
    e.submit(c, UNIT, "2026-10")
    assert e.state(CLI_ACTOR, UNIT, "2026-10") == "submitted"


def test_milestone_jump(app, clerk_of):
    c = clerk_of("区工信局")
    e = Entries(app)
    e.save_milestone_value(c, "4.3-M1", "区工信局", "2026-09", "210")
    e.save_milestone_value(c, "4.3-M1", "区工信局", "2026-10", "2,500")
    assert [k for _w, _m, k in e.unconfirmed_jumps(CLI_ACTOR, "区工信局", "2026-10")] == [("milestone", "4.3-M1")]


def test_workspace_warns_while_typing_and_asks_on_submit(qtbot, app, clerk_of):
    c = clerk_of(UNIT)
    e = Entries(app)
    e.save_indicator_value(c, "I07", UNIT, "2025-12", "6.5", period="2025")
    _fill_tasks(e, c, "2026-10")
    w = _ws(qtbot, app, c)
    assert w.select(INDICATORS, "I07")
    ed = w.ind_panel.value_ed
    qtbot.keyClicks(ed.editor, "75")
    assert "相差超过10倍" in ed.side.text()
    w.flush()
    w.select(TASKS, "3.2")
    _answer(QMessageBox.StandardButton.No)  # not confirmed: problems listed, nothing submitted
    w.submit()
    assert e.state(CLI_ACTOR, UNIT, "2026-10") == "draft"
    assert any("相差超过10倍" in w.problems.item(i).text() for i in range(w.problems.count()))
    _answer(QMessageBox.StandardButton.Yes)  # confirm the value, then (later) the submission
    QTimer.singleShot(200, lambda: _answer(QMessageBox.StandardButton.Yes))
    w.submit()
    qtbot.waitUntil(lambda: e.state(CLI_ACTOR, UNIT, "2026-10") == "submitted")
    assert e.unconfirmed_jumps(CLI_ACTOR, UNIT, "2026-10") == []
