"""The compact one-month ledger for printing (台账简版): what it holds (read back with
openpyxl), how it names the figures' states, its print set-up, how few pages LibreOffice
prints of a demo month against the full ledger, the command line and the 台账与模板 page."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

import main as entry
from exports import xlsx_style as xs
from exports.cjk_lines import first_line
from exports.ledger import build_ledger
from exports.ledger_compact import COMPACT_SHEETS
from models import review
from models.app import CLI_ACTOR, App
from models.entries import Entries
from models.errors import InvalidInput
from tests.office_data import fill

M = "2026-10"
GREEN, GREY = "FF" + xs.FILL_GREEN, "FF" + xs.FILL_GREY
# Pages LibreOffice prints of one month of the demo data (26 units, 6 streets): measured
# 4 for the compact ledger against 22 for the full one. A regression breaks these bounds.
COMPACT_PAGES = 5
FULL_PAGES = 15


@pytest.fixture
def month(app: App, clerk_of, reviewer) -> App:
    """区发改委 approved (I01 18.6%, task 1.2 滞后 past its deadline, a project far behind),
    区工信局 submitted (I12 80%, a task 滞后), 区城管局 returned (I06a 30%)."""
    e = Entries(app)
    for unit, code, value in (("区发改委", "I01", "18.6"), ("区工信局", "I12", "80"), ("区城管局", "I06a", "30")):
        c = clerk_of(unit)
        fill(app, c, unit, M)
        e.save_indicator_value(c, code, unit, M, value)
    dev, ind = clerk_of("区发改委"), clerk_of("区工信局")
    e.save_task_report(dev, "1.2", "区发改委", M, {
        "status": "滞后", "progress": "光伏项目因用地手续未批，备案进度偏慢。" * 4, "person": "李四",
        "deadline": "2026-06-30"})
    e.save_project(dev, "区发改委", M, "1.1", {
        "name": "屋顶光伏项目", "content": "10兆瓦", "ptype": "续建", "total_invest": 12345.5,
        "year_plan_invest": 1000, "cum_invest": 200, "plan_start": "2025-03-01", "actual_start": "2025-04-01",
        "plan_end": "2027-06-30", "progress": "主体施工"})
    task = app.tasks_of("区工信局")[0][0].code
    e.save_task_report(ind, task, "区工信局", M, {"status": "滞后", "progress": "进度偏慢", "person": "王五"})
    for unit in ("区发改委", "区工信局", "区城管局"):
        e.submit(clerk_of(unit), unit, M)
    review.approve(app, reviewer, "区发改委", M)
    review.return_submission(app, reviewer, "区城管局", M, "数据有误，请核实")
    return app


def _table(ws, head: int = 4) -> list[tuple]:
    """The data rows below the header row ``head``, without the closing 说明 rows."""
    rows = list(ws.iter_rows(min_row=head + 1))
    while rows and str(rows[-1][0].value or "").startswith("说明："):
        rows.pop()
    return rows


def test_compact_ledger_content_and_states(month: App, tmp_path: Path) -> None:
    out = build_ledger(month, CLI_ACTOR, M, tmp_path / "简版.xlsx", compact=True)
    wb = load_workbook(out)
    assert wb.sheetnames == list(COMPACT_SHEETS) == ["月度概况", "预警事项", "指标监测"]

    ws = wb["月度概况"]
    assert "月度台账（简版）（2026年10月）" in ws["A1"].value
    assert "应报送调度数据的单位" in ws["A3"].value and "重点任务" in ws["A3"].value  # the month's counts
    assert [c.value for c in ws[4]] == ["序号", "单位", "报送状态", "报送时间", "是否按时", "审核通过", "已填/应填",
                                        "缺报事项", "考核总分", "名次", "考核结果"]
    rows = {r[1].value: r for r in _table(ws)}
    assert list(rows) == month.reporting_units()
    assert rows["区发改委"][2].value == "已审核通过" and rows["区发改委"][5].value == "是"
    assert rows["区工信局"][2].value == "已报送" and rows["区城管局"][2].value == "已退回"
    assert rows["区发改委"][8].value is not None and rows["区发改委"][10].value in ("合格", "拟通报")
    assert all("\n" not in str(r[7].value or "") for r in rows.values())  # missing items: one line
    legend = ws.cell(ws.max_row, 1).value
    assert legend.startswith("说明：灯色、判断和统计只计已审核通过的数据") and "待审：" in legend

    ws = wb["预警事项"]
    head = [c.value for c in ws[3]]
    assert head == ["序号", "类别", "事项", "牵头单位", "报告单位", "情况", "本月进展（摘要）"]
    alerts = _table(ws, 3)
    lag = next(r for r in alerts if str(r[2].value).startswith("1.2 "))
    assert lag[3].value == month.plan.tasks_by_code["1.2"].lead and lag[4].value == "区发改委"
    assert lag[5].value == "任务滞后" and lag[5].fill.fgColor.rgb == "FF" + xs.FILL_RED
    assert lag[6].value.startswith("光伏项目因用地手续未批") and lag[6].value.endswith("…")
    assert "\n" not in lag[6].value  # one line of progress
    project = next(r for r in alerts if r[2].value == "屋顶光伏项目")
    assert project[1].value == "项目" and "慢于序时进度" in project[5].value
    # the submitted (not yet reviewed) 滞后 of 区工信局 is not listed as a warning, but counted
    assert not any(r[4].value == "区工信局" for r in alerts)
    notes = " ".join(str(r[0].value) for r in ws.iter_rows(min_row=ws.max_row - 1) if r[0].value).replace("\n", "")
    assert "尚未审核通过，未列入" in notes and "说明：灯色" in notes

    ws = wb["指标监测"]
    rows = {r[1].value: r for r in _table(ws, 3)}
    assert set(rows) == {p.code for p in month.plan.parts} | {m.code for m in month.plan.milestones}
    i01 = rows["I01"]
    assert i01[6].value == 18.6 and i01[8].value == "正常" and i01[8].fill.fgColor.rgb == GREEN
    returned, waiting = rows["I06a"], rows["I12"]
    assert returned[9].value.replace("\n", "") == "2026年（退回）30%"
    assert waiting[9].value.replace("\n", "") == "2026年（待审）80%"
    for r in (returned, waiting):
        assert r[6].value is None and r[8].fill.fgColor.rgb != GREEN  # not judged, not green
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            if isinstance(cell.value, str) and ("（退回）" in cell.value or "（待审）" in cell.value):
                assert cell.fill.fgColor.rgb != GREEN, (cell.coordinate, cell.value)
    assert ws.cell(ws.max_row, 1).value.startswith("说明：灯色")

    # judged on every figure: the marks stay, the submitted 滞后 is now a warning
    wb = load_workbook(build_ledger(month, CLI_ACTOR, M, tmp_path / "all.xlsx", compact=True, basis="all"))
    alerts = _table(wb["预警事项"], 3)
    assert any(r[4].value == "区工信局" and r[5].value == "任务滞后（待审）" for r in alerts)
    assert wb["指标监测"].cell(wb["指标监测"].max_row, 1).value.startswith("说明：灯色、判断和统计含尚未审核通过")


def test_compact_ledger_print_setup(month: App, tmp_path: Path) -> None:
    out = build_ledger(month, CLI_ACTOR, M, tmp_path / "p.xlsx", compact=True)
    wb = load_workbook(out)
    titles = {"月度概况": "$4:$4", "预警事项": "$3:$3", "指标监测": "$3:$3"}
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
        assert ws.print_title_rows == titles[ws.title]  # the header row repeats on every page
    assert wb["月度概况"].page_setup.fitToHeight == 1  # a county's units on one page
    assert wb["指标监测"].page_setup.fitToHeight == 0
    with zipfile.ZipFile(out) as z:
        assert all(b"<pageSetup" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_compact_ledger_is_of_one_month(month: App, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="简版台账只能导出一个月份"):
        build_ledger(month, CLI_ACTOR, M, tmp_path / "r.xlsx", months=["2026-09", M], compact=True)
    assert not (tmp_path / "r.xlsx").exists()
    # a unit's compact ledger: no assessment columns
    wb = load_workbook(build_ledger(month, CLI_ACTOR, M, tmp_path / "u.xlsx", "区发改委", compact=True))
    assert [c.value for c in wb["月度概况"][4]][-1] == "缺报事项"
    assert [r[1].value for r in _table(wb["月度概况"])] == ["区发改委"]


def test_first_line_is_one_printed_line() -> None:
    text = "本月完成“光伏备案”3个，推进屋顶分布式光伏项目，新增装机容量41.67个百分点。" * 3
    line = first_line(text, 40, 1)
    assert line.endswith("…") and text.startswith(line[:-1]) and "\n" not in line
    assert len(line) <= (40 - 1.5) / 2 - 1
    assert first_line("短句。\n第二段", 40, 1) == "短句。 第二段"


def test_cli_compact(month: App, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "cli.xlsx"
    assert entry.main(["--db", str(db_path), "export-ledger", "--month", M, "--compact", "-o", str(out)]) == 0
    assert "已导出简版台账" in capsys.readouterr().out
    assert load_workbook(out).sheetnames == list(COMPACT_SHEETS)
    assert entry.main(["--db", str(db_path), "export-ledger", "--month", "2026-09..2026-10", "--compact",
                       "-o", str(tmp_path / "no.xlsx")]) == 1
    assert "简版台账只能导出一个月份" in capsys.readouterr().err
    assert not (tmp_path / "no.xlsx").exists()


@pytest.mark.libreoffice
def test_libreoffice_prints_the_compact_ledger_in_few_pages(app: App, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot count the printed pages")
    from pypdf import PdfReader

    from models.demo import generate_demo
    generate_demo(app, CLI_ACTOR, until=M, streets=6, seed=1)
    full = build_ledger(app, CLI_ACTOR, M, tmp_path / "full.xlsx")
    compact = build_ledger(app, CLI_ACTOR, M, tmp_path / "compact.xlsx", compact=True)
    pdf_dir = tmp_path / "pdf"
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(pdf_dir), str(full), str(compact)],
                   check=True, capture_output=True, timeout=240)
    full_pages = PdfReader(pdf_dir / "full.pdf").pages
    pages = PdfReader(pdf_dir / "compact.pdf").pages
    assert len(full_pages) >= FULL_PAGES  # the record keeps everything
    assert len(pages) <= COMPACT_PAGES, f"{len(pages)} pages"
    text = [p.extract_text() or "" for p in pages]
    for i, t in enumerate(text, 1):  # page numbers in the footer
        assert f"第{i}页共{len(pages)}页" in re.sub(r"\s", "", t)
    assert "月度台账（简版）" in text[0] and "预警事项" in "".join(text) and "指标监测" in "".join(text)
    # every page starts its table with the header row
    assert all("序号" in t for t in text)


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_compact_choice_on_the_page(qtbot, month: App, reviewer, tmp_path: Path) -> None:
    from tests.test_excel_ui import FakeDialogs, make_view, pick_month
    view = make_view(qtbot, month, reviewer)
    assert view.full_kind.isChecked() and not view.compact()  # the full ledger stays the default
    # the page never widens the main window beyond 1366 px (the navigation takes about 130)
    assert view.minimumSizeHint().width() <= 1366 - 160, view.minimumSizeHint()
    view.multi.setChecked(True)
    qtbot.mouseClick(view.compact_kind, Qt.MouseButton.LeftButton)
    assert view.compact() and not view.multi.isChecked() and not view.multi.isEnabled()
    out = tmp_path / "page.xlsx"
    view.dialogs = FakeDialogs(save=out)
    pick_month(view, M)
    qtbot.mouseClick(view.export_ledger_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.last_output is not None and not view.busy(), timeout=15000)
    assert "已导出简版台账" in view.status.text()
    assert view.dialogs.asked == ["碳达峰简版台账_2026年10月.xlsx"] and view.dialogs.written == [out]
    assert load_workbook(out).sheetnames == list(COMPACT_SHEETS)
    logged = month.store.query("SELECT detail FROM event_log WHERE kind = 'export'")
    assert "导出简版台账：page.xlsx" in logged[-1]["detail"]
    # back to the full ledger: the month range is offered again
    qtbot.mouseClick(view.full_kind, Qt.MouseButton.LeftButton)
    assert view.multi.isEnabled() and not view.compact()
