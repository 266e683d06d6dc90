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

Statuses, rules, baselines and the verdict record: ``models/target_rules.py``;
periods: ``models/periods.py``; targets and values in words: ``models/target_words.py``;
a target's concrete level: ``models/target_levels.py``.
"""

from __future__ import annotations

import math
import re

from models.authority import PUBLIC, rule
from models.periods import parse_period, period_label, period_time
from models.plan import Part, Target
from models.target_levels import (EXACT_DECIMALS, Level, LevelUnknown, meets, range_text, resolve_level,
                                  target_chain)
from models.target_direction import judge_direction
from models.target_rules import Baseline, Previous, Rules, Verdict
from models.target_words import (COUNT_UNITS, amount_text, gap_text, percent_text, round_expected,
                                 subject_text)
from forms.values import ValueProblem

# A part named as a reduction (…能耗降低, …下降率, 降幅)
_RATE_NAME = re.compile(r"(下降|降低)(率|幅度)?$|降幅$")

# The plan's first reporting month (plan.first_month); Judge passes the loaded plan's.
DEFAULT_FIRST_MONTH = "2023-09"


@rule(PUBLIC)
def judge(part: Part, period: str, value: float | bool | None, *, baseline: Baseline | None = None,
          rules: Rules = Rules(), target_value: float | None = None,
          first_month: str = DEFAULT_FIRST_MONTH, previous: Previous | None = None) -> Verdict:
    """Judge ``value`` of ``part`` for ``period`` ('YYYY' or 'YYYY-MM').

    ``value`` is what clerks enter: the part's own figure, or its reduction rate (% 下降率
    against the base year) for a part with ``entered_as = "reduction_rate"``.
    ``baseline``: the part's baseline (year, value), if entered. ``target_value`` fills a
    pending target or overrides the value (``Target.value``; the reduction percent for
    "比…下降" targets) of the target judged. ``first_month``: the plan's first month,
    where count milestones without a baseline start from 0. ``previous``: the value of
    the same period a year earlier, for direction-only targets (进一步下降)."""
    try:
        year, month = parse_period(period)
    except ValueProblem as exc:
        return Verdict("invalid", None, str(exc))
    unit = part.entry_unit
    when = period_label(year, month)
    subject = subject_text(part, when)
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
        shown = amount_text(v, unit) if not part.qualitative else ("是" if v >= 1 else "否")
        return Verdict("grey", None, f"{subject}{shown}，已记录（仅监测，不作判断）", value=v)

    chain, stretch_only = target_chain(part)
    t_now = period_time(year, month)
    idx = next((i for i, t in enumerate(chain) if t_now <= t.year), len(chain) - 1)
    target = chain[idx]
    at_deadline = t_now >= target.year
    subject = subject_text(part, when, target)

    if part.qualitative or target.op == "yes":
        return _judge_yes(part, target, v, subject, at_deadline, stretch_only)
    if target.direction_only:
        return judge_direction(part, target, v, previous, subject, stretch_only)

    try:
        lvl = resolve_level(part, target, baseline, target_value, unit)
    except LevelUnknown as g:
        return Verdict("grey", None, f"{subject}{amount_text(v, unit) + '，' if v is not None else ''}"
                       f"暂不能判断：{g.message}", value=v, target=target)

    if at_deadline or target.stable:
        return _judge_plain(part, lvl, v, subject, rules, at_deadline, stretch_only, baseline)

    # -- before the deadline: interpolate from the start --------------------------------
    start = _start(part, chain, idx, baseline, first_month, unit)
    if start is None:
        need = (f"请领导小组办公室在设置中录入{part.code}的基期值（年份和数值）")
        if _RATE_NAME.search(part.name) and not part.as_rate:
            # 单位地区生产总值能耗降低 with a plain floor: a rate of unknown base year
            need = ("该指标是下降率，但计划文件中的目标没有写明比哪一年下降，序时进度无从算起；"
                    f"请在计划中把{part.code}的目标改为“比YYYY年下降X%”（按下降率填报）")
        msg = f"{subject}{amount_text(v, unit) + '，' if v is not None else ''}暂不能判断序时进度：{need}"
        return Verdict("grey", None, msg, value=v, target=target)
    s_time, s_value, s_text = start
    if t_now < s_time - 1e-9 or (target.basis == "cumulative" and t_now <= s_time + 1e-9):
        msg = (f"{subject}早于{s_text}，无法按序时进度判断"
               f"{'（数值' + amount_text(v, unit) + '已记录）' if v is not None else ''}")
        return Verdict("grey", None, msg, value=v, target=target)
    if meets(s_value, lvl.level, lvl.better):
        # The start already meets the target: the floor (ceiling) itself is compared.
        return _judge_plain(part, lvl, v, subject, rules, False, stretch_only, baseline)

    frac = (t_now - s_time) / (target.year - s_time)
    expected = s_value + frac * (lvl.level - s_value)
    exp_shown = round_expected(expected, unit)
    reach = "应下降" if part.as_rate else "应达到" if lvl.better == "higher" else "应降至"
    if v is None:
        return Verdict("grey", exp_shown, f"{subject}尚未填报（序时进度{reach}{amount_text(exp_shown, unit)}）",
                       target=target)
    if expected == s_value:
        completion = 100.0 if meets(v, s_value, lvl.better) else -100.0
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
            msg = (f"{subject}{amount_text(v, unit)}，快于序时进度（{reach}{amount_text(exp_shown, unit)}），"
                   f"完成序时进度的{percent_text(completion)}{target_note}")
        else:
            msg = f"{subject}{amount_text(v, unit)}，达到序时进度{reach}的{amount_text(exp_shown, unit)}{target_note}"
    else:
        side = "低于" if lvl.better == "higher" else "高于"
        if completion < 0:
            done = f"较{s_text}的{amount_text(round_expected(s_value, unit), unit)}" + \
                ("不升反降" if lvl.better == "higher" else "不降反升")
        else:
            done = f"完成序时进度的{percent_text(completion)}"
        msg = (f"{subject}{amount_text(v, unit)}，{side}序时进度{reach}的{amount_text(exp_shown, unit)}，"
               f"差{gap_text(diff, unit)}，{done}{target_note}")
        if stretch_only:
            msg += "；力争性目标，未达到不计为滞后"
    stretch_met = _stretch(part, lvl, v, baseline, unit)[0] if not stretch_only else None
    return Verdict(status, exp_shown, msg, value=v, target=target, completion=completion,
                   stretch_met=stretch_met)


def _start(part: Part, chain: list[Target], idx: int, baseline: Baseline | None, first_month: str,
           unit: str) -> tuple[float, float, str] | None:
    """(time, value, words) where progress toward chain[idx] starts, or None: the previous
    target of the same kind, else where the kind starts (a cumulative period at 0 in the
    month before ``since``; a reduction rate at 0 at the base year; the baseline; 0 at
    the plan's first month for count milestones)."""
    target = chain[idx]
    if idx > 0:
        prev = chain[idx - 1]
        if (prev.basis, prev.since, prev.baseline_year) == (target.basis, target.since, target.baseline_year) \
                and not prev.direction_only:
            try:
                lvl = resolve_level(part, prev, baseline, None, unit)
                return float(prev.year), lvl.level, f"{prev.year}年目标"
            except LevelUnknown:
                pass
    if target.basis == "cumulative" and target.since:
        sy, sm = int(target.since[:4]), int(target.since[5:7])
        return period_time(sy, sm) - 1 / 12, 0.0, f"累计起始月份{sy}年{sm}月"
    if target.basis == "reduction_vs_baseline" and part.as_rate and target.baseline_year is not None:
        return float(target.baseline_year), 0.0, f"基期{target.baseline_year}年"
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


def _stretch(part: Part, lvl: Level, v: float | None, baseline: Baseline | None,
             unit: str) -> tuple[bool | None, str]:
    """Whether a stretch target of the same year as the judged binding one is reached,
    and a clause for the message."""
    if v is None:
        return None, ""
    for st in part.targets:
        if st.kind != "stretch" or st.year != lvl.target.year or st.op == "yes":
            continue
        try:
            sl = resolve_level(part, st, baseline, None, unit)
        except LevelUnknown:
            continue
        met = meets(v, sl.level, sl.better)
        words = sl.words(stretch=True)
        if met:
            return True, f"，{words}已达到"
        return False, f"，尚未达到{words}（差{gap_text(v - sl.level, unit)}）"
    return None, ""


def _judge_plain(part: Part, lvl: Level, v: float | None, subject: str, rules: Rules,
                 at_deadline: bool, stretch_only: bool, baseline: Baseline | None) -> Verdict:
    """Compare with the target level itself: at the deadline, for stable floors, or when
    the start already meets the target."""
    t = lvl.target
    unit = part.entry_unit
    expected = round_expected(lvl.level, unit)
    if v is None:
        return Verdict("grey", expected, f"{subject}尚未填报{lvl.note()}", target=t)
    ltext = lvl.words(stretch_only)
    if lvl.band is not None:
        return _judge_range(part, lvl, v, subject, at_deadline, stretch_only)
    if t.op == "approx":
        tol = rules.tolerance(part, t, lvl.level)
        band = f"{amount_text(lvl.level, unit)}±{gap_text(tol, unit)}"
        d = round(v - lvl.level, EXACT_DECIMALS)
        if at_deadline:
            if abs(d) <= round(tol, EXACT_DECIMALS):
                status, msg = "green", f"{subject}{amount_text(v, unit)}，在{ltext}的范围内（{band}）"
            elif (d > 0) == (lvl.better == "higher"):
                status, msg = "green", (f"{subject}{amount_text(v, unit)}，高于目标区间（{band}），超额完成"
                                        if lvl.better == "higher" else
                                        f"{subject}{amount_text(v, unit)}，低于目标区间（{band}），优于目标")
            else:
                side = "低于" if lvl.better == "higher" else "高于"
                gap = abs(d) - tol
                status = "yellow" if stretch_only else "red"
                msg = f"{subject}{amount_text(v, unit)}，{side}目标区间（{band}），差{gap_text(gap, unit)}"
            return Verdict(status, expected, msg, value=v, target=t,
                           stretch_met=(status == "green") if stretch_only else None)
    met = meets(v, lvl.level, lvl.better)
    stretch_met, stretch_clause = (None, "") if stretch_only else _stretch(part, lvl, v, baseline, unit)
    if t.stable and not at_deadline:
        keep = "以上" if lvl.better == "higher" else "以下"
        if met:
            msg = f"{subject}{amount_text(v, unit)}，保持在{amount_text(lvl.level, unit)}{keep}（{t.year}年前须稳定保持）"
            return Verdict("green", expected, msg + stretch_clause, value=v, target=t,
                           stretch_met=stretch_met)
        side = "低于" if lvl.better == "higher" else "高于"
        msg = (f"{subject}{amount_text(v, unit)}，{side}应稳定保持的{amount_text(lvl.level, unit)}，"
               f"差{gap_text(v - lvl.level, unit)}")
        return Verdict("yellow" if stretch_only else "red", expected, msg, value=v, target=t,
                       stretch_met=False if stretch_only else stretch_met)
    if met:
        if at_deadline:
            msg = f"{subject}{amount_text(v, unit)}，达到{ltext}"
        else:
            msg = f"{subject}{amount_text(v, unit)}，已达到{lvl.dated(stretch_only)}"
        return Verdict("green", expected, msg + stretch_clause, value=v, target=t,
                       stretch_met=True if stretch_only else stretch_met)
    if at_deadline:
        msg = f"{subject}{amount_text(v, unit)}，未达到{lvl.dated(stretch_only)}，差{gap_text(v - lvl.level, unit)}"
    else:
        side = "低于" if lvl.better == "higher" else "高于"
        msg = (f"{subject}{amount_text(v, unit)}，{side}{lvl.dated(stretch_only)}，差{gap_text(v - lvl.level, unit)}"
               "（起点已达到目标，按目标值比较）")
    if stretch_only:
        msg += "；力争性目标，未达到不计为滞后"
        return Verdict("yellow", expected, msg, value=v, target=t, stretch_met=False)
    return Verdict("red", expected, msg, value=v, target=t, stretch_met=stretch_met)


def _judge_range(part: Part, lvl: Level, v: float, subject: str, at_deadline: bool,
                 stretch_only: bool) -> Verdict:
    """A range target (60%—65%): inside the band, or beyond it on the better side, is met;
    short of the band's near edge is not (red at the deadline, when the start already
    met the target; yellow for a stretch-only target)."""
    assert lvl.band is not None
    unit = part.entry_unit
    low, high = lvl.band
    band = range_text(lvl.band, unit)
    t = lvl.target
    expected = round_expected(lvl.level, unit)
    shown = f"{subject}{amount_text(v, unit)}"
    if low - 1e-9 <= v <= high + 1e-9:
        return Verdict("green", expected, f"{shown}，在{t.year}年目标区间（{band}）内", value=v, target=t,
                       stretch_met=True if stretch_only else None)
    if meets(v, lvl.level, lvl.better):
        side = "高于" if lvl.better == "higher" else "低于"
        return Verdict("green", expected, f"{shown}，{side}{t.year}年目标区间（{band}），超额完成", value=v,
                       target=t, stretch_met=True if stretch_only else None)
    side = "低于" if lvl.better == "higher" else "高于"
    msg = f"{shown}，{side}{t.year}年目标区间（{band}），差{gap_text(v - lvl.level, unit)}"
    if not at_deadline:
        msg += "（起点已达到目标，按目标值比较）"
    if stretch_only:
        return Verdict("yellow", expected, msg + "；力争性目标，未达到不计为滞后", value=v, target=t,
                       stretch_met=False)
    return Verdict("red", expected, msg, value=v, target=t)


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
