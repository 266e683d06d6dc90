"""Plans of other shapes than the seed import too (tests/plan_samples.py): a district plan in
the style of Shanghai's (no 行动 in action names, bold titles, a third level, units in
every form and missing on some tasks, no appendix) and a county plan (actions numbered
三、四、五, tasks （一）, sub-tasks 1., an appendix laid out by year with merged cells, split
over two pages with the header repeated), each as .docx and as PDF or text."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from models.plan_import import ImportResult, import_plan
from tests.plan_contract import problems
from tests.plan_docs import write_docx, write_pdf, write_text
from tests.plan_samples import county_plan, district_plan


def checked(result: ImportResult) -> dict[str, Any]:
    raw = tomllib.loads(result.toml_text)
    assert raw == result.draft.to_raw()
    assert problems(raw) == []
    return raw


def tasks(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for a in raw["actions"]:
        for t in a["tasks"]:
            out[t["code"]] = t
            for s in t.get("subtasks", []):
                out[s["code"]] = s
    return out


def targets(obj: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(t["year"], t["op"], t.get("value"), t.get("value_high"), t.get("unit"), t.get("kind"), t.get("basis"),
             t.get("baseline_year"), t.get("since"), t.get("stable", False), t.get("assigned_by"))
            for t in obj["targets"]]


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> ImportResult:
    return import_plan(write_docx(district_plan(), tmp_path_factory.mktemp("d") / "梧桐区碳达峰实施方案.docx"))


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> ImportResult:
    return import_plan(write_docx(county_plan(), tmp_path_factory.mktemp("c") / "青禾县碳达峰实施方案.docx"))


def test_district_plan_header_and_words(district: ImportResult) -> None:
    plan = checked(district)["plan"]
    assert {k: plan[k] for k in ("name", "district", "city", "issuer", "adopted", "first_month", "last_year",
                                 "office_unit", "office_host", "streets_unit")} == {
        "name": "梧桐区碳达峰实施方案", "district": "梧桐区", "city": "江海市", "issuer": "梧桐区人民政府",
        "adopted": "2022-10-31", "first_month": "2022-11", "last_year": 2030,
        "office_unit": "区碳达峰碳中和工作领导小组办公室", "office_host": "区发展改革委", "streets_unit": "各街镇"}
    assert plan["words"] == {"level": "区", "street_word": "街镇", "assigned_by": "市", "actions_word": "",
                             "appendix_name": ""}
    assert plan["overview"].startswith("以能源优化") and plan["goals"].startswith("“十四五”期间")


def test_district_plan_actions_tasks_and_units(district: ImportResult) -> None:
    raw = checked(district)
    assert [(a["code"], a["numbering"], a["title"]) for a in raw["actions"]] == [
        ("1", "（一）", "推动能源消费绿色低碳转型，加快建成现代能源体系"),
        ("2", "（二）", "推动城乡建设领域绿色低碳发展"),
        ("3", "（三）", "推动交通运输绿色低碳转型"),
        ("4", "（四）", "提升生态碳汇能力")]
    t = tasks(raw)
    assert {c: (x["title"], x["units"]) for c, x in t.items()} == {
        "1.1": ("大力发展光伏", ["区发展改革委", "区建设管理委", "各街镇"]),
        "1.2": ("控制煤炭消费", ["区发展改革委", "区生态环境局"]),  # a 责任单位 paragraph after the task
        "2.1": ("新建建筑“超低能耗”", ["区建设管理委", "区规划资源局", "区发展改革委"]),  # 牵头 first
        "2.2": ("推进既有建筑节能改造", []),  # a heading: its sub-tasks carry the units
        "2.2.1": ("公共建筑节能改造", ["区建设管理委", "区机管局"]),
        "2.2.2": ("居住建筑节能改造", ["区房管局", "各街镇"]),
        "3.1": ("推广新能源车辆", []),
        "3.2": ("建设充电设施", ["区发展改革委", "区交通委"]),
        "4.1": ("巩固生态碳汇", ["区绿化市容局"]),  # bold tasks without numbers
        "4.2": ("推进农业减排固碳", ["区农业农村委"])}
    assert (t["2.2.1"]["numbering"], t["4.1"].get("numbering", "")) == ("（1）", "")
    assert t["1.2"]["text"].endswith("\n责任单位：区发展改革委、区生态环境局。")
    missing = {i.ref for i in district.review_items if i.kind == "units_missing"}
    assert missing == {"3.1", "P3"}  # not 2.2, whose sub-tasks name units
    assert [(p["code"], p["title"], p["units"]) for p in raw["policies"]] == [
        ("P1", "加强组织领导", ["区发展改革委"]), ("P2", "强化政策支持", ["区财政局", "区税务局"]),
        ("P3", "加强监督考核", [])]
    kinds = {u["name"]: u["kind"] for u in raw["units"]}
    assert kinds["各街镇"] == "streets" and kinds["区碳达峰碳中和工作领导小组办公室"] == "office"


def test_district_plan_goals_become_indicators(district: ImportResult) -> None:
    raw = checked(district)
    parts = {i["code"]: (i["name"], i["parts"][0]) for i in raw["indicators"]}
    assert {c: n for c, (n, _p) in parts.items()} == {
        "I01": "单位生产总值能源消耗", "I02": "单位生产总值二氧化碳排放", "I03": "光伏装机容量"}
    # “单位生产总值能源消耗和二氧化碳排放进一步下降” (2030) is a target of each of the two measures
    assert targets(parts["I01"][1])[0] == (2025, "<=", 14, None, "%", "binding", "reduction_vs_baseline", 2020,
                                           None, False, None)
    assert [targets(parts[c][1])[-1][:2] for c in ("I01", "I02")] == [(2030, "decrease"), (2030, "decrease")]
    assert (parts["I01"][1]["direction"], parts["I01"][1]["entered_as"]) == ("lower", "reduction_rate")
    assert parts["I02"][1]["pending"] is True and targets(parts["I02"][1])[0][:3] == (2025, "<=", None)
    assert parts["I02"][1]["assigned_by"] == "市"
    assert targets(parts["I03"][1]) == [(2025, ">=", 19.2, None, "万千瓦", "stretch", "increment", 2020, None,
                                         False, None)]
    assert {i.ref for i in district.review_items if i.kind == "structure"} == {"I01", "I02", "I03"}


def test_district_plan_milestones(district: ImportResult) -> None:
    ms = {m["code"]: m for m in checked(district)["milestones"]}
    assert list(ms) == ["1.1-M1", "2.1-M1", "2.1-M2", "2.1-M3", "2.2.1-M1", "3.2-M1"]
    assert targets(ms["2.1-M1"]) == [(2025, ">=", 40, None, "万平方米", "binding", "cumulative", None, "2021-01",
                                      False, None)]
    assert ms["2.1-M2"]["part_of"] == "2.1-M1" and ms["2.1-M2"]["targets"][0]["value"] == 20
    assert targets(ms["2.1-M3"])[0][:5] == (2030, "range", 60, 65, "%")
    assert ms["2.2.1-M1"]["task"] == "2.2.1" and ms["3.2-M1"]["unit"] == "个"
    assert ms["2.1-M1"]["quote"] == "“十四五”期间累计落实超低能耗建筑示范项目不少于40万平方米"


def test_district_plan_as_wrapped_text_reads_the_same_plan(district: ImportResult, tmp_path: Path) -> None:
    """Text copied out of a PDF: lines broken every 30 characters, no blank lines, no bold."""
    result = import_plan(write_text(district_plan(), tmp_path / "梧桐区.txt", encoding="gb18030", wrap=30))
    raw, ref = checked(result), district.draft.to_raw()
    assert {c: (t["title"], t["text"], t["units"]) for c, t in tasks(raw).items()} == {
        c: (t["title"], t["text"], t["units"]) for c, t in tasks(ref).items()}
    assert raw["milestones"] == ref["milestones"] and raw["indicators"] == ref["indicators"]
    assert raw["plan"]["goals"] == ref["plan"]["goals"]


def test_county_plan_structure(county: ImportResult) -> None:
    raw = checked(county)
    plan = raw["plan"]
    assert (plan["district"], plan["city"], plan["province"], plan["issuer"]) == (
        "青禾县", "云州市", "南岭省", "青禾县人民政府办公室")
    assert plan["words"] == {"level": "县", "street_word": "乡镇", "assigned_by": "市", "actions_word": "",
                             "appendix_name": "附件"}
    assert (plan["office_unit"], plan["office_host"], plan["streets_unit"]) == (
        "县碳达峰碳中和工作领导小组办公室", "县发展和改革局", "各乡镇人民政府")
    assert plan["overview"].startswith("（一）指导思想\n\n以全县2030年前")
    assert [(a["code"], a["numbering"], a["title"]) for a in raw["actions"]] == [
        ("3", "三、", "能源绿色低碳转型行动"), ("4", "四、", "工业领域碳达峰行动"), ("5", "五、", "城乡建设碳达峰行动")]
    t = tasks(raw)
    assert list(t) == ["3.1", "3.2", "3.2.1", "3.2.2", "4.1", "4.2", "5.1", "5.2"]
    assert t["3.1"]["units"] == ["县发展和改革局", "县自然资源局", "县林业局", "各乡镇人民政府"]
    assert (t["3.2"]["title"], t["3.2"]["units"], t["3.2.1"]["numbering"]) == ("推进煤炭消费减量替代", [], "1.")
    assert t["4.1"]["units"] == ["县工业和信息化局", "县发展和改革局"] and t["4.2"]["units"] == []
    assert {i.ref for i in county.review_items if i.kind == "units_missing"} == {"4.2"}


def test_county_plan_indicator_table_by_year(county: ImportResult) -> None:
    raw = checked(county)
    inds = {i["code"]: i for i in raw["indicators"]}
    assert list(inds) == [f"I0{n}" for n in range(1, 8)]
    assert [(c, i["responsible_unit"], i["responsible_unit_inherited"]) for c, i in inds.items()] == [
        ("I01", "县发展和改革局", False), ("I02", "县发展和改革局", True), ("I03", "县生态环境分局", False),
        ("I04", "县住房和城乡建设局", False), ("I05", "县林业局", False), ("I06", "县交通运输局", False),
        ("I07", "县交通运输局", True)]
    p = {part["code"]: part for i in inds.values() for part in i["parts"]}
    assert targets(p["I01"]) == [(2025, ">=", 18, None, "%", "binding", "absolute", None, None, False, None),
                                 (2030, ">=", 25, None, "%", "binding", "absolute", None, None, False, None)]
    assert [t[:4] + (t[6], t[7]) for t in targets(p["I02"])] == [
        (2025, "<=", 14, None, "reduction_vs_baseline", 2020), (2030, "decrease", None, None, "absolute", None)]
    assert (p["I02"]["unit"], p["I02"]["direction"]) == ("吨标准煤/万元", "lower")
    assert p["I03"]["pending"] and [t[:2] + (t[10],) for t in targets(p["I03"])] == [(2025, "<=", "市"), (2030, "<=", "市")]
    assert all(t[9] for t in targets(p["I05"]))  # 稳定在63%以上: stable
    assert [t[:5] for t in targets(p["I06"])] == [(2025, "approx", 20, None, "%"), (2030, "range", 40, 45, "%")]
    assert [(c, p[c]["name"], targets(p[c])[0][2]) for c in ("I07a", "I07b")] == [
        ("I07a", "公交车新能源汽车占比", 80), ("I07b", "出租车新能源汽车占比", 50)]
    assert inds["I01"]["district_target"] == "2025年：18；2030年：25"
    assert "2020年基期值：12.5" in inds["I01"]["explanation"] and "属性：约束性" in inds["I01"]["explanation"]
    counts = county.review_counts()
    assert (counts["table_split"], counts["unit_inherited"], counts["row_split"], counts["target_pending"]) == (1, 2, 1, 1)


def test_county_plan_as_pdf_reads_the_same_plan(county: ImportResult, tmp_path: Path) -> None:
    result = import_plan(write_pdf(county_plan(), tmp_path / "青禾县碳达峰实施方案.pdf"))
    assert checked(result) == county.draft.to_raw()
    assert result.review_counts() == county.review_counts()
    assert result.source_kind == "pdf" and result.review_items[0].where == "第1页"
