"""Plan documents in two more published layouts import to plans the program loads:

- a county-level city's plan (市) whose actions （一） sit under 四、重点任务 after three
  other chapters, with tasks 1. whose units close the paragraph as
  “（市发改委牵头，市工信局、市住建局配合）”;
- a county plan whose indicator table has the years as columns (2025年目标 | 2030年目标),
  a 责任部门 column, a note row spanning the table, and a second table 其他约束性指标
  numbered from 1 again — as .docx, as Word-copied text and as a PDF whose table crosses
  a page with its header repeated.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from models.plan_import import ImportResult, import_plan
from models.plan_load import load_plan
from tests.plan_contract import problems
from tests.plan_docs import PAGE, Block, P, T, write_docx, write_pdf, write_text


def city_plan() -> list[Block]:
    return [
        P("清川市人民政府关于印发《清川市碳达峰实施方案》的通知"),
        P("清府发〔2023〕12号"),
        P("清川市人民政府"),
        P("2023年9月6日"),
        P("清川市碳达峰实施方案", heading=True),
        P("根据《江岭省碳达峰实施方案》和《白石市碳达峰实施方案》，结合我市实际，制定本方案。"),
        P("一、指导思想", heading=True),
        P("以新发展理念为引领，推动全市绿色低碳发展。"),
        P("二、工作原则", heading=True),
        P("坚持统筹推进、节约优先、稳妥有序。"),
        P("三、主要目标", heading=True),
        P("到2025年，全市非化石能源消费比重达到18%以上，单位地区生产总值能耗比2020年下降14%以上。"),
        P("四、重点任务", heading=True),
        P("（一）能源绿色低碳转型", heading=True),
        P("1.大力发展可再生能源。到2025年，全市光伏发电装机容量达到50万千瓦以上。（市发改委牵头，市工信局、市住建局配合）"),
        P("2.严格控制煤炭消费。推进燃煤锅炉淘汰，到2025年煤炭消费量控制在省下达目标以内。（市发改委牵头，市工信局、市生态环境局配合）"),
        P("（二）城乡建设碳达峰", heading=True),
        P("1.推广绿色建筑。“十四五”期间累计完成既有公共建筑节能改造8万平方米。（市住建局牵头，市发改委、市机关事务中心配合）"),
        P("2.优化建筑用能结构。到2025年，城镇建筑可再生能源替代率达到8%。（市住建局牵头）"),
        P("五、保障措施", heading=True),
        P("（一）完善统计核算。建立能源和碳排放统计制度。（市统计局牵头，市发改委配合）"),
        P("六、组织实施", heading=True),
        P("市碳达峰碳中和工作领导小组统筹推进全市碳达峰工作，领导小组办公室设在市发改委。"),
    ]


HEADER = ["序号", "指标", "单位", "2025年目标", "2030年目标", "属性", "责任部门"]
NOTE = "注：能耗指标按新口径核算，“十四五”期间新增可再生能源不纳入能源消费总量考核。"


def year_column_plan(extra_rows: int = 0) -> list[Block]:
    rows = [HEADER,
            ["1", "非化石能源消费比重", "%", "20以上", "25左右", "约束性", "县发改局"],
            ["2", "单位地区生产总值能耗", "吨标准煤/万元", "比2020年下降13.5%", "完成市下达目标", "约束性", "县发改局"],
            ["3", "森林覆盖率", "%", "稳定在58以上", "稳定在58以上", "约束性", "县林业局"],
            ["4", "公共充电桩数量", "个", "500", "1200", "预期性", "县住建局"]]
    rows += [[str(5 + i), f"重点用能单位节能监察覆盖率{i + 1}", "%", "90以上", "100", "预期性", "县工信局"]
             for i in range(extra_rows)]
    rows.append([NOTE] + [""] * 6)
    return [
        P("青峰县碳达峰实施方案", heading=True),
        P("一、总体要求", heading=True),
        P("推动全县经济社会发展全面绿色转型。"),
        P("二、主要目标", heading=True),
        P("到2025年，全县非化石能源消费比重达到20%以上；到2030年，非化石能源消费比重达到25%左右。"),
        P("三、重点任务", heading=True),
        P("（一）能源结构优化行动", heading=True),
        P("1.发展可再生能源。推进整县屋顶光伏试点。（责任单位：县发改局、县自然资源局）"),
        P("（二）城乡建设低碳行动", heading=True),
        P("1.完善充电设施。到2025年建成公共充电桩500个。（责任单位：县住建局、县交通运输局）"),
        P("2.巩固森林碳汇。森林覆盖率稳定在58%以上。（责任单位：县林业局，各乡镇人民政府）"),
        P("四、保障措施", heading=True),
        P("（一）加强组织领导。县碳达峰碳中和工作领导小组统筹推进。（责任单位：县发改局）"),
        PAGE,
        P("附件"),
        P("青峰县碳达峰主要指标表", heading=True),
        T(rows=rows, merges=[(len(rows) - 1, 0, len(rows) - 1, 6)]),
        P("其他约束性指标", heading=True),
        T(rows=[HEADER,
                ["1", "单位地区生产总值二氧化碳排放", "吨/万元", "完成市下达目标", "比2005年下降65%以上", "约束性", "县发改局"],
                ["2", "城镇生活垃圾分类覆盖率", "%", "全覆盖", "全覆盖", "约束性", "县城管局"]]),
    ]


def loaded(result: ImportResult, tmp_path: Path) -> dict[str, Any]:
    """The written file passes the format's contract and the program's own loader."""
    raw = tomllib.loads(result.toml_text)
    assert problems(raw) == []
    plan_file = tmp_path / "plan.toml"
    plan_file.write_text(result.toml_text, encoding="utf-8")
    load_plan(plan_file, cache_dir=tmp_path / "cache")
    return raw


def test_city_plan_with_units_closing_the_task(tmp_path: Path) -> None:
    result = import_plan(write_docx(city_plan(), tmp_path / "清川市碳达峰实施方案.docx"))
    raw = loaded(result, tmp_path)
    assert raw["plan"]["district"] == "清川市" and raw["plan"]["words"]["level"] == "市"
    assert raw["plan"]["office_host"] == "市发改委"
    tasks = {t["code"]: t for a in raw["actions"] for t in a["tasks"]}
    assert [(a["code"], a["numbering"], a["title"]) for a in raw["actions"]] == [
        ("1", "（一）", "能源绿色低碳转型"), ("2", "（二）", "城乡建设碳达峰")]
    assert {c: t["units"] for c, t in tasks.items()} == {
        "1.1": ["市发改委", "市工信局", "市住建局"],
        "1.2": ["市发改委", "市工信局", "市生态环境局"],
        "2.1": ["市住建局", "市发改委", "市机关事务中心"],
        "2.2": ["市住建局"]}
    assert tasks["2.2"]["units_text"] == "市住建局牵头"
    assert raw["policies"][0]["units"] == ["市统计局", "市发改委"]
    milestones = {m["code"]: m["targets"][0] for m in raw["milestones"]}
    assert milestones["1.1-M1"]["value"] == 50 and milestones["1.1-M1"]["unit"] == "万千瓦"
    assert (milestones["2.1-M1"]["basis"], milestones["2.1-M1"]["since"]) == ("cumulative", "2021-01")
    coal = milestones["1.2-M1"]  # a ceiling the province assigns later: a pending milestone, said so
    assert (coal["year"], coal["op"], coal.get("value"), coal["assigned_by"]) == (2025, "<=", None, "省")
    assert [r.kind for r in result.review_items if r.ref == "1.2-M1"] == ["target_pending"]
    pdf = import_plan(write_pdf(city_plan(), tmp_path / "清川市碳达峰实施方案.pdf"))
    assert tomllib.loads(pdf.toml_text)["actions"] == raw["actions"]


@pytest.mark.parametrize("kind", ["docx", "txt", "pdf"])
def test_year_columns_note_row_and_a_second_table(tmp_path: Path, kind: str) -> None:
    blocks = year_column_plan(extra_rows=30 if kind == "pdf" else 0)
    path = tmp_path / f"青峰县碳达峰实施方案.{kind}"
    result = import_plan(write_docx(blocks, path) if kind == "docx" else
                         write_text(blocks, path) if kind == "txt" else write_pdf(blocks, path))
    raw = loaded(result, tmp_path)
    inds = {i["code"]: i for i in raw["indicators"]}
    n_first = 4 + (30 if kind == "pdf" else 0)
    assert len(inds) == n_first + 2  # the note row is not an indicator; the second table's rows are
    assert sorted(i["row"] for i in raw["indicators"]) == list(range(1, n_first + 3))
    assert inds["I01-2"]["name"] == "单位地区生产总值二氧化碳排放" and inds["I01-2"]["row"] == n_first + 1
    assert inds["I02-2"]["parts"][0]["targets"][0]["op"] == "yes"
    assert inds["I01"]["responsible_unit"] == "县发改局"
    first = inds["I01"]["parts"][0]
    assert [(t["year"], t["op"], t["value"]) for t in first["targets"]] == [(2025, ">=", 20), (2030, "approx", 25)]
    assert inds["I02"]["parts"][0]["targets"][0]["baseline_year"] == 2020
    notes = [r for r in result.review_items if r.kind == "table_note"]
    assert [r.quote for r in notes] == [NOTE]
    restarted = [r for r in result.review_items if r.kind == "numbering"]
    assert [r.ref for r in restarted] == ["I01-2", "I02-2"] and "第2张表的序号从头编起" in restarted[0].decided
    if kind == "pdf":
        assert any(r.kind == "table_split" for r in result.review_items)
