"""Cell styles and cell rules shared by the Excel outputs (the ledger and the template).

A ``CellStyle`` describes one cell format (font, fill, border, alignment, number
format); the named styles below are the house look of every workbook. Also here: the
text a cell may hold (``clean_cell_text``), the sheet names Excel accepts
(``safe_sheet_name``), the row height that shows wrapped text whole (``auto_height``)
and column letters.

The ledger is written by the streaming writer (``exports.xlsx_book.StreamBook`` with
``exports.xlsx_sheet.StreamSheet``), which registers these styles once per workbook.
The fill-in template is small and needs data validation and sheet protection, so it
uses openpyxl; ``openpyxl_style`` turns the same style descriptions into openpyxl
objects so both files look alike.
"""

from __future__ import annotations

from models.authority import PUBLIC, rule
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


BODY_FONT = "宋体"
HEAD_FONT = "黑体"
MAX_CELL = 32767  # Excel's limit on the characters of one cell
MAX_SHEET_NAME = 31
DATE_FMT = "yyyy-mm-dd"
# “_ ” leaves a space's width after a right-aligned number (Excel and LibreOffice alike:
# an indent is ignored by LibreOffice for right-aligned cells), so digits keep off the border;
# the fourth section does the same for text in a number column (a yes/no figure's “是”).
MONEY_FMT = "#,##0.00_ ;-#,##0.00_ ;0.00_ ;@_ "
NUMBER_FMT = "0.00_ ;-0.00_ ;0.00_ ;@_ "
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


@rule(PUBLIC)
def clean_cell_text(text: str) -> str:
    """Text safe for a cell: invalid XML characters removed, at most 32767 characters."""
    if _BAD_XML.search(text):
        text = _BAD_XML.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return text


@rule(PUBLIC)
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


@rule(PUBLIC)
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
    indent: int = 0  # text kept off the cell's border (Excel indent levels)
    breaks: bool = False  # long prose: broken into printed lines by the writer (避头尾)


# The shared styles of the ledger and the template.
TITLE = CellStyle(font=HEAD_FONT, size=16, border=False, halign="center", wrap=False)
SUBTITLE = CellStyle(size=10, border=False, halign="left", wrap=False)
DEMO = CellStyle(font=HEAD_FONT, size=11, color="C00000", border=False, halign="center", wrap=False)
HEAD = CellStyle(font=HEAD_FONT, size=10, fill=FILL_HEAD, halign="center")
GROUP = CellStyle(font=HEAD_FONT, size=10, fill=FILL_GREY, halign="left", wrap=False)
# Text is centred vertically: a spreadsheet cell has no inner padding, so top-aligned text
# sits on the top border; centred, the row's extra height (``auto_height``) is split above
# and below the tallest text.
TEXT = CellStyle(halign="left", indent=1)
PROSE = CellStyle(halign="left", indent=1, breaks=True)  # 进展、问题、说明 …
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


@rule(PUBLIC)
def auto_height(values: Sequence[Any], widths: Sequence[float], wraps: Sequence[bool],
                line: float = LINE_HEIGHT) -> float | None:
    """The row height (points) that shows every wrapped text cell whole, or None when one
    line is enough. Excel autofits such rows when it opens a file, LibreOffice does not,
    and printed ledgers must not cut text, so the height is written explicitly. A CJK
    character counts as two column-width units, other characters as one."""
    lines = 1
    for v, w, wrap in zip(values, widths, wraps, strict=False):
        if not wrap or not isinstance(v, str) or (len(v) * 2 <= w - 1 and "\n" not in v):
            continue
        per = max(w - 1.5, 1.0)
        n = 0
        for para in v.split("\n"):
            units = (len(para.encode("utf-8")) + len(para)) / 2
            n += max(1, -int(-units // per))
        lines = max(lines, n)
    if lines == 1:
        return None
    return min(MAX_ROW_HEIGHT, lines * line + 8)  # 4 points free above and below


@rule(PUBLIC)
def status_style(colour: str) -> CellStyle:
    return STATUS_STYLE.get(colour or "", CENTER)


@rule(PUBLIC)
def col_letter(n: int) -> str:
    """1 → A, 27 → AA."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


# ---------------------------------------------------------------------------
# The same styles for openpyxl (the fill-in template)

@rule(PUBLIC)
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
        "alignment": Alignment(horizontal=st.halign or None, vertical=st.valign or None, wrap_text=st.wrap,
                               indent=st.indent),
        "number_format": st.numfmt or "General",
    }
    if cache is not None:
        cache[st] = out
    return out


@rule(PUBLIC)
def apply_style(cell: Any, st: CellStyle, cache: dict[CellStyle, dict[str, Any]]) -> None:
    for k, v in openpyxl_style(st, cache).items():
        setattr(cell, k, v)
