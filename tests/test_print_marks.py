"""Printed ledgers and briefings read as a reader would: a figure's state mark (“（草稿）”)
is one word that no line break splits, a yes/no figure is quoted in a sentence (数值“是”),
and a heading is never left alone at the bottom of a page when the last paragraphs are
moved to the last page with the 报/送/发 block."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook

from exports.briefing import BriefingOptions, build_briefing_ex
from exports.cjk_lines import wrap_units
from exports.ledger import build_ledger
from models import review
from models.app import CLI_ACTOR, App
from models.entries import Entries
from tests.office_data import fill

MARKS = ("（待审）", "（退回）", "（草稿）")


def _split_marks(lines: list[str]) -> list[str]:
    """Lines that end or start inside a state mark."""
    out = []
    for a, b in zip(lines, lines[1:], strict=False):
        for m in MARKS:
            joined = a + b
            for i in range(1, len(m)):
                if a.endswith(m[:i]) and b.startswith(m[i:]) and m in joined:
                    out.append(f"{a}|{b}")
    return out


@pytest.mark.parametrize("capacity", range(4, 30))
def test_wrapping_never_splits_a_state_mark(capacity: int) -> None:
    text = "2025年森林覆盖率58.43%，保持在57.85%以上。另有2026年数值58.06%（草稿）尚未审核通过，未计入判断；另报62.51%（待审）、30%（退回）。"
    lines = wrap_units(text, capacity)
    assert "".join(lines) == text
    assert _split_marks(lines) == [], lines


@pytest.fixture
def yes_no_month(app: App, clerk_of, reviewer) -> tuple[App, str]:
    """3.2-M1 (a yes/no milestone): “是” approved for September, “是” a draft for October."""
    unit = app.task_units(app.plan.task("3.2"))[0]
    c = clerk_of(unit)
    e = Entries(app)
    fill(app, c, unit, "2026-09")
    e.save_milestone_value(c, "3.2-M1", unit, "2026-09", "是")
    e.submit(c, unit, "2026-09")
    review.approve(app, reviewer, unit, "2026-09")
    e.save_milestone_value(c, "3.2-M1", unit, "2026-10", "是")
    return app, unit


def test_ledger_quotes_a_yes_no_figure_and_keeps_marks_whole(yes_no_month: tuple[App, str],
                                                               tmp_path: Path) -> None:
    app, _ = yes_no_month
    for compact in (False, True):
        wb = load_workbook(build_ledger(app, CLI_ACTOR, "2026-10", tmp_path / f"l{compact}.xlsx",
                                        compact=compact))
        texts = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        flat = [t.replace("\n", "") for t in texts]
        if not compact:
            assert any("另有2026年10月数值“是”（草稿）尚未审核通过" in t for t in flat), \
                [t for t in flat if "2026年10月数值" in t]
            assert not any("数值是（草稿）" in t for t in flat)
        for t in texts:
            assert _split_marks(t.split("\n")) == [], t


def _body_lines(page: object) -> list[str]:
    lines = [ln["text"].strip() for ln in page.extract_text_lines()]  # type: ignore[attr-defined]
    return [ln for ln in lines if ln and not re.fullmatch(r"— \d+ —", ln)]


def test_heading_never_alone_at_a_page_bottom(app: App, tmp_path: Path) -> None:
    """The 六、情况通报 heading and its three-line paragraph come last; the text before it
    grows one line at a time, so the end falls on every line of a page, among them the
    places where the last paragraphs are moved to the last page."""
    notice = "截至本月底，各单位均已按时报送，其中" + "按时报送并经审核通过的单位予以表扬，" * 3 + "请继续保持。"
    heading = re.compile(r"^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）")
    for n in range(0, 23):
        texts = {"next": "\n".join(f"{i + 1}. 继续推进第{i + 1}项重点工作。" for i in range(n + 10)),
                 "notice": notice}
        out = build_briefing_ex(app, CLI_ACTOR, "2026-10", tmp_path / f"b{n}.pdf", BriefingOptions(
            sections=texts, record_issue=False, charts=False)).path
        with pdfplumber.open(str(out)) as pdf:
            pages = [_body_lines(p) for p in pdf.pages]
        for no, lines in enumerate(pages[:-1], 1):
            assert lines and not heading.match(lines[-1]), (n, no, lines[-3:])
        assert "六、情况通报" in "".join(pages[-1]) or "六、情况通报" in "".join(pages[-2])


@pytest.mark.parametrize("capacity", range(6, 24))
def test_a_number_stays_with_its_unit(capacity: int) -> None:
    text = "2025年65.08%，高于目标区间（60%±1个百分点），超额完成；装机容量84.99万千瓦，投资1200万元。"
    lines = wrap_units(text, capacity)
    assert "".join(lines) == text
    for a, b in zip(lines, lines[1:], strict=False):
        assert not (a[-1:].isdigit() and b.startswith(("个百分点", "万千瓦", "万元"))), lines


def test_ledger_numbers_keep_off_the_right_border(yes_no_month: tuple[App, str], tmp_path: Path) -> None:
    """Right-aligned numbers leave a space's width before the border (“_ ” in the number
    format, which LibreOffice honours where it ignores an indent)."""
    app, _ = yes_no_month
    wb = load_workbook(build_ledger(app, CLI_ACTOR, "2026-10", tmp_path / "n.xlsx"))
    numbers = [c for ws in wb for row in ws.iter_rows(min_row=4) for c in row
               if isinstance(c.value, (int, float)) and c.alignment.horizontal == "right"]
    assert numbers and all(c.number_format.endswith("_ ") for c in numbers), \
        {c.number_format for c in numbers}


def test_ledger_cells_keep_text_off_the_borders(yes_no_month: tuple[App, str], tmp_path: Path) -> None:
    """A spreadsheet cell has no inner padding. Text is centred vertically (top-aligned text
    sits on the top border), text in a number column (the yes/no “是”) keeps a space's width
    off the right border like the numbers, and unit-name and state columns are wide enough
    for 区农业农村和水利局 or 推进中（待审） on one line with room at both sides."""
    app, _ = yes_no_month
    for compact in (False, True):
        wb = load_workbook(build_ledger(app, CLI_ACTOR, "2026-10", tmp_path / f"b{compact}.xlsx", compact=compact))
        body = [c for ws in wb for row in ws.iter_rows(min_row=4) for c in row if c.value not in (None, "")]
        assert body and not [c.coordinate for c in body if c.alignment.vertical == "top"]
        words = [c for c in body if isinstance(c.value, str) and c.alignment.horizontal == "right"]
        assert all(c.number_format.endswith(";@_ ") for c in words), {c.number_format for c in words}
        if compact:
            continue
        yes = [c for c in words if c.value == "是"]
        assert yes, "the yes/no figure is in a number column"
        for ws in wb:
            head = next((r for r in ws.iter_rows(max_row=6) if any(c.value in ("序号", "名次") for c in r)), None)
            assert head is not None, ws.title
            for h in head:
                if h.value in ("牵头单位", "责任单位", "完成状态", "预警"):
                    width = ws.column_dimensions[h.column_letter].width
                    for c in ws.iter_cols(min_col=h.column, max_col=h.column, min_row=h.row + 1):
                        for cell in c:
                            v = str(cell.value or "")
                            if cell.alignment.horizontal == "center" and v and len(v) <= 10:
                                assert 2 * len(v) + 2 <= width, (ws.title, h.value, v, width)
    units = [u.name for u in app.plan.units if len(u.name) == 9]
    assert units, "the sample plan has a nine-character unit name (区农业农村和水利局)"


def test_briefing_overview_says_plainly_that_nothing_is_approved(app: App, clerk_of, tmp_path: Path) -> None:
    """A month with reports but none approved: the overview says 尚无经审核通过的完成状态
    and 尚无审核通过的 instead of “已完成0项（0.0%）、推进中0项（0.0%）…”; the PDF reads the same."""
    from datetime import date

    from exports.briefing import compose
    unit = app.task_units(app.plan.task("3.2"))[0]
    c = clerk_of(unit)
    fill(app, c, unit, "2026-10")
    Entries(app).submit(c, unit, "2026-10")
    text = compose(app, CLI_ACTOR, "2026-10", date(2026, 11, 5))["overview"]
    assert "尚无经审核通过的完成状态" in text and "尚无审核通过的" in text, text
    assert not re.search(r"0项（0\.0%）|0个（0\.0%）", text), text
    out = build_briefing_ex(app, CLI_ACTOR, "2026-10", tmp_path / "b.pdf", BriefingOptions(
        record_issue=False, charts=False)).path
    with pdfplumber.open(str(out)) as pdf:
        printed = re.sub(r"\s", "", "".join(p.extract_text() or "" for p in pdf.pages))
    assert "尚无经审核通过的完成状态" in printed and "0项（0.0%）" not in printed
