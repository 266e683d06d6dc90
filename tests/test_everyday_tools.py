"""The everyday tools of the windows, used as a clerk and the office would: sorting by a
header click, searching long lists, help on F1 from every page, opening what was just
exported, save dialogs that remember their folder, Qt's own dialogs in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QPoint, QSettings, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox, QTableWidget

from models.entries import Entries
from tests.office_data import fill_and_submit
from tests.qt_helpers import open_workspace, type_text
from ui import files
from ui.main_window import MainWindow
from ui.qtsetup import make_application
from ui.tables import RowsModel, SortedTable, fill_table, make_sortable, sorted_values
from ui.workspace_tree import INDICATORS, TASKS

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

M = "2026-10"


def _click_header(qtbot, table, column: int) -> None:
    head = table.horizontalHeader()
    x = head.sectionViewportPosition(column) + head.sectionSize(column) // 2
    qtbot.mouseClick(head.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def _column(table, column: int) -> list[str]:
    model = table.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


# -- sorting ----------------------------------------------------------------------------------------

def test_sort_keys_numbers_codes_and_chinese() -> None:
    assert sorted_values(["10.5%", "9%", "不适用", "", "100%", "2100个"]) == ["9%", "10.5%", "100%", "2100个", "不适用", ""]
    assert sorted_values(["4.10", "4.9", "4.3-M1", "4.3", "I06b", "I06a", "1.1"], code=True) == [
        "1.1", "4.3", "4.3-M1", "4.9", "4.10", "I06a", "I06b"]
    assert sorted_values(["2026年10月", "2026年9月", "2025年12月"]) == ["2025年12月", "2026年9月", "2026年10月"]
    assert sorted_values(["区住建局", "区发改委", "各街道", "珠山公安分局"]) == ["各街道", "区发改委", "区住建局", "珠山公安分局"]


def test_model_table_sorts_by_header_click_and_back_to_plan_order(qtbot) -> None:
    rows = [{"code": c, "value": v} for c, v in (("4.10", "9.5%"), ("1.2", "10%"), ("4.9", "—"), ("I06a", "85.2%"))]
    table = SortedTable(RowsModel([("编码", lambda r: r["code"]), ("数值", lambda r: r["value"])]))
    table.source.set_rows(rows)
    qtbot.addWidget(table)
    table.resize(400, 300)
    table.show()
    assert _column(table, 0) == ["4.10", "1.2", "4.9", "I06a"]  # the model's order until a click
    _click_header(qtbot, table, 1)
    assert _column(table, 1) == ["9.5%", "10%", "85.2%", "—"]  # numbers as numbers, empty last
    _click_header(qtbot, table, 0)
    assert _column(table, 0) == ["1.2", "4.9", "4.10", "I06a"]  # plan order of codes
    _click_header(qtbot, table, 0)
    assert _column(table, 0) == ["I06a", "4.10", "4.9", "1.2"]
    table.selectRow(0)
    assert table.current_object()["code"] == "I06a"  # the row behind the line, not the line number


def test_widget_table_sorts_and_keeps_each_rows_data(qtbot) -> None:
    table = QTableWidget(0, 2)
    table.setHorizontalHeaderLabels(["文件", "大小"])
    qtbot.addWidget(table)
    make_sortable(table)
    fill_table(table, [["b.db", "12 KB"], ["a.db", "3 KB"], ["c.db", "120 KB"]], data=["B", "A", "C"])
    table.show()
    assert [table.item(r, 0).text() for r in range(3)] == ["b.db", "a.db", "c.db"]  # filled order
    _click_header(qtbot, table, 1)
    assert [table.item(r, 1).text() for r in range(3)] == ["3 KB", "12 KB", "120 KB"]
    assert [table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(3)] == ["A", "B", "C"]
    fill_table(table, [["x", "2 KB"], ["y", "1 KB"]])  # filled again: sorted by the chosen column
    assert [table.item(r, 0).text() for r in range(2)] == ["y", "x"]


# -- searching -----------------------------------------------------------------------------------------

def test_entry_list_search(qtbot, app, clerk_of) -> None:
    w = open_workspace(qtbot, app, clerk_of("区发改委"), M)
    listed = [it for it in w.items() if not it.isHidden()]
    assert len(listed) >= 30  # the unit's tasks, indicators and projects
    type_text(qtbot, w.search, "I0", focus=True)
    shown = [it for it in w.items() if not it.isHidden()]
    assert shown and all(it.data(0, Qt.ItemDataRole.UserRole) == INDICATORS for it in shown)
    w.search.clear()
    word = app.tasks_of("区发改委")[2][0].title[2:4]  # a word of a task's name
    type_text(qtbot, w.search, word)
    shown = [it for it in w.items() if not it.isHidden()]
    assert 0 < len(shown) < len(listed) and all(word in it.text(0) + it.toolTip(0) for it in shown)
    # the keyboard steps through what is listed
    w.select(shown[0].data(0, Qt.ItemDataRole.UserRole), shown[0].data(0, Qt.ItemDataRole.UserRole + 1))
    w.step_item(1)
    assert not w.tree.currentItem().isHidden()
    w.search.clear()
    assert len([it for it in w.items() if not it.isHidden()]) == len(listed)


def test_review_queue_search_and_sorting(qtbot, app, clerk_of, reviewer) -> None:
    from models.app import current_month
    from ui.review_view import ReviewView
    fill_and_submit(app, clerk_of("区城管局"), "区城管局", current_month())
    v = ReviewView(app, reviewer)  # opens at the month being reported
    qtbot.addWidget(v)
    v.resize(1300, 700)
    v.show()
    assert v.selected_unit() == "区城管局"  # the one waiting for review is shown at once
    assert "区城管局" in v.detail.toPlainText()
    type_text(qtbot, v.search, "分局", focus=True)
    units = _column(v.table, 0)
    assert len(units) >= 2 and all("分局" in u for u in units)
    assert len(units) < len(app.reporting_units())
    v.search.clear()
    _click_header(qtbot, v.table, 3)  # 已填: numbers
    filled = [int(x) for x in _column(v.table, 3)]
    assert filled == sorted(filled)
    v.select_unit("区城管局")
    assert v.selected_unit() == "区城管局" and v.approve_btn.isEnabled()


# -- help ---------------------------------------------------------------------------------------------

@pytest.mark.qt_log_ignore("propagateSizeHints", r"does not support raise\(\)")
def test_every_page_sorts_its_tables_and_opens_its_help_on_f1(qtbot, app) -> None:
    from PySide6.QtWidgets import QTableView
    from models.app import ADMIN, Actor
    from ui.help_window import guide_path
    assert guide_path().is_file()
    win = MainWindow(app, Actor("admin", ADMIN, None, "管理员"))
    qtbot.addWidget(win)
    win.resize(1200, 700)
    win.show()
    qtbot.waitExposed(win)
    unsortable = []
    for spec in win.specs:
        page = win.show_page(spec.key)
        unsortable += [f"{spec.title}: {type(v).__name__}" for v in page.findChildren(QTableView)
                       if not v.isSortingEnabled()]
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow)
        qtbot.keyClick(QApplication.focusWidget() or win, Qt.Key.Key_F1)
        help_window = win.help_window
        assert help_window is not None and help_window.isVisible()
        words = spec.help or spec.title
        assert help_window.section_block(words) >= 0, f"no section of the guide for {spec.title}"
        assert words in help_window.current_heading(), (spec.title, help_window.current_heading())
    assert unsortable == []
    assert len(win.findChildren(type(help_window))) == 1  # one help window, reused
    # the pictures of the guide are shown, scaled to the window
    from PySide6.QtGui import QTextDocument
    doc = help_window.browser.document()
    img = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl("images/workspace.png"))
    assert img is not None and not img.isNull()


def test_guide_is_shipped_with_the_program() -> None:
    spec = (Path(__file__).resolve().parent.parent / "build.spec").read_text(encoding="utf-8")
    assert '"docs"' in spec and "用户手册.md" in spec


# -- after an export ------------------------------------------------------------------------------------

class _Opened(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:  # noqa: A003
        self.urls.append(url.toLocalFile())


@pytest.fixture
def opened():
    handler = _Opened()
    QDesktopServices.setUrlHandler("file", handler, "open")
    yield handler
    QDesktopServices.unsetUrlHandler("file")


def _click_in_next_box(text: str) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            next(b for b in box.buttons() if b.text() == text).click()
        else:
            QTimer.singleShot(20, click)
    QTimer.singleShot(0, click)


def test_export_offers_to_open_the_file_or_its_folder(qtbot, opened, tmp_path) -> None:
    make_application()
    out = tmp_path / "台账" / "区发改委台账_2026年10月.xlsx"
    out.parent.mkdir()
    out.write_bytes(b"x")
    _click_in_next_box("打开所在文件夹")
    assert files.offer_open(None, "导出台账", "已导出台账。", out) == "folder"
    assert opened.urls == [str(out.parent.resolve())]
    _click_in_next_box("打开文件")
    assert files.offer_open(None, "导出台账", "已导出台账。", out) == "file"
    assert opened.urls[-1] == str(out.resolve())
    _click_in_next_box("关闭")
    assert files.offer_open(None, "导出台账", "已导出台账。", out) == ""
    assert len(opened.urls) == 2


def test_save_dialogs_start_in_documents_then_the_last_folder(qtbot, tmp_path) -> None:
    make_application()
    QSettings().remove("last_folder")
    docs = files.documents_folder()
    assert files.start_folder("ledger") == docs  # not the program's folder
    seen: list[str] = []

    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        if isinstance(dlg, QFileDialog):
            seen.append(dlg.directory().absolutePath())
            dlg.selectFile(str(tmp_path / "out" / "台账.xlsx"))
            dlg.accept()
        else:
            QTimer.singleShot(20, answer)

    (tmp_path / "out").mkdir()
    QTimer.singleShot(0, answer)  # Qt's own dialog runs here (no desktop): answered like a user
    path = files.ask_save_path(None, "ledger", "导出台账", "台账.xlsx", "Excel 工作簿 (*.xlsx)")
    assert Path(path) == tmp_path / "out" / "台账.xlsx"
    assert Path(seen[0]) == docs.resolve() or Path(seen[0]) == docs
    assert files.start_folder("ledger") == tmp_path / "out"  # remembered for the same kind
    assert files.start_folder("briefing") == docs  # not for other kinds


def test_qt_file_dialog_speaks_chinese(qtbot, tmp_path) -> None:
    make_application()
    (tmp_path / "子文件夹").mkdir()
    dlg = QFileDialog(None, "导出台账", str(tmp_path), "Excel 工作簿 (*.xlsx)")
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dlg)
    dlg.show()
    from PySide6.QtWidgets import QAbstractButton
    texts = [w.text() for w in dlg.findChildren(QLabel) if w.text()]
    texts += [b.text() for b in dlg.findChildren(QAbstractButton) if b.text()]
    texts += [b.toolTip() for b in dlg.findChildren(QAbstractButton) if b.toolTip()]
    assert "查找范围(&L)：" in texts and "文件类型(&T)：" in texts
    english = [t for t in texts if re.search("[A-Za-z]", re.sub(r"\(&[A-Z]\)", "", t))]
    assert english == []
    model = dlg.findChild(QObject, "qt_filesystem_model")
    if model is not None:
        header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
        assert "大小" in header and "Size" not in header


# -- the workspace after submitting and at the ends ----------------------------------------------------

def test_month_arrows_stop_at_the_ends(qtbot, app, clerk_of) -> None:
    from models.app import current_month
    w = open_workspace(qtbot, app, clerk_of("区工信局"), current_month())
    assert w.month == w.months()[-1] and not w.next_btn.isEnabled() and w.prev_btn.isEnabled()
    w.step_month(1)  # Alt+→ at the last month: nothing to go to
    assert w.month == current_month()
    w.set_month(app.plan.first_month)
    assert not w.prev_btn.isEnabled() and w.next_btn.isEnabled()


def test_problem_list_follows_the_fixes(qtbot, app, clerk_of) -> None:
    c = clerk_of("区文广新旅局")
    w = open_workspace(qtbot, app, c, M)
    w.select(TASKS, "9.2")
    form = w.task_panel.form
    deadline = form.editors["deadline"].editor
    type_text(qtbot, deadline, "年底前", focus=True)
    qtbot.keyClick(deadline, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # submit
    before = w.problems.count()
    assert w.problems.isVisible() and before >= 3
    form.editors["status"].editor.setCurrentIndex(2)
    type_text(qtbot, form.editors["progress"].editor, "开展低碳宣传进社区活动3场", focus=True)
    w.flush()
    assert 0 < w.problems.count() < before  # fixed problems leave the list at once
    deadline.clear()
    type_text(qtbot, deadline, "2026-12-31", focus=True)
    type_text(qtbot, form.editors["person"].editor, "李娜", focus=True)
    w.flush()
    remaining = Entries(app).month_problems(c, "区文广新旅局", M)
    assert w.problems.count() == len(remaining) < before
    if not remaining:
        assert not w.problems.isVisible() and "可以报送" in w.status.text()


def test_after_submitting_fields_look_read_only_and_undo_is_off(qtbot, app, clerk_of) -> None:
    from tests.qt_helpers import answer_next_box
    c = clerk_of("区文广新旅局")
    w = open_workspace(qtbot, app, c, M)
    w.select(TASKS, "9.2")
    form = w.task_panel.form
    form.editors["status"].editor.setCurrentIndex(2)
    type_text(qtbot, form.editors["progress"].editor, "开展低碳宣传进社区活动3场", focus=True)
    type_text(qtbot, form.editors["person"].editor, "李娜", focus=True)
    w.flush()
    assert w.undo_btn.isEnabled()
    answer_next_box(QMessageBox.StandardButton.Yes)
    w.submit()
    qtbot.waitUntil(lambda: Entries(app).state(c, "区文广新旅局", M) == "submitted")
    assert not w.undo_btn.isEnabled() and "不能撤销" in w.undo_btn.toolTip()
    memo = form.editors["progress"].editor
    assert memo.isReadOnly() and "background" in memo.styleSheet()
    combo = form.editors["status"].editor
    assert not combo.isEnabled()
    from PySide6.QtGui import QPalette
    text = combo.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    assert text.lightness() < 80  # dark, readable text on the disabled choice
    w.undo()  # the shortcut does nothing either
    assert Entries(app).task_report(c, "9.2", "区文广新旅局", M)["person"] == "李娜"
