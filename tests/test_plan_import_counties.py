"""Shapes seen when importing published county plans (a 乡镇 county with 责任单位
paragraphs and a table by year, a county-level city with （牵头单位：…；配合单位：…） and no
appendix, a district of a municipality with a 本区目标/市级目标 table): each shape that
once gave a wrong target or a plan file the program refused, in a short document built
here, imported, read back and loaded by the program's loader."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from exports.briefing import build_briefing
from exports.ledger import build_ledger
from models.app import Actor, App
from models.demo import generate_demo
from models.demo_samples import task_clauses
from models.plan import Part, Target as PlanTarget
from models.plan_import import ImportResult, import_plan
from models.plan_import.wording import parse_targets
from models.plan_load import load_plan
from models.plan_parse import parse_plan
from models.store import Store
from models.target_rules import Previous
from models.targets import judge
from tests.plan_contract import problems
from tests.plan_docs import PAGE, P, T, write_docx, write_text

HEAD = [
    P("青溪县人民政府关于印发《青溪县碳达峰实施方案》的通知"),
    P("各乡镇人民政府，县直各单位："),
    P("青溪县人民政府"),
    P("2024年3月18日"),
    P("青溪县碳达峰实施方案", heading=True),
    P("根据《江海市碳达峰实施方案》，结合我县实际，制定本方案。"),
]


def loaded(result: ImportResult) -> dict[str, Any]:
    """The written file: valid by the contract and loaded by the program."""
    raw = tomllib.loads(result.toml_text)
    assert problems(raw) == []
    parse_plan(raw, "imported")
    return raw


def parts(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["code"]: p for i in raw.get("indicators", []) for p in i["parts"]}


def milestones(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["code"]: m for m in raw.get("milestones", [])}


def short(t: dict[str, Any]) -> tuple[Any, ...]:
    return (t["year"], t["op"], t.get("value"), t.get("basis"), t.get("baseline_year"), t.get("since"),
            t.get("assigned_by"))


# -- an appendix whose rows name a reduction (…降低) and hold pending targets -------------

def table_plan() -> list[Any]:
    return HEAD + [
        P("一、重点任务", heading=True),
        P("（一）能源绿色低碳转型行动", heading=True),
        P("1.推进煤炭消费减量替代。严格控制煤炭消费。（县发展改革委、县生态环境局按职责分工负责）"),
        PAGE,
        P("附件"),
        T(rows=[
            ["序号", "指标名称", "市级目标", "本县目标", "测算依据", "牵头单位"],
            ["1", "单位地区生产总值能源消耗降低", "完成国家下达目标", "完成市下达目标", "按全市分解", "县发展改革委"],
            ["2", "单位地区生产总值二氧化碳排放", "完成国家下达目标", "完成市下达目标；到2030年比2005年下降65%以上",
             "按全市分解", ""],
            ["3", "城镇新建建筑中绿色建筑面积占比、星级绿色建筑占比", "100%、30%", "到2025年分别达到100%、30%",
             "按新建项目测算", "县住房建设委"],
        ], merges=[(1, 5, 2, 5)]),
    ]


@pytest.fixture(scope="module", params=["docx", "txt"])
def table_result(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> ImportResult:
    path = tmp_path_factory.mktemp("t") / f"青溪县碳达峰实施方案.{request.param}"
    (write_docx if request.param == "docx" else write_text)(table_plan(), path)
    return import_plan(path)


def test_a_row_named_as_a_reduction_is_entered_as_the_reduction(table_result: ImportResult) -> None:
    p = parts(loaded(table_result))["I01"]
    # the plan names no peak year: an undated target is read for 2030 (and reviewed);
    # what is entered is the reduction in % against the base year of the five-year period
    # (十五五: 2025), judged like any reduction rate; the city's value is a floor on it
    assert (p["unit"], p["direction"], p.get("pending"), p.get("entered_as")) == ("%", "lower", True, "reduction_rate")
    assert [short(t) for t in p["targets"]] == [(2030, "<=", None, "reduction_vs_baseline", 2025, None, "市")]
    assert any(i.ref == "I01" and "比2025年下降" in i.decided for i in table_result.review_items)


def test_a_pending_target_beside_a_reduction_against_a_base_year_loads(table_result: ImportResult) -> None:
    p = parts(loaded(table_result))["I02"]
    assert (p["unit"], p.get("entered_as")) == ("%", "reduction_rate")
    # the assigned value is a reduction against the same base year as the other target
    assert [short(t) for t in p["targets"]] == [
        (2030, "<=", None, "reduction_vs_baseline", 2005, None, "市"),
        (2030, "<=", 65, "reduction_vs_baseline", 2005, None, None)]
    assert any(i.kind == "target_pending" and "2005" in i.decided for i in table_result.review_items)


def test_two_indicators_ending_in_the_same_word_keep_their_names(table_result: ImportResult) -> None:
    ps = parts(loaded(table_result))
    assert (ps["I03a"]["name"], ps["I03b"]["name"]) == ("城镇新建建筑中绿色建筑面积占比", "星级绿色建筑占比")


# -- a plan without appendix: goals and task sentences --------------------------------------

def goals_plan() -> list[Any]:
    return HEAD + [
        P("一、主要目标", heading=True),
        P("到2025年，单位地区生产总值能耗比2020年下降13.5%以上，单位地区生产总值二氧化碳排放完成江海市下达目标。"
          "到2030年，单位地区生产总值能耗进一步下降。"),
        P("二、重点任务", heading=True),
        P("（一）推动能源结构优化", heading=True),
        P("1.积极发展可再生能源。推进农光互补光伏项目建设，力争新增光伏装机容量19.2万千瓦。"
          "（牵头单位：县发改局；配合单位：县自然资源局，各乡镇人民政府）"),
        P("2.推广新能源交通工具。到2025年，新增和更新出租车中新能源汽车比例不低于80%。"
          "（牵头单位：县交通运输局；配合单位：县发改局）"),
        P("3.推进建筑节能。“十四五”期间累计完成公共建筑节能改造不少于40万平方米，其中政府投资公共建筑不少于10万平方米。"
          "（牵头单位：县住建局；配合单位：县机关事务中心）"),
    ]


@pytest.fixture(scope="module")
def goals_result(tmp_path_factory: pytest.TempPathFactory) -> ImportResult:
    return import_plan(write_docx(goals_plan(), tmp_path_factory.mktemp("g") / "青溪县碳达峰实施方案.docx"))


def test_an_increment_without_a_year_gets_a_base_year_and_is_reviewed(goals_result: ImportResult) -> None:
    m = milestones(loaded(goals_result))["1.1-M1"]
    t = m["targets"][0]
    assert (t["op"], t["value"], t["unit"], t["kind"], t["basis"]) == (">=", 19.2, "万千瓦", "stretch", "increment")
    # no period named anywhere near it: the plan's peak year, counted from the plan's own
    # base year (its goals say 比2020年), not from 2025
    assert (t["year"], t["baseline_year"]) == (2030, 2020)
    assert any(f"按 {t['baseline_year']} 年末起算" in i.decided for i in goals_result.review_items)
    assert not any("None" in i.decided for i in goals_result.review_items)


def test_new_and_renewed_vehicles_share_is_not_an_increment(goals_result: ImportResult) -> None:
    m = milestones(loaded(goals_result))["1.2-M1"]
    assert m["name"] == "新增和更新出租车中新能源汽车比例"
    assert [short(t) for t in m["targets"]] == [(2025, ">=", 80, "absolute", None, None, None)]


def test_a_city_named_in_the_pending_target_is_the_city(goals_result: ImportResult) -> None:
    raw = loaded(goals_result)
    pending = [p for p in parts(raw).values() if p.get("pending")]
    assert [(p["name"], p["assigned_by"]) for p in pending] == [("单位地区生产总值二氧化碳排放", "市")]


def test_a_part_of_a_cumulative_whole_is_cumulative_over_the_same_period(goals_result: ImportResult) -> None:
    ms = milestones(loaded(goals_result))
    whole, part = ms["1.3-M1"], ms["1.3-M2"]
    assert part["part_of"] == "1.3-M1"
    assert short(whole["targets"][0]) == (2025, ">=", 40, "cumulative", None, "2021-01", None)
    assert short(part["targets"][0]) == (2025, ">=", 10, "cumulative", None, "2021-01", None)


# -- the wording parser, as county plans word these kinds ------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("单位地区生产总值二氧化碳排放完成江海市下达目标", (2030, "<=", None, "absolute", None, "", "市")),
    ("到2025年，单位地区生产总值能耗下降率完成省定目标任务", (2025, ">=", None, "absolute", None, "", "省")),
    ("完成南山省下达的目标任务", (2030, ">=", None, "absolute", None, "", "省")),
    ("单位地区生产总值能耗降低完成市下达目标", (2030, ">=", None, "absolute", None, "", "市")),
    ("力争新增光伏装机容量19.2万千瓦", (2030, ">=", 19.2, "increment", 2025, "", "")),
    ("到2025年，新增光伏装机10万千瓦以上", (2025, ">=", 10, "increment", 2020, "", "")),
    ("“十四五”期间新增光伏装机10万千瓦", (2025, ">=", 10, "increment", 2020, "", "")),
    ("新增和更新出租车中新能源汽车比例不低于80%", (2030, ">=", 80, "absolute", None, "", "")),
    ("到2025年，新增公交车中新能源汽车比例达到100%", (2025, ">=", 100, "absolute", None, "", "")),
])
def test_county_wordings(text: str, expected: tuple[Any, ...]) -> None:
    parsed = parse_targets(text, default_year=2030)
    assert not parsed.unparsed
    assert len(parsed.targets) == 1
    t = parsed.targets[0]
    assert (t.year, t.op, t.value, t.basis, t.baseline_year, t.since, t.assigned_by) == expected
    assert t.text


# -- the engine: 进一步下降 of a part entered as its reduction rate ---------------------------

RATE_PART = Part(code="X01", name="单位地区生产总值能耗", unit="%", direction="lower", entered_as="reduction_rate",
                 targets=(PlanTarget(2025, "<=", 13.5, "%", basis="reduction_vs_baseline", baseline_year=2020),
                          PlanTarget(2030, "decrease", None, "", text="单位地区生产总值能耗进一步下降")))


@pytest.mark.parametrize("value, status", [(16.0, "green"), (15.0, "yellow"), (14.0, "red")])
def test_further_fall_of_an_intensity_entered_as_its_reduction_rate(value: float, status: str) -> None:
    # the rate against 2020 rises when the intensity falls
    v = judge(RATE_PART, "2027", value, previous=Previous("2026", 15.0))
    assert v.status == status, v.message
    assert "Error" not in v.message
    if status != "yellow":
        assert "下降率" in v.message
    if status == "green":
        assert "提高1个百分点" in v.message and "符合进一步下降的要求" in v.message


def test_the_goals_plan_loads_from_docx_and_from_text(tmp_path: Path) -> None:
    # the writers used above produce files the importer accepts in both forms
    for writer, suffix in ((write_docx, "docx"), (write_text, "txt")):
        path = writer(goals_plan(), tmp_path / f"青溪县碳达峰实施方案.{suffix}")
        assert loaded(import_plan(path))["plan"]["district"] == "青溪县"


# -- the imported plan run as the county's office would -------------------------------------

OFFICE = Actor("office-admin", "admin", None, "办公室管理员")


def test_an_imported_plan_without_appendix_runs_the_demo_ledger_and_briefing(tmp_path: Path) -> None:
    """Indicators from 主要目标 have no unit yet (未分工), a town is named beside the towns'
    placeholder, and 街道办事处 follows 各乡镇人民政府: sample data, ledger and briefing are made,
    and the sample sentences quote measures, not the units' parenthesis."""
    blocks = goals_plan()
    blocks.insert(-1, P("4.推进城关镇绿色低碳示范。打造低碳示范街区。"
                        "（牵头单位：城关镇人民政府；配合单位：县发改局，各乡镇人民政府、街道办事处）"))
    result = import_plan(write_docx(blocks, tmp_path / "青溪县碳达峰实施方案.docx"))
    raw = loaded(result)
    kinds = {u["name"]: (u["kind"], u.get("aliases", [])) for u in raw["units"]}
    assert kinds["各乡镇人民政府"] == ("streets", ["街道办事处"])
    assert kinds["城关镇人民政府"][0] == "street"
    plan_file = tmp_path / "青溪县.toml"
    plan_file.write_text(result.toml_text, encoding="utf-8")
    app = App(Store(tmp_path / "q.db"), load_plan(plan_file))
    try:
        generate_demo(app, OFFICE, "2024-12", streets=3)
        units = app.reporting_units()
        assert len(units) == len(set(units)) and "城关镇人民政府" in units
        assert not app.store.query("SELECT 1 FROM indicator_values WHERE unit = ''")
        for t in app.plan.tasks:
            assert not any(w in c for c in task_clauses(t) for w in ("牵头单位", "配合单位", "配合）")), t.code
        build_ledger(app, OFFICE, "2024-12", tmp_path / "台账.xlsx")
        with pdfplumber.open(str(build_briefing(app, OFFICE, "2024-12", tmp_path / "简报.pdf"))) as pdf:
            text = "".join(p.extract_text() or "" for p in pdf.pages)
        assert "青溪县碳达峰碳中和工作简报" in text and "全县" in text
        assert "牵头单位：" not in text and "配合单位：" not in text
        # no appendix: the plan's indicators are named where the plan lists them
        assert raw["plan"]["words"]["appendix_name"] == ""
        flat = "".join(text.split())
        assert "附表" not in flat and "附件" not in flat and "方案主要目标所列" in flat
    finally:
        app.close()
