"""Targets whose own words are incomplete, read from what the plan says around them:
direction-only wording in task text (“十四五”期间煤炭消费量进一步下降) is a milestone; a
statement about two measures (…能耗和二氧化碳排放完成市下达目标) is two parts; an undated
target takes the period its task, action, table or 主要目标 names; a row named as a
reduction (…降低) is judged as a reduction rate against time-proportional progress."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from models.plan import Part, Target as PlanTarget
from models.plan_import import ImportResult, import_plan
from models.plan_import.indicators import split_joined
from models.plan_load import load_plan
from models.targets import judge
from tests.plan_contract import problems
from tests.plan_docs import PAGE, Block, P, T, write_docx, write_text

HEAD: list[Block] = [
    P("白水县人民政府关于印发《白水县碳达峰实施方案》的通知"),
    P("白水县人民政府"),
    P("2022年11月20日"),
    P("白水县碳达峰实施方案", heading=True),
]


def _import(blocks: list[Block], path: Path) -> tuple[ImportResult, dict[str, Any]]:
    writer = write_docx if path.suffix == ".docx" else write_text
    result = import_plan(writer(blocks, path))
    raw = tomllib.loads(result.toml_text)
    assert problems(raw) == []
    plan_file = path.with_suffix(".toml")
    plan_file.write_text(result.toml_text, encoding="utf-8")
    load_plan(plan_file)  # the program loads what was written
    return result, raw


def _short(t: dict[str, Any]) -> tuple[Any, ...]:
    return (t["year"], t["op"], t.get("value"), t["basis"], t.get("baseline_year"), t.get("assigned_by"))


def _parts(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["code"]: p for i in raw.get("indicators", []) for p in i["parts"]}


def _milestones(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["code"]: m for m in raw.get("milestones", [])}


# -- a plan without appendix: goals and tasks --------------------------------------------------

def goals_plan() -> list[Block]:
    return HEAD + [
        P("一、主要目标", heading=True),
        P("到2025年，可再生能源发电量比重达90%以上，单位地区生产总值能耗和二氧化碳排放完成市下达目标。"
          "到2030年，单位地区生产总值二氧化碳排放比2005年下降65%以上。"),
        P("二、重点任务", heading=True),
        P("（一）推动能源结构优化。“十五五”期间，能源结构持续优化。", heading=True),
        P("1.严控煤炭消费。推进燃煤锅炉淘汰改造，“十四五”期间煤炭消费量进一步下降，持续提升治理能力。"
          "（县发改局牵头，县工信局配合）"),
        P("2.发展光伏。推进屋顶光伏建设，力争新增光伏装机容量19.2万千瓦。（县发改局负责）"),
        P("（二）推进建筑节能", heading=True),
        P("1.推进既有建筑改造。“十四五”期间推进既有建筑节能改造。新增改造面积15万平方米。（县住建局负责）"),
        P("2.推广地热。新增地热供暖面积5万平方米。（县住建局负责）"),
    ]


@pytest.fixture(scope="module", params=["docx", "txt"])
def goals(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[ImportResult, dict[str, Any]]:
    return _import(goals_plan(), tmp_path_factory.mktemp("g") / f"白水县碳达峰实施方案.{request.param}")


def test_direction_only_wording_in_a_task_is_a_milestone(goals: tuple[ImportResult, dict[str, Any]]) -> None:
    result, raw = goals
    ms = [m for m in raw["milestones"] if m["task"] == "1.1"]
    assert [(m["name"], [_short(t) for t in m["targets"]]) for m in ms] == [
        ("煤炭消费量", [(2025, "decrease", None, "absolute", None, None)])]
    assert ms[0]["quote"].startswith("“十四五”期间煤炭消费量进一步下降")
    assert any(i.kind == "milestone" and i.ref == ms[0]["code"] for i in result.review_items)


def test_two_measures_in_one_goal_are_two_parts(goals: tuple[ImportResult, dict[str, Any]]) -> None:
    _result, raw = goals
    ind = next(i for i in raw["indicators"] if "和" in i["name"])
    assert ind["name"] == "单位地区生产总值能耗和二氧化碳排放"
    names = [p["name"] for p in ind["parts"]]
    assert names == ["单位地区生产总值能耗", "单位地区生产总值二氧化碳排放"]
    a, b = ind["parts"]
    assert (a["code"], b["code"]) == (ind["code"] + "a", ind["code"] + "b")
    assert a["pending"] and a["assigned_by"] == "市"
    # the 2030 target of the second measure joins its part, not a new indicator
    assert [t["year"] for t in b["targets"]] == [2025, 2030]
    assert not any(i["name"] == "单位地区生产总值二氧化碳排放" for i in raw["indicators"])


@pytest.mark.parametrize("subject, parts", [
    ("单位地区生产总值能耗和二氧化碳排放", ["单位地区生产总值能耗", "单位地区生产总值二氧化碳排放"]),
    ("单位生产总值能源消耗及二氧化碳排放", ["单位生产总值能源消耗", "单位生产总值二氧化碳排放"]),
    ("新增和更新出租车中新能源汽车比例", None),
    ("单位地区生产总值能耗", None),
])
def test_split_joined(subject: str, parts: list[str] | None) -> None:
    assert split_joined(subject) == parts


def test_an_undated_increment_takes_the_period_its_action_names(goals: tuple[ImportResult, dict[str, Any]]) -> None:
    result, raw = goals
    t = _milestones(raw)["1.2-M1"]["targets"][0]
    # the action's introduction says “十五五”: 2030, counted from the end of 2025
    assert _short(t) == (2030, ">=", 19.2, "increment", 2025, None)
    assert any(i.ref == "1.2-M1" and "十五五" in i.decided for i in result.review_items)


def test_an_undated_increment_takes_the_period_its_task_names(goals: tuple[ImportResult, dict[str, Any]]) -> None:
    result, raw = goals
    t = _milestones(raw)["2.1-M1"]["targets"][0]
    assert _short(t) == (2025, ">=", 15, "increment", 2020, None)
    assert any(i.ref == "2.1-M1" and i.kind == "target_assumed" and "十四五" in i.decided
               for i in result.review_items)


def test_an_undated_increment_without_a_period_counts_from_the_plans_base_year(
        goals: tuple[ImportResult, dict[str, Any]]) -> None:
    result, raw = goals
    t = _milestones(raw)["2.2-M1"]["targets"][0]
    # no period near it: the peak year 2030, counted from the plan's base year, never from
    # 2025: its goals name only 比2005年 (the national carbon base), and it was adopted in
    # 2022, in the period counted from 2020; still a review item
    assert (t["year"], t["baseline_year"]) == (2030, 2020)
    assert any(i.ref == "2.2-M1" and i.kind == "target_assumed" for i in result.review_items)


# -- an appendix: undated cells, a reduction-named row -------------------------------------------

def table_plan(caption: str) -> list[Block]:
    return HEAD + [
        P("一、主要目标", heading=True),
        P("到2025年，单位地区生产总值能源消耗和二氧化碳排放确保完成市下达目标。"),
        P("二、重点任务", heading=True),
        P("（一）能源绿色低碳转型行动", heading=True),
        P("1.推进煤炭消费减量替代。严格控制煤炭消费。（县发改局、县生态环境局按职责分工负责）"),
        PAGE,
        P("附件"),
        P(caption),
        T(rows=[
            ["序号", "指标名称", "市级目标", "本县目标", "牵头单位"],
            ["1", "单位地区生产总值能源消耗降低", "完成国家下达目标", "完成市下达目标", "县发改局"],
            ["2", "光伏装机容量", "—", "新增10万千瓦", "县发改局"],
        ]),
    ]


def test_an_undated_table_cell_takes_the_year_the_goals_give_it(tmp_path: Path) -> None:
    result, raw = _import(table_plan("白水县碳达峰主要指标"), tmp_path / "白水县碳达峰实施方案.docx")
    p = _parts(raw)["I01"]
    assert [_short(t) for t in p["targets"]] == [(2025, "<=", None, "reduction_vs_baseline", 2020, "市")]
    assert any(i.ref == "I01" and "主要目标" in i.decided for i in result.review_items)


def test_an_undated_table_cell_takes_the_period_of_the_caption(tmp_path: Path) -> None:
    result, raw = _import(table_plan("白水县“十四五”碳达峰主要指标"), tmp_path / "白水县碳达峰实施方案.txt")
    t = _parts(raw)["I02"]["targets"][0]
    assert _short(t) == (2025, ">=", 10, "increment", 2020, None)
    assert any(i.ref == "I02" and "十四五" in i.decided for i in result.review_items)


def test_a_row_named_as_a_reduction_is_a_reduction_rate(tmp_path: Path) -> None:
    _result, raw = _import(table_plan("白水县碳达峰主要指标"), tmp_path / "白水县碳达峰实施方案.txt")
    p = _parts(raw)["I01"]
    assert (p["unit"], p["direction"], p["entered_as"]) == ("%", "lower", "reduction_rate")
    plan = load_plan(tmp_path / "白水县碳达峰实施方案.toml")
    part = plan.parts_by_code["I01"]
    assert part.entry_name == "单位地区生产总值能源消耗降低率"
    # the office enters the city's 13.5 %: by the end of 2023 (3 of 5 years) 8.1 % is due
    v = judge(part, "2023", 8.5, target_value=13.5)
    assert v.status == "green" and v.expected == pytest.approx(8.1), v.message
    v = judge(part, "2023", 5.0, target_value=13.5)
    assert v.status in ("yellow", "red") and "序时进度" in v.message and "8.1" in v.message


def test_a_hand_written_reduction_row_without_base_year_says_why_it_is_not_judged() -> None:
    part = Part(code="X01", name="单位地区生产总值能耗降低", unit="%", direction="higher",
                targets=(PlanTarget(2025, ">=", 13.5, "%"),))
    v = judge(part, "2023", 8.0)
    assert v.status == "grey"
    assert "下降率" in v.message and "比YYYY年下降X%" in v.message and "基期值" not in v.message


def test_a_task_title_ending_with_a_colon_is_not_part_of_the_milestone_name() -> None:
    from models.plan_import.wording import parse_targets
    parsed = parse_targets("推进建筑节能：“十四五”期间累计完成既有建筑节能改造不少于20万平方米。", task_text=True)
    assert [(t.subject, t.basis, t.since) for t in parsed.targets] == [("既有建筑节能改造", "cumulative", "2021-01")]
    parsed = parse_targets("严控煤炭：“十四五”期间煤炭消费量进一步下降。", task_text=True)
    assert [(t.subject, t.op, t.year) for t in parsed.targets] == [("煤炭消费量", "decrease", 2025)]
