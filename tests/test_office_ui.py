"""The office pages driven through their real widgets (pytest-qt): review, 催报 printing,
dashboard charts and detail, settings that re-judge, assessment and the audit trail."""

from __future__ import annotations

from models.app import CLI_ACTOR


import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QAbstractItemView, QApplication

from models import review
from models.entries import Entries
from tests.qt_helpers import type_text
from ui.assessment_view import AssessmentView
from ui.audit_view import AuditView
from ui.dashboard_view import DashboardView
from ui.main_window import MainWindow
from ui.review_view import ReviewView
from ui.settings_view import SettingsView
from tests.office_data import fill, fill_and_submit, this_month

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

U = "区教体局"
M = "2026-10"
OFFICE_PAGES = {"review", "dashboard", "assessment", "audit", "settings"}


def _show(qtbot, w):
    qtbot.addWidget(w)
    w.resize(1300, 720)
    w.show()
    qtbot.waitExposed(w)
    return w


def _click_row(qtbot, table: QAbstractItemView, row: int) -> None:
    table.scrollTo(table.model().index(row, 0))
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _row_of(view, unit: str) -> int:
    return next(i for i, r in enumerate(view.model.rows) if r["unit"] == unit)


def test_office_pages_only_for_office(qtbot, app, clerk_of, reviewer):
    w = MainWindow(app, clerk_of(U))
    qtbot.addWidget(w)
    assert not OFFICE_PAGES & {s.key for s in w.specs}
    w2 = MainWindow(app, reviewer)
    qtbot.addWidget(w2)
    assert OFFICE_PAGES <= {s.key for s in w2.specs}
    for key in OFFICE_PAGES:
        page = w2.show_page(key)
        assert page.title == next(s.title for s in w2.specs if s.key == key)


def test_review_return_then_approve(qtbot, app, clerk_of, reviewer):
    c = clerk_of(U)
    fill_and_submit(app, c, U, M)
    v = _show(qtbot, ReviewView(app, reviewer))
    v.set_month(M)
    assert "已报送1个" in v.summary_label.text()
    v.pending_only.click()
    assert [r["unit"] for r in v.model.rows] == [U]
    v.pending_only.click()
    assert len(v.model.rows) == len(app.reporting_units())
    _click_row(qtbot, v.table, _row_of(v, U))
    assert v.selected_unit() == U
    assert "9.1" in v.detail.toPlainText() and "报送" in v.detail.toPlainText()
    assert v.return_btn.isEnabled() and v.approve_btn.isEnabled() and not v.reopen_btn.isEnabled()
    qtbot.mouseClick(v.return_btn, Qt.MouseButton.LeftButton)  # no comment yet
    assert "请填写退回意见" in v.message.text()
    assert Entries(app).state(CLI_ACTOR, U, M) == "submitted"
    type_text(qtbot, v.comment, "请补充任务9.2的活动场次")
    qtbot.mouseClick(v.return_btn, Qt.MouseButton.LeftButton)
    assert Entries(app).state(CLI_ACTOR, U, M) == "returned"
    assert "已退回" in v.message.text()
    row = v.model.rows[_row_of(v, U)]
    assert row["state_name"] == "已退回" and row["comment"] == "请补充任务9.2的活动场次"
    assert v.selected_unit() == U and not v.return_btn.isEnabled()
    # the clerk corrects and submits again; the office approves
    Entries(app).save_task_report(c, "9.2", U, M, {"progress": "开展活动3场"})
    Entries(app).submit(c, U, M)
    v.refresh()
    qtbot.mouseClick(v.approve_btn, Qt.MouseButton.LeftButton)
    assert Entries(app).state(CLI_ACTOR, U, M) == "approved"
    assert "审核通过" in v.detail.toPlainText()
    assert v.reopen_btn.isEnabled() and not v.approve_btn.isEnabled()
    type_text(qtbot, v.comment, "数据口径调整")
    qtbot.mouseClick(v.reopen_btn, Qt.MouseButton.LeftButton)
    assert Entries(app).submission(CLI_ACTOR, U, M)["comment"] == "数据口径调整"
    assert [h["action"] for h in review.history(app, CLI_ACTOR, U, M)] == ["submit", "return", "submit", "approve", "reopen"]


def test_review_opens_unit_in_workspace(qtbot, app, clerk_of, reviewer):
    fill_and_submit(app, clerk_of(U), U, M)
    w = MainWindow(app, reviewer)
    _show(qtbot, w)
    v = w.show_page("review")
    v.set_month(M)
    row = _row_of(v, U)
    v.table.scrollTo(v.table.model().index(row, 0))
    rect = v.table.visualRect(v.table.model().index(row, 0))
    qtbot.mouseClick(v.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert v.selected_unit() == U
    qtbot.mouseDClick(v.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    ws = w.stack.currentWidget()
    assert ws is w.pages["workspace"]
    assert ws.unit == U and ws.month == M


def test_reminder_prints_to_pdf(qtbot, app, clerk_of, reviewer, tmp_path):
    fill(app, clerk_of("区城管局"), "区城管局", M, skip=("6.4",))
    fill_and_submit(app, clerk_of(U), U, M)
    v = _show(qtbot, ReviewView(app, reviewer))
    v.set_month(M)
    doc = v.reminder_document()
    text = doc.toPlainText()
    assert "催报通知" in text and "区城管局" in text and U not in text
    shown = []

    def close_preview() -> None:
        dlg = QApplication.activeModalWidget()
        if isinstance(dlg, QPrintPreviewDialog):
            shown.append(dlg.windowTitle())
            dlg.reject()
        else:
            QTimer.singleShot(20, close_preview)

    QTimer.singleShot(0, close_preview)
    qtbot.mouseClick(v.print_btn, Qt.MouseButton.LeftButton)  # the preview dialog opens, then closes
    assert shown and "催报通知" in shown[0]
    pdf = v.reminder_to_pdf(tmp_path / "催报.pdf")
    reader = PdfReader(str(pdf))
    content = "".join(p.extract_text() for p in reader.pages)
    assert "催报" in content and "区城管局" in content


def test_dashboard_chart_click_and_settings_rejudge(qtbot, app, clerk_of, admin):
    Entries(app).save_indicator_value(clerk_of("区工信局"), "I11a", "区工信局", M, "95")
    fill(app, clerk_of(U), U, M, status="滞后")
    w = MainWindow(app, admin)
    _show(qtbot, w)
    dash = w.show_page("dashboard")
    assert isinstance(dash, DashboardView)
    dash.set_month("2026-12")
    # the entries are drafts: by default the lights count approved figures only, and say so
    assert next(a for a in dash.data.actions if a.no == 9).status == "grey"
    assert "只计已审核通过的数据" in dash.legend_label.text()
    dash.set_month("2026-10")
    assert "未审核" in dash.counts_label.text()
    dash.include_unreviewed.setChecked(True)  # 含未审核数据: the drafts are judged too
    assert "含尚未审核通过的数据" in dash.legend_label.text()
    dash.set_month("2026-12")
    row = next(r for r in dash.ind_model.rows if r["code"] == "I11a")
    assert row["status"] == "grey"
    act9 = next(a for a in dash.data.actions if a.no == 9)
    assert act9.status == "red"  # 区教体局 reports 滞后 on tasks of action 9
    assert f"逾期任务 {len(dash.data.overdue_tasks)}" in dash.counts_label.text()
    assert "行动：红灯3，灰灯7" in dash.counts_label.text()  # tasks 7.3, 9.x, 10.4 lag
    dash.tabs.setCurrentIndex(3)
    chart = dash.charts["I11a"]
    qtbot.waitExposed(chart)
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(100, 60))
    assert "I11a" in dash.detail.toPlainText() and "营运车辆" in dash.detail.toPlainText()
    # the tree: click the action row, the detail lists its tasks
    dash.tabs.setCurrentIndex(0)
    item = dash.tree.topLevelItem(8)
    dash.tree.scrollToItem(item)
    qtbot.mouseClick(dash.tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=dash.tree.visualItemRect(item).center())
    assert "9.1" in dash.detail.toPlainText()
    # set a baseline on the settings page; the dashboard shows the new verdict when shown again
    st = w.show_page("settings")
    assert isinstance(st, SettingsView)
    st.tabs.setCurrentIndex(3)
    st.base_part.setCurrentIndex(st.base_part.findData("I11a"))
    st.base_year.setValue(2020)
    qtbot.keyClicks(st.base_value, "100")
    type_text(qtbot, st.base_source, "2020年交通运输统计")
    qtbot.mouseClick(st.base_save, Qt.MouseButton.LeftButton)
    assert "已保存" in st.message.text()
    w.show_page("dashboard")
    row = next(r for r in dash.ind_model.rows if r["code"] == "I11a")
    assert row["status"] == "red"
    assert dash.charts["I11a"].series.path[0] == (2020.0, 100.0)
    st = w.show_page("settings")
    st.base_value.clear()
    qtbot.keyClicks(st.base_value, "104")
    qtbot.mouseClick(st.base_save, Qt.MouseButton.LeftButton)
    w.show_page("dashboard")
    assert next(r for r in dash.ind_model.rows if r["code"] == "I11a")["status"] == "green"


def test_dashboard_rows_as_tall_as_their_wrapped_text(qtbot, app, admin):
    """Names and messages wrap; each row is as tall as its wrapped text, measured again when
    the rows change and after a column is resized (not on every layout pass)."""
    dash = _show(qtbot, DashboardView(app, admin))
    table = dash.ind_table

    def fitted() -> list[int]:
        rows = range(table.proxy.rowCount())
        if rows and all(table.rowHeight(i) == table.sizeHintForRow(i) for i in rows):
            return [table.rowHeight(i) for i in rows]
        return []

    qtbot.waitUntil(lambda: bool(fitted()))
    heights = fitted()
    width = table.columnWidth(1)
    table.setColumnWidth(1, 20)  # names at a few characters per line: rows grow
    qtbot.waitUntil(lambda: sum(fitted()) > sum(heights))
    table.setColumnWidth(1, width)
    qtbot.waitUntil(lambda: fitted() == heights)
    table.setColumnWidth(1, 20)
    dash.set_month("2026-09")  # new rows are measured in the column as it is now
    qtbot.waitUntil(lambda: sum(fitted()) > sum(heights))


def test_settings_page_admin_and_reviewer(qtbot, app, admin, reviewer):
    st = _show(qtbot, SettingsView(app, admin))
    st.tabs.setCurrentIndex(1)
    st.due_day.selectAll()
    qtbot.keyClicks(st.due_day, "12")
    qtbot.mouseClick(st.rep_save, Qt.MouseButton.LeftButton)
    assert app.settings.get("due_day") == 12
    assert "已保存" in st.message.text()
    assert any("5 → 12" in r["detail"] for r in st.log_model.rows)
    st.tabs.setCurrentIndex(0)
    qtbot.keyClicks(st.tolerances, "I99@2025=1")
    qtbot.mouseClick(st.rules_save, Qt.MouseButton.LeftButton)
    assert "无效" in st.message.text() and app.settings.get("tolerances") == {}
    st.tolerances.clear()
    qtbot.keyClicks(st.tolerances, "I06a@2025=1.5")
    qtbot.mouseClick(st.rules_save, Qt.MouseButton.LeftButton)
    assert app.settings.get("tolerances") == {"I06a@2025": 1.5}
    st.tabs.setCurrentIndex(2)
    st.brief_edits["briefing_cc"].clear()
    type_text(qtbot, st.brief_edits["briefing_cc"], "区人大、区政协办公室")
    qtbot.mouseClick(st.brief_save, Qt.MouseButton.LeftButton)
    assert app.settings.get("briefing_cc") == "区人大、区政协办公室"
    st.tabs.setCurrentIndex(4)
    type_text(qtbot, st.street_name, "新村街道")
    qtbot.mouseClick(st.street_add, Qt.MouseButton.LeftButton)
    assert "新村街道" in app.reporting_units()
    assert st.street_list.item(0).text() == "新村街道"
    st.street_list.setCurrentRow(0)
    qtbot.mouseClick(st.street_toggle, Qt.MouseButton.LeftButton)
    assert st.street_list.item(0).text() == "新村街道（已停用）"
    rv = _show(qtbot, SettingsView(app, reviewer))
    assert not rv.rules_save.isEnabled() and not rv.rep_save.isEnabled() and not rv.street_add.isEnabled()
    # a reviewer reads the administrator's settings in dark text on grey, and cannot change them
    assert rv.green_at.isReadOnly() and rv.pending_value.isReadOnly() and rv.green_at.isEnabled()
    assert "#1f2937" in rv.green_at.styleSheet() and "#1f2937" in rv.pending_value.styleSheet()
    before = rv.green_at.value()
    qtbot.keyClicks(rv.green_at, "9")
    assert rv.green_at.value() == before
    assert rv.base_save.isEnabled()
    rv.base_part.setCurrentIndex(rv.base_part.findData("I04"))
    qtbot.keyClicks(rv.base_value, "57.85")
    qtbot.mouseClick(rv.base_save, Qt.MouseButton.LeftButton)
    assert app.store.one("SELECT value FROM baselines WHERE part_code = 'I04'")["value"] == 57.85


def test_assessment_page_ranks_and_flags(qtbot, app, clerk_of, reviewer, tmp_path):
    m = this_month()
    fill_and_submit(app, clerk_of(U), U, m)
    review.approve(app, reviewer, U, m)
    v = _show(qtbot, AssessmentView(app, reviewer))
    v.set_period(m, m)
    first = v.model.rows[0]
    assert first.unit == U and first.rank == 1 and first.total == 100.0 and not first.flagged
    idx = v.model.index(0, 7)  # 指标达标 does not apply to this unit
    assert v.model.data(idx) == "不适用"
    n = len(v.scores)
    assert f"共{n}个单位参加考核，{n - 1}个单位低于60分需通报" in v.info.text()
    assert v.matrix_model.columnCount() == 2
    cell = v.matrix_model.data(v.matrix_model.index(v.app.reporting_units().index(U), 1))
    assert cell == "√"
    # the marks are explained under the grid and in each cell's tooltip
    assert all(mark in v.legend.text() for mark in ("√", "报", "退", "（迟）", "未报"))
    tip = v.matrix_model.data(v.matrix_model.index(v.app.reporting_units().index(U), 1), Qt.ItemDataRole.ToolTipRole)
    assert tip == "已审核通过"
    text = v.result_document().toPlainText()
    assert "考核结果" in text and U in text and "需通报的单位" in text
    pdf = v.result_to_pdf(tmp_path / "考核结果.pdf")
    content = "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert "考核结果" in content and U in content


def test_audit_page_filters_and_exports(qtbot, app, clerk_of, admin, tmp_path):
    e = Entries(app)
    c = clerk_of("区工信局")
    e.save_task_report(c, "4.3", "区工信局", M, {"status": "推进中", "progress": "建成200个"})
    e.save_task_report(c, "4.3", "区工信局", M, {"progress": "建成210个"})
    fill(app, clerk_of(U), U, M)
    fill_and_submit(app, clerk_of(U), U, "2026-09")
    v = _show(qtbot, AuditView(app, admin))
    total = len(v.model.rows)
    v.set_filter(unit="区工信局")
    assert 0 < len(v.model.rows) < total
    assert all(r["unit"] == "区工信局" for r in v.model.rows)
    qtbot.keyClicks(v.text_edit, "210")
    assert [(r["old"], r["new"]) for r in v.model.rows] == [("建成200个", "建成210个")]
    v.set_filter(unit="", text="", month="2026-09")
    assert v.review_model.rows and v.review_model.rows[0]["action_name"] == "报送"
    out = v.export_to(tmp_path / "audit.xlsx")
    ws = openpyxl.load_workbook(out).active
    assert ws.max_row - 2 == len(v.model.rows)
    assert {ws.cell(r, 4).value for r in range(3, ws.max_row + 1)} == {"2026-09"}
    assert "已导出" in v.message.text()


def test_rows_model_passes_qt_model_tester(qtmodeltester, app, clerk_of):
    from ui.office_common import RowsModel
    fill_and_submit(app, clerk_of(U), U, M)
    model = RowsModel([("单位", lambda r: r["unit"]), ("状态", lambda r: r["state_name"]),
                       ("应填", lambda r: r["expected"])],
                      color=lambda r, c: "#b91c1c" if c == 1 and r["pending"] else None)
    model.set_rows(review.review_queue(app, CLI_ACTOR, M))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(app.reporting_units())
    assert model.headerData(1, Qt.Orientation.Horizontal) == "状态"


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_review_detail_gives_progress_the_pane_width(qtbot, app, clerk_of, reviewer, size) -> None:
    """The detail pane shows each task's 本月进展 across the pane's width, not in the fourth
    column of an eight-column table (about four characters wide at 1366×768)."""
    c = clerk_of(U)
    fill(app, c, U, M)
    progress = "本月组织开展节能宣传进社区活动三场，发放宣传资料一千二百余份，覆盖居民约四千人，推进情况符合序时进度。"
    Entries(app).save_task_report(c, "9.2", U, M, {"progress": progress})
    Entries(app).submit(c, U, M)
    v = ReviewView(app, reviewer)
    qtbot.addWidget(v)
    v.resize(*size)
    v.show()
    qtbot.waitExposed(v)
    v.set_month(M)
    v.select_unit(U)
    doc = v.detail.document()
    block = doc.begin()
    while block.isValid() and progress not in block.text():
        block = block.next()
    assert block.isValid(), v.detail.toPlainText()[:300]
    layout = block.layout()
    pane = v.detail.viewport().width()
    assert layout.lineCount() >= 1
    assert layout.lineAt(0).width() >= 0.8 * pane, (layout.lineAt(0).width(), pane)
