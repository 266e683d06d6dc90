"""Milestone figures (里程碑): the cumulative value of a quantitative milestone named
in a task's text, entered by each unit of the task with its monthly report."""

from __future__ import annotations

from typing import Any

from forms.fields import TEXT, Field
from forms.indicator_form import value_field as _indicator_value_field

NOTE = Field("note", "说明", TEXT, max_len=500, width=20,
             help="数值口径或本单位贡献的说明（可不填）。")


def value_field(part: Any) -> Field:
    """The value field of a milestone part (cumulative up to the month)."""
    unit = getattr(part, "entry_unit", part.unit)
    if part.qualitative:
        return _indicator_value_field(unit, True, label=part.name)
    f = _indicator_value_field(unit, False, label=f"{getattr(part, 'entry_name', part.name)}（累计）")
    return Field(f.key, f.label, f.type, unit=f.unit, minimum=0,
                 help=f"截至本月末的累计数（{unit or '无单位'}），不是本月新增数。")
