"""Word's automatic numbering: the 一、/（一）/1. that Word draws but does not store in the
paragraph's text.

Most plans type their numbers, but a document that numbers headings with Word's list
feature would otherwise lose its whole outline. ``AutoNumbers`` reads the numbering
part (each list's levels: format, pattern such as ``%1、`` or ``（%1）``, start value),
counts paragraphs per list and level as Word does (a deeper level restarts when a
shallower one advances), and returns the printed prefix of each numbered paragraph —
its own ``w:numPr`` or its style's.
"""

from __future__ import annotations

import re
from typing import Any

from models.plan_import.vocabulary import CN_NUM

_CN_DIGITS = {v: k for k, v in CN_NUM.items() if k != "两"}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def chinese(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (up to 99)."""
    if n <= 10:
        return _CN_DIGITS.get(n, str(n))
    tens, ones = divmod(n, 10)
    if tens >= 10:
        return str(n)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _format(n: int, fmt: str) -> str:
    if fmt.startswith(("chinese", "ideograph", "japaneseCounting", "taiwaneseCounting")):
        return chinese(n)
    if fmt.startswith("decimalEnclosedCircle"):
        return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else str(n)
    if fmt in ("upperLetter", "lowerLetter") and 1 <= n <= 26:
        return chr((65 if fmt == "upperLetter" else 97) + n - 1)
    if fmt == "none":
        return ""
    return str(n)


class AutoNumbers:
    def __init__(self, document: Any) -> None:
        from docx.oxml.ns import qn
        self.qn = qn
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId → ilvl → (fmt, text, start)
        self.counts: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        val = qn("w:val")
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in numbering.findall(qn("w:abstractNum")):
            lvls = {}
            for lvl in an.findall(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                lvls[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    fmt.get(val, "decimal") if fmt is not None else "decimal",
                    text.get(val, "") if text is not None else "",
                    int(start.get(val, "1")) if start is not None else 1)
            abstract[an.get(qn("w:abstractNumId"), "")] = lvls
        for num in numbering.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                self.levels[num.get(qn("w:numId"), "")] = abstract.get(ref.get(val, ""), {})
        for st in document.styles.element.findall(qn("w:style")):
            num_pr = st.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None:
                num_id, ilvl = self._num_pr(num_pr)
                if num_id:
                    self.style_num[st.get(qn("w:styleId"), "")] = (num_id, ilvl)

    def _num_pr(self, num_pr: Any) -> tuple[str, int]:
        num_id = num_pr.find(self.qn("w:numId"))
        ilvl = num_pr.find(self.qn("w:ilvl"))
        return (num_id.get(self.qn("w:val"), "") if num_id is not None else "",
                int(ilvl.get(self.qn("w:val"), "0")) if ilvl is not None else 0)

    def prefix(self, p: Any) -> str:
        """The number Word prints before paragraph ``p`` ("" when it has none)."""
        if not self.levels:
            return ""
        ppr = p._p.pPr
        num_id, ilvl = "", 0
        if ppr is not None and ppr.numPr is not None:
            num_id, ilvl = self._num_pr(ppr.numPr)
        elif ppr is not None and ppr.pStyle is not None:
            num_id, ilvl = self.style_num.get(ppr.pStyle.val, ("", 0))
        levels = self.levels.get(num_id)
        if not levels or num_id == "0" or ilvl not in levels:
            return ""
        counts = self.counts.setdefault(num_id, {})
        fmt, text, start = levels[ilvl]
        counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else start
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]

        def level_text(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            f, _t, s = levels.get(k, ("decimal", "", 1))
            return _format(counts.get(k, s), f)

        return re.sub(r"%(\d)", level_text, text)
