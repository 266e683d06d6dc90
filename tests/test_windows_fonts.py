"""Windows fonts are preferred when present: 仿宋/黑体/楷体/宋体 (simfang.ttf, simhei.ttf,
simkai.ttf, simsun.ttc) in the briefing PDF, Microsoft YaHei (msyh.ttc) in the interface.

A fake Windows folder (``%WINDIR%\\Fonts``) holds stand-ins: the shipped open fonts copied
under the Windows file names, each one a different font from the one the program ships
for that role, so that the PDF shows which file was used. ``.ci/win-checks.sh`` does the
same in the Wine prefix's Fonts folder with the Windows build.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest

from exports.briefing import BriefingOptions, build_briefing
from exports.font_files import family_name, windows_fonts_dir
from exports.pdf_fonts import FANGSONG, HEI, KAI, SONG, font_set, resource_fonts_dir
from models.app import CLI_ACTOR, App
from tests.test_briefing import MONTH, TODAY, build_month

# Windows file name → shipped font used as its stand-in (not the one shipped for that role)
STAND_INS = {
    "simfang.ttf": "gkai00mp.ttf",  # 仿宋 ← AR PL KaitiM GB (shipped 仿宋: AR PL SungtiL GB)
    "simhei.ttf": "DroidSansFallbackFull.ttf",  # 黑体 ← Droid (shipped: WenQuanYi Micro Hei)
    "simkai.ttf": "gbsn00lp.ttf",  # 楷体 ← SungtiL (shipped 楷体: KaitiM)
    "simsun.ttc": "wqy-microhei.ttc",  # 宋体 ← WenQuanYi (shipped 宋体: SungtiL)
    "msyh.ttc": "DroidSansFallbackFull.ttf",  # 微软雅黑 ← Droid (shipped: WenQuanYi)
}


@pytest.fixture
def windir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake C:\\Windows with the stand-in fonts, as %WINDIR%."""
    win = tmp_path / "Windows"
    (win / "Fonts").mkdir(parents=True)
    for name, src in STAND_INS.items():
        shutil.copyfile(resource_fonts_dir() / src, win / "Fonts" / name)
    monkeypatch.setenv("WINDIR", str(win))
    return win


def test_family_names_read_from_font_files(tmp_path: Path) -> None:
    fonts = resource_fonts_dir()
    assert family_name(fonts / "wqy-microhei.ttc") == "WenQuanYi Micro Hei"
    assert family_name(fonts / "wqy-microhei.ttc", 1) == "WenQuanYi Micro Hei Mono"
    assert family_name(fonts / "gkai00mp.ttf") == "AR PL KaitiM GB"
    assert family_name(fonts / "wqy-microhei.ttc", 5) is None
    junk = tmp_path / "msyh.ttc"
    junk.write_bytes(b"ttcf\x00\x01")
    assert family_name(junk) is None and family_name(tmp_path / "none.ttf") is None


def test_pdf_roles_use_the_windows_files(windir: Path) -> None:
    fs = font_set()
    described = fs.describe()
    assert "simfang.ttf" in described[FANGSONG] and "仿宋" in described[FANGSONG]
    assert "simhei.ttf" in described[HEI] and "simkai.ttf" in described[KAI]
    assert "simsun.ttc" in described[SONG]
    assert str(windows_fonts_dir()) in described[FANGSONG]


def test_briefing_embeds_the_windows_fonts(windir: Path, app: App, reviewer, tmp_path: Path) -> None:
    build_month(app, reviewer=reviewer)
    out = build_briefing(app, CLI_ACTOR, MONTH, tmp_path / "简报.pdf", BriefingOptions(date=TODAY))
    with pdfplumber.open(str(out)) as pdf:  # the first pages (a heading may move to the next page)
        pages = [p.chars for p in pdf.pages[:2]]
    chars = [c for cs in pages for c in cs]
    lines: dict[tuple[int, int], list[dict]] = {}
    for i, cs in enumerate(pages):
        for c in cs:
            lines.setdefault((i, round(c["top"])), []).append(c)

    def fonts_of(start: str) -> set[str]:
        """PostScript names (subset prefix removed) of the line beginning with ``start``."""
        for cs in lines.values():
            if "".join(c["text"] for c in cs).startswith(start):
                return {c["fontname"].split("+", 1)[1] for c in cs}
        raise AssertionError(f"no line starts with {start}")

    assert all(re.match(r"[A-Z]{6}\+", c["fontname"]) for c in chars)  # embedded subsets
    # each role in the face of its Windows file (the shipped fonts would be the other way round)
    assert fonts_of("2026年10月，全区") == {"GBZenKai-Medium"}  # 仿宋 body ← simfang.ttf
    assert fonts_of("一、总体情况") == {"DroidSansFallback"}  # 黑体 ← simhei.ttf
    assert fonts_of("（一）") == {"BousungEG-Light-GB"}  # 楷体 ← simkai.ttf
    assert fonts_of("— 1 —") == {"WenQuanYiMicroHei-0"}  # 宋体 page number ← simsun.ttc


def test_interface_uses_microsoft_yahei_when_present(qapp, windir: Path) -> None:
    from PySide6.QtGui import QFont, QFontDatabase

    from ui import qtsetup
    before = QFont(qapp.font())
    try:
        family = qtsetup.install_font(qapp)
        assert family == "Droid Sans Fallback"  # the family in the fake msyh.ttc
        assert qapp.font().family() == family and family in QFontDatabase.families()
        (windir / "Fonts" / "msyh.ttc").unlink()
        assert qtsetup.install_font(qapp) != "Droid Sans Fallback"
    finally:
        qapp.setFont(before)


def test_no_windows_folder_means_the_shipped_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WINDIR", raising=False)
    monkeypatch.delenv("SystemRoot", raising=False)
    from ui import qtsetup
    assert windows_fonts_dir() is None and qtsetup.windows_ui_family(set()) is None
