"""The seed plan imports to the catalog of the hand-written plan file (resources/plan/zhushan.toml),
from its text (UTF-8, GB18030, with BOM), from a .docx and from a PDF built from it.

What the hand-written file decided that the document cannot show (the plan id, units of
measure the table does not state, a shortened part name) is listed exactly, and each such
place carries a review item."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from tests.plan_contract import problems
from tests.plan_docs import SEED_TXT, hand_plan, seed_blocks, write_docx, write_pdf

from models.plan_import import ImportResult, import_plan
from models.plan_import.undated import similarity

TARGET_KEYS = (("year", None), ("op", None), ("value", None), ("unit", ""), ("kind", "binding"),
               ("basis", "absolute"), ("baseline_year", None), ("stable", False))
# Judgements of the hand-written file that the document does not show.
JUDGEMENTS = [
    ("plan", "id", "zhushan-2023", "珠山区-2023"),
    ("plan", "briefing", {"title": "珠山区碳达峰碳中和工作简报", "issuer": "区碳达峰碳中和工作领导小组办公室",
                          "report_to": "区委、区政府主要领导", "send_to": "区碳达峰碳中和工作领导小组成员",
                          "distribute_to": "各街道办事处，区直各有关单位"}, None),
    ("I03", "unit", "吨/万元", ""),
    ("I03", "targets", [(2030, "<=", None, "吨/万元", "binding", "absolute", None, False)],
     [(2030, "<=", None, "", "binding", "absolute", None, False)]),
    ("I05", "unit", "万立方米", "亿立方米"),
    ("I06b", "name", "生活垃圾分类", "城市生活垃圾分类"),
    ("I11a", "unit", "千克CO₂/百吨公里", "%"),
    ("I11b", "unit", "千克CO₂/千吨公里", "%"),
]


@pytest.fixture(scope="module")
def seed() -> ImportResult:
    return import_plan(SEED_TXT)


def _targets(targets: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(t.get(k, d) for k, d in TARGET_KEYS) for t in targets]


def differences(raw: dict[str, Any], *, cell_breaks: bool = True) -> list[tuple[str, str, Any, Any]]:
    """Where ``raw`` (an imported plan) differs from the hand-written plan file, field by field.
    ``cell_breaks=False`` compares table cells without their line breaks (PDF)."""
    hand = hand_plan()
    out: list[tuple[str, str, Any, Any]] = []

    def diff(ref: str, key: str, a: Any, b: Any) -> None:
        if a != b:
            out.append((ref, key, a, b))

    for key, value in hand["plan"].items():
        diff("plan", key, value, raw["plan"].get(key))
    diff("units", "names", [(u["name"], u["kind"], u.get("aliases", [])) for u in hand["units"]],
         [(u["name"], u["kind"], u.get("aliases", [])) for u in raw["units"]])
    diff("actions", "count", len(hand["actions"]), len(raw["actions"]))
    for ha, ra in zip(hand["actions"], raw["actions"], strict=False):
        code = ra["code"]
        diff(code, "numbering", ha.get("numbering") or f"（{ha['numeral']}）", ra.get("numbering"))  # format 2 or 1
        for key in ("title", "intro"):
            diff(code, key, ha.get(key, ""), ra.get(key, ""))
        diff(code, "tasks", len(ha["tasks"]), len(ra["tasks"]))
        for ht, rt in zip(ha["tasks"], ra["tasks"], strict=False):
            diff(rt["code"], "code", ht.get("code") or f"{ha['no']}.{ht['no']}", rt["code"])
            for key in ("title", "text", "units_text", "units"):
                diff(rt["code"], key, ht[key], rt.get(key))
    diff("policies", "count", len(hand["policies"]), len(raw["policies"]))
    for hp, rp in zip(hand["policies"], raw["policies"], strict=False):
        for key in ("code", "title", "text", "units_text", "units"):
            diff(hp["code"], key, hp[key], rp.get(key))
    diff("indicators", "count", len(hand["indicators"]), len(raw["indicators"]))
    cells = ("city_target", "district_target", "explanation")
    for hi, ri in zip(hand["indicators"], raw["indicators"], strict=False):
        for key in ("code", "row", "name", *cells, "responsible_unit", "responsible_unit_inherited",
                    "discrepancy_with"):
            a, b = hi.get(key, ""), ri.get(key, "")
            if key in cells and not cell_breaks:
                a, b = a.replace("\n", ""), b.replace("\n", "")
            diff(hi["code"], key, a, b)
        diff(hi["code"], "parts", [p["code"] for p in hi["parts"]], [p["code"] for p in ri["parts"]])
        for hp, rp in zip(hi["parts"], ri["parts"], strict=False):
            for key, default in (("name", ""), ("unit", ""), ("direction", ""), ("frequency", "year"),
                                 ("pending", False), ("monitor", False)):
                diff(hp["code"], key, hp.get(key, default), rp.get(key, default))
            diff(hp["code"], "targets", _targets(hp["targets"]), _targets(rp["targets"]))
    diff("milestones", "codes", [(m["code"], m["task"]) for m in hand["milestones"]],
         [(m["code"], m["task"]) for m in raw["milestones"]])
    for hm, rm in zip(hand["milestones"], raw["milestones"], strict=False):
        for key in ("unit", "direction", "quote"):
            diff(hm["code"], key, hm[key], rm.get(key))
        if similarity(hm["name"], rm["name"]) < 0.75:  # the hand file shortened some names
            out.append((hm["code"], "name", hm["name"], rm["name"]))
        diff(hm["code"], "targets", _targets(hm["targets"]), _targets(rm["targets"]))
    return out


def check_file(result: ImportResult) -> dict[str, Any]:
    raw = tomllib.loads(result.toml_text)
    assert raw == result.draft.to_raw()  # the text says exactly what the draft holds
    assert problems(raw) == []
    return raw


def test_seed_text_imports_to_the_hand_written_catalog(seed: ImportResult) -> None:
    raw = check_file(seed)
    assert differences(raw) == JUDGEMENTS
    assert len(raw["units"]) == 21 and len(raw["actions"]) == 10
    assert sum(len(a["tasks"]) for a in raw["actions"]) == 35
    assert len(raw["indicators"]) == 15 and len(raw["milestones"]) == 11
    assert [p["code"] for i in raw["indicators"] for p in i["parts"] if len(i["parts"]) > 1] == [
        "I06a", "I06b", "I10a", "I10b", "I11a", "I11b"]


def test_each_judgement_and_status_note_of_the_hand_file_is_a_review_item(seed: ImportResult) -> None:
    refs = {i.ref for i in seed.review_items}
    for ref, *_rest in JUDGEMENTS:
        if ref != "plan":  # a part's name is checked with its row (I06b → the split of I06)
            assert ref in refs or ref.rstrip("ab") in refs, ref
    hand = hand_plan()
    for ind in hand["indicators"]:
        if ind.get("status_note"):
            assert ind["code"] in refs, ind["code"]
    assert {"3.3-M2", "10.2-M1"} <= refs  # the milestones whose notes the hand file wrote
    assert any(i.kind == "plan_info" and "珠山区-2023" in i.decided for i in seed.review_items)


def test_seed_review_items(seed: ImportResult) -> None:
    assert seed.review_counts() == {
        "plan_info": 2, "table_split": 1, "unit_typo": 1, "unit_alias": 1, "unit_once": 4,
        "target_pending": 1, "measure_unit": 4, "target_assumed": 2, "monitor_only": 1, "row_split": 3,
        "row_cut": 1, "unit_inherited": 8, "discrepancy": 2}
    items = {(i.kind, i.ref): i for i in seed.review_items}
    typo = items["unit_typo", "unit:区自然资源和规划分局"]
    assert typo.quote == "区自然资源和规划分局局" and typo.where == "第131行"
    assert "区碳达峰碳中和工作领导小组" == items["unit_alias", "unit:区碳达峰碳中和工作领导小组办公室"].quote
    assert sorted(int(i.ref[1:]) for i in seed.review_items if i.kind == "unit_inherited") == [2, 3, 5, 8, 9, 12, 14, 15]
    assert {i.quote for i in seed.review_items if i.kind == "unit_once"} == {
        "珠山公安分局", "区文广新旅局", "区统计局", "区税务局"}
    gap = items["discrepancy", "I02"]
    assert "24万千瓦" in gap.quote and "140万千瓦" in gap.quote
    assert items["row_cut", "I15"].where == "附表第15行"
    assert "2030" in items["target_assumed", "10.2-M1"].decided
    for item in seed.review_items:
        assert item.where and item.quote and item.decided and item.check
        if item.ref:  # a review table finds the draft entry beside the quoted source
            assert seed.draft.entry(item.ref) is not None, item.ref


def test_both_sides_of_the_discrepancy_are_kept(seed: ImportResult) -> None:
    raw = seed.draft.to_raw()
    i02 = next(i for i in raw["indicators"] if i["code"] == "I02")
    m = next(m for m in raw["milestones"] if m["code"] == "1.2-M1")
    assert i02["discrepancy_with"] == "1.2-M1" and "24" in i02["status_note"] and "140" in i02["status_note"]
    assert i02["parts"][0]["targets"][0]["value"] == 140 and m["targets"][0]["value"] == 24
    assert "I02" in m["note"]


def test_the_written_file_marks_what_to_check_and_is_stable(seed: ImportResult) -> None:
    text = seed.toml_text
    assert text.startswith("# 珠山区碳达峰实施方案：由《珠山区碳达峰实施方案.txt》导入生成的计划文件草稿（格式 2）。")
    block = text[text.index("# 核对（疑似笔误的单位）"):]
    assert block.split("\n")[1] == "[[units]]" and '"区自然资源和规划分局局"' in block.split("\n\n")[0]
    assert import_plan(SEED_TXT).toml_text == text


def test_the_plan_file_is_written_whole(seed: ImportResult, tmp_path: Path) -> None:
    target = tmp_path / "计划" / "珠山区.toml"
    target.parent.mkdir()
    assert seed.write(target) == target
    assert tomllib.loads(target.read_text(encoding="utf-8")) == seed.draft.to_raw()
    assert [p.name for p in target.parent.iterdir()] == ["珠山区.toml"]  # no temporary file left


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16"])
def test_other_text_encodings_import_alike(seed: ImportResult, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"方案-{encoding}.txt"
    path.write_bytes(SEED_TXT.read_text(encoding="utf-8").encode(encoding))
    result = import_plan(path)
    assert result.draft.to_raw() == seed.draft.to_raw()
    assert [i.as_dict() for i in result.review_items] == [i.as_dict() for i in seed.review_items]


def test_seed_as_docx_with_merged_cells_and_bold_titles(seed: ImportResult, tmp_path: Path) -> None:
    result = import_plan(write_docx(seed_blocks(), tmp_path / "珠山区碳达峰实施方案.docx"))
    raw = check_file(result)
    assert differences(raw) == JUDGEMENTS
    counts = result.review_counts()
    assert "row_cut" not in counts  # the rebuilt table has row 15 whole
    assert counts["unit_inherited"] == 8 and counts["table_split"] == 1
    assert result.source_kind == "docx" and result.lost_notes


def test_seed_as_pdf(tmp_path: Path) -> None:
    result = import_plan(write_pdf(seed_blocks(), tmp_path / "珠山区碳达峰实施方案.pdf"))
    raw = check_file(result)
    assert differences(raw, cell_breaks=False) == JUDGEMENTS
    assert result.review_counts()["unit_inherited"] == 8
    assert any("加粗" in note for note in result.lost_notes)
    # a blank line inside a cell does not survive the PDF (listed in lost_notes)
    i04 = next(i for i in raw["indicators"] if i["code"] == "I04")
    assert i04["city_target"] == "到2030年，稳定在57.85%以上。"
