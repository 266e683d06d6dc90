"""What the monthly ledger shows, read once: its sheets, ``LedgerData`` and ``gather``.

``gather`` checks the request (months, unit, sheets) and reads everything the chosen
sheets show with set-based queries (``models.ledger_data``), read-only. The result is
laid out by ``exports.ledger_sheets`` and written to a file by ``exports.ledger``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.app import Actor, App
from models.authority import PUBLIC, UNIT, rule
from models.errors import InvalidInput, NotFound

TASKS, PROJECTS, INDICATORS, WARNINGS, REPORTING, SCORES = (
    "任务推进台账", "项目台账", "指标监测", "预警清单", "报送情况", "考核")
SHEETS = (TASKS, PROJECTS, INDICATORS, WARNINGS, REPORTING, SCORES)


@rule(PUBLIC)
@dataclass
class LedgerData:
    app: App
    months: list[str]
    unit: str | None
    sheets: list[str]
    tasks: list[Any] = field(default_factory=list)
    projects: list[Any] = field(default_factory=list)
    indicators: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reporting: dict[str, list[Any]] = field(default_factory=dict)
    scores: list[Any] = field(default_factory=list)
    context: dict[str, dict[str, Any]] = field(default_factory=dict)
    today: date = field(default_factory=date.today)

    @property
    def multi(self) -> bool:
        return len(self.months) > 1

    @property
    def period(self) -> str:
        if self.multi:
            return f"{month_cn(self.months[0])}—{month_cn(self.months[-1])}"
        return month_cn(self.months[0])

    def rows_estimate(self) -> int:
        n = 0
        if TASKS in self.sheets:
            n += len(self.tasks)
        if PROJECTS in self.sheets:
            n += len(self.projects)
        if INDICATORS in self.sheets:
            n += sum(len(v) for v in self.indicators.values())
        if WARNINGS in self.sheets:
            n += len(self.tasks) // 2 + len(self.projects) // 2
        if REPORTING in self.sheets:
            n += sum(len(v) for v in self.reporting.values())
        return max(n + len(self.scores), 1)


@rule(PUBLIC)
def month_cn(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:7])}月"


@rule(UNIT, unit="unit", read=True, what="导出台账")
def gather(app: App, actor: Actor, months: Sequence[str], unit: str | None = None,
           sheets: Sequence[str] | None = None) -> LedgerData:
    """Read everything the ledger shows (read-only, a few queries per kind of record)."""
    from models import ledger_data as ld
    months = sorted(set(months))
    if not months:
        raise InvalidInput("没有要导出的月份。")
    if unit is not None and unit not in app.reporting_units():
        raise NotFound(f"“{unit}”不是填报单位，无法导出台账。")
    wanted = list(sheets) if sheets else list(SHEETS)
    bad = [s for s in wanted if s not in SHEETS]
    if bad:
        raise InvalidInput(f"没有名为“{'、'.join(bad)}”的台账工作表，可选：{'、'.join(SHEETS)}。")
    if unit is not None and SCORES in wanted:
        wanted.remove(SCORES)
    wanted = [s for s in SHEETS if s in wanted]
    if not wanted:
        raise InvalidInput("单位台账不包含考核表，请至少选择一个其他工作表。")
    d = LedgerData(app, months, unit, wanted)
    d.context = ld.task_context(app)
    if TASKS in wanted or WARNINGS in wanted:
        d.tasks = ld.task_lines(app, actor, months, unit)
    if PROJECTS in wanted or WARNINGS in wanted:
        d.projects = ld.project_lines(app, actor, months, unit)
    if INDICATORS in wanted or WARNINGS in wanted:
        d.indicators = ld.indicator_rows(app, actor, months, unit)
    if REPORTING in wanted:
        d.reporting = ld.reporting_rows(app, actor, months, unit)
    if SCORES in wanted:
        d.scores = ld.assessment_rows(app, actor, months)
    return d
