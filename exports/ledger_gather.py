"""What the monthly ledger shows, read once: its sheets, ``LedgerData`` and ``gather``.

``gather`` checks the request (months, unit, sheets) and reads the months' views once
(``models.month_read.month_views``); ``lay_out`` takes what the chosen sheets show of
the views (``models.ledger_data``). The result is written row by row by
``exports.ledger_sheets`` into a file made by ``exports.ledger``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.app import Actor, App
from models.authority import PUBLIC, UNIT, rule
from models.errors import InvalidInput, NotFound
from models.ledger_data import ProjectLine, TaskLine
from models.month_read import month_views
from models.month_view import MonthView
from models.plan import Plan
from models.scoring import score_views

TASKS, PROJECTS, INDICATORS, WARNINGS, REPORTING, EVIDENCE, SCORES = (
    "任务推进台账", "项目台账", "指标监测", "预警清单", "报送情况", "佐证材料清单", "考核")
SHEETS = (TASKS, PROJECTS, INDICATORS, WARNINGS, REPORTING, EVIDENCE, SCORES)


@rule(PUBLIC, why="what the ledger shows of views read under month_view's rule")
@dataclass
class LedgerData:
    views: tuple[MonthView, ...]
    unit: str | None
    sheets: list[str]
    tasks: list[TaskLine] = field(default_factory=list)
    projects: list[ProjectLine] = field(default_factory=list)
    indicators: dict[str, list[Mapping[str, Any]]] = field(default_factory=dict)
    reporting: dict[str, list[Any]] = field(default_factory=dict)
    scores: list[Any] = field(default_factory=list)
    context: dict[str, dict[str, Any]] = field(default_factory=dict)
    today: date = field(default_factory=date.today)

    @property
    def plan(self) -> Plan:
        return self.views[0].plan

    @property
    def demo(self) -> bool:
        return self.views[0].demo

    @property
    def basis(self) -> str:
        return self.views[0].basis

    @property
    def months(self) -> list[str]:
        return [v.month for v in self.views]

    def evidence(self, month: str, entity: str, key: str, unit: str | None = None) -> Any:
        """The 佐证材料 of one item of the month (``models.month_view.Evidence``)."""
        view = self._by_month.get(month)
        return view.evidence_of(entity, key, unit) if view is not None else ()

    @property
    def _by_month(self) -> dict[str, MonthView]:
        return {v.month: v for v in self.views}

    @property
    def multi(self) -> bool:
        return len(self.views) > 1

    @property
    def period(self) -> str:
        if self.multi:
            return f"{month_cn(self.views[0].month)}—{month_cn(self.views[-1].month)}"
        return month_cn(self.views[0].month)

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
        if EVIDENCE in self.sheets:
            n += sum(len(v.evidence) for v in self.views)
        return max(n + len(self.scores), 1)


@rule(PUBLIC)
def month_cn(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:7])}月"


@rule(UNIT, unit="unit", read=True, what="导出台账")
def gather(app: App, actor: Actor, months: Sequence[str], unit: str | None = None,
           sheets: Sequence[str] | None = None, basis: str = "approved") -> LedgerData:
    """Check the request and read the months' views (read-only, a few queries in all)."""
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
    return lay_out(month_views(app, actor, months, unit, basis=basis), wanted)


@rule(PUBLIC, why="works on month views already read under month_view's rule")
def lay_out(views: Sequence[MonthView], sheets: Sequence[str]) -> LedgerData:
    """What the chosen sheets show of the views (no database)."""
    from models import ledger_data as ld
    views = tuple(sorted(views, key=lambda v: v.month))
    unit = views[0].unit
    d = LedgerData(views, unit, list(sheets), today=date.fromisoformat(views[-1].today))
    d.context = ld.task_context(views[-1])
    if TASKS in sheets or WARNINGS in sheets:
        d.tasks = ld.task_lines(views, unit)
    if PROJECTS in sheets or WARNINGS in sheets:
        d.projects = ld.project_lines(views)
    if INDICATORS in sheets or WARNINGS in sheets:
        d.indicators = {v.month: [r for r in v.verdicts if unit is None or r.get("responsible_unit") == unit]
                        for v in views}
    if REPORTING in sheets:
        d.reporting = {v.month: list(v.reports) for v in views}
    if SCORES in sheets:
        d.scores = score_views(views)
    return d
