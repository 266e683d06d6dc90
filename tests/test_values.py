"""Typed-value parsing shared by forms, imports and the check command."""

from __future__ import annotations

import pytest

from forms.values import (Parsed, ValueProblem, clean_text, confirmation_needed, fmt_number,
                           parse_date, parse_month, parse_number, parse_yes_no)


@pytest.mark.parametrize("raw, unit, expected, had_percent", [
    ("18.6", "%", 18.6, False),
    ("18.6%", "%", 18.6, True),
    ("１８．６％", "%", 18.6, True),
    ("  18.6 % ", "%", 18.6, True),
    ("\u300018.6\u3000", "%", 18.6, False),
    ("3,000", "个", 3000.0, False),
    ("3，000", "个", 3000.0, False),
    ("12,345,678.5", "", 12345678.5, False),
    ("3000个", "个", 3000.0, False),
    ("140万千瓦", "万千瓦", 140.0, False),
    (".5", "", 0.5, False),
    ("0", "%", 0.0, False),
    ("100%", "%", 100.0, True),
    (42, "个", 42.0, False),
    (18.6, "%", 18.6, False),
])
def test_accepted_forms(raw: object, unit: str, expected: float, had_percent: bool) -> None:
    p = parse_number(raw, unit=unit)
    assert p.value == pytest.approx(expected)
    assert p.had_percent is had_percent
    assert p.needs_confirmation == ""


def test_empty_not_required_is_none_and_required_is_refused() -> None:
    assert parse_number("  ") == Parsed(None)
    assert parse_number(None).value is None
    with pytest.raises(ValueProblem, match="非化石能源消费比重为必填项"):
        parse_number(" ", label="非化石能源消费比重", required=True)


@pytest.mark.parametrize("raw, unit, fragment", [
    ("abc", "%", "不是数字"),
    ("约18.6", "%", "不是数字"),
    ("18.6.1", "%", "不是数字"),
    ("3,00", "个", "不是数字"),
    ("nan", "", "不是数字"),
    ("inf", "", "不是数字"),
    ("1e400", "", "不是有效的数字"),
    (float("nan"), "", "不是有效的数字"),
    (True, "", "应为数字"),
    ("-5", "个", "不能为负数"),
    ("−5", "个", "不能为负数"),  # U+2212 minus sign
    ("－5", "个", "不能为负数"),  # full-width hyphen-minus
    ("100.5", "%", "不能超过100%"),
    ("１０１％", "%", "不能超过100%"),
    ("150%", "", "不能超过100%"),
    ("18%", "个", "不应带百分号"),
])
def test_refused_with_clear_message(raw: object, unit: str, fragment: str) -> None:
    with pytest.raises(ValueProblem) as exc:
        parse_number(raw, label="数值", unit=unit)
    assert fragment in str(exc.value)
    assert str(exc.value).startswith("数值")


def test_negative_allowed_when_asked_and_limits() -> None:
    assert parse_number("−2.5", allow_negative=True).value == -2.5
    with pytest.raises(ValueProblem, match="不能小于1"):
        parse_number("0.5", minimum=1)
    with pytest.raises(ValueProblem, match="不能大于10"):
        parse_number("11", maximum=10)


def test_long_text_is_shortened_in_the_message() -> None:
    with pytest.raises(ValueProblem) as exc:
        parse_number("这是一段很长很长很长很长很长很长很长很长的文字")
    assert "…" in str(exc.value)


@pytest.mark.parametrize("value, previous, asks", [
    (1001, 100, True),   # more than 10x up
    (1000, 100, False),  # exactly 10x: accepted
    (10, 100, False),    # exactly a tenth: accepted
    (9.99, 100, True),   # more than 10x down
    (0, 100, True),      # dropped to nothing
    (5, 0, False),       # no ratio from 0
    (5, None, False),
    (150, 100, False),
    (-50, 100, True),    # change of sign
])
def test_confirmation_for_values_far_off_the_previous_period(value: float, previous: float | None,
                                                             asks: bool) -> None:
    p = parse_number(str(value), label="充电桩", unit="", previous=previous, allow_negative=True)
    assert p.value == value
    assert bool(p.needs_confirmation) is asks
    assert (confirmation_needed(value, previous) != "") is asks
    if asks:
        assert "相差超过10倍" in p.needs_confirmation
        assert p.needs_confirmation.startswith(f"充电桩{fmt_number(value)}")


def test_confirmation_names_unit_and_previous() -> None:
    p = parse_number("21001", label="新能源汽车充电桩", unit="个", previous=2100)
    assert p.needs_confirmation == "新能源汽车充电桩21001个与上期2100个相差超过10倍，请确认是否填写正确"


@pytest.mark.parametrize("raw, expected", [
    ("是", True), ("否", False), ("已完成", True), ("未完成", False), ("Y", True), ("n", False),
    ("１", True), ("0", False), ("100%", True), (True, True), (False, False), ("", None), (None, None),
])
def test_yes_no(raw: object, expected: bool | None) -> None:
    assert parse_yes_no(raw) is expected


def test_yes_no_refusals() -> None:
    with pytest.raises(ValueProblem, match="为必填项"):
        parse_yes_no("", label="绿色建筑标准", required=True)
    with pytest.raises(ValueProblem, match="应填写“是”或“否”"):
        parse_yes_no("差不多")


def test_dates_and_months() -> None:
    assert parse_date("2026年10月5日") == "2026-10-05"
    assert parse_date("2026/10/5") == "2026-10-05"
    assert parse_date("2026-10") == "2026-10-01"
    assert parse_date("") == ""
    with pytest.raises(ValueProblem, match="不是有效的日期"):
        parse_date("2026-02-30")
    with pytest.raises(ValueProblem, match="格式不对"):
        parse_date("下个月")
    assert parse_month("2026年3月") == "2026-03"
    assert parse_month("２０２６－１０") == "2026-10"
    with pytest.raises(ValueProblem, match="YYYY-MM"):
        parse_month("2026-13")


def test_clean_text_and_fmt_number() -> None:
    assert clean_text(" a\x00b\r\nc ") == "ab\nc"
    with pytest.raises(ValueProblem, match="过长"):
        clean_text("x" * 11, label="说明", max_len=10)
    assert fmt_number(18.0) == "18"
    assert fmt_number(18.50) == "18.5"
    assert fmt_number(0.12345) == "0.1235"
    assert fmt_number(-0.0) == "0"
    assert fmt_number(None) == ""
