"""Figures say what they are: the ledger, the dashboard and the briefing judge approved
figures by default; figures submitted but not reviewed (待审), returned (退回) or still
drafts (草稿) are marked, never shown green without a mark, and a legend says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from exports import xlsx_style as xs
from exports.briefing import BriefingOptions, build_briefing_ex
from exports.ledger import build_ledger
from models import review
from models.app import CLI_ACTOR
from models.dashboard import dashboard
from models.entries import Entries
from tests.office_data import fill
from tests.test_briefing import pdf_text, squash

M = "2026-10"
GREEN = "FF" + xs.FILL_GREEN


@pytest.fixture
def month(app, clerk_of, reviewer):
    """区发改委 approved (I01 18.6%), 区工信局 submitted (I12 80%), 区城管局 returned (I06a 30%)."""
    e = Entries(app)
    for unit, code, value in (("区发改委", "I01", "18.6"), ("区工信局", "I12", "80"), ("区城管局", "I06a", "30")):
        c = clerk_of(unit)
        fill(app, c, unit, M)
        e.save_indicator_value(c, code, unit, M, value)
        e.submit(c, unit, M)
    review.approve(app, reviewer, "区发改委", M)
    review.return_submission(app, reviewer, "区城管局", M, "数据有误，请核实")
    return app


def _rows(ws) -> list[tuple]:
    return list(ws.iter_rows(min_row=4))


def test_ledger_marks_and_does_not_colour_figures_not_approved(month, tmp_path: Path) -> None:
    wb = load_workbook(build_ledger(month, CLI_ACTOR, M, tmp_path / "l.xlsx"))
    ind = {r[1].value: r for r in _rows(wb["指标监测"]) if r[1].value}
    assert ind["I01"][9].value == 18.6 and ind["I01"][11].value == "正常"
    assert ind["I01"][11].fill.fgColor.rgb == GREEN  # approved: judged and coloured
    returned = ind["I06a"]
    assert returned[9].value is None and returned[11].value == "待定"  # not judged
    assert returned[11].fill.fgColor.rgb != GREEN
    assert "30%（退回）尚未审核通过" in returned[12].value.replace("\n", "")
    assert "（待审）尚未审核通过" in ind["I12"][12].value.replace("\n", "")
    # tasks: approved reports plain and coloured; the others marked and grey
    tasks = _rows(wb["任务推进台账"])
    for r in tasks:
        status = r[11].value or ""
        if "（" in status:
            assert r[11].fill.fgColor.rgb == "FF" + xs.FILL_GREY and r[12].fill.fgColor.rgb == "FF" + xs.FILL_GREY
    marks = {str(r[11].value) for r in tasks}
    assert "推进中（退回）" in marks and "推进中（待审）" in marks and "推进中" in marks
    # no cell anywhere is green while saying it is not approved
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=4):
            for cell in row:
                if isinstance(cell.value, str) and ("（退回）" in cell.value or "（待审）" in cell.value):
                    assert cell.fill.fgColor.rgb != GREEN, (ws.title, cell.coordinate, cell.value)
    legend = wb["指标监测"].cell(wb["指标监测"].max_row, 1).value
    assert legend.startswith("说明：灯色、判断和统计只计已审核通过的数据") and "退回：" in legend
    # the other basis judges every figure, still marked
    wb = load_workbook(build_ledger(month, CLI_ACTOR, M, tmp_path / "all.xlsx", basis="all"))
    ind = {r[1].value: r for r in _rows(wb["指标监测"]) if r[1].value}
    assert ind["I06a"][9].value == 30 and ind["I06a"][11].value.endswith("（退回）")
    assert "含尚未审核通过的数据" in wb["指标监测"].cell(wb["指标监测"].max_row, 1).value


def test_dashboard_lights_from_approved_figures(month) -> None:
    d = dashboard(month, CLI_ACTOR, M)
    v = {r["code"]: r for r in d.verdicts}
    assert v["I01"]["status"] == "green" and v["I01"]["state"] == "approved"
    assert v["I06a"]["status"] == "grey" and v["I06a"]["unreviewed"].state == "returned"
    assert d.unreviewed >= 2 and "只计已审核通过" in d.legend
    lights = {t.code: t for a in d.actions for t in a.tasks}
    assert set(lights["1.1"].unit_status) <= {"区发改委"}  # only approved reports in the lights
    every = dashboard(month, CLI_ACTOR, M, basis="all")
    assert {r["code"]: r for r in every.verdicts}["I06a"]["status"] == "red"
    assert {r["code"]: r for r in every.verdicts}["I06a"]["state"] == "returned"


def test_briefing_marks_and_explains(month, tmp_path: Path) -> None:
    import datetime as dt
    res = build_briefing_ex(month, CLI_ACTOR, M, tmp_path / "b.pdf",
                            BriefingOptions(date=dt.date(2026, 11, 20), record_issue=False,
                                            as_of=dt.date(2026, 11, 30)))
    text = squash(pdf_text(res.path))
    assert "注：灯色、判断和统计只计已审核通过的数据" in text
    assert "另报2026年30%" in text and "另报2026年80%" in text  # each with its mark on the next line
    assert text.count("（退回）") >= 1 and text.count("（待审）") >= 1
    assert "尚未审核通过，未计入" in text
