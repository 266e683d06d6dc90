"""Plan documents the plan-import tests build: .docx with python-docx, PDF with
reportlab (embedded CJK TrueType fonts from resources/fonts), text files.

A document is a list of blocks: ``P`` (a paragraph, optionally with a bold lead-in),
``T`` (a table with merged cells and header rows) and ``PAGE`` (a page break).
``seed_blocks()`` rebuilds the seed plan (tests/data/珠山区碳达峰实施方案.txt) as such
blocks: its paragraphs verbatim, task titles in bold, and the appendix table from the
hand-written plan file's cells with the empty 责任单位 cells as real merged cells, split
in two with the header repeated, as in the original.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED_TXT = ROOT / "tests" / "data" / "珠山区碳达峰实施方案.txt"
HAND_PLAN = ROOT / "resources" / "plan" / "zhushan.toml"
FONTS = ROOT / "resources" / "fonts"
TABLE_HEADER = ["序号", "指标", "市规划目标", "区拟定目标值", "指标测算说明", "责任单位"]


@dataclass
class P:
    text: str
    bold: str = ""  # a bold lead-in printed before ``text``
    heading: bool = False  # the whole line in bold (黑体 in the PDF)


@dataclass
class T:
    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (r0, c0, r1, c1) inclusive
    header_rows: int = 1


PAGE = "PAGE"
Block = P | T | str


def hand_plan() -> dict[str, Any]:
    return tomllib.loads(HAND_PLAN.read_text(encoding="utf-8"))


def seed_paragraphs() -> list[str]:
    """The seed's paragraphs before its appendix, verbatim (one per non-empty line)."""
    out = []
    for line in SEED_TXT.read_text(encoding="utf-8").split("\n"):
        if line.startswith("附表"):
            break
        if line.strip():
            out.append(line.strip())
    return out


def appendix_rows(indicators: list[dict[str, Any]]) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """Table rows of the hand plan's indicators (after a header row) and the vertical merges
    of inherited 责任单位 cells."""
    rows = []
    merges = []
    start = None
    for i, ind in enumerate(indicators, 1):
        unit = "" if ind["responsible_unit_inherited"] else ind["responsible_unit"]
        rows.append([str(ind["row"]), ind["name"], ind["city_target"], ind["district_target"],
                     ind["explanation"], unit])
        if ind["responsible_unit_inherited"]:
            start = start if start is not None else i - 2  # the row above holds the unit
        elif start is not None:
            merges.append((start, 5, i - 2, 5))
            start = None
    if start is not None:
        merges.append((start, 5, len(indicators) - 1, 5))
    return rows, merges


def seed_blocks(bold_titles: bool = True) -> list[Block]:
    plan = hand_plan()
    titles = {t["title"] for a in plan["actions"] for t in a["tasks"]} | {p["title"] for p in plan["policies"]}
    blocks: list[Block] = []
    for text in seed_paragraphs():
        lead = _bold_lead(text, titles) if bold_titles else ""
        if lead:
            blocks.append(P(text[len(lead):], bold=lead))
        else:
            heading = text.startswith(("一、", "二、", "三、", "四、", "五、")) or (text.startswith("（") and len(text) < 20)
            blocks.append(P(text, heading=heading and bold_titles))
    blocks.append(P("附表："))
    inds = plan["indicators"]
    for part, (a, b) in enumerate(((0, 6), (6, 15))):
        rows, merges = appendix_rows(inds[a:b])
        if part:
            blocks.append(PAGE)
        blocks.append(T([TABLE_HEADER, *rows], [(r0 + 1, c0, r1 + 1, c1) for r0, c0, r1, c1 in merges]))
    return blocks


def _bold_lead(text: str, titles: set[str]) -> str:
    """``1.提高化石能源利用效率。`` when the paragraph is a task or policy with a known title."""
    for sep in (".", "）"):
        head, _, rest = text.partition(sep)
        if head and len(head) <= 4 and rest:
            for title in titles:
                if rest.startswith(title + "。"):
                    return head + sep + title + "。"
    return ""


# -- .docx -------------------------------------------------------------------------------

def write_docx(blocks: list[Block], path: Path) -> Path:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    document = docx.Document()
    for b in blocks:
        if b == PAGE:
            document.add_page_break()
        elif isinstance(b, P):
            p = document.add_paragraph()
            if b.bold:
                p.add_run(b.bold).bold = True
            run = p.add_run(b.text)
            if b.heading:
                run.bold = True
        elif isinstance(b, T):
            ncols = max(len(r) for r in b.rows)
            table = document.add_table(rows=len(b.rows), cols=ncols)
            table.style = "Table Grid"
            for r, row in enumerate(b.rows):
                for c in range(ncols):
                    table.cell(r, c).text = row[c] if c < len(row) else ""
            for r0, c0, r1, c1 in b.merges:
                keep = table.cell(r0, c0).text
                merged = table.cell(r0, c0).merge(table.cell(r1, c1))
                merged.text = keep
            for r in range(b.header_rows):
                tr_pr = table.rows[r]._tr.get_or_add_trPr()
                el = OxmlElement("w:tblHeader")
                el.set(qn("w:val"), "true")
                tr_pr.append(el)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


# -- PDF -----------------------------------------------------------------------------------

def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    body, bold = "ARPLSungtiLGB", "WenQuanYiMicroHei"
    if body not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(body, str(FONTS / "gbsn00lp.ttf")))
        pdfmetrics.registerFont(TTFont(bold, str(FONTS / "wqy-microhei.ttc"), subfontIndex=0))
    return body, bold


def write_pdf(blocks: list[Block], path: Path) -> Path:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle
    body, bold = _fonts()
    style = ParagraphStyle("body", fontName=body, fontSize=12, leading=20, firstLineIndent=24,
                           wordWrap="CJK", spaceAfter=4)
    head = ParagraphStyle("head", parent=style, fontName=bold)
    cell = ParagraphStyle("cell", fontName=body, fontSize=8, leading=11, wordWrap="CJK")
    story: list[Any] = []
    for b in blocks:
        if b == PAGE:
            story.append(PageBreak())
        elif isinstance(b, P):
            text = escape(b.text)
            if b.bold:
                text = f'<font name="{bold}">{escape(b.bold)}</font>{text}'
            story.append(Paragraph(text, head if b.heading else style))
        elif isinstance(b, T):
            data = [[Paragraph(escape(c).replace("\n", "<br/>"), cell) for c in row] for row in b.rows]
            ncols = len(b.rows[0])
            widths = [10 * mm, 28 * mm, 34 * mm, 34 * mm, 50 * mm, 22 * mm] if ncols == 6 else \
                [10 * mm] + [150 * mm / (ncols - 1)] * (ncols - 1)
            t = Table(data, colWidths=widths, repeatRows=b.header_rows)
            cmds: list[Any] = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
            cmds += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in b.merges]
            t.setStyle(TableStyle(cmds))
            story.append(t)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm,
                            topMargin=30 * mm, bottomMargin=25 * mm)

    def page_number(canvas: Any, d: Any) -> None:
        canvas.setFont(body, 10)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"— {d.page} —")

    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return path


def write_text(blocks: list[Block], path: Path, encoding: str = "utf-8", wrap: int = 0) -> Path:
    """Text as copied out of Word: a paragraph per line, table cells as tab-led lines with a
    blank line between rows (and two before a table's part on a new page). ``wrap`` breaks
    paragraphs into lines of that many characters without blank lines between paragraphs
    (text copied out of a PDF)."""
    lines: list[str] = []
    for b in blocks:
        if b == PAGE:
            lines.append("")
        elif isinstance(b, P) and wrap:
            text = b.bold + b.text
            lines += [text[i:i + wrap] for i in range(0, len(text), wrap)] or [""]
        elif isinstance(b, P):
            lines += [b.bold + b.text, ""]
        elif isinstance(b, T):
            for row in b.rows:
                merged = {(r, c) for r0, c0, r1, c1 in b.merges for r in range(r0 + 1, r1 + 1)
                          for c in range(c0, c1 + 1)}
                lines += ["\t" + ("" if (b.rows.index(row), c) in merged else v) for c, v in enumerate(row)]
                lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("\n".join(lines).encode(encoding))
    return path
