"""Monthly task progress (任务推进) form."""

from __future__ import annotations

from forms.fields import CHOICE, DATE, MEMO, TEXT, Field

STATUSES = ("未启动", "推进中", "已完成", "滞后")

FIELDS: tuple[Field, ...] = (
    Field("status", "完成状态", CHOICE, choices=STATUSES, required=True, width=10,
          help="本月末任务所处状态：未启动、推进中、已完成或滞后。"),
    Field("progress", "本月进展情况", MEMO, required=True, max_len=4000, width=40,
          help="本月做了什么、取得什么成效，尽量写明数量和时间。"),
    Field("measures", "具体措施", MEMO, max_len=4000, width=30,
          help="落实该任务采取的具体措施、政策或项目。"),
    Field("problems", "存在问题", MEMO, max_len=4000, width=24,
          help="推进中遇到的困难和问题；没有可填“无”。"),
    Field("next_plan", "下步计划", MEMO, max_len=4000, width=24,
          help="下个月的工作安排。"),
    Field("person", "责任人", TEXT, required=True, max_len=50, width=10,
          help="本单位该任务的具体责任人姓名。"),
    Field("deadline", "完成时限", DATE, width=12,
          help="任务或本阶段的完成时限，格式 2026-12-31。"),
)

# Fields copied by "copy last month's text".
TEXT_KEYS = ("measures", "problems", "next_plan", "person", "deadline")
