"""Cutting target words into segments, each with the year it states or inherits.

A segment ends at 。；! or before a new year marker (到2030年, “十五五”期间); its year is
the deadline it names (到2025年, 2030年前, “十四五”期间 → 2025 counted from 2021-01), not a
base year (比2020年). Spans are measured on a copy of the text with full-width digits,
％ and dashes made ASCII, of the same length, so that the quoted words keep the
document's own characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.plan_import.vocabulary import PERIOD, PERIODS, SAME_LEN, YEAR, YEAR_AT_END


def normalise(text: str) -> str:
    """One line, blanks between Chinese characters removed; characters otherwise kept."""
    text = re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()
    return re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", text)


@dataclass
class Segment:
    text: str  # original characters
    norm: str  # same length: digits, % and dashes normalised
    year: int | None
    since: str = ""
    period_base: int | None = None


def segments(text: str, carry_year: bool = True) -> list[Segment]:
    """Cut a text into segments, each with its year (see the module docstring)."""
    src = normalise(text)
    norm = src.translate(SAME_LEN)
    cuts = [0]
    for m in re.finditer(r"[。；;！!？?]", norm):
        cuts.append(m.end())
    for m in re.finditer(r"[，,、](?=(?:到|至|截至)?\d{4}年|[“\"]?十[三四五六]五)", norm):
        cuts.append(m.end())
    cuts = sorted(set(cuts + [len(norm)]))
    out: list[Segment] = []
    year: int | None = None
    since, base = "", None
    for a, b in zip(cuts, cuts[1:], strict=False):
        seg_n = norm[a:b]
        if not seg_n.strip("。；;，,、 "):
            continue
        sentence_start = a == 0 or norm[a - 1] in "。；;！!？?"
        if sentence_start and not carry_year:
            year, since, base = None, "", None
        y = _year_of(seg_n)
        if y is not None:
            year, since, base = y
        out.append(Segment(src[a:b], seg_n, year, since, base))
    return out


def _year_of(seg: str) -> tuple[int, str, int | None] | None:
    """The deadline a segment names (not a base year such as 比2020年), with the period's
    start month and base year when it names a five-year period."""
    p = PERIOD.search(seg)
    per = PERIODS.get(p.group(1)) if p else None
    for m in YEAR.finditer(seg):
        if seg[max(0, m.start() - 1):m.start()] in ("比", "较") or seg[m.end():m.end() + 1] in ("至", "到", "-"):
            continue
        year = int(m.group(1))
        if 1990 <= year <= 2100:
            return year, per[1] if per else "", per[2] if per else None
    if per:
        return per
    return None


def with_year(norm: str, start: int) -> int:
    """Start the quoted words at the segment's year marker when only the marker (到2025年，)
    stands before the clause."""
    head = norm[:start]
    m = YEAR_AT_END.search(head)
    if m and head[:m.start()].rstrip()[-1:] in ("", "。", "；", ";", "，", ","):
        return m.start()
    return start


def sentence_head(norm: str, a: int) -> int:
    start = 0
    for m in re.finditer(r"[；;。]", norm[:a]):
        start = m.end()
    return start


def clause_end(norm: str, b: int, limit: int) -> int:
    m = re.compile(r"[，,；;。]").search(norm, b, limit)
    return m.start() if m else limit
