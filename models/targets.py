"""Target engine: judging a value against a part's targets (序时进度 traffic lights).

``judge(part, period, value)`` is pure (no database, no Qt): it picks the target that
applies to the period, works out what the value should be by then and returns a
``Verdict`` (status, expected value, one Chinese sentence for clerks). The rules are
written out with worked examples in README（目标判断）; in short:

- the first target (of the part's binding targets; of its stretch targets when it has
  no binding one) whose year is at or after the period is judged; after the last
  deadline the last target is judged;
- at (or after) the deadline: plain comparison (floor ≥, ceiling ≤, band for 左右,
  是/否 for qualitative targets);
- before the deadline: the expected value is interpolated linearly by time from the
  start (the previous target, else the baseline, else 0 at the plan's first month for
  count milestones) to the target; completion = progress made ÷ progress expected;
  ≥ green_at → green, ≥ yellow_at → yellow, else red;
- 稳定在/保持在 (``stable``): the floor itself is compared in every year;
- 力争 (stretch): reported beside a met binding target, never makes anything red;
  a stretch-only target missed is yellow.

Time is measured in "year ends": a year period ``2026`` is the end of 2026 (2026.0),
a month period ``2026-10`` is 10/12 through 2026 (2025 + 10/12), a baseline or target
year Y is the end of year Y.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from models.plan import Part, Target
from forms.values import ValueProblem, fmt_number, normalize_text

STATUS_NAMES = {"green": "正常", "yellow": "预警", "red": "滞后", "grey": "待定", "invalid": "无效"}
STATUS_COLORS = {"green": "#16a34a", "yellow": "#d97706", "red": "#dc2626", "grey": "#6b7280",
                 "invalid": "#7c3aed"}
STATUSES = ("green", "yellow", "red", "grey", "invalid")
# Worst first: used to order and to summarise verdicts.
SEVERITY = {"red": 0, "yellow": 1, "grey": 2, "invalid": 2, "green": 3}

# Units that count things: milestones in these units start from 0 at the plan's first
# month when no baseline is entered.
COUNT_UNITS = ("个", "家", "座", "处", "项", "辆", "台", "套", "户", "条", "所", "栋")
# The plan's first reporting month (plan.first_month); Judge passes the loaded plan's.
DEFAULT_FIRST_MONTH = "2023-09"

_EXACT = 9  # decimals kept when comparing computed levels (removes float noise)


def describe_target(part: Part, t: Target) -> str:
    """A target in plain Chinese, e.g. “2030年≥20%”、“2030年比2020年下降10%”."""
    unit = t.unit
    if t.op == "yes":
        return f"{t.year}年{t.label or '完成'}"
    if t.value is None:
        return f"{t.year}年确保完成省下达指标"
    v = f"{fmt_number(t.value)}{unit}"
    if t.basis == "reduction_vs_baseline":
        text = f"{t.year}年比{t.baseline_year}年下降{v}"
    elif t.op == "approx":
        text = f"{t.year}年{v}左右"
    elif t.stable:
        text = f"到{t.year}年稳定在{v}以上"
    elif t.op == ">=":
        text = f"{t.year}年≥{v}"
    else:
        text = f"{t.year}年≤{v}"
    if t.kind == "stretch":
        text = "力争" + text
    return text


# ---------------------------------------------------------------------------
# Settings, baselines, verdicts


@dataclass(frozen=True)
class Rules:
    """Thresholds and tolerances (from the office settings)."""

    green_at: float = 100.0  # completion (%) at or above which a value is green
    yellow_at: float = 90.0  # completion (%) at or above which a value is yellow
    tolerance_pp: float = 1.0  # default band of 左右 targets in % units (percentage points)
    tolerance_rel: float = 0.02  # default band of other 左右 targets, as a fraction of the target
    tolerances: Mapping[str, float] = field(default_factory=dict)  # "I06a@2025" -> tolerance

    @classmethod
    def from_settings(cls, values: dict[str, Any]) -> Rules:
        """Rules from ``Settings.all()``; missing or unusable entries keep their defaults."""
        d = cls()

        def num(key: str, default: float) -> float:
            v = values.get(key, default)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                return default
            return float(v)

        tol: dict[str, float] = {}
        raw = values.get("tolerances") or {}
        if isinstance(raw, dict):
            for k, v in raw.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0:
                    tol[str(k)] = float(v)
        return cls(green_at=num("green_at", d.green_at), yellow_at=num("yellow_at", d.yellow_at),
                   tolerance_pp=num("tolerance_pp", d.tolerance_pp),
                   tolerance_rel=num("tolerance_rel", d.tolerance_rel), tolerances=tol)

    def tolerance(self, part: Part, t: Target, level: float) -> float:
        """Band half-width of a 左右 target: setting ``tolerances["<code>@<year>"]``, else the
        plan's ``tolerance``, else ±tolerance_pp points for %, ±tolerance_rel × target otherwise."""
        key = f"{part.code}@{t.year}"
        if key in self.tolerances:
            return float(self.tolerances[key])
        if t.tolerance is not None:
            return float(t.tolerance)
        if (t.unit or part.unit) == "%":
            return self.tolerance_pp
        return abs(level) * self.tolerance_rel

    def grade(self, completion: float) -> str:
        if completion >= self.green_at:
            return "green"
        if completion >= self.yellow_at:
            return "yellow"
        return "red"


@dataclass(frozen=True)
class Baseline:
    year: int
    value: float


@dataclass(frozen=True)
class Verdict:
    status: str  # "green" | "yellow" | "red" | "grey" | "invalid"
    expected: float | None  # expected value for the period (序时), or the target at the deadline
    message: str  # Chinese, one sentence, for clerks
    value: float | None = None
    target: Target | None = None  # the binding target judged
    completion: float | None = None  # percent of expected progress, when interpolated
    stretch_met: bool | None = None

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)

    @property
    def color(self) -> str:
        return STATUS_COLORS.get(self.status, STATUS_COLORS["grey"])


# ---------------------------------------------------------------------------
# Periods


_PERIOD = re.compile(r"(\d{4})\s*年?(?:\s*[-/.]?\s*(\d{1,2})\s*月?)?")


def parse_period(period: object) -> tuple[int, int | None]:
    """'2027' → (2027, None); '2026-10' / '2026年10月' / '2026/10' → (2026, 10).
    Raises ValueProblem (Chinese message) otherwise."""
    if isinstance(period, bool):
        raise ValueProblem(f"期间“{period}”无效，应为年份（如 2027）或月份（如 2026-10）")
    if isinstance(period, int):
        period = str(period)
    s = normalize_text(period)
    m = _PERIOD.fullmatch(s)
    if not m:
        raise ValueProblem(f"期间“{s[:20]}”无效，应为年份（如 2027）或月份（如 2026-10）")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    if not 1900 <= year <= 2200:
        raise ValueProblem(f"期间“{s[:20]}”的年份不合理")
    if month is not None and not 1 <= month <= 12:
        raise ValueProblem(f"期间“{s[:20]}”的月份应在1到12之间")
    return year, month


def period_time(year: int, month: int | None) -> float:
    """Position in year ends: the end of year Y is Y; month M of year Y is Y − 1 + M/12."""
    return float(year) if month is None else year - 1 + month / 12


def period_label(year: int, month: int | None) -> str:
    return f"{year}年" if month is None else f"{year}年{month}月"


def normalize_period(period: object) -> str:
    """'2026年10月' → '2026-10'; '2027年' → '2027'."""
    y, m = parse_period(period)
    return f"{y:04d}" if m is None else f"{y:04d}-{m:02d}"


# ---------------------------------------------------------------------------
# Formatting helpers


def value_text(part: Part, value: float | None) -> str:
    """A stored value as people read it: 是/否 for yes/no targets, else number and unit."""
    if value is None:
        return ""
    if part.qualitative:
        return "是" if value >= 1 else "否"
    return f"{fmt_number(value)}{part.unit}"


def round_expected(x: float, unit: str = "") -> float:
    """Expected values shown to people: 2 decimals; 4 for small intensities below 1
    (e.g. 0.4523 吨/万元); counts (个) are whole and rounded up, since 1392.86 charging
    piles on schedule means 1393 built."""
    if unit in COUNT_UNITS:
        return float(math.ceil(round(x, 6))) + 0.0
    small = abs(x) < 1 and unit != "%"
    r = round(x, 4) if small else round(x, 2)
    return r + 0.0  # no "-0.0"


def _q(v: float, unit: str) -> str:
    return f"{fmt_number(v)}{unit}"


def _gap(d: float, unit: str) -> str:
    """A difference: 个百分点 for % units, the unit otherwise."""
    d = round_expected(abs(d), unit)
    if unit == "%":
        return f"{fmt_number(d)}个百分点"
    return f"{fmt_number(d)}{unit}"


def _pct(c: float) -> str:
    return f"{fmt_number(round(c, 1))}%"


def _subject(part: Part, when: str) -> str:
    cumulative = "累计" if part.is_milestone and part.unit in COUNT_UNITS else ""
    return f"{when}{part.name}{cumulative}"


# ---------------------------------------------------------------------------
# Judging


@dataclass(frozen=True)
class _Level:
    """A target made concrete: the level to reach and the words for it."""

    target: Target
    level: float
    better: str  # "higher" | "lower"
    text: str  # e.g. "目标17.5%", "控制目标0.9吨/万元", "比2020年下降10%的目标"
    detail: str = ""  # e.g. "不高于81.9千克CO₂/百吨公里" (the level of a reduction target)

    def words(self, stretch: bool = False) -> str:
        """The target with its level: "目标17.5%", "比2020年下降10%的目标（不高于81.9…）"."""
        return ("力争" if stretch else "") + self.text + (f"（{self.detail}）" if self.detail else "")

    def note(self, stretch: bool = False) -> str:
        """For the end of a sentence: "（2030年目标20%）"."""
        d = f"，即{self.detail}" if self.detail else ""
        return f"（{self.target.year}年{'力争' if stretch else ''}{self.text}{d}）"


def _better(part: Part, t: Target) -> str:
    if t.op == ">=":
        return "higher"
    if t.op == "<=":
        return "lower"
    return "lower" if part.direction == "lower" else "higher"


def _chain(part: Part) -> tuple[list[Target], bool]:
    """The targets judged in turn (binding ones; stretch ones when there is no binding one),
    by year, and whether they are stretch-only."""
    binding = sorted((t for t in part.targets if t.kind == "binding"), key=lambda t: t.year)
    if binding:
        return binding, False
    return sorted(part.targets, key=lambda t: t.year), True


def _meets(v: float, level: float, better: str) -> bool:
    return v >= level if better == "higher" else v <= level


class _Grey(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _resolve(part: Part, t: Target, baseline: Baseline | None, override: float | None,
             unit: str) -> _Level:
    """The concrete level of target ``t``; raises _Grey when it cannot be known yet."""
    raw = t.value if override is None else float(override)
    better = _better(part, t)
    if raw is None:
        raise _Grey(f"{t.year}年目标为“确保完成省下达指标”，省级指标尚未下达，"
                    f"请领导小组办公室在设置中录入{part.code}的目标值")
    if t.basis == "reduction_vs_baseline":
        by = t.baseline_year
        if baseline is None:
            raise _Grey(f"目标是比{by}年下降{_q(raw, t.unit)}，"
                        f"请领导小组办公室在设置中录入{part.code}的{by}年基期值")
        if by is not None and baseline.year != by:
            raise _Grey(f"目标以{by}年为基期，但录入的基期是{baseline.year}年，"
                        f"请领导小组办公室在设置中核对{part.code}的基期值")
        level = round(baseline.value * (1 - raw / 100), _EXACT)
        bound = "不高于" if better == "lower" else "不低于"
        return _Level(t, level, better, f"比{by}年下降{_q(raw, t.unit)}的目标",
                      f"{bound}{_q(round_expected(level, unit), unit)}")
    level = float(raw)
    if t.op == "approx":
        text = f"目标{_q(level, unit)}左右"
    elif better == "lower":
        text = f"控制目标{_q(level, unit)}"
    else:
        text = f"目标{_q(level, unit)}"
    return _Level(t, level, better, text)


def judge(part: Part, period: str, value: float | bool | None, *, baseline: Baseline | None = None,
          rules: Rules = Rules(), target_value: float | None = None,
          first_month: str = DEFAULT_FIRST_MONTH) -> Verdict:
    """Judge ``value`` of ``part`` for ``period`` ('YYYY' or 'YYYY-MM').

    ``baseline``: the part's baseline (year, value), if entered. ``target_value`` fills a
    pending target or overrides the value (``Target.value``; the reduction percent for
    "比…下降" targets) of the target judged. ``first_month``: the plan's first month,
    where count milestones without a baseline start from 0."""
    try:
        year, month = parse_period(period)
    except ValueProblem as exc:
        return Verdict("invalid", None, str(exc))
    unit = part.unit
    when = period_label(year, month)
    subject = _subject(part, when)
    v: float | None
    if value is None:
        v = None
    elif isinstance(value, bool):
        v = 1.0 if value else 0.0
    else:
        try:
            v = float(value)
        except (TypeError, ValueError):
            return Verdict("invalid", None, f"{subject}的数值“{str(value)[:20]}”不是数字")
        if not math.isfinite(v):
            return Verdict("invalid", None, f"{subject}的数值不是有效的数字")

    if part.monitor or not part.targets:
        if v is None:
            return Verdict("grey", None, f"{subject}尚未填报（仅监测，不作判断）")
        shown = _q(v, unit) if not part.qualitative else ("是" if v >= 1 else "否")
        return Verdict("grey", None, f"{subject}{shown}，已记录（仅监测，不作判断）", value=v)

    chain, stretch_only = _chain(part)
    t_now = period_time(year, month)
    idx = next((i for i, t in enumerate(chain) if t_now <= t.year), len(chain) - 1)
    target = chain[idx]
    at_deadline = t_now >= target.year

    if part.qualitative or target.op == "yes":
        return _judge_yes(part, target, v, subject, at_deadline, stretch_only)

    try:
        lvl = _resolve(part, target, baseline, target_value, unit)
    except _Grey as g:
        return Verdict("grey", None, f"{subject}{_q(v, unit) + '，' if v is not None else ''}"
                       f"暂不能判断：{g.message}", value=v, target=target)

    if at_deadline or target.stable:
        return _judge_plain(part, lvl, v, subject, rules, at_deadline, stretch_only, baseline)

    # -- before the deadline: interpolate from the start --------------------------------
    start = _start(part, chain, idx, baseline, first_month, unit)
    if start is None:
        need = (f"请领导小组办公室在设置中录入{part.code}的基期值（年份和数值）")
        msg = f"{subject}{_q(v, unit) + '，' if v is not None else ''}暂不能判断序时进度：{need}"
        return Verdict("grey", None, msg, value=v, target=target)
    s_time, s_value, s_text = start
    if t_now < s_time:
        msg = (f"{subject}早于{s_text}，无法按序时进度判断"
               f"{'（数值' + _q(v, unit) + '已记录）' if v is not None else ''}")
        return Verdict("grey", None, msg, value=v, target=target)
    if _meets(s_value, lvl.level, lvl.better):
        # The start already meets the target: the floor (ceiling) itself is compared.
        return _judge_plain(part, lvl, v, subject, rules, False, stretch_only, baseline)

    frac = (t_now - s_time) / (target.year - s_time)
    expected = s_value + frac * (lvl.level - s_value)
    exp_shown = round_expected(expected, unit)
    reach = "应达到" if lvl.better == "higher" else "应降至"
    if v is None:
        return Verdict("grey", exp_shown, f"{subject}尚未填报（序时进度{reach}{_q(exp_shown, unit)}）",
                       target=target)
    if expected == s_value:
        completion = 100.0 if _meets(v, s_value, lvl.better) else -100.0
    else:
        completion = round((v - s_value) / (expected - s_value) * 100, 4)
    status = rules.grade(completion)
    if stretch_only and status == "red":
        status = "yellow"
    diff = v - expected
    target_note = lvl.note(stretch_only)
    if status == "green":
        ahead = (diff > 0) if lvl.better == "higher" else (diff < 0)
        if ahead and round_expected(abs(diff), unit) > 0:
            msg = (f"{subject}{_q(v, unit)}，快于序时进度（{reach}{_q(exp_shown, unit)}），"
                   f"完成序时进度的{_pct(completion)}{target_note}")
        else:
            msg = f"{subject}{_q(v, unit)}，达到序时进度{reach}的{_q(exp_shown, unit)}{target_note}"
    else:
        side = "低于" if lvl.better == "higher" else "高于"
        if completion < 0:
            done = f"较{s_text}的{_q(round_expected(s_value, unit), unit)}" + \
                ("不升反降" if lvl.better == "higher" else "不降反升")
        else:
            done = f"完成序时进度的{_pct(completion)}"
        msg = (f"{subject}{_q(v, unit)}，{side}序时进度{reach}的{_q(exp_shown, unit)}，"
               f"差{_gap(diff, unit)}，{done}{target_note}")
        if stretch_only:
            msg += "；力争性目标，未达到不计为滞后"
    stretch_met = _stretch(part, lvl, v, baseline, unit)[0] if not stretch_only else None
    return Verdict(status, exp_shown, msg, value=v, target=target, completion=completion,
                   stretch_met=stretch_met)


def _start(part: Part, chain: list[Target], idx: int, baseline: Baseline | None, first_month: str,
           unit: str) -> tuple[float, float, str] | None:
    """(time, value, words) where progress toward chain[idx] starts, or None."""
    if idx > 0:
        prev = chain[idx - 1]
        try:
            lvl = _resolve(part, prev, baseline, None, unit)
            return float(prev.year), lvl.level, f"{prev.year}年目标"
        except _Grey:
            pass
    if baseline is not None:
        return float(baseline.year), float(baseline.value), f"基期{baseline.year}年"
    if part.is_milestone and unit in COUNT_UNITS:
        try:
            y, m = parse_period(first_month)
        except ValueProblem:
            return None
        if m is None:
            m = 1
        # 0 at the start of the first month, i.e. at the end of the month before.
        return period_time(y, m) - 1 / 12, 0.0, f"方案实施首月{y}年{m}月"
    return None


def _stretch(part: Part, lvl: _Level, v: float | None, baseline: Baseline | None,
             unit: str) -> tuple[bool | None, str]:
    """Whether a stretch target of the same year as the judged binding one is reached,
    and a clause for the message."""
    if v is None:
        return None, ""
    for st in part.targets:
        if st.kind != "stretch" or st.year != lvl.target.year or st.op == "yes":
            continue
        try:
            sl = _resolve(part, st, baseline, None, unit)
        except _Grey:
            continue
        met = _meets(v, sl.level, sl.better)
        words = sl.words(stretch=True)
        if met:
            return True, f"，{words}已达到"
        return False, f"，尚未达到{words}（差{_gap(v - sl.level, unit)}）"
    return None, ""


def _judge_plain(part: Part, lvl: _Level, v: float | None, subject: str, rules: Rules,
                 at_deadline: bool, stretch_only: bool, baseline: Baseline | None) -> Verdict:
    """Compare with the target level itself: at the deadline, for stable floors, or when
    the start already meets the target."""
    t = lvl.target
    unit = part.unit
    expected = round_expected(lvl.level, unit)
    if v is None:
        return Verdict("grey", expected, f"{subject}尚未填报{lvl.note()}", target=t)
    ltext = lvl.words(stretch_only)
    if t.op == "approx":
        tol = rules.tolerance(part, t, lvl.level)
        band = f"{_q(lvl.level, unit)}±{_gap(tol, unit)}"
        d = round(v - lvl.level, _EXACT)
        if at_deadline:
            if abs(d) <= round(tol, _EXACT):
                status, msg = "green", f"{subject}{_q(v, unit)}，在{ltext}的范围内（{band}）"
            elif (d > 0) == (lvl.better == "higher"):
                status, msg = "green", (f"{subject}{_q(v, unit)}，高于目标区间（{band}），超额完成"
                                        if lvl.better == "higher" else
                                        f"{subject}{_q(v, unit)}，低于目标区间（{band}），优于目标")
            else:
                side = "低于" if lvl.better == "higher" else "高于"
                gap = abs(d) - tol
                status = "yellow" if stretch_only else "red"
                msg = f"{subject}{_q(v, unit)}，{side}目标区间（{band}），差{_gap(gap, unit)}"
            return Verdict(status, expected, msg, value=v, target=t,
                           stretch_met=(status == "green") if stretch_only else None)
    met = _meets(v, lvl.level, lvl.better)
    stretch_met, stretch_clause = (None, "") if stretch_only else _stretch(part, lvl, v, baseline, unit)
    if t.stable and not at_deadline:
        keep = "以上" if lvl.better == "higher" else "以下"
        if met:
            msg = f"{subject}{_q(v, unit)}，保持在{_q(lvl.level, unit)}{keep}（{t.year}年前须稳定保持）"
            return Verdict("green", expected, msg + stretch_clause, value=v, target=t,
                           stretch_met=stretch_met)
        side = "低于" if lvl.better == "higher" else "高于"
        msg = (f"{subject}{_q(v, unit)}，{side}应稳定保持的{_q(lvl.level, unit)}，"
               f"差{_gap(v - lvl.level, unit)}")
        return Verdict("yellow" if stretch_only else "red", expected, msg, value=v, target=t,
                       stretch_met=False if stretch_only else stretch_met)
    if met:
        if at_deadline:
            msg = f"{subject}{_q(v, unit)}，达到{ltext}"
        else:
            msg = f"{subject}{_q(v, unit)}，已达到{t.year}年{ltext}"
        return Verdict("green", expected, msg + stretch_clause, value=v, target=t,
                       stretch_met=True if stretch_only else stretch_met)
    if at_deadline:
        msg = f"{subject}{_q(v, unit)}，未达到{t.year}年{ltext}，差{_gap(v - lvl.level, unit)}"
    else:
        side = "低于" if lvl.better == "higher" else "高于"
        msg = (f"{subject}{_q(v, unit)}，{side}{t.year}年{ltext}，差{_gap(v - lvl.level, unit)}"
               "（起点已达到目标，按目标值比较）")
    if stretch_only:
        msg += "；力争性目标，未达到不计为滞后"
        return Verdict("yellow", expected, msg, value=v, target=t, stretch_met=False)
    return Verdict("red", expected, msg, value=v, target=t, stretch_met=stretch_met)


def _judge_yes(part: Part, t: Target, v: float | None, subject: str, at_deadline: bool,
               stretch_only: bool) -> Verdict:
    label = t.label or part.name
    if v is None:
        return Verdict("grey", None, f"{subject}尚未填报（目标：{t.year}年{label}）", target=t)
    if v >= 1:
        return Verdict("green", None, f"{subject}：已实现（{t.year}年{label}）", value=v, target=t,
                       stretch_met=True if stretch_only else None)
    if not at_deadline:
        return Verdict("yellow", None, f"{subject}：尚未实现，须在{t.year}年底前{label}",
                       value=v, target=t, stretch_met=False if stretch_only else None)
    status = "yellow" if stretch_only else "red"
    return Verdict(status, None, f"{subject}：未实现，{t.year}年{label}的目标期限已到",
                   value=v, target=t, stretch_met=False if stretch_only else None)
