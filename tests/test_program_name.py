"""Help, usage errors and hints name the program the way the user runs it:
``ZhushanCarbonPeak.exe`` in the Windows build, ``python main.py`` from source."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

import main
from models.app import CLI_ACTOR, App
from models.excel_read import GUIDE
from models.program import command_name

EXE = "ZhushanCarbonPeak.exe"


@pytest.fixture
def frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run as the built program in C:\\Program Files\\…\\ZhushanCarbonPeak.exe would."""
    folder = tmp_path / "Program Files" / "碳达峰 调度"
    folder.mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(folder / EXE))
    return EXE


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ei:
        main.main(argv)
    cap = capsys.readouterr()
    return int(ei.value.code or 0), cap.out, cap.err


def test_help_names_the_exe(frozen: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    assert out.startswith(f"用法：{EXE} [-h]")
    assert "main.py" not in out and "python" not in out
    code, out, _ = run(["export-ledger", "--help"], capsys)
    assert code == 0 and out.startswith(f"用法：{EXE} export-ledger ")


def test_usage_errors_point_to_the_exe_help(frozen: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["导出台账"], capsys)
    assert code == 2
    assert f"用法：{EXE} " in err and f"请运行 “{EXE} --help” 查看用法。" in err
    assert "无效的选项" in err and "导出台账" in err  # the Chinese argument shown intact
    code, _, err = run(["export-ledger", "--month", "2026-03"], capsys)
    assert code == 2
    assert f"请运行 “{EXE} export-ledger --help” 查看用法。" in err and "-o/--output" in err
    assert "main.py" not in err


def test_from_source_it_is_python_main_py(capsys: pytest.CaptureFixture[str]) -> None:
    assert command_name() == "python main.py"
    code, out, _ = run(["--help"], capsys)
    assert code == 0 and out.startswith("用法：python main.py [-h]")


def test_template_guide_names_the_program(frozen: str, app: App, tmp_path: Path) -> None:
    from exports.template import build_template
    path = build_template(app, CLI_ACTOR, "2026-03", "区发改委", tmp_path / "模板.xlsx")
    wb = load_workbook(path, read_only=True)
    try:
        text = "\n".join(str(r[0]) for r in wb[GUIDE].iter_rows(values_only=True) if r and r[0])
    finally:
        wb.close()
    assert f"{EXE} import-excel 文件名.xlsx" in text and "main.py" not in text
