"""Hostile and odd input to the plan import (a clear Chinese message, bounded work, never a
traceback), the TOML writer's round trip, and the smaller readers: units and headings."""

from __future__ import annotations

import io
import re
import tomllib
import zipfile
from pathlib import Path

import pytest

from models.plan_import import PlanImportError, import_plan
from models.plan_import.document import MAX_BLOCKS, MAX_FILE_BYTES, MAX_PDF_PAGES, Para
from models.plan_import.headings import heading_of, outline
from models.plan_import.review import Review
from models.plan_import.toml_writer import write_toml
from models.plan_import.units import UnitRegistry, units_at_end, units_line
from tests.plan_docs import P, T, write_docx


def refused(path: Path, *words: str) -> str:
    """The import refuses ``path`` with a Chinese message naming the file and saying ``words``
    (test files have ASCII names, so the words come from the message itself)."""
    with pytest.raises(PlanImportError) as info:
        import_plan(path)
    message = str(info.value)
    assert f"“{path.name}”" in message
    for w in words:
        assert w in message, message
    plain = re.sub(r"word/document\.xml|Word|WPS|UTF-8|GB18030|\.docx", "", message.replace(path.name, ""))
    assert not re.search(r"[A-Za-z]{4,}", plain), message  # no English sentence, no class name
    return message


def test_missing_and_empty_files(tmp_path: Path) -> None:
    refused(tmp_path / "missing.docx", "无法读取", "不存在")
    (tmp_path / "empty.txt").write_bytes(b"")
    refused(tmp_path / "empty.txt", "是空的")


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written or read
    refused(path, "MB", "上限")


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_zip_bomb_docx_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "bomb.docx", {"[Content_Types].xml": b"<x/>", "word/document.xml": b"\0" * (8 << 20)})
    assert bomb.stat().st_size < 100_000
    refused(bomb, "压缩比异常")
    many = _zip(tmp_path / "many.docx", {f"word/m{i}.xml": b"x" for i in range(3001)})
    refused(many, "部件")


def test_not_a_word_document(tmp_path: Path) -> None:
    refused(_zip(tmp_path / "zip.docx", {"readme.txt": b"hello"}), "word/document.xml")
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    refused(old, "另存为")
    fake = tmp_path / "fake.docx"
    fake.write_bytes("这不是文档".encode())
    refused(fake, "扩展名不符")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04" + b"\xff" * 200)
    refused(broken, "不是有效的 .docx")


def test_bad_pdfs(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    refused(fake, "无法按 PDF 读取", "损坏")
    scan = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(scan))
    c.rect(100, 100, 300, 400, fill=1)  # a page with a picture and no text
    c.showPage()
    c.save()
    refused(scan, "扫描件")
    long_pdf = tmp_path / "long.pdf"
    c = canvas.Canvas(str(long_pdf))
    for _ in range(MAX_PDF_PAGES + 1):
        c.showPage()
    c.save()
    refused(long_pdf, f"{MAX_PDF_PAGES + 1} 页")


def test_encrypted_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas
    plain = tmp_path / "plain.pdf"
    c = canvas.Canvas(str(plain))
    c.drawString(100, 700, "plan")
    c.save()
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as f:
        writer.write(f)
    refused(locked, "已加密", "密码")


def test_bad_text_files(tmp_path: Path) -> None:
    binary = tmp_path / "binary.txt"
    binary.write_bytes("一、总体要求\n".encode() + b"\x00\x01\x02" * 10)
    refused(binary, "二进制")
    undecodable = tmp_path / "garbled.txt"
    undecodable.write_bytes(b"\x81\x30\xff\xfe\x80" * 10)
    refused(undecodable, "编码")
    long_text = tmp_path / "long.txt"
    long_text.write_text("段落\n" * (MAX_BLOCKS + 1), encoding="utf-8")
    refused(long_text, f"{MAX_BLOCKS}")


def test_a_document_without_structure_imports_with_review_items(tmp_path: Path) -> None:
    path = write_docx([P("会议纪要"), P("今天讨论了工作安排。")], tmp_path / "纪要.docx")
    result = import_plan(path)
    kinds = {i.kind for i in result.review_items}
    assert {"plan_info", "structure"} <= kinds
    tomllib.loads(result.toml_text)


def test_toml_writer_round_trips_awkward_text() -> None:
    texts = ['引号"与反斜杠\\', "三个单引号'''在中间", "以单引号结尾'", "制表\t与回车\r\n换行", "控制\x01字符",
             "\n以换行开头", "很长" * 80, "", "普通"]
    raw = {"format": 2, "plan": {"id": "x", "words": {"level": "县"}},
           "units": [{"name": t or "空", "kind": "bureau", "aliases": [t], "note": t} for t in texts],
           "indicators": [{"code": "I01", "parts": [{"code": "I01", "targets": [
               {"year": 2025, "op": "range", "value": 60, "value_high": 65.5, "text": t} for t in texts],
               "pending": False, "ratio": 0.1, "big": 1e20}]}]}
    text = write_toml(raw, header=["第一行", "第二\n行"], comments={"I01": ["核对：目标\n两行"]})
    assert tomllib.loads(text) == raw
    assert "# 核对：目标 两行\n[[indicators]]" in text
    assert text.count("'''") >= 2  # long text as a multi-line literal string


def test_units_forms() -> None:
    cases = {
        "…工作。（区发改委、区工信局等按职责分工负责）": ["区发改委", "区工信局"],
        "…工作。(区工信局、区发改委等按职责分工负责)": ["区工信局", "区发改委"],
        "…工作。（责任单位：区发展改革委、区建设管理委、各街镇）": ["区发展改革委", "区建设管理委", "各街镇"],
        "…工作。（牵头单位：县发改局；配合单位：县工信局、各镇（街道））": ["县发改局", "县工信局", "各镇（街道）"],
        "…工作。（牵头单位：县发改局、县财政局，配合单位：县工信局）": ["县发改局", "县财政局", "县工信局"],
        "…工作。（区碳达峰碳中和工作领导小组办公室，各街道等按职责分工负责）": ["区碳达峰碳中和工作领导小组办公室", "各街道"],
        "…工作。（区发改委牵头，区工信局、区住建局配合）": ["区发改委", "区工信局", "区住建局"],
        "…工作。（由区住建局牵头，各街道配合落实）": ["区住建局", "各街道"],
        "…工作。（县发改局牵头负责）": ["县发改局"],
        "…工作。（区发改委牵头，各相关单位按职责分工负责）": ["区发改委"],  # no unit of its own
        "…工作。（区发改委、有关部门等按职责分工负责）": ["区发改委"],
    }
    for text, names in cases.items():
        found = units_at_end(text)
        assert found is not None and found.names == names, text
    assert units_at_end("光伏建筑一体化（BIPV）") is None
    assert units_at_end("创建碳达峰试点园区（企业）") is None
    line = units_line("责任单位：区发展改革委、区生态环境局。")
    assert line is not None and line.names == ["区发展改革委", "区生态环境局"]
    assert units_line("责任单位明确，任务落实。") is None


def test_unit_aliases_are_decided_and_reported() -> None:
    reg = UnitRegistry()
    for name, n in (("区自然资源和规划分局", 5), ("区自然资源和规划分局局", 1), ("区商务局", 3), ("区税务局", 1),
                    ("区碳达峰碳中和工作领导小组办公室", 2), ("区碳达峰碳中和工作领导小组", 1), ("各镇（街道）", 2),
                    ("各镇(街道)", 1)):
        for _ in range(n):
            reg.mention(name, "第1行")
    review = Review()
    units = {u.name: u for u in reg.resolve(review)}
    assert units["区自然资源和规划分局"].aliases == ["区自然资源和规划分局局"]
    assert units["区碳达峰碳中和工作领导小组办公室"].aliases == ["区碳达峰碳中和工作领导小组"]
    assert units["各镇（街道）"].aliases == ["各镇(街道)"] and units["各镇（街道）"].kind == "streets"
    assert "区税务局" in units and units["区税务局"].aliases == []  # one character replaced: another unit
    hint = next(i for i in review.items if i.kind == "unit_once" and i.quote == "区税务局")
    assert "区商务局" in hint.check
    assert {i.kind for i in review.items} == {"unit_typo", "unit_alias", "unit_once"}


def test_headings() -> None:
    def level_number(text: str) -> tuple[int, int, str]:
        h = heading_of(text)
        assert h is not None, text
        return h.level, h.number, h.numbering

    assert level_number("（十二）建立核算制度。") == (2, 12, "（十二）")
    assert level_number("三、重点任务") == (1, 3, "三、") and level_number("（一）能源")[0] == 2
    assert level_number("1.提高化石能源利用效率。") == (3, 1, "1.") and level_number("（1）公共建筑")[0] == 4
    assert level_number("①严控煤炭")[:2] == (5, 1)
    for text in ("1.5万千瓦的装机", "2030年前实现碳达峰", "57.85%以上", "一批绿色工厂"):
        assert heading_of(text) is None, text
    root = outline([Para(t, f"第{i}段") for i, t in enumerate(
        ["前言", "一、总体要求", "正文", "二、重点任务", "（一）行动", "1.任务", "（1）子任务", "2.任务"])])
    assert [c.head for c in root.children] == ["总体要求", "重点任务"]
    action = root.children[1].children[0]
    assert [t.head for t in action.children] == ["任务", "任务"] and action.children[0].children[0].head == "子任务"
    assert [p.text for p in root.body] == ["前言"]


def test_table_with_a_plain_base_year_column_and_a_unit_column(tmp_path: Path) -> None:
    """主要指标 | 指标单位 | 2020年 | 2025年 | 2030年: the 2020 column holds base values."""
    rows = [["序号", "主要指标", "指标单位", "2020年", "2025年", "2030年", "责任单位"],
            ["1", "非化石能源消费比重", "%", "12.5", "18", "25", "县发改局"],
            ["2", "森林蓄积量", "万立方米", "300", "≥320", "—", "县林业局"]]
    path = write_docx([P("青禾县碳达峰实施方案"), P("一、主要目标"), P("到2025年，非化石能源消费比重达到18%。"),
                       P("附表"), T(rows)], tmp_path / "a.docx")
    raw = tomllib.loads(import_plan(path).toml_text)
    parts = {p["code"]: p for i in raw["indicators"] for p in i["parts"]}
    assert [(t["year"], t["op"], t["value"], t["unit"]) for t in parts["I01"]["targets"]] == [
        (2025, ">=", 18, "%"), (2030, ">=", 25, "%")]
    assert [(t["year"], t["value"], t["unit"]) for t in parts["I02"]["targets"]] == [(2025, 320, "万立方米")]
    assert "2020年：12.5" in raw["indicators"][0]["explanation"]
    assert raw["indicators"][0]["name"] == "非化石能源消费比重" and parts["I02"]["unit"] == "万立方米"


@pytest.mark.parametrize("sep", [" | ", "\t"])
def test_text_with_table_rows_on_one_line(tmp_path: Path, sep: str) -> None:
    """Tables copied from a web page (cells between |) or from Excel (cells between tabs)."""
    rows = [["序号", "指标", "区拟定目标值", "责任单位"], ["1", "非化石能源消费比重", "到2025年，达到18%", "县发改局"],
            ["2", "森林覆盖率", "到2030年，稳定在63%以上", ""]]
    lines = ["青禾县碳达峰实施方案", "一、主要目标", "确保2030年前实现碳达峰。", "附表"]
    lines += [sep.join(r) for r in rows[:1]] + (["---|---|---|---"] if "|" in sep else []) + [sep.join(r) for r in rows[1:]]
    path = tmp_path / "a.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = import_plan(path)
    inds = result.draft.indicators
    assert [(i.code, i.name, i.responsible_unit, i.responsible_unit_inherited) for i in inds] == [
        ("I01", "非化石能源消费比重", "县发改局", False), ("I02", "森林覆盖率", "县发改局", True)]
    assert [(t.year, t.value, t.stable) for t in inds[1].parts[0].targets] == [(2030, 63, True)]


def _auto_numbered_docx(path: Path) -> Path:
    """Headings numbered by Word's list feature (一、 /（一）/ 1. are not in the text)."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]
    lvl_xml = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                      f'<w:lvlText w:val="{text}"/></w:lvl>' for i, (fmt, text) in enumerate(levels))
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{lvl_xml}</w:abstractNum>')
    numbering.insert(0, abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for text, level in [("梧桐区碳达峰实施方案", None), ("总体要求", 0), ("推进绿色低碳发展。", None), ("重点任务", 0),
                        ("能源转型行动", 1), ("发展光伏。到2025年，光伏装机达到10万千瓦。（区发改委负责）", 2),
                        ("控制煤炭。严控煤炭消费。（区工信局负责）", 2), ("建筑节能行动", 1),
                        ("推广绿色建筑。全面执行绿色建筑标准。（区住建局负责）", 2)]:
        p = document.add_paragraph(text)
        if level is not None:
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    document.save(str(path))
    return path


def test_word_automatic_numbering_is_read(tmp_path: Path) -> None:
    result = import_plan(_auto_numbered_docx(tmp_path / "a.docx"))
    raw = tomllib.loads(result.toml_text)
    assert [(a["code"], a["numbering"], a["title"]) for a in raw["actions"]] == [
        ("1", "（一）", "能源转型行动"), ("2", "（二）", "建筑节能行动")]
    assert [(t["code"], t["numbering"], t["title"], t["units"]) for a in raw["actions"] for t in a["tasks"]] == [
        ("1.1", "1.", "发展光伏", ["区发改委"]), ("1.2", "2.", "控制煤炭", ["区工信局"]),
        ("2.1", "1.", "推广绿色建筑", ["区住建局"])]  # the task level restarts under each action
    assert raw["plan"]["overview"] == "推进绿色低碳发展。"


def test_import_reads_bytes_not_names(tmp_path: Path) -> None:
    """A .docx saved under a .txt name is still read as a Word document."""
    buf = io.BytesIO()
    write_docx([P("梧桐区碳达峰实施方案"), P("一、总体要求"), P("正文。")], tmp_path / "a.docx")
    buf.write((tmp_path / "a.docx").read_bytes())
    renamed = tmp_path / "其实是文档.txt"
    renamed.write_bytes(buf.getvalue())
    result = import_plan(renamed)
    assert result.source_kind == "docx" and result.draft.meta.district == "梧桐区"
