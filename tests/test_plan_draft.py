"""The plan draft the editor works on: an imported document with its sources and review
items, every edit checked with the editor's fields (a refused value changes nothing),
units renamed and merged everywhere they are named, targets edited field by field, and
the plan file written back with the importer's TOML writer."""

from __future__ import annotations

import copy
import tomllib

import pytest

from models.plan_draft import PlanDraft, problem_ref
from models.plan_draft_data import target_text
from models.plan_draft_edit import EditError
from models.plan_import import import_plan
from tests.plan_docs import SEED_TXT

_SEED: PlanDraft | None = None


@pytest.fixture
def seed() -> PlanDraft:
    global _SEED
    if _SEED is None:
        _SEED = PlanDraft.from_import(import_plan(SEED_TXT))
    return copy.deepcopy(_SEED)


def refused(draft: PlanDraft, action, *words: str) -> str:  # type: ignore[no-untyped-def]
    before = copy.deepcopy(draft.raw)
    with pytest.raises(EditError) as info:
        action()
    assert draft.raw == before, "a refused edit changed the draft"
    for w in words:
        assert w in str(info.value), str(info.value)
    return str(info.value)


def test_an_imported_draft_keeps_its_sources_and_review_items(seed: PlanDraft) -> None:
    kinds = [r.kind for r in seed.rows()]
    assert kinds.count("action") == 10 and kinds.count("task") == 35 and kinds.count("policy") == 5
    assert len(seed.parts()) == 18 and len(seed.milestones) == 11 and len(seed.units) == 21
    assert len(seed.review) == 31 and seed.open_items() == 31
    src = seed.source("1.2")
    assert src is not None and src.where.startswith("第") and "24万千瓦以上" in src.words
    i02 = seed.source("I02")
    assert i02 is not None and "市规划目标：" in i02.words and "本级目标：" in i02.words
    assert seed.source("unit:区自然资源和规划分局") is not None
    # an indicator's review items belong to its parts too
    assert {i.kind for _n, i in seed.review_for("I11a")} >= {"row_split", "measure_unit"}
    typo = next(n for n, i in enumerate(seed.review) if i.kind == "unit_typo")
    seed.confirm(typo)
    assert seed.open_items() == 30 and seed.open_items("unit:区自然资源和规划分局") == 0


def test_the_written_file_is_the_draft_and_keeps_open_items_as_comments(seed: PlanDraft) -> None:
    text = seed.to_text()
    assert tomllib.loads(text) == seed.raw
    assert "核对（疑似笔误的单位）" in text and "尚有 31 项未核对" in text
    seed.confirm(next(n for n, i in enumerate(seed.review) if i.kind == "unit_typo"))
    text = seed.to_text()
    assert "核对（疑似笔误的单位）" not in text and "尚有 30 项未核对" in text
    again = PlanDraft.from_text(text, "x.toml")
    assert again.raw == seed.raw and again.review == []
    assert again.header[0].startswith("珠山区碳达峰实施方案（计划文件，格式 2）")


def test_renaming_a_unit_renames_it_everywhere(seed: PlanDraft) -> None:
    uses = seed.unit_uses("区发改委")
    assert "任务1.1" in uses and "指标I01" in uses and "方案信息（办公室所在单位）" in uses
    seed.rename_unit("区发改委", "区发展和改革委员会")
    assert seed.unit_uses("区发改委") == [] and seed.unit_uses("区发展和改革委员会") == uses
    assert seed.meta["office_host"] == "区发展和改革委员会"
    assert seed.row("1.1") is not None and seed.row("1.1").item["units"][0] == "区发展和改革委员会"
    refused(seed, lambda: seed.rename_unit("区工信局", "区住建局"), "已是单位“区住建局”", "合并")
    refused(seed, lambda: seed.rename_unit("区工信局", "区自然资源和规划分局局"), "其他写法")
    refused(seed, lambda: seed.rename_unit("区工信局", "  "), "必填")


def test_merging_a_unit_into_another_makes_it_an_alias(seed: PlanDraft) -> None:
    seed.add_unit("区发改局")
    seed.set_units("1.1", "区发改局", "区工信局")
    seed.merge_unit("区发改局", "区发改委")
    assert seed.unit("区发改局") is None
    assert "区发改局" in seed.unit("区发改委")["aliases"]
    assert seed.row("1.1").item["units"] == ["区发改委", "区工信局"]
    # the alias now names the unit
    seed.set_units("1.2", "区发改局")
    assert seed.row("1.2").item["units"] == ["区发改委"]


def test_a_unit_in_use_is_not_removed(seed: PlanDraft) -> None:
    refused(seed, lambda: seed.remove_unit("区统计局"), "仍被使用", "政策保障P")
    seed.add_unit("区新单位")
    seed.remove_unit("区新单位")
    assert seed.unit("区新单位") is None
    refused(seed, lambda: seed.add_unit("区发改委"), "已是单位")


def test_units_and_aliases(seed: PlanDraft) -> None:
    seed.set_unit("区税务局", "aliases", "税务局、区税务分局")
    assert seed.unit("区税务局")["aliases"] == ["税务局", "区税务分局"]
    assert seed.canonical_unit("区税务分局") == "区税务局"
    refused(seed, lambda: seed.set_unit("区商务局", "aliases", "区税务分局"), "已是单位“区税务局”")
    seed.set_unit("区税务局", "kind", "领导小组办公室")
    assert seed.unit("区税务局")["kind"] == "office"
    refused(seed, lambda: seed.set_unit("区税务局", "kind", "不存在的类型"), "无效")


def test_a_tasks_units_lead_first(seed: PlanDraft) -> None:
    seed.set_units("2.1", "区住建局", "区发改委、区住建局，区工信局")
    assert seed.row("2.1").item["units"] == ["区住建局", "区发改委", "区工信局"]
    refused(seed, lambda: seed.set_units("2.1", "某某局"), "牵头单位“某某局”不在单位列表中")
    refused(seed, lambda: seed.set_units("2.1", "", "区发改委"), "须先指定牵头单位")
    refused(seed, lambda: seed.set_units("1", "区发改委"), "行动本身没有责任单位")
    seed.set_units("2.1", "")
    assert seed.row("2.1").item["units"] == []  # 未分工
    seed.set_title("2.1", "新的标题")
    assert seed.row("2.1").item["title"] == "新的标题"
    refused(seed, lambda: seed.set_title("2.1", ""), "标题为必填项")


def test_targets_field_by_field(seed: PlanDraft) -> None:
    targets = seed.targets("I01")
    first = dict(targets[0])
    seed.set_target("I01", 0, "value", "１８．５%")
    assert targets[0]["value"] == 18.5
    seed.set_target("I01", 0, "op", "区间")
    seed.set_target("I01", 0, "value_high", "20")
    assert targets[0]["op"] == "range" and targets[0]["value_high"] == 20
    seed.set_target("I01", 0, "kind", "力争")
    seed.set_target("I01", 0, "stable", "是")
    assert targets[0]["kind"] == "stretch" and targets[0]["stable"] is True
    assert target_text(targets[0]) == "2025年 18.5–20%（力争、稳定在）"
    seed.set_target("I01", 0, "stable", "否")
    assert "stable" not in targets[0]
    seed.set_target("I01", 0, "assigned_by", "市")
    seed.set_target("I01", 0, "assigned_by", "（方案默认）")
    assert "assigned_by" not in targets[0]
    seed.set_target("I01", 0, "tolerance", "0.5")
    assert targets[0]["tolerance"] == 0.5
    seed.set_target("I01", 0, "tolerance", "")
    assert "tolerance" not in targets[0]
    assert targets[0]["text"] == first["text"]
    refused(seed, lambda: seed.set_target("I01", 0, "value", "约十八"), "分项I01的第1个目标", "不是数字")
    refused(seed, lambda: seed.set_target("I01", 0, "year", "2025.5"), "整数年份")
    refused(seed, lambda: seed.set_target("I01", 0, "year", "1900"), "不能小于1990")
    refused(seed, lambda: seed.set_target("I01", 0, "since", "2021-1"), "YYYY-MM")
    refused(seed, lambda: seed.set_target("I01", 0, "op", "大约"), "无效")
    refused(seed, lambda: seed.set_target("I01", 9, "value", "1"), "没有第10个目标")
    n = seed.add_target("I01")
    assert len(targets) == n + 1 and targets[n]["text"] == ""
    seed.remove_target("I01", n)
    assert len(targets) == n


def test_reduction_targets_and_parts(seed: PlanDraft) -> None:
    part = seed.part("I11a")
    assert part is not None
    seed.set_part("I11a", "unit", "千克CO₂/百吨公里")
    seed.set_part("I11a", "entered_as", "填报下降率（%）")
    assert part["entered_as"] == "reduction_rate"
    seed.set_part("I11a", "entered_as", "填报数值")
    assert "entered_as" not in part
    seed.set_part("I11a", "direction", "越低越好")
    assert part["direction"] == "lower"
    seed.set_part("I05", "monitor", "否")
    assert "monitor" not in seed.part("I05")
    refused(seed, lambda: seed.set_part("I11a", "frequency", ""), "必填")
    seed.set_indicator("I02", "responsible_unit", "区住建局")
    ind = seed.indicator("I02")
    assert ind["responsible_unit"] == "区住建局" and ind["responsible_unit_inherited"] is False
    refused(seed, lambda: seed.set_indicator("I02", "responsible_unit", "某某局"), "不在单位列表中")
    assert "比2020年下降" in target_text(seed.targets("I11a")[0])


def test_a_reduction_target_is_edited_as_the_plan_words_it(seed: PlanDraft) -> None:
    t = seed.targets("I11a")[0]
    assert (t["op"], t["basis"], target_text(t)) == ("<=", "reduction_vs_baseline", "2030年 比2020年下降10%以上")
    seed.set_target("I11a", 0, "op", "下降约X%")
    assert t["op"] == "approx" and target_text(t) == "2030年 比2020年下降约10%"
    seed.set_target("I11a", 0, "op", "下降X%以上")
    assert t["op"] == "<="
    refused(seed, lambda: seed.set_target("I11a", 0, "op", "区间"), "下降X%以上")
    plain = seed.targets("I01")[0]
    assert plain.get("basis", "absolute") == "absolute"
    refused(seed, lambda: seed.set_target("I01", 0, "op", "下降X%以上"), "比基期下降")


def test_milestones_added_and_removed(seed: PlanDraft) -> None:
    code = seed.add_milestone("4.3", "公共充电站")
    assert code == "4.3-M2"
    m = seed.milestone(code)
    assert m["task"] == "4.3" and len(m["targets"]) == 1 and m["targets"][0]["year"] == 2030
    seed.set_milestone(code, "unit", "座")
    seed.set_target(code, 0, "value", "20")
    assert m["targets"][0]["value"] == 20
    refused(seed, lambda: seed.add_milestone("1", "x"), "属于任务")
    seed.remove_milestone(code)
    assert seed.milestone(code) is None and len(seed.milestones) == 11


def test_header_and_words(seed: PlanDraft) -> None:
    seed.set_meta("id", "zhushan-2023")
    assert seed.meta["id"] == "zhushan-2023"
    refused(seed, lambda: seed.set_meta("id", ""), "方案标识为必填项")
    seed.set_meta("last_year", "")
    assert "last_year" not in seed.meta
    seed.set_meta("last_year", "2035")
    assert seed.meta["last_year"] == 2035
    seed.set_word("street_word", "乡镇")
    assert seed.words["street_word"] == "乡镇"


def test_problem_names_its_entry(seed: PlanDraft) -> None:
    assert problem_ref(seed, "里程碑6.4-M2 的第1个目标：字段“op”取值 'about' 无效") == "6.4-M2"
    assert problem_ref(seed, "指标I07：字段“row”类型错误：应为整数，实为 '七'") == "I07"
    assert problem_ref(seed, "任务3.3：字段“units”…") == "3.3"
    assert problem_ref(seed, "单位第2项：字段“kind”…") == "unit:珠山生态环境局"
    assert problem_ref(seed, "[plan]：字段“id”为空") == ""
