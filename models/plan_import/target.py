"""One structured target as the plan file states it (docs/plan-format-v2.md, “Targets”)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Target:
    """One structured target (the keys written to the plan file, and where it came from)."""

    year: int
    op: str  # >= <= approx range yes decrease increase
    value: float | None = None
    value_high: float | None = None
    unit: str = ""
    kind: str = "binding"
    basis: str = "absolute"
    baseline_year: int | None = None
    since: str = ""
    stable: bool = False
    label: str = ""
    assigned_by: str = ""
    text: str = ""
    subject: str = ""  # what is measured, as worded ("" when the sentence does not say)
    year_assumed: bool = False  # no year in the words: the default year was used
    year_from: str = ""  # where the assumed year was found (for the review item)
    is_part: bool = False  # 其中…: a part of the target before it
    notes: list[str] = field(default_factory=list)

    def to_raw(self) -> dict[str, Any]:
        """The target as the plan file writes it (defaults left out)."""
        out: dict[str, Any] = {"year": self.year, "op": self.op}
        if self.value is not None:
            out["value"] = _num(self.value)
        if self.value_high is not None:
            out["value_high"] = _num(self.value_high)
        out["unit"] = self.unit
        out["kind"] = self.kind
        out["basis"] = self.basis
        if self.baseline_year is not None:
            out["baseline_year"] = self.baseline_year
        if self.since:
            out["since"] = self.since
        if self.stable:
            out["stable"] = True
        if self.label:
            out["label"] = self.label
        if self.assigned_by:
            out["assigned_by"] = self.assigned_by
        out["text"] = self.text
        return out


def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v
