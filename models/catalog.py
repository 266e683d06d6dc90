"""Mirror of the plan in the database, and the catalog as JSON.

The plan file is the source; the database keeps a mirror (units, catalog items,
assignments) so that entries can reference codes with foreign keys. The mirror
is re-synced whenever the plan file's digest changes. Syncing never deletes:
items that left the plan are marked inactive and their entries stay.
"""

from __future__ import annotations

from typing import Any

from models.authority import INTERNAL, PUBLIC, rule
from models.plan import Part, Plan, Task, display_text
from models.store import Store, now_iso


@rule(INTERNAL, why="mirrors the plan's structure into the database when the plan is opened")
def sync_catalog(store: Store, plan: Plan, *, force: bool = False) -> bool:
    """Bring the database mirror up to date with ``plan``. Returns True if it changed."""
    meta = {r["key"]: r["value"] for r in store.query("SELECT key, value FROM plan_meta")}
    if not force and meta.get("digest") == plan.digest and meta.get("plan_id") == plan.plan_id:
        return False
    items: list[tuple[str, str, str | None, str, int]] = []
    assign: list[tuple[str, str, str, int]] = []
    sort = 0
    for a in plan.actions:
        sort += 1
        items.append((action_key(a.code), "action", None, a.title, sort))
        for t in (x for top in a.tasks for x in (top, *top.subtasks)):
            sort += 1
            items.append((t.code, "task", t.parent or action_key(a.code), t.title, sort))
            for pos, u in enumerate(t.units):
                assign.append((t.code, u, "lead" if pos == 0 else "cooperate", pos))
    for p in plan.policies:
        sort += 1
        items.append((p.code, "policy", None, p.title, sort))
        for pos, u in enumerate(p.units):
            assign.append((p.code, u, "lead" if pos == 0 else "cooperate", pos))
    for ind in plan.indicators:
        sort += 1
        items.append((ind.code, "indicator", None, ind.name, sort))
        for part in ind.parts:
            sort += 1
            items.append((part.code, "part", ind.code, part.name, sort))
            if ind.responsible_unit:
                assign.append((part.code, ind.responsible_unit, "responsible", 0))
    for m in plan.milestones:
        sort += 1
        items.append((m.code, "milestone", m.task, m.name, sort))
    with store.tx() as c:
        c.execute("UPDATE units SET active = 0 WHERE from_plan = 1")
        for i, unit in enumerate(plan.units):
            c.execute(
                "INSERT INTO units(name, kind, sort, active, from_plan) VALUES (?, ?, ?, 1, 1) "
                "ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, sort = excluded.sort, "
                "active = 1, from_plan = 1",
                (unit.name, unit.kind, i))
        c.execute("UPDATE catalog_items SET active = 0")
        c.executemany(
            "INSERT INTO catalog_items(code, kind, parent, title, sort, active) "
            "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT(code) DO UPDATE SET kind = excluded.kind, "
            "parent = excluded.parent, title = excluded.title, sort = excluded.sort, active = 1",
            items)
        c.execute("DELETE FROM assignments")
        c.executemany("INSERT INTO assignments(item_code, unit, role, pos) VALUES (?, ?, ?, ?)",
                      assign)
        for k, v in (("plan_id", plan.plan_id), ("version", plan.version),
                     ("digest", plan.digest), ("name", plan.name), ("synced_at", now_iso())):
            c.execute("INSERT INTO plan_meta(key, value) VALUES (?, ?) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (k, v))
    return True


@rule(PUBLIC)
def action_key(code: str) -> str:
    """An action's key in the database mirror: "A" and its code ("A1"), apart from task codes."""
    return f"A{code}"


def _target_json(t: Any) -> dict[str, Any]:
    return t.as_dict()


def _task_json(plan: Plan, t: Task) -> dict[str, Any]:
    out: dict[str, Any] = {"code": t.code, "numbering": t.numbering, "title": t.title, "text": t.text,
           "units_text": t.units_text, "units": list(t.units), "lead": t.lead,
           "milestones": [m.code for m in plan.milestones_of(t.code)]}
    if t.subtasks:
        out["subtasks"] = [_task_json(plan, s) for s in t.subtasks]
    return out


def _part_json(p: Part) -> dict[str, Any]:
    return {"code": p.code, "name": p.name, "unit": p.unit, "direction": p.direction,
            "frequency": p.frequency, "pending": p.pending, "assigned_by": p.assigned_by,
            "monitor": p.monitor, "part_of": p.part_of, "entered_as": p.entered_as,
            "targets": [_target_json(t) for t in p.targets]}


@rule(PUBLIC)
def catalog_json(plan: Plan, streets: list[str] | None = None) -> dict[str, Any]:
    """The catalog as plain data (the ``catalog --json`` command)."""
    out: dict[str, Any] = {
        "plan": {"id": plan.plan_id, "version": plan.version, "name": plan.name,
                 "district": plan.district, "city": plan.city, "province": plan.province,
                 "digest": plan.digest, "office_unit": plan.office_unit, "first_month": plan.first_month,
                 "last_year": plan.last_year, "format": plan.plan_format,
                 "words": plan.words._asdict(), "briefing": plan.briefing._asdict()},
        "units": [{"name": u.name, "kind": u.kind, "aliases": list(u.aliases), "note": u.note}
                  for u in plan.units],
        "streets": list(streets or []),
        "actions": [
            {"code": a.code, "no": a.no, "numbering": a.numbering, "numeral": a.numeral, "title": a.title,
             "intro": a.intro, "tasks": [_task_json(plan, t) for t in a.tasks]}
            for a in plan.actions],
        "policies": [{"code": p.code, "numbering": p.numbering, "title": p.title, "text": p.text,
                      "units_text": p.units_text, "units": list(p.units)}
                     for p in plan.policies],
        "organisation": plan.meta.get("organisation", ""),
        "indicators": [
            {"code": i.code, "row": i.row, "name": i.name, "city_target": i.city_target,
             "district_target": i.district_target, "explanation": i.explanation,
             "responsible_unit": i.responsible_unit,
             "responsible_unit_inherited": i.responsible_unit_inherited,
             "status_note": i.status_note,
             "discrepancy_with": i.discrepancy_with,
             "parts": [_part_json(p) for p in i.parts]}
            for i in plan.indicators],
        "milestones": [
            {"code": m.code, "task": m.task, "name": m.name, "unit": m.part.unit,
             "direction": m.part.direction, "quote": m.quote, "note": m.note, "part_of": m.part.part_of,
             "entered_as": m.part.entered_as, "targets": [_target_json(t) for t in m.part.targets]}
            for m in plan.milestones],
        "discrepancies": [
            {"indicator": i.code, "milestone": i.discrepancy_with,
             "indicator_text": display_text(i.district_target),
             "milestone_text": _quote_of(plan, i.discrepancy_with),
             "note": i.status_note}
            for i in plan.indicators if i.discrepancy_with],
    }
    return out


def _quote_of(plan: Plan, code: str) -> str:
    """The words of the item a discrepancy names: a milestone's quote, an indicator's cell."""
    for m in plan.milestones:
        if m.code == code:
            return m.quote
    ind = plan.indicator_of(code)
    return display_text(ind.district_target) if ind is not None else ""
