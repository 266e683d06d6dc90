"""Chinese line breaking (避头尾) for the printed outputs.

The rules (GB/T 15834 and common typesetting practice): no line starts with closing
punctuation (，。、；：？！）》」』】”’… and their half-width forms), no line ends with
opening punctuation (（《「『【“‘), and a run of digits and Latin letters (“41.67”,
“CO2”, “2026年” keeps “2026” whole), a unit phrase such as “个百分点” or a figure's
state mark (“（草稿）”) is not split.

``break_at(text, i, start)`` moves a break proposed before ``text[i]`` back to the
nearest allowed place; ``wrap_units(text, capacity)`` breaks a cell's text into lines of
at most ``capacity`` full-width units (the printed ledger: spreadsheet programs other
than Excel on a Chinese Windows break lines anywhere, so the ledger gives them lines
that already fit); ``CJKParagraph`` is a reportlab paragraph that breaks by the same
rules, letting one closing mark hang past the right margin (标点悬挂) when that keeps the
line full (the briefing). reportlab is imported lazily.
"""

from __future__ import annotations

from typing import Any

from models.authority import PUBLIC, module_rule

__authority__ = module_rule(PUBLIC, why="line breaking of given text; reads no data")

NO_START = frozenset("，。、；：？！）》」』】〕〗〉”’…—·%‰℃,.;:?!)]}、")
NO_END = frozenset("（《「『【〔〖〈“‘([{")
HANG = frozenset("，。、；：？！，．,.;:")  # may hang past the margin (one only)
UNITS = ("个百分点", "百分点", "万千瓦", "万元", "万吨", "亿元")  # a number is not separated from them
WORDS = (*UNITS, "（待审）", "（退回）", "（草稿）")  # a figure's state mark is read as one word
_MAX_BACK = 8  # never move a break back further than this


def _alnum(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".%")


def _inside_word(text: str, k: int) -> bool:
    for w in WORDS:
        lo = max(0, k - len(w) + 1)
        j = text.find(w, lo, k + len(w) - 1)
        if 0 <= j < k < j + len(w):
            return True
    return False


def allowed(text: str, k: int) -> bool:
    """Whether a line may break before ``text[k]``."""
    if k <= 0 or k >= len(text):
        return True
    a, b = text[k - 1], text[k]
    if b in NO_START or a in NO_END:
        return False
    if _alnum(a) and _alnum(b):
        return False
    if _alnum(a) and text.startswith(UNITS, k):
        return False  # “±1” / “个百分点”: a number stays with its unit
    return not _inside_word(text, k)


def break_at(text: str, i: int, start: int) -> int:
    """The break nearest before ``i`` (not before ``start + 1``) where a line may end;
    ``i`` itself when there is none within reach."""
    k = i
    while k > start + 1 and i - k < _MAX_BACK and not allowed(text, k):
        k -= 1
    return k if allowed(text, k) else i


def unit_width(ch: str) -> float:
    """Width in full-width units: CJK characters and full-width marks 1, others ½."""
    return 1.0 if ord(ch) >= 0x1100 else 0.5


def wrap_units(text: str, capacity: float) -> list[str]:
    """``text`` broken into lines of at most ``capacity`` units by the rules above
    (existing line breaks kept). Lines are only ever shorter than the capacity."""
    out: list[str] = []
    cap = max(capacity, 2.0)
    for para in text.split("\n"):
        start = 0
        n = len(para)
        while start < n:
            # most text is full-width: jump, then correct for the half-width characters
            end = min(n, start + int(cap))
            seg = para[start:end]
            width = len(seg) - 0.5 * len(seg.encode("ascii", "ignore"))
            while end < n and width + unit_width(para[end]) <= cap:
                width += unit_width(para[end])
                end += 1
            if end >= n:
                out.append(para[start:])
                break
            k = break_at(para, end, start)
            out.append(para[start:k])
            start = k
        if n == 0:
            out.append("")
    return out


def wrap_cell(text: str, width: float, indent: float = 0.0) -> str:
    """A ledger cell's text with its lines broken for a column ``width`` (Excel width
    units; two units hold one full-width character, as ``xlsx_style.auto_height`` counts)."""
    cap = (width - 1.5) / 2 - indent
    if len(text) <= cap and "\n" not in text:
        return text
    return "\n".join(wrap_units(text, cap))


def first_line(text: str, width: float, indent: float = 0.0) -> str:
    """The first printed line of ``text`` in a column ``width`` (as ``wrap_cell``), ending
    with “…” when the text goes on: a one-line extract for a printed summary. Every
    character outside ASCII counts as full-width here (quotation marks print full-width in
    Chinese fonts), so the extract never spills onto a second line."""
    flat = " ".join(p.strip() for p in text.split("\n") if p.strip())
    cap = (width - 1.5) / 2 - indent
    if sum(0.5 if ch.isascii() else 1.0 for ch in flat) <= cap:
        return flat
    k, used = 0, 0.0
    while k < len(flat) and used + (0.5 if flat[k].isascii() else 1.0) <= cap - 1:
        used += 0.5 if flat[k].isascii() else 1.0
        k += 1
    k = break_at(flat, k, 0)
    return flat[:k].rstrip("，、；：,;: ") + "…"


def cjk_paragraph_class() -> Any:
    """``CJKParagraph``: a reportlab Paragraph breaking Chinese lines by these rules."""
    global _CJK_PARAGRAPH
    if _CJK_PARAGRAPH is None:
        _CJK_PARAGRAPH = _make_paragraph_class()
    return _CJK_PARAGRAPH


_CJK_PARAGRAPH: Any = None


def _make_paragraph_class() -> Any:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus.paragraph import (Paragraph, ParaLines, _handleBulletWidth, cjkU,
                                              makeCJKParaLine)
    from reportlab.rl_config import _FUZZ

    def breaks(widths: list[float], plain: str, max_widths: list[float]) -> list[tuple[int, int, float, float]]:
        """(start, end, width, max width) of each line: 避头尾, one closing mark may hang."""
        out: list[tuple[int, int, float, float]] = []
        start = i = 0
        used = 0.0
        n = len(widths)
        max_width = max_widths[0]
        while i < n:
            w = widths[i]
            if used + w > max_width + _FUZZ and i > start:
                if plain[i] in HANG and allowed(plain, i + 1):
                    k = i + 1  # one closing mark hangs past the margin
                else:
                    k = break_at(plain, i, start)
                out.append((start, k, sum(widths[start:k]), max_width))
                max_width = max_widths[min(len(out), len(max_widths) - 1)]
                start = k
                i = max(i, k)
                used = sum(widths[k:i])
                continue
            used += w
            i += 1
        if start < n or not out:
            out.append((start, n, sum(widths[start:n]), max_width))
        return out

    def split_lines(frags: list[Any], max_widths: list[float], calc_bounds: bool) -> Any:
        chars: list[Any] = []
        for f in frags:
            text = f.text.decode("utf8") if isinstance(f.text, bytes) else f.text
            if text:
                chars.extend(cjkU(t, f, "utf8") for t in text)
            else:
                chars.append(cjkU(text, f, "utf8"))
        plain = "".join(str(c) if len(c) == 1 else "\x00" for c in chars)
        lines: list[Any] = []
        start = i = 0
        used = 0.0
        n = len(chars)

        def width_of(j: int) -> float:
            w = chars[j].width
            return float(w.normalizedValue(max_width) if hasattr(w, "normalizedValue") else w)

        max_width = max_widths[0]
        while i < n:
            u = chars[i]
            w = width_of(i)
            if hasattr(u.frag, "lineBreak"):
                lines.append(makeCJKParaLine(chars[start:i + 1], max_width, used, max_width - used, True, calc_bounds))
                start, i, used = i + 1, i + 1, 0.0
                max_width = max_widths[min(len(lines), len(max_widths) - 1)]
                continue
            if used + w > max_width + _FUZZ and i > start:
                if plain[i] in HANG and allowed(plain, i + 1) and i + 1 <= n:
                    k = i + 1  # one closing mark hangs past the margin
                else:
                    k = break_at(plain, i, start)
                line = chars[start:k]
                lw = sum(width_of(j) for j in range(start, k))
                lines.append(makeCJKParaLine(line, max_width, lw, max_width - lw, False, calc_bounds))
                max_width = max_widths[min(len(lines), len(max_widths) - 1)]
                used = sum(width_of(j) for j in range(k, i))
                start = k
                if k > i:
                    i = k
                    used = 0.0
                continue
            used += w
            i += 1
        if start < n:
            lines.append(makeCJKParaLine(chars[start:], max_width, used, max_width - used, False, calc_bounds))
        return ParaLines(kind=1, lines=lines)

    class CJKParagraph(Paragraph):
        """A paragraph whose Chinese lines follow the 避头尾 rules."""

        def breakLinesCJK(self, maxWidths: Any) -> Any:  # noqa: N802, N803 (reportlab's names)
            if not isinstance(maxWidths, (list, tuple)):
                maxWidths = [maxWidths]
            style = self.style
            self.height = 0
            _handleBulletWidth(self.bulletText, style, maxWidths)
            split = hasattr(self, "blPara") and getattr(self, "_splitpara", False)
            single = len(self.frags) == 1 and not hasattr(self.frags[0], "cbDefn") and not style.endDots
            if split:  # the rest of a paragraph split across pages: its lines are known
                return self.frags[0].clone(kind=0, lines=self.blPara.lines) if single else self.blPara
            # a paragraph is wrapped again and again at the same width (frames, table cells,
            # split tests): its lines are worked out once per width
            key = tuple(maxWidths)
            memo = self.__dict__.get("_cjk_lines")
            if memo is not None and memo[0] == key:
                return memo[1]
            result = self._cjk_break(maxWidths, style, single)
            self.__dict__["_cjk_lines"] = (key, result)
            return result

        def _cjk_break(self, maxWidths: Any, style: Any, single: bool) -> Any:  # noqa: N803
            if not self.frags:
                return ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName,
                                 textColor=style.textColor, lines=[], ascent=style.fontSize,
                                 descent=-0.2 * style.fontSize)
            frags = self.frags
            if single:
                # one font: lines of plain text (reportlab's own single-font form)
                f = frags[0]
                text = getattr(f, "text", None)
                if text is None:
                    text = "".join(getattr(f, "words", []))
                text = text.decode("utf8") if isinstance(text, bytes) else text
                widths = [stringWidth(ch, f.fontName, f.fontSize) for ch in text]
                lines = [(mw - w, [text[a:b]]) for a, b, w, mw in breaks(widths, text, list(maxWidths))]
                return f.clone(kind=0, lines=lines, ascent=f.fontSize, descent=-0.2 * f.fontSize)
            auto = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
            return split_lines(frags, list(maxWidths), auto not in ("", "off"))

    return CJKParagraph
