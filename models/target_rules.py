"""Verdicts and the rules they follow: statuses, the office's thresholds, baselines.

The five statuses of a judged value (names, colours, severity order), ``Rules`` (the
thresholds of green and yellow and the bands of 左右 targets, from the office
settings), a part's ``Baseline`` and the ``Verdict`` that ``models/targets.judge``
returns. No database, no Qt.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from models.authority import PUBLIC, rule
from models.plan import Part, Target

STATUS_NAMES = {"green": "正常", "yellow": "预警", "red": "滞后", "grey": "待定", "invalid": "无效"}
STATUS_COLORS = {"green": "#16a34a", "yellow": "#d97706", "red": "#dc2626", "grey": "#6b7280",
                 "invalid": "#7c3aed"}
STATUSES = ("green", "yellow", "red", "grey", "invalid")
# Worst first: used to order and to summarise verdicts.
SEVERITY = {"red": 0, "yellow": 1, "grey": 2, "invalid": 2, "green": 3}


@rule(PUBLIC)
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
        if (t.unit or part.entry_unit) == "%":
            return self.tolerance_pp
        return abs(level) * self.tolerance_rel

    def grade(self, completion: float) -> str:
        if completion >= self.green_at:
            return "green"
        if completion >= self.yellow_at:
            return "yellow"
        return "red"


@rule(PUBLIC)
@dataclass(frozen=True)
class Baseline:
    year: int
    value: float


@rule(PUBLIC)
@dataclass(frozen=True)
class Previous:
    """The value a direction-only target (进一步下降) is compared with: the same period a
    year earlier ("2024" for 2025, "2024-10" for 2025-10)."""

    period: str
    value: float


@rule(PUBLIC)
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
