"""Parsing of typed values, shared by the forms, the Excel import and the CLI.

Clerks type numbers in many ways: ``18.6``, ``18.6%``, full-width ``１８．６％``,
``3,000``, with spaces around. ``parse_number`` accepts all of those and rejects
anything else with a message that says what is wrong.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# No figure of a county's plan comes near this (万元 of investment, tonnes, percentages):
# anything larger is a typing slip or a hostile file.
MAX_MAGNITUDE = 1e12
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


class ValueProblem(ValueError):
    """A typed value that cannot be accepted; ``str()`` is the Chinese message."""


@dataclass(frozen=True)
class Parsed:
    value: float | None  # None when empty and not required
    had_percent: bool = False
    needs_confirmation: str = ""  # non-empty: accepted only after the user confirms


def normalize_text(raw: object) -> str:
    """NFKC-normalise (full-width digits, ％, ．) and strip spaces of every kind."""
    if raw is None:
        return ""
    s = unicodedata.normalize("NFKC", str(raw))
    return s.strip().replace("\u3000", "").strip()


# Minus signs that NFKC leaves alone (U+2212 minus, U+2013 en dash, U+2014 em dash).
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})


def parse_number(raw: object, *, label: str = "数值", unit: str = "", required: bool = False,
                 allow_negative: bool = False, previous: float | None = None,
                 minimum: float | None = None, maximum: float | None = None) -> Parsed:
    """Parse a typed number. Raises ValueProblem with a Chinese message."""
    if isinstance(raw, bool):
        raise ValueProblem(f"{label}应为数字，不能是“{raw}”")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise ValueProblem(f"{label}不是有效的数字")
        value = float(raw)
        had_percent = False
    else:
        if not normalize_text(raw):
            if required:
                raise ValueProblem(f"{label}为必填项，请填写")
            return Parsed(None)
        s, had_percent = _number_digits(raw, unit)
        if not _NUM.match(s):
            shown = str(raw).strip()
            if len(shown) > 20:
                shown = shown[:20] + "…"
            raise ValueProblem(f"{label}应为数字，“{shown}”不是数字")
        value = float(s)
        if not math.isfinite(value):
            raise ValueProblem(f"{label}不是有效的数字")
    if had_percent and unit and unit != "%":
        raise ValueProblem(f"{label}的单位是{unit}，不应带百分号")
    if abs(value) > MAX_MAGNITUDE:
        raise ValueProblem(f"{label}数值过大（{value:.3g}），超出合理范围，请检查是否多输了数字或单位不对")
    if value < 0 and not allow_negative:
        raise ValueProblem(f"{label}不能为负数（填写了{_fmt(value)}）")
    if (unit == "%" or had_percent) and value > 100:
        raise ValueProblem(f"{label}是百分比，不能超过100%（填写了{_fmt(value)}%）")
    if minimum is not None and value < minimum:
        raise ValueProblem(f"{label}不能小于{_fmt(minimum)}{unit}（填写了{_fmt(value)}）")
    if maximum is not None and value > maximum:
        raise ValueProblem(f"{label}不能大于{_fmt(maximum)}{unit}（填写了{_fmt(value)}）")
    return Parsed(value, had_percent, confirmation_needed(value, previous, label=label, unit=unit))


def _number_digits(raw: object, unit: str) -> tuple[str, bool]:
    """The digits of a typed number (full width, spaces, grouping commas, a trailing % or
    the unit taken off) and whether it ended with a percent sign."""
    s = normalize_text(raw).replace(" ", "").translate(_MINUS)
    had_percent = s.endswith("%")
    if had_percent:
        s = s[:-1]
    if unit and not had_percent and s.endswith(unit) and unit != "%":
        s = s[: -len(unit)]
    if _GROUPED.match(s):
        s = s.replace(",", "")
    return s, had_percent


def number_text(raw: object, unit: str = "") -> str:
    """How an accepted number is shown back after saving: ``１０．５％`` → ``10.5`` when the
    unit is %, ``3,000万千瓦`` → ``3000``; digits as typed (``10.50`` stays). Text that is
    not a number comes back unchanged, so that its problem can still be seen and fixed."""
    if raw is None or isinstance(raw, bool):
        return "" if raw is None else str(raw)
    s, had_percent = _number_digits(raw, unit)
    if not _NUM.match(s):
        return str(raw)
    if s.startswith("+"):
        s = s[1:]
    return s + ("%" if had_percent and unit != "%" else "")


def confirmation_needed(value: float | None, previous: float | None, *, label: str = "数值",
                        unit: str = "") -> str:
    """The question to ask when ``value`` is more than 10 times off ``previous`` (either way,
    including a drop to 0 or a change of sign); "" when no confirmation is needed.

    Exactly 10 times (or a tenth) is accepted without asking. A previous value of 0 gives
    no ratio, so nothing is asked."""
    if value is None or previous is None or previous == 0 or not math.isfinite(previous):
        return ""
    ratio = value / previous
    if ratio > 10 or ratio < 0.1:
        return (f"{label}{_fmt(value)}{unit}与上期{_fmt(previous)}{unit}相差超过10倍，"
                "请确认是否填写正确")
    return ""


def parse_yes_no(raw: object, *, label: str = "完成情况", required: bool = False) -> bool | None:
    """是/否 for qualitative targets (also accepts 已完成/未完成, Y/N, 1/0, true/false)."""
    if isinstance(raw, bool):
        return raw
    s = normalize_text(raw).lower()
    if not s:
        if required:
            raise ValueProblem(f"{label}为必填项，请选择“是”或“否”")
        return None
    if s in {"是", "已完成", "已实现", "完成", "达成", "y", "yes", "true", "1", "√", "100", "100%"}:
        return True
    if s in {"否", "未完成", "未实现", "n", "no", "false", "0", "×", "0%"}:
        return False
    raise ValueProblem(f"{label}应填写“是”或“否”，“{str(raw).strip()[:20]}”无法识别")


def parse_date(raw: object, *, label: str = "日期", required: bool = False) -> str:
    """Accept 2026-10-05, 2026/10/5, 2026.10.5, 2026年10月5日, 2026-10 (→ first day)."""
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    s = normalize_text(raw)
    if not s:
        if required:
            raise ValueProblem(f"{label}为必填项，请填写")
        return ""
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?|\s*月?)", s)
    if not m:
        raise ValueProblem(f"{label}格式不对：“{s[:20]}”，请按 2026-10-05 的格式填写")
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        raise ValueProblem(f"{label}“{s[:20]}”不是有效的日期") from None


def parse_month(raw: object, strict: bool = False) -> str:
    """'2026-10', '2026/10', '2026年10月' → '2026-10'. ``strict`` (the command line's
    ``--month YYYY-MM``): only the form its help states, so “2026-1” (which also reads as
    issue 1 of 2026) is refused rather than taken for January."""
    s = normalize_text(raw)
    pattern = r"(\d{4})-(\d{2})" if strict else r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?"
    m = re.fullmatch(pattern, s)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueProblem(f"月份格式不对：“{s[:20]}”，应为 YYYY-MM，例如 2026-10")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def clean_text(raw: object, *, label: str = "内容", max_len: int = 4000) -> str:
    """Free text: control characters removed (tab and newline kept), length limited."""
    if raw is None:
        return ""
    s = str(raw)
    s = "".join(ch for ch in s if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    s = s.replace("\r\n", "\n").strip()
    if len(s) > max_len:
        raise ValueProblem(f"{label}过长：{len(s)}字，最多{max_len}字")
    return s


def _fmt(v: float | None) -> str:
    if v is None:
        return ""
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.4f}".rstrip("0").rstrip(".")


fmt_number = _fmt


def as_text(v: object) -> str:
    """A stored value as text for comparisons and the audit trail (3.0 → "3", None → "")."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
