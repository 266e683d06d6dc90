"""From a county's published plan document to a draft format-2 plan file.

``import_plan(path)`` reads a .docx, .txt or text PDF and returns an ``ImportResult``:
the draft plan (every entry with the place in the document it came from), the plan
file as TOML text, the review items (everything the import was unsure of: never a
silent guess) and what the file type could not carry (``lost_notes``, PDFs).

The command line (``import-plan FILE -o PLAN.toml``) writes ``toml_text`` and prints
the review items; the program shows ``draft`` beside each item's quoted source
(``ReviewItem.quote`` / ``where`` / ``ref``). Nothing here imports Qt.

Modules: ``read_docx`` / ``read_text`` / ``read_pdf`` (file → paragraphs and tables),
``layout`` (notice, title, body, appendix), ``headings`` (numbered outline),
``structure`` (sections, actions, tasks, policies), ``units`` (responsible units and
the unit list), ``tables`` and ``indicators`` (the appendix), ``wording`` (target
words → structured targets), ``milestones`` (targets in task text, cross-checks),
``meta`` (name, district, dates, words), ``review``, ``draft``, ``toml_writer``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from models.authority import PUBLIC, module_rule
from models.os_reasons import os_reason
from models.plan_import.assemble import assemble
from models.plan_import.document import ImportCancelled, PlanImportError, Progress, SourceDoc, check_size
from models.plan_import.draft import DraftPlan
from models.plan_import.review import KINDS, ReviewItem

__all__ = ["KINDS", "ImportCancelled", "ImportResult", "PlanImportError", "Progress", "ReviewItem", "import_document", "import_plan",
           "read_document"]

SUFFIXES = (".docx", ".txt", ".pdf")
# Plan documents in, a draft plan file out: no unit's data anywhere in this package.
__authority__ = module_rule(PUBLIC, why="reads a plan document into a draft plan; no unit's data")


@dataclass
class ImportResult:
    draft: DraftPlan
    toml_text: str
    review_items: list[ReviewItem]
    lost_notes: list[str] = field(default_factory=list)
    source_kind: str = ""  # docx | txt | pdf
    source_name: str = ""

    def write(self, target: str | Path) -> Path:
        """Write the plan file (UTF-8) safely: complete or not at all (``models.atomic_write``)."""
        from models.atomic_write import write_text
        return write_text(target, self.toml_text)

    def review_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.review_items:
            counts[item.kind] = counts.get(item.kind, 0) + 1
        return counts


def read_document(data: bytes, name: str, progress: Progress | None = None) -> SourceDoc:
    """The paragraphs and tables of a document's bytes; the type is found from the
    content (zip → .docx, %PDF → PDF, else text), not only from the name. ``progress``
    is told how far the reading got (pages of a PDF, paragraphs) and may raise
    ImportCancelled to stop it."""
    check_size(len(data), name)
    lower = name.lower()
    if lower.endswith((".doc", ".wps")) and not data.startswith(b"PK"):
        raise PlanImportError(
            f"文件“{name}”是旧版 Word/WPS 格式，不能直接导入。请在 Word 或 WPS 中“另存为”.docx 后再导入。")
    if data.startswith(b"PK"):
        from models.plan_import.read_docx import read_docx_file
        return read_docx_file(data, name, progress)
    if b"%PDF" in data[:1024]:
        from models.plan_import.read_pdf import read_pdf_file
        return read_pdf_file(data, name, progress)
    if lower.endswith((".docx", ".pdf")):
        raise PlanImportError(f"文件“{name}”的内容与扩展名不符，无法按 {Path(name).suffix} 读取。")
    from models.plan_import.read_text import read_text_file
    return read_text_file(data, name, progress)


def import_plan(path: str | Path, *, plan_id: str | None = None, progress: Progress | None = None) -> ImportResult:
    """Read the plan document at ``path`` and make a draft plan of it. ``progress``: see
    ``read_document`` (the GUI's progress bar and 取消).

    Raises ``PlanImportError`` (a Chinese message) when the file cannot be read at all
    (missing, too large, not a document, encrypted, a scan without text)."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise PlanImportError(f"无法读取文件“{p.name}”：{os_reason(exc)}。") from None
    check_size(size, p.name)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise PlanImportError(f"无法读取文件“{p.name}”：{os_reason(exc)}。") from None
    return import_document(read_document(data, p.name, progress), plan_id=plan_id, progress=progress)


def import_document(doc: SourceDoc, *, plan_id: str | None = None, progress: Progress | None = None) -> ImportResult:
    """The draft plan of an already read document (tests build ``SourceDoc`` directly)."""
    if progress is not None:
        progress("识别章节、任务、责任单位和指标", 0, 0)
    draft, toml_text, review = assemble(doc, plan_id=plan_id)
    return ImportResult(draft, toml_text, review.items, list(doc.lost), doc.kind, doc.name)
