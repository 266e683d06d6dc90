"""One worksheet of the streaming .xlsx writer: rows appended in order, written to the zip.

A ``StreamSheet`` is created by ``exports.xlsx_book.StreamBook.sheet`` with its set-up
(column widths, frozen panes, print titles, orientation). Each row becomes XML at once:
inline strings, typed numbers, booleans and dates (Excel serial numbers), with the
style index registered by the book and an explicit height when wrapped text needs
more than one line. The rows wait in a temporary file until the sheet is closed, when
the <dimension> that precedes them is known and the whole part is copied into the
package.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from models.authority import PUBLIC, rule
from exports.cjk_lines import wrap_cell
from exports.xlsx_style import FOOTER, auto_height, clean_cell_text, col_letter

if TYPE_CHECKING:
    from exports.xlsx_book import StreamBook

_EPOCH = datetime(1899, 12, 30)


@rule(PUBLIC)
def excel_serial(v: date | datetime) -> float:
    if isinstance(v, datetime):
        d = v - _EPOCH
        return d.days + d.seconds / 86400
    return float((v - _EPOCH.date()).days)


_COLS = [col_letter(i) for i in range(1, 200)]


@rule(PUBLIC)
class StreamSheet:
    """One worksheet being written. Set-up (widths, freeze, print titles) is given at
    creation; rows are then appended in order; ``close`` (or the next sheet) ends it."""

    def __init__(self, book: StreamBook, name: str, index: int, widths: Sequence[float],
                 freeze_rows: int = 0, freeze_cols: int = 0,
                 title_rows: tuple[int, int] | None = None, landscape: bool = True,
                 hidden_cols: Sequence[int] = (), fit_height: int = 0):
        self.book = book
        self.name = name
        self.index = index
        self.rows = 0
        self.ncols = len(widths)
        self.widths = list(widths)
        self.merges: list[str] = []
        self.title_rows = title_rows
        self.landscape = landscape
        self.fit_height = fit_height  # pages tall when printed (0: as many as needed)
        # Rows go to a temporary file first: the <dimension> element that precedes them
        # (read-only readers rely on it) is known only when the sheet is complete.
        self._fh = tempfile.TemporaryFile()
        self._buf: list[str] = []
        fz = ""
        if freeze_rows or freeze_cols:
            tl = f"{_COLS[freeze_cols]}{freeze_rows + 1}"
            pane = "bottomRight" if freeze_rows and freeze_cols else ("bottomLeft" if freeze_rows else "topRight")
            fz = ("<pane" + (f' xSplit="{freeze_cols}"' if freeze_cols else "")
                  + (f' ySplit="{freeze_rows}"' if freeze_rows else "")
                  + f' topLeftCell="{tl}" activePane="{pane}" state="frozen"/>'
                  f'<selection pane="{pane}" activeCell="{tl}" sqref="{tl}"/>')
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"'
            + (' hidden="1"' if i in hidden_cols else "") + "/>"
            for i, w in enumerate(widths, 1))
        sel = ' tabSelected="1"' if index == 0 else ""
        self._head = (
            f'<sheetViews><sheetView workbookViewId="0"{sel}>{fz}</sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="13.5"/>'
            + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")

    def _write(self, s: str) -> None:
        self._fh.write(s.encode("utf-8"))

    def row(self, values: Sequence[Any], styles: Sequence[int] | int, height: float | None = None,
            widths: Sequence[float] | None = None) -> None:
        """Append one row; ``styles`` is a style index per value or one for all. Wrapped
        prose (styles with ``breaks``: progress, problems, notes) is broken into lines that fit its
        column (``widths``: of merged cells), by the Chinese line-breaking rules, so that
        every program prints the same lines."""
        self.rows += 1
        r = self.rows
        buf = self._buf
        wrap = self.book.styles.wrap
        wraps = [wrap[styles]] * len(values) if isinstance(styles, int) else [wrap[i] for i in styles]
        widths = widths or self.widths
        brk = self.book.styles.breaks
        breaks = [brk[styles]] * len(values) if isinstance(styles, int) else [brk[i] for i in styles]
        if any(breaks):
            indent = self.book.styles.indent
            ind = [indent[styles]] * len(values) if isinstance(styles, int) else [indent[i] for i in styles]
            values = [wrap_cell(clean_cell_text(v), widths[i], ind[i]) if breaks[i] and isinstance(v, str)
                      and i < len(widths) else v for i, v in enumerate(values)]
        if height is None:
            height = auto_height(values, widths, wraps)
        buf.append(f'<row r="{r}"' + (f' ht="{height:g}" customHeight="1">' if height else ">"))
        one = styles if isinstance(styles, int) else None
        for i, v in enumerate(values):
            s = one if one is not None else styles[i]  # type: ignore[index]
            ref = f"{_COLS[i]}{r}"
            if v is None or v == "":
                buf.append(f'<c r="{ref}" s="{s}"/>')
            elif isinstance(v, str):
                v = clean_cell_text(v)
                buf.append(f'<c r="{ref}" s="{s}" t="inlineStr"><is><t xml:space="preserve">'
                           f"{escape(v)}</t></is></c>")
            elif isinstance(v, bool):
                buf.append(f'<c r="{ref}" s="{s}" t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, (int, float)):
                if v != v or v in (float("inf"), float("-inf")):
                    buf.append(f'<c r="{ref}" s="{s}"/>')
                else:
                    buf.append(f'<c r="{ref}" s="{s}"><v>{v!r}</v></c>')
            elif isinstance(v, (date, datetime)):
                buf.append(f'<c r="{ref}" s="{s}"><v>{excel_serial(v)!r}</v></c>')
            else:
                t = escape(clean_cell_text(str(v)))
                buf.append(f'<c r="{ref}" s="{s}" t="inlineStr"><is><t xml:space="preserve">{t}</t></is></c>')
        buf.append("</row>")
        if len(buf) > 4000:
            self._write("".join(buf))
            buf.clear()

    def merged_row(self, text: str, style: int, ncols: int, height: float | None = None) -> None:
        """A row whose first ``ncols`` cells are merged and hold ``text``."""
        self.row([text] + [None] * (ncols - 1), style, height, [sum(self.widths[:ncols])] + list(self.widths[1:]))
        if ncols > 1:
            self.merges.append(f"A{self.rows}:{_COLS[ncols - 1]}{self.rows}")

    def close(self) -> None:
        if self._fh is None:
            return
        if self._buf:
            self._write("".join(self._buf))
            self._buf.clear()
        tail = ["</sheetData>"]
        if self.merges:
            tail.append(f'<mergeCells count="{len(self.merges)}">'
                        + "".join(f'<mergeCell ref="{m}"/>' for m in self.merges) + "</mergeCells>")
        tail.append('<printOptions horizontalCentered="1"/>'
                    '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
                    f'<pageSetup paperSize="9" orientation="{"landscape" if self.landscape else "portrait"}"'
                    f' fitToWidth="1" fitToHeight="{self.fit_height}"/>'
                    f'<headerFooter><oddFooter>{escape(FOOTER)}</oddFooter></headerFooter></worksheet>')
        self._write("".join(tail))
        last = f"{_COLS[max(self.ncols, 1) - 1]}{max(self.rows, 1)}"
        head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:{last}"/>' + self._head)
        self._fh.seek(0)
        with self.book.zf.open(f"xl/worksheets/sheet{self.index + 1}.xml", "w", force_zip64=True) as out:
            out.write(head.encode("utf-8"))
            shutil.copyfileobj(self._fh, out, 1 << 20)
        self._fh.close()
        self._fh = None  # type: ignore[assignment]
