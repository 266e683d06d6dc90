"""What the plan review screen shows and changes (no Qt): the draft as table rows (code,
numbering, title, lead, other units, targets, open review items), the document's words of
the selected entry, and a cell's edit routed to the draft's checked edits (``PlanEdits``).

Rows, in order: the plan itself (its header, and every review item that names no entry of
the table), actions with their tasks and sub-tasks, policies, indicator parts, milestones,
then the units. Every review item of the draft belongs to exactly one row.
"""

from __future__ import annotations

from typing import NamedTuple

from models.authority import PUBLIC, rule
from models.plan_draft import PlanDraft, Source
from models.plan_draft_data import dicts, target_text
from models.plan_draft_edit import EditError
from models.plan_import.review import ReviewItem

KIND_NAMES = {"plan": "方案", "action": "行动", "task": "任务", "subtask": "子任务", "policy": "政策保障",
              "part": "指标", "milestone": "里程碑", "unit": "单位"}
COLUMNS = ("编码", "编号", "标题/名称", "牵头单位", "配合单位", "目标", "待核对")
EDITABLE = {2: ("action", "task", "subtask", "policy", "part", "milestone", "unit"),
            3: ("task", "subtask", "policy", "part"), 4: ("task", "subtask", "policy", "unit")}
PLAN_REF = ""  # the row of the plan itself
UNASSIGNED = "未分工"


@rule(PUBLIC)
class ReviewRow(NamedTuple):
    kind: str  # a key of KIND_NAMES
    ref: str  # the entry's code, "unit:<name>" for a unit, "" for the plan
    code: str
    numbering: str
    title: str
    lead: str
    others: str
    targets: str

    def cells(self) -> tuple[str, ...]:
        return (self.code, self.numbering, self.title, self.lead, self.others, self.targets)


@rule(PUBLIC)
def review_rows(draft: PlanDraft) -> list[ReviewRow]:
    """Every row of the review table, in plan order."""
    meta = draft.meta
    out = [ReviewRow("plan", PLAN_REF, "方案", "", str(meta.get("name", "")), str(meta.get("office_unit", "")),
                     "", f"{meta.get('district', '')} · 首个填报月份 {meta.get('first_month', '')}")]
    for r in draft.rows():
        units = [str(u) for u in (r.item.get("units") or [])]
        has_subtasks = bool(dicts(r.item.get("subtasks")))
        lead = units[0] if units else ("" if r.kind == "action" or has_subtasks else UNASSIGNED)
        ms = [str(m.get("name", "")) for m in draft.milestones if m.get("task") == r.ref]
        out.append(ReviewRow(r.kind, r.ref, r.ref, str(r.item.get("numbering", "")), str(r.item.get("title", "")),
                             lead, "、".join(units[1:]), f"{len(ms)}个里程碑" if ms else ""))
    for ind, part in draft.parts():
        unit = str(ind.get("responsible_unit", "")) or UNASSIGNED
        if ind.get("responsible_unit_inherited"):
            unit += "（承上行）"
        out.append(ReviewRow("part", str(part.get("code", "")), str(part.get("code", "")), str(ind.get("row", "")),
                             str(part.get("name", "")), unit, "", _targets(part)))
    for m in draft.milestones:
        out.append(ReviewRow("milestone", str(m.get("code", "")), str(m.get("code", "")), f"任务{m.get('task', '')}",
                             str(m.get("name", "")), "", "", _targets(m)))
    for u in draft.units:
        name = str(u.get("name", ""))
        out.append(ReviewRow("unit", f"unit:{name}", "", "", name, "", "、".join(u.get("aliases") or []), ""))
    return out


def _targets(owner: dict[str, object]) -> str:
    if owner.get("monitor"):
        return "仅监测"
    return "；".join(target_text(t) for t in dicts(owner.get("targets"))) or "（无目标）"


@rule(PUBLIC)
def items_by_row(draft: PlanDraft, rows: list[ReviewRow]) -> dict[str, list[tuple[int, ReviewItem]]]:
    """The review items of each row (by the row's ref); items naming no row go to the plan's."""
    refs = {r.ref for r in rows}
    parent = {str(p.get("code", "")): str(i.get("code", "")) for i, p in draft.parts()}
    out: dict[str, list[tuple[int, ReviewItem]]] = {r.ref: [] for r in rows}
    for n, item in enumerate(draft.review):
        if item.ref in refs and item.ref:
            out[item.ref].append((n, item))
            continue
        parts = [code for code, ind in parent.items() if ind == item.ref]
        target = parts[0] if parts else PLAN_REF  # an indicator's items go to its first part
        out[target].append((n, item))
    return out


@rule(PUBLIC)
def source_words(draft: PlanDraft, row: ReviewRow) -> Source:
    """Where the entry came from and the document's words for it; for a plan file (no
    document), the words the file keeps (a task's text, a milestone's quote, the cells)."""
    if row.ref:
        got = draft.source(row.ref)
        if got is not None:
            return got
    if row.kind == "plan":
        meta = draft.meta
        words = [str(meta.get(k, "")) for k in ("name", "issuer", "adopted") if meta.get(k)]
        words += [str(meta.get(k, "")) for k in ("overview", "goals") if meta.get(k)]
        return Source(draft.source_name or "计划文件", "\n\n".join(words))
    if row.kind in ("action", "task", "subtask", "policy"):
        r = draft.row(row.ref)
        item = r.item if r is not None else {}
        words = [str(item.get(k, "")) for k in ("intro", "text", "units_text") if item.get(k)]
        return Source("计划文件", "\n".join(words))
    if row.kind == "part":
        ind = draft.indicator(row.ref) or {}
        cells = [("指标", ind.get("name")), ("市规划目标", ind.get("city_target")), ("本级目标", ind.get("district_target")),
                 ("测算说明", ind.get("explanation"))]
        return Source("计划文件", "\n".join(f"{k}：{v}" for k, v in cells if v))
    if row.kind == "milestone":
        m = draft.milestone(row.ref) or {}
        return Source("计划文件", str(m.get("quote", "")))
    unit = draft.unit(row.title) or {}
    return Source("计划文件", "、".join([row.title, *(unit.get("aliases") or [])]))


@rule(PUBLIC)
def edit_cell(draft: PlanDraft, row: ReviewRow, column: int, text: str) -> None:
    """Change one cell of the review table through the draft's checked edits; EditError
    (the draft unchanged) when the value is refused or the cell cannot be edited."""
    if row.kind not in EDITABLE.get(column, ()):
        raise EditError(f"“{COLUMNS[column]}”这一列{KIND_NAMES[row.kind]}不能在表中修改。")
    text = text.replace("（承上行）", "")
    if column == 2:
        if row.kind in ("action", "task", "subtask", "policy"):
            draft.set_title(row.ref, text)
        elif row.kind == "part":
            draft.set_part(row.ref, "name", text)
        elif row.kind == "milestone":
            draft.set_milestone(row.ref, "name", text)
        else:
            draft.rename_unit(row.title, text)
    elif row.kind == "unit":
        draft.set_unit(row.title, "aliases", text)
    elif row.kind == "part":
        draft.set_indicator(row.ref, "responsible_unit", "" if text.strip() == UNASSIGNED else text)
    elif column == 3:
        draft.set_units(row.ref, "" if text.strip() == UNASSIGNED else text, row.others)
    else:
        lead = "" if row.lead == UNASSIGNED else row.lead
        draft.set_units(row.ref, lead, text)
