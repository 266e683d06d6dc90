""".docx plans through python-docx: paragraphs with their leading bold runs, tables
with merged cells resolved.

Before python-docx sees the file, the zip archive is checked (``check_zip``): size,
number of members, total and per-member unpacked size and compression ratio, as the
central directory states them. Python's zipfile never returns more bytes than a
member's stated size, so these limits bound what parsing can unpack (a zip bomb named
.docx is refused with a message, not unpacked).

Merged cells are read from the XML rather than from python-docx's ``row.cells``: a
vertical merge (``w:vMerge`` continue) becomes a cell with the text of the cell above
and ``merged_down``; a horizontal span (``w:gridSpan``) repeats its text to the right
with ``merged_right``. Numbers drawn by Word's automatic numbering are put back in front
of their paragraphs (``docx_numbers``). Rows marked “repeat as header row” (``w:tblHeader``) are
counted in ``Table.header_rows``. Text boxes, footnotes, headers and footers, and
images are not read (listed in ``lost``).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from models.plan_import.docx_numbers import AutoNumbers
from models.plan_import.document import (
    MAX_COMPRESSION_RATIO,
    MAX_PART_BYTES,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_MEMBERS,
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

LOST = ["页眉、页脚、脚注、文本框和图片中的文字不导入（方案正文和附表不受影响）。"]


def check_zip(data: bytes, name: str) -> None:
    """Refuse archives that would unpack to far more than a plan document."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PlanImportError(
            f"文件“{name}”不是有效的 .docx 文件（无法按 Word 文档打开）。"
            "如果是旧版 .doc 或 .wps 文件，请在 Word 或 WPS 中“另存为 .docx”后再导入。") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise PlanImportError(f"文件“{name}”包含 {len(infos)} 个部件，远多于一份 Word 文档，已拒绝导入。")
        total = 0
        names = set()
        for info in infos:
            names.add(info.filename)
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO:
                raise PlanImportError(
                    f"文件“{name}”中的“{info.filename}”压缩比异常（{ratio:.0f} 倍），可能是恶意构造的文件，已拒绝导入。")
            if info.filename == "word/document.xml" and info.file_size > MAX_PART_BYTES:
                raise PlanImportError(
                    f"文件“{name}”的正文部分解压后有 {info.file_size / 1048576:.0f} MB，超过上限，已拒绝导入。")
        if total > MAX_UNPACKED_BYTES:
            raise PlanImportError(
                f"文件“{name}”解压后共有 {total / 1048576:.0f} MB，超过上限 {MAX_UNPACKED_BYTES // 1048576} MB，已拒绝导入。")
        if "word/document.xml" not in names:
            raise PlanImportError(f"文件“{name}”不是 Word 文档（缺少正文部分 word/document.xml）。")


def read_docx_file(data: bytes, name: str, progress: Progress | None = None) -> SourceDoc:
    check_size(len(data), name)
    check_zip(data, name)
    import docx  # python-docx: imported only when a .docx is read
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - python-docx raises many kinds for a damaged file
        raise PlanImportError(f"文件“{name}”无法按 Word 文档读取：文件可能已损坏。请在 Word 或 WPS 中打开后"
                              "重新保存为 .docx 再导入。") from None
    budget = Budget(name, progress)
    bold = BoldStyles(document)
    numbers = AutoNumbers(document)
    blocks: list[Para | Table] = []
    n_para = n_table = 0
    gap = False
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            n_para += 1
            number = numbers.prefix(item)  # Word's automatic numbering, not in the text
            text = clean_line(number + item.text)
            budget.block(len(text))
            if _page_break(item):
                gap = True
            if not text:
                continue
            lead = bold.prefix(item)
            blocks.append(Para(text, f"第{n_para}段", (number + lead) if lead else ""))
            gap = False
        elif isinstance(item, DocxTable):
            n_table += 1
            budget.block()
            blocks.append(_table(item, f"第{n_table}个表格", budget, gap))
            gap = False
    return SourceDoc(blocks, "docx", name, lost=list(LOST))


def _page_break(p: Any) -> bool:
    from docx.oxml.ns import qn
    el = p._p
    if el.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None:
        return True
    return any(br.get(qn("w:type")) == "page" for br in el.iter(qn("w:br")))


class BoldStyles:
    """Whether each paragraph and character style is bold, resolved once through its
    basedOn chain (python-docx resolves a style afresh on every access, which is slow)."""

    def __init__(self, document: Any) -> None:
        from docx.oxml.ns import qn
        self.b, self.val, self.rstyle = qn("w:b"), qn("w:val"), qn("w:rStyle")
        raw: dict[str, tuple[bool | None, str]] = {}
        for st in document.styles.element.findall(qn("w:style")):
            b = st.find(f"{qn('w:rPr')}/{qn('w:b')}")
            based = st.find(qn("w:basedOn"))
            raw[st.get(qn("w:styleId")) or ""] = (None if b is None else self._on(b),
                                                  based.get(self.val, "") if based is not None else "")
        self.bold: dict[str, bool] = {}
        for sid in raw:
            seen: set[str] = set()
            cur, value = sid, None
            while cur in raw and cur not in seen and value is None:
                seen.add(cur)
                value, cur = raw[cur]
            self.bold[sid] = bool(value)

    def _on(self, el: Any) -> bool:
        return el.get(self.val, "true") not in ("0", "false", "off")

    def _run(self, r: Any, para_bold: bool) -> bool:
        rpr = r._r.rPr
        if rpr is not None:
            b = rpr.find(self.b)
            if b is not None:
                return self._on(b)
            style = rpr.find(self.rstyle)
            if style is not None and style.get(self.val) in self.bold:
                return self.bold[style.get(self.val)]
        return para_bold

    def prefix(self, p: Any) -> str:
        """The text of the paragraph's leading bold runs ("" when it starts in regular type)."""
        ppr = p._p.pPr
        para_bold = self.bold.get(ppr.pStyle.val, False) if ppr is not None and ppr.pStyle is not None else False
        out: list[str] = []
        for run in p.runs:
            text = run.text
            if not text.strip():
                if out:
                    out.append(text)
                continue
            if not self._run(run, para_bold):
                break
            out.append(text)
        return clean_line("".join(out))


def _cell_text(tc: Any) -> str:
    """A cell's text; its paragraphs and line breaks become line breaks."""
    from docx.oxml.ns import qn
    t_tag, br_tags, tab_tag = qn("w:t"), (qn("w:br"), qn("w:cr")), qn("w:tab")
    paras = []
    for p in tc.iter(qn("w:p")):
        parts = []
        for el in p.iter(t_tag, *br_tags, tab_tag):
            parts.append(el.text or "" if el.tag == t_tag else "\n" if el.tag in br_tags else "\t")
        paras.append("".join(parts))
    return "\n".join(x.strip(" \t") for x in paras).strip()


def _table(table: Any, where: str, budget: Budget, gap: bool) -> Table:
    from docx.oxml.ns import qn
    rows: list[list[Cell]] = []
    header_rows = 0
    for tr in table._tbl.tr_lst:
        trpr = tr.trPr
        if trpr is not None and trpr.find(qn("w:tblHeader")) is not None and len(rows) == header_rows:
            header_rows += 1
        row: list[Cell] = [Cell("") for _ in range(tr.grid_before)]
        for tc in tr.tc_lst:
            col = len(row)
            span = max(1, tc.grid_span)
            if tc.vMerge == "continue":
                above = rows[-1][col].text if rows and col < len(rows[-1]) else ""
                cell = Cell(above, merged_down=True)
            else:
                cell = Cell(_cell_text(tc))
            budget.cell(len(cell.text))
            row.append(cell)
            for _ in range(span - 1):
                row.append(Cell(cell.text, merged_down=cell.merged_down, merged_right=True))
        rows.append(row)
    return Table(rows, where, header_rows=header_rows, after_gap=gap)
