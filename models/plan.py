"""The carbon-peak plan's records and the loaded ``Plan`` with its lookups by code.

The plan file (TOML, UTF-8) is the single source of the catalog and of every word that
names the county: actions, tasks and sub-tasks, policy guarantees, the appendix
indicators with their structured targets, the milestones found in task text, and the
plan's words (区/县, 街道/乡镇, 省/市, 十大行动, 附表 …). This module holds what a loaded
plan is made of and the vocabulary of its fields; reading a file is
``models/plan_load.py``, checking parsed data and building a ``Plan`` is
``models/plan_parse.py`` (indicators and milestones: ``models/plan_indicators.py``;
field and target checks: ``models/plan_checker.py``). The format is described in
README (计划文件格式).
"""

from __future__ import annotations

from models.authority import PUBLIC, rule
from typing import Any, NamedTuple

from models.plan_words import Briefing, Words, default_briefing, default_words

# The values the plan's fields may take (checked on load, models/plan_checker.py and
# models/plan_parse.py).
OPS = (">=", "<=", "approx", "range", "yes", "decrease", "increase")
KINDS = ("binding", "stretch")
BASES = ("absolute", "reduction_vs_baseline", "cumulative", "increment")
DIRECTIONS = ("higher", "lower", "qualitative")
FREQUENCIES = ("year", "month")
UNIT_KINDS = ("bureau", "office", "streets", "street")
ENTERED_AS = ("value", "reduction_rate")
ASSIGNERS = ("省", "市", "国家", "自治区", "州", "盟", "地区")
UNASSIGNED = "未分工"  # shown for a task or indicator without units


@rule(PUBLIC)
class PlanError(ValueError):
    """The plan file cannot be used. ``problems`` lists every error found."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        head = f"计划文件 {path} 有 {len(problems)} 处错误："
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in problems))


# The plan's records are named tuples and Plan a plain class, not dataclasses: these
# classes are made on every start before the first window, and a named tuple class is
# several times cheaper to create than a frozen dataclass.
@rule(PUBLIC)
class Target(NamedTuple):
    """One dated target of an indicator part or a milestone."""

    year: int
    op: str  # see OPS: floor, ceiling, 左右, range, qualitative, direction only
    value: float | None
    unit: str
    kind: str = "binding"  # "binding" | "stretch" (力争)
    basis: str = "absolute"  # see BASES
    baseline_year: int | None = None
    stable: bool = False  # 稳定在/保持在: the floor holds in every year up to the deadline
    tolerance: float | None = None  # for "approx" (左右); None means the default
    label: str = ""  # wording of a qualitative target
    value_high: float | None = None  # upper end of a "range" target
    since: str = ""  # "YYYY-MM": start of a cumulative period (累计)
    assigned_by: str = ""  # who assigns a pending target (省/市); "" = the part's / plan's
    text: str = ""  # the plan's own words for this target

    @property
    def qualitative(self) -> bool:
        return self.op == "yes"

    @property
    def direction_only(self) -> bool:
        """进一步下降 / 持续提高: judged against the previous year's value."""
        return self.op in ("decrease", "increase")

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "op": self.op,
            "value": self.value,
            "value_high": self.value_high,
            "unit": self.unit,
            "kind": self.kind,
            "basis": self.basis,
            "baseline_year": self.baseline_year,
            "since": self.since,
            "stable": self.stable,
            "tolerance": self.tolerance,
            "qualitative": self.qualitative,
            "label": self.label,
            "assigned_by": self.assigned_by,
            "text": self.text,
        }


@rule(PUBLIC)
class Part(NamedTuple):
    """A measurable part of an appendix indicator (``I06a``) or a task milestone."""

    code: str
    name: str
    unit: str
    direction: str  # "higher" | "lower" | "qualitative"
    targets: tuple[Target, ...]
    frequency: str = "year"
    pending: bool = False
    monitor: bool = False
    indicator: str = ""  # code of the indicator, or "" for a milestone
    task: str = ""  # code of the task, for a milestone
    note: str = ""
    part_of: str = ""  # 其中: the code of the whole this part belongs to (value ≤ whole's)
    entered_as: str = "value"  # "value" | "reduction_rate" (clerks enter the published 下降率)
    assigned_by: str = ""  # who assigns the pending target (省/市); "" = the plan's default

    @property
    def qualitative(self) -> bool:
        return self.direction == "qualitative"

    @property
    def is_milestone(self) -> bool:
        return bool(self.task)

    @property
    def as_rate(self) -> bool:
        """Clerks enter the reduction rate (下降率, %) instead of the intensity itself."""
        return self.entered_as == "reduction_rate"

    @property
    def entry_unit(self) -> str:
        """The unit of what clerks enter: % for a reduction rate, else the part's unit."""
        return "%" if self.as_rate else self.unit

    @property
    def entry_name(self) -> str:
        """What clerks enter, in words: "单位生产总值能耗下降率" for a reduction rate (a name
        that already says so, …能耗降低 / …降低率 / …降幅, is not said twice)."""
        if not self.as_rate:
            return self.name
        if self.name.endswith(("率", "降幅", "幅度")):
            return self.name
        if self.name.endswith(("下降", "降低")):
            return f"{self.name}率"
        return f"{self.name}下降率"


@rule(PUBLIC)
class Indicator(NamedTuple):
    code: str
    row: int
    name: str
    city_target: str
    district_target: str
    explanation: str
    responsible_unit: str  # "" when the plan names none (未分工)
    responsible_unit_inherited: bool
    parts: tuple[Part, ...]
    status_note: str = ""
    discrepancy_with: str = ""


@rule(PUBLIC)
class Milestone(NamedTuple):
    code: str
    task: str
    name: str
    quote: str
    part: Part
    note: str = ""


@rule(PUBLIC)
class Task(NamedTuple):
    """A task (second level) or a sub-task (third level). A task with sub-tasks is a
    heading: its sub-tasks are what units report on."""

    code: str  # the plan's own code, e.g. "1.2" or "3-2-1"
    action: str  # code of the action
    no: int  # position among its siblings (1, 2, …)
    title: str
    text: str
    units_text: str
    units: tuple[str, ...]  # plan order; the first is the lead; () = 未分工
    numbering: str = ""  # as printed: "1." / "（1）"
    parent: str = ""  # code of the parent task, for a sub-task
    subtasks: tuple[Task, ...] = ()

    @property
    def lead(self) -> str:
        return self.units[0] if self.units else ""

    @property
    def is_heading(self) -> bool:
        return bool(self.subtasks)

    def role_of(self, unit: str) -> str | None:
        if unit not in self.units:
            return None
        return "lead" if unit == self.lead else "cooperate"


@rule(PUBLIC)
class Action(NamedTuple):
    code: str  # the plan's own code, e.g. "1"
    no: int  # position (1, 2, …)
    numbering: str  # as printed: "（一）"
    title: str
    intro: str
    tasks: tuple[Task, ...]

    @property
    def numeral(self) -> str:
        """The number without brackets ("一" of "（一）"), as format 1 called it."""
        return self.numbering.strip("（）() .、")

    @property
    def heading(self) -> str:
        """Numbering and title as printed: "（一）能源绿色低碳转型行动"."""
        return f"{self.numbering}{self.title}"


@rule(PUBLIC)
class Policy(NamedTuple):
    code: str
    title: str
    text: str
    units_text: str
    units: tuple[str, ...]
    numbering: str = ""


@rule(PUBLIC)
class Unit(NamedTuple):
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    note: str = ""


@rule(PUBLIC)
class Plan:
    """The loaded plan with lookups by code."""

    def __init__(self, *, meta: dict[str, Any], units: list[Unit], actions: list[Action],
                 policies: list[Policy], indicators: list[Indicator], milestones: list[Milestone],
                 digest: str, path: str, words: Words | None = None, briefing: Briefing | None = None,
                 demo: dict[str, Any] | None = None, source: str | None = None, plan_format: int = 2):
        self.meta = meta
        self.units = units
        self.actions = actions
        self.policies = policies
        self.indicators = indicators
        self.milestones = milestones
        self.digest = digest
        self.path = path
        self.words = words or default_words(meta, len(actions), [a.title for a in actions])
        self.briefing = briefing or default_briefing(meta, self.words)
        self.demo = demo or {}
        self.source = source  # the file's text, when read from a file or a database
        self.plan_format = plan_format
        self.all_tasks: list[Task] = []
        self.tasks_by_code: dict[str, Task] = {}
        self._action_by_task: dict[str, Action] = {}
        for a in actions:
            for t in a.tasks:
                for x in (t, *t.subtasks):
                    self.all_tasks.append(x)
                    self.tasks_by_code[x.code] = x
                    self._action_by_task[x.code] = a
        self.actions_by_code = {a.code: a for a in actions}
        self.parts_by_code: dict[str, Part] = {p.code: p for i in indicators for p in i.parts}
        for m in milestones:
            self.parts_by_code[m.code] = m.part
        self.unit_alias: dict[str, str] = {}
        for u in units:
            self.unit_alias[u.name] = u.name
            for other in u.aliases:
                self.unit_alias[other] = u.name

    def __repr__(self) -> str:
        return f"Plan({self.plan_id!r}, version={self.version!r}, digest={self.digest[:12]!r})"

    # -- lookups -------------------------------------------------------------
    @property
    def plan_id(self) -> str:
        return str(self.meta["id"])

    @property
    def version(self) -> str:
        return str(self.meta["version"])

    @property
    def name(self) -> str:
        return str(self.meta["name"])

    @property
    def district(self) -> str:
        return str(self.meta["district"])

    @property
    def city(self) -> str:
        return str(self.meta.get("city") or "")

    @property
    def province(self) -> str:
        return str(self.meta.get("province") or "")

    @property
    def office_unit(self) -> str:
        return str(self.meta["office_unit"])

    @property
    def streets_unit(self) -> str:
        return str(self.meta.get("streets_unit") or "")

    @property
    def first_month(self) -> str:
        return str(self.meta["first_month"])

    @property
    def last_year(self) -> int:
        return int(self.meta["last_year"])

    @property
    def app_title(self) -> str:
        """The window title: "<district>碳达峰调度系统"."""
        return f"{self.district}碳达峰调度系统"

    @property
    def label(self) -> str:
        """The plan named for people: “<name>”（<id>，版本 <version>）."""
        return f"“{self.name}”（{self.plan_id}，版本 {self.version}）"

    @property
    def tasks(self) -> list[Task]:
        """The tasks units report on, in plan order: tasks without sub-tasks, and sub-tasks
        (a task with sub-tasks is a heading and is not reported on itself)."""
        return [t for t in self.all_tasks if not t.is_heading]

    def reported(self, action: Action) -> list[Task]:
        """The tasks of ``action`` that units report on (sub-tasks in place of headings)."""
        return [x for t in action.tasks for x in (t.subtasks or (t,))]

    @property
    def parts(self) -> list[Part]:
        """Every appendix indicator part, in appendix order."""
        return [p for i in self.indicators for p in i.parts]

    def part(self, code: str) -> Part:
        return self.parts_by_code[code]

    def task(self, code: str) -> Task:
        return self.tasks_by_code[code]

    def indicator_of(self, part_code: str) -> Indicator | None:
        for ind in self.indicators:
            for p in ind.parts:
                if p.code == part_code:
                    return ind
        return None

    def milestones_of(self, task_code: str) -> list[Milestone]:
        return [m for m in self.milestones if m.task == task_code]

    def action_of(self, task_code: str) -> Action:
        return self._action_by_task[task_code]

    def canonical_unit(self, name: str) -> str | None:
        return self.unit_alias.get(name.strip())

    def assignments(self, raw: Any) -> dict[str, list[str]]:
        """The office's units for what the plan leaves unassigned (the setting
        ``unit_assignments``), keeping only the plan's units and the codes the plan leaves
        without units (a task, an indicator: one unit). Anything else is ignored."""
        if not isinstance(raw, dict):
            return {}
        known = {u.name for u in self.units}
        tasks = {t.code for t in self.all_tasks if not t.units}
        inds = {i.code for i in self.indicators if not i.responsible_unit}
        out: dict[str, list[str]] = {}
        for code, units in raw.items():
            if (code in tasks or code in inds) and isinstance(units, list):
                names = list(dict.fromkeys(u for u in units if isinstance(u, str) and u in known))
                if names:
                    out[code] = names[:1] if code in inds else names
        return out

    def assigner_of(self, part: Part, target: Target | None = None) -> str:
        """Who assigns a pending target: the target's, the part's, else the plan's word."""
        return (target.assigned_by if target is not None and target.assigned_by else "") \
            or part.assigned_by or self.words.assigned_by


@rule(PUBLIC)
def display_text(s: str) -> str:
    """Cell text for display: line breaks left over from the printed table removed."""
    return "".join(line.strip() for line in s.splitlines())
