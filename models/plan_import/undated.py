"""The deadline of a target whose own words name no year, from what the plan says around it.

Where a sentence names no year (``完成市下达目标`` in a table cell, ``力争新增光伏装机容量
19.2万千瓦`` in a task), the year is taken, in this order, from:

1. a five-year period the task's own text or its action's introduction names
   (“十四五” → 2025 counted from 2020, “十五五” → 2030 from 2025);
2. the appendix table's caption or target column (``“十四五”主要指标``, ``2025年目标``);
3. 主要目标, when it states the same measure with one deadline
   (``到2025年，单位地区生产总值能耗和二氧化碳排放完成市下达目标`` dates the table's
   ``单位地区生产总值能源消耗降低 | 完成市下达目标``);
4. else the peak year the plan names (2030 by the national plan).

An undated increment (新增) counts from the named period's base year, else from the
plan's own base year (the year its goals count reductions from, ``比2020年``, else the
end of the five-year period before the plan was adopted), else from the five-year
period before its deadline. The year stays a review item whichever way
it was found: the item says where it came from.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from models.plan_import.target import Target
from models.plan_import.vocabulary import PERIOD, PERIODS, YEAR

_RATE_TAIL = re.compile(r"(下降|降低)(率|幅度)?$|降幅$|(下降|降低)率$")
_SINCE_YEAR = re.compile(r"(?:比|较)(\d{4})年")
SAME_MEASURE = 0.8  # similarity of names from which a goal and a table row measure the same thing


@dataclass
class Dating:
    """A deadline found for undated words, the base year an increment counts from, and
    where both were found (for the review item)."""

    year: int
    base: int
    source: str
    base_source: str = ""  # where the base year came from, when not from ``source``


@dataclass
class Undated:
    peak: int  # the plan's peak year (or the national 2030)
    plan_base: int | None = None  # 比YYYY年 most used in the plan's goals
    goals: list[Target] = field(default_factory=list)  # 主要目标's dated targets

    def default(self) -> Dating:
        return self._dating(self.peak, f"方案的达峰年份{self.peak}年")

    def _base(self, year: int) -> int:
        """Where an undated increment to ``year`` counts from: the plan's base year, else the
        end of the five-year period before the one ``year`` falls in."""
        if self.plan_base is not None and self.plan_base < year:
            return self.plan_base
        return year - ((year - 2021) % 5) - 1

    def _dating(self, year: int, source: str) -> Dating:
        base = self._base(year)
        words = "方案的基期" if base == self.plan_base else f"{year}年所在五年规划期的基期"
        return Dating(year, base, source, words)

    def named_period(self, text: str, where: str) -> Dating | None:
        """A five-year period (or a year in a table caption) the text names."""
        p = PERIOD.search(text)
        if p and p.group(1) in PERIODS:
            year, _since, base = PERIODS[p.group(1)]
            return Dating(year, base, f"{where}所写的“{p.group(1)}”")
        return None

    def caption(self, text: str) -> Dating | None:
        found = self.named_period(text, "表题或目标列")
        if found:
            return found
        for m in YEAR.finditer(text):
            if text[max(0, m.start() - 1):m.start()] not in ("比", "较"):
                year = int(m.group(1))
                if 2000 <= year <= 2100:
                    return self._dating(year, f"表题或目标列所写的{year}年")
        return None

    def goal_of(self, name: str, target: Target) -> Dating | None:
        """The one deadline 主要目标 gives the same measure in the same kind of words (a
        pending target's for a pending one), if it gives exactly one."""
        core = _RATE_TAIL.sub("", name)
        years = sorted({t.year for t in self.goals if t.subject and not t.year_assumed
                        and bool(t.assigned_by) == bool(target.assigned_by)
                        and similarity(_RATE_TAIL.sub("", t.subject), core) >= SAME_MEASURE})
        if len(years) != 1:
            return None
        return self._dating(years[0], f"“主要目标”中同一指标的{years[0]}年")


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the character pairs of ``a`` and ``b`` (0 … 1)."""
    pa = {a[i:i + 2] for i in range(len(a) - 1)}
    pb = {b[i:i + 2] for i in range(len(b) - 1)}
    if not pa or not pb:
        return 1.0 if a and a == b else 0.0
    return 2 * len(pa & pb) / (len(pa) + len(pb))


def plan_base_year(text: str, adopted: str = "") -> int | None:
    """The base year the plan counts from: the one its goals name most (``比2020年下降
    13.5%``; not 比2005年, the national carbon-intensity base), else the end of the
    five-year period before the one it was adopted in (adopted 2022 → 2020)."""
    years = Counter(int(y) for y in _SINCE_YEAR.findall(text) if 2010 <= int(y) <= 2030)
    if years:
        return years.most_common(1)[0][0]
    if re.match(r"\d{4}", adopted):
        year = int(adopted[:4])
        return year - ((year - 2021) % 5) - 1
    return None


def date_targets(targets: list[Target], dating: Dating) -> None:
    """Set the year of targets whose words named none, and the base year of undated
    increments, from ``dating``; the review note says where the year came from."""
    for t in targets:
        if not t.year_assumed:
            continue
        t.year = dating.year
        t.year_from = dating.source
        if t.basis == "increment":
            t.baseline_year = dating.base
            t.notes = [f"“新增”没有写明起算年份：按 {dating.base} 年末起算（{dating.base_source or dating.source}），请核对"
                       if n.startswith("“新增”没有写明起算年份") else n for n in t.notes]
