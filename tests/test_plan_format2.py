"""Plan file format 2: the plan's own codes and numbering, sub-tasks, tasks without units,
strict keys and tables, the plan's words and briefing lines; format 1 still loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.catalog import catalog_json
from models.plan import PlanError
from models.plan_load import load_plan
from models.plan_parse import parse_plan

DATA = Path(__file__).resolve().parent / "data" / "plans"

# A small county plan written the way county plans are: actions as verb phrases
# numbered （一）…, tasks 1./2., a third level （1）, a task without units, codes of
# its own choosing for some items.
SMALL = '''
format = 2

[plan]
id = "qingshan-2022"
version = "2022-10-01"
name = "青山县碳达峰实施方案"
district = "青山县"
city = "远山市"
first_month = "2023-01"
office_unit = "县碳达峰碳中和工作领导小组办公室"
streets_unit = "各乡镇"

[[units]]
name = "县发展改革委"
aliases = ["县发改委"]

[[units]]
name = "县住房城乡建设委"

[[units]]
name = "县碳达峰碳中和工作领导小组办公室"
kind = "office"

[[units]]
name = "各乡镇"
kind = "streets"

[[actions]]
numbering = "（一）"
title = "推动能源消费绿色低碳转型，加快建成现代能源体系"

[[actions.tasks]]
numbering = "1."
title = "大力发展可再生能源"
text = "大力发展可再生能源。力争新增光伏装机容量19.2万千瓦。（责任单位：县发展改革委）"
units = ["县发改委"]

[[actions.tasks]]
code = "1.2"
numbering = "2."
title = "严格控制化石能源消费"
text = "严格控制化石能源消费。"

[[actions]]
code = "B"
numbering = "（二）"
title = "推进城乡建设绿色低碳发展"

[[actions.tasks]]
numbering = "1."
title = "推进既有建筑节能改造"
units = ["县住房城乡建设委", "各乡镇"]

[[actions.tasks.subtasks]]
numbering = "（1）"
title = "公共建筑节能改造"
text = "“十四五”期间累计落实既有公共建筑节能改造不少于40万平方米。"

[[actions.tasks.subtasks]]
code = "B-1-2"
numbering = "（2）"
title = "居住建筑节能改造"
units = ["各乡镇"]

[[policies]]
title = "健全统计核算体系"
units = ["县发展改革委"]

[[indicators]]
name = "单位地区生产总值能源消耗"
responsible_unit = "县发展改革委"

[[indicators.parts]]
name = "单位地区生产总值能源消耗"
unit = "吨标准煤/万元"
direction = "lower"
targets = [ { year = 2025, op = "<=", value = 14, unit = "%", basis = "reduction_vs_baseline", baseline_year = 2020 } ]

[[milestones]]
task = "B.1.1"
name = "既有公共建筑节能改造面积"
unit = "万平方米"
direction = "higher"
targets = [ { year = 2025, op = ">=", value = 40, unit = "万平方米", basis = "cumulative", since = "2021-01" } ]
'''


def small(tmp_path: Path, text: str = SMALL, name: str = "青山县.toml") -> Path:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def test_codes_default_to_printed_numbering_and_may_be_given(tmp_path):
    plan = load_plan(small(tmp_path))
    a1, a2 = plan.actions
    assert (a1.code, a1.numbering, a2.code, a2.numbering) == ("1", "（一）", "B", "（二）")
    assert [t.code for t in a1.tasks] == ["1.1", "1.2"]
    assert [t.numbering for t in a1.tasks] == ["1.", "2."]
    heading = a2.tasks[0]
    assert heading.code == "B.1" and heading.is_heading
    assert [(s.code, s.numbering, s.parent) for s in heading.subtasks] == [
        ("B.1.1", "（1）", "B.1"), ("B-1-2", "（2）", "B.1")]
    assert plan.policies[0].code == "P1" and plan.policies[0].numbering == "（一）"
    assert plan.indicators[0].code == "I01" and plan.parts[0].code == "I01"
    assert plan.milestones[0].code == "B.1.1-M1"
    assert plan.action_of("B-1-2") is a2


def test_sub_tasks_are_reported_on_and_take_the_units_of_their_task(tmp_path):
    plan = load_plan(small(tmp_path))
    assert [t.code for t in plan.tasks] == ["1.1", "1.2", "B.1.1", "B-1-2"]  # not the heading B.1
    assert [t.code for t in plan.all_tasks] == ["1.1", "1.2", "B.1", "B.1.1", "B-1-2"]
    assert plan.task("B.1.1").units == ("县住房城乡建设委", "各乡镇")  # from its task
    assert plan.task("B-1-2").units == ("各乡镇",)
    assert [t.code for t in plan.reported(plan.actions[1])] == ["B.1.1", "B-1-2"]


def test_a_task_without_units_loads_as_unassigned(tmp_path):
    plan = load_plan(small(tmp_path))
    t = plan.task("1.2")
    assert t.units == () and t.lead == "" and t.role_of("县发展改革委") is None
    assert plan.task("1.1").units == ("县发展改革委",)  # the alias resolved


def test_words_and_briefing_default_from_the_plan(tmp_path):
    plan = load_plan(small(tmp_path))
    w = plan.words
    assert (w.level, w.whole, w.direct, w.street_word, w.assigned_by) == ("县", "全县", "县直", "乡镇", "省")
    assert w.actions_word == "重点任务"  # the actions are not called 行动
    assert (w.appendix_name, w.district_target_label) == ("附表", "县拟定目标值")
    b = plan.briefing
    assert b.title == "青山县碳达峰碳中和工作简报"
    assert b.issuer == "县碳达峰碳中和工作领导小组办公室"
    assert b.report_to == "县委、县政府主要领导" and "县直" in b.distribute_to
    assert plan.app_title == "青山县碳达峰调度系统"
    assert plan.last_year == 2025  # the latest target year


def test_words_and_briefing_given_in_the_plan(tmp_path):
    text = SMALL.replace('streets_unit = "各乡镇"\n', '''streets_unit = "各乡镇"

[plan.words]
assigned_by = "市"
actions_word = "九大重点任务"
appendix_name = "附件"

[plan.briefing]
title = "碳达峰碳中和工作动态"
send_to = "县人大、县政协办公室"
''')
    plan = load_plan(small(tmp_path, text))
    assert (plan.words.assigned_by, plan.words.actions_word, plan.words.appendix_name) == ("市", "九大重点任务", "附件")
    assert plan.words.level == "县"  # the rest keep their defaults
    assert plan.briefing.title == "碳达峰碳中和工作动态" and plan.briefing.send_to == "县人大、县政协办公室"
    assert plan.briefing.issuer == "县碳达峰碳中和工作领导小组办公室"


def test_cumulative_target_starts_where_the_plan_says(tmp_path):
    plan = load_plan(small(tmp_path))
    t = plan.milestones[0].part.targets[0]
    assert (t.basis, t.since, t.value) == ("cumulative", "2021-01", 40.0)


@pytest.mark.parametrize("change, expected", [
    (("[[indicators]]", "[[indicatorz]]"), "未知的表 [[indicatorz]]"),
    (('[[actions.tasks]]\nnumbering = "1."', '[[actions.taskz]]\nnumbering = "1."'), "未知的表 [[actions.taskz]]"),
    (('title = "健全统计核算体系"', 'titel = "健全统计核算体系"'), "未知的字段“titel”"),
    (('first_month = "2023-01"', 'first_month = "2023-01"\nfirst_mnth = "2023-02"'), "未知的字段“first_mnth”"),
    (('streets_unit = "各乡镇"', 'streets_unit = "各乡镇"\n[plan.word]\nlevel = "县"'), "未知的表 [plan.word]"),
    (('baseline_year = 2020 }', 'baseline_year = 2020, sinse = "2021-01" }'), "sinse"),
])
def test_unknown_keys_and_tables_are_errors_naming_them(tmp_path, change, expected):
    old, new = change
    assert old in SMALL
    with pytest.raises(PlanError) as err:
        load_plan(small(tmp_path, SMALL.replace(old, new, 1)))
    assert expected in str(err.value)


def test_codes_are_validated(tmp_path):
    dup = SMALL.replace('code = "B-1-2"', 'code = "1.2"')
    with pytest.raises(PlanError) as err:
        load_plan(small(tmp_path, dup))
    assert "“1.2”与任务1.2的编码重复" in str(err.value)
    bad = SMALL.replace('code = "B-1-2"', 'code = "B 1/2"')
    with pytest.raises(PlanError) as err:
        load_plan(small(tmp_path, bad))
    assert "子任务" in str(err.value) and "“B 1/2”无效" in str(err.value)


def test_every_problem_is_listed_with_its_place(tmp_path):
    text = SMALL.replace('op = ">=", value = 40', 'op = "between", value = 40').replace(
        'units = ["县发改委"]', 'units = ["县财政局"]').replace('since = "2021-01"', 'since = "2021/01"')
    with pytest.raises(PlanError) as err:
        load_plan(small(tmp_path, text))
    msg = str(err.value)
    assert "任务1.1：字段“units”单位 '县财政局' 不在单位列表 [[units]] 中" in msg
    assert "里程碑B.1.1-M1 的第1个目标：字段“op”取值 'between' 无效" in msg
    assert "字段“since”“2021/01”无效" in msg


def test_target_kinds_are_checked(tmp_path):
    def problems(target: str) -> str:
        text = SMALL.replace('targets = [ { year = 2025, op = "<=", value = 14, unit = "%", basis = '
                             '"reduction_vs_baseline", baseline_year = 2020 } ]', f"targets = [ {target} ]")
        with pytest.raises(PlanError) as err:
            load_plan(small(tmp_path, text))
        return str(err.value)

    assert "须同时填写 value（下限）和 value_high（上限）" in problems('{ year = 2030, op = "range", value = 60 }')
    assert "上限 55.0 小于下限 60" in problems('{ year = 2030, op = "range", value = 60, value_high = 55.0 }')
    assert "不应填写数值" in problems('{ year = 2025, op = "decrease", value = 3 }')
    assert "baseline_year" in problems('{ year = 2025, op = ">=", value = 3, basis = "increment" }')
    assert "只有待定指标" in problems('{ year = 2025, op = "<=" }')
    assert "assigned_by" in problems('{ year = 2025, op = "<=", assigned_by = "区" }')


def test_pending_target_names_who_assigns_it(tmp_path):
    text = SMALL.replace('targets = [ { year = 2025, op = "<=", value = 14, unit = "%", basis = '
                         '"reduction_vs_baseline", baseline_year = 2020 } ]',
                         'targets = [ { year = 2030, op = "<=", assigned_by = "市", text = "确保完成市下达目标" } ]')
    plan = load_plan(small(tmp_path, text))
    part = plan.parts[0]
    assert part.pending and part.targets[0].assigned_by == "市"


def test_part_of_and_entered_as_are_checked(tmp_path):
    whole = SMALL + '''
[[milestones]]
code = "JD-1"
task = "B.1.1"
name = "其中新城公共建筑节能改造面积"
unit = "万平方米"
direction = "higher"
part_of = "B.1.1-M1"
targets = [ { year = 2025, op = ">=", value = 20, unit = "万平方米", basis = "cumulative", since = "2021-01" } ]
'''
    plan = load_plan(small(tmp_path, whole))
    assert plan.part("JD-1").part_of == "B.1.1-M1"
    with pytest.raises(PlanError, match="“X9”不是计划中的指标分项或里程碑"):
        load_plan(small(tmp_path, whole.replace('part_of = "B.1.1-M1"', 'part_of = "X9"')))
    with pytest.raises(PlanError, match="单位“亩”与所属的B.1.1-M1的单位“万平方米”不同"):
        load_plan(small(tmp_path, whole.replace('unit = "万平方米"\ndirection = "higher"\npart_of',
                                                'unit = "亩"\ndirection = "higher"\npart_of')))
    rate = SMALL.replace('direction = "lower"\n', 'direction = "lower"\nentered_as = "reduction_rate"\n')
    part = load_plan(small(tmp_path, rate)).parts[0]
    assert part.as_rate and part.entry_unit == "%" and part.entry_name == "单位地区生产总值能源消耗下降率"
    bad = SMALL.replace('direction = "lower"\n', 'direction = "lower"\nentered_as = "reduction_rate"\n').replace(
        'basis = "reduction_vs_baseline", baseline_year = 2020', 'basis = "absolute"')
    with pytest.raises(PlanError, match="数值目标都应是“比基期下降”"):
        load_plan(small(tmp_path, bad))


def test_format_1_still_loads_and_means_the_same(plan):
    old = load_plan(DATA / "zhushan-format1.toml")
    assert old.plan_format == 1 and plan.plan_format == 2
    assert old.actions == plan.actions and old.policies == plan.policies and old.units == plan.units
    assert old.milestones == plan.milestones
    assert [p.code for p in old.parts] == [p.code for p in plan.parts]
    for a, b in zip(old.parts, plan.parts, strict=True):
        assert [t._replace(text="") for t in a.targets] == [t._replace(text="") for t in b.targets], a.code
    assert old.words == plan.words


def test_format_1_keeps_its_positional_checks():
    raw = load_plan(DATA / "zhushan-format1.toml")
    import tomllib
    data = tomllib.loads((DATA / "zhushan-format1.toml").read_text(encoding="utf-8"))
    data["actions"][1]["no"] = 5
    data["policies"][0]["code"] = "P9"
    with pytest.raises(PlanError) as err:
        parse_plan(data)
    assert "行动第2项：字段“no”应为 2（按顺序编号）" in str(err.value)
    assert "政策保障第1项：字段“code”应为 P1" in str(err.value)
    assert raw.plan_id == "zhushan-2023"


def test_the_bundled_plan_is_format_2_with_its_codes_unchanged(plan):
    assert plan.plan_format == 2
    assert [a.code for a in plan.actions] == [str(i) for i in range(1, 11)]
    assert plan.actions[0].numbering == "（一）" and plan.tasks[0].numbering == "1."
    assert [t.code for t in plan.tasks][:3] == ["1.1", "1.2", "2.1"]
    assert plan.words.actions_word == "十大行动" and plan.words.assigned_by == "省"
    assert plan.part("I03").targets[0].assigned_by == "省"
    assert plan.briefing.distribute_to == "各街道办事处，区直各有关单位"
    assert plan.source is not None and "format = 2" in plan.source


def test_catalog_json_carries_the_new_fields(tmp_path):
    plan = load_plan(small(tmp_path))
    data = catalog_json(plan)
    assert data["plan"]["words"]["level"] == "县" and data["plan"]["format"] == 2
    a2 = data["actions"][1]
    assert a2["code"] == "B" and a2["numbering"] == "（二）"
    assert [s["code"] for s in a2["tasks"][0]["subtasks"]] == ["B.1.1", "B-1-2"]
    assert data["actions"][0]["tasks"][1]["units"] == []
    assert data["milestones"][0]["targets"][0]["since"] == "2021-01"
