"""The carbon-peak plan's records and the loaded ``Plan`` with its lookups by code.

The plan file (TOML, UTF-8) is the single source of the catalog: actions, tasks,
policy guarantees, the appendix indicators with their structured targets and the
milestones found in task text. This module holds what a loaded plan is made of and
the vocabulary of its fields; reading a file is ``models/plan_load.py``, checking
parsed data and building a ``Plan`` is ``models/plan_parse.py`` (field checks and
targets: ``models/plan_checker.py``).
"""

from __future__ import annotations

from models.authority import PUBLIC, rule
from typing import Any, NamedTuple

# The values the plan's fields may take (checked on load, models/plan_checker.py and
# models/plan_parse.py).
OPS = (">=", "<=", "approx", "yes")
KINDS = ("binding", "stretch")
BASES = ("absolute", "reduction_vs_baseline")
DIRECTIONS = ("higher", "lower", "qualitative")
FREQUENCIES = ("year", "month")
UNIT_KINDS = ("bureau", "office", "streets", "street")


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
    op: str  # ">=", "<=", "approx" or "yes" (qualitative)
    value: float | None
    unit: str
    kind: str = "binding"  # "binding" | "stretch" (力争)
    basis: str = "absolute"  # "absolute" | "reduction_vs_baseline"
    baseline_year: int | None = None
    stable: bool = False  # 稳定在/保持在: the floor holds in every year up to the deadline
    tolerance: float | None = None  # for "approx" (左右); None means the default
    label: str = ""  # wording of a qualitative target

    @property
    def qualitative(self) -> bool:
        return self.op == "yes"

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "op": self.op,
            "value": self.value,
            "unit": self.unit,
            "kind": self.kind,
            "basis": self.basis,
            "baseline_year": self.baseline_year,
            "stable": self.stable,
            "tolerance": self.tolerance,
            "qualitative": self.qualitative,
            "label": self.label,
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

    @property
    def qualitative(self) -> bool:
        return self.direction == "qualitative"

    @property
    def is_milestone(self) -> bool:
        return bool(self.task)


@rule(PUBLIC)
class Indicator(NamedTuple):
    code: str
    row: int
    name: str
    city_target: str
    district_target: str
    explanation: str
    responsible_unit: str
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
    code: str  # "<action>.<task>"
    action: int
    no: int
    title: str
    text: str
    units_text: str
    units: tuple[str, ...]  # plan order; the first is the lead

    @property
    def lead(self) -> str:
        return self.units[0]

    def role_of(self, unit: str) -> str | None:
        if unit not in self.units:
            return None
        return "lead" if unit == self.lead else "cooperate"


@rule(PUBLIC)
class Action(NamedTuple):
    no: int
    numeral: str
    title: str
    intro: str
    tasks: tuple[Task, ...]


@rule(PUBLIC)
class Policy(NamedTuple):
    code: str
    title: str
    text: str
    units_text: str
    units: tuple[str, ...]


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
                 digest: str, path: str):
        self.meta = meta
        self.units = units
        self.actions = actions
        self.policies = policies
        self.indicators = indicators
        self.milestones = milestones
        self.digest = digest
        self.path = path
        self.tasks_by_code: dict[str, Task] = {t.code: t for a in actions for t in a.tasks}
        self.parts_by_code: dict[str, Part] = {p.code: p for i in indicators for p in i.parts}
        for m in milestones:
            self.parts_by_code[m.code] = m.part
        self.unit_alias: dict[str, str] = {}
        for u in units:
            self.unit_alias[u.name] = u.name
            for a in u.aliases:
                self.unit_alias[a] = u.name

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
    def office_unit(self) -> str:
        return str(self.meta["office_unit"])

    @property
    def streets_unit(self) -> str:
        return str(self.meta["streets_unit"])

    @property
    def first_month(self) -> str:
        return str(self.meta["first_month"])

    @property
    def tasks(self) -> list[Task]:
        return [t for a in self.actions for t in a.tasks]

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
        return self.actions[int(task_code.split(".")[0]) - 1]

    def canonical_unit(self, name: str) -> str | None:
        return self.unit_alias.get(name.strip())


@rule(PUBLIC)
def display_text(s: str) -> str:
    """Cell text for display: line breaks left over from the printed table removed."""
    return "".join(line.strip() for line in s.splitlines())
