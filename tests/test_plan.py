"""The embedded plan is faithful to the published text (expectations written from it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from models.plan import PlanError, display_text
from models.plan_load import load_plan

# The published text of the plan (a copy of the seed document), to check the catalog against.
SEED = Path(__file__).resolve().parent / "data" / "珠山区碳达峰实施方案.txt"

ACTIONS = [
    ("能源绿色低碳转型行动", ["提高化石能源利用效率", "大力发展非化石能源"]),
    ("工业领域碳达峰行动", ["推动工业低碳发展", "推动建材行业碳达峰", "推动陶瓷行业碳达峰"]),
    ("城乡建设绿色发展行动", ["推动城乡建设绿色低碳转型", "加快提升建筑能效水平", "大力优化建筑用能结构",
                            "推进农村建设和用能低碳转型"]),
    ("交通运输低碳建设行动", ["提高运输装备低碳化水平", "加快构建低碳交通运输系统", "加强低碳交通基础设施建设",
                            "打造智能绿色物流"]),
    ("节能降碳提质增效行动", ["增强节能管理综合能力", "坚决遏制高耗能、高排放、低水平项目盲目发展",
                            "推进重点用能设备节能增效", "全面开展能效提升建设"]),
    ("循环经济助力降碳行动", ["推进园区循环化建设", "提升大宗固废综合利用水平", "建立健全资源循环利用体系",
                            "提升生活垃圾减量化资源化水平"]),
    ("低碳科技创新引领行动", ["加快先进适用技术推广应用", "推进碳捕集利用与封存技术研发应用",
                            "完善绿色低碳技术创新生态"]),
    ("碳汇基础能力提升行动", ["巩固生态系统碳汇成果", "巩固提升林业碳汇", "加快生态优势转化", "推进农业减排固碳"]),
    ("绿色低碳生活倡导行动", ["加强生态文明宣传引导", "积极倡导低碳生活", "提升绿色产品供给和消费水平"]),
    ("碳达峰试点创建行动", ["组织开展城市碳达峰试点", "创建碳达峰试点园区（企业）", "深化生态产品价值实现机制试点",
                          "开展碳普惠试点"]),
]

UNITS = ["区发改委", "珠山生态环境局", "区工信局", "区住建局", "区农业农村和水利局", "区自然资源和规划分局",
         "区科技局", "区市监局", "区机管局", "珠山公安分局", "区金融办", "区城管局", "区商务局", "区教体局",
         "区委宣传部", "区文广新旅局", "区财政局", "区税务局", "区统计局", "区碳达峰碳中和工作领导小组办公室",
         "各街道"]

TASK_UNITS = {
    "1.1": ["区发改委", "珠山生态环境局", "区工信局", "区住建局"],
    "3.1": ["区自然资源和规划分局", "区住建局", "区发改委", "珠山生态环境局"],
    "4.2": ["区工信局", "区发改委"],
    "4.3": ["区工信局", "区发改委", "区住建局", "区农业农村和水利局"],
    "6.3": ["区城管局", "区发改委", "区住建局", "区工信局", "区商务局", "珠山生态环境局"],
    "8.2": ["区农业农村和水利局", "区自然资源和规划分局", "珠山生态环境局"],
    "9.1": ["区委宣传部", "珠山生态环境局", "区教体局", "区农业农村和水利局"],
    "10.1": ["区碳达峰碳中和工作领导小组办公室", "各街道"],
    "10.2": ["区发改委", "区科技局", "区工信局", "区商务局", "区自然资源和规划分局", "珠山生态环境局", "各街道"],
}

POLICIES = [("建立核算制度", "区碳达峰碳中和工作领导小组办公室"), ("加大财税、价格政策支持", "区财政局"),
            ("发展绿色金融", "区市监局"), ("加强交流合作", "区商务局"), ("运用市场机制", "珠山生态环境局")]

# (code, name, responsible unit, inherited?)
INDICATORS = [
    ("I01", "非化石能源消费比重", "区发改委", False),
    ("I02", "风电、光伏、太阳能、生物质发电总装机容量", "区发改委", True),
    ("I03", "单位地区生产总值二氧化碳排放", "区发改委", True),
    ("I04", "森林覆盖率", "区农业农村和水利局", False),
    ("I05", "活立木蓄积量", "区农业农村和水利局", True),
    ("I06", "生活垃圾资源化利用率&城市生活垃圾分类", "区城管局", False),
    ("I07", "城镇建筑可再生能源替代率", "区住建局", False),
    ("I08", "绿色建筑标准", "区住建局", True),
    ("I09", "新建公共机构建筑、新建厂房屋顶光伏覆盖率", "区住建局", True),
    ("I10", "公交车、出租汽车（含网约车）新能源汽车占比", "区工信局", False),
    ("I11", "营运车辆、船舶单位换算周转量碳排放强度", "区工信局", False),
    ("I12", "城市绿色出行比例", "区工信局", True),
    ("I13", "秸秆年综合利用率", "区农业农村和水利局", False),
    ("I14", "主要农作物农药化肥利用率", "区农业农村和水利局", True),
    ("I15", "畜禽粪污综合利用率", "区农业农村和水利局", True),
]


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_counts(plan):
    assert len(plan.actions) == 10
    assert len(plan.tasks) == 35
    assert len(plan.policies) == 5
    assert len(plan.indicators) == 15
    assert len(plan.units) == 21
    assert {u.name for u in plan.units} == set(UNITS)


def test_action_and_task_titles(plan):
    assert [(a.title, [t.title for t in a.tasks]) for a in plan.actions] == ACTIONS
    assert [t.code for t in plan.actions[3].tasks] == ["4.1", "4.2", "4.3", "4.4"]


def test_task_texts_are_verbatim(plan):
    seed = SEED.read_text(encoding="utf-8")
    for t in plan.tasks:
        assert f"{t.no}.{t.text}" in seed, t.code
        assert t.text.startswith(t.title + "。")
        assert t.units_text in t.text


def test_task_units_in_plan_order(plan):
    for code, units in TASK_UNITS.items():
        assert list(plan.task(code).units) == units, code
    assert plan.task("4.3").lead == "区工信局"
    assert plan.task("4.3").role_of("区住建局") == "cooperate"
    for t in plan.tasks:
        assert set(t.units) <= set(UNITS)


def test_typo_unit_is_resolved_but_kept_in_text(plan):
    t = plan.task("10.2")
    assert "区自然资源和规划分局局" in t.units_text
    assert "区自然资源和规划分局" in t.units
    assert plan.canonical_unit("区自然资源和规划分局局") == "区自然资源和规划分局"


def test_policies(plan):
    assert [(p.code, p.title, p.units[0]) for p in plan.policies] == [
        (f"P{i}", title, lead) for i, (title, lead) in enumerate(POLICIES, 1)]
    assert "区统计局" in plan.policies[0].units
    assert "区税务局" in plan.policies[1].units
    org = plan.meta["organisation"]
    assert org.startswith("（一）加强统筹协调。") and "约谈问责" in org


def test_indicators_and_merged_cells(plan):
    got = [(i.code, i.name, i.responsible_unit, i.responsible_unit_inherited) for i in plan.indicators]
    assert got == INDICATORS


def test_appendix_cells_verbatim(plan):
    seed = SEED.read_text(encoding="utf-8")
    i01 = plan.indicators[0]
    assert i01.city_target == "到2025年，达到18.3%；到2030年，达到22.5%；到2060年，达到80%。"
    assert i01.district_target == "到2025年，达到17.5%以上；到2030年，达到20%以上。到2060年，达到80%。"
    assert display_text(plan.indicators[3].district_target) == "到2030年，稳定在57.85%以上。"
    for ind in plan.indicators:
        for cell in (ind.city_target, ind.district_target, ind.explanation):
            assert cell in seed, (ind.code, cell[:20])
    assert plan.indicators[14].district_target == "到2025年，保持在80%以上，力争到达85%。"
    assert plan.indicators[4].district_target == ""
    assert plan.indicators[12].city_target == ""


def test_part_codes(plan):
    codes = [p.code for p in plan.parts]
    assert codes == ["I01", "I02", "I03", "I04", "I05", "I06a", "I06b", "I07", "I08", "I09", "I10a",
                     "I10b", "I11a", "I11b", "I12", "I13", "I14", "I15"]
    assert plan.part("I06a").name == "生活垃圾资源化利用率"
    assert plan.part("I06b").name == "生活垃圾分类"
    assert plan.part("I10a").name.startswith("公交车")
    assert plan.part("I10b").name.startswith("出租汽车")
    assert plan.part("I11a").name.startswith("营运车辆")
    assert plan.part("I11b").name.startswith("船舶")


def test_structured_targets(plan):
    i01 = plan.part("I01").targets
    assert [(t.year, t.op, t.value, t.kind) for t in i01] == [
        (2025, ">=", 17.5, "binding"), (2030, ">=", 20.0, "binding"), (2060, ">=", 80.0, "binding")]
    i03 = plan.part("I03")
    assert i03.pending and i03.targets[0].value is None and i03.direction == "lower"
    i05 = plan.part("I05")
    assert i05.monitor and i05.targets == ()
    i04 = plan.part("I04").targets[0]
    assert i04.stable and i04.value == 57.85 and i04.year == 2030
    a, b = plan.part("I06a").targets
    assert (a.op, a.value, b.op, b.value) == ("approx", 60.0, ">=", 70.0)
    assert all(t.qualitative for t in plan.part("I06b").targets)
    assert plan.part("I08").targets[0].label == "城镇新建建筑全面执行绿色建筑标准"
    assert [t.value for t in plan.part("I10a").targets] == [72.0]
    assert [t.value for t in plan.part("I10b").targets] == [35.0]
    for code, x in (("I11a", 10.0), ("I11b", 5.0)):
        t = plan.part(code).targets[0]
        assert (t.basis, t.baseline_year, t.value, t.op) == ("reduction_vs_baseline", 2020, x, "<=")
    assert plan.part("I12").targets[0].value == 70.0
    binding, stretch = plan.part("I13").targets
    assert (binding.value, binding.stable, binding.kind) == (93.0, True, "binding")
    assert (stretch.value, stretch.kind) == (95.0, "stretch")
    binding, stretch = plan.part("I15").targets
    assert (binding.value, stretch.value, stretch.kind) == (80.0, 85.0, "stretch")


def test_milestones(plan):
    codes = {m.code: m for m in plan.milestones}
    m = codes["4.3-M1"]
    assert (m.task, m.part.unit, m.part.targets[0].value, m.part.targets[0].year) == ("4.3", "个", 3000.0, 2025)
    m = codes["10.1-M1"]
    assert (m.part.targets[0].value, m.part.targets[0].year) == (3.0, 2030)
    assert codes["10.2-M1"].part.targets[0].value == 2.0
    assert codes["3.3-M1"].part.targets[0].value == 8.0
    assert codes["1.2-M1"].part.targets[0].value == 24.0
    seed = SEED.read_text(encoding="utf-8")
    for m in plan.milestones:
        assert m.quote.rstrip("。") in seed, m.code


def test_discrepancy_24_vs_140_is_shown(plan):
    i02 = plan.indicators[1]
    assert i02.discrepancy_with == "1.2-M1"
    assert "24" in i02.status_note and "140" in i02.status_note
    assert plan.part("I02").targets[0].value == 140.0
    assert "140" in [m for m in plan.milestones if m.code == "1.2-M1"][0].note


def test_invalid_plan_names_entry_and_field(tmp_path):
    bad = tmp_path / "bad.toml"
    text = Path(load_plan().path).read_text(encoding="utf-8")
    text = text.replace('code = "I07"\nrow = 7', 'code = "I07"\nrow = "七"', 1)
    text = text.replace('op = "approx", value = 60', 'op = "about", value = 60', 1)
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as err:
        load_plan(bad)
    msg = str(err.value)
    assert "指标I07" in msg and "row" in msg
    assert "里程碑6.4-M2 的第1个目标" in msg and "op" in msg and "about" in msg


def test_unreadable_plan_files(tmp_path):
    with pytest.raises(PlanError, match="无法读取"):
        load_plan(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("format = 1\n[plan\n", encoding="utf-8")
    with pytest.raises(PlanError, match="格式错误"):
        load_plan(broken)
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes("标题 = 1".encode("gbk"))
    with pytest.raises(PlanError, match="UTF-8"):
        load_plan(gbk)
