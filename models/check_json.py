"""The ``check --json`` command's items: one JSON object judged, every problem an
"invalid" verdict with a Chinese message naming the item.

An item is {code, period, value[, baseline][, target][, previous]}: ``baseline``,
``target`` and ``previous`` replace the stored baseline, the pending target's value and
the previous year's value (for direction-only targets). ``Judge.check_item`` calls
``check_item`` here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from models.authority import PUBLIC, rule
from models.periods import normalize_period, parse_period
from models.target_direction import previous_period
from models.target_rules import Baseline, Previous, Verdict
from forms.values import ValueProblem, parse_number

if TYPE_CHECKING:
    from models.checking import Judge


@rule(PUBLIC, why="judges the values it is given against the plan's targets")
def check_item(judge: Judge, item: object, index: int = 1) -> dict[str, Any]:
    """One item of ``check --json``: {code, period, value[, baseline][, target][, previous]} →
    {code, period, status, expected, message}. Problems give status "invalid"."""
    where = f"第{index}项"
    if not isinstance(item, dict):
        return _out(None, None, Verdict("invalid", None,
                                        f"{where}应为对象（{{\"code\": …, \"period\": …, \"value\": …}}）"))
    code, period = item.get("code"), item.get("period")
    if not isinstance(code, str) or not code.strip():
        return _out(code, period, Verdict("invalid", None, f"{where}缺少编码（code），例如“I01”"))
    code = code.strip()
    if isinstance(period, bool) or not isinstance(period, (str, int)):
        return _out(code, period, Verdict("invalid", None,
                                          f"{where}（{code}）缺少期间（period），例如“2027”或“2026-10”"))
    try:
        parse_period(period)
        period = normalize_period(period)
    except ValueProblem as exc:
        return _out(code, period, Verdict("invalid", None, f"{where}（{code}）：{exc}"))
    part = judge.part(code)
    if part is None:
        return _out(code, period, Verdict("invalid", None,
                                          f"{where}：编码“{code[:20]}”不是计划中的指标或里程碑"))
    if "value" not in item or item["value"] is None or (isinstance(item["value"], str)
                                                         and not item["value"].strip()):
        return _out(code, period, Verdict("invalid", None, f"{where}（{code}）缺少数值（value）"))
    given: dict[str, Any] = {}  # what the item gives in place of the stored values
    if item.get("baseline") is not None:
        try:
            given["baseline"] = _baseline_of(item["baseline"])
        except ValueProblem as exc:
            return _out(code, period, Verdict("invalid", None, f"{where}（{code}）：{exc}"))
    target_value = None
    if item.get("target") is not None:
        try:
            target_value = parse_number(item["target"], label="目标值", allow_negative=True,
                                        required=True).value
        except ValueProblem as exc:
            return _out(code, period, Verdict("invalid", None, f"{where}（{code}）：{exc}"))
    if item.get("previous") is not None:
        try:
            given["previous"] = _previous_of(item["previous"], str(period))
        except ValueProblem as exc:
            return _out(code, period, Verdict("invalid", None, f"{where}（{code}）：{exc}"))
    try:
        judge.parse_value(part, item["value"])
    except ValueProblem as exc:
        return _out(code, period, Verdict("invalid", None, f"{where}（{code}）：{exc}"))
    return _out(code, period, judge.verdict(code, period, item["value"], target_value=target_value, **given))



def _baseline_of(raw: object) -> Baseline:
    if not isinstance(raw, dict):
        raise ValueProblem("基期（baseline）应为对象，例如 {\"year\": 2020, \"value\": 12.0}")
    year = raw.get("year")
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
        raise ValueProblem(f"基期年份（baseline.year）“{year}”无效，应为如 2020 的年份")
    if "value" not in raw or raw["value"] is None:
        raise ValueProblem("缺少基期值（baseline.value）")
    value = parse_number(raw["value"], label="基期值", required=True, allow_negative=True).value
    assert value is not None
    return Baseline(year, value)


def _previous_of(raw: object, period: str) -> Previous:
    """``previous`` of a check item: the value a year before ``period`` (a number, or
    {"value": …} / {"period": …, "value": …})."""
    before = previous_period(period)
    if isinstance(raw, dict):
        if raw.get("period") is not None and str(raw["period"]).strip():
            before = normalize_period(raw["period"])
        raw = raw.get("value")
    if raw is None:
        raise ValueProblem("缺少上年同期的数值（previous.value）")
    value = parse_number(raw, label="上年同期的数值", required=True, allow_negative=True).value
    assert value is not None
    return Previous(before, value)


def _out(code: object, period: object, v: Verdict) -> dict[str, Any]:
    return {"code": code, "period": period, "status": v.status, "expected": v.expected,
            "message": v.message}
