"""Reporting periods: a year ('2027') or a month ('2026-10').

Parsed from what people type ('2026年10月', '2026/10'), placed on the time axis the
target engine uses (year ends: the end of 2026 is 2026.0, October 2026 is
2025 + 10/12), named in Chinese and normalised for storage. Bad periods raise
``ValueProblem`` with a Chinese message.
"""

from __future__ import annotations

from models.authority import PUBLIC, rule
import re

from forms.values import ValueProblem, normalize_text


_PERIOD = re.compile(r"(\d{4})\s*年?(?:\s*[-/.]?\s*(\d{1,2})\s*月?)?")


@rule(PUBLIC)
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


@rule(PUBLIC)
def period_time(year: int, month: int | None) -> float:
    """Position in year ends: the end of year Y is Y; month M of year Y is Y − 1 + M/12."""
    return float(year) if month is None else year - 1 + month / 12


@rule(PUBLIC)
def period_label(year: int, month: int | None) -> str:
    return f"{year}年" if month is None else f"{year}年{month}月"


@rule(PUBLIC)
def normalize_period(period: object) -> str:
    """'2026年10月' → '2026-10'; '2027年' → '2027'."""
    y, m = parse_period(period)
    return f"{y:04d}" if m is None else f"{y:04d}-{m:02d}"
