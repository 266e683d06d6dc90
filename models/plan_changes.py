"""What a new version of a plan changes, matched by code (never by position).

Every item of a plan (action, task, sub-task, policy, indicator part, milestone) is
known by its code. Between two versions an item is added, removed, renamed (same code,
other title), has other targets, or other units. ``changes_between`` compares two
loaded plans; ``changes_from_mirror`` compares a database's catalog mirror (codes,
kinds, titles: all an old database knows) with a plan. ``PlanChanges.text`` is the
list the office reads before accepting; entered data stays with its code, and data
of removed items is counted (it is kept, the item marked inactive).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from models.authority import INTERNAL, PUBLIC, rule
from models.catalog import action_key
from models.plan import UNASSIGNED, Part, Plan
from models.store import Store
from models.target_words import describe_target

KIND_NAMES = {"action": "行动", "task": "任务", "policy": "政策保障", "indicator": "指标", "part": "指标",
              "milestone": "里程碑"}
_DATA_TABLES = (("task_reports", "task_code"), ("milestone_values", "milestone_code"),
                ("indicator_values", "part_code"), ("projects", "task_code"), ("baselines", "part_code"))


@rule(PUBLIC)
class Item(NamedTuple):
    kind: str  # as in the catalog mirror: action | task | policy | indicator | part | milestone
    title: str
    targets: str = ""
    units: str = ""


@rule(PUBLIC)
def items_of(plan: Plan) -> dict[str, Item]:
    """Every item of ``plan`` by its key in the catalog mirror (actions as "A<code>")."""
    out: dict[str, Item] = {}
    for a in plan.actions:
        out[action_key(a.code)] = Item("action", a.title)
    for t in plan.all_tasks:
        out[t.code] = Item("task", t.title, "", "、".join(t.units) or ("（分项）" if t.is_heading else UNASSIGNED))
    for p in plan.policies:
        out[p.code] = Item("policy", p.title, "", "、".join(p.units) or UNASSIGNED)
    for ind in plan.indicators:
        out[ind.code] = Item("indicator", ind.name, "", ind.responsible_unit or UNASSIGNED)
        for part in ind.parts:
            out[part.code] = Item("part", part.name, _targets(part), ind.responsible_unit or UNASSIGNED)
    for m in plan.milestones:
        out[m.code] = Item("milestone", m.name, _targets(m.part))
    return out


def _targets(p: Part) -> str:
    words = [describe_target(p, t) for t in p.targets] or ["仅监测"]
    if p.as_rate:
        words.append("填报下降率")
    if p.part_of:
        words.append(f"为{p.part_of}的其中项")
    return "；".join(words)


@rule(PUBLIC)
@dataclass
class PlanChanges:
    """The differences between two versions of a plan, by code."""

    old_version: str = ""
    new_version: str = ""
    header: list[str] = field(default_factory=list)
    added: list[tuple[str, str, str]] = field(default_factory=list)  # code, kind, title
    removed: list[tuple[str, str, str, int]] = field(default_factory=list)  # … and rows of data kept
    renamed: list[tuple[str, str, str, str]] = field(default_factory=list)  # code, kind, old, new
    targets: list[tuple[str, str, str, str]] = field(default_factory=list)  # code, title, old, new
    units: list[tuple[str, str, str, str]] = field(default_factory=list)  # code, title, old, new
    known_targets: bool = True  # False when compared with a mirror, which keeps no targets

    @property
    def empty(self) -> bool:
        return not (self.header or self.added or self.removed or self.renamed or self.targets or self.units)

    def summary(self) -> str:
        parts = [f"{label}{len(x)}项" for label, x in (("新增", self.added), ("移出", self.removed),
                                                       ("改名", self.renamed), ("目标变化", self.targets),
                                                       ("责任单位变化", self.units)) if x]
        return "，".join(parts + self.header) or "条目无变化（文件内容有改动）"

    def lines(self) -> list[str]:
        out = [f"版本：{self.old_version or '（未记录）'} → {self.new_version}", *self.header]
        out += [f"新增{KIND_NAMES.get(k, k)} {c}：{t}" for c, k, t in self.added]
        out += [f"移出{KIND_NAMES.get(k, k)} {c}：{t}" + (f"（已有{n}条数据，保留并标为停用）" if n else "（停用）")
                for c, k, t, n in self.removed]
        out += [f"改名 {c}：{o} → {n}" for c, _k, o, n in self.renamed]
        out += [f"目标变化 {c} {t}：{o} → {n}" for c, t, o, n in self.targets]
        out += [f"责任单位变化 {c} {t}：{o} → {n}" for c, t, o, n in self.units]
        if not self.known_targets:
            out.append("（本数据库由旧版程序创建，没有保存原计划文件：只能比较编码和名称，目标和责任单位的变化无法列出）")
        if len(out) == 1:
            out.append("条目、名称、目标和责任单位都没有变化（文件的其他内容有改动）")
        out.append("已填报的数据按编码保留，不会改到别的条目名下。")
        return out

    def text(self) -> str:
        return "\n".join(f"  - {line}" for line in self.lines())


@rule(PUBLIC)
def changes_between(old: Plan, new: Plan, store: Store | None = None) -> PlanChanges:
    """What ``new`` changes against ``old``, by code; ``store`` counts the data of removed items."""
    ch = PlanChanges(old.version, new.version)
    for label, a, b in (("方案名称", old.name, new.name), ("区县", old.district, new.district),
                        ("第一个填报月份", old.first_month, new.first_month)):
        if a != b:
            ch.header.append(f"{label}：{a} → {b}")
    before, after = items_of(old), items_of(new)
    _compare(ch, {c: (i.kind, i.title) for c, i in before.items()}, after, store)
    for code, item in after.items():
        was = before.get(code)
        if was is None or was.kind != item.kind:
            continue
        if was.targets != item.targets:
            ch.targets.append((code, item.title, was.targets, item.targets))
        if was.units != item.units and item.kind != "indicator":
            ch.units.append((code, item.title, was.units, item.units))
    return ch


@rule(INTERNAL, why="reads the catalog mirror for bind, which opens the database")
def changes_from_mirror(store: Store, new: Plan) -> PlanChanges:
    """What ``new`` changes against the catalog mirror of a database that keeps no plan text."""
    meta = {r["key"]: r["value"] for r in store.query("SELECT key, value FROM plan_meta")}
    ch = PlanChanges(str(meta.get("version", "")), new.version, known_targets=False)
    if meta.get("name") and meta["name"] != new.name:
        ch.header.append(f"方案名称：{meta['name']} → {new.name}")
    mirror = {r["code"]: (r["kind"], r["title"]) for r in store.query(
        "SELECT code, kind, title FROM catalog_items WHERE active = 1")}
    _compare(ch, mirror, items_of(new), store)
    return ch


def _compare(ch: PlanChanges, before: dict[str, tuple[str, str]], after: dict[str, Item], store: Store | None) -> None:
    for code, item in after.items():
        was = before.get(code)
        if was is None:
            ch.added.append((code, item.kind, item.title))
        elif was[1] != item.title:
            ch.renamed.append((code, item.kind, was[1], item.title))
    for code, (kind, title) in before.items():
        if code not in after:
            ch.removed.append((code, kind, title, _data_rows(store, code)))


def _data_rows(store: Store | None, code: str) -> int:
    if store is None:
        return 0
    return sum(int(store.scalar(f"SELECT COUNT(*) FROM {table} WHERE {col} = ?", (code,)) or 0)
               for table, col in _DATA_TABLES)
