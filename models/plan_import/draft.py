"""The draft plan an import produces: every entry of a format-2 plan file, each with
the place in the document it came from (``where``), so that a review table can show
a draft item beside its source text and an editor can change it before saving.

``DraftPlan.to_raw()`` is the plan file as a dict in the order it is written
(``toml_writer`` turns it into text; tomllib reads that text back to the same dict).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models.plan_import.target import Target


@dataclass
class DraftUnit:
    name: str
    kind: str = "bureau"  # bureau | office | streets | street
    aliases: list[str] = field(default_factory=list)
    note: str = ""
    mentions: int = 0
    first_where: str = ""


@dataclass
class DraftItem:
    """What a task, a sub-task and a policy guarantee have in common."""

    code: str
    numbering: str
    title: str
    text: str
    units_text: str = ""
    units: list[str] = field(default_factory=list)  # plan order; the first is the lead
    where: str = ""


@dataclass
class DraftTask(DraftItem):
    subtasks: list[DraftTask] = field(default_factory=list)


@dataclass
class DraftPolicy(DraftItem):
    pass


@dataclass
class DraftAction:
    code: str
    numbering: str
    title: str
    intro: str = ""
    where: str = ""
    tasks: list[DraftTask] = field(default_factory=list)


@dataclass
class DraftPart:
    code: str
    name: str
    unit: str = ""
    direction: str = "higher"  # higher | lower | qualitative
    frequency: str = "year"
    pending: bool = False
    assigned_by: str = ""
    monitor: bool = False
    part_of: str = ""
    entered_as: str = "value"  # value | reduction_rate
    targets: list[Target] = field(default_factory=list)


@dataclass
class DraftIndicator:
    code: str
    row: int
    name: str
    city_target: str = ""
    district_target: str = ""
    explanation: str = ""
    responsible_unit: str = ""
    responsible_unit_inherited: bool = False
    status_note: str = ""
    discrepancy_with: str = ""
    parts: list[DraftPart] = field(default_factory=list)
    where: str = ""


@dataclass
class DraftMilestone:
    code: str
    task: str
    name: str
    unit: str = ""
    direction: str = "higher"
    quote: str = ""
    note: str = ""
    part_of: str = ""
    targets: list[Target] = field(default_factory=list)
    where: str = ""


@dataclass
class DraftMeta:
    id: str = ""
    version: str = ""
    name: str = ""
    district: str = ""
    city: str = ""
    province: str = ""
    issuer: str = ""
    adopted: str = ""
    first_month: str = ""
    last_year: int | None = None
    office_unit: str = ""
    office_host: str = ""
    streets_unit: str = ""
    overview: str = ""
    goals: str = ""
    organisation: str = ""


@dataclass
class DraftPlan:
    meta: DraftMeta = field(default_factory=DraftMeta)
    words: dict[str, str] = field(default_factory=dict)
    units: list[DraftUnit] = field(default_factory=list)
    actions: list[DraftAction] = field(default_factory=list)
    policies: list[DraftPolicy] = field(default_factory=list)
    indicators: list[DraftIndicator] = field(default_factory=list)
    milestones: list[DraftMilestone] = field(default_factory=list)

    def tasks(self) -> list[DraftTask]:
        """Tasks and sub-tasks in document order."""
        out: list[DraftTask] = []
        for a in self.actions:
            for t in a.tasks:
                out.append(t)
                out.extend(t.subtasks)
        return out

    def entry(self, ref: str) -> DraftUnit | DraftAction | DraftItem | DraftIndicator | DraftPart | DraftMilestone | None:
        """The draft entry a review item's ``ref`` names: ``unit:<name>`` or a code (an
        indicator's code names the indicator, a part's code the part)."""
        if ref.startswith("unit:"):
            return next((u for u in self.units if u.name == ref[5:]), None)
        for group in (self.actions, self.tasks(), self.policies, self.indicators, self.milestones):
            for item in group:
                if item.code == ref:
                    return item
        return next((p for i in self.indicators for p in i.parts if p.code == ref), None)

    def to_raw(self) -> dict[str, Any]:
        raw: dict[str, Any] = {"format": 2, "plan": _meta_raw(self.meta)}
        if self.words:
            raw["plan"]["words"] = dict(self.words)
        raw["units"] = [_drop_empty({"name": u.name, "kind": u.kind, "aliases": list(u.aliases),
                                     "note": u.note}, keep=("name", "kind")) for u in self.units]
        raw["actions"] = [_action_raw(a) for a in self.actions]
        raw["policies"] = [_item_raw(p) for p in self.policies]
        raw["indicators"] = [_indicator_raw(i) for i in self.indicators]
        raw["milestones"] = [_milestone_raw(m) for m in self.milestones]
        return {k: v for k, v in raw.items() if v != [] or k in ("units", "actions")}


_META_ORDER = ("id", "version", "name", "district", "city", "province", "issuer", "adopted", "first_month",
               "last_year", "office_unit", "office_host", "streets_unit", "overview", "goals", "organisation")
_META_REQUIRED = ("id", "version", "name", "district", "first_month", "office_unit")


def _meta_raw(meta: DraftMeta) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _META_ORDER:
        value = getattr(meta, key)
        if value in ("", None) and key not in _META_REQUIRED:
            continue
        out[key] = value if value is not None else ""
    return out


def _drop_empty(d: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k in keep or v not in ("", [], None, False)}


def _item_raw(t: DraftItem) -> dict[str, Any]:
    return _drop_empty({"code": t.code, "numbering": t.numbering, "title": t.title, "text": t.text,
                        "units_text": t.units_text, "units": list(t.units)},
                       keep=("code", "title", "text", "units"))


def _task_raw(t: DraftTask) -> dict[str, Any]:
    out = _item_raw(t)
    if t.subtasks:
        out["subtasks"] = [_task_raw(s) for s in t.subtasks]
    return out


def _action_raw(a: DraftAction) -> dict[str, Any]:
    out = _drop_empty({"code": a.code, "numbering": a.numbering, "title": a.title, "intro": a.intro},
                      keep=("code", "title"))
    out["tasks"] = [_task_raw(t) for t in a.tasks]
    return out


def _part_raw(p: DraftPart) -> dict[str, Any]:
    out = _drop_empty({"code": p.code, "name": p.name, "unit": p.unit, "direction": p.direction,
                       "frequency": p.frequency, "pending": p.pending, "assigned_by": p.assigned_by,
                       "monitor": p.monitor, "part_of": p.part_of},
                      keep=("code", "name", "unit", "direction", "frequency"))
    if p.entered_as != "value":
        out["entered_as"] = p.entered_as
    out["targets"] = [t.to_raw() for t in p.targets]
    return out


def _indicator_raw(i: DraftIndicator) -> dict[str, Any]:
    out = _drop_empty({
        "code": i.code, "row": i.row, "name": i.name, "city_target": i.city_target,
        "district_target": i.district_target, "explanation": i.explanation,
        "responsible_unit": i.responsible_unit, "responsible_unit_inherited": i.responsible_unit_inherited,
        "status_note": i.status_note, "discrepancy_with": i.discrepancy_with},
        keep=("code", "row", "name", "city_target", "district_target", "explanation", "responsible_unit",
              "responsible_unit_inherited"))
    out["parts"] = [_part_raw(p) for p in i.parts]
    return out


def _milestone_raw(m: DraftMilestone) -> dict[str, Any]:
    out = _drop_empty({"code": m.code, "task": m.task, "name": m.name, "unit": m.unit,
                       "direction": m.direction, "quote": m.quote, "note": m.note, "part_of": m.part_of},
                      keep=("code", "task", "name", "unit", "direction", "quote"))
    out["targets"] = [t.to_raw() for t in m.targets]
    return out
