"""The neutral form every reader produces: paragraphs and tables in document order.

A reader (``read_docx``, ``read_text``, ``read_pdf``) turns a file into a
``SourceDoc``; everything after that (structure, units, tables, targets) works on
this form only, so a .docx, a .txt and a PDF of the same plan import alike.

Every block knows where it came from (``where``: 第12段, 第31行, 第3页) so that a
review item or a draft item can point the office to the source text.

Limits: a plan document is a few dozen pages. The readers refuse, before and while
parsing, anything far larger (a zip bomb disguised as .docx, a 5,000-page PDF) with a
Chinese message, so a hostile file costs neither memory nor minutes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from models.errors import DomainError

# Bounds checked before and while parsing (a real county plan is 20–60 pages,
# 100–400 paragraphs, one to three appendix tables).
MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_UNPACKED_BYTES = 120 * 1024 * 1024  # all members of a .docx together
MAX_PART_BYTES = 30 * 1024 * 1024  # word/document.xml alone (parsed whole: ~15 bytes of memory per byte)
MAX_ZIP_MEMBERS = 3000
MAX_COMPRESSION_RATIO = 200  # uncompressed ÷ compressed of one member
MAX_PDF_PAGES = 400
MAX_BLOCKS = 20_000  # paragraphs + tables
MAX_TABLE_CELLS = 60_000
MAX_TEXT_CHARS = 4_000_000


# Characters that end a sentence (or a closing bracket after one): a line ending in one of
# them may end its paragraph.
SENTENCE_END = tuple("。；;：:！!？?）)”")


class PlanImportError(DomainError):
    """The document cannot be read at all (the message says what and where, in Chinese)."""


class ImportCancelled(PlanImportError):
    """The user stopped the import (raised by a progress callback); nothing was made."""


# progress(what, done, total): called while reading (total 0: unknown); it may raise
# ImportCancelled to stop the import.
Progress = Callable[[str, int, int], None]


@dataclass
class Para:
    """One paragraph. ``bold_prefix`` is the text of the leading bold run(s) (docx, and
    PDF text set in a bold font); "" when the paragraph does not start in bold."""

    text: str
    where: str
    bold_prefix: str = ""
    # PDF: the first paragraph of a page, not indented: it may continue the paragraph
    # at the foot of the page before.
    continues: bool = False


@dataclass
class Cell:
    text: str
    # The cell continues a merged cell of the row above (vertical merge) or of the
    # cell to the left (horizontal span): its text was copied from there.
    merged_down: bool = False
    merged_right: bool = False


@dataclass
class Table:
    rows: list[list[Cell]]
    where: str
    # Rows marked as header rows in the file (docx "repeat as header row").
    header_rows: int = 0
    # A gap (page break, blank lines) separated this table from the block before it.
    after_gap: bool = False
    # Whether merged cells are marked (docx, PDF); in text copied out of a table a merged
    # cell is just empty.
    merges_known: bool = True


Block = Para | Table


@dataclass
class SourceDoc:
    blocks: list[Block]
    kind: str  # "docx" | "txt" | "pdf"
    name: str
    lost: list[str] = field(default_factory=list)  # what the reader could not carry over


class Budget:
    """Counts what a reader has produced and stops it past the limits."""

    def __init__(self, name: str, progress: Progress | None = None) -> None:
        self.name = name
        self.blocks = 0
        self.cells = 0
        self.chars = 0
        self.progress = progress

    def block(self, text_len: int = 0) -> None:
        self.blocks += 1
        self.chars += text_len
        if self.progress is not None and self.blocks % 50 == 0:
            self.progress(f"已读取 {self.blocks} 段", self.blocks, 0)
        if self.blocks > MAX_BLOCKS:
            raise PlanImportError(f"文件“{self.name}”的段落和表格超过 {MAX_BLOCKS} 个，不像一份实施方案，已停止读取。")
        self._check_chars()

    def cell(self, text_len: int) -> None:
        self.cells += 1
        self.chars += text_len
        if self.cells > MAX_TABLE_CELLS:
            raise PlanImportError(f"文件“{self.name}”的表格单元格超过 {MAX_TABLE_CELLS} 个，已停止读取。")
        self._check_chars()

    def _check_chars(self) -> None:
        if self.chars > MAX_TEXT_CHARS:
            raise PlanImportError(
                f"文件“{self.name}”的文字超过 {MAX_TEXT_CHARS // 10000} 万字，不像一份实施方案，已停止读取。")


def check_size(size: int, name: str, limit: int = MAX_FILE_BYTES) -> None:
    if size > limit:
        raise PlanImportError(
            f"文件“{name}”有 {math.ceil(size / 104857.6) / 10:.1f} MB，超过导入上限 {limit // 1048576} MB。"
            "实施方案通常不到 5 MB：请确认选择的是方案本身（可去掉图片后另存）。")
    if size == 0:
        raise PlanImportError(f"文件“{name}”是空的。")


_SPACES = re.compile(r"[ \t\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff]+")
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


def clean_line(text: str) -> str:
    """A paragraph's text with surrounding blanks (ideographic spaces included) removed and
    runs of blanks inside collapsed; blanks between Chinese characters are dropped (PDF
    extraction and justified text put them there)."""
    text = _SPACES.sub(" ", text.replace("\r", "")).strip()
    return _CJK_GAP.sub("", text)


def flat(text: str) -> str:
    """Cell or paragraph text on one line: line breaks and blanks between Chinese
    characters removed (a cell printed over two lines reads as one)."""
    return clean_line(re.sub(r"\s*\n\s*", "\n", text).replace("\n", " "))
