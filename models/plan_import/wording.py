"""Target wording → structured targets (docs/plan-format-v2.md, “Targets”).

Pure functions, no state: ``parse_targets(text)`` reads an appendix cell or a sentence
of task text and returns every target it states, each with the words it came from.

How a sentence is read:

1. It is cut into segments at 。；! and before a new year marker (到2030年, “十五五”期间),
   each segment carrying its year (到2025年 / 2030年前 / “十四五”期间 = 2025, counted
   from 2021-01 / “十五五” = 2030, from 2026-01); a segment without one inherits the
   year of the segment before (within a cell; a task sentence only within the sentence).
2. In a segment, each number with a unit (``24万千瓦``, ``17.5%``, ``60%—65%``) is a
   target; the words right before and after it decide the rest: 达到/不低于/以上/提升至 →
   floor; 以下/不超过/控制在 → ceiling; 左右/约 → approx; ranges; 稳定在/保持在 → stable
   floor; 比YYYY年下降X% → reduction against YYYY; 累计 → cumulative over the period;
   新增 → increment over the period; 力争/争取 → stretch; 其中 → part of the target
   before; 分别 X、Y → one target per value.
3. Words without a number: 全面执行/全覆盖/基本建成… → qualitative (“yes”);
   完成省(市)下达指标 → pending, assigned by that body; 进一步下降/提高 → direction only
   (in task text only about a measured quantity, in a sentence naming a year or period).

What cannot be read is returned in ``unparsed`` (never guessed): the import turns it
into a review item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from models.plan_import.sentences import Segment, clause_end, segments, sentence_head, with_year
from models.plan_import.target import Target

from models.plan_import.vocabulary import (
    ASSIGNERS,
    CN_COUNT,
    CN_NUM,
    COUNT_UNITS,
    DIRECTION,
    NUM,
    OP_BEFORE,
    OP_WORDS,
    PENDING,
    PERIOD,
    QUALITATIVE,
    RANGE,
    SINCE,
    SINGLE,
    STRETCH_WORDS,
    UNIT_RE,
    VERB_BEFORE,
    YEAR,
)

@dataclass
class Parsed:
    targets: list[Target]
    unparsed: list[str]  # segments that state something target-like the parser could not read


def parse_targets(text: str, *, default_year: int | None = None, carry_year: bool = True,
                  direction_hint: str = "", task_text: bool = False) -> Parsed:
    """Every target stated in ``text``.

    ``default_year`` is used (and the target marked ``year_assumed``) when the words name
    no year; ``carry_year`` lets a sentence inherit the year of the one before (cells);
    ``direction_hint`` ("lower") turns a pending target into a ceiling. ``task_text`` reads
    a task's text for milestones: a number counts only after a year or a target verb
    (建设/创建/达到…), words without a number only in a sentence naming a year, and
    direction-only wording (进一步下降…) only about a measured quantity in a sentence
    naming a year or period (“十四五”期间煤炭消费量进一步下降)."""
    targets: list[Target] = []
    unparsed: list[str] = []
    for seg in segments(text, carry_year=carry_year):
        found = _numeric(seg, task_text)
        if not task_text or YEAR.search(seg.norm) or PERIOD.search(seg.norm):
            found += _wordy(seg, found, direction_hint, task_text)
        found.sort(key=lambda t: t[0])
        for _pos, t in found:
            if t.year == 0:
                if default_year is None:
                    unparsed.append(seg.text.strip("，,、 "))
                    continue
                t.year, t.year_assumed = default_year, True
            if t.basis == "increment" and t.baseline_year is None:
                t.baseline_year = _base_of(t.year)
                t.notes.append(f"“新增”没有写明起算年份：按 {t.baseline_year} 年末起算，请核对")
            targets.append(t)
        if not found and not task_text and (re.search(rf"{NUM}\s*(?:{UNIT_RE})", seg.norm)
                                            or _STRONG_NUMBER.search(seg.norm)):
            unparsed.append(seg.text.strip("，,、 "))
    _inherit_subjects(targets)
    return Parsed(targets, unparsed)


_OP_LONGEST_FIRST = sorted(OP_BEFORE, key=lambda w: -len(w[0]))  # 不超过 before 超过
# a number right after a target verb, whatever follows it (an unknown unit is reported)
_STRONG_NUMBER = re.compile(r"(达到|不低于|不少于|不超过|不高于|控制在|提升至|下降|降低)\s*\d+(?:\.\d+)?(?!\d*年)")


def _numeric(seg: Segment, task_text: bool) -> list[tuple[int, Target]]:
    norm, src = seg.norm, seg.text
    spans: list[tuple[int, int, float, float | None, str]] = []
    for m in RANGE.finditer(norm):
        if norm[m.end():m.end() + 1] == "年" or _is_year(norm, m.start(1), m.group(1)):
            continue
        spans.append((m.start(), m.end(), float(m.group(1)), float(m.group(3)), m.group(4)))
    taken = [(a, b) for a, b, *_ in spans]
    for m in SINGLE.finditer(norm):
        if any(a <= m.start() < b for a, b in taken) or _is_year(norm, m.start(1), m.group(1)):
            continue
        if norm[m.start() - 1:m.start()] in ("第", "约第"):
            continue  # 第3项: an ordinal, not a quantity
        spans.append((m.start(), m.end(), float(m.group(1)), None, m.group(2)))
    for m in CN_COUNT.finditer(norm):
        spans.append((m.start(), m.end(), float(CN_NUM[m.group(1)]), None, m.group(2)))
    spans.sort()
    separately = _separately(norm, spans)
    starts = [_clause_start(norm, a, spans, i, separately) for i, (a, *_r) in enumerate(spans)]
    out: list[tuple[int, Target]] = []
    first: Target | None = None
    for i, (a, b, v, vh, unit) in enumerate(spans):
        before = norm[starts[i]:a]
        if task_text and seg.year is None and not VERB_BEFORE.search(before):
            continue  # a number in task text without a year or a target verb is not a target
        t = Target(year=seg.year or 0, op=">=", value=v, value_high=vh, unit=unit)
        if _read_op(t, before, norm[b:b + 6], norm[:a], seg):
            continue  # not statable: the segment is reported as unparsed
        if vh is not None:
            t.op = "range"
        t.kind = "stretch" if any(w in before for w in STRETCH_WORDS) else "binding"
        t.is_part = "其中" in before
        end = clause_end(norm, b, starts[i + 1] if i + 1 < len(starts) else len(norm))
        text_start = with_year(norm, starts[i])
        if i in separately:
            if first is None:
                first = t
            else:  # 分别下降10%、5%: the words before the first value apply to all
                for key in ("op", "basis", "baseline_year", "since", "stable", "kind"):
                    setattr(t, key, getattr(first, key))
            t.subject = separately[i]
            last = max(separately)
            text_start = with_year(norm, sentence_head(norm, a))
            end = clause_end(norm, spans[last][1], len(norm))
        else:
            t.subject = _subject(before, norm[b:], unit)
        t.text = src[text_start:end].strip("，,、 ")
        out.append((a, t))
    return out


def _is_year(norm: str, start: int, digits: str) -> bool:
    return len(digits) == 4 and norm[start + 4:start + 5] == "年"


def _separately(norm: str, spans: list[tuple[int, int, float, float | None, str]]) -> dict[int, str]:
    """分别: ``A、B分别达到72%、35%`` → {index of 72%: "A", index of 35%: "B"}; subjects "" when the
    sentence lists none (``比2020年分别下降10%、5%``)."""
    m = re.search(r"分别", norm)
    if not m:
        return {}
    idx = [i for i, s in enumerate(spans) if s[0] > m.start()]
    if len(idx) < 2:
        return {}
    head = norm[:m.start()]
    head = re.split(r"[，,；;。]", head)[-1]
    head = YEAR.sub("", head)
    head = SINCE.sub("", head)
    names = [n for n in re.split(r"[、和及与]", head) if n]
    if len(names) != len(idx):
        return {i: "" for i in idx}
    return dict(zip(idx, names, strict=True))


def _clause_start(norm: str, a: int, spans: list[Any], i: int, separately: dict[int, str]) -> int:
    """Where the words about the number at ``a`` begin: after the last clause break (，；。
    or 、 following another target) before it."""
    prev_end = spans[i - 1][1] if i > 0 else 0
    if separately and i in separately and i - 1 in separately:
        return prev_end
    start = 0
    for m in re.finditer(r"[，,；;。]", norm[:a]):
        start = m.end()
    if prev_end > start:
        # another target earlier in the same clause: start after its trailing words
        k = prev_end
        while k < a and norm[k] in "以上下内左右及的":
            k += 1
        if k < a and norm[k] in "、":
            k += 1
        start = max(start, k)
    return start


def _read_op(t: Target, before: str, after: str, upto: str, seg: Segment) -> str:
    """Set the target's operator and basis from the words around its number. Returns why
    the words cannot be stated in the plan file ("" when they can)."""
    tail = before[-6:]
    flags = ""
    for word, op, fl in _OP_LONGEST_FIRST:
        if tail.endswith(word) or tail.endswith(word + "约") or (fl == "cumulative" and word in before) \
                or (fl in ("reduction", "increment", "rise") and word in before[-8:]):
            t.op, flags = op, fl
            break
    if "stable" == flags or re.search(r"(稳定在|保持在|维持在)", before):
        t.stable = True
        t.op = ">="
    if after.startswith(("以上", "及以上")):
        t.op = ">=" if flags != "reduction" else "<="
    elif after.startswith(("以下", "以内", "及以下")):
        t.op = "<="
    if after.startswith("左右") or tail.endswith("约"):
        t.op = "approx"
    since = SINCE.search(upto)
    if flags in ("reduction", "rise"):
        base = int(since.group(1)) if since else seg.period_base
        if flags == "rise" and since:
            if t.unit == "%":
                return "“比某年增长X%”是增长率，计划文件不能表述"
            t.basis, t.baseline_year = "increment", base  # 比2020年提高5个百分点: the level rises 5 points
        elif flags == "reduction" and t.unit == "%" and base:
            t.basis, t.baseline_year = "reduction_vs_baseline", base
        elif flags == "reduction" and t.unit == "个百分点":
            return "“下降X个百分点”计划文件不能表述"
        elif flags == "reduction":
            t.notes.append("“下降/减少”没有写明比哪一年，或不是百分数：按上限读取，请核对")
    if "累计" in before:
        t.basis = "cumulative"
        t.since = seg.since
        if not seg.since:
            t.notes.append("“累计”没有写明起算时间：按方案首年起算，请核对")
    elif _INCREMENT.search(before) and t.unit not in ("%", "‰"):
        # 新增装机19.2万千瓦: the level rises by the amount. Not 新增和更新车辆中…比例不低于80%
        # (a share of what is new) nor 新增X% (a share cannot be added).
        t.basis = "increment"
        t.baseline_year = seg.period_base or None  # no period: set from the year (parse_targets)
    return ""


# what a direction-only sentence in task text must be about to be a milestone (煤炭消费量进一步下降)
_MEASURED = re.compile(r"(量|率|比重|比例|占比|强度|能耗|排放|消耗|消费|总量|面积|容量|规模)$")
RATE_SUBJECT = re.compile(r"(下降|降低)(率|幅度)?$|降幅$")  # the reduction itself: more is better
_INCREMENT = re.compile(r"新增(?![和及与、])")


def _base_of(year: int) -> int:
    """The end of the five-year period before the one ``year`` falls in (2025 → 2020)."""
    return year - ((year - 2021) % 5) - 1


def _subject(before: str, rest: str, unit: str) -> str:
    """What the target measures: the words before the verb, or (for counts such as
    ``建设3000个充电桩``) the object after the unit."""
    if unit in COUNT_UNITS:
        obj = re.split(r"[，,；;。（(]", rest, maxsplit=1)[0]
        obj = obj.split("的")[-1] if "的" in obj else obj
        obj = re.sub(r"^(以上|左右|及以上)", "", obj)
        if len(obj) >= 2:
            return obj
    s = re.split(r"[：:]", before)[-1]  # 推进建筑节能：累计完成…: a task title ending with ：
    s = SINCE.sub("", s)
    s = YEAR.sub("", s)
    s = PERIOD.sub("", s)
    s = re.sub(r"^(?:其中|力争|争取|确保|全区|全县|全市|全旗|并|且|和|同时|累计|新增(?![和及与、]))+", "", s)
    s = re.sub(r"^(落实|完成|实施|推广)", "", s)
    for _ in range(3):
        changed = False
        for w in [w for w, _o, _f in OP_BEFORE] + list(OP_WORDS) + list(STRETCH_WORDS) + ["确保", "要", "的"]:
            if s.endswith(w):
                s = s[: -len(w)]
                changed = True
        if not changed:
            break
    s = re.sub(r"(力争|争取|确保)", "", s)
    return s.strip("，,、：: ")


def _wordy(seg: Segment, numeric: list[tuple[int, Target]], direction_hint: str,
           task_text: bool) -> list[tuple[int, Target]]:
    """Qualitative, pending and direction-only targets in clauses without a number."""
    out: list[tuple[int, Target]] = []
    norm, src = seg.norm, seg.text
    taken = {p for p, _t in numeric}
    clauses = [(m.start(), m.end()) for m in re.finditer(r"[^，,；;。]+", norm)]
    for a, b in clauses:
        if any(a <= p < b for p in taken):
            continue
        clause = norm[a:b]
        text = src[with_year(norm, a):b].strip("，,、 ")
        body = YEAR.sub("", clause)
        body = PERIOD.sub("", body).strip("，, ")
        stretch = any(w in body for w in STRETCH_WORDS)
        m = PENDING.search(body)
        if m:
            subject = _clean_subject(body[:m.start()])
            low = (direction_hint == "lower" or bool(m.group(1))
                   or bool(re.search(r"(排放|能耗|消耗|强度|消费量|消费总量)", body))) \
                and not RATE_SUBJECT.search(subject)
            t = Target(year=seg.year or 0, op="<=" if low else ">=", assigned_by=ASSIGNERS[m.group(2)],
                       text=text, subject=subject)
            if m.group(2) == "国家":
                t.notes.append("原文为“国家下达”：按省下达记录（计划文件只区分省、市），请核对")
            out.append((a, t))
            continue
        q = next((w for w in QUALITATIVE if w in body), "")
        if q:
            subject = body.replace(q, "") if body.endswith(q) else body
            t = Target(year=seg.year or 0, op="yes", label=_clean_subject(body), text=text,
                       subject=_clean_subject(subject), kind="stretch" if stretch else "binding")
            out.append((a, t))
            continue
        d = DIRECTION.search(body)
        if d and b - a <= 40:
            subject = _clean_subject(body[:d.start()])
            if task_text and not (seg.year and _MEASURED.search(subject)):
                continue  # 持续提升治理能力: not a measured quantity with a deadline
            op = "decrease" if d.group(2) in ("下降", "降低", "减少") else "increase"
            out.append((a, Target(year=seg.year or 0, op=op, text=text, subject=subject)))
    return out


def _clean_subject(s: str) -> str:
    s = re.split(r"[：:]", s)[-1]
    s = re.sub(r"^(其中|力争|争取|确保|全区|全县|全市|全旗|并|且|同时|到)+", "", s)
    s = re.sub(r"(力争|争取|确保)", "", s)
    return s.strip("，,、：: ")


def _inherit_subjects(targets: list[Target]) -> None:
    """A target without its own subject (``到2030年提升至70%``) measures what the one
    before it measured."""
    last = ""
    for t in targets:
        if t.subject:
            last = t.subject
        elif last and t.op != "yes":
            t.subject = last
