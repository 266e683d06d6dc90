"""Small pieces shared by the office and administration pages: a month picker, colour
chips, a message line, a read-only table, printing a document (the sortable table model
and view are in ``ui.tables`` and are re-exported here)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QLabel, QTableWidget, QWidget

from models.app import App, current_month, months_between
from models.dashboard import LIGHT_NAMES
from models.target_rules import STATUS_COLORS as LIGHT_COLORS
from ui.modal import run_modal
from ui.tables import RowsModel, SortedTable, make_sortable

__all__ = ["LIGHT_COLORS", "LIGHT_NAMES", "MessageLine", "MonthCombo", "RowsModel", "SortedTable",
           "chip_html", "preview_and_print", "print_to_pdf", "readonly_table"]


class MonthCombo(QComboBox):
    """Months of the plan up to the current reporting month, newest first."""

    month_changed = Signal(str)

    def __init__(self, app: App, parent: QWidget | None = None):
        super().__init__(parent)
        last = current_month()
        first = app.plan.first_month
        months = months_between(first, last) if first <= last else [last]
        for m in reversed(months):
            self.addItem(f"{int(m[:4])}年{int(m[5:7])}月", m)
        self.currentIndexChanged.connect(lambda _i: self.month_changed.emit(self.month()))

    def month(self) -> str:
        return str(self.currentData())

    def set_month(self, month: str) -> None:
        i = self.findData(month)
        if i < 0:
            self.addItem(f"{int(month[:4])}年{int(month[5:7])}月", month)
            i = self.count() - 1
        self.setCurrentIndex(i)


def chip_html(status: str, text: str | None = None) -> str:
    c = LIGHT_COLORS.get(status, "#6b7280")
    return f"<span style='color:{c}'>●</span> {text or LIGHT_NAMES.get(status, status)}"


class MessageLine(QLabel):
    """One line under a page's buttons: what just happened, or why it was refused."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def ok(self, text: str) -> None:
        self.setStyleSheet("color: #166534;")
        self.setText(text)

    def error(self, text: str) -> None:
        self.setStyleSheet("color: #b91c1c;")
        self.setText(text)


def readonly_table(columns: Sequence[str], stretch: int) -> QTableWidget:
    """A table of whole rows to select one at a time, not to edit, sortable by a header
    click (fill it with ``ui.tables.fill_table``); column ``stretch`` fills."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    make_sortable(table)
    return table


def _printer(landscape: bool) -> Any:
    from PySide6.QtPrintSupport import QPrinter
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    if landscape:
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    return printer


def preview_and_print(parent: QWidget, doc: QTextDocument, title: str, landscape: bool = False) -> None:
    """The print preview dialog of ``doc`` (printing from there)."""
    from PySide6.QtPrintSupport import QPrintPreviewDialog
    printer = _printer(landscape)  # must outlive the dialog, which only points to it
    dlg = QPrintPreviewDialog(printer, parent)
    dlg.setWindowTitle(title)
    dlg.paintRequested.connect(doc.print_)
    run_modal(dlg)


def print_to_pdf(doc: QTextDocument, path: str | Path, landscape: bool = False) -> Path:
    """``doc`` printed to an A4 PDF file."""
    from PySide6.QtPrintSupport import QPrinter
    from models.atomic_write import atomic_path
    printer = _printer(landscape)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    with atomic_path(path) as tmp:
        printer.setOutputFileName(str(tmp))
        doc.print_(printer)  # the painter's end closes the file
    return Path(path)
