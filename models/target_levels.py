"""A target made concrete: the level a value must reach, and on which side is better.

``target_chain`` gives the targets judged in turn; ``resolve_level`` turns one target
into a ``Level`` (the number, higher or lower is better, and the words for it), using
the part's baseline for "比…下降" targets and the office's value for pending ones. When
the level cannot be known yet it raises ``LevelUnknown`` with the Chinese reason; the
judge (``models/targets.py``) reports that as a grey verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.authority import PUBLIC, rule
from models.plan import Part, Target
from models.target_rules import Baseline
from models.target_words import amount_text, round_expected, since_text

EXACT_DECIMALS = 9  # decimals kept when comparing computed levels (removes float noise)


@rule(PUBLIC)
@dataclass(frozen=True)
class Level:
    """A target made concrete: the level to reach and the words for it."""

    target: Target
    level: float
    better: str  # "higher" | "lower"
    text: str  # e.g. "目标17.5%", "控制目标0.9吨/万元", "比2020年下降10%的目标"
    detail: str = ""  # e.g. "不高于81.9千克CO₂/百吨公里" (the level of a reduction target)
    band: tuple[float, float] | None = None  # (low, high) of a range target (60%—65%)

    def words(self, stretch: bool = False) -> str:
        """The target with its level: "目标17.5%", "比2020年下降10%的目标（不高于81.9…）"."""
        return ("力争" if stretch else "") + self.text + (f"（{self.detail}）" if self.detail else "")

    @property
    def has_year(self) -> bool:
        """The words already say the period ("2021年1月至2025年累计目标40万平方米")."""
        return self.target.basis == "cumulative"

    def dated(self, stretch: bool = False) -> str:
        """The target with its year: "2030年目标20%"."""
        return ("" if self.has_year else f"{self.target.year}年") + self.words(stretch)

    def note(self, stretch: bool = False) -> str:
        """For the end of a sentence: "（2030年目标20%）"."""
        d = f"，即{self.detail}" if self.detail else ""
        year = "" if self.has_year else f"{self.target.year}年"
        return f"（{year}{'力争' if stretch else ''}{self.text}{d}）"


@rule(PUBLIC)
def better_of(part: Part, t: Target) -> str:
    """Which side of target ``t`` is better: "higher" or "lower". A reduction against a
    base year is a floor on the reduction whichever way ``op`` is written (下降X%以上):
    the intensity is better lower, its reduction rate (``entered_as``) higher."""
    if t.basis == "reduction_vs_baseline":
        return "higher" if part.as_rate else "lower"
    if t.op == "decrease":
        return "higher" if part.as_rate else "lower"
    if t.op == "increase":
        return "lower" if part.as_rate else "higher"
    if t.op == ">=":
        return "higher"
    if t.op == "<=":
        return "lower"
    return "lower" if part.direction == "lower" else "higher"


@rule(PUBLIC)
def target_chain(part: Part) -> tuple[list[Target], bool]:
    """The targets judged in turn (binding ones; stretch ones when there is no binding one),
    by year, and whether they are stretch-only."""
    binding = sorted((t for t in part.targets if t.kind == "binding"), key=lambda t: t.year)
    if binding:
        return binding, False
    return sorted(part.targets, key=lambda t: t.year), True


@rule(PUBLIC)
def meets(v: float, level: float, better: str) -> bool:
    """Whether ``v`` reaches ``level`` on the ``better`` side."""
    return v >= level if better == "higher" else v <= level


@rule(PUBLIC)
class LevelUnknown(Exception):
    """The level of a target cannot be known yet; ``message`` says what is missing."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@rule(PUBLIC)
def resolve_level(part: Part, t: Target, baseline: Baseline | None, override: float | None,
                  unit: str) -> Level:
    """The concrete level of target ``t``; raises LevelUnknown when it cannot be known yet.
    ``unit`` is the unit of what is entered (``Part.entry_unit``)."""
    raw = t.value if override is None else float(override)
    better = better_of(part, t)
    if raw is None:
        body = t.assigned_by or part.assigned_by or "上级"
        raise LevelUnknown(f"{t.year}年目标为“确保完成{body}下达指标”，{body}级指标尚未下达，"
                           f"请领导小组办公室在设置中录入{part.code}的目标值")
    if t.basis == "reduction_vs_baseline":
        by = t.baseline_year
        words = f"比{by}年下降{amount_text(raw, '%')}" + ("左右" if t.op == "approx" else "")
        if part.as_rate:
            # Clerks enter the published 下降率: the reduction itself is compared.
            return Level(t, float(raw), "higher", f"{words}的目标")
        if baseline is None:
            raise LevelUnknown(f"目标是{words}，请领导小组办公室在设置中录入{part.code}的{by}年基期值")
        if by is not None and baseline.year != by:
            raise LevelUnknown(f"目标以{by}年为基期，但录入的基期是{baseline.year}年，"
                               f"请领导小组办公室在设置中核对{part.code}的基期值")
        level = round(baseline.value * (1 - raw / 100), EXACT_DECIMALS)
        return Level(t, level, better, f"{words}的目标",
                     f"不高于{amount_text(round_expected(level, unit), unit)}")
    if t.basis == "increment":
        by = t.baseline_year
        words = f"比{by}年新增{amount_text(raw, unit)}"
        if baseline is None:
            raise LevelUnknown(f"目标是{words}，请领导小组办公室在设置中录入{part.code}的{by}年基期值"
                               f"（{by}年末的数值）")
        if by is not None and baseline.year != by:
            raise LevelUnknown(f"目标以{by}年为基期，但录入的基期是{baseline.year}年，"
                               f"请领导小组办公室在设置中核对{part.code}的基期值")
        level = round(baseline.value + raw, EXACT_DECIMALS)
        bound = "达到" if better == "higher" else "不高于"
        return Level(t, level, better, f"{words}的目标", f"{bound}{amount_text(round_expected(level, unit), unit)}")
    level = float(raw)
    cumul = f"{since_text(t.since)}至{t.year}年累计" if t.basis == "cumulative" else ""
    if t.op == "range":
        high = float(t.value_high if t.value_high is not None else raw)
        band = (min(level, high), max(level, high))
        edge = band[0] if better == "higher" else band[1]
        return Level(t, edge, better, f"{cumul}目标{range_text(band, unit)}", band=band)
    if t.op == "approx":
        text = f"{cumul}目标{amount_text(level, unit)}左右"
    elif better == "lower":
        text = f"{cumul}控制目标{amount_text(level, unit)}"
    else:
        text = f"{cumul}目标{amount_text(level, unit)}"
    return Level(t, level, better, text)


@rule(PUBLIC)
def range_text(band: tuple[float, float], unit: str) -> str:
    """“60%—65%”."""
    return f"{amount_text(band[0], unit)}—{amount_text(band[1], unit)}"
