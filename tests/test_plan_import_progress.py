"""The importer says how far it got (pages of a PDF, paragraphs) and stops when the
progress callback cancels: nothing is made then, and the next import is unaffected."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.plan_import import ImportCancelled, PlanImportError, import_plan
from tests.plan_docs import SEED_TXT, P, write_pdf


def _pdf(tmp_path: Path, pages: int) -> Path:
    blocks: list[P | str] = [P("某某县碳达峰实施方案"), P("一、重点任务"), P("（一）能源转型行动")]
    for n in range(1, pages + 1):
        blocks += [P(f"{n}.任务{n}。推进第{n}项工作。（县发改委、县住建局等按职责分工负责）"), "PAGE"]
    return write_pdf(blocks, tmp_path / "方案.pdf")


def test_pdf_pages_are_reported(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    result = import_plan(_pdf(tmp_path, 4), progress=lambda what, done, total: seen.append((what, done, total)))
    pages = [(d, t) for w, d, t in seen if w.startswith("第")]
    assert pages == [(1, 4), (2, 4), (3, 4), (4, 4)]  # a trailing page break makes no page
    assert seen[-1][0].startswith("识别")
    assert len(result.draft.tasks()) == 4


def test_cancelling_stops_the_reading(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path, 4)
    seen: list[int] = []

    def cancel_at_page_2(what: str, done: int, total: int) -> None:
        seen.append(done)
        if done == 2:
            raise ImportCancelled("已取消导入。")

    with pytest.raises(ImportCancelled):
        import_plan(pdf, progress=cancel_at_page_2)
    assert seen == [1, 2]  # the third page was never read
    assert issubclass(ImportCancelled, PlanImportError)
    assert len(import_plan(pdf).draft.tasks()) == 4


def test_text_reports_paragraphs() -> None:
    seen: list[str] = []
    import_plan(SEED_TXT, progress=lambda what, done, total: seen.append(what))
    assert "已读取 50 段" in seen and seen[-1].startswith("识别")
