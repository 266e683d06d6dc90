"""One month's view: everything a month's outputs show, gathered once, as an immutable value.

``MonthView`` holds the records read from the database for a month (``models.month_read``
reads them with a handful of set-based queries, for one month or a whole range at
once): the month's task reports, the latest report of every task and unit up to the
month, the submissions and their review history, the indicator and milestone figures
up to the month, the open projects with their latest figures, the baselines, the
streets and a snapshot of the office settings. Every figure carries the state of the
submission it was entered in (approved, submitted, returned or draft).

What the outputs compute from those records is derived, once, on first use: the
reporting status of every unit (``reports``), the target engine's verdicts
(``verdicts``) and the assessment of the month (``assessment``). The ledger
(``exports.ledger_gather``), the work briefing (``exports.briefing_compose``), the
dispatch board (``models.dashboard.dashboard_of``) and the printable assessment
(``models.assessment``) are functions of views.

A view serialises to JSON and back exactly (``to_json`` / ``from_json``): a numbered
briefing stores the view it was printed from, so the issue can be rebuilt later from
the same facts. The plan itself is not stored (only its id and digest): ``from_json``
takes the loaded plan and refuses a different one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, NamedTuple

from models import json_codec
from models.authority import PUBLIC, rule
from models.errors import InvalidInput
from models.plan import Plan

FORMAT = "month-view"
VERSION = 1
STATES = ("approved", "submitted", "returned", "draft")
BASES = ("approved", "all")
BASIS_NAMES = {"approved": "按已审核通过的数据", "all": "含未审核的数据"}
# How a figure is marked in the outputs when it is not approved (legend: STATE_NOTES).
STATE_MARKS = {"approved": "", "submitted": "待审", "returned": "退回", "draft": "草稿"}
STATE_NOTES = {
    "submitted": "待审：单位已报送、办公室尚未审核通过的数据",
    "returned": "退回：办公室已退回修改、单位尚未重新报送的数据",
    "draft": "草稿：单位已填写、尚未报送的数据",
}


# The records are named tuples: immutable and several times cheaper to make than frozen
# dataclasses (a whole-period ledger reads some 14 000 task reports).
@rule(PUBLIC, why="a record of a view read under month_view's rule")
class TaskReport(NamedTuple):
    """One unit's report on one task for one month."""

    task_code: str
    unit: str
    month: str
    status: str
    progress: str
    measures: str
    problems: str
    next_plan: str
    person: str
    deadline: str
    state: str  # of the unit's submission of that month: approved | submitted | returned | draft

    @property
    def filled(self) -> bool:
        """The required fields (完成状态, 本月进展情况, 责任人) are all filled in."""
        return bool(self.status and self.progress and self.person)

    def get(self, key: str, default: Any = None) -> Any:
        """A field by name (as the output code reads database rows)."""
        return getattr(self, key, default)


@rule(PUBLIC)
class Figure(NamedTuple):
    """An indicator value (``period`` 'YYYY' or 'YYYY-MM') or a milestone's cumulative value
    (``period`` the month), entered by ``unit`` in reporting month ``month``."""

    code: str
    period: str
    value: float
    unit: str
    month: str
    state: str


@rule(PUBLIC)
class Submission(NamedTuple):
    """A unit's submission of the month and its review history."""

    unit: str
    state: str  # '' | draft | submitted | approved | returned
    submitted_at: str  # latest submission
    decided_at: str
    decided_by: str
    comment: str
    returns: int
    first_submit: str  # first submission (review history)
    n_return: int  # returns in the review history


@rule(PUBLIC, why="a record of a view read under month_view's rule")
class Project(NamedTuple):
    """A project open in the month with its latest monthly figures up to the month."""

    id: int
    uid: str
    task_code: str
    unit: str
    name: str
    content: str
    ptype: str
    total_invest: float | None
    plan_start: str
    plan_end: str
    created_month: str
    closed_month: str
    year_plan_invest: float | None  # None when the latest figures are of an earlier year
    cum_invest: float | None
    actual_start: str
    progress: str
    fig_month: str  # month of the latest figures ('' when none)
    state: str  # state of the submission the figures were entered in

    def get(self, key: str, default: Any = None) -> Any:
        """A field by name (as the output code reads database rows)."""
        return getattr(self, key, default)


@rule(PUBLIC, why="a record of a view read under month_view's rule")
class Evidence(NamedTuple):
    """A 佐证材料 file attached to an item of a unit's month (``entity``: task_report, indicator,
    project_month; ``key``: task code, 'I07@2026', project uid). An annual indicator's files
    of earlier months of the year are in later months' views too (its value is one record)."""

    uid: str
    unit: str
    month: str
    entity: str
    key: str
    name: str
    kind: str
    sha256: str
    size: int
    width: int
    height: int
    caption: str
    added_at: str
    added_by: str
    state: str  # of the submission of the month it was attached in


@rule(PUBLIC)
class BaselineEntry(NamedTuple):
    code: str
    year: int
    value: float
    source: str


@rule(PUBLIC, why="the value month_view returns (read under its rule); from_json takes stored text")
@dataclass(frozen=True)
class MonthView:
    month: str
    unit: str | None  # None: every unit (the consolidated outputs)
    basis: str  # "approved": judge approved figures only (the default); "all": every figure
    today: str  # ISO date the reporting status was judged against (due days)
    plan_id: str
    plan_digest: str
    settings: str  # the office settings as JSON (thresholds, weights, briefing masthead …)
    demo: bool
    streets: tuple[str, ...]
    has_entries: bool  # anything entered or submitted for the month
    task_reports: tuple[TaskReport, ...]  # the month's reports (of ``unit`` when given)
    latest_tasks: tuple[TaskReport, ...]  # per task and unit, the latest report with a 完成状态
    latest_approved: tuple[TaskReport, ...]  # the same among approved reports
    submissions: tuple[Submission, ...]  # the month's submissions
    indicator_values: tuple[Figure, ...]  # every indicator value up to the month, by code and period
    valued: tuple[str, ...]  # "code@year" with a value (or text) for the month's year or the one before
    milestone_values: tuple[Figure, ...]  # the lead units' milestone values up to the month
    projects: tuple[Project, ...]
    baselines: tuple[BaselineEntry, ...]
    plan: Plan = field(compare=False, repr=False, metadata={"json": False})
    evidence: tuple[Evidence, ...] = ()  # the month's 佐证材料 (views stored before had none)

    # -- the plan's units with the streets ------------------------------------------------
    @cached_property
    def units(self) -> tuple[str, ...]:
        """Every reporting unit in plan order (the streets placeholder replaced by the streets)."""
        out: list[str] = []
        for u in self.plan.units:
            out.extend(self.streets if u.kind == "streets" else (u.name,))
        return tuple(out)

    @cached_property
    def _task_units(self) -> dict[str, tuple[str, ...]]:
        streets_unit = self.plan.streets_unit
        assigned = self.plan.assignments(self.settings_dict.get("unit_assignments"))  # 未分工: the office's
        out: dict[str, tuple[str, ...]] = {}
        for t in self.plan.tasks:
            units: list[str] = []
            for u in t.units or tuple(assigned.get(t.code, ())):
                units.extend(self.streets if u == streets_unit else (u,))
            out[t.code] = tuple(units)
        return out

    def units_of(self, task_code: str) -> tuple[str, ...]:
        """The task's units, lead first (the streets placeholder expanded; the office's units
        for a task the plan leaves unassigned)."""
        return self._task_units.get(task_code, ())

    def lead_of(self, task_code: str) -> str:
        units = self.units_of(task_code)
        if units:
            return units[0]
        t = self.plan.tasks_by_code.get(task_code)
        return t.lead if t is not None else ""

    @cached_property
    def settings_dict(self) -> MappingProxyType[str, Any]:
        return MappingProxyType(json.loads(self.settings))

    def setting(self, key: str) -> Any:
        return self.settings_dict.get(key)

    @property
    def due_day(self) -> int:
        return int(self.setting("due_day") or 5)

    # -- derived, once ---------------------------------------------------------------------
    @cached_property
    def reports(self) -> tuple[Any, ...]:
        """Reporting status of every unit (``models.reporting.UnitMonthReport``), plan order."""
        from models.reporting import reports_of_view
        return tuple(reports_of_view(self))

    @cached_property
    def judge(self) -> Any:
        """A ``models.checking.Judge`` over the view's settings and baselines."""
        from models.view_verdicts import judge_of_view
        return judge_of_view(self)

    @cached_property
    def verdicts(self) -> tuple[Mapping[str, Any], ...]:
        """The target engine's verdict rows (as ``Judge.current``) on the view's basis:
        indicator parts in appendix order, then milestones; read-only mappings. Each row
        also says the ``state`` of the figure judged and, as ``unreviewed``, a newer figure
        left unjudged because it is not approved (``models.view_verdicts.Unreviewed``)."""
        from models.view_verdicts import verdicts_of_view
        return tuple(MappingProxyType(r) for r in verdicts_of_view(self, self.basis))

    @cached_property
    def all_verdicts(self) -> tuple[Mapping[str, Any], ...]:
        """The verdicts of the latest figures whatever their state (the assessment's)."""
        if self.basis == "all":
            return self.verdicts
        from models.view_verdicts import verdicts_of_view
        return tuple(MappingProxyType(r) for r in verdicts_of_view(self, "all"))

    @property
    def judged_tasks(self) -> tuple[TaskReport, ...]:
        """The latest report of each task and unit that the view's judgements use."""
        return self.latest_approved if self.basis == "approved" else self.latest_tasks

    def judged(self, state: str) -> bool:
        """Whether a figure of ``state`` is judged (coloured, counted) on the view's basis."""
        return self.basis == "all" or state == "approved"

    @cached_property
    def assessment(self) -> tuple[Any, ...]:
        """The month's assessment (``models.scoring.UnitScore``), by rank."""
        from models.scoring import score_views
        return tuple(score_views((self,)))

    def task_reports_by_task(self) -> dict[str, dict[str, TaskReport]]:
        out: dict[str, dict[str, TaskReport]] = {}
        for r in self.task_reports:
            out.setdefault(r.task_code, {})[r.unit] = r
        return out

    def history(self, code: str) -> list[tuple[str, float]]:
        """(period, value) of an indicator part up to the month, in period order."""
        return [(f.period, f.value) for f in self.indicator_values if f.code == code]

    def evidence_of(self, entity: str, key: str, unit: str | None = None) -> tuple[Evidence, ...]:
        """The files attached to one item (of ``unit`` when given), in the order attached."""
        return tuple(e for e in self.evidence if e.entity == entity and e.key == key
                     and (unit is None or e.unit == unit))

    def baseline(self, code: str) -> BaselineEntry | None:
        return next((b for b in self.baselines if b.code == code), None)

    # -- JSON --------------------------------------------------------------------------------
    def to_json(self) -> str:
        """The view as canonical JSON text (the plan by id and digest only)."""
        body = json_codec.dumps(self)
        return f'{{"format":"{FORMAT}","version":{VERSION},"view":{body}}}'

    @classmethod
    def from_json(cls, text: str, plan: Plan) -> MonthView:
        """The view stored by ``to_json``, with ``plan`` (which must be the plan it was made with)."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise json_codec.CodecError("not a month view")
            if data.get("version") != VERSION:
                raise json_codec.CodecError(f"version {data.get('version')!r}")
            view: MonthView = json_codec.decode(cls, data.get("view"), plan=plan)
        except (ValueError, json_codec.CodecError) as exc:
            raise InvalidInput(f"保存的月度数据无法读取（{exc}）。") from None
        if view.plan_digest != plan.digest:
            raise InvalidInput(f"保存的月度数据来自另一个计划文件（{view.plan_id}），"
                               "与当前使用的计划不同，不能据此重新生成。")
        return view


@rule(PUBLIC)
def state_mark(state: str) -> str:
    """'' for an approved figure, else the short mark shown beside it (待审, 退回, 草稿)."""
    return STATE_MARKS.get(state or "draft", STATE_MARKS["draft"])


@rule(PUBLIC)
def marked(text: str, state: str) -> str:
    """``text`` with its state's mark in brackets when the figure is not approved."""
    mark = state_mark(state)
    return f"{text}（{mark}）" if mark and text else text


@rule(PUBLIC)
def legend(basis: str) -> str:
    """One sentence explaining the marks and the basis of the judgements."""
    head = ("灯色、判断和统计只计已审核通过的数据；" if basis == "approved"
            else "灯色、判断和统计含尚未审核通过的数据；")
    return (head + "未标注的数据均已审核通过，标注的数据：" + "；".join(STATE_NOTES[s] for s in
                                                              ("submitted", "returned", "draft")) + "。")
