"""The briefing page's list of issued numbers with 重印 (print the stored original) and
另存原件 (save it as a PDF), and the printing of a PDF's pages (``print_pdf``).

An issued briefing is reprinted from the PDF bytes stored when it was numbered
(``exports.briefing.reprint_briefing``), so the reprint is the very document sent out,
whatever has changed in the data, the settings or the texts since.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from models import briefing_data as bd
from models.app import Actor, App
from models.entries_base import month_cn

PRINT_DPI = 300


class IssuedBriefings(QWidget):
    """已编发：[2026年第3期（2026年10月，2026-11-05）▾] [重印…] [另存原件…]"""

    def __init__(self, app: App, actor: Actor, dialogs: Any, message: Any, tmp: Path,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.dialogs = dialogs
        self.message = message
        self._tmp = tmp
        self._n = 0
        self.box = QComboBox()
        self.box.setMinimumWidth(260)
        self.reprint_btn = QPushButton("重印…")
        self.reprint_btn.setToolTip("打印已编发的一期，与当时印发的完全相同")
        self.save_btn = QPushButton("另存原件…")
        self.save_btn.setToolTip("把已编发的一期保存为PDF文件，与当时印发的完全相同")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("已编发："))
        row.addWidget(self.box)
        row.addWidget(self.reprint_btn)
        row.addWidget(self.save_btn)
        row.addStretch(1)
        self.reprint_btn.clicked.connect(self.reprint)
        self.save_btn.clicked.connect(self.save_original)
        self.fill()

    def fill(self) -> None:
        """The issued numbers, newest year first (label, month, date issued)."""
        self.box.clear()
        for b in bd.issued(self.app, self.actor):
            self.box.addItem(f"{b.label}（{month_cn(b.month)}，{b.issued_at[:10]}）", f"{b.year}-{b.number}")
        has = self.box.count() > 0
        if not has:
            self.box.addItem("（尚未编发）", "")
        for w in (self.box, self.reprint_btn, self.save_btn):
            w.setEnabled(has)

    def selected(self) -> str:
        return str(self.box.currentData() or "")

    def select(self, ref: str) -> None:
        i = self.box.findData(ref)
        if i >= 0:
            self.box.setCurrentIndex(i)

    def save_original(self) -> Path | None:
        """Save the selected issue's stored PDF (the very bytes issued)."""
        from exports.briefing import reprint_briefing
        from models.errors import DomainError
        ref = self.selected()
        if not ref:
            return None
        year, number = ref.split("-")
        path = self.dialogs.save_path(self, "另存已编发的简报", f"工作简报-{year}年第{number}期.pdf")
        if not path:
            return None
        out = Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf")
        try:
            rec = reprint_briefing(self.app, self.actor, ref, out)
        except (DomainError, OSError) as exc:
            self.message.error(f"无法保存：{exc}")
            return None
        self.message.ok(f"已保存{rec.label}工作简报原件（{month_cn(rec.month)}，共{rec.pages}页）：{out}")
        done = getattr(self.dialogs, "done", None)
        if done is not None:  # offer to open the file or its folder
            done(self, "另存原件", f"已保存{rec.label}工作简报原件。", out)
        return out

    def reprint(self) -> bool:
        """Print the selected issue exactly as issued."""
        from exports.briefing import reprint_briefing
        from models.errors import DomainError
        ref = self.selected()
        if not ref:
            return False
        printer = a4_printer()
        if not self.dialogs.has_printer():
            self.message.error("本机没有安装打印机，无法重印。请用“另存原件…”保存，再在连接了打印机的电脑上打印。")
            return False
        if not self.dialogs.print_setup(self, printer):
            return False
        self._n += 1
        path = self._tmp / f"重印-{self._n}.pdf"
        try:
            rec = reprint_briefing(self.app, self.actor, ref, path)
        except (DomainError, OSError) as exc:
            self.message.error(f"无法重印：{exc}")
            return False
        pages = print_and_remove(path, printer, self.message)
        if pages:
            self.message.ok(f"已重印{rec.label}工作简报（{month_cn(rec.month)}），共{pages}页。")
        return pages > 0


def print_and_remove(path: Path, printer: QPrinter, message: Any) -> int:
    """Print the PDF at ``path`` and delete it; the page count (0, said on ``message``, when
    the file could not be read)."""
    pages = print_pdf(path, printer)
    path.unlink(missing_ok=True)
    if pages == 0:
        message.error("打印失败：无法读取生成的简报文件。")
    return pages


def a4_printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    return printer


def print_pdf(path: Path, printer: QPrinter) -> int:
    """Render every page of the PDF at ``path`` into ``printer``; returns the page count."""
    doc = QPdfDocument()
    doc.load(str(path))
    n = doc.pageCount()
    if n <= 0:
        return 0
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        for i in range(n):
            if i:
                printer.newPage()
            pts = doc.pagePointSize(i)
            dpi = min(PRINT_DPI, printer.resolution())
            size = QSize(round(pts.width() / 72 * dpi), round(pts.height() / 72 * dpi))
            image = doc.render(i, size)
            target = painter.viewport()
            painter.drawImage(target, image)
    finally:
        painter.end()
        doc.close()
    return n
