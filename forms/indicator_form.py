"""Indicator value form: one value per indicator part and period."""

from __future__ import annotations

from forms.fields import MEMO, NUMBER, TEXT, YESNO, Field

# The value field itself depends on the part (unit, yes/no); see value_field().
FIELDS: tuple[Field, ...] = (
    Field("source", "数据来源", TEXT, max_len=200, width=16,
          help="数据出处，例如统计年鉴、部门统计报表。"),
    Field("note", "说明", MEMO, max_len=2000, width=24,
          help="口径、测算方法或其他说明。"),
)


def value_field(unit: str, qualitative: bool, label: str = "本期数值") -> Field:
    if qualitative:
        return Field("value", label, YESNO, choices=("是", "否"),
                     help="定性指标：已达到目标填“是”，尚未达到填“否”。")
    return Field("value", label, NUMBER, unit=unit,
                 help=f"按目标的单位填写（{unit or '无单位'}）；百分比可带或不带%。")
