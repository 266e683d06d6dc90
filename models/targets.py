"""Target engine: judging a value against a part's targets (序时进度 traffic lights)."""

from __future__ import annotations

from models.plan import Part, Target
from models.values import fmt_number


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
