"""Units for what the plan leaves unassigned (未分工): the office's own division of work.

Many county plans name no responsible unit for some tasks ("严格控制化石能源消费。" without
a parenthesis) or leave an indicator's 责任单位 cell empty. Such a task or indicator
loads as 未分工; the office assigns units to it in the program. The assignment is the
setting ``unit_assignments`` ({code: [unit, …]}, lead first), shared with the units'
PCs like the other shared settings; ``App.task_units`` and ``App.responsible_unit``
read it. Only what the plan leaves open can be assigned: the plan's own units are
the plan's, changed only by a new version of the plan.
"""

from __future__ import annotations

from typing import Any

from models.app import Actor, App
from models.authority import OFFICE, PUBLIC, rule
from models.errors import InvalidInput, NotFound
from models.plan import UNASSIGNED

SETTING = "unit_assignments"


@rule(PUBLIC)
def open_items(app: App) -> list[dict[str, Any]]:
    """Every task and indicator the plan leaves without units, with the units the office
    assigned (``units``, [] while 未分工): [{code, kind, title, units}] in plan order."""
    assigned = app.assigned_units()
    out = [{"code": t.code, "kind": "task", "title": f"{t.numbering}{t.title}",
            "units": list(assigned.get(t.code, []))}
           for t in app.plan.tasks if not t.units]
    out += [{"code": i.code, "kind": "indicator", "title": i.name, "units": list(assigned.get(i.code, []))}
            for i in app.plan.indicators if not i.responsible_unit]
    return out


@rule(PUBLIC)
def assignable_units(app: App) -> list[str]:
    """The units the office may assign: the plan's units (its streets placeholder, e.g.
    e.g. 各乡镇, standing for every street) except the office itself."""
    return [u.name for u in app.plan.units if u.kind != "street"]


@rule(OFFICE, what="为未分工的任务或指标指定责任单位")
def assign_units(app: App, actor: Actor, code: str, units: list[str]) -> None:
    """Assign ``units`` (lead first; [] clears) to the unassigned task or indicator
    ``code``. Office only; an indicator takes one responsible unit."""
    item = next((x for x in open_items(app) if x["code"] == code), None)
    if item is None:
        if code in app.plan.tasks_by_code or app.plan.indicator_of(code) or \
                any(i.code == code for i in app.plan.indicators):
            raise InvalidInput(f"“{code}”的责任单位由方案规定，不能在程序中改动（方案新版本中修改）。")
        raise NotFound(f"“{code}”不是方案中未分工的任务或指标。")
    known = set(assignable_units(app))
    clean: list[str] = []
    for u in units:
        name = str(u).strip()
        if name not in known:
            raise InvalidInput(f"“{name[:40]}”不是方案中的单位，不能指定为{code}的责任单位。")
        if name not in clean:
            clean.append(name)
    if item["kind"] == "indicator" and len(clean) > 1:
        raise InvalidInput(f"指标{code}只能有一个责任单位。")
    current = dict(app.assigned_units())
    old = current.get(code, [])
    if clean:
        current[code] = clean
    else:
        current.pop(code, None)
    if old == clean:
        return
    with app.store.tx():
        app.settings.set(SETTING, current)
        app.log(actor, "settings", f"{code}的责任单位：{'、'.join(old) or UNASSIGNED} → {'、'.join(clean) or UNASSIGNED}")
    app.invalidate()
