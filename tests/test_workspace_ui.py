"""The monthly entry workspace driven through its real widgets (pytest-qt)."""

from __future__ import annotations


import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPlainTextEdit

from models.app import CLI_ACTOR, App
from models.entries import Entries
from models.review import approve
from models.store import Store
from ui.main_window import MainWindow
from ui.project_dialog import ProjectDialog
from ui.qtsetup import make_application
from tests.qt_helpers import answer_next_box as _answer
from tests.qt_helpers import open_workspace, type_text
from ui.workspace import Workspace
from ui.workspace_tree import INDICATORS, PROJECTS, TASKS

# The offscreen platform plugin warns when a top-level window is shown.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

M = "2026-10"


def _ws(qtbot, app, actor, month: str = M) -> Workspace:
    return open_workspace(qtbot, app, actor, month)


def _memo(w: Workspace, key: str) -> QPlainTextEdit:
    ed = w.task_panel.form.editors[key].editor
    assert isinstance(ed, QPlainTextEdit)
    return ed


def _line(w: Workspace, key: str) -> QLineEdit:
    ed = w.task_panel.form.editors[key].editor
    assert isinstance(ed, QLineEdit)
    return ed


def test_clerk_sees_only_own_tasks_marked(qtbot, app, clerk_of):
    w = _ws(qtbot, app, clerk_of("区工信局"))
    assert not w.unit_combo.isVisibleTo(w)
    tasks = [it for it in w.items() if it.data(0, 0x0100) == TASKS]
    expected = app.tasks_of("区工信局")
    assert [it.data(0, 0x0101) for it in tasks] == [t.code for t, _ in expected]
    texts = {it.data(0, 0x0101): it.text(0) for it in tasks}
    assert texts["4.3"].startswith("[牵头]") and texts["1.1"].startswith("[配合]")
    inds = [it.data(0, 0x0101) for it in w.items() if it.data(0, 0x0100) == INDICATORS]
    assert inds == app.parts_of("区工信局")
    projects = [it.data(0, 0x0101) for it in w.items() if it.data(0, 0x0100) == PROJECTS]
    assert "4.3" in projects and "1.1" not in projects  # lead tasks (and tasks with projects)


def test_office_chooses_any_unit(qtbot, app, reviewer):
    w = _ws(qtbot, app, reviewer)
    assert w.unit_combo.isVisibleTo(w)
    assert w.unit_combo.count() == len(app.reporting_units())
    w.unit_combo.setCurrentIndex(w.unit_combo.findData("区住建局"))
    assert w.unit == "区住建局"
    codes = [it.data(0, 0x0101) for it in w.items() if it.data(0, 0x0100) == TASKS]
    assert codes == [t.code for t, _ in app.tasks_of("区住建局")]


def test_enter_month_by_keyboard_and_find_it_after_restart(qtbot, db_path, plan, clerk_of):
    app = App(Store(db_path), plan)
    c = clerk_of("区工信局")
    w = _ws(qtbot, app, c)
    assert w.select(TASKS, "4.3")
    w.focus_form()
    status = w.task_panel.form.editors["status"].editor
    qtbot.waitUntil(status.hasFocus)
    qtbot.keyClick(status, Qt.Key.Key_Down)
    qtbot.keyClick(status, Qt.Key.Key_Down)  # 未启动 → 推进中
    qtbot.keyClick(status, Qt.Key.Key_Tab)
    progress = _memo(w, "progress")
    assert progress.hasFocus()  # Tab order follows the form
    type_text(qtbot, progress, "本月新建充电桩120个")
    qtbot.keyClick(progress, Qt.Key.Key_Tab)
    assert _memo(w, "measures").hasFocus()
    type_text(qtbot, _line(w, "person"), "王强")
    mile = w.task_panel.miles["4.3-M1"].value.editor
    qtbot.keyClicks(mile, "2100")
    qtbot.waitUntil(lambda: "已自动保存" in w.status.text(), timeout=3000)
    qtbot.keyClick(mile, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "已保存" in w.status.text()
    app.close()

    app2 = App(Store(db_path), plan)
    rep = Entries(app2).task_report(CLI_ACTOR, "4.3", "区工信局", M)
    assert (rep["status"], rep["progress"], rep["person"]) == ("推进中", "本月新建充电桩120个", "王强")
    assert Entries(app2).milestone_value(CLI_ACTOR, "4.3-M1", "区工信局", M)["value"] == 2100.0
    w2 = _ws(qtbot, app2, c)
    w2.select(TASKS, "4.3")
    assert _memo(w2, "progress").toPlainText() == "本月新建充电桩120个"
    assert w2.task_panel.form.editors["status"].value() == "推进中"
    assert w2.task_panel.miles["4.3-M1"].value.value() == "2100"
    assert w2.item_for(TASKS, "4.3").text(1) == "推进中"
    app2.close()


def test_focus_out_saves_at_once(qtbot, app, clerk_of):
    w = _ws(qtbot, app, clerk_of("区工信局"))
    w.select(TASKS, "4.3")
    ed = _memo(w, "problems")
    ed.setFocus()
    type_text(qtbot, ed, "资金到位慢")
    qtbot.keyClick(ed, Qt.Key.Key_Tab)  # leaving the field saves without waiting for the timer
    assert Entries(app).task_report(CLI_ACTOR, "4.3", "区工信局", M)["problems"] == "资金到位慢"
    assert "已自动保存" in w.status.text()


def test_invalid_input_shows_message_and_blocks_submit(qtbot, app, clerk_of):
    c = clerk_of("区文广新旅局")
    w = _ws(qtbot, app, c)
    w.select(TASKS, "9.2")
    deadline = _line(w, "deadline")
    type_text(qtbot, deadline, "年底前")
    err = w.task_panel.form.editors["deadline"].error
    assert err.isVisibleTo(w) and "格式不对" in err.text()
    qtbot.keyClick(deadline, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # submit
    assert w.problems.isVisibleTo(w) and w.problems.count() >= 3
    assert "改正后才能报送" in w.status.text()
    e = Entries(app)
    assert e.state(CLI_ACTOR, "区文广新旅局", M) == "draft"  # saved as a draft, not submitted
    assert e.task_report(CLI_ACTOR, "9.2", "区文广新旅局", M)["deadline"] == "年底前"
    assert "必填" in w.task_panel.form.editors["progress"].error.text()


def test_submit_locks_month_with_banner(qtbot, app, clerk_of, reviewer):
    c = clerk_of("区文广新旅局")
    w = _ws(qtbot, app, c)
    w.select(TASKS, "9.2")
    form = w.task_panel.form
    form.editors["status"].editor.setCurrentIndex(2)
    type_text(qtbot, _memo(w, "progress"), "开展低碳宣传进社区活动3场")
    type_text(qtbot, _line(w, "person"), "李娜")
    _answer(QMessageBox.StandardButton.Yes)
    qtbot.keyClick(_line(w, "person"), Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: Entries(app).state(CLI_ACTOR, "区文广新旅局", M) == "submitted")
    assert w.banner.isVisibleTo(w) and "等待审核" in w.banner.text()
    assert _memo(w, "progress").isReadOnly() and not w.submit_btn.isEnabled()
    approve(app, reviewer, "区文广新旅局", M)
    w2 = _ws(qtbot, app, c)
    w2.select(TASKS, "9.2")
    assert "审核通过并锁定" in w2.banner.text()
    assert _memo(w2, "progress").isReadOnly()
    assert not w2.task_panel.form.editors["status"].editor.isEnabled()


def test_undo_last_saved_change(qtbot, app, clerk_of):
    w = _ws(qtbot, app, clerk_of("区工信局"))
    w.select(TASKS, "4.3")
    ed = _memo(w, "next_plan")
    type_text(qtbot, ed, "第一稿")
    w.flush()
    w.select(TASKS, "4.2")  # a new record: a separate undo step
    w.select(TASKS, "4.3")
    ed = _memo(w, "next_plan")
    ed.moveCursor(ed.textCursor().MoveOperation.End)
    type_text(qtbot, ed, "，第二稿")
    w.flush()
    e = Entries(app)
    assert e.task_report(CLI_ACTOR, "4.3", "区工信局", M)["next_plan"] == "第一稿，第二稿"
    w.select(TASKS, "2.1")
    qtbot.mouseClick(w.undo_btn, Qt.MouseButton.LeftButton)
    assert e.task_report(CLI_ACTOR, "4.3", "区工信局", M)["next_plan"] == "第一稿"
    assert w.current() == (TASKS, "4.3") and _memo(w, "next_plan").toPlainText() == "第一稿"
    w.undo_stack.redo()
    assert e.task_report(CLI_ACTOR, "4.3", "区工信局", M)["next_plan"] == "第一稿，第二稿"
    # Ctrl+Z inside a text field undoes typing there
    ed = _memo(w, "problems")
    type_text(qtbot, ed, "无")
    qtbot.keyClick(ed, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ed.toPlainText() == ""


def test_keyboard_moves_between_items_and_months(qtbot, app, clerk_of):
    w = _ws(qtbot, app, clerk_of("区工信局"))
    items = w.items()
    w.tree.setCurrentItem(items[0])
    w.focus_form()
    first = w.task_panel.form.editors["status"].editor
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyClick(first, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert w.tree.currentItem() is items[1]
    assert w.task_panel.form.editors["status"].editor.hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert w.tree.currentItem() is items[2]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert w.tree.currentItem() is items[1]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert w.month == "2026-09"
    qtbot.mouseClick(w.next_btn, Qt.MouseButton.LeftButton)
    assert w.month == M
    items = w.items()  # the list is rebuilt for the month
    assert w.tree.currentItem() is items[1]  # and the same item stays selected
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
    assert w.tree.hasFocus()
    qtbot.keyClick(w.tree, Qt.Key.Key_Down)
    assert w.tree.currentItem() is items[2]
    qtbot.keyClick(w.tree, Qt.Key.Key_Return)  # Enter in the list goes to the form
    assert w.task_panel.form.editors["status"].editor.hasFocus()


def test_previous_month_and_copy_last_month(qtbot, app, clerk_of):
    c = clerk_of("区工信局")
    e = Entries(app)
    e.save_task_report(c, "4.3", "区工信局", "2026-09",
                       {"status": "推进中", "progress": "九月进展", "measures": "新建充电站2座",
                        "next_plan": "继续推进", "person": "王强", "deadline": "2026-12-31"})
    w = _ws(qtbot, app, c)
    w.select(TASKS, "4.3")
    qtbot.mouseClick(w.prev_btn, Qt.MouseButton.LeftButton)
    assert w.month == "2026-09" and _memo(w, "progress").toPlainText() == "九月进展"
    qtbot.mouseClick(w.next_btn, Qt.MouseButton.LeftButton)
    assert _memo(w, "measures").toPlainText() == ""
    qtbot.mouseClick(w.copy_btn, Qt.MouseButton.LeftButton)
    assert _memo(w, "measures").toPlainText() == "新建充电站2座"
    assert _line(w, "person").text() == "王强"
    assert _memo(w, "progress").toPlainText() == ""
    assert "已复制上月内容" in w.status.text()


def test_indicator_verdict_beside_the_field(qtbot, app, clerk_of):
    with app.store.tx() as cx:
        cx.execute("INSERT INTO baselines(part_code, year, value, source) VALUES ('I01', 2020, 12.0, '测试')")
    w = _ws(qtbot, app, clerk_of("区发改委"))
    assert w.select(INDICATORS, "I01")
    ed = w.ind_panel.value_ed
    assert ed is not None and ed.suffix.text() == "%"
    qtbot.keyClicks(ed.editor, "19")
    assert ed.side.isVisibleTo(w) and "序时" in ed.side.text()
    assert "16a34a" in ed.side.styleSheet() or "15803d" in ed.side.styleSheet()  # green
    ed.editor.clear()
    qtbot.keyClicks(ed.editor, "12.1")
    assert "dc2626" in ed.side.styleSheet() or "b91c1c" in ed.side.styleSheet()  # red: behind
    ed.editor.clear()
    type_text(qtbot, ed.editor, "很高")
    assert "不是数字" in ed.error.text()
    type_text(qtbot, w.ind_panel.form.editors["source"].editor, "统计年鉴")
    w.flush()
    row = Entries(app).indicator_value(CLI_ACTOR, "I01", "2026")
    assert row["raw"] == "很高" and row["value"] is None and row["source"] == "统计年鉴"
    assert w.item_for(INDICATORS, "I01").text(1) == "很高"
    assert "应为数字" in w.item_for(INDICATORS, "I01").toolTip(1)
    ed.editor.clear()
    qtbot.keyClicks(ed.editor, "19")
    w.flush()
    assert w.item_for(INDICATORS, "I01").foreground(1).color().name() in ("#16a34a", "#15803d")


def test_lead_sees_cooperating_units_entries(qtbot, app, clerk_of):
    Entries(app).save_task_report(clerk_of("区住建局"), "4.3", "区住建局", M,
                                  {"status": "推进中", "progress": "新建小区配建充电车位85个"})
    w = _ws(qtbot, app, clerk_of("区工信局"))
    w.select(TASKS, "4.3")
    assert w.task_panel.others_box.isVisibleTo(w)
    assert "配合单位" in w.task_panel.others_box.title()
    html = w.task_panel.others.toPlainText()
    assert "区住建局" in html and "新建小区配建充电车位85个" in html
    assert w.task_panel.others.isReadOnly()


def test_project_dialog_validates_then_saves(qtbot, app, clerk_of):
    c = clerk_of("区工信局")
    e = Entries(app)
    w = _ws(qtbot, app, c)
    w.select(PROJECTS, "4.3")
    saved = []
    dlg = ProjectDialog("新增项目", {"ptype": "新建"},
                        lambda v: saved.append(e.save_project(c, "区工信局", M, "4.3", v)), w)
    qtbot.addWidget(dlg)
    type_text(qtbot, dlg.form.editors["name"].editor, "昌江大道公共充电站")
    type_text(qtbot, dlg.form.editors["total_invest"].editor, "一千")
    dlg._ok()
    assert not saved and "不是数字" in dlg.form.editors["total_invest"].error.text()
    dlg.form.editors["total_invest"].editor.clear()
    qtbot.keyClicks(dlg.form.editors["total_invest"].editor, "1200")
    qtbot.keyClicks(dlg.form.editors["cum_invest"].editor, "300")
    dlg._ok()
    assert len(saved) == 1 and dlg.result() == dlg.DialogCode.Accepted
    w.proj_panel.reload()
    assert w.proj_panel.table.rowCount() == 1
    assert w.proj_panel.table.item(0, 0).text() == "昌江大道公共充电站"
    _answer(QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(w.proj_panel.close_btn, Qt.MouseButton.LeftButton)
    assert w.proj_panel.table.rowCount() == 1  # closed this month: still listed this month
    assert "结项" in w.proj_panel.table.item(0, 1).text()
    assert e.projects(CLI_ACTOR, "区工信局", "2026-11", "4.3") == []
    assert [h["cum_invest"] for h in e.project_history(CLI_ACTOR, saved[0])] == [300.0]


def test_project_dialog_asks_when_the_years_investment_exceeds_its_plan(qtbot, app, clerk_of):
    c = clerk_of("区工信局")
    e = Entries(app)
    w = _ws(qtbot, app, c)
    saved, asked = [], []
    dlg = ProjectDialog("新增项目", {"ptype": "续建"},
                        lambda v: saved.append(e.save_project(c, "区工信局", M, "4.3", v)), w)
    qtbot.addWidget(dlg)
    dlg.confirm = lambda text: asked.append(text) or False  # the clerk answers 否
    type_text(qtbot, dlg.form.editors["name"].editor, "充电站")
    qtbot.keyClicks(dlg.form.editors["year_plan_invest"].editor, "1000")
    qtbot.keyClicks(dlg.form.editors["cum_invest"].editor, "1250")
    dlg._ok()
    assert not saved and len(asked) == 1
    assert "累计完成投资1250万元超过年度计划投资1000万元（占125.0%）" in asked[0]
    assert "请核实" in dlg.message.text()
    dlg.confirm = lambda text: True  # 是: an over-fulfilled year is kept
    dlg._ok()
    assert len(saved) == 1 and dlg.result() == dlg.DialogCode.Accepted


def test_qt_dialogs_speak_chinese(qtbot):
    make_application()
    box = QMessageBox(QMessageBox.Icon.Question, "确认", "确定吗？",
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QMessageBox.StandardButton.Ok).text().replace("&", "") .startswith("确定")
    assert box.button(QMessageBox.StandardButton.Cancel).text().replace("&", "").startswith("取消")


def test_main_window_fits_1366x768(qtbot, app, clerk_of, tmp_path):
    make_application()
    win = MainWindow(app, clerk_of("区工信局"))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    assert isinstance(win.stack.currentWidget(), Workspace)  # the start page
    hint = win.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768
    shot = tmp_path / "workspace.png"
    assert win.grab().save(str(shot)) and shot.stat().st_size > 10_000
    assert win.nav.width() == win.nav.minimumWidth() == win.nav.maximumWidth()


def test_history_of_the_shown_record(qtbot, app, clerk_of):
    from ui.history_dialog import HistoryDialog
    w = _ws(qtbot, app, clerk_of("区工信局"))
    w.select(TASKS, "4.3")
    type_text(qtbot, _memo(w, "problems"), "无")
    w.flush()
    qtbot.keyClicks(w.task_panel.miles["4.3-M1"].value.editor, "2100")
    w.flush()
    Entries(app).save_task_report(clerk_of("区住建局"), "4.3", "区住建局", M, {"problems": "别的单位"})
    rows = w.history_rows()
    assert [(r["field"], r["new"]) for r in rows] == [("value", "2100"), ("problems", "无")]
    dlg = HistoryDialog("修改记录", rows, w)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 2 and dlg.table.item(1, 3).text() == "存在问题"
    assert dlg.table.item(0, 6).text() == "界面填报"


def test_returned_month_is_editable_with_the_comment(qtbot, app, clerk_of, reviewer):
    from models.review import return_submission
    c = clerk_of("区文广新旅局")
    e = Entries(app)
    e.save_task_report(c, "9.2", "区文广新旅局", M, {"status": "推进中", "progress": "宣传活动", "person": "李娜"})
    e.submit(c, "区文广新旅局", M)
    return_submission(app, reviewer, "区文广新旅局", M, "请补充活动场次和参与人数")
    w = _ws(qtbot, app, c)
    w.select(TASKS, "9.2")
    assert w.banner.isVisibleTo(w) and "请补充活动场次和参与人数" in w.banner.text()
    memo = _memo(w, "progress")
    assert not memo.isReadOnly() and w.submit_btn.isEnabled()
    memo.moveCursor(memo.textCursor().MoveOperation.End)
    type_text(qtbot, memo, "3场，参与群众200余人")
    w.flush()
    assert e.task_report(CLI_ACTOR, "9.2", "区文广新旅局", M)["progress"] == "宣传活动3场，参与群众200余人"
    assert e.state(CLI_ACTOR, "区文广新旅局", M) == "returned"


def test_reopened_month_shows_the_reason(qtbot, app, clerk_of, reviewer):
    from models.review import reopen
    c = clerk_of("区文广新旅局")
    e = Entries(app)
    e.save_task_report(c, "9.2", "区文广新旅局", M, {"status": "推进中", "progress": "宣传活动", "person": "李娜"})
    e.submit(c, "区文广新旅局", M)
    approve(app, reviewer, "区文广新旅局", M)
    reopen(app, reviewer, "区文广新旅局", M, "统计口径调整，需更正参与人数")
    w = _ws(qtbot, app, c)
    assert "解锁" in w.banner.text() and "统计口径调整" in w.banner.text()
    assert "退回" not in w.banner.text()
    assert w.submit_btn.isEnabled()


def test_projects_by_keyboard(qtbot, app, clerk_of):
    c = clerk_of("区工信局")
    e = Entries(app)
    uid = e.save_project(c, "区工信局", "2026-09", "4.3",
                         {"name": "里村公共充电站", "ptype": "新建", "year_plan_invest": "800", "cum_invest": "300"})
    w = _ws(qtbot, app, c)
    w.select(PROJECTS, "4.3")
    assert w.proj_panel.table.rowCount() == 1 and w.proj_panel.table.item(0, 4).text() == "300"
    seen = []

    def fill() -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, ProjectDialog):
            QTimer.singleShot(20, fill)
            return
        seen.append(dlg.windowTitle())
        cum = dlg.form.editors["cum_invest"].editor
        cum.setFocus()
        cum.selectAll()
        qtbot.keyClicks(cum, "520")
        qtbot.keyClick(cum, Qt.Key.Key_Return)  # Enter = OK

    QTimer.singleShot(0, fill)
    w.proj_panel.table.setFocus()
    qtbot.keyClick(w.proj_panel.table, Qt.Key.Key_Return)
    assert seen and "里村公共充电站" in seen[0]
    assert [(h["month"], h["cum_invest"]) for h in e.project_history(CLI_ACTOR, uid)] == [("2026-09", 300.0), (M, 520.0)]
    assert w.proj_panel.table.item(0, 4).text() == "520"
    assert w.proj_panel.table.item(0, 5).text() == "65%"


def test_closing_the_window_saves_pending_typing(qtbot, app, clerk_of):
    w = _ws(qtbot, app, clerk_of("区工信局"))
    w.select(TASKS, "4.3")
    type_text(qtbot, _memo(w, "next_plan"), "下月完成验收")
    assert w.autosave.isActive()  # not yet saved: the timer is running
    w.close()
    assert Entries(app).task_report(CLI_ACTOR, "4.3", "区工信局", M)["next_plan"] == "下月完成验收"
