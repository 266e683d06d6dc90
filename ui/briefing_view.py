"""工作简报: compose the month's briefing, edit its texts, preview, print, save as PDF.

The texts come from ``exports.briefing.compose`` and are edited in plain text boxes
(a line starting with “（一）” becomes a 楷体 sub-heading, “一、” a 黑体 heading).
生成预览 writes a temporary PDF (without taking an issue number) and shows it with
QtPdf; 打印 and 另存为PDF take (or reuse) the month's issue number. Printing renders
the PDF's pages into the printer at 300 dpi. Dialogs go through ``Dialogs`` so tests
can answer them.
"""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (QCheckBox, QDateEdit, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QMessageBox, QPlainTextEdit, QPushButton, QSpinBox, QSplitter, QTabWidget,
                               QVBoxLayout, QWidget)

from models import briefing_data as bd
from models.app import Actor, App, current_month
from models.entries_base import month_cn
from ui.briefing_issued import IssuedBriefings, a4_printer, print_and_remove
from ui.files import ask_save_path, offer_open
from ui.modal import run_modal
from ui.office_common import MessageLine, MonthCombo

# Section keys and tab titles (the same keys as exports.briefing_compose.SECTION_KEYS,
# repeated here so that the page does not import reportlab's modules at start-up).
SECTIONS = (("overview", "一、总体情况"), ("tasks", "二、重点任务进展"), ("indicators", "三、指标监测"),
            ("problems", "四、存在问题"), ("next", "五、下步工作"), ("notice", "六、情况通报"),
            ("extra", "其他（自由文字）"))


class Dialogs:
    """File and print dialogs (replaced in tests)."""

    def save_path(self, parent: QWidget, title: str, suggested: str) -> str:
        """Starts where a briefing was saved last, else in Documents."""
        return ask_save_path(parent, "briefing", title, suggested, "PDF 文件 (*.pdf)")

    def done(self, parent: QWidget, title: str, text: str, path: Path) -> None:
        offer_open(parent, title, text, path)

    def confirm(self, parent: QWidget, title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def has_printer(self) -> bool:
        """Whether a printer is installed (without one Windows' print dialog does not open)."""
        return bool(QPrinterInfo.availablePrinters())

    def pick_photos(self, parent: QWidget, app: App, actor: Actor, candidates: list[Any],
                    chosen: list[str]) -> list[str] | None:
        from ui.briefing_photo_picker import PhotoPicker
        dlg = PhotoPicker(app, actor, candidates, chosen, parent)
        return dlg.chosen() if run_modal(dlg) == QDialog.DialogCode.Accepted else None  # freed afterwards

    def print_setup(self, parent: QWidget, printer: QPrinter) -> bool:
        dlg = QPrintDialog(printer, parent)
        dlg.setWindowTitle("打印工作简报")
        return run_modal(dlg) == QPrintDialog.DialogCode.Accepted


class BriefingView(QWidget):
    title = "工作简报"
    needs_actor = True

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None,
                 dialogs: Dialogs | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.dialogs = dialogs or Dialogs()
        self._tmp = Path(tempfile.mkdtemp(prefix="briefing-"))
        atexit.register(shutil.rmtree, self._tmp, True)  # previews are removed on exit
        self._n = 0
        self.preview_path: Path | None = None
        self.last_pages = 0

        self.month = MonthCombo(app)
        self.month.set_month(current_month())
        self.issue = QSpinBox()
        self.issue.setRange(0, 9999)
        self.issue.setSpecialValueText("自动")
        self.issue.setToolTip("期号按年顺延；同一月份再次生成时沿用原期号。填写数字可指定期号。")
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy年M月d日")
        self.title_edit = QLineEdit(app.settings.get("briefing_title") or "")
        self.compose_btn = QPushButton("重新生成文字")
        self.preview_btn = QPushButton("生成预览")
        self.print_btn = QPushButton("打印…")
        self.save_btn = QPushButton("另存为PDF…")
        self.photos_btn = QPushButton("附图片…")
        self.photos_btn.setToolTip("从本月项目和任务的佐证材料中选择照片，附在简报最后一页（最多6张）")
        self.photos: list[str] = []
        self.preview_btn.setDefault(True)
        self.include_unreviewed = QCheckBox("含未审核数据")
        self.include_unreviewed.setToolTip("不勾选时，简报中的统计和判断只计已审核通过的数据；"
                                           "勾选后也计入待审、退回和草稿数据（这些数据仍有标注）。")

        top = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.month)
        row.addWidget(QLabel("期号"))
        row.addWidget(self.issue)
        row.addWidget(QLabel("日期"))
        row.addWidget(self.date)
        row.addStretch(1)
        top.addRow("简报月份", row)
        top.addRow("报头标题", self.title_edit)
        buttons = QHBoxLayout()
        for b in (self.compose_btn, self.photos_btn, self.preview_btn, self.print_btn, self.save_btn):
            buttons.addWidget(b)
        buttons.addWidget(self.include_unreviewed)
        buttons.addStretch(1)

        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("编者按（可不填）")
        self.note.setMaximumHeight(70)
        self.tabs = QTabWidget()
        self.edits: dict[str, QPlainTextEdit] = {}
        for key, label in SECTIONS:
            e = QPlainTextEdit()
            e.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            self.edits[key] = e
            self.tabs.addTab(e, label)
        self.edits["extra"].setPlaceholderText("可在此补充其他内容，例如“七、经验做法”及其正文，每段一行。")
        hint = QLabel("每行一段；以“（一）”开头的行为楷体小标题，以“一、”开头的行为黑体标题。"
                      "指标监测表和图由数据生成，不在此编辑。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel("编者按"))
        lv.addWidget(self.note)
        lv.addWidget(self.tabs, 1)
        lv.addWidget(hint)

        self.pdf = QPdfDocument(self)
        self.viewer = QPdfView()
        self.viewer.setDocument(self.pdf)
        self.viewer.setPageMode(QPdfView.PageMode.MultiPage)
        self.viewer.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pages_label = QLabel("尚未生成预览")
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.pages_label)
        rv.addWidget(self.viewer, 1)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)

        self.message = MessageLine()
        self.issued = IssuedBriefings(app, actor, self.dialogs, self.message, self._tmp)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(buttons)
        lay.addWidget(self.issued)
        lay.addWidget(split, 1)
        lay.addWidget(self.message)

        self.compose_btn.clicked.connect(self.recompose)
        self.preview_btn.clicked.connect(self.preview)
        self.print_btn.clicked.connect(self.print_briefing)
        self.save_btn.clicked.connect(self.save_as)
        self.photos_btn.clicked.connect(self.choose_photos)
        self._month = self.month.month()
        self._edited = False
        self.month.month_changed.connect(self._month_changed)
        self.compose()
        for e in [*self.edits.values(), self.note]:
            e.textChanged.connect(self._mark_edited)

    # -- options ------------------------------------------------------------------------
    def options(self, record: bool) -> object:
        from exports.briefing import BriefingOptions
        d = self.date.date()
        sections = {k: e.toPlainText() for k, e in self.edits.items()}
        return BriefingOptions(title=self.title_edit.text().strip() or None,
                               issue=self.issue.value() or None,
                               date=dt.date(d.year(), d.month(), d.day()),
                               editor_note=self.note.toPlainText(), sections=sections,
                               record_issue=record, photos=tuple(self.photos),
                               basis="all" if self.include_unreviewed.isChecked() else "approved")

    def choose_photos(self) -> None:
        """Pick the photos of the briefing's last page among the month's 佐证材料."""
        from exports.briefing_photos import briefing_photos
        from models.errors import DomainError
        try:
            candidates = briefing_photos(self.app, self.actor, self.month.month())
        except DomainError as exc:
            self.message.error(str(exc))
            return
        picked = self.dialogs.pick_photos(self, self.app, self.actor, candidates, self.photos)
        if picked is not None:
            self.photos = picked
            self.photos_btn.setText(f"附图片（{len(picked)}张）…" if picked else "附图片…")
            self.message.ok(f"简报将附{len(picked)}张图片，生成预览查看。" if picked else "简报不附图片。")

    def _busy(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def _idle(self) -> None:
        QGuiApplication.restoreOverrideCursor()

    # -- actions --------------------------------------------------------------------------
    def _mark_edited(self) -> None:
        self._edited = True

    def _may_discard(self) -> bool:
        return not self._edited or self.dialogs.confirm(
            self, "重新生成文字", "将按数据重新生成简报文字，您对文字的修改将丢失。是否继续？")

    def _month_changed(self, month: str) -> None:
        if month == self._month:
            return
        if not self._may_discard():
            self.month.blockSignals(True)
            self.month.set_month(self._month)
            self.month.blockSignals(False)
            return
        self._month = month
        self.photos = []  # another month's photos
        self.photos_btn.setText("附图片…")
        self.compose()

    def recompose(self) -> None:
        if self._may_discard():
            self.compose(from_data=True)

    def compose(self, from_data: bool = False) -> None:
        """Fill the text boxes: with the texts of the month's issued briefing when there is
        one (unless ``from_data``), else with texts composed from the month's data."""
        from exports.briefing_compose import compose_view
        from models.errors import DomainError
        from models.month_read import month_view
        month = self.month.month()
        d = self.date.date()
        stored = None if from_data else bd.issue_of_month_stored(self.app, self.actor, month)
        if stored is not None:
            _rec, spec, _view, _pdf = bd.stored_issue(self.app, self.actor, stored.year, stored.number)
            for key, e in self.edits.items():
                e.setPlainText(spec["sections"].get(key, ""))
            self.note.setPlainText(spec.get("editor_note") or "")
            self.title_edit.setText(spec.get("title") or "")
            self.include_unreviewed.setChecked(spec.get("basis") == "all")
            self._edited = False
            self.message.ok(f"{month_cn(month)}已编发为{stored.label}（{stored.issued_at[:10]}），显示的是编发时的文字；"
                            "“重印…”打印原件，“重新生成文字”按当前数据重新组稿。")
            return
        self._busy()
        try:
            view = month_view(self.app, self.actor, month, today=dt.date(d.year(), d.month(), d.day()),
                              basis="all" if self.include_unreviewed.isChecked() else "approved")
            texts = compose_view(view).sections
        except DomainError as exc:
            self.message.error(str(exc))
            return
        finally:
            self._idle()
        for key, e in self.edits.items():
            e.setPlainText(texts.get(key, ""))
        self._edited = False
        self.message.ok(f"已根据{month_cn(month)}的数据生成简报文字，可修改后生成预览、打印或另存为PDF。")

    def _build(self, path: Path, record: bool) -> int | None:
        """Write the PDF; returns its issue number, or None after showing why not."""
        from exports.briefing import build_briefing_ex
        from models.errors import DomainError
        from models.store import StoreError
        self._busy()
        try:
            res = build_briefing_ex(self.app, self.actor, self.month.month(), path, self.options(record))  # type: ignore[arg-type]
        except (DomainError, StoreError) as exc:
            self.message.error(str(exc))
            return None
        finally:
            self._idle()
        self.last_pages = res.pages
        if res.missing_glyphs:
            self.message.error("以下字符在所有可用字体中都没有字形，已以“〓”代替："
                               + "".join(res.missing_glyphs))
        return res.issue

    def preview(self) -> bool:
        self._n += 1
        path = self._tmp / f"预览-{self._n}.pdf"
        issue = self._build(path, record=False)
        if issue is None:
            return False
        self.pdf.close()
        self.pdf.load(str(path))
        if self.preview_path and self.preview_path.exists():
            self.preview_path.unlink(missing_ok=True)
        self.preview_path = path
        n = self.pdf.pageCount()
        self.pages_label.setText(f"预览：{month_cn(self.month.month())}工作简报 第{issue}期，共{n}页")
        if not self.message.text().startswith("以下字符"):
            self.message.ok(f"预览已生成（共{n}页）。打印或另存为PDF时将正式编号为第{issue}期。")
        return True

    def save_as(self) -> Path | None:
        month = self.month.month()
        suggested = f"工作简报-{month_cn(month)}.pdf"
        path = self.dialogs.save_path(self, "另存为PDF", suggested)
        if not path:
            return None
        out = Path(path)
        if out.suffix.lower() != ".pdf":
            out = out.with_name(out.name + ".pdf")
        issue = self._build(out, record=True)
        if issue is None:
            return None
        self.issued.fill()
        self.message.ok(f"已保存{month_cn(month)}工作简报（第{issue}期，共{self.last_pages}页）：{out}")
        self.dialogs.done(self, "另存为PDF", f"已保存{month_cn(month)}工作简报（第{issue}期）。", out)
        return out

    def print_briefing(self) -> bool:
        printer = a4_printer()
        if not self.dialogs.has_printer():
            self.message.error("本机没有安装打印机，无法打印。请先“另存为PDF”，再在连接了打印机的电脑上打印该文件。")
            return False
        if not self.dialogs.print_setup(self, printer):
            return False
        self._n += 1
        path = self._tmp / f"打印-{self._n}.pdf"
        issue = self._build(path, record=True)
        if issue is None:
            return False
        self.issued.fill()
        pages = print_and_remove(path, printer, self.message)
        if not pages:
            return False
        self.message.ok(f"已发送到打印机：{month_cn(self.month.month())}工作简报第{issue}期，共{pages}页。")
        return True

    def closeEvent(self, event: object) -> None:  # noqa: N802
        self.pdf.close()
        shutil.rmtree(self._tmp, ignore_errors=True)
        super().closeEvent(event)  # type: ignore[arg-type]
