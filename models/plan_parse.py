"""Building a ``Plan`` from parsed plan data, checking the file's structure.

``parse_plan`` takes the data of a plan file (as TOML gives it) and checks every
section: the header with its words and briefing lines, units and their aliases,
actions with their tasks and sub-tasks, and policies (indicators, their parts and
milestones: ``models/plan_indicators.py``). Codes are the plan's own (defaulting to
the printed numbering) and unique; keys a section does not know are errors naming
them. Every problem is collected with the entry and the field it concerns, in
Chinese, and raised together as ``PlanError``. Format 1 files are first read as
format 2 (``models/plan_format1.py``). Reading the file itself is
``models/plan_load.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from models.authority import PUBLIC, rule
from models import plan_format1
from models.plan import UNIT_KINDS, Action, Indicator, Milestone, Part, Plan, PlanError, Policy, Task, Unit
from models.plan_words import Briefing, Words, cn_number, default_briefing, default_words
from models.plan_checker import MONTH_RE, Checker
from models.plan_indicators import CodeBook, parse_demo, parse_indicators, parse_milestones

PLAN_FORMAT = 2
TOP_KEYS = ("format", "plan", "units", "actions", "policies", "indicators", "milestones", "demo")
PLAN_KEYS = ("id", "version", "name", "district", "city", "province", "issuer", "adopted", "first_month",
             "last_year", "office_unit", "office_host", "streets_unit", "overview", "goals", "organisation",
             "words", "briefing")
UNIT_KEYS = ("name", "kind", "aliases", "note")
ACTION_KEYS = ("code", "numbering", "title", "intro", "tasks")
TASK_KEYS = ("code", "numbering", "title", "text", "units_text", "units", "subtasks")
POLICY_KEYS = ("code", "numbering", "title", "text", "units_text", "units")


@rule(PUBLIC)
def parse_plan(raw: dict[str, Any], path: str = "<plan>", digest: str = "", source: str | None = None) -> Plan:
    """The ``Plan`` of parsed plan data; raises PlanError naming every problem."""
    c = Checker()
    fmt = raw.get("format")
    if fmt == 1:
        raw = plan_format1.upgrade(raw, c)
    elif fmt != PLAN_FORMAT:
        c.err("文件头", "format", f"应为 {PLAN_FORMAT}（或旧格式 1），实为 {fmt!r}")
    c.strict(raw, TOP_KEYS, "文件头", "")
    header = c.get(raw, "plan", dict, "文件头", default={}) or {}
    meta = _meta(c, header)
    units = _units(c, raw)
    alias = {n: u.name for u in units for n in (u.name, *u.aliases)}
    if not meta.get("streets_unit"):
        meta["streets_unit"] = next((u.name for u in units if u.kind == "streets"), "")
    elif meta["streets_unit"] not in alias:
        c.err("[plan]", "streets_unit", f"单位 {meta['streets_unit']!r} 不在单位列表 [[units]] 中")
    codes = CodeBook(c)
    actions = _actions(c, raw, alias, codes)
    policies = _policies(c, raw, alias, codes)
    first_year = int(str(meta.get("first_month") or "2021")[:4]) if MONTH_RE.fullmatch(
        str(meta.get("first_month") or "")) else 2021
    tasks = {t.code: t for a in actions for top in a.tasks for t in (top, *top.subtasks)}
    indicators = parse_indicators(c, raw, alias, codes, first_year)
    milestones = parse_milestones(c, raw, tasks, codes, first_year)
    codes.check_references(indicators, milestones)
    for a in actions:
        if f"A{a.code}" in codes.seen:
            c.err(f"行动{a.code}", "code", f"与编码“A{a.code}”相近，易混淆，请换一个编码")
    years = [t.year for i in indicators for p in i.parts for t in p.targets] + \
            [t.year for m in milestones for t in m.part.targets]
    if "last_year" not in meta:
        meta["last_year"] = max([first_year, *years])
    words = _words(c, header, meta, len(actions), [a.title for a in actions])
    briefing = _briefing(c, header, meta, words)
    indicators, milestones = _assigners(indicators, milestones, words.assigned_by)
    demo = parse_demo(c, raw, codes)
    if c.problems:
        raise PlanError(path, c.problems)
    return Plan(meta=meta, units=units, actions=actions, policies=policies, indicators=indicators,
                milestones=milestones, digest=digest, path=path, words=words, briefing=briefing, demo=demo,
                source=source, plan_format=int(fmt) if fmt in (1, 2) else PLAN_FORMAT)


def _assigners(indicators: list[Indicator], milestones: list[Milestone], default: str
               ) -> tuple[list[Indicator], list[Milestone]]:
    """Every pending part and target names who assigns it: its own ``assigned_by``, else
    the part's, else the plan's word (so that nothing downstream guesses 省 or 市)."""
    def fix(p: Part) -> Part:
        if not p.pending:
            return p
        by = p.assigned_by or default
        return p._replace(assigned_by=by, targets=tuple(
            t._replace(assigned_by=t.assigned_by or by) if t.value is None else t for t in p.targets))
    inds = [i._replace(parts=tuple(fix(p) for p in i.parts)) for i in indicators]
    mss = [m._replace(part=fix(m.part)) for m in milestones]
    return inds, mss


def _meta(c: Checker, got: dict[str, Any]) -> dict[str, Any]:
    c.strict(got, PLAN_KEYS, "[plan]", "plan")
    meta: dict[str, Any] = {}
    for key in ("id", "version", "name", "district", "office_unit", "first_month"):
        val = c.get(got, key, str, "[plan]")
        meta[key] = val if val is not None else ""
        if val is not None and not val.strip():
            c.err("[plan]", key, "为空")
    for key in ("city", "province", "issuer", "office_host", "streets_unit", "overview", "goals",
                "organisation"):
        meta[key] = c.get(got, key, str, "[plan]", required=False, default="")
    adopted = got.get("adopted", "")
    if isinstance(adopted, date):
        adopted = adopted.isoformat()
    elif not isinstance(adopted, str):
        c.err("[plan]", "adopted", f"类型错误：应为文本（如 \"2023-08-17\"），实为 {adopted!r}")
        adopted = ""
    meta["adopted"] = adopted
    fm = meta["first_month"]
    if fm and not MONTH_RE.fullmatch(fm):
        c.err("[plan]", "first_month", f"“{fm[:20]}”无效，应为“YYYY-MM”，如 \"2023-09\"")
    last = c.get(got, "last_year", int, "[plan]", required=False)
    if last is not None:
        if fm and MONTH_RE.fullmatch(fm) and last < int(fm[:4]):
            c.err("[plan]", "last_year", f"{last} 早于第一个填报月份 {fm}")
        meta["last_year"] = last
    return meta


def _words(c: Checker, header: dict[str, Any], meta: dict[str, Any], n_actions: int,
           titles: list[str]) -> Words:
    defaults = default_words(meta, n_actions, titles)
    got = _subtable(c, header, "words")
    c.strict(got, Words._fields, "[plan.words]", "plan.words")
    vals = {k: c.get(got, k, str, "[plan.words]", required=False, default=getattr(defaults, k))
            for k in Words._fields}
    for k in ("level", "street_word", "assigned_by"):  # appendix_name "" = no appendix
        if not str(vals[k]).strip():
            c.err("[plan.words]", k, "为空")
    return Words(**vals)


def _briefing(c: Checker, header: dict[str, Any], meta: dict[str, Any], words: Words) -> Briefing:
    defaults = default_briefing(meta, words)
    got = _subtable(c, header, "briefing")
    c.strict(got, Briefing._fields, "[plan.briefing]", "plan.briefing")
    return Briefing(**{k: c.get(got, k, str, "[plan.briefing]", required=False, default=getattr(defaults, k))
                       for k in Briefing._fields})


def _subtable(c: Checker, header: dict[str, Any], key: str) -> dict[str, Any]:
    """[plan.words] / [plan.briefing]: a table, or {} when absent."""
    val = header.get(key, {})
    if not isinstance(val, dict):
        c.err("[plan]", key, f"应为表 [plan.{key}]")
        return {}
    return val


def _units(c: Checker, raw: dict[str, Any]) -> list[Unit]:
    units: list[Unit] = []
    seen: dict[str, str] = {}
    for i, u in enumerate(c.get(raw, "units", list, "文件头", required=False, default=[]) or [], 1):
        where = f"单位第{i}项"
        if not isinstance(u, dict):
            c.err(where, "units", "应为表")
            continue
        name = (c.get(u, "name", str, where) or "").strip()
        where = f"单位“{name}”" if name else where
        c.strict(u, UNIT_KEYS, where, "units")
        kind = c.choice(u, "kind", UNIT_KINDS, where, default="bureau")
        aliases = c.get(u, "aliases", list, where, required=False, default=[]) or []
        note = c.get(u, "note", str, where, required=False, default="")
        for n in [name, *aliases]:
            if not isinstance(n, str) or not n.strip():
                c.err(where, "aliases", f"名称 {n!r} 应为非空文本")
                continue
            if n in seen:
                c.err(where, "name", f"“{n}”与{seen[n]}重复")
            seen[n] = where
        units.append(Unit(name=name, kind=kind, aliases=tuple(str(a) for a in aliases), note=note))
    return units


def _resolve_units(c: Checker, obj: dict[str, Any], where: str, alias: dict[str, str],
                   inherit: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The entry's units in plan order; none given: ``inherit`` (a sub-task takes its
    task's units), else () (未分工: the office assigns units in the program)."""
    names = c.get(obj, "units", list, where, required=False, default=[]) or []
    if not names:
        return inherit
    out = []
    for n in names:
        if not isinstance(n, str) or n.strip() not in alias:
            c.err(where, "units", f"单位 {n!r} 不在单位列表 [[units]] 中")
            continue
        out.append(alias[n.strip()])
    if len(set(out)) != len(out):
        c.err(where, "units", "有重复的单位")
    return tuple(out)


def _actions(c: Checker, raw: dict[str, Any], alias: dict[str, str], codes: CodeBook) -> list[Action]:
    actions: list[Action] = []
    for ai, a in enumerate(c.get(raw, "actions", list, "文件头", required=False, default=[]) or [], 1):
        where = f"行动第{ai}项"
        if not isinstance(a, dict):
            c.err(where, "actions", "应为表")
            continue
        code = codes.take(c.code(a, where, str(ai)), where)
        title = c.get(a, "title", str, where) or ""
        where = f"行动{code}“{title}”"
        c.strict(a, ACTION_KEYS, where, "actions")
        tasks = []
        for ti, t in enumerate(c.get(a, "tasks", list, where, required=False, default=[]) or [], 1):
            task = _task(c, t, code, ti, f"{code}.{ti}", f"{ti}.", "", alias, codes, ())
            if task is not None:
                tasks.append(task)
        actions.append(Action(code=code, no=ai,
                              numbering=c.get(a, "numbering", str, where, required=False,
                                              default=f"（{cn_number(ai)}）"),
                              title=title, intro=c.get(a, "intro", str, where, required=False, default=""),
                              tasks=tuple(tasks)))
    return actions


def _task(c: Checker, t: Any, action: str, no: int, default_code: str, default_numbering: str, parent: str,
          alias: dict[str, str], codes: CodeBook, inherit: tuple[str, ...]) -> Task | None:
    level = "子任务" if parent else "任务"
    tw = f"{level}{default_code}"
    if not isinstance(t, dict):
        c.err(tw, "subtasks" if parent else "tasks", "应为表")
        return None
    code = codes.take(c.code(t, tw, default_code), tw)
    tw = f"{level}{code}"
    c.strict(t, TASK_KEYS if not parent else TASK_KEYS[:-1], tw,
             "actions.tasks.subtasks" if parent else "actions.tasks")
    units = _resolve_units(c, t, tw, alias, inherit)
    subtasks = []
    if not parent:
        for si, s in enumerate(c.get(t, "subtasks", list, tw, required=False, default=[]) or [], 1):
            sub = _task(c, s, action, si, f"{code}.{si}", f"（{si}）", code, alias, codes, units)
            if sub is not None:
                subtasks.append(sub)
    return Task(code=code, action=action, no=no, title=c.get(t, "title", str, tw) or "",
                text=c.get(t, "text", str, tw, required=False, default=""),
                units_text=c.get(t, "units_text", str, tw, required=False, default=""),
                units=units, numbering=c.get(t, "numbering", str, tw, required=False, default=default_numbering),
                parent=parent, subtasks=tuple(subtasks))


def _policies(c: Checker, raw: dict[str, Any], alias: dict[str, str], codes: CodeBook) -> list[Policy]:
    policies: list[Policy] = []
    for pi, p in enumerate(c.get(raw, "policies", list, "文件头", required=False, default=[]) or [], 1):
        where = f"政策保障第{pi}项"
        if not isinstance(p, dict):
            c.err(where, "policies", "应为表")
            continue
        code = codes.take(c.code(p, where, f"P{pi}"), where)
        where = f"政策保障{code}"
        c.strict(p, POLICY_KEYS, where, "policies")
        policies.append(Policy(code=code, title=c.get(p, "title", str, where) or "",
                               text=c.get(p, "text", str, where, required=False, default=""),
                               units_text=c.get(p, "units_text", str, where, required=False, default=""),
                               units=_resolve_units(c, p, where, alias),
                               numbering=c.get(p, "numbering", str, where, required=False,
                                               default=f"（{cn_number(pi)}）")))
    return policies
