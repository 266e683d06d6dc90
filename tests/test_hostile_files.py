"""Hostile files other than packages: installation files, Excel templates, and what the user
reads about them (Chinese, never a bare exception class). Also a bounded fuzz of templates
and sample data killed half-way.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell

import main
from exports.template import build_template
from models.app import CLI_ACTOR, App
from models.entries import Entries
from models.errors import DomainError
from models.excel_import import import_excel
from models.excel_read import NotATemplate
from models.exchange_install import make_install
from models.package_format import sha256
from models.store import Store
from tests.test_exchange import dump, new_office, rewrite

ROOT = Path(__file__).resolve().parent.parent
UNIT, M = "区发改委", "2026-10"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    rc = main.main(list(args))
    out = capsys.readouterr()
    return rc, out.out + out.err


def _install_file(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """An office's installation file for 区城管局 and its content."""
    office = new_office(tmp_path)
    try:
        f = make_install(office, CLI_ACTOR, "区城管局", tmp_path / "a.zsi")
    finally:
        office.close()
    with zipfile.ZipFile(f) as z:
        return f, json.loads(z.read("content.json"))


# -- installation files ---------------------------------------------------------------------------

def test_installation_settings_are_checked_like_the_settings_page(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    f, c = _install_file(tmp_path)
    c["settings"].update(due_day="每月五号", expiry_days=-3, green_at=80.0, yellow_at=95.0)
    c["streets"] += ["", "x" * 300, "区发改委", "新城街道"]
    bad = rewrite(f, tmp_path / "bad.zsi", content=c)
    db = tmp_path / "unit" / "unit.db"
    rc, text = _run(capsys, "--db", str(db), "install", str(bad))
    assert rc == 0 and "Traceback" not in text
    for expected in ("共享设置（每月报送截止日）", "共享设置（截止后可修改天数）", "红黄绿灯阈值", "街道名称过长"):
        assert expected in text, expected
    unit = App.open(db)
    try:
        assert unit.settings.get("due_day") == 5 and unit.settings.get("expiry_days") == 0
        assert "新城街道" in unit.streets() and "区发改委" not in unit.streets()
    finally:
        unit.close()
    rc, text = _run(capsys, "--db", str(db), "export-ledger", "--month", "2026-03", "-o", str(tmp_path / "l.xlsx"))
    assert rc == 0, text  # a later export works: nothing bad was stored


def test_a_deeply_nested_plan_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f, c = _install_file(tmp_path)
    deep = "x = " + "[" * 20000 + "]" * 20000 + "\n"
    c["plan"]["toml"] = deep
    bad = rewrite(f, tmp_path / "deep.zsi", content=c, manifest={"plan_digest": sha256(deep.encode())})
    db = tmp_path / "unit" / "unit.db"
    rc, text = _run(capsys, "--db", str(db), "install", str(bad))
    assert rc == 1 and "嵌套层次过深" in text and "Traceback" not in text
    assert not db.exists()


def test_a_bureau_keeps_its_office_unless_an_administrator_confirms(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    x, y = new_office(tmp_path / "x"), new_office(tmp_path / "y")
    try:
        fx = make_install(x, CLI_ACTOR, "区城管局", tmp_path / "x.zsi")
        fy = make_install(y, CLI_ACTOR, "区城管局", tmp_path / "y.zsi")
        oid_y = y.settings.get("office_id")
    finally:
        x.close()
        y.close()
    db = tmp_path / "unit" / "unit.db"
    assert _run(capsys, "--db", str(db), "install", str(fx))[0] == 0
    before = dump(db)
    rc, text = _run(capsys, "--db", str(db), "install", str(fy))
    assert rc == 1 and "另一个办公室" in text and "--change-office" in text and "Traceback" not in text
    assert dump(db) == before
    assert _run(capsys, "--db", str(db), "install", str(fy), "--change-office")[0] == 0
    s = Store(db)
    try:
        assert json.loads(s.scalar("SELECT value FROM settings WHERE key = 'installation'"))["office_id"] == oid_y
        assert "确认更换办公室" in s.scalar("SELECT group_concat(detail) FROM event_log")
    finally:
        s.close()


# -- Excel templates --------------------------------------------------------------------------------

@pytest.fixture
def template(app: App, tmp_path: Path) -> Path:
    return build_template(app, CLI_ACTOR, M, UNIT, tmp_path / "模板.xlsx")


def _bounded(fn: Any) -> Any:
    """Run ``fn``; its peak Python memory and CPU time must stay small for a hostile file."""
    tracemalloc.start()
    t0 = time.process_time()
    try:
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 60 * 1024 * 1024, peak
    assert time.process_time() - t0 < 10
    return result


def test_one_cell_far_away_is_refused_in_seconds(app: App, template: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    wb = load_workbook(template)
    wb["任务填报"]["XFD1048576"] = "远处的一个单元格"
    far = tmp_path / "far.xlsx"
    wb.save(far)
    before = dump(app.store.path)
    with pytest.raises(NotATemplate, match="XFD1048576"):
        _bounded(lambda: import_excel(app, CLI_ACTOR, far))
    assert dump(app.store.path) == before
    rc, text = _run(capsys, "--db", str(app.store.path), "import-excel", str(far))
    assert rc == 2 and "远超填报模板的范围" in text and "Traceback" not in text


def _with_sheet_xml(src: Path, dst: Path, sheet: str, xml: bytes) -> Path:
    with zipfile.ZipFile(src) as z:
        files = {i.filename: z.read(i.filename) for i in z.infolist()}
    files[sheet] = xml
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for n, b in files.items():
            z.writestr(n, b)
    dst.write_bytes(buf.getvalue())
    return dst


def test_many_rows_and_a_zip_bomb_are_refused_before_loading(app: App, template: Path, tmp_path: Path) -> None:
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>1.1</t></is></c></row>' % (i, i)
                    for i in range(4, 100_004))
    xml = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           + rows + b"</sheetData></worksheet>")
    many = _with_sheet_xml(template, tmp_path / "many.xlsx", "xl/worksheets/sheet2.xml", xml)
    with pytest.raises(NotATemplate, match="行"):
        _bounded(lambda: import_excel(app, CLI_ACTOR, many))
    bomb = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + b" " * (30 * 1024 * 1024) + b"</sheetData></worksheet>")
    boom = _with_sheet_xml(template, tmp_path / "bomb.xlsx", "xl/worksheets/sheet2.xml", bomb)
    assert boom.stat().st_size < 200 * 1024
    with pytest.raises(NotATemplate, match="压缩|过大"):
        _bounded(lambda: import_excel(app, CLI_ACTOR, boom))
    dtd = _with_sheet_xml(template, tmp_path / "dtd.xlsx", "xl/worksheets/sheet2.xml",
                          b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><worksheet/>')
    with pytest.raises(NotATemplate, match="DTD"):
        import_excel(app, CLI_ACTOR, dtd)


def test_duplicate_rows_for_one_item_are_refused(app: App, template: Path, tmp_path: Path) -> None:
    wb = load_workbook(template)
    ws = wb["任务填报"]
    heads = {c.value: c.column for c in ws[3]}
    first = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "1.1")
    other = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value not in (None, "1.1"))
    for r, progress in ((first, "第一行说的"), (other, "另一项任务")):
        ws.cell(r, heads["完成状态"]).value = "推进中"
        ws.cell(r, heads["本月进展情况"]).value = progress
        ws.cell(r, heads["责任人"]).value = "张三"
    extra = ws.max_row + 1
    for col in range(1, ws.max_column + 1):
        ws.cell(extra, col).value = ws.cell(first, col).value
    ws.cell(extra, heads["本月进展情况"]).value = "第二行说的不一样"
    dup = tmp_path / "dup.xlsx"
    wb.save(dup)
    s = import_excel(app, CLI_ACTOR, dup)
    texts = [r.text() for r in s.rejected]
    assert sum("任务编码“1.1”" in t and "重复出现" in t for t in texts) == 2
    e = Entries(app)
    assert e.task_report(CLI_ACTOR, "1.1", UNIT, M)["updated_at"] == ""
    code = ws.cell(other, 1).value
    assert e.task_report(CLI_ACTOR, code, UNIT, M)["progress"] == "另一项任务"


_ODD: list[Any] = [None, "", "　", -1, 0, 1e308, -1e-300, "1,000,000,000,000,000", "１２％", "明天", "2026-13-45",
                   "=1/0", "=SUM(A1:A3)", "#REF!", "x" * 5000, "是", "否", "滞后", "乱写", True, 3.5,
                   "<script>", "区住建局", "\u200b"]


def test_fuzzed_templates_never_crash(app: App, template: Path, tmp_path: Path) -> None:
    """A bounded fuzz: odd cell values anywhere in the input sheets and damaged files. Import
    either refuses the file (a DomainError with a message) or reports rows; nothing else escapes
    and the database stays sound."""
    rng = random.Random(20261130)
    wb0 = load_workbook(template)
    sheets = ["任务填报", "里程碑填报", "项目填报", "指标填报"]
    raw = template.read_bytes()
    for i in range(24):
        f = tmp_path / "fuzz" / f"{i}.xlsx"
        f.parent.mkdir(exist_ok=True)
        if i % 4 == 3:  # a damaged file
            b = bytearray(raw)
            for _ in range(rng.randint(1, 6)):
                b[rng.randrange(len(b))] ^= rng.randint(1, 255)
            f.write_bytes(bytes(b[:rng.randrange(len(b) // 2, len(b))]) if i % 8 == 7 else bytes(b))
        else:
            wb = load_workbook(template)
            for _ in range(rng.randint(3, 12)):
                ws = wb[rng.choice(sheets)]
                cell = ws.cell(rng.randint(3, max(ws.max_row, 4) + 2), rng.randint(1, ws.max_column + 1))
                if not isinstance(cell, MergedCell):
                    cell.value = rng.choice(_ODD)
            if i % 5 == 0:
                del wb[rng.choice(sheets)]
            wb.save(f)
        try:
            summary = import_excel(app, CLI_ACTOR, f)
            assert all(r.reason for r in summary.rejected)
        except DomainError as exc:
            text = str(exc)
            assert text and "Error" not in text and "（error）" not in text, text
        assert app.store.scalar("PRAGMA quick_check") == "ok"
    assert wb0.sheetnames  # the template itself is untouched


# -- messages never name a bare exception class -------------------------------------------------------

def test_damaged_files_are_named_in_chinese(app: App, template: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    db = str(app.store.path)
    broken = tmp_path / "broken.xlsx"
    data = bytearray(template.read_bytes())
    i = data.index(b"xl/worksheets/sheet2.xml") + 60  # inside the compressed data after a local header
    data[i:i + 40] = b"\xff" * 40
    broken.write_bytes(bytes(data))
    pkg = tmp_path / "broken.zsp"
    office = new_office(tmp_path / "o")
    try:
        good = make_install(office, CLI_ACTOR, "区城管局", tmp_path / "i.zsi")
    finally:
        office.close()
    z = bytearray(good.read_bytes())
    j = z.index(b"content.json") + 60
    z[j:j + 40] = b"\x00" * 40
    pkg.write_bytes(bytes(z))
    for args in (["import-excel", str(broken)], ["import-package", str(pkg)], ["install", str(pkg)]):
        rc, text = _run(capsys, "--db", db, *args)
        assert rc != 0 and "Traceback" not in text, text
        for bare in ("（error）", "Error）", "（BadZipFile）", "NotImplementedError", "zlib"):
            assert bare not in text, (args, text)
    forbidden = []
    for folder in ("models", "exports", "ui", "forms"):
        for py in (ROOT / folder).rglob("*.py"):
            for n, line in enumerate(py.read_text(encoding="utf-8").splitlines(), 1):
                chinese = any("\u4e00" <= ch <= "\u9fff" for ch in line)
                if "__name__" in line and "exc" in line and chinese:
                    forbidden.append(f"{py.relative_to(ROOT)}:{n}")
    assert forbidden == [], "messages built from exception class names"


# -- sample data killed half-way ------------------------------------------------------------------------

def test_demo_killed_half_way_leaves_nothing_or_a_flagged_demo(tmp_path: Path) -> None:
    for n in range(2):
        db = tmp_path / f"demo{n}.db"
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(db), "demo", "--until", "2026-09"],
                                stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, cwd=ROOT,
                                env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        assert proc.stderr is not None
        seen = b""
        while b"/" not in seen and proc.poll() is None:  # the progress line: rows are being made
            seen += proc.stderr.read(1)
        for _ in range(n * 20):  # the second run: a little further on
            proc.stderr.read(1)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
        s = Store(db)
        try:
            rows = s.scalar("SELECT COUNT(*) FROM task_reports")
            flagged = s.scalar("SELECT value FROM settings WHERE key = 'demo'") == "true"
            streets = s.scalar("SELECT COUNT(*) FROM units WHERE kind = 'street'")
            assert s.scalar("PRAGMA quick_check") == "ok"
            assert (rows == 0 and not flagged and streets == 0) or (rows > 0 and flagged), (rows, flagged, streets)
        finally:
            s.close()
