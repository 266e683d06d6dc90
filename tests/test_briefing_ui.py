"""The 工作简报 page: compose, edit, preview (QtPdf), save as PDF, print."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from models import briefing_data as bd
from models.app import CLI_ACTOR, App
from tests.test_briefing import MONTH, build_month, pdf_text, squash
from tests.qt_helpers import type_text
from ui.briefing_view import BriefingView, Dialogs


class FakeDialogs(Dialogs):
    def __init__(self, save_to: Path | None = None, print_to: Path | None = None):
        self.save_to = save_to
        self.print_to = print_to
        self.print_asked = 0
        self.confirm_answer = True
        self.confirms: list[str] = []
        self.printers = True
        self.written: list[Path] = []  # files the page offered to open

    def confirm(self, parent, title, text) -> bool:  # type: ignore[override]
        self.confirms.append(text)
        return self.confirm_answer

    def save_path(self, parent, title, suggested) -> str:  # type: ignore[override]
        assert suggested.endswith(".pdf")
        return str(self.save_to) if self.save_to else ""

    def has_printer(self) -> bool:  # type: ignore[override]
        return self.printers

    def done(self, parent, title, text, path) -> None:  # type: ignore[override]
        self.written.append(Path(path))

    def print_setup(self, parent, printer: QPrinter) -> bool:  # type: ignore[override]
        self.print_asked += 1
        if not self.print_to:
            return False
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.print_to))
        printer.setResolution(150)
        return True


@pytest.fixture
def view(qtbot, app: App, reviewer, tmp_path: Path):
    build_month(app, reviewer=reviewer)
    dialogs = FakeDialogs(tmp_path / "另存" / "简报.pdf", tmp_path / "打印.pdf")
    (tmp_path / "另存").mkdir()
    w = BriefingView(app, reviewer, None, dialogs)
    qtbot.addWidget(w)
    w.date.setDate(QDate(2026, 11, 5))
    w.month.set_month(MONTH)  # composes the month's texts
    return w


def test_page_composes_edits_previews_and_saves(qtbot, view: BriefingView, app: App,
                                                 tmp_path: Path) -> None:
    assert "全区应报送调度数据的单位" in view.edits["overview"].toPlainText()
    assert "（一）" in view.edits["tasks"].toPlainText()
    # the user edits a section and writes an editor's note
    ed = view.edits["notice"]
    ed.clear()
    type_text(qtbot, ed, "经研究，对按时报送的12个单位予以表扬。", focus=True)
    type_text(qtbot, view.note, "本期聚焦重点任务进展。", focus=True)
    assert ed.toPlainText() == "经研究，对按时报送的12个单位予以表扬。"
    qtbot.mouseClick(view.preview_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.pdf.status() == QPdfDocument.Status.Ready)
    assert view.pdf.pageCount() >= 2
    assert "第1期" in view.pages_label.text()
    text = squash(pdf_text(view.preview_path))
    assert "经研究，对按时报送的12个单位予以表扬。" in text and "编者按：本期聚焦重点任务进展。" in text
    assert bd.issue_of_month(app, CLI_ACTOR, MONTH) is None  # a preview takes no issue number
    # save as PDF: takes the number
    qtbot.mouseClick(view.save_btn, Qt.MouseButton.LeftButton)
    saved = tmp_path / "另存" / "简报.pdf"
    assert saved.exists()
    assert "经研究，对按时报送的12个单位予以表扬。" in squash(pdf_text(saved))
    assert bd.issue_of_month(app, CLI_ACTOR, MONTH) == 1
    assert "已保存" in view.message.text() and "第1期" in view.message.text()
    # the issue field overrides
    view.issue.setValue(6)
    qtbot.mouseClick(view.save_btn, Qt.MouseButton.LeftButton)
    assert bd.issue_of_month(app, CLI_ACTOR, MONTH) == 6 and "第6期" in squash(pdf_text(saved))


def test_page_prints_rendered_pages(qtbot, view: BriefingView, tmp_path: Path) -> None:
    from pypdf import PdfReader
    qtbot.mouseClick(view.print_btn, Qt.MouseButton.LeftButton)
    out = tmp_path / "打印.pdf"
    assert view.dialogs.print_asked == 1
    assert out.exists()
    assert len(PdfReader(str(out)).pages) == view.last_pages >= 2
    assert "已发送到打印机" in view.message.text()


def test_no_printer_is_said_and_nothing_is_numbered(qtbot, view: BriefingView, app: App) -> None:
    """A PC without a printer (Windows' print dialog would not even open): the page says
    so and points to 另存为PDF; no issue number is taken."""
    view.dialogs.printers = False
    qtbot.mouseClick(view.print_btn, Qt.MouseButton.LeftButton)
    assert view.dialogs.print_asked == 0
    assert "没有安装打印机" in view.message.text() and "另存为PDF" in view.message.text()
    assert bd.issue_of_month(app, CLI_ACTOR, MONTH) is None


def test_print_cancelled_and_errors_shown(qtbot, app: App, reviewer, tmp_path: Path) -> None:
    w = BriefingView(app, reviewer, None, FakeDialogs(None, None))
    qtbot.addWidget(w)
    assert w.print_briefing() is False and w.save_as() is None
    (tmp_path / "是文件").write_bytes(b"")
    w.dialogs = FakeDialogs(tmp_path / "是文件" / "x.pdf")  # a folder that cannot be made
    assert w.save_as() is None
    assert "无法写入" in w.message.text()
    w.month.set_month("2026-03")  # a month without data still previews
    assert "本月暂无填报数据" in w.edits["overview"].toPlainText()
    assert w.preview() and w.pdf.pageCount() >= 1


def test_main_window_lists_page_for_office_only(qtbot, app: App, reviewer, clerk_of) -> None:
    from ui.main_window import MainWindow
    win = MainWindow(app, reviewer)
    qtbot.addWidget(win)
    assert "briefing" in [s.key for s in win.specs]
    page = win.show_page("briefing")
    assert isinstance(page, BriefingView) and page.title == "工作简报"
    clerk_win = MainWindow(app, clerk_of("区发改委"))
    qtbot.addWidget(clerk_win)
    assert "briefing" not in [s.key for s in clerk_win.specs]


def test_edits_kept_unless_user_agrees_to_discard(qtbot, view: BriefingView) -> None:
    type_text(qtbot, view.edits["overview"], "abc", focus=True)
    edited = view.edits["overview"].toPlainText()
    view.dialogs.confirm_answer = False
    view.month.set_month("2026-09")
    assert view.month.month() == MONTH and view.edits["overview"].toPlainText() == edited
    qtbot.mouseClick(view.compose_btn, Qt.MouseButton.LeftButton)
    assert view.edits["overview"].toPlainText() == edited and len(view.dialogs.confirms) == 2
    view.dialogs.confirm_answer = True
    view.month.set_month("2026-09")
    assert view.month.month() == "2026-09" and "2026年9月" in view.edits["overview"].toPlainText()
    view.month.set_month(MONTH)  # nothing edited since: no question
    assert len(view.dialogs.confirms) == 3


def test_date_field_feeds_the_briefing(view: BriefingView) -> None:
    opts = view.options(record=False)
    assert opts.date == dt.date(2026, 11, 5) and opts.record_issue is False  # type: ignore[attr-defined]
