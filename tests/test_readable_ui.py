"""What a clerk and the office read on screen, checked through the real widgets: the saved
form of typed numbers, one message per problem, colours that keep their meaning, the
history's field names and times, notices without doubled punctuation, titles."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

from models.entries import Entries
from models.review import clerk_notice, return_submission
from models.target_rules import STATUS_COLORS
from tests.qt_helpers import open_workspace, type_text
from ui.workspace import Workspace
from ui.workspace_tree import INDICATORS, TASKS

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

M = "2026-10"


def _ws(qtbot, app, actor, month: str = M) -> Workspace:
    return open_workspace(qtbot, app, actor, month)


def test_full_width_number_is_shown_as_saved(qtbot, app, clerk_of):
    c = clerk_of("区发改委")
    w = _ws(qtbot, app, c)
    assert w.select(INDICATORS, "I01")
    ed = w.ind_panel.value_ed
    assert ed is not None and ed.suffix.text() == "%"
    type_text(qtbot, ed.editor, "１０．５％", focus=True)
    assert ed.error.text() == ""  # accepted as typed
    qtbot.keyClick(ed.editor, Qt.Key.Key_Tab)  # leaving the field saves it
    row = Entries(app).indicator_value(c, "I01", "2026")
    assert row["value"] == 10.5 and row["raw"] == "10.5"
    assert isinstance(ed.editor, QLineEdit) and ed.editor.text() == "10.5"
    assert w.item_for(INDICATORS, "I01").text(1) == "10.5"
    # shown back the same after another item, and nothing more is saved or audited
    w.select(TASKS, "1.1")
    w.select(INDICATORS, "I01")
    assert w.ind_panel.value_ed.editor.text() == "10.5" and w.ind_panel.pending() == []
    assert len(Entries(app).history(c, "indicator", "I01@2026", field="value", unit="区发改委")) == 1


def test_grouped_milestone_figure_is_shown_without_commas(qtbot, app, clerk_of):
    c = clerk_of("区工信局")
    w = _ws(qtbot, app, c)
    w.select(TASKS, "4.3")
    ed = w.task_panel.miles["4.3-M1"].value
    type_text(qtbot, ed.editor, "很多", focus=True)  # a problem is said once, under the field
    assert "不是数字" in ed.error.text() and "不是数字" not in ed.side.text()
    assert isinstance(ed.editor, QLineEdit)
    ed.editor.clear()
    type_text(qtbot, ed.editor, "２,１００")
    qtbot.keyClick(ed.editor, Qt.Key.Key_Tab)
    assert ed.editor.text() == "2100"
    assert Entries(app).milestone_value(c, "4.3-M1", "区工信局", M)["raw"] == "2100"


def test_yes_no_history_reads_yes_and_no(qtbot, app, clerk_of):
    c = clerk_of("区住建局")
    e = Entries(app)
    for year, answer in (("2023", "否"), ("2024", "否"), ("2025", "是")):
        e.save_indicator_value(c, "I08", "区住建局", f"{year}-12", answer, period=year)
    w = _ws(qtbot, app, c)
    assert w.select(INDICATORS, "I08")
    text = w.ind_panel.history.text()
    assert "2023：否，2024：否，2025：是" in text and "：0" not in text and "：1" not in text


def test_invalid_value_is_reported_once(qtbot, app, clerk_of):
    w = _ws(qtbot, app, clerk_of("区发改委"))
    assert w.select(INDICATORS, "I01")
    ed = w.ind_panel.value_ed
    type_text(qtbot, ed.editor, "很高", focus=True)
    assert ed.error.isVisibleTo(w) and "不是数字" in ed.error.text()
    assert not ed.side.isVisibleTo(w)  # the red line under the field is the only message


def test_jump_warning_keeps_the_verdict_colour(qtbot, app, clerk_of):
    c = clerk_of("区发改委")
    with app.store.tx() as cx:
        cx.execute("INSERT INTO baselines(part_code, year, value, source) VALUES ('I01', 2020, 12.0, '测试')")
    Entries(app).save_indicator_value(c, "I01", "区发改委", "2025-12", "1.5", period="2025")
    w = _ws(qtbot, app, c)
    assert w.select(INDICATORS, "I01")
    ed = w.ind_panel.value_ed
    type_text(qtbot, ed.editor, "19", focus=True)  # green, but more than 10 times 2025's value
    side = ed.side.text()
    assert "相差超过10倍" in side and ed.side.textFormat() == Qt.TextFormat.RichText
    green = STATUS_COLORS["green"]
    verdict, warning = side.split("<br>")
    assert green in verdict and "正常" in verdict and "10倍" not in verdict
    assert "#b45309" in warning and "10倍" in warning
    ed.editor.clear()
    type_text(qtbot, ed.editor, "1.6")  # no jump: plain text in the verdict's colour
    assert ed.side.textFormat() == Qt.TextFormat.PlainText and "10倍" not in ed.side.text()


def test_return_notice_ends_with_one_full_stop(qtbot, app, clerk_of, reviewer):
    c = clerk_of("区文广新旅局")
    e = Entries(app)
    e.save_task_report(c, "9.2", "区文广新旅局", M, {"status": "推进中", "progress": "宣传活动", "person": "李娜"})
    e.submit(c, "区文广新旅局", M)
    return_submission(app, reviewer, "区文广新旅局", M, "请补充活动场次和参与人数。")
    notice = clerk_notice(app, c, "区文广新旅局", M)
    assert "。。" not in notice and "参与人数。请修改后重新报送。" in notice
    w = _ws(qtbot, app, c)
    assert w.banner.text() == notice


def test_history_names_the_task_field_and_shows_whole_times(qtbot, app, clerk_of):
    from ui.history_dialog import HistoryDialog
    w = _ws(qtbot, app, clerk_of("区工信局"))
    w.select(TASKS, "4.3")
    ed = w.task_panel.form.editors["progress"].editor
    assert isinstance(ed, QPlainTextEdit)
    type_text(qtbot, ed, "新建充电站2座", focus=True)
    w.flush()
    dlg = HistoryDialog("修改记录", w.history_rows(), w)
    qtbot.addWidget(dlg)
    dlg.resize(980, 460)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert dlg.table.item(0, 3).text() == "本月进展情况"  # the task's label, not the project's 形象进度
    when = dlg.table.item(0, 0).text()
    assert len(when) == 19  # 2026-11-30 22:41:51
    fm = dlg.table.fontMetrics()
    assert dlg.table.columnWidth(0) >= fm.horizontalAdvance(when)


def test_catalog_names_the_unit_plainly(qtbot, app):
    from ui.catalog_view import CatalogView
    v = CatalogView(app)
    qtbot.addWidget(v)
    inherited = [ind for ind in app.plan.indicators if ind.responsible_unit_inherited]
    assert inherited
    texts = []
    for item in v.tree.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive):
        texts.append(item.text(1))
    assert not any("合并单元格" in t for t in texts)
    v.select(inherited[0].code)
    assert inherited[0].responsible_unit in v.tree.currentItem().text(1)
    assert "与上一行是同一个合并单元格" in v.detail.toPlainText()


def test_window_title_names_the_program_once(qtbot, app, clerk_of):
    from ui.main_window import MainWindow
    from ui.qtsetup import make_application
    qapp = make_application()
    win = MainWindow(app, clerk_of("区工信局"))
    qtbot.addWidget(win)
    program = QApplication.applicationDisplayName()
    assert program and program not in win.windowTitle()  # Qt adds it after the title
    assert win.windowTitle() == app.plan.name
    assert qapp is QApplication.instance()
