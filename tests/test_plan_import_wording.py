"""The target-wording parser (models/plan_import/wording.py): each way county plans word a
target, read into the structured target of docs/plan-format-v2.md, keeping its words."""

from __future__ import annotations

from typing import Any

import pytest

from models.plan_import.target import Target
from models.plan_import.wording import parse_targets

KEYS = ("year", "op", "value", "value_high", "unit", "kind", "basis", "baseline_year", "since", "stable",
        "label", "assigned_by")


def one(text: str, **kw: Any) -> Target:
    parsed = parse_targets(text, **kw)
    assert len(parsed.targets) == 1, [t.to_raw() for t in parsed.targets]
    assert not parsed.unparsed
    return parsed.targets[0]


def fields(t: Target) -> dict[str, Any]:
    raw = t.to_raw()
    return {k: raw[k] for k in KEYS if k in raw}


@pytest.mark.parametrize("text, expected", [
    ("到2025年，非化石能源消费比重达到17.5%",
     {"year": 2025, "op": ">=", "value": 17.5, "unit": "%", "kind": "binding", "basis": "absolute"}),
    ("到2030年，不低于70%", {"year": 2030, "op": ">=", "value": 70, "unit": "%"}),
    ("到2030年，风电、光伏和生物质发电装机容量达24万千瓦以上", {"year": 2030, "op": ">=", "value": 24, "unit": "万千瓦"}),
    ("到2030年风电、太阳能发电总装机容量达到0.6亿千瓦", {"year": 2030, "op": ">=", "value": 0.6, "unit": "亿千瓦"}),
    ("到2025年，煤炭消费量控制在120万吨以内", {"year": 2025, "op": "<=", "value": 120, "unit": "万吨"}),
    ("到2025年，PM2.5平均浓度不超过35微克/立方米", {"year": 2025, "op": "<=", "value": 35, "unit": "微克/立方米"}),
    ("到2025年，城镇生活垃圾资源化率提升至60%左右", {"year": 2025, "op": "approx", "value": 60, "unit": "%"}),
    ("到2025年，秸秆综合利用率约95%", {"year": 2025, "op": "approx", "value": 95}),
    ("到2030年，森林覆盖率稳定在57.85%以上", {"year": 2030, "op": ">=", "value": 57.85, "stable": True}),
    ("到2025年，森林覆盖率保持在57.85%的稳定水平", {"year": 2025, "op": ">=", "stable": True}),
    ("到2030年，新建居住建筑执行超低能耗建筑标准的比例达到60%—65%",
     {"year": 2030, "op": "range", "value": 60, "value_high": 65, "unit": "%"}),
    ("到2030年，比例达到60%-65%", {"op": "range", "value": 60, "value_high": 65}),
    ("到2030年，比例达到60～65%", {"op": "range", "value": 60, "value_high": 65, "unit": "%"}),
    ("到2030年，比例达到60%至65%", {"op": "range", "value": 60, "value_high": 65}),
    ("到2025年，单位生产总值能源消耗比2020年下降14%",
     {"year": 2025, "op": "<=", "value": 14, "unit": "%", "basis": "reduction_vs_baseline", "baseline_year": 2020}),
    ("到2025年，单位生产总值（GDP）能耗比2020年下降13.5%以上",
     {"op": "<=", "value": 13.5, "basis": "reduction_vs_baseline", "baseline_year": 2020}),
    ("到2030年，单位地区生产总值二氧化碳排放比2005年下降65%以上",
     {"year": 2030, "value": 65, "baseline_year": 2005, "basis": "reduction_vs_baseline"}),
    ("“十四五”期间，单位生产总值能耗下降14%",
     {"year": 2025, "basis": "reduction_vs_baseline", "baseline_year": 2020}),
    ("“十四五”期间累计落实超低能耗建筑示范项目不少于40万平方米",
     {"year": 2025, "op": ">=", "value": 40, "unit": "万平方米", "basis": "cumulative", "since": "2021-01"}),
    ("“十五五”期间，累计完成既有建筑节能改造200万平方米",
     {"year": 2030, "basis": "cumulative", "since": "2026-01", "value": 200}),
    ("“十四五”期间，力争新增光伏装机容量19.2万千瓦",
     {"year": 2025, "op": ">=", "value": 19.2, "unit": "万千瓦", "basis": "increment", "baseline_year": 2020,
      "kind": "stretch"}),
    ("到2025年，可再生能源消费比重较2020年提高5个百分点",
     {"year": 2025, "value": 5, "unit": "个百分点", "basis": "increment", "baseline_year": 2020}),
    ("到2030年，争取创建3个特色鲜明、差异化发展的碳达峰试点街道",
     {"year": 2030, "op": ">=", "value": 3, "unit": "个", "kind": "stretch"}),
    ("到2035年，非化石能源消费比重达到35%", {"year": 2035, "op": ">=", "value": 35}),
    ("到２０２５年，达到１７．５％", {"year": 2025, "value": 17.5, "unit": "%"}),
])
def test_numeric_wordings(text: str, expected: dict[str, Any]) -> None:
    t = one(text)
    got = fields(t)
    for key, value in expected.items():
        assert got.get(key, {"unit": "", "stable": False}.get(key)) == value, (key, got)


@pytest.mark.parametrize("text, op, label", [
    ("到2025年，城镇新建建筑全面执行绿色建筑标准", "yes", "城镇新建建筑全面执行绿色建筑标准"),
    ("到2030年，城市生活垃圾分类实现全覆盖", "yes", "城市生活垃圾分类实现全覆盖"),
    ("到2035年，基本建成绿色低碳发展示范区", "yes", "基本建成绿色低碳发展示范区"),
    ("到2030年，单位生产总值能源消耗和二氧化碳排放进一步下降", "decrease", ""),
    ("到2030年，可再生能源利用水平进一步提高", "increase", ""),
])
def test_words_without_numbers(text: str, op: str, label: str) -> None:
    t = one(text)
    assert (t.op, t.label, t.value) == (op, label, None)
    assert t.text == text  # the year marker is part of the quoted words


@pytest.mark.parametrize("text, body, op", [
    ("单位地区生产总值二氧化碳排放确保完成省下达指标", "省", "<="),
    ("到2025年，单位生产总值二氧化碳排放确保完成市下达指标", "市", "<="),
    ("到2025年，完成市级下达目标", "市", ">="),
    ("到2030年，完成国家下达任务", "省", ">="),
    ("到2025年煤炭消费量控制在省下达目标以内", "省", "<="),
    ("到2025年，能源消费总量不超过市下达的指标", "市", "<="),
    ("到2025年，煤炭消费量完成省下达目标", "省", "<="),
])
def test_pending_targets(text: str, body: str, op: str) -> None:
    t = one(text, default_year=2030)
    assert (t.op, t.value, t.assigned_by) == (op, None, body)
    assert t.year in (2025, 2030)


def test_pending_direction_from_hint() -> None:
    t = one("到2025年，完成市下达目标", direction_hint="lower")
    assert t.op == "<="


def test_a_cell_with_three_years_keeps_each_years_words() -> None:
    parsed = parse_targets("到2025年，达到17.5%以上；到2030年，达到20%以上。到2060年，达到80%。")
    assert [(t.year, t.op, t.value) for t in parsed.targets] == [(2025, ">=", 17.5), (2030, ">=", 20), (2060, ">=", 80)]
    assert [t.text for t in parsed.targets] == ["到2025年，达到17.5%以上", "到2030年，达到20%以上", "到2060年，达到80%"]


def test_a_line_break_inside_the_cell_is_read_through() -> None:
    t = one("到2030年，稳定在\n\n57.85%以上。")
    assert (t.year, t.op, t.value, t.stable) == (2030, ">=", 57.85, True)
    assert t.text == "到2030年，稳定在57.85%以上"


def test_stretch_applies_to_its_own_clause_only() -> None:
    parsed = parse_targets("到2025年，秸秆年综合利用率稳定在93%以上，力争达到95%。")
    assert [(t.value, t.kind, t.stable) for t in parsed.targets] == [(93, "binding", True), (95, "stretch", False)]
    assert parsed.targets[1].subject == "秸秆年综合利用率"  # inherited from the clause before
    parsed = parse_targets("到2025年，保持在80%以上、力争到达90%。")
    assert [(t.value, t.kind) for t in parsed.targets] == [(80, "binding"), (90, "stretch")]


def test_separately_gives_one_target_per_value_with_its_subject() -> None:
    parsed = parse_targets("到2025年，公交车、出租汽车（含网约车）新能源汽车分别达到72%、35%。")
    assert [(t.value, t.subject) for t in parsed.targets] == [(72, "公交车"), (35, "出租汽车（含网约车）新能源汽车")]
    assert all(t.text == "到2025年，公交车、出租汽车（含网约车）新能源汽车分别达到72%、35%" for t in parsed.targets)
    parsed = parse_targets("到2030年，比2020年分别下降10%、5%。")
    assert [(t.value, t.op, t.basis, t.baseline_year) for t in parsed.targets] == [
        (10, "<=", "reduction_vs_baseline", 2020), (5, "<=", "reduction_vs_baseline", 2020)]


def test_part_of_a_target() -> None:
    parsed = parse_targets("“十四五”期间累计落实超低能耗建筑示范项目不少于40万平方米，"
                           "其中嘉定新城累计落实超低能耗建筑示范项目不少于20万平方米")
    whole, part = parsed.targets
    assert (whole.value, whole.is_part, part.value, part.is_part) == (40, False, 20, True)
    assert part.basis == "cumulative" and part.since == "2021-01"
    assert part.text.startswith("其中嘉定新城")


def test_mixed_cell_of_qualitative_and_numeric_targets() -> None:
    parsed = parse_targets("到2025年，城乡生活垃圾分类闭环系统基本建成，生活垃圾资源化利用率提升至60%左右。"
                           "到2030年，城市生活垃圾分类实现全覆盖，生活垃圾资源化利用比例提升至70%。")
    assert [(t.year, t.op, t.value) for t in parsed.targets] == [
        (2025, "yes", None), (2025, "approx", 60), (2030, "yes", None), (2030, ">=", 70)]
    assert parsed.targets[0].label == "城乡生活垃圾分类闭环系统基本建成"


def test_goals_sentence_with_several_kinds() -> None:
    parsed = parse_targets("“十四五”期间，力争新增光伏装机容量19.2万千瓦，到2025年，单位生产总值（GDP）能耗比2020年"
                           "下降13.5%以上，单位生产总值（GDP）二氧化碳排放下降完成市下达目标。")
    kinds = [(t.basis, t.op, t.assigned_by) for t in parsed.targets]
    # “…排放下降完成市下达目标”: what is measured is the reduction itself, so the assigned
    # value is a floor on it
    assert kinds == [("increment", ">=", ""), ("reduction_vs_baseline", "<=", ""), ("absolute", ">=", "市")]
    assert parsed.targets[1].subject == "单位生产总值（GDP）能耗"
    assert parsed.targets[2].subject == "单位生产总值（GDP）二氧化碳排放下降"


def test_year_is_assumed_only_with_a_default_and_marked() -> None:
    t = one("实施申报创建2个碳达峰试点园区", default_year=2030, task_text=True)
    assert (t.year, t.year_assumed, t.subject) == (2030, True, "碳达峰试点园区")
    parsed = parse_targets("城镇生活垃圾资源化率提升至60%")
    assert not parsed.targets and parsed.unparsed == ["城镇生活垃圾资源化率提升至60%"]


def test_unstatable_wordings_are_reported_not_guessed() -> None:
    for text in ("到2025年，工业增加值比2020年增长20%", "到2025年，煤炭消费比重下降3个百分点",
                 "到2025年，人均绿地面积达到15平米"):  # an unknown unit
        parsed = parse_targets(text)
        assert not parsed.targets
        assert parsed.unparsed == [text]


@pytest.mark.parametrize("text", [
    "已经区政府第39次常务会议通过",
    "推广3项关键技术，加强储气设施建设",
    "落实2021年印发的实施意见",
    "执行《“十四五”城镇生活垃圾分类和处理设施发展规划》（发改环资[2021]642号）",
])
def test_task_text_without_targets(text: str) -> None:
    assert parse_targets(text, default_year=2030, task_text=True).targets == []


def test_task_text_targets() -> None:
    parsed = parse_targets("加快推进公用充电桩建设。到2025年，建设3000个新能源汽车充电桩设施。", task_text=True)
    assert [(t.year, t.value, t.unit, t.subject) for t in parsed.targets] == [(2025, 3000, "个", "新能源汽车充电桩设施")]
    # the year of one sentence does not carry into the next in task text
    parsed = parse_targets("到2025年，建成3个示范园区。培育10家绿色工厂。", task_text=True, carry_year=False,
                           default_year=2030)
    assert [(t.year, t.year_assumed) for t in parsed.targets] == [(2025, False), (2030, True)]


def test_chinese_numeral_counts() -> None:
    t = one("到2025年，至少建设一个超低能耗建筑集中示范区", task_text=True)
    assert (t.value, t.unit, t.subject) == (1, "个", "超低能耗建筑集中示范区")


def test_to_raw_leaves_out_defaults_and_keeps_the_words() -> None:
    t = one("到2030年，达到20%")
    assert t.to_raw() == {"year": 2030, "op": ">=", "value": 20, "unit": "%", "kind": "binding",
                          "basis": "absolute", "text": "到2030年，达到20%"}
