"""Checking a workbook's size before it is loaded: a hostile .xlsx must cost seconds, not gigabytes.

An .xlsx is a zip of XML files. Before openpyxl loads anything, ``check_workbook`` reads
only the zip's directory and streams each worksheet's XML once (decompressed in chunks),
and refuses a file whose

- file, members or their sum are larger than a filled-in template can be, or whose
  members unpack to hundreds of times their packed size (a zip bomb);
- XML declares a DTD (entities that expand);
- sheets declare or hold cells beyond the template's rows and columns (one cell at
  XFD1048576 would make every later step walk a million rows), or hold more rows or
  longer text than any template needs.

Each refusal is ``NotATemplate`` with a Chinese message saying what and where; nothing
was imported. The limits are far above what the template holds (a unit has at most a
few dozen tasks, milestones and indicators, and some projects).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import IO, cast
from xml.etree.ElementTree import Element, XMLPullParser

from models.authority import PUBLIC, rule
from models.excel_read import NotATemplate
from models.os_reasons import os_reason

MAX_FILE = 20 * 1024 * 1024  # the .xlsx on disk
MAX_MEMBERS = 300
MAX_SHEET = 16 * 1024 * 1024  # one unpacked worksheet or the shared strings
MAX_OTHER = 2 * 1024 * 1024  # any other unpacked part (styles, workbook, relations…)
MAX_TOTAL = 48 * 1024 * 1024  # all unpacked parts
MAX_STRINGS = 50_000  # entries in the shared strings
MAX_RATIO = 150  # unpacked ÷ packed of one member above 1 MB
MAX_ROWS = 5000  # rows with content in one sheet
MAX_ROW_INDEX = 10000  # the last row a cell may be in
MAX_COLUMN = 200  # the last column a cell may be in (GR)
MAX_CELL_TEXT = 32767  # characters in one cell (Excel's own limit)
_CHUNK = 64 * 1024
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def _refuse(name: str, why: str) -> NotATemplate:
    return NotATemplate(f"文件“{name}”{why}，不能作为填报模板导入，未导入任何内容。")


@rule(PUBLIC)
def check_workbook(path: str | Path) -> None:
    """Refuse (NotATemplate) a workbook too large or too strange to load (see the module)."""
    p = Path(path)
    name = p.name
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise NotATemplate(f"无法读取文件“{name}”：{os_reason(exc)}。") from None
    if size > MAX_FILE:
        raise _refuse(name, f"过大（{size // (1024 * 1024)} MB，填报模板通常不到 1 MB）")
    try:
        with zipfile.ZipFile(p) as z:
            _check_zip(z, name)
    except NotATemplate:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError):
        raise _refuse(name, "无法解压，可能已损坏、加密或不是 .xlsx 文件") from None


def _check_zip(z: zipfile.ZipFile, name: str) -> None:
    infos = z.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _refuse(name, f"包含的部件过多（{len(infos)} 个）")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refuse(name, "是加密的文件（请在 Excel 中取消密码保护后另存）")
        total += info.file_size
        big = info.filename.startswith("xl/worksheets/") or info.filename == "xl/sharedStrings.xml"
        if info.file_size > (MAX_SHEET if big else MAX_OTHER) or total > MAX_TOTAL:
            raise _refuse(name, f"中的部件 {info.filename[:60]} 解压后过大")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refuse(name, f"中的部件 {info.filename[:60]} 压缩比异常（可能是“压缩炸弹”）")
    for info in infos:
        n = info.filename
        if (n.startswith("xl/worksheets/") and n.endswith(".xml")) or n == "xl/sharedStrings.xml":
            with z.open(info) as f:
                _check_sheet(f, name, n)
        elif n.endswith(".xml"):
            with z.open(info) as f:
                if b"<!DOCTYPE" in f.read(4096).upper():
                    raise _refuse(name, f"中的部件 {n[:60]} 含有文档类型定义（DTD）")


def _check_sheet(f: IO[bytes], name: str, member: str) -> None:
    """Stream one worksheet: the declared dimension, the cells' positions, rows and text."""
    sheet = member.rsplit("/", 1)[-1]
    parser = XMLPullParser(events=("start", "end"))
    rows = strings = 0
    head = True
    while True:
        chunk = f.read(_CHUNK)
        if not chunk:
            break
        if head:
            if b"<!DOCTYPE" in chunk[:4096].upper():
                raise _refuse(name, f"的工作表 {sheet} 含有文档类型定义（DTD）")
            head = False
        try:
            parser.feed(chunk)
            events = [cast(tuple[str, Element], pair) for pair in parser.read_events()]
        except Exception:  # noqa: BLE001 - a parse error of damaged XML (expat raises ParseError)
            raise _refuse(name, f"的工作表 {sheet} 无法解析") from None
        for event, el in events:
            tag = el.tag.rsplit("}", 1)[-1]
            if event == "start" and tag == "dimension":
                for ref in str(el.get("ref") or "").split(":"):
                    _check_ref(ref, name, sheet)
            elif event == "start" and tag == "row":
                rows += 1
                if rows > MAX_ROWS:
                    raise _refuse(name, f"的工作表 {sheet} 超过 {MAX_ROWS} 行")
                r = el.get("r")
                if r and r.isdigit() and int(r) > MAX_ROW_INDEX:
                    raise _refuse(name, f"的工作表 {sheet} 在第 {r} 行有内容（填报模板不超过 {MAX_ROW_INDEX} 行）")
            elif event == "start" and tag == "c":
                _check_ref(str(el.get("r") or ""), name, sheet)
            elif event == "end" and tag == "si":
                strings += 1
                el.clear()
                if strings > MAX_STRINGS:
                    raise _refuse(name, f"中的文字条目超过 {MAX_STRINGS} 条")
            elif event == "end" and tag in ("t", "v", "f"):
                if el.text and len(el.text) > MAX_CELL_TEXT:
                    raise _refuse(name, f"的工作表 {sheet} 中有超过 {MAX_CELL_TEXT} 字的单元格")
                el.clear()
            elif event == "end" and tag in ("c", "row"):
                el.clear()


def _check_ref(ref: str, name: str, sheet: str) -> None:
    m = _REF.fullmatch(ref.replace("$", "")) if ref else None
    if m is None:
        return
    col, row = _col(m.group(1)), int(m.group(2))
    if row > MAX_ROW_INDEX or col > MAX_COLUMN:
        raise _refuse(name, f"的工作表 {sheet} 声明或含有位于 {ref} 的单元格，远超填报模板的范围"
                      f"（不超过 {MAX_ROW_INDEX} 行、{MAX_COLUMN} 列）")
