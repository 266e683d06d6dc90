"""The monthly ledger workbook: sheets, columns, print set-up, typed cells, bad input,
cancel and progress, the command line, and LibreOffice opening it."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

import main as entry
from exports import xlsx_style as xs
from exports.ledger import Cancelled, build_ledger, parse_months
from exports.ledger_gather import SHEETS
from models.app import CLI_ACTOR, App
from models.entries import Entries
from models.errors import InvalidInput, NotFound

MONTH = "2026-10"
TASK_HEAD = ["序号", "行动", "重点任务", "具体措施/目标要求", "牵头单位", "配合单位", "责任人", "完成时限",
             "本月进展情况", "存在问题", "下步计划", "完成状态", "预警", "佐证材料"]


def fill(app: App) -> str:
    """Some entries of 区发改委 for MONTH; returns the project uid."""
    app.add_street(CLI_ACTOR, "新村街道")
    e = Entries(app)
    e.save_task_report(CLI_ACTOR, "1.1", "区发改委", MONTH, {
        "status": "推进中", "progress": "完成光伏备案3个", "person": "张三", "deadline": "2026-12-31",
        "measures": "制定方案", "problems": "无", "next_plan": "继续推进"})
    e.save_task_report(CLI_ACTOR, "1.2", "区发改委", MONTH, {
        "status": "滞后", "progress": "进度偏慢", "person": "李四", "deadline": "2026-06-30"})
    uid = e.save_project(CLI_ACTOR, "区发改委", MONTH, "1.1", {
        "name": "屋顶光伏项目", "content": "10兆瓦", "ptype": "续建", "total_invest": 12345.5,
        "year_plan_invest": 1000, "cum_invest": 500, "plan_start": "2025-03-01", "actual_start": "2025-04-01",
        "plan_end": "2027-06-30", "progress": "主体施工"})
    e.save_indicator_value(CLI_ACTOR, "I01", "区发改委", MONTH, "18.6%")
    approve_directly(app, "区发改委", MONTH)
    return uid


def approve_directly(app: App, unit: str, month: str, state: str = "approved") -> None:
    """Mark a unit's month approved (the office accepted it) without filling every item."""
    app.store.execute("INSERT INTO submissions(unit, month, state, submitted_at, submitted_by, updated_at) "
                      "VALUES (?, ?, ?, '2026-11-03T10:00:00', 'x', '2026-11-03T10:00:00') "
                      "ON CONFLICT(unit, month) DO UPDATE SET state = excluded.state", (unit, month, state))


def rows_of(ws) -> list[tuple]:
    """The data rows of a sheet (without the closing 说明 row)."""
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    while rows and str(rows[-1][0] or "").startswith("说明："):
        rows.pop()
    return rows


def test_consolidated_ledger_sheets_columns_and_values(app: App, tmp_path: Path) -> None:
    fill(app)
    app.settings.set("demo", True)
    app.store.execute("INSERT INTO submissions(unit, month, state, submitted_at, submitted_by, updated_at) "
                      "VALUES ('区工信局', ?, 'submitted', '2026-11-03T10:00:00', 'x', '2026-11-03T10:00:00')",
                      (MONTH,))
    out = build_ledger(app, CLI_ACTOR, MONTH, tmp_path / "台账.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == list(SHEETS)
    ws = wb["任务推进台账"]
    assert [c.value for c in ws[3]] == TASK_HEAD
    assert "珠山区碳达峰重点任务推进台账（2026年10月）" in ws["A1"].value
    for sheet in wb.worksheets:
        assert "示例数据" in sheet["A1"].value, sheet.title
        assert "填报单位：区碳达峰碳中和工作领导小组办公室" in sheet["A2"].value
        assert "填报日期" in sheet["A2"].value
        assert any(str(r) .startswith("A1:") for r in sheet.merged_cells.ranges)
    rows = rows_of(ws)
    expected = sum(len(app.task_units(t)) for t in app.plan.tasks)
    assert len(rows) == expected
    first = rows[0]
    assert first[2].startswith("1.1 ") and first[4] == "区发改委" and first[6] == "张三"
    assert first[7] == datetime(2026, 12, 31) and first[11] == "推进中" and first[12] == "正常"
    lag = next(r for r in rows if r[2].startswith("1.2 ") and r[4] == "区发改委" and r[6] == "李四")
    assert lag[11] == "滞后" and lag[12] == "任务滞后"
    # status cells are filled red / yellow / green
    by_status = {}
    for r in range(4, ws.max_row + 1):
        by_status.setdefault(ws.cell(r, 12).value, ws.cell(r, 12).fill.fgColor.rgb)
    assert by_status["滞后"] == "FF" + xs.FILL_RED
    assert by_status["推进中"] == "FF" + xs.FILL_GREEN
    assert by_status["未填报"] == "FF" + xs.FILL_YELLOW
    assert ws.cell(4, 8).number_format == "yyyy-mm-dd"

    proj = wb["项目台账"]
    heads = [c.value for c in proj[3]]
    assert "1–10月累计完成投资（万元）" in heads and "快/慢于序时进度" in heads and "项目类型" in heads
    prow = rows_of(proj)
    assert prow[0][0].startswith("续建项目（1个")
    p = prow[1]
    assert p[1] == "屋顶光伏项目" and p[6] == 12345.5 and p[9] == 50.0
    assert p[11] == datetime(2025, 4, 1)
    assert p[14] == "慢于序时进度33.33个百分点"
    assert proj.cell(5, 7).number_format.startswith("#,##0.00_ ;")  # a space's width keeps digits off the border
    assert proj.cell(5, 15).fill.fgColor.rgb == "FF" + xs.FILL_RED

    ind = wb["指标监测"]
    irow = next(r for r in rows_of(ind) if r[1] == "I01")
    assert irow[9] == 18.6 and irow[11] == "正常"
    assert len(rows_of(ind)) == len(app.plan.parts) + len(app.plan.milestones)

    warn = rows_of(wb["预警清单"])
    assert any(r[2].startswith("1.2 ") and r[4] == "红色" for r in warn)
    rep = rows_of(wb["报送情况"])
    assert [r[1] for r in rep] == app.reporting_units()
    sent = next(r for r in rep if r[1] == "区工信局")
    assert sent[2] == "已报送" and sent[5] == datetime(2026, 11, 3, 10, 0)
    assert wb["报送情况"].cell(4 + app.reporting_units().index("区工信局"), 6).number_format == "yyyy-mm-dd hh:mm"
    score = rows_of(wb["考核"])
    from models.assessment import assess
    assert [r[1] for r in score] == [s.unit for s in assess(app, CLI_ACTOR, [MONTH])]
    assert "区发改委" in {r[1] for r in score}
    # a component that does not apply to a unit reads 不适用, never a score of 0.00
    from models.scoring import COMPONENTS
    for s, r in zip(assess(app, CLI_ACTOR, [MONTH]), score, strict=True):
        for i, k in enumerate(COMPONENTS):
            assert r[2 + i] == (getattr(s, k) if s.applies(k) else "不适用"), (s.unit, k)
    assert any(r[6] == "不适用" for r in score)  # units without indicators


def test_print_setup_fonts_and_freeze(app: App, tmp_path: Path) -> None:
    fill(app)
    wb = load_workbook(build_ledger(app, CLI_ACTOR, MONTH, tmp_path / "l.xlsx"))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == "9"
        assert ws.page_setup.fitToWidth in (1, "1") and ws.page_setup.fitToHeight in (0, "0")
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$3:$3"
        assert ws.freeze_panes == "A4"
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        assert ws["A3"].font.name == "黑体" and ws["A3"].border.left.style == "thin"
        assert ws["A1"].font.name == "黑体"
        closing = str(ws.cell(ws.max_row, 1).value or "")
        body = ws.cell(ws.max_row - (1 if closing.startswith("说明：") else 0), 2)
        assert body.font.name == "宋体" and body.alignment.wrap_text, ws.title
        if ws.title not in ("考核", "报送情况", "佐证材料清单"):  # a closing row explains colours and marks
            assert closing.startswith("说明：") and "待审" in closing
        assert ws.column_dimensions["B"].width > 4


def test_unit_ledger_and_sheet_subset(app: App, tmp_path: Path) -> None:
    fill(app)
    wb = load_workbook(build_ledger(app, CLI_ACTOR, MONTH, tmp_path / "u.xlsx", "区发改委"))
    assert "考核" not in wb.sheetnames and len(wb.sheetnames) == 6
    assert "填报单位：区发改委" in wb["任务推进台账"]["A2"].value
    units = {r[4] if r[4] != "区发改委" else "区发改委" for r in rows_of(wb["任务推进台账"])}
    assert units
    n = len(app.tasks_of("区发改委"))
    assert len(rows_of(wb["任务推进台账"])) == n
    assert [r[1] for r in rows_of(wb["报送情况"])] == ["区发改委"]
    wb = load_workbook(build_ledger(app, CLI_ACTOR, MONTH, tmp_path / "s.xlsx", sheets=["任务推进台账"]))
    assert wb.sheetnames == ["任务推进台账"]
    with pytest.raises(InvalidInput, match="没有名为"):
        build_ledger(app, CLI_ACTOR, MONTH, tmp_path / "x.xlsx", sheets=["不存在"])
    with pytest.raises(NotFound):
        build_ledger(app, CLI_ACTOR, MONTH, tmp_path / "x.xlsx", "不存在的局")
    with pytest.raises(InvalidInput):
        build_ledger(app, CLI_ACTOR, "2026-13", tmp_path / "x.xlsx")


def test_several_months_in_one_workbook(app: App, tmp_path: Path) -> None:
    fill(app)
    months = ["2026-08", "2026-09", "2026-10"]
    wb = load_workbook(build_ledger(app, CLI_ACTOR, MONTH, tmp_path / "m.xlsx", months=months))
    ws = wb["任务推进台账"]
    assert [c.value for c in ws[3]][:3] == ["序号", "月份", "行动"]
    rows = rows_of(ws)
    per = sum(len(app.task_units(t)) for t in app.plan.tasks)
    assert len(rows) == 3 * per
    assert {r[1] for r in rows} == {"2026年8月", "2026年9月", "2026年10月"}
    assert "2026年8月—2026年10月" in ws["A1"].value
    assert [c.value for c in wb["考核"][3]][:2] == ["名次", "单位"]
    assert parse_months("2023-09..2023-12") == ["2023-09", "2023-10", "2023-11", "2023-12"]


def test_bad_text_is_cleaned_and_xml_is_valid(app: App, tmp_path: Path) -> None:
    fill(app)
    long = "长" * 40000
    app.store.execute(
        "UPDATE task_reports SET progress = ?, problems = ? WHERE task_code = '1.1' AND unit = '区发改委'",
        ("进展\x01\x0b<&>\x1f" + "]]>", long))
    out = build_ledger(app, CLI_ACTOR, MONTH, tmp_path / "bad.xlsx")
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                ET.fromstring(zf.read(name))  # well-formed
    ws = load_workbook(out)["任务推进台账"]
    assert ws["I4"].value == "进展<&>]]>"
    assert len(ws["J4"].value) == xs.MAX_CELL


def test_sheet_names_and_cell_text_helpers() -> None:
    assert xs.safe_sheet_name("a/b:c*d?[e]") == "a_b_c_d__e_"
    long = "很长的工作表名称" * 6
    one = xs.safe_sheet_name(long)
    assert len(one) == 31
    two = xs.safe_sheet_name(long, [one])
    assert len(two) <= 31 and two != one
    assert xs.clean_cell_text("a\x00b\r\nc") == "ab\nc"
    assert xs.col_letter(1) == "A" and xs.col_letter(28) == "AB"


def test_cancel_leaves_no_file_and_progress_rises(app: App, tmp_path: Path) -> None:
    fill(app)
    calls = []
    out = tmp_path / "c.xlsx"

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        build_ledger(app, CLI_ACTOR, MONTH, out, months=["2026-09", MONTH], cancel=cancel)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix in (".xlsx", ".part")] == []
    seen: list[tuple[int, int]] = []
    build_ledger(app, CLI_ACTOR, MONTH, out, progress=lambda d, t, label: seen.append((d, t)))
    assert out.exists() and seen[-1] == (1, 1)
    done = [d for d, _ in seen[:-1]]
    assert done == sorted(done) and len(seen) > 3


def test_cancel_keeps_an_existing_file(app: App, tmp_path: Path) -> None:
    out = tmp_path / "keep.xlsx"
    out.write_bytes(b"old")
    state = {"n": 0}

    def cancel() -> bool:
        state["n"] += 1
        return state["n"] > 2

    with pytest.raises(Cancelled):
        build_ledger(app, CLI_ACTOR, MONTH, out, cancel=cancel)
    assert out.read_bytes() == b"old"


def test_cli_export_ledger(app: App, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    fill(app)
    out = tmp_path / "cli.xlsx"
    assert entry.main(["--db", str(db_path), "export-ledger", "--month", MONTH, "-o", str(out)]) == 0
    assert "已导出台账" in capsys.readouterr().out
    assert load_workbook(out).sheetnames == list(SHEETS)
    out2 = tmp_path / "unit.xlsx"
    assert entry.main(["--db", str(db_path), "export-ledger", "--month", "2026-09..2026-10",
                       "--unit", "区发改委", "-o", str(out2)]) == 0
    ws = load_workbook(out2)["任务推进台账"]
    assert ws["B3"].value == "月份"
    assert entry.main(["--db", str(db_path), "export-ledger", "--month", MONTH, "--unit", "无此单位",
                       "-o", str(tmp_path / "no.xlsx")]) == 1
    assert "不是填报单位" in capsys.readouterr().err
    assert not (tmp_path / "no.xlsx").exists()
    assert entry.main(["--db", str(db_path), "export-ledger", "--month", "2026年13月",
                       "-o", str(tmp_path / "no.xlsx")]) == 2


@pytest.mark.libreoffice
def test_libreoffice_converts_the_ledger_to_pdf(app: App, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot check that it opens the ledger")
    from pypdf import PdfReader
    fill(app)
    out = build_ledger(app, CLI_ACTOR, MONTH, tmp_path / "ledger.xlsx")
    pdf_dir = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(pdf_dir), str(out)], check=True, capture_output=True, timeout=180)
    pdf = pdf_dir / "ledger.pdf"
    assert pdf.exists()
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 6
    text = reader.pages[0].extract_text() or ""
    assert "第 1 页" in text or "台账" in text


def test_dimensions_for_read_only_readers(app: App, tmp_path: Path) -> None:
    fill(app)
    out = build_ledger(app, CLI_ACTOR, MONTH, tmp_path / "d.xlsx")
    full = load_workbook(out)
    ro = load_workbook(out, read_only=True)
    try:
        for ws in full.worksheets:
            assert (ro[ws.title].max_row, ro[ws.title].max_column) == (ws.max_row, ws.max_column)
    finally:
        ro.close()


def test_finished_projects_and_investment_above_the_years_plan(app: App, tmp_path: Path) -> None:
    """A 竣工 project is not “behind schedule”; a year's investment above the year's plan is
    not shown green as “ahead” but yellow, to be checked."""
    e = Entries(app)
    base = {"content": "x", "total_invest": 5000, "year_plan_invest": 1000, "plan_start": "2025-03-01",
            "actual_start": "2025-04-01", "plan_end": "2026-06-30", "progress": "施工"}
    e.save_project(CLI_ACTOR, "区发改委", MONTH, "1.1", {**base, "name": "已竣工项目", "ptype": "竣工",
                                                         "cum_invest": 300})
    e.save_project(CLI_ACTOR, "区发改委", MONTH, "1.1", {**base, "name": "超计划项目", "ptype": "续建",
                                                         "cum_invest": 1250})
    approve_directly(app, "区发改委", MONTH)
    wb = load_workbook(build_ledger(app, CLI_ACTOR, MONTH, tmp_path / "p.xlsx"))
    rows = {r[1].value: r for r in wb["项目台账"].iter_rows(min_row=4) if r[1].value}
    done, over = rows["已竣工项目"], rows["超计划项目"]
    assert done[14].value == "已竣工" and done[14].fill.fgColor.rgb == "FF" + xs.FILL_GREEN
    assert over[9].value == 125 and over[14].value == "累计完成投资超过年度计划投资（占125%），请核实"
    assert over[14].fill.fgColor.rgb == "FF" + xs.FILL_YELLOW
    warn = [r for r in wb["预警清单"].iter_rows(min_row=4, values_only=True) if r[2] == "超计划项目"]
    assert warn and warn[0][4] == "黄色"
