"""``import-plan FILE -o PLAN.toml``: the plan file written, a summary and every review item
printed in Chinese, exit codes 0/1/2, ``--id`` and ``--json``; unreadable documents write nothing."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

import main
from models.plan_import import import_plan
from tests.plan_docs import P, SEED_TXT, T, write_docx

CLEAN = """某某县人民政府
关于印发《某某县碳达峰实施方案》的通知
2024年3月5日
某某县碳达峰实施方案
一、重点任务
（一）能源绿色低碳转型行动
1.大力发展光伏。推进屋顶光伏建设。（县发改委、县住建局等按职责分工负责）
2.推进节能改造。推进重点企业节能改造。（县工信局、县发改委、县碳达峰碳中和工作领导小组办公室等按职责分工负责）
（二）城乡建设绿色低碳行动
1.推广绿色建筑。推广绿色建筑。（县住建局、县工信局、县碳达峰碳中和工作领导小组办公室等按职责分工负责）
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main.main(["import-plan", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_seed_plan_written_with_every_review_item_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "计划 文件" / "珠山.toml"
    out_file.parent.mkdir()
    rc, out, err = run(capsys, str(SEED_TXT), "-o", str(out_file))
    assert rc == 1, err
    expected = import_plan(SEED_TXT)
    assert out_file.read_text(encoding="utf-8") == expected.toml_text
    raw = tomllib.loads(out_file.read_text(encoding="utf-8"))
    assert raw["plan"]["district"] == "珠山区" and len(raw["actions"]) == 10
    assert "单位 21 个；行动 10 项、任务 35 项；政策保障 5 项；指标 15 项（分项 18 个）；里程碑 11 个。" in out
    assert "需要核对 31 项：方案信息 2、" in out and "承上行的责任单位 8" in out
    for n, item in enumerate(expected.review_items, 1):
        block = out.split(f"[{n}] {item.title}", 1)[1].split(f"[{n + 1}] ", 1)[0]
        assert f"处理：{item.decided}" in block
        assert f"请核对：{item.check}" in block
        if item.where:
            assert item.where in block.splitlines()[0]
    assert "原文：“区自然资源和规划分局局”" in out
    assert "[32]" not in out
    assert "Traceback" not in out + err


def test_json_lists_the_review_items(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "seed.toml"
    rc, out, _err = run(capsys, str(SEED_TXT), "-o", str(out_file), "--json")
    assert rc == 1
    doc = json.loads(out)
    assert doc["output"] == str(out_file)
    assert doc["review_count"] == 31 == len(doc["review_items"])
    assert doc["review_items"] == [i.as_dict() for i in import_plan(SEED_TXT).review_items]
    assert doc["counts"]["tasks"] == 35 and doc["counts"]["parts"] == 18
    assert doc["plan"]["district"] == "珠山区" and doc["source_kind"] == "txt"
    assert {"kind", "title", "where", "quote", "decided", "check", "ref"} <= set(doc["review_items"][0])


def test_id_option_sets_the_plan_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "seed.toml"
    rc, out, _err = run(capsys, str(SEED_TXT), "-o", str(out_file), "--id", "zhushan-2023")
    assert rc == 1
    assert tomllib.loads(out_file.read_text(encoding="utf-8"))["plan"]["id"] == "zhushan-2023"
    assert "方案标识 zhushan-2023" in out
    assert "方案标识（id）取为" not in out  # chosen by the user: nothing to review about it
    assert "需要核对 30 项" in out


def test_a_clean_document_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "某某县方案.txt"
    src.write_text(CLEAN, encoding="utf-8")
    out_file = tmp_path / "plan.toml"
    rc, out, _err = run(capsys, str(src), "-o", str(out_file), "--id", "mm-2024")
    assert rc == 0
    assert "没有需要核对的事项。" in out
    raw = tomllib.loads(out_file.read_text(encoding="utf-8"))
    assert [t["units"] for a in raw["actions"] for t in a["tasks"]][0] == ["县发改委", "县住建局"]


def test_docx_with_a_merged_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = [P("某某县碳达峰实施方案"), P("一、重点任务"), P("（一）能源转型行动"),
              P("推进屋顶光伏。到2025年，光伏装机容量达到10万千瓦。（县发改委、县住建局等按职责分工负责）", bold="1.发展光伏。"),
              P("附表"),
              T([["序号", "指标", "本区目标", "责任单位"], ["1", "光伏装机容量", "到2025年，达到10万千瓦", "县发改委"],
                 ["2", "充电桩", "到2025年，达到300个", ""]], merges=[(1, 3, 2, 3)])]
    src = write_docx(blocks, tmp_path / "方案.docx")
    out_file = tmp_path / "plan.toml"
    rc, out, _err = run(capsys, str(src), "-o", str(out_file), "--json")
    doc = json.loads(out)
    assert rc == 1 and doc["source_kind"] == "docx"
    raw = tomllib.loads(out_file.read_text(encoding="utf-8"))
    assert [i["responsible_unit"] for i in raw["indicators"]] == ["县发改委", "县发改委"]
    assert any(i["kind"] == "unit_inherited" and i["ref"] == "I02" for i in doc["review_items"])


@pytest.mark.parametrize("name,content,words", [
    ("missing.docx", None, "不存在"),
    ("garbage.docx", b"PK\x03\x04 not really a zip", "docx"),
    ("scan.pdf", b"%PDF-1.4\n%%EOF\n", "PDF"),
    ("empty.txt", b"", "空"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "另存为"),
])
def test_unreadable_documents_write_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
                                            content: bytes | None, words: str) -> None:
    src = tmp_path / name
    if content is not None:
        src.write_bytes(content)
    out_file = tmp_path / "plan.toml"
    rc, out, err = run(capsys, str(src), "-o", str(out_file))
    assert rc == 2
    assert not out_file.exists() and list(tmp_path.iterdir()) == ([src] if content is not None else [])
    assert err.startswith("错误：") and "未写出任何文件" in err and words in err
    assert "Error" not in err and "Traceback" not in err and out == ""


def test_existing_output_is_kept_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "plan.toml"
    out_file.write_text("# 手工修改过的计划\n", encoding="utf-8")
    rc, _out, err = run(capsys, str(SEED_TXT), "-o", str(out_file))
    assert rc == 2 and "已存在" in err and "--force" in err
    assert out_file.read_text(encoding="utf-8") == "# 手工修改过的计划\n"
    rc, _out, _err = run(capsys, str(SEED_TXT), "-o", str(out_file), "--force")
    assert rc == 1 and out_file.read_text(encoding="utf-8").startswith("# 珠山区碳达峰实施方案")


def test_bad_id_and_document_as_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _out, err = run(capsys, str(SEED_TXT), "-o", str(tmp_path / "p.toml"), "--id", "  ")
    assert rc == 2 and "--id" in err
    rc, _out, err = run(capsys, str(SEED_TXT), "-o", str(tmp_path / "p.docx"))
    assert rc == 2 and not (tmp_path / "p.docx").exists()
    assert list(tmp_path.iterdir()) == []


def test_usage_error_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main.main(["import-plan", str(SEED_TXT)])
    assert info.value.code == 2
    assert "缺少必需的参数" in capsys.readouterr().err
