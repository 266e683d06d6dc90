"""Checking a plan's measured items: the appendix indicators and their parts, the
milestones in task text, the codes every item carries, and the optional [demo] table.

``CodeBook`` holds every code given out so far (actions, tasks, policies, indicators,
parts, milestones share one namespace) and names both entries of a duplicate.
``parse_indicators`` and ``parse_milestones`` build the records with their targets
(``models/plan_checker.parse_targets``); ``CodeBook.check_references`` resolves what
points at another item (``part_of``, ``discrepancy_with``) once everything is read.
"""

from __future__ import annotations

from typing import Any

from models.authority import PUBLIC, module_rule
from models.plan import (ASSIGNERS, DIRECTIONS, ENTERED_AS, FREQUENCIES, Indicator, Milestone, Part, Task,
                         Target)
from models.plan_checker import Checker, parse_targets

IND_KEYS = ("code", "row", "name", "city_target", "district_target", "explanation", "responsible_unit",
            "responsible_unit_inherited", "status_note", "discrepancy_with", "parts")
PART_KEYS = ("code", "name", "unit", "direction", "frequency", "pending", "assigned_by", "monitor", "part_of",
             "entered_as", "targets")
MILESTONE_KEYS = ("code", "task", "name", "unit", "direction", "quote", "note", "part_of", "entered_as",
                  "targets")
DEMO_KEYS = ("streets", "places", "baselines", "lagging")
DEMO_BASELINE_KEYS = ("year", "value", "source")

__authority__ = module_rule(PUBLIC, why="checks a plan file's indicators and milestones; no unit's data")


class CodeBook:
    """Every code given out, with where it was given (to name both sides of a duplicate)."""

    def __init__(self, c: Checker):
        self.c = c
        self.seen: dict[str, str] = {}
        self.parts: dict[str, Part] = {}

    def take(self, code: str, where: str) -> str:
        if code in self.seen:
            self.c.err(where, "code", f"“{code}”与{self.seen[code]}的编码重复")
        else:
            self.seen[code] = where
        return code

    def check_references(self, indicators: list[Indicator], milestones: list[Milestone]) -> None:
        """``part_of`` names another part or milestone with the same unit, without cycles;
        ``discrepancy_with`` names a part or milestone."""
        c = self.c
        parts = {p.code: p for i in indicators for p in i.parts}
        parts.update({m.code: m.part for m in milestones})
        self.parts = parts
        for p in parts.values():
            if not p.part_of:
                continue
            where = f"里程碑{p.code}" if p.is_milestone else f"指标分项{p.code}"
            whole = parts.get(p.part_of)
            if whole is None:
                c.err(where, "part_of", f"“{p.part_of}”不是计划中的指标分项或里程碑")
                continue
            if whole.entry_unit != p.entry_unit:
                c.err(where, "part_of", f"单位“{p.entry_unit}”与所属的{whole.code}的单位“{whole.entry_unit}”不同")
            if p.qualitative or whole.qualitative:
                c.err(where, "part_of", "定性指标不能作为“其中”项")
            seen = {p.code}
            cur: Part | None = whole
            while cur is not None and cur.part_of:
                if cur.code in seen:
                    c.err(where, "part_of", "形成了循环")
                    break
                seen.add(cur.code)
                cur = parts.get(cur.part_of)
        for ind in indicators:
            if ind.discrepancy_with and ind.discrepancy_with not in parts:
                c.err(f"指标{ind.code}", "discrepancy_with", f"里程碑 {ind.discrepancy_with!r} 不存在")


def parse_indicators(c: Checker, raw: dict[str, Any], alias: dict[str, str], codes: CodeBook,
                     first_year: int) -> list[Indicator]:
    indicators: list[Indicator] = []
    rows: set[int] = set()
    for ii, ind in enumerate(c.get(raw, "indicators", list, "文件头", required=False, default=[]) or [], 1):
        where = f"附表第{ii}行"
        if not isinstance(ind, dict):
            c.err(where, "indicators", "应为表")
            continue
        explicit = ind.get("code")
        row = c.get(ind, "row", int, f"指标{explicit}" if isinstance(explicit, str) and explicit else where,
                    required=False, default=ii)
        row = row if isinstance(row, int) else ii
        if row in rows:
            c.err(where, "row", f"序号 {row} 重复")
        rows.add(row)
        code = codes.take(c.code(ind, where, f"I{row:02d}"), where)
        where = f"指标{code}"
        c.strict(ind, IND_KEYS, where, "indicators")
        ru = c.get(ind, "responsible_unit", str, where, required=False, default="") or ""
        if ru and ru not in alias:
            c.err(where, "responsible_unit", f"单位 {ru!r} 不在单位列表中")
        parts = []
        raw_parts = c.get(ind, "parts", list, where, default=[]) or []
        if not raw_parts and "parts" in ind:
            c.err(where, "parts", "为空：每个指标至少有一个分项")
        for pi, rp in enumerate(raw_parts, 1):
            if not isinstance(rp, dict):
                c.err(where, "parts", "应为表")
                continue
            expect = code if len(raw_parts) == 1 else f"{code}{'abcdefghijklmnopqrstuvwxyz'[(pi - 1) % 26]}"
            pcode = c.code(rp, f"{where}分项{pi}", expect)
            if pcode != code:
                codes.take(pcode, f"指标分项{pcode}")
            pw = f"指标分项{pcode}"
            c.strict(rp, PART_KEYS, pw, "indicators.parts")
            parts.append(_part(c, rp, pw, pcode, first_year, indicator=code))
        indicators.append(Indicator(
            code=code, row=row, name=c.get(ind, "name", str, where) or "",
            city_target=c.get(ind, "city_target", str, where, required=False, default=""),
            district_target=c.get(ind, "district_target", str, where, required=False, default=""),
            explanation=c.get(ind, "explanation", str, where, required=False, default=""),
            responsible_unit=alias.get(ru, ru),
            responsible_unit_inherited=bool(c.get(ind, "responsible_unit_inherited", bool, where,
                                                   required=False, default=False)),
            parts=tuple(parts),
            status_note=c.get(ind, "status_note", str, where, required=False, default=""),
            discrepancy_with=c.get(ind, "discrepancy_with", str, where, required=False, default="")))
    return indicators


def _part(c: Checker, rp: dict[str, Any], pw: str, code: str, first_year: int, *, indicator: str = "",
          task: str = "", note: str = "") -> Part:
    direction = c.choice(rp, "direction", DIRECTIONS, pw)
    pending = bool(c.get(rp, "pending", bool, pw, required=False, default=False))
    monitor = bool(c.get(rp, "monitor", bool, pw, required=False, default=False))
    assigned_by = c.get(rp, "assigned_by", str, pw, required=False, default="") or ""
    if assigned_by and assigned_by not in ASSIGNERS:
        c.err(pw, "assigned_by", f"取值 {assigned_by!r} 无效，应为 {'、'.join(ASSIGNERS)} 之一")
    targets = parse_targets(c, rp, pw, pending, monitor, direction, first_year)
    # A target without a number whose assigning body is named is pending too.
    pending = pending or any(_awaits_value(t) for t in targets)
    entered_as = c.choice(rp, "entered_as", ENTERED_AS, pw, default="value")
    if entered_as == "reduction_rate":
        _check_rate(c, pw, targets)
    return Part(code=code, name=c.get(rp, "name", str, pw) or "",
                unit=c.get(rp, "unit", str, pw, required=False, default=""), direction=direction,
                targets=targets,
                frequency=c.choice(rp, "frequency", FREQUENCIES, pw, default="month" if task else "year"),
                pending=pending, monitor=monitor, indicator=indicator, task=task, note=note,
                part_of=c.get(rp, "part_of", str, pw, required=False, default="") or "",
                entered_as=entered_as, assigned_by=assigned_by)


def _awaits_value(t: Target) -> bool:
    return t.value is None and t.op not in ("yes", "decrease", "increase")


def _check_rate(c: Checker, pw: str, targets: tuple[Target, ...]) -> None:
    """A part entered as its reduction rate: every numeric target is a reduction against
    one base year (the rate is meaningless against an absolute level)."""
    years = set()
    for t in targets:
        if t.op in ("yes", "decrease", "increase"):
            continue
        if t.basis != "reduction_vs_baseline":
            c.err(pw, "entered_as", "为 \"reduction_rate\"（填报下降率）时，数值目标都应是“比基期下降”"
                  "（basis = \"reduction_vs_baseline\"）")
            return
        years.add(t.baseline_year)
    if len(years) > 1:
        c.err(pw, "entered_as", "为 \"reduction_rate\" 时，各目标的基期年份（baseline_year）应相同")


def parse_milestones(c: Checker, raw: dict[str, Any], tasks: dict[str, Task], codes: CodeBook,
                     first_year: int) -> list[Milestone]:
    milestones: list[Milestone] = []
    per_task: dict[str, int] = {}
    for mi, m in enumerate(c.get(raw, "milestones", list, "文件头", required=False, default=[]) or [], 1):
        where = f"里程碑第{mi}项"
        if not isinstance(m, dict):
            c.err(where, "milestones", "应为表")
            continue
        task = c.get(m, "task", str, where) or ""
        per_task[task] = per_task.get(task, 0) + 1
        code = codes.take(c.code(m, where, f"{task}-M{per_task[task]}"), where)
        where = f"里程碑{code or mi}"
        c.strict(m, MILESTONE_KEYS, where, "milestones")
        if task and task not in tasks:
            c.err(where, "task", f"任务 {task!r} 不存在")
        note = c.get(m, "note", str, where, required=False, default="")
        part = _part(c, m, where, code, first_year, task=task, note=note)
        milestones.append(Milestone(code=code, task=task, name=part.name,
                                    quote=c.get(m, "quote", str, where, required=False, default=""),
                                    part=part, note=note))
    return milestones


def parse_demo(c: Checker, raw: dict[str, Any], codes: CodeBook) -> dict[str, Any]:
    """The optional [demo] table: names for sample data (streets, places for sample
    projects, baselines by code, parts made to lag). Everything else of the sample data
    is generated from the plan."""
    got = c.get(raw, "demo", dict, "文件头", required=False, default={}) or {}
    c.strict(got, DEMO_KEYS, "[demo]", "demo")
    out: dict[str, Any] = {}
    for key in ("streets", "places"):
        names = c.get(got, key, list, "[demo]", required=False, default=[]) or []
        if any(not isinstance(n, str) or not n.strip() for n in names):
            c.err("[demo]", key, "应为非空文本的列表")
            names = []
        out[key] = [n.strip() for n in names]
    baselines: dict[str, tuple[int, float, str]] = {}
    table = c.get(got, "baselines", dict, "[demo]", required=False, default={}) or {}
    for code, b in table.items():
        where = f"[demo.baselines] 的 {code}"
        if code not in codes.parts:
            c.err(where, "baselines", f"“{code}”不是计划中的指标分项或里程碑")
            continue
        if not isinstance(b, dict):
            c.err(where, "baselines", "应为表（{ year = …, value = … }）")
            continue
        c.strict(b, DEMO_BASELINE_KEYS, where, f"demo.baselines.{code}")
        year = c.get(b, "year", int, where)
        value = c.get(b, "value", float, where)
        if year is not None and value is not None:
            baselines[code] = (year, float(value), c.get(b, "source", str, where, required=False, default=""))
    out["baselines"] = baselines
    lagging: dict[str, float] = {}
    for code, factor in (c.get(got, "lagging", dict, "[demo]", required=False, default={}) or {}).items():
        if code not in codes.parts:
            c.err("[demo.lagging]", code, "不是计划中的指标分项或里程碑")
        elif isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 < factor <= 1:
            c.err("[demo.lagging]", code, "应为 0 到 1 之间的数（示例数据落后的程度）")
        else:
            lagging[code] = float(factor)
    out["lagging"] = lagging
    return out
