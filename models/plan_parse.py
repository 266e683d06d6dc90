"""Building a ``Plan`` from parsed plan data, checking the file's structure.

``parse_plan`` takes the data of a plan file (as TOML gives it) and checks every
section: the header, units and their aliases, actions and their tasks, policies, the
appendix indicators and their parts, and milestones (codes in order, units known,
references resolved). Every problem is collected with the entry and the field it
concerns, in Chinese, and raised together as ``PlanError``. Reading the file itself is
``models/plan_load.py``.
"""

from __future__ import annotations

from typing import Any

from models.authority import PUBLIC, rule
from models.plan import (DIRECTIONS, FREQUENCIES, UNIT_KINDS, Action, Indicator, Milestone, Part, Plan, PlanError,
                         Policy, Task, Unit)
from models.plan_checker import Checker, parse_targets

PLAN_FORMAT = 1


@rule(PUBLIC)
def parse_plan(raw: dict[str, Any], path: str = "<plan>", digest: str = "") -> Plan:
    """The ``Plan`` of parsed plan data; raises PlanError naming every problem."""
    c = Checker()
    fmt = raw.get("format")
    if fmt != PLAN_FORMAT:
        c.err("文件头", "format", f"应为 {PLAN_FORMAT}，实为 {fmt!r}")
    meta = c.get(raw, "plan", dict, "文件头", default={}) or {}
    for key in ("id", "version", "name", "district", "office_unit", "streets_unit", "first_month"):
        c.get(meta, key, str, "[plan]")
    c.get(meta, "last_year", int, "[plan]")
    for key in ("overview", "goals", "organisation"):
        c.get(meta, key, str, "[plan]", required=False, default="")

    units: list[Unit] = []
    seen_units: dict[str, str] = {}
    for i, u in enumerate(c.get(raw, "units", list, "文件头", default=[]) or [], 1):
        where = f"单位第{i}项"
        if not isinstance(u, dict):
            c.err(where, "units", "应为表")
            continue
        name = c.get(u, "name", str, where) or ""
        where = f"单位“{name}”" if name else where
        kind = c.choice(u, "kind", UNIT_KINDS, where)
        aliases = c.get(u, "aliases", list, where, required=False, default=[]) or []
        note = c.get(u, "note", str, where, required=False, default="")
        for n in [name, *aliases]:
            if n in seen_units:
                c.err(where, "name", f"“{n}”与{seen_units[n]}重复")
            seen_units[n] = where
        units.append(Unit(name=name, kind=kind, aliases=tuple(str(a) for a in aliases), note=note))
    alias = {n: u.name for u in units for n in (u.name, *u.aliases)}

    def resolve_units(obj: dict[str, Any], where: str) -> tuple[str, ...]:
        names = c.get(obj, "units", list, where, default=[]) or []
        if not names:
            c.err(where, "units", "为空：至少应有牵头单位")
        out = []
        for n in names:
            if not isinstance(n, str) or n not in alias:
                c.err(where, "units", f"单位 {n!r} 不在单位列表 [[units]] 中")
                continue
            out.append(alias[n])
        if len(set(out)) != len(out):
            c.err(where, "units", "有重复的单位")
        return tuple(out)

    actions: list[Action] = []
    task_codes: set[str] = set()
    for ai, a in enumerate(c.get(raw, "actions", list, "文件头", default=[]) or [], 1):
        where = f"行动第{ai}项"
        if not isinstance(a, dict):
            c.err(where, "actions", "应为表")
            continue
        no = c.get(a, "no", int, where)
        if no is not None and no != ai:
            c.err(where, "no", f"应为 {ai}（按顺序编号）")
        title = c.get(a, "title", str, where) or ""
        where = f"行动{ai}“{title}”"
        tasks = []
        for ti, t in enumerate(c.get(a, "tasks", list, where, default=[]) or [], 1):
            tw = f"任务{ai}.{ti}"
            if not isinstance(t, dict):
                c.err(tw, "tasks", "应为表")
                continue
            tno = c.get(t, "no", int, tw)
            if tno is not None and tno != ti:
                c.err(tw, "no", f"应为 {ti}（按顺序编号）")
            code = f"{ai}.{ti}"
            task_codes.add(code)
            tasks.append(Task(code=code, action=ai, no=ti, title=c.get(t, "title", str, tw) or "",
                              text=c.get(t, "text", str, tw) or "",
                              units_text=c.get(t, "units_text", str, tw, required=False, default=""),
                              units=resolve_units(t, tw)))
        actions.append(Action(no=ai, numeral=c.get(a, "numeral", str, where, required=False,
                                                    default=""),
                              title=title, intro=c.get(a, "intro", str, where, required=False,
                                                       default=""), tasks=tuple(tasks)))

    policies: list[Policy] = []
    for pi, p in enumerate(c.get(raw, "policies", list, "文件头", default=[]) or [], 1):
        where = f"政策保障第{pi}项"
        if not isinstance(p, dict):
            c.err(where, "policies", "应为表")
            continue
        code = c.get(p, "code", str, where) or ""
        if code and code != f"P{pi}":
            c.err(where, "code", f"应为 P{pi}")
        policies.append(Policy(code=f"P{pi}", title=c.get(p, "title", str, where) or "",
                               text=c.get(p, "text", str, where) or "",
                               units_text=c.get(p, "units_text", str, where, required=False,
                                                default=""),
                               units=resolve_units(p, where)))

    indicators: list[Indicator] = []
    part_codes: set[str] = set()
    for ii, ind in enumerate(c.get(raw, "indicators", list, "文件头", default=[]) or [], 1):
        where = f"附表第{ii}行"
        if not isinstance(ind, dict):
            c.err(where, "indicators", "应为表")
            continue
        code = c.get(ind, "code", str, where) or ""
        if code and code != f"I{ii:02d}":
            c.err(where, "code", f"应为 I{ii:02d}（按附表顺序）")
        code = f"I{ii:02d}"
        where = f"指标{code}"
        ru = c.get(ind, "responsible_unit", str, where) or ""
        if ru and ru not in alias:
            c.err(where, "responsible_unit", f"单位 {ru!r} 不在单位列表中")
        parts = []
        raw_parts = c.get(ind, "parts", list, where, default=[]) or []
        if not raw_parts:
            c.err(where, "parts", "为空：每个指标至少有一个分项")
        for pi, rp in enumerate(raw_parts, 1):
            if not isinstance(rp, dict):
                c.err(where, "parts", "应为表")
                continue
            expect = code if len(raw_parts) == 1 else f"{code}{'abcdefgh'[pi - 1]}"
            pcode = c.get(rp, "code", str, f"{where}分项{pi}") or expect
            pw = f"指标分项{pcode}"
            if pcode != expect:
                c.err(pw, "code", f"应为 {expect}")
            if pcode in part_codes:
                c.err(pw, "code", "重复")
            part_codes.add(pcode)
            direction = c.choice(rp, "direction", DIRECTIONS, pw)
            pending = c.get(rp, "pending", bool, pw, required=False, default=False)
            monitor = c.get(rp, "monitor", bool, pw, required=False, default=False)
            parts.append(Part(code=pcode, name=c.get(rp, "name", str, pw) or "",
                              unit=c.get(rp, "unit", str, pw, required=False, default=""),
                              direction=direction,
                              targets=parse_targets(c, rp, pw, bool(pending), bool(monitor), direction),
                              frequency=c.choice(rp, "frequency", FREQUENCIES, pw, default="year"),
                              pending=bool(pending), monitor=bool(monitor), indicator=code))
        indicators.append(Indicator(
            code=code, row=c.get(ind, "row", int, where, required=False, default=ii) or ii,
            name=c.get(ind, "name", str, where) or "",
            city_target=c.get(ind, "city_target", str, where, required=False, default=""),
            district_target=c.get(ind, "district_target", str, where, required=False, default=""),
            explanation=c.get(ind, "explanation", str, where, required=False, default=""),
            responsible_unit=alias.get(ru, ru),
            responsible_unit_inherited=bool(c.get(ind, "responsible_unit_inherited", bool, where,
                                                   required=False, default=False)),
            parts=tuple(parts),
            status_note=c.get(ind, "status_note", str, where, required=False, default=""),
            discrepancy_with=c.get(ind, "discrepancy_with", str, where, required=False,
                                   default="")))

    milestones: list[Milestone] = []
    for mi, m in enumerate(c.get(raw, "milestones", list, "文件头", default=[]) or [], 1):
        where = f"里程碑第{mi}项"
        if not isinstance(m, dict):
            c.err(where, "milestones", "应为表")
            continue
        code = c.get(m, "code", str, where) or ""
        task = c.get(m, "task", str, where) or ""
        where = f"里程碑{code or mi}"
        if task and task not in task_codes:
            c.err(where, "task", f"任务 {task!r} 不存在")
        if code and task and not (code.startswith(task + "-M") and code[len(task) + 2:].isdigit()):
            c.err(where, "code", f"应为“{task}-M<序号>”的形式")
        if code in part_codes:
            c.err(where, "code", "重复")
        part_codes.add(code)
        direction = c.choice(m, "direction", DIRECTIONS, where)
        note = c.get(m, "note", str, where, required=False, default="")
        part = Part(code=code, name=c.get(m, "name", str, where) or "",
                    unit=c.get(m, "unit", str, where, required=False, default=""),
                    direction=direction,
                    targets=parse_targets(c, m, where, False, False, direction),
                    frequency="month", task=task, note=note)
        milestones.append(Milestone(code=code, task=task, name=part.name,
                                    quote=c.get(m, "quote", str, where, required=False, default=""),
                                    part=part, note=note))

    for ind in indicators:
        if ind.discrepancy_with and ind.discrepancy_with not in {m.code for m in milestones}:
            c.err(f"指标{ind.code}", "discrepancy_with", f"里程碑 {ind.discrepancy_with!r} 不存在")
    if c.problems:
        raise PlanError(path, c.problems)
    return Plan(meta=meta, units=units, actions=actions, policies=policies,
                indicators=indicators, milestones=milestones, digest=digest, path=path)
