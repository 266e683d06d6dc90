"""Chinese fonts for PDF output, with per-glyph fallback.

Each typographic role (仿宋 body, 黑体 and 楷体 headings, 宋体 page numbers and
title) maps to a primary TrueType font: the Windows system font where present
(``%WINDIR%\\Fonts``), otherwise an open-licence font shipped in
``resources/fonts``. GB2312-only fonts lack rare characters, so text is split
into runs by glyph coverage (the font's cmap) and every character the primary
font lacks is set in the first wide font that has it. A character no font has is
replaced by 〓 (the typesetters' mark for a missing character) and remembered in
``FontSet.missing``.

reportlab embeds TrueType fonts as subsets. Fonts are loaded once per process
(``font_set()`` caches them); reportlab is imported lazily.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from models.authority import PUBLIC, rule
from exports.font_files import windows_fonts_dir

FANGSONG, HEI, KAI, SONG, TITLE = "fangsong", "hei", "kai", "song", "title"
ROLES = (FANGSONG, HEI, KAI, SONG, TITLE)
MISSING_MARK = "〓"


@rule(PUBLIC)
def resource_fonts_dir() -> Path:
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base / "resources" / "fonts"


@rule(PUBLIC)
@dataclass(frozen=True)
class FontFile:
    path: Path
    subfont: int = 0
    label: str = ""


# Windows system fonts per role, in order of preference.
_WINDOWS = {
    FANGSONG: [("simfang.ttf", 0, "仿宋")],
    HEI: [("simhei.ttf", 0, "黑体")],
    KAI: [("simkai.ttf", 0, "楷体")],
    SONG: [("simsun.ttc", 0, "宋体")],
    TITLE: [("STZHONGS.TTF", 0, "华文中宋"), ("simsun.ttc", 0, "宋体")],
}
_WINDOWS_WIDE = [("simsun.ttc", 0, "宋体"), ("simsunb.ttf", 0, "宋体-ExtB"),
                 ("msyh.ttc", 0, "微软雅黑")]

# Shipped open-licence fonts (resources/fonts).
_SHIPPED = {
    FANGSONG: [("gbsn00lp.ttf", 0, "AR PL SungtiL GB")],
    HEI: [("wqy-microhei.ttc", 0, "WenQuanYi Micro Hei")],
    KAI: [("gkai00mp.ttf", 0, "AR PL KaitiM GB")],
    SONG: [("gbsn00lp.ttf", 0, "AR PL SungtiL GB")],
    TITLE: [("gbsn00lp.ttf", 0, "AR PL SungtiL GB")],
}
_SHIPPED_WIDE = [("wqy-microhei.ttc", 0, "WenQuanYi Micro Hei")]
# Loaded only when a character is in none of the fonts above (CJK Extension A …).
_SHIPPED_LAZY = [("DroidSansFallbackFull.ttf", 0, "Droid Sans Fallback")]

# Wide fonts that may be installed on the machine (used only for characters that
# none of the fonts above has, e.g. CJK Extension B).
_SYSTEM_WIDE = [
    Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/Library/Fonts/Arial Unicode.ttf"),
]


def _files(dirpath: Path | None, specs: list[tuple[str, int, str]]) -> list[FontFile]:
    if dirpath is None:
        return []
    out = []
    for name, idx, label in specs:
        p = dirpath / name
        if p.is_file():
            out.append(FontFile(p, idx, label))
    return out


@rule(PUBLIC)
@dataclass
class FontSet:
    """Registered fonts by role with glyph fallback. Use ``font_set()`` to get one."""

    primary: dict[str, str]  # role → reportlab font name
    fallbacks: list[str]  # wide fonts, in order (reportlab font names)
    sources: dict[str, str]  # reportlab font name → file description
    cmaps: dict[str, Any]  # reportlab font name → charToGlyph mapping
    missing: set[str] = field(default_factory=set)
    _lazy: list[FontFile] = field(default_factory=list)
    _cache: dict[tuple[str, str], str] = field(default_factory=dict)

    def font_for(self, ch: str, role: str) -> str | None:
        """The font that draws ``ch`` in ``role``: the primary if it has the glyph, else
        the first fallback that has it, else None."""
        key = (ch, role)
        hit = self._cache.get(key)
        if hit is not None:
            return hit or None
        cp = ord(ch)
        name: str = self.primary[role]
        found: str | None = None
        if cp in self.cmaps[name] or ch in "\n\t":
            found = name
        else:
            for fb in self.fallbacks:
                if cp in self.cmaps[fb]:
                    found = fb
                    break
            while found is None and self._lazy:
                lazy = self._load_next_lazy()
                if lazy and cp in self.cmaps[lazy]:
                    found = lazy
        self._cache[key] = found or ""
        return found

    def _load_next_lazy(self) -> str | None:
        ff = self._lazy.pop(0)
        try:
            name = _register(ff)
        except Exception:  # noqa: BLE001 - an unreadable optional font is skipped
            return None
        if name not in self.fallbacks:
            self.fallbacks.append(name)
            self.sources[name] = f"{ff.label or ff.path.name}（{ff.path}）"
            self.cmaps[name] = _cmap(name)
        return name

    def runs(self, text: str, role: str) -> list[tuple[str, str]]:
        """Split ``text`` into (font name, text) runs by glyph coverage."""
        out: list[tuple[str, str]] = []
        primary = self.primary[role]
        for ch in text:
            fn = self.font_for(ch, role)
            if fn is None:
                if not ch.isspace():
                    self.missing.add(ch)
                fn, ch = primary, (MISSING_MARK if not ch.isspace() else " ")
            if out and out[-1][0] == fn:
                out[-1] = (fn, out[-1][1] + ch)
            else:
                out.append((fn, ch))
        return out

    def markup(self, text: str, role: str) -> str:
        """Paragraph markup of plain ``text`` for a paragraph whose font is the role's
        primary: fallback runs wrapped in ``<font name=…>``, XML escaped."""
        primary = self.primary[role]
        parts = []
        for fn, s in self.runs(text, role):
            s = escape(s)
            parts.append(s if fn == primary else f'<font name="{fn}">{s}</font>')
        return "".join(parts)

    def width(self, text: str, role: str, size: float) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth
        return sum(stringWidth(s, fn, size) for fn, s in self.runs(text, role))

    def draw(self, canvas: Any, x: float, y: float, text: str, role: str, size: float,
             align: str = "left", render_mode: int | None = None) -> float:
        """Draw one line on a canvas; returns its width. ``align``: left, centre, right."""
        runs = self.runs(text, role)
        from reportlab.pdfbase.pdfmetrics import stringWidth
        w = sum(stringWidth(s, fn, size) for fn, s in runs)
        if align == "centre":
            x -= w / 2
        elif align == "right":
            x -= w
        t = canvas.beginText(x, y)
        if render_mode is not None:
            t.setTextRenderMode(render_mode)
        for fn, s in runs:
            t.setFont(fn, size)
            t.textOut(s)
        canvas.drawText(t)
        return w

    def describe(self) -> dict[str, str]:
        """Role → file, for the user (which fonts a briefing uses)."""
        return {role: self.sources[name] for role, name in self.primary.items()}


_REGISTERED: dict[tuple[str, int], str] = {}
_PATCHED: list[bool] = []


def _utf16_hex(cp: int) -> str:
    if cp < 0x10000:
        return f"{cp:04X}"
    cp -= 0x10000
    return f"{0xD800 + (cp >> 10):04X}{0xDC00 + (cp & 0x3FF):04X}"


def _patch_to_unicode() -> None:
    """reportlab writes code points above U+FFFF into the ToUnicode CMap as plain hex
    (e.g. <2000B>), which readers reject; the CMap must hold UTF-16BE (a surrogate
    pair). Without this, text copied or searched in the PDF loses CJK Extension B
    characters. The subset CMap builder is replaced once per process."""
    if _PATCHED:
        return
    from reportlab.pdfbase import ttfonts
    original = ttfonts.makeToUnicodeCMap

    def make_cmap(fontname: str, subset: list[int]) -> str:
        text = original(fontname, subset)
        if all(v < 0x10000 for v in subset):
            return text
        lines = text.split("\n")
        for i, v in enumerate(subset):
            if v >= 0x10000:
                old = f"<{i:02X}> <{v:04X}>"
                lines = [f"<{i:02X}> <{_utf16_hex(v)}>" if ln == old else ln for ln in lines]
        return "\n".join(lines)

    ttfonts.makeToUnicodeCMap = make_cmap
    _PATCHED.append(True)
_SETS: dict[tuple[str | None, str], FontSet] = {}


def _register(ff: FontFile) -> str:
    key = (str(ff.path), ff.subfont)
    if key in _REGISTERED:
        return _REGISTERED[key]
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    _patch_to_unicode()
    stem = "".join(c for c in ff.path.stem if c.isalnum())
    # numbered: two files of the same name (a Windows font and a stand-in) stay apart
    name = f"ZS-{stem}-{ff.subfont}-{len(_REGISTERED)}"
    font = TTFont(name, str(ff.path), subfontIndex=ff.subfont)
    pdfmetrics.registerFont(font)
    _REGISTERED[key] = name
    return name


def _cmap(name: str) -> Any:
    from reportlab.pdfbase import pdfmetrics
    return pdfmetrics.getFont(name).face.charToGlyph


@rule(PUBLIC)
def font_set(windows_dir: Path | None | str = "auto", use_system: bool = True) -> FontSet:
    """The process-wide font set. ``windows_dir``: "auto" looks at %WINDIR%\\Fonts;
    None ignores Windows fonts (tests); a path uses that folder. ``use_system`` adds
    wide fonts installed on the machine as last-resort fallbacks."""
    wdir = windows_fonts_dir() if windows_dir == "auto" else (Path(windows_dir) if windows_dir else None)
    key = (str(wdir) if wdir else None, "sys" if use_system else "")
    if key in _SETS:
        return _SETS[key]
    shipped = resource_fonts_dir()
    primary: dict[str, str] = {}
    sources: dict[str, str] = {}
    cmaps: dict[str, Any] = {}
    for role in ROLES:
        cands = _files(wdir, _WINDOWS[role]) + _files(shipped, _SHIPPED[role])
        for ff in cands:
            try:
                name = _register(ff)
            except Exception:  # noqa: BLE001 - try the next candidate
                continue
            primary[role] = name
            sources[name] = f"{ff.label}（{ff.path}）"
            cmaps[name] = _cmap(name)
            break
        else:
            raise FileNotFoundError(f"找不到可用的中文字体（{role}），请检查 {shipped} 是否完整。")
    fallbacks: list[str] = []
    for ff in _files(wdir, _WINDOWS_WIDE) + _files(shipped, _SHIPPED_WIDE):
        try:
            name = _register(ff)
        except Exception:  # noqa: BLE001
            continue
        if name not in fallbacks:
            fallbacks.append(name)
            sources[name] = f"{ff.label}（{ff.path}）"
            cmaps[name] = _cmap(name)
    lazy = _files(shipped, _SHIPPED_LAZY)
    lazy += [FontFile(p, 0, p.stem) for p in _SYSTEM_WIDE if use_system and p.is_file()]
    fs = FontSet(primary, fallbacks, sources, cmaps, _lazy=lazy)
    _SETS[key] = fs
    return fs
