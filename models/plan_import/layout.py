"""The document's parts: the notice (红头 cover letter), the plan's title, its body
outline, and the appendix tables with their captions.

The title is the last short paragraph ending in 方案 before the first numbered heading
(``XX区碳达峰实施方案``); what comes before it is the notice. The body ends at the
appendix marker (``附表：``, ``附件1``). Every table, wherever it stands, is kept with
the paragraph just before it as its caption.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from models.plan_import.document import Para, SourceDoc, Table
from models.plan_import.headings import Node, heading_of, outline

_TITLE = re.compile(r"^[^，。；：:《》“”]{2,40}方案(?:[（(][^）)]{1,12}[）)])?$")
_APPENDIX = re.compile(r"^附\s*[表件]\s*\d*\s*[:：]?\s*(.*)$")


@dataclass
class Layout:
    notice: list[Para] = field(default_factory=list)
    title: Para | None = None
    root: Node = field(default_factory=lambda: Node(0, 0, "", "", None))
    appendix_marker: Para | None = None
    tables: list[tuple[str, Table]] = field(default_factory=list)  # (caption, table)
    trailing: list[Para] = field(default_factory=list)  # paragraphs after the appendix marker


def layout(doc: SourceDoc) -> Layout:
    paras = [b for b in doc.blocks if isinstance(b, Para)]
    out = Layout()
    first_heading = next((i for i, p in enumerate(paras) if _is_section_heading(p.text)), len(paras))
    title_idx = None
    for i in range(first_heading - 1, -1, -1):
        if _TITLE.match(paras[i].text) and "印发" not in paras[i].text:
            title_idx = i
            break
    if title_idx is None:
        title_idx = next((i for i, p in enumerate(paras[:first_heading]) if _TITLE.match(p.text)), None)
    if title_idx is not None:
        out.title = paras[title_idx]
        out.notice = paras[:title_idx]
        start = title_idx + 1
    else:
        start = 0
    body: list[Para] = []
    for p in paras[start:]:
        if out.appendix_marker is None and _APPENDIX.match(p.text) and len(p.text) <= 60:
            out.appendix_marker = p
            continue
        (out.trailing if out.appendix_marker is not None else body).append(p)
    out.root = outline(body)
    prev: Para | None = None
    for b in doc.blocks:
        if isinstance(b, Para):
            prev = b
        else:
            out.tables.append((prev.text if prev is not None else "", b))
            prev = None
    return out


def _is_section_heading(text: str) -> bool:
    h = heading_of(text)
    return h is not None and h.level <= 2 and len(text) <= 60


def appendix_name(lay: Layout) -> str:
    """附表 or 附件, as the document calls its appendix ("" when it has none)."""
    if lay.appendix_marker is not None:
        return "附件" if lay.appendix_marker.text.lstrip().startswith("附件") else "附表"
    return ""
