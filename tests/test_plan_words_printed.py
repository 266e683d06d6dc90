"""What a plan's own words make the program print: a plan without an appendix, or
without indicators at all, is not told about “附表N项指标”; the streets are called what
the plan calls them (各镇人民政府 → 镇, not 乡镇), in the sample data too."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pdfplumber
import pytest

from exports.briefing import build_briefing
from exports.briefing_compose import compose
from models.app import Actor, App
from models.demo import generate_demo
from models.plan_import import import_plan
from models.plan_load import load_plan
from models.plan_words import street_word_of
from models.store import Store
from tests.plan_docs import Block, P, write_text

PLANS = Path(__file__).resolve().parent / "data" / "plans"
OFFICE = Actor("office-admin", "admin", None, "办公室管理员")
MONTH = "2023-06"


def _county_without(tmp_path: Path, drop: tuple[str, ...], words: str = 'appendix_name = "附件"') -> Path:
    """county-like.toml without the top-level tables named in ``drop``."""
    text = (PLANS / "county-like.toml").read_text(encoding="utf-8")
    text = text.replace('appendix_name = "附件"', words)
    for key in drop:
        # a top-level array of tables runs up to the next top-level table of another name
        text = re.sub(rf"\n\[\[{key}\]\].*?(?=\n\[\[(?!{key}[\].])|\Z)", "\n", text, flags=re.S)
    out = tmp_path / "plan.toml"
    out.write_text(text, encoding="utf-8")
    tomllib.loads(text)
    return out


def _briefing_text(app: App, tmp_path: Path) -> str:
    pdf = build_briefing(app, OFFICE, MONTH, tmp_path / "简报.pdf")
    with pdfplumber.open(str(pdf)) as doc:
        return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in doc.pages))


def test_a_plan_without_indicators_prints_no_indicator_count(tmp_path: Path) -> None:
    app = App(Store(tmp_path / "n.db"), load_plan(_county_without(tmp_path, ("indicators", "milestones"))))
    try:
        assert not app.plan.indicators
        generate_demo(app, OFFICE, MONTH, streets=2)
        texts = compose(app, OFFICE, MONTH)
        joined = "\n".join(texts.values())
        assert "0项指标" not in joined and "附件共" not in joined
        assert texts["indicators"] == "方案未列出量化指标，本期不作指标监测。"
        brief = _briefing_text(app, tmp_path)
        assert "0项指标" not in brief and "方案未列出量化指标" in brief
        # no empty table of indicators and no legend of its lights under the sentence
        assert "序时应达值" not in brief and "注：" not in brief
    finally:
        app.close()


def test_a_plan_without_appendix_names_its_goals_as_the_source(tmp_path: Path) -> None:
    app = App(Store(tmp_path / "g.db"), load_plan(_county_without(tmp_path, (), 'appendix_name = ""')))
    try:
        assert app.plan.words.appendix_name == ""
        generate_demo(app, OFFICE, MONTH, streets=2)
        texts = compose(app, OFFICE, MONTH)
        joined = "\n".join(texts.values())
        assert "附表" not in joined and "附件" not in joined
        assert texts["indicators"].startswith("方案主要目标所列指标共2项指标分项")
        assert "方案主要目标所列2项指标分项中" in texts["overview"]
    finally:
        app.close()


def test_a_plan_with_an_appendix_keeps_its_name(tmp_path: Path) -> None:
    app = App(Store(tmp_path / "a.db"), load_plan(PLANS / "county-like.toml"))
    try:
        generate_demo(app, OFFICE, MONTH, streets=2)
        texts = compose(app, OFFICE, MONTH)
        assert texts["indicators"].startswith("方案附件共2项指标分项")
        assert "附件2项指标分项中" in texts["overview"]
    finally:
        app.close()


@pytest.mark.parametrize("unit, word", [
    ("各镇人民政府", "镇"), ("各乡镇人民政府", "乡镇"), ("各乡镇", "乡镇"), ("各街道", "街道"),
    ("各街道办事处", "街道"), ("各街镇", "街镇"), ("各苏木", "苏木"), ("区直各单位", ""), ("", ""),
])
def test_the_street_word_is_the_plans_own(unit: str, word: str) -> None:
    assert street_word_of(unit) == word


def test_towns_named_by_the_plan_name_the_sample_towns(tmp_path: Path) -> None:
    """A county-level city's plan says 各镇人民政府、街道办事处: its places are 镇, and the
    sample data calls them 示例镇1 …, never 示例乡镇1."""
    blocks: list[Block] = [
        P("临水市人民政府关于印发《临水市碳达峰实施方案》的通知"),
        P("临水市人民政府"),
        P("2023年5月8日"),
        P("临水市碳达峰实施方案", heading=True),
        P("一、主要目标", heading=True),
        P("到2025年，非化石能源消费比重达到20%以上。"),
        P("二、重点任务", heading=True),
        P("（一）推动能源结构优化", heading=True),
        P("1.积极发展可再生能源。到2025年光伏装机容量达到10万千瓦。"
          "（牵头单位：市发改局；配合单位：市林业局，各镇人民政府、街道办事处）"),
        P("2.推进农村用能转型。推广清洁炊事。（牵头单位：市农业农村局；配合单位：各镇人民政府）"),
    ]
    result = import_plan(write_text(blocks, tmp_path / "临水市碳达峰实施方案.txt"))
    raw = tomllib.loads(result.toml_text)
    assert raw["plan"]["streets_unit"] == "各镇人民政府"
    assert raw["plan"]["words"]["street_word"] == "镇"
    plan_file = tmp_path / "临水市.toml"
    plan_file.write_text(result.toml_text, encoding="utf-8")
    app = App(Store(tmp_path / "l.db"), load_plan(plan_file))
    try:
        assert app.plan.words.street_word == "镇"
        generate_demo(app, OFFICE, "2025-06", streets=2)
        assert app.streets() == ["示例镇1", "示例镇2"]
    finally:
        app.close()


def test_a_plan_file_without_words_takes_the_street_word_from_its_placeholder(tmp_path: Path) -> None:
    text = (PLANS / "county-like.toml").read_text(encoding="utf-8").replace('"各乡镇"', '"各镇人民政府"')
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    assert load_plan(path).words.street_word == "镇"


def test_an_undated_plan_whose_targets_end_before_this_year_still_loads(tmp_path: Path) -> None:
    """No 印发日期: the first month is January of this year; targets of an earlier year
    do not make the written file one the loader refuses (last_year ≥ the first year)."""
    blocks: list[Block] = [
        P("临水市碳达峰实施方案", heading=True),
        P("一、重点任务", heading=True),
        P("（一）推动能源结构优化", heading=True),
        P("1.积极发展可再生能源。到2020年光伏装机容量达到10万千瓦。（市发改局负责）"),
    ]
    result = import_plan(write_text(blocks, tmp_path / "临水市碳达峰实施方案.txt"))
    plan_file = tmp_path / "p.toml"
    plan_file.write_text(result.toml_text, encoding="utf-8")
    plan = load_plan(plan_file)
    assert plan.last_year >= int(plan.first_month[:4])


def test_every_target_example_in_the_readme_loads(tmp_path: Path) -> None:
    """README's plan-file reference has an example of each target kind; each one is a
    target the loader accepts (one indicator per example, added to a county's plan)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"^(\{ year = .*\})$", readme, flags=re.M)
    kinds = {m for e in examples for m in re.findall(r'op = "([^"]+)"', e)}
    assert kinds >= {">=", "<=", "approx", "range", "yes", "decrease"}
    assert all(w in readme for w in ('basis = "reduction_vs_baseline"', 'basis = "cumulative"',
                                     'basis = "increment"', "assigned_by", "stable = true", 'kind = "stretch"'))
    text = (PLANS / "county-like.toml").read_text(encoding="utf-8")
    for n, e in enumerate(examples, 1):
        t = tomllib.loads(f"t = {e}")["t"]
        op = t["op"]
        direction = "qualitative" if op == "yes" else "lower" if op in ("<=", "decrease") else "higher"
        text += (f'\n[[indicators]]\ncode = "X{n:02d}"\nrow = {100 + n}\nname = "示例{n}"\n'
                 f'\n[[indicators.parts]]\ncode = "X{n:02d}"\nname = "示例{n}"\nunit = "{t.get("unit", "")}"\n'
                 f'direction = "{direction}"\ntargets = [ {e} ]\n')
    path = tmp_path / "examples.toml"
    path.write_text(text, encoding="utf-8")
    plan = load_plan(path)
    assert len([i for i in plan.indicators if i.code.startswith("X")]) == len(examples) >= 12
