"""Cell styles for the Excel outputs and a small streaming .xlsx writer for the ledger.

The ledger of a whole plan period has hundreds of thousands of cells, so it is
written row by row straight into the zip file (one sheet open at a time), with
every style registered once and referred to by index. The writer produces a
minimal, valid SpreadsheetML package: inline strings, typed numbers and dates,
merged title rows, frozen panes, repeated print titles, A4 landscape page set-up
fitted to one page wide and a 第 N 页 共 M 页 footer.

The fill-in template is small and needs data validation and sheet protection, so
it uses openpyxl; ``openpyxl_style`` turns the same style descriptions into
openpyxl objects so both files look alike.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

BODY_FONT = "宋体"
HEAD_FONT = "黑体"
MAX_CELL = 32767  # Excel's limit on the characters of one cell
MAX_SHEET_NAME = 31
DATE_FMT = "yyyy-mm-dd"
MONEY_FMT = "#,##0.00"
NUMBER_FMT = "0.00"
FOOTER = "&C第 &P 页 共 &N 页"

# Fills of the traffic-light statuses (ARGB without alpha), light enough to print.
FILL_RED = "F4B6B6"
FILL_YELLOW = "FFE699"
FILL_GREEN = "C6EFCE"
FILL_GREY = "E7E6E6"
FILL_HEAD = "D9E1F2"

# XML 1.0 forbids most control characters; Excel also chokes on lone surrogates.
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def clean_cell_text(text: str) -> str:
    """Text safe for a cell: invalid XML characters removed, at most 32767 characters."""
    if _BAD_XML.search(text):
        text = _BAD_XML.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return text


def safe_sheet_name(name: str, used: Iterable[str] = ()) -> str:
    """A sheet name Excel accepts: no []:*?/\\, not quoted, at most 31 characters, unique
    (case-insensitively) among ``used``."""
    base = _BAD_SHEET.sub("_", clean_cell_text(name)).strip("'").strip() or "Sheet"
    base = base[:MAX_SHEET_NAME]
    taken = {u.lower() for u in used}
    out, n = base, 1
    while out.lower() in taken:
        n += 1
        suffix = f"({n})"
        out = base[: MAX_SHEET_NAME - len(suffix)] + suffix
    return out


@dataclass(frozen=True)
class CellStyle:
    """One cell format. Instances are hashable and registered once per workbook."""

    font: str = BODY_FONT
    size: float = 10
    bold: bool = False
    color: str = ""  # font colour, RRGGBB
    fill: str = ""  # background, RRGGBB
    border: bool = True
    halign: str = ""  # left | center | right | ""
    valign: str = "center"
    wrap: bool = True
    numfmt: str = ""  # "" is General


# The shared styles of the ledger and the template.
TITLE = CellStyle(font=HEAD_FONT, size=16, border=False, halign="center", wrap=False)
SUBTITLE = CellStyle(size=10, border=False, halign="left", wrap=False)
DEMO = CellStyle(font=HEAD_FONT, size=11, color="C00000", border=False, halign="center", wrap=False)
HEAD = CellStyle(font=HEAD_FONT, size=10, fill=FILL_HEAD, halign="center")
GROUP = CellStyle(font=HEAD_FONT, size=10, fill=FILL_GREY, halign="left", wrap=False)
TEXT = CellStyle(valign="top")
CENTER = CellStyle(halign="center")
DATE = CellStyle(halign="center", numfmt=DATE_FMT)
DATETIME = CellStyle(halign="center", numfmt="yyyy-mm-dd hh:mm")
MONEY = CellStyle(halign="right", numfmt=MONEY_FMT)
NUMBER = CellStyle(halign="right", numfmt=NUMBER_FMT)
INTEGER = CellStyle(halign="center", numfmt="0")
RED = CellStyle(halign="center", fill=FILL_RED)
YELLOW = CellStyle(halign="center", fill=FILL_YELLOW)
GREEN = CellStyle(halign="center", fill=FILL_GREEN)
GREY = CellStyle(halign="center", fill=FILL_GREY)

STATUS_STYLE = {"red": RED, "yellow": YELLOW, "green": GREEN, "grey": GREY, "": CENTER}


LINE_HEIGHT = 13.5  # points per line of 10-point text
MAX_ROW_HEIGHT = 409.0  # Excel's limit


def auto_height(values: Sequence[Any], widths: Sequence[float], wraps: Sequence[bool],
                line: float = LINE_HEIGHT) -> float | None:
    """The row height (points) that shows every wrapped text cell whole, or None when one
    line is enough. Excel autofits such rows when it opens a file, LibreOffice does not,
    and printed ledgers must not cut text, so the height is written explicitly. A CJK
    character counts as two column-width units, other characters as one."""
    lines = 1
    for v, w, wrap in zip(values, widths, wraps, strict=False):
        if not wrap or not isinstance(v, str) or len(v) * 2 <= w - 1:
            continue
        per = max(w - 1.5, 1.0)
        n = 0
        for para in v.split("\n"):
            units = (len(para.encode("utf-8")) + len(para)) / 2
            n += max(1, -int(-units // per))
        lines = max(lines, n)
    if lines == 1:
        return None
    return min(MAX_ROW_HEIGHT, lines * line + 3)


def status_style(colour: str) -> CellStyle:
    return STATUS_STYLE.get(colour or "", CENTER)


# ---------------------------------------------------------------------------
# The streaming writer

_EPOCH = datetime(1899, 12, 30)


def excel_serial(v: date | datetime) -> float:
    if isinstance(v, datetime):
        d = v - _EPOCH
        return d.days + d.seconds / 86400
    return float((v - _EPOCH.date()).days)


def col_letter(n: int) -> str:
    """1 → A, 27 → AA."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


_COLS = [col_letter(i) for i in range(1, 200)]


def _attr(s: str) -> str:
    return escape(s, {'"': "&quot;"})


class _Styles:
    def __init__(self) -> None:
        self.fonts: list[tuple[Any, ...]] = [(BODY_FONT, 11.0, False, "")]
        self.fills: list[str] = ["none", "gray125"]
        self.numfmts: dict[str, int] = {}
        self.xfs: list[tuple[int, int, int, int, CellStyle]] = [(0, 0, 0, 0, CellStyle(border=False))]
        self.index: dict[CellStyle, int] = {}
        self.wrap: list[bool] = [False]

    def add(self, st: CellStyle) -> int:
        if st in self.index:
            return self.index[st]
        fk = (st.font, float(st.size), st.bold, st.color)
        if fk not in self.fonts:
            self.fonts.append(fk)
        fill = st.fill or "none"
        if fill not in self.fills:
            self.fills.append(fill)
        numfmt = 0
        if st.numfmt:
            builtin = {"0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4}
            numfmt = builtin.get(st.numfmt) or self.numfmts.setdefault(st.numfmt, 164 + len(self.numfmts))
        self.xfs.append((self.fonts.index(fk), self.fills.index(fill), 1 if st.border else 0, numfmt, st))
        self.index[st] = len(self.xfs) - 1
        self.wrap.append(st.wrap)
        return self.index[st]

    def xml(self) -> str:
        out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
        if self.numfmts:
            out.append(f'<numFmts count="{len(self.numfmts)}">')
            out += [f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>' for code, i in self.numfmts.items()]
            out.append("</numFmts>")
        out.append(f'<fonts count="{len(self.fonts)}">')
        for name, size, bold, color in self.fonts:
            out.append("<font>" + ("<b/>" if bold else "") + f'<sz val="{size:g}"/>'
                       + (f'<color rgb="FF{color}"/>' if color else "")
                       + f'<name val="{_attr(name)}"/><charset val="134"/><family val="3"/></font>')
        out.append("</fonts>")
        out.append(f'<fills count="{len(self.fills)}">')
        for f in self.fills:
            if f in ("none", "gray125"):
                out.append(f'<fill><patternFill patternType="{f}"/></fill>')
            else:
                out.append(f'<fill><patternFill patternType="solid"><fgColor rgb="FF{f}"/>'
                           '<bgColor indexed="64"/></patternFill></fill>')
        out.append("</fills>")
        thin = '<{0} style="thin"><color rgb="FF000000"/></{0}>'
        out.append('<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
                   "<border>" + "".join(thin.format(s) for s in ("left", "right", "top", "bottom"))
                   + "<diagonal/></border></borders>")
        out.append('<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>')
        out.append(f'<cellXfs count="{len(self.xfs)}">')
        for font, fill, border, numfmt, st in self.xfs:
            attrs = (f'numFmtId="{numfmt}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"'
                     + (' applyNumberFormat="1"' if numfmt else "")
                     + (' applyFont="1"' if font else "") + (' applyFill="1"' if fill else "")
                     + (' applyBorder="1"' if border else ""))
            al = ""
            if st.halign:
                al += f' horizontal="{st.halign}"'
            if st.valign:
                al += f' vertical="{st.valign}"'
            if st.wrap:
                al += ' wrapText="1"'
            out.append(f'<xf {attrs} applyAlignment="1"><alignment{al}/></xf>' if al else f"<xf {attrs}/>")
        out.append("</cellXfs>")
        out.append('<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                   '<dxfs count="0"/><tableStyles count="0"/></styleSheet>')
        return "".join(out)


class StreamSheet:
    """One worksheet being written. Set-up (widths, freeze, print titles) is given at
    creation; rows are then appended in order; ``close`` (or the next sheet) ends it."""

    def __init__(self, book: StreamBook, name: str, index: int, widths: Sequence[float],
                 freeze_rows: int = 0, freeze_cols: int = 0,
                 title_rows: tuple[int, int] | None = None, landscape: bool = True,
                 hidden_cols: Sequence[int] = ()):
        self.book = book
        self.name = name
        self.index = index
        self.rows = 0
        self.ncols = len(widths)
        self.widths = list(widths)
        self.merges: list[str] = []
        self.title_rows = title_rows
        self.landscape = landscape
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

    def row(self, values: Sequence[Any], styles: Sequence[int] | int, height: float | None = None) -> None:
        """Append one row; ``styles`` is a style index per value or one for all."""
        self.rows += 1
        r = self.rows
        buf = self._buf
        if height is None:
            wrap = self.book.styles.wrap
            wraps = [wrap[styles]] * len(values) if isinstance(styles, int) else [wrap[i] for i in styles]
            height = auto_height(values, self.widths, wraps)
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
        self.row([text] + [None] * (ncols - 1), style, height)
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
                    ' fitToWidth="1" fitToHeight="0"/>'
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


class StreamBook:
    """A workbook written sheet by sheet into ``path``. Use as a context manager or call
    ``close``; ``abort`` closes and deletes the partial file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.zf = zipfile.ZipFile(self.path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self.styles = _Styles()
        self.sheets: list[StreamSheet] = []
        self._current: StreamSheet | None = None

    def style(self, st: CellStyle) -> int:
        return self.styles.add(st)

    def sheet(self, name: str, widths: Sequence[float], **kw: Any) -> StreamSheet:
        if self._current is not None:
            self._current.close()
        name = safe_sheet_name(name, [s.name for s in self.sheets])
        sh = StreamSheet(self, name, len(self.sheets), widths, **kw)
        self.sheets.append(sh)
        self._current = sh
        return sh

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        if not self.sheets:
            self.sheet("Sheet1", [10])
            self._current.close()  # type: ignore[union-attr]
        n = len(self.sheets)
        ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/xl/workbook.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
              '<Override PartName="/xl/styles.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
              + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                        for i in range(1, n + 1))
              + '<Override PartName="/docProps/core.xml" '
              'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
              '<Override PartName="/docProps/app.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
              "</Types>")
        rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/officeDocument" Target="xl/workbook.xml"/>'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
                'metadata/core-properties" Target="docProps/core.xml"/>'
                '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/extended-properties" Target="docProps/app.xml"/></Relationships>')
        now = datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                '<dc:creator>珠山区碳达峰调度系统</dc:creator>'
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>')
        appx = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                "<Application>Microsoft Excel</Application></Properties>")
        names = []
        for i, s in enumerate(self.sheets):
            if s.title_rows:
                a, b = s.title_rows
                q = s.name.replace("'", "''")
                names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                             f"{escape(chr(39) + q + chr(39))}!${a}:${b}</definedName>")
        wb = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
              'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
              '<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews><sheets>'
              + "".join(f'<sheet name="{_attr(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                        for i, s in enumerate(self.sheets, 1))
              + "</sheets>" + (f"<definedNames>{''.join(names)}</definedNames>" if names else "")
              + '<calcPr calcId="191029"/></workbook>')
        wrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
                           f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                           for i in range(1, n + 1))
                 + f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/'
                 '2006/relationships/styles" Target="styles.xml"/></Relationships>')
        self.zf.writestr("[Content_Types].xml", ct)
        self.zf.writestr("_rels/.rels", rels)
        self.zf.writestr("docProps/core.xml", core)
        self.zf.writestr("docProps/app.xml", appx)
        self.zf.writestr("xl/workbook.xml", wb)
        self.zf.writestr("xl/_rels/workbook.xml.rels", wrels)
        self.zf.writestr("xl/styles.xml", self.styles.xml())
        self.zf.close()

    def abort(self) -> None:
        try:
            if self._current is not None and self._current._fh is not None:
                self._current._fh.close()
            self.zf.close()
        except (OSError, ValueError):
            pass
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> StreamBook:
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


# ---------------------------------------------------------------------------
# The same styles for openpyxl (the fill-in template)

def openpyxl_style(st: CellStyle, cache: dict[CellStyle, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Font, fill, border, alignment and number format objects for ``st`` (shared, so
    openpyxl stores each once)."""
    if cache is not None and st in cache:
        return cache[st]
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    side = Side(style="thin", color="FF000000")
    out: dict[str, Any] = {
        "font": Font(name=st.font, size=st.size, bold=st.bold, color=("FF" + st.color) if st.color else None),
        "fill": PatternFill("solid", fgColor="FF" + st.fill) if st.fill else PatternFill(),
        "border": Border(left=side, right=side, top=side, bottom=side) if st.border else Border(),
        "alignment": Alignment(horizontal=st.halign or None, vertical=st.valign or None, wrap_text=st.wrap),
        "number_format": st.numfmt or "General",
    }
    if cache is not None:
        cache[st] = out
    return out


def apply_style(cell: Any, st: CellStyle, cache: dict[CellStyle, dict[str, Any]]) -> None:
    for k, v in openpyxl_style(st, cache).items():
        setattr(cell, k, v)
