"""Plain-text plans (.txt): UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK.

Paragraphs are lines. A line that only continues the one before it (text copied out
of a PDF, wrapped at the page edge) is joined to it: the line before is long, does not
end a sentence, and the new line does not start a heading.

Tables: text copied out of Word or WPS puts each cell on its own line starting with a
tab, with a blank line between rows; a row on one line with its cells between ``|``
(a web page) or tabs (Excel) is read too. A line without a tab between two cell lines
continues the cell before it (a cell printed over several lines keeps its line breaks);
two blank lines before a row end the table's part on that page (a header repeated
there is recognised later, in ``tables``).
"""

from __future__ import annotations

import re

from models.plan_import.document import (
    SENTENCE_END,
    Budget,
    Cell,
    Para,
    PlanImportError,
    Progress,
    SourceDoc,
    Table,
    check_size,
    clean_line,
)
from models.plan_import.headings import starts_heading

_CONTINUED_TABLE = re.compile(r"^\s*(续表|附表.{0,6}[（(]续[）)])")


def decode(data: bytes, name: str) -> str:
    """The text of a .txt file; the encoding is found from the BOM, else UTF-8, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise PlanImportError(
            f"文件“{name}”不是可识别的文本编码（UTF-8 或 GB18030/GBK），第 {exc.start} 字节处无法解码。"
            "请在记事本或 WPS 中另存为“UTF-8”编码后再导入。") from None


def read_text_file(data: bytes, name: str, progress: Progress | None = None) -> SourceDoc:
    check_size(len(data), name)
    text = decode(data, name)
    if "\x00" in text:
        raise PlanImportError(f"文件“{name}”含有二进制内容，不是文本文件。")
    return read_text(text, name, progress)


def read_text(text: str, name: str = "文本", progress: Progress | None = None) -> SourceDoc:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    budget = Budget(name, progress)
    blocks: list[Para | Table] = []
    i = 0
    blank_run = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("\t"):
            table, i = _table(lines, i, budget, blank_run >= 2)
            blocks.append(table)
            blank_run = 0
            continue
        if _row_cells(line) is not None:
            table, i = _row_table(lines, i, budget, blank_run >= 2)
            blocks.append(table)
            blank_run = 0
            continue
        if not line.strip():
            blank_run += 1
            i += 1
            continue
        para = clean_line(line)
        budget.block(len(para))
        prev = blocks[-1] if blocks else None
        if (blank_run == 0 and isinstance(prev, Para) and _continues(prev.text, para)):
            prev.text += para
        else:
            blocks.append(Para(para, f"第{i + 1}行"))
        blank_run = 0
        i += 1
    return SourceDoc(blocks, "txt", name, lost=[])


def _row_cells(line: str) -> list[str] | None:
    """The cells of a table row written on one line: ``a | b | c`` (a web page's table) or
    ``a<TAB>b<TAB>c`` (copied out of Excel); None for any other line."""
    text = line.strip()
    for sep in ("|", "｜"):
        if text.count(sep) >= 2:
            return [c.strip() for c in text.strip(sep).split(sep)]
    if line.count("\t") >= 2 and not line.startswith("\t"):
        return [c.strip() for c in line.rstrip("\n").split("\t")]
    return None


def _row_table(lines: list[str], i: int, budget: Budget, after_gap: bool) -> tuple[Table, int]:
    start = i
    rows: list[list[Cell]] = []
    while i < len(lines):
        cells = _row_cells(lines[i])
        if cells is None:
            break
        if not set("".join(cells)) <= set("-—:： "):  # a |---|---| rule is not a row
            rows.append([Cell(c) for c in cells])
            for c in cells:
                budget.cell(len(c))
        i += 1
    budget.block()
    return Table(rows, f"第{start + 1}行起的表格", after_gap=after_gap, merges_known=False), i


def _continues(prev: str, line: str) -> bool:
    return len(prev) >= 28 and not prev.endswith(SENTENCE_END) and not starts_heading(line)


def _table(lines: list[str], i: int, budget: Budget, after_gap: bool) -> tuple[Table, int]:
    """Read tab-cell rows from line ``i``; returns the table and the line where it ended."""
    start, n = i, len(lines)
    rows: list[list[Cell]] = []
    row: list[Cell] = []

    def is_cell(k: int) -> bool:
        return k < n and lines[k].startswith("\t")

    while i < n:
        line = lines[i]
        if is_cell(i):
            row.append(Cell(line[1:].rstrip()))
            budget.cell(len(line))
            i += 1
            continue
        if not line.strip():
            j = i
            while j < n and not lines[j].strip():
                j += 1
            if row and j < n and not is_cell(j) and is_cell(j + 1) and not _CONTINUED_TABLE.match(lines[j]):
                # a cell printed over several lines: its line breaks are kept
                row[-1].text += "\n" * (j - i + 1) + lines[j].strip()
                i = j + 1
                continue
            if row:
                rows.append(row)
                row = []
            if is_cell(j) and j - i < 2:
                i = j  # the next row
                continue
            break  # the table ends, or a part on the next page follows (two blank lines)
        if row and is_cell(i + 1):
            row[-1].text += "\n" + line.strip()  # continuation without a blank line
            i += 1
            continue
        break
    if row:
        rows.append(row)
    budget.block()
    return Table(rows, f"第{start + 1}行起的表格", after_gap=after_gap, merges_known=False), i
