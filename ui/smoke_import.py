"""The self-check's plan-import step (``main.py --smoke``): the build carries python-docx
(with its template), lxml, pdfplumber and pdfminer's CJK character maps.

A small plan written with python-docx imports with its task, units and indicator, and the
briefing PDF the self-check wrote reads back with the district's name in it.
"""

from __future__ import annotations

from pathlib import Path

from models.errors import DomainError


def check_plan_import(out: Path, briefing_pdf: Path, district: str) -> str:
    """Run the check; a problem raises ``DomainError`` with a Chinese message."""
    import docx

    from models.plan_import import import_plan, read_document
    from models.plan_import.document import Para
    path = out / "自检方案.docx"
    document = docx.Document()
    for text in ("自检区碳达峰实施方案", "一、重点任务", "（一）能源转型行动",
                 "1.发展光伏。到2025年，光伏装机容量达到10万千瓦。（区发展改革部门、区建设部门等按职责分工负责）"):
        document.add_paragraph(text)
    table = document.add_table(rows=2, cols=3)
    for c, text in enumerate(("序号", "指标", "区拟定目标值")):
        table.cell(0, c).text = text
    for c, text in enumerate(("1", "光伏装机容量", "到2025年，达到10万千瓦。")):
        table.cell(1, c).text = text
    document.save(str(path))
    draft = import_plan(path).draft
    if [t.units for t in draft.tasks()] != [["区发展改革部门", "区建设部门"]] or len(draft.indicators) != 1:
        raise DomainError("Word 文档中的方案未能正确读取。")
    pdf = read_document(briefing_pdf.read_bytes(), briefing_pdf.name)
    text = "".join(b.text for b in pdf.blocks if isinstance(b, Para))
    if district not in text:
        raise DomainError(f"读回的简报 PDF 中没有“{district}”（中文字符映射可能缺失）。")
    return f"Word：{len(draft.tasks())} 项任务、{len(draft.milestones)} 个里程碑；PDF：{len(text)} 字"
