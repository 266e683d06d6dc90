"""Text PDFs through pdfplumber: paragraphs rebuilt from lines, tables from ruling lines.

A PDF stores positioned characters, not paragraphs. Lines are joined into a paragraph
until a line starts indented (the two-character first-line indent of Chinese official
documents), the line before ended short of the right margin, a heading number starts
the line, or the vertical gap is larger than between lines. Tables are found from
their ruling lines (``page.find_tables``); a cell covered by a merged cell comes back
empty from pdfplumber and is filled from the cell above (vertical merge) or the left
(horizontal span, when the cell to the left reaches over the column), flagged as
merged. Page numbers (— 1 —, 第1页) are dropped.

What is lost compared with the .docx is listed in ``LOST`` and returned with the
import (README, “导入实施方案”).

Before parsing: the file size, the ``%PDF`` header and the page count from the
document catalogue are checked; while parsing, the text and cell budget.
"""

from __future__ import annotations

import io
import re
import statistics
from typing import Any

from models.plan_import.document import (
    MAX_PDF_PAGES,
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

LOST = [
    "PDF 不保存“加粗”：只有字体名称表明是粗体或黑体的文字才按粗体识别，以加粗突出的任务标题可能识别不到"
    "（按编号和句号识别的不受影响）。",
    "表格按表格线识别：没有边框线的表格按普通段落导入；合并单元格按线的位置判断，"
    "个别合并单元格可能判断为空或判断错方向（均列入核对清单）。",
    "段落按行首缩进、行尾位置和行距重新拼合，个别段落可能被合并或拆开。",
    "页眉、页脚和页码不导入；扫描件（图片）没有文字，无法导入。",
]
_PAGE_NUMBER = re.compile(r"^[-—－–\s]*\d{1,4}[-—－–\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$")
_BOLD_FONT = re.compile(r"(bold|heavy|black|hei|黑体|demi)", re.IGNORECASE)


def read_pdf_file(data: bytes, name: str, progress: Progress | None = None) -> SourceDoc:
    check_size(len(data), name)
    if b"%PDF" not in data[:1024]:
        raise PlanImportError(f"文件“{name}”不是 PDF 文件（没有 PDF 文件头）。")
    import pdfplumber  # imported only when a PDF is read
    from pdfminer.pdftypes import resolve1
    budget = Budget(name, progress)
    blocks: list[Para | Table] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            try:
                count = int(resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"]))
            except Exception:  # noqa: BLE001 - a broken page tree: counted below instead
                count = 0
            if count > MAX_PDF_PAGES:
                raise PlanImportError(f"文件“{name}”有 {count} 页，超过导入上限 {MAX_PDF_PAGES} 页。")
            chars_seen = 0
            for pno, page in enumerate(pdf.pages, 1):
                if pno > MAX_PDF_PAGES:
                    raise PlanImportError(f"文件“{name}”超过 {MAX_PDF_PAGES} 页，已停止读取。")
                if progress is not None:
                    progress(f"第 {pno} 页，共 {count or '？'} 页", pno, count)
                page_blocks = _page(page, pno, budget)
                chars_seen += sum(len(b.text) for b in page_blocks if isinstance(b, Para))
                _append(blocks, page_blocks)
    except PlanImportError:  # also ImportCancelled
        raise
    except Exception:  # noqa: BLE001 - pdfminer raises many kinds for damaged files
        if b"/Encrypt" in data:
            raise PlanImportError(f"文件“{name}”已加密（设有打开密码），无法读取。请先取消密码保护，"
                                  "或使用 Word 版。") from None
        raise PlanImportError(f"文件“{name}”无法按 PDF 读取：文件可能已损坏或不是标准的 PDF。"
                              "请重新导出 PDF，或使用 Word 版。") from None
    if not chars_seen and not any(isinstance(b, Table) for b in blocks):
        raise PlanImportError(
            f"文件“{name}”中没有可读取的文字：可能是扫描件（图片）。请使用 Word 版或带文字层的 PDF。")
    return SourceDoc(blocks, "pdf", name, lost=list(LOST))


def _append(blocks: list[Para | Table], page_blocks: list[Para | Table]) -> None:
    """Add one page's blocks; a paragraph cut by the page break is joined to its start."""
    if (blocks and page_blocks and isinstance(blocks[-1], Para) and isinstance(page_blocks[0], Para)
            and page_blocks[0].continues):
        blocks[-1].text += page_blocks[0].text
        page_blocks = page_blocks[1:]
    if page_blocks and isinstance(page_blocks[0], Table):
        page_blocks[0].after_gap = True
    blocks.extend(page_blocks)


def _inside(obj: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _page(page: Any, pno: int, budget: Budget) -> list[Para | Table]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    text_page = page.filter(lambda o: not any(_inside(o, b) for b in boxes)) if boxes else page
    lines = [ln for ln in text_page.extract_text_lines(return_chars=True, strip=True)
             if ln["text"].strip() and not _PAGE_NUMBER.match(ln["text"].strip())]
    items: list[tuple[float, Para | Table]] = []
    for para, top in _paragraphs(lines, pno, page.width):
        budget.block(len(para.text))
        items.append((top, para))
    for k, t in enumerate(tables, 1):
        budget.block()
        items.append((t.bbox[1], _table(t, page, f"第{pno}页第{k}个表格", budget)))
    items.sort(key=lambda it: it[0])
    return [b for _top, b in items]


def _paragraphs(lines: list[dict[str, Any]], pno: int, width: float) -> list[tuple[Para, float]]:
    if not lines:
        return []
    sizes = [c["size"] for ln in lines for c in ln["chars"] if c["text"].strip()]
    size = statistics.median(sizes) if sizes else 12.0
    left = min(ln["x0"] for ln in lines)
    right = _right_margin(lines)
    out: list[tuple[Para, float]] = []
    cur: list[dict[str, Any]] = []

    def flush() -> None:
        if cur:
            text = clean_line("".join(ln["text"] for ln in cur))
            # the first paragraph of a page that does not start indented may continue the
            # paragraph at the bottom of the page before
            continues = not out and cur[0]["x0"] < left + size * 1.2 and not starts_heading(text)
            out.append((Para(text, f"第{pno}页", _bold_prefix(cur), continues), cur[0]["top"]))

    prev: dict[str, Any] | None = None
    for ln in lines:
        text = ln["text"].strip()
        new = prev is None
        if prev is not None:
            indented = ln["x0"] > left + size * 1.2
            # a line ending short ends its paragraph when it ends a sentence (a number too
            # long for the line's end also leaves it short) or is a heading of its own
            ended = prev["x1"] < right - size * 1.5 and (
                prev["text"].rstrip().endswith(SENTENCE_END) or starts_heading(cur[0]["text"]))
            gap = ln["top"] - prev["bottom"] > size * 0.9
            new = indented or ended or gap or starts_heading(text)
        if new:
            flush()
            cur = []
        cur.append(ln)
        prev = ln
    flush()
    return out


def _right_margin(lines: list[dict[str, Any]]) -> float:
    """Where full lines end: the upper quartile of the line ends (a few lines reach further,
    hanging punctuation or Latin text)."""
    ends = sorted(ln["x1"] for ln in lines)
    return ends[(len(ends) * 3) // 4]


def _join_lines(lines: list[dict[str, Any]], right: float) -> str:
    """A cell's lines as its text: a line ending short after a full stop was ended by the
    author (a line break kept); other lines were wrapped (joined)."""
    out = ""
    for k, ln in enumerate(lines):
        text = clean_line(ln["text"])
        if k and out:
            size = ln["chars"][0]["size"] if ln["chars"] else 10.0
            short = lines[k - 1]["x1"] < right - size * 1.5
            out += "\n" if short and out.endswith(SENTENCE_END) else ""
        out += text
    return out


def _bold_prefix(lines: list[dict[str, Any]]) -> str:
    out: list[str] = []
    for ln in lines:
        for c in ln["chars"]:
            if not c["text"].strip():
                continue
            if not _BOLD_FONT.search(str(c.get("fontname", ""))):
                return clean_line("".join(out))
            out.append(c["text"])
    return clean_line("".join(out))


def _cell_text(page: Any, bbox: tuple[float, float, float, float]) -> str:
    """The text of the characters centred in the cell (a full stop hanging over the cell's
    right edge belongs to that cell, not to the next)."""
    x0, top, x1, bottom = page.bbox
    bbox = (max(bbox[0], x0), max(bbox[1], top), min(bbox[2], x1), min(bbox[3], bottom))
    if bbox[0] >= bbox[2] or bbox[1] >= bbox[3]:
        return ""  # a cell outside the page
    inside = page.filter(lambda o: o.get("object_type") != "char" or _inside(o, bbox)).crop(bbox)
    lines = [ln for ln in inside.extract_text_lines(return_chars=True, strip=True) if ln["text"].strip()]
    return _join_lines(lines, bbox[2] - 2) if lines else ""


def _table(t: Any, page: Any, where: str, budget: Budget) -> Table:
    data: list[list[str | None]] = [[_cell_text(page, box) if box is not None else None for box in row.cells]
                                    for row in t.rows]
    col_x: list[float] = []
    for col in t.columns:
        xs = [(c[0] + c[2]) / 2 for c in col.cells if c is not None]
        col_x.append(xs[0] if xs else 0.0)
    rows: list[list[Cell]] = []
    for r, (row_obj, values) in enumerate(zip(t.rows, data, strict=False)):
        row: list[Cell] = []
        for c, value in enumerate(values):
            if value is not None:
                text = value.strip()
                row.append(Cell(text))
                budget.cell(len(text))
                continue
            left_box = next((row_obj.cells[k] for k in range(c - 1, -1, -1) if row_obj.cells[k] is not None), None)
            if left_box is not None and c < len(col_x) and left_box[2] > col_x[c]:
                row.append(Cell(row[-1].text if row else "", merged_right=True))
            elif r > 0 and c < len(rows[-1]):
                row.append(Cell(rows[-1][c].text, merged_down=True))
            else:
                row.append(Cell(""))
        rows.append(row)
    return Table(rows, where)
