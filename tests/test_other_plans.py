"""Other districts' plans, end to end: sample data generated from the plan alone, values
entered and judged, and the ledger, the fill-in template and the briefing print that
district's names and words only (read back from the xlsx and the PDF), with the
program named after it in the files' metadata."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from exports.briefing import build_briefing
from exports.ledger import build_ledger
from exports.template import build_template
from models.app import Actor, App
from models.checking import Judge
from models.demo import generate_demo
from models.entries import Entries
from models.plan_load import DEFAULT_PLAN, load_plan
from models.store import Store
from tests.conftest import clerk

PLANS = Path(__file__).resolve().parent / "data" / "plans"
MONTH = "2024-06"

OFFICE = Actor("office-admin", "admin", None, "办公室管理员")


def zhushan_words() -> set[str]:
    """Every name the bundled plan gives: its place, city, units, sample streets and places."""
    raw = tomllib.loads(DEFAULT_PLAN.read_text(encoding="utf-8"))
    words = {"珠山", "景德镇", raw["plan"]["district"]}
    for u in raw["units"]:
        words.add(u["name"])
        words.update(u.get("aliases", []))
    words.update(raw["demo"]["streets"])
    words.update(raw["demo"]["places"])
    return words


def foreign_words(app: App) -> set[str]:
    """The bundled plan's names that the other plan does not use itself."""
    own = {u.name for u in app.plan.units} | {a for u in app.plan.units for a in u.aliases}
    return {w for w in zhushan_words() if not any(w in name for name in own)}


def xlsx_text(path: Path) -> str:
    wb = load_workbook(path)
    out = []
    for ws in wb.worksheets:
        out.append(ws.title)
        for row in ws.iter_rows(values_only=True):
            out.extend(str(c) for c in row if c is not None)
    out.append(str(wb.properties.creator))
    return "\n".join(out)


def pdf_text(path: Path) -> str:
    with pdfplumber.open(str(path)) as pdf:
        return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in pdf.pages))


@pytest.fixture(params=["jiading-like", "huangpu-like", "county-like"])
def other(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    app = App(Store(tmp_path / f"{request.param}.db"), load_plan(PLANS / f"{request.param}.toml"))
    generate_demo(app, OFFICE, MONTH, streets=3)
    yield app
    app.close()


def test_sample_data_is_made_from_the_plan(other: App) -> None:
    word = other.plan.words.street_word
    assert other.streets() == [f"示例{word}1", f"示例{word}2", f"示例{word}3"]
    names = [r["name"] for r in other.store.query("SELECT name FROM projects")]
    assert names and all(not any(w in n for w in foreign_words(other)) for n in names)
    base = other.store.query("SELECT part_code, source FROM baselines")
    assert all(r["part_code"] in other.plan.parts_by_code for r in base)
    counts = Judge(other).current(OFFICE, MONTH)
    assert {r["status"] for r in counts} - {"grey"}  # judged, not all pending


def test_ledger_template_and_briefing_speak_for_the_other_district(other: App, tmp_path: Path, reviewer) -> None:
    plan = other.plan
    ledger = build_ledger(other, OFFICE, MONTH, tmp_path / "台账.xlsx")
    lead = next(u for u in other.reporting_units() if other.tasks_of(u))
    template = build_template(other, OFFICE, MONTH, lead, tmp_path / "模板.xlsx")
    briefing = build_briefing(other, OFFICE, MONTH, tmp_path / "简报.pdf")
    texts = {"ledger": xlsx_text(ledger), "template": xlsx_text(template), "briefing": pdf_text(briefing)}
    for name, text in texts.items():
        hits = sorted(w for w in foreign_words(other) if w in text)
        assert hits == [], f"{name} names the bundled plan's {hits}"
        assert plan.district in text, name
    brief = texts["briefing"]
    assert re.sub(r"\s+", "", plan.briefing.title) in brief
    assert plan.words.whole in brief and plan.words.appendix_name in brief
    assert re.sub(r"\s+", "", plan.briefing.distribute_to) in brief
    assert PdfReader(str(briefing)).metadata["/Creator"] == plan.app_title
    assert load_workbook(ledger).properties.creator == plan.app_title
    assert load_workbook(template).properties.creator == plan.app_title


def test_county_words_replace_the_district_words(tmp_path: Path) -> None:
    app = App(Store(tmp_path / "c.db"), load_plan(PLANS / "county-like.toml"))
    try:
        generate_demo(app, OFFICE, MONTH, streets=2)
        brief = pdf_text(build_briefing(app, OFFICE, MONTH, tmp_path / "b.pdf"))
        assert "全县" in brief and "全区" not in brief and "附件" in brief
        assert "县直各有关单位" in brief and "区直" not in brief  # distribution line from the plan's words
        assert app.streets() == ["示例乡镇1", "示例乡镇2"]
        v = Judge(app).verdict("I01", "2024", "0.5")
        assert v.status == "grey" and "省下达" in v.message
    finally:
        app.close()


def test_values_entered_and_judged_in_the_other_plan(tmp_path: Path) -> None:
    app = App(Store(tmp_path / "h.db"), load_plan(PLANS / "huangpu-like.toml"))
    try:
        e = Entries(app)
        ck = clerk("区建设管理委")
        e.save_indicator_value(ck, "I04", "区建设管理委", "2030-12", "61%", period="2030")
        period, value, v = Judge(app).latest(OFFICE, "I04", "2030-12")
        assert (period, value, v.status) == ("2030", 61.0, "green")
        res = e.save_task_report(ck, "1.1", "区建设管理委", MONTH, {"status": "推进中", "progress": "完成3栋楼宇节能诊断"})
        assert res.changed
        rows = [r for r in Judge(app).current(OFFICE, "2030-12") if r["code"] == "I04"]
        assert rows[0]["responsible_unit"] == "区建设管理委"
    finally:
        app.close()


def test_template_asks_for_the_rate_and_import_checks_the_whole(tmp_path: Path) -> None:
    from models.app import CLI_ACTOR
    from models.excel_import import import_excel

    app = App(Store(tmp_path / "jd.db"), load_plan(PLANS / "jiading-like.toml"))
    try:
        def cols(ws: object) -> dict[str, int]:
            return {c.value: c.column for c in ws[3] if c.value}  # type: ignore[index, attr-defined]

        def rows(ws: object) -> dict[str, int]:
            return {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}  # type: ignore[attr-defined]

        t = build_template(app, OFFICE, MONTH, "区发展改革委", tmp_path / "发改.xlsx")
        wb = load_workbook(t)
        ws = wb["指标填报"]
        c, r = cols(ws), rows(ws)["I01"]
        assert ws.cell(r, c["指标名称"]).value == "单位生产总值能源消耗下降率"
        assert ws.cell(r, c["计量单位"]).value == "%"
        assert "填下降率" in ws.cell(r, c["目标"]).value
        ws.cell(r, c["本期数值"]).value = "8.5%"
        wb.save(t)
        summary = import_excel(app, CLI_ACTOR, t)
        assert summary.ok and Entries(app).indicator_value(OFFICE, "I01", "2024")["value"] == 8.5

        t = build_template(app, OFFICE, MONTH, "区建设管理委", tmp_path / "建管.xlsx")
        wb = load_workbook(t)
        ws = wb["里程碑填报"]
        c, r = cols(ws), rows(ws)
        assert "其中项：不超过“超低能耗建筑示范项目面积”" in ws.cell(r["3.1-JDXC"], c["目标"]).value
        ws.cell(r["3.1-M1"], c["本月累计值"]).value = 20
        ws.cell(r["3.1-JDXC"], c["本月累计值"]).value = 25
        wb.save(t)
        summary = import_excel(app, CLI_ACTOR, t)
        assert any("里程碑3.1-JDXC" in x and "不能大于总数" in x for x in summary.to_correct)
        assert "报送前须更正" in summary.text()
        assert Entries(app).milestone_value(OFFICE, "3.1-JDXC", "区建设管理委", MONTH)["value"] == 25.0
        assert any("其中" in m for _w, m in Entries(app).month_problems(OFFICE, "区建设管理委", MONTH))
    finally:
        app.close()
