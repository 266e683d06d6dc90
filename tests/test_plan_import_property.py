"""Properties of the plan import (hypothesis): any text is read without a crash, every target
quotes words of its input, and the TOML writer round-trips any strings."""

from __future__ import annotations

import tomllib

from hypothesis import given, settings
from hypothesis import strategies as st

from models.plan_import import PlanImportError, import_document
from models.plan_import.read_text import read_text, read_text_file
from models.plan_import.sentences import normalise
from models.plan_import.toml_writer import write_toml
from models.plan_import.wording import parse_targets

# Characters plans are written in, with the ones the parser reacts to made likely.
WORDS = ["到", "2025年", "2030年", "，", "。", "；", "、", "达到", "不低于", "以上", "以下", "左右", "力争", "比2020年",
         "下降", "累计", "新增", "其中", "分别", "“十四五”期间", "%", "万千瓦", "个", "—", "完成省下达指标",
         "全面执行", "进一步下降", "（", "）", "责任单位：", "区发改委", "1.", "（一）", "一、", "\n", "\t", " "]
plan_text = st.lists(st.one_of(st.sampled_from(WORDS), st.integers(0, 5000).map(str),
                               st.text(max_size=3)), max_size=40).map("".join)
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=300, deadline=None)
@given(plan_text)
def test_parse_targets_never_fails_and_quotes_its_input(text: str) -> None:
    for task_text in (False, True):
        parsed = parse_targets(text, default_year=2030, task_text=task_text)
        flat = normalise(text)
        for t in parsed.targets:
            assert t.text and t.text in flat
            assert 1990 <= t.year <= 2100
            assert t.op in (">=", "<=", "approx", "range", "yes", "decrease", "increase")
            if t.op == "range":
                assert t.value is not None and t.value_high is not None
            tomllib.loads(write_toml({"t": t.to_raw()}))


@settings(max_examples=150, deadline=None)
@given(plan_text)
def test_any_text_imports_to_a_file_that_reads_back(text: str) -> None:
    result = import_document(read_text(text, "随机.txt"))
    assert tomllib.loads(result.toml_text) == result.draft.to_raw()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_as_text_are_read_or_refused_with_a_message(data: bytes) -> None:
    try:
        doc = read_text_file(data, "随机.txt")
    except PlanImportError as exc:
        assert "随机.txt" in str(exc)
        return
    assert doc.kind == "txt"


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8), any_text, max_size=5), any_text,
       st.lists(any_text, max_size=4))
def test_toml_writer_round_trips_any_strings(fields: dict[str, str], text: str, items: list[str]) -> None:
    raw = {"plan": {"name": text, **fields}, "units": [{"name": s, "aliases": [s]} for s in items],
           "milestones": [{"code": "M", "targets": [{"year": 2025, "op": "yes", "text": s} for s in items]}]}
    assert tomllib.loads(write_toml(raw, header=[text], comments={"M": [text]})) == raw
