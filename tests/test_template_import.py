"""The Excel fill-in template and its import: structure, round trip, validation with
per-cell rejections, idempotence, dry run, locks, permissions, formulas, foreign files."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

import main as entry
from exports.template import build_template
from forms import task_form
from models.app import CLI_ACTOR, App
from models.entries import Entries
from models.errors import PermissionDenied
from models.excel_import import import_excel
from models.excel_read import NotATemplate

MONTH = "2026-10"
UNIT = "区发改委"


def col(ws, label: str) -> int:
    for c in ws[3]:
        if c.value == label:
            return c.column
    raise KeyError(label)


def row_of(ws, code: str) -> int:
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, 1).value == code:
            return r
    raise KeyError(code)


def audit_count(app: App) -> int:
    return app.store.scalar("SELECT COUNT(*) FROM value_audit")


@pytest.fixture
def template(app: App, tmp_path: Path) -> Path:
    e = Entries(app)
    e.save_task_report(CLI_ACTOR, "1.1", UNIT, MONTH, {"status": "推进中", "progress": "已有进展",
                                                       "person": "张三", "deadline": "2026-12-31"})
    e.save_project(CLI_ACTOR, UNIT, MONTH, "1.1", {"name": "屋顶光伏", "ptype": "新建", "total_invest": 100})
    return build_template(app, CLI_ACTOR, MONTH, UNIT, tmp_path / "模板.xlsx")


def test_template_structure(app: App, template: Path) -> None:
    wb = load_workbook(template)
    assert wb.sheetnames[:5] == ["填报说明", "任务填报", "里程碑填报", "项目填报", "指标填报"]
    meta = wb["模板信息"]
    assert meta.sheet_state == "hidden"
    info = {r[0]: r[1] for r in meta.iter_rows(values_only=True)}
    assert info["填报单位"] == UNIT and info["填报月份"] == MONTH and info["计划编号"] == app.plan.plan_id
    assert info["模板版本"] == 1
    ws = wb["任务填报"]
    heads = [c.value for c in ws[3]]
    assert heads[:3] == ["任务编码", "重点任务", "本单位角色"]
    assert heads[3:] == [f.label for f in task_form.FIELDS]  # columns come from the form
    assert ws.protection.sheet
    r = row_of(ws, "1.1")
    assert ws.cell(r, col(ws, "完成状态")).value == "推进中"
    assert ws.cell(r, col(ws, "完成时限")).value == datetime(2026, 12, 31)
    assert ws.cell(r, 1).protection.locked
    assert not ws.cell(r, col(ws, "完成状态")).protection.locked
    assert [t.code for t, _ in app.tasks_of(UNIT)] == [ws.cell(i, 1).value for i in range(4, ws.max_row + 1)]
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    status_col = ws.cell(3, col(ws, "完成状态")).column_letter
    assert any(dv.formula1 == '"未启动,推进中,已完成,滞后"' and status_col in str(dv.sqref) for dv in lists)
    ind = wb["指标填报"]
    heads = [c.value for c in ind[3]]
    assert "指标编码" in heads and "本期数值" in heads
    assert [ind.cell(i, 1).value for i in range(4, ind.max_row + 1)] == app.parts_of(UNIT)
    proj = wb["项目填报"]
    assert proj.column_dimensions["A"].hidden
    assert proj.cell(4, col(proj, "项目名称")).value == "屋顶光伏"
    assert proj.cell(4, 1).value  # the hidden id
    assert proj.max_row >= 4 + 15
    ms = wb["里程碑填报"]
    assert [ms.cell(i, 1).value for i in range(4, ms.max_row + 1)] == app.milestones_of(UNIT)
    yes_no = [dv for dv in ms.data_validations.dataValidation if dv.formula1 == '"是,否"']
    value_cell = ms.cell(row_of(ms, "3.2-M1"), col(ms, "本月累计值")).coordinate
    assert yes_no and value_cell in str(yes_no[0].sqref)
    assert "只需填写浅黄色单元格" in "".join(str(c.value) for c in wb["填报说明"]["A"])


def fill_template(template: Path, out: Path) -> None:
    wb = load_workbook(template)
    ws = wb["任务填报"]
    r = row_of(ws, "1.2")
    ws.cell(r, col(ws, "完成状态")).value = "滞后"
    ws.cell(r, col(ws, "本月进展情况")).value = "推进缓慢"
    ws.cell(r, col(ws, "责任人")).value = "李四"
    ws.cell(r, col(ws, "完成时限")).value = "2026年11月30日"
    bad = row_of(ws, "2.2")
    ws.cell(bad, col(ws, "完成状态")).value = "进行中"
    ws.cell(bad, col(ws, "本月进展情况")).value = "写了"
    ws.cell(bad, col(ws, "责任人")).value = "王五"
    ind = wb["指标填报"]
    ind.cell(row_of(ind, "I01"), col(ind, "本期数值")).value = "18.6%"
    ind.cell(row_of(ind, "I02"), col(ind, "本期数值")).value = "１２．５"
    c = ind.cell(row_of(ind, "I03"), col(ind, "本期数值"))
    c.value = 0.186
    c.number_format = "0.0%"
    proj = wb["项目填报"]
    proj.cell(5, col(proj, "所属任务编码")).value = "1.2"
    proj.cell(5, col(proj, "项目名称")).value = "风电场"
    proj.cell(5, col(proj, "项目类型")).value = "前期"
    proj.cell(5, col(proj, "总投资")).value = "3,000"
    ms = wb["里程碑填报"]
    ms.cell(row_of(ms, "1.2-M1"), col(ms, "本月累计值")).value = 12
    ms.cell(row_of(ms, "3.2-M1"), col(ms, "本月累计值")).value = "是"  # a qualitative milestone
    wb.save(out)


def test_round_trip_dry_run_and_idempotence(app: App, template: Path, tmp_path: Path) -> None:
    filled = tmp_path / "filled.xlsx"
    fill_template(template, filled)
    before = audit_count(app)
    dry = import_excel(app, CLI_ACTOR, filled, dry_run=True)
    assert audit_count(app) == before
    assert dry.dry_run and dry.imported == 7 and "仅检查" in dry.text()
    s = import_excel(app, CLI_ACTOR, filled)
    assert (s.imported, s.updated) == (7, 0)
    assert s.unchanged == 2  # the prefilled task report and project
    assert len(s.rejected) == 1 and s.rejected_rows == 1
    rej = s.rejected[0]
    assert rej.sheet == "任务填报" and rej.row == row_of(load_workbook(filled)["任务填报"], "2.2")
    assert rej.column == "D" and "完成状态“进行中”无效" in rej.reason
    assert "［任务填报］" in s.text() and "D列（完成状态）" in s.text()
    e = Entries(app)
    rep = e.task_report(CLI_ACTOR, "1.2", UNIT, MONTH)
    assert (rep["status"], rep["person"], rep["deadline"]) == ("滞后", "李四", "2026-11-30")
    assert e.task_report(CLI_ACTOR, "2.2", UNIT, MONTH)["updated_at"] == ""  # the rejected row did not land
    assert e.indicator_value(CLI_ACTOR, "I01", "2026")["value"] == 18.6
    assert e.indicator_value(CLI_ACTOR, "I02", "2026")["value"] == 12.5
    assert e.indicator_value(CLI_ACTOR, "I03", "2026")["value"] == pytest.approx(18.6)
    assert e.milestone_value(CLI_ACTOR, "1.2-M1", UNIT, MONTH)["value"] == 12
    assert (e.milestone_value(CLI_ACTOR, "3.2-M1", UNIT, MONTH)["value"], e.milestone_value(CLI_ACTOR, "3.2-M1", UNIT, MONTH)["raw"]) \
        == (1.0, "是")
    names = {p["name"]: p for p in e.projects(CLI_ACTOR, UNIT, MONTH)}
    assert names["风电场"]["total_invest"] == 3000 and names["风电场"]["ptype"] == "前期"
    origins = {r["origin"] for r in app.store.query("SELECT origin FROM value_audit WHERE id > ?", (before,))}
    assert origins == {"excel"}
    after = audit_count(app)
    again = import_excel(app, CLI_ACTOR, filled)
    assert (again.imported, again.updated) == (0, 0) and again.unchanged == 9
    assert audit_count(app) == after
    assert len(e.projects(CLI_ACTOR, UNIT, MONTH)) == 2  # the new project was not created twice


def test_update_existing_project_and_task(app: App, template: Path, tmp_path: Path) -> None:
    wb = load_workbook(template)
    proj = wb["项目填报"]
    proj.cell(4, col(proj, "累计完成投资")).value = 55.5
    ws = wb["任务填报"]
    ws.cell(row_of(ws, "1.1"), col(ws, "本月进展情况")).value = "新的进展"
    wb.save(tmp_path / "u.xlsx")
    s = import_excel(app, CLI_ACTOR, tmp_path / "u.xlsx")
    assert (s.imported, s.updated, s.rejected) == (0, 2, [])
    e = Entries(app)
    assert e.projects(CLI_ACTOR, UNIT, MONTH)[0]["cum_invest"] == 55.5
    assert e.task_report(CLI_ACTOR, "1.1", UNIT, MONTH)["progress"] == "新的进展"


def _set_cached(path: Path, formula: str, cached: str) -> None:
    """Give a formula cell a cached value, as Excel does when it saves. (openpyxl writes the
    empty value as ``<v />`` with the standard library's XML writer, ``<v></v>`` with lxml.)"""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                for empty in (b"<v />", b"<v/>", b"<v></v>"):
                    data = data.replace(f"<f>{formula}</f>".encode() + empty,
                                        f"<f>{formula}</f><v>{cached}</v>".encode())
            dst.writestr(item, data)
    tmp.replace(path)


def test_formulas_use_cached_values_or_are_rejected(app: App, template: Path, tmp_path: Path) -> None:
    wb = load_workbook(template)
    ind = wb["指标填报"]
    ind.cell(row_of(ind, "I01"), col(ind, "本期数值")).value = "=10+2.5"
    ind.cell(row_of(ind, "I02"), col(ind, "本期数值")).value = "=SUM(1,2)"
    out = tmp_path / "f.xlsx"
    wb.save(out)
    _set_cached(out, "10+2.5", "12.5")
    s = import_excel(app, CLI_ACTOR, out)
    e = Entries(app)
    assert e.indicator_value(CLI_ACTOR, "I01", "2026")["value"] == 12.5
    assert e.indicator_value(CLI_ACTOR, "I02", "2026") is None
    assert len(s.rejected) == 1 and "公式" in s.rejected[0].reason and s.rejected[0].sheet == "指标填报"


def test_not_a_template(app: App, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture) -> None:
    other = tmp_path / "other.xlsx"
    wb = Workbook()
    wb.active["A1"] = "任务编码"
    wb.save(other)
    csv = tmp_path / "data.xlsx"
    csv.write_text("任务编码,完成状态\n1.1,推进中\n", encoding="utf-8")
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(other.read_bytes()[:300])
    before = audit_count(app)
    for f in (other, csv, corrupt, tmp_path / "missing.xlsx"):
        with pytest.raises(NotATemplate):
            import_excel(app, CLI_ACTOR, f)
        assert entry.main(["--db", str(db_path), "import-excel", str(f)]) == 2
        assert "错误" in capsys.readouterr().err
    assert audit_count(app) == before


def test_template_of_another_plan_or_unknown_unit(app: App, template: Path, tmp_path: Path) -> None:
    wb = load_workbook(template)
    wb["模板信息"]["B5"] = "other-plan"
    wb.save(tmp_path / "p.xlsx")
    with pytest.raises(NotATemplate, match="计划"):
        import_excel(app, CLI_ACTOR, tmp_path / "p.xlsx")


def test_locked_month_lands_nothing(app: App, template: Path, tmp_path: Path) -> None:
    filled = tmp_path / "filled.xlsx"
    fill_template(template, filled)
    app.store.execute("UPDATE submissions SET state = 'submitted', submitted_at = '2026-11-03T10:00:00' "
                      "WHERE unit = ? AND month = ?", (UNIT, MONTH))
    before = audit_count(app)
    s = import_excel(app, CLI_ACTOR, filled)
    assert audit_count(app) == before
    assert len(s.rejected) == 1 and "报送后不能修改" in s.rejected[0].reason
    assert s.rejected[0].reason == Entries(app).lock_reason(CLI_ACTOR, UNIT, MONTH)


def test_clerk_permissions(app: App, template: Path, tmp_path: Path, clerk_of) -> None:
    filled = tmp_path / "filled.xlsx"
    fill_template(template, filled)
    with pytest.raises(PermissionDenied):
        import_excel(app, clerk_of("区工信局"), filled)
    s = import_excel(app, clerk_of(UNIT), filled)
    assert s.imported == 7
    who = {r["actor"] for r in app.store.query("SELECT actor FROM value_audit WHERE origin = 'excel'")}
    assert who == {clerk_of(UNIT).username}


def test_unexpected_error_lands_nothing(app: App, template: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    filled = tmp_path / "filled.xlsx"
    fill_template(template, filled)
    before = audit_count(app)

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Entries, "save_indicator_value", boom)
    with pytest.raises(RuntimeError):
        import_excel(app, CLI_ACTOR, filled)
    assert audit_count(app) == before
    assert Entries(app).task_report(CLI_ACTOR, "1.2", UNIT, MONTH)["updated_at"] == ""


def test_cli_exit_codes(app: App, template: Path, tmp_path: Path, db_path: Path,
                        capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "cli.xlsx"
    assert entry.main(["--db", str(db_path), "export-template", "--month", MONTH, "--unit", UNIT,
                       "-o", str(out)]) == 0
    assert "填报模板" in capsys.readouterr().out
    assert entry.main(["--db", str(db_path), "import-excel", str(out)]) == 0
    filled = tmp_path / "filled.xlsx"
    fill_template(out, filled)
    assert entry.main(["--db", str(db_path), "import-excel", str(filled), "--dry-run"]) == 1
    text = capsys.readouterr().out
    assert "仅检查" in text and "进行中" in text
    assert Entries(app).task_report(CLI_ACTOR, "1.2", UNIT, MONTH)["updated_at"] == ""
    assert entry.main(["--db", str(db_path), "import-excel", str(filled)]) == 1
    assert entry.main(["--db", str(db_path), "export-template", "--month", MONTH, "--unit", "无此单位",
                       "-o", str(tmp_path / "x.xlsx")]) == 1


@pytest.mark.libreoffice
def test_libreoffice_opens_the_template(template: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot check that it opens the template")
    from pypdf import PdfReader
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), str(template)], check=True, capture_output=True,
                   timeout=180)
    pdf = tmp_path / "pdf" / (template.stem + ".pdf")
    assert pdf.exists() and len(PdfReader(pdf).pages) >= 5


def test_unit_without_indicators_or_milestones(app: App, tmp_path: Path) -> None:
    unit = next(u for u in app.reporting_units() if not app.parts_of(u) and not app.milestones_of(u))
    tpl = build_template(app, CLI_ACTOR, MONTH, unit, tmp_path / "empty.xlsx")
    wb = load_workbook(tpl)
    assert wb["指标填报"]["B4"].value == "（本单位本月没有需要填报的事项）"
    assert wb["指标填报"]["A4"].value is None
    s = import_excel(app, CLI_ACTOR, tpl)
    assert (s.imported, s.updated, s.unchanged, s.rejected) == (0, 0, 0, [])
    assert s.ok and "新增0条" in s.text()


def test_backup_before_writing(app: App, template: Path, tmp_path: Path) -> None:
    from models.backup import list_backups
    filled = tmp_path / "filled.xlsx"
    fill_template(template, filled)
    before = len(list_backups(app.store.path))
    import_excel(app, CLI_ACTOR, filled, dry_run=True)
    assert len(list_backups(app.store.path)) == before
    import_excel(app, CLI_ACTOR, filled)
    assert [b.reason for b in list_backups(app.store.path)].count("import") == 1


def test_values_far_off_the_previous_period_are_listed_to_confirm(app: App, template: Path,
                                                                   tmp_path: Path) -> None:
    Entries(app).save_indicator_value(CLI_ACTOR, "I01", "区发改委", "2025-12", "1.5", period="2025")
    filled = tmp_path / "filled.xlsx"
    fill_template(template, filled)  # 18.6 % for this year: more than 10 times 1.5 %
    s = import_excel(app, CLI_ACTOR, filled)
    assert [t.split("：")[0] for t in s.to_confirm] == ["指标I01"]
    assert "报送前须在“月度填报”中确认" in s.text()
