"""The Windows release zip: one folder with the build, README.txt for clerks and the
portable-mode switch; no stand-in system DLL of the Wine set-up inside.

The zip of a real (Linux) build is unpacked and run with ``--smoke`` in
tests/test_build.py; the Windows zip is built and checked under Wine by
``make dist-windows`` (.ci/dist-windows.sh).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import main
from release import windows_zip as wz


def fake_build(root: Path) -> Path:
    dist = root / "dist" / "ZhushanCarbonPeak"
    (dist / "_internal" / "resources" / "plan").mkdir(parents=True)
    (dist / "ZhushanCarbonPeak.exe").write_bytes(b"MZ exe")
    (dist / "_internal" / "python311.dll").write_bytes(b"MZ dll")
    (dist / "_internal" / "resources" / "plan" / "zhushan.toml").write_text("[plan]\n", encoding="utf-8")
    return dist


def test_zip_is_one_folder_with_readme_and_switch(tmp_path: Path) -> None:
    out = wz.build_zip(fake_build(tmp_path), tmp_path / "发布", main.__version__)
    assert out.name == f"ZhushanCarbonPeak-{main.__version__}-win64.zip"
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left
    with zipfile.ZipFile(out) as z:
        names = sorted(z.namelist())
        readme = z.read("ZhushanCarbonPeak/README.txt")
        switch = z.read("ZhushanCarbonPeak/portable-mode.cmd")
    assert names == ["ZhushanCarbonPeak/README.txt", "ZhushanCarbonPeak/ZhushanCarbonPeak.exe",
                     "ZhushanCarbonPeak/_internal/python311.dll",
                     "ZhushanCarbonPeak/_internal/resources/plan/zhushan.toml",
                     "ZhushanCarbonPeak/portable-mode.cmd"]
    assert all(n.isascii() for n in names)  # every unzip tool keeps the names
    assert readme.startswith(b"\xef\xbb\xbf")  # Notepad reads it as UTF-8
    text = readme.decode("utf-8-sig")
    assert f"碳达峰调度系统 {main.__version__}" in text and "\r\n" in text and "\n\n" not in text
    assert "portable-mode.cmd" in text and "%APPDATA%\\Zhushan\\ZhushanCarbonPeak" in text
    assert "文件正被其他程序打开" in text and "ZhushanCarbonPeak.exe --smoke" in text
    cmd = switch.decode("gbk")  # what a Chinese Windows's cmd reads
    assert cmd.startswith("@echo off\r\n") and "portable.txt" in cmd and "已打开便携模式" in cmd
    assert wz.check_zip(out) == []


@pytest.mark.parametrize("dll", ["icuuc.dll", "bcryptprimitives.dll", "ucrtbase.dll", "ucrtwine.dll",
                                 "icuuc78-6cd930a05b15f877bb9baaf0b694e5b7.dll", "ICUDT78.dll"])
def test_a_build_with_a_stand_in_dll_is_refused(tmp_path: Path, dll: str) -> None:
    dist = fake_build(tmp_path)
    (dist / "_internal" / dll).write_bytes(b"MZ stand-in")
    with pytest.raises(wz.ReleaseError) as ei:
        wz.build_zip(dist, tmp_path / "out", "1.0.0")
    assert dll in str(ei.value) and "替身" in str(ei.value)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_real_windows_dlls_are_not_mistaken_for_stand_ins() -> None:
    assert wz.stand_ins(["_internal/MSVCP140.dll", "_internal/VCRUNTIME140.dll", "_internal/python311.dll",
                         "_internal/PySide6/Qt6Core.dll", "_internal/libcrypto-3.dll",
                         "_internal/numpy.libs/msvcp140-a4c2229bdc2a2a630acdc095b4d86008.dll"]) == []


def test_check_zip_finds_what_is_wrong(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("ZhushanCarbonPeak/ZhushanCarbonPeak.exe", b"MZ")
        z.writestr("其他/ucrtbase.dll", b"MZ")
    problems = "；".join(wz.check_zip(bad))
    assert "只有一个文件夹" in problems and "README.txt" in problems and "ucrtbase.dll" in problems


def test_not_a_build_and_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(wz.ReleaseError):
        wz.build_zip(tmp_path, tmp_path / "out", "1.0.0")
    dist = fake_build(tmp_path)
    assert wz.main([str(dist), str(tmp_path / "out"), "1.0.0"]) == 0
    line = capsys.readouterr().out
    assert "ZhushanCarbonPeak-1.0.0-win64.zip" in line and " MB" in line
    assert wz.main([str(tmp_path / "无"), str(tmp_path / "out"), "1.0.0"]) == 1
    assert "不是打包结果" in capsys.readouterr().err
    assert wz.main([]) == 2
