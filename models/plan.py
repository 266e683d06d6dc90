"""The carbon-peak plan as data: loading and validating the plan file.

The plan file (TOML, UTF-8) is the single source of the catalog: actions, tasks,
policy guarantees, the appendix indicators with their structured targets and the
milestones found in task text. Every problem found on load is reported with the
entry and the field it concerns, in Chinese, so that whoever edits the file can
find it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

# The plan's records are named tuples and Plan a plain class, not dataclasses: these
# classes are made on every start before the first window, and a named tuple class is
# several times cheaper to create than a frozen dataclass.
PLAN_FORMAT = 1
DEFAULT_PLAN = Path(__file__).resolve().parent.parent / "resources" / "plan" / "zhushan.toml"

OPS = (">=", "<=", "approx", "yes")
KINDS = ("binding", "stretch")
BASES = ("absolute", "reduction_vs_baseline")
DIRECTIONS = ("higher", "lower", "qualitative")
FREQUENCIES = ("year", "month")
UNIT_KINDS = ("bureau", "office", "streets", "street")


class PlanError(ValueError):
    """The plan file cannot be used. ``problems`` lists every error found."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        head = f"计划文件 {path} 有 {len(problems)} 处错误："
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in problems))


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


class Milestone(NamedTuple):
    code: str
    task: str
    name: str
    quote: str
    part: Part
    note: str = ""


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


class Action(NamedTuple):
    no: int
    numeral: str
    title: str
    intro: str
    tasks: tuple[Task, ...]


class Policy(NamedTuple):
    code: str
    title: str
    text: str
    units_text: str
    units: tuple[str, ...]


class Unit(NamedTuple):
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    note: str = ""


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


# ---------------------------------------------------------------------------
# Loading and validation


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def err(self, where: str, fld: str, msg: str) -> None:
        self.problems.append(f"{where}：字段“{fld}”{msg}")

    def get(self, obj: dict[str, Any], key: str, typ: type | tuple[type, ...], where: str,
            required: bool = True, default: Any = None) -> Any:
        if key not in obj:
            if required:
                self.err(where, key, "缺失")
            return default
        val = obj[key]
        if typ is float:
            typ = (int, float)
        if isinstance(val, bool) and typ in (int, (int, float)):
            self.err(where, key, f"应为数字，实为 {val!r}")
            return default
        if not isinstance(val, typ):
            self.err(where, key, f"类型错误：应为{_typename(typ)}，实为 {val!r}")
            return default
        return val

    def choice(self, obj: dict[str, Any], key: str, choices: tuple[str, ...], where: str,
               default: str | None = None) -> str:
        val = self.get(obj, key, str, where, required=default is None, default=default)
        if val is not None and val not in choices:
            self.err(where, key, f"取值 {val!r} 无效，应为 {'、'.join(choices)} 之一")
        return val or (default or "")


def _typename(typ: type | tuple[type, ...]) -> str:
    names = {str: "文本", int: "整数", float: "数字", bool: "是/否(true/false)", list: "列表",
             dict: "表"}
    if isinstance(typ, tuple):
        return "数字" if set(typ) == {int, float} else "/".join(names.get(t, t.__name__) for t in typ)
    return names.get(typ, typ.__name__)


def _target(c: _Checker, raw: Any, where: str) -> Target | None:
    if not isinstance(raw, dict):
        c.err(where, "targets", f"每一项应为表（{{year = …, op = …}}），实为 {raw!r}")
        return None
    year = c.get(raw, "year", int, where)
    op = c.choice(raw, "op", OPS, where)
    value = c.get(raw, "value", float, where, required=False)
    unit = c.get(raw, "unit", str, where, required=False, default="")
    kind = c.choice(raw, "kind", KINDS, where, default="binding")
    basis = c.choice(raw, "basis", BASES, where, default="absolute")
    baseline_year = c.get(raw, "baseline_year", int, where, required=False)
    stable = c.get(raw, "stable", bool, where, required=False, default=False)
    tolerance = c.get(raw, "tolerance", float, where, required=False)
    label = c.get(raw, "label", str, where, required=False, default="")
    unknown = set(raw) - {"year", "op", "value", "unit", "kind", "basis", "baseline_year",
                          "stable", "tolerance", "label"}
    for k in sorted(unknown):
        c.err(where, k, "不是目标的有效字段")
    if basis == "reduction_vs_baseline" and baseline_year is None:
        c.err(where, "baseline_year", "在 basis = \"reduction_vs_baseline\" 时必须填写")
    if op == "yes" and value is not None:
        c.err(where, "value", "定性目标（op = \"yes\"）不应填写数值")
    if year is not None and not (1990 <= year <= 2100):
        c.err(where, "year", f"年份 {year} 不合理")
    if tolerance is not None and tolerance < 0:
        c.err(where, "tolerance", "不能为负数")
    if year is None or op is None:
        return None
    return Target(year=year, op=op, value=None if value is None else float(value), unit=unit,
                  kind=kind, basis=basis, baseline_year=baseline_year, stable=bool(stable),
                  tolerance=None if tolerance is None else float(tolerance), label=label)


def _targets(c: _Checker, raw: dict[str, Any], where: str, pending: bool, monitor: bool,
             direction: str) -> tuple[Target, ...]:
    items = c.get(raw, "targets", list, where, default=[]) or []
    out = []
    for i, t in enumerate(items, 1):
        tg = _target(c, t, f"{where} 的第{i}个目标")
        if tg is None:
            continue
        if tg.value is None and tg.op != "yes" and not pending:
            c.err(f"{where} 的第{i}个目标", "value", "缺失（只有待定指标 pending = true 可以不填）")
        if direction == "qualitative" and tg.op != "yes":
            c.err(f"{where} 的第{i}个目标", "op", "定性指标的目标应为 \"yes\"")
        out.append(tg)
    if not out and not monitor:
        c.err(where, "targets", "为空（没有目标的指标须标明 monitor = true）")
    return tuple(out)


def load_plan(path: str | Path | None = None, cache_dir: str | Path | None = None) -> Plan:
    """Read and validate a plan file. Raises PlanError naming every problem.

    With ``cache_dir`` the parsed file is kept there as JSON, named by the SHA-256 of
    the file's bytes, and reused while the file is unchanged: reading TOML is the
    slow part of loading, and the desktop program loads the plan on every start. The
    cached data is validated exactly like freshly parsed data."""
    p = Path(path) if path else DEFAULT_PLAN
    try:
        data_bytes = p.read_bytes()
    except OSError as exc:
        raise PlanError(str(p), [f"无法读取文件：{exc.strerror or exc}"]) from None
    digest = sha256_hex(data_bytes)
    cache = Path(cache_dir) / f"plan-{digest}.json" if cache_dir is not None else None
    raw = _read_cache(cache, digest) if cache is not None else None
    if raw is None:
        raw = _parse_toml(p, data_bytes)
        if cache is not None:
            _write_cache(cache, digest, raw)
    return parse_plan(raw, str(p), digest)


def sha256_hex(data: bytes) -> str:
    """SHA-256 of ``data`` in hex. Uses CPython's built-in SHA-256 where it has one:
    hashlib's OpenSSL back end takes a few milliseconds to load, and the plan is
    hashed on every start before the first window (the password check loads it later,
    while the user types). Same digest either way."""
    try:
        from _sha256 import sha256  # CPython 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[no-redef]  # CPython 3.12+
        except ImportError:
            from hashlib import sha256  # type: ignore[no-redef]
    return sha256(data).hexdigest()


def _parse_toml(p: Path, data_bytes: bytes) -> dict[str, Any]:
    import tomllib
    try:
        text = data_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanError(str(p), [f"不是 UTF-8 编码的文本（第 {exc.start} 字节附近）"]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(str(p), [f"格式错误：{exc}"]) from None


def _read_cache(cache: Path, digest: str) -> dict[str, Any] | None:
    """The parsed plan stored for ``digest``, or None (missing, unreadable or not ours)."""
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(stored, dict) and stored.get("sha256") == digest and isinstance(stored.get("plan"), dict):
        return stored["plan"]
    return None


def _write_cache(cache: Path, digest: str, raw: dict[str, Any]) -> None:
    """Store the parsed plan (only when JSON holds it exactly). A cache that cannot be
    written is no error: the plan is simply parsed again next time."""
    from models.atomic_write import WriteFailed, write_text
    try:
        text = json.dumps({"sha256": digest, "plan": raw}, ensure_ascii=False)
        if json.loads(text)["plan"] != raw:
            return  # TOML dates or similar: keep parsing the file
        write_text(cache, text)
        for old in cache.parent.glob("plan-*.json"):
            if old != cache:
                old.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError, WriteFailed):
        return


def parse_plan(raw: dict[str, Any], path: str = "<plan>", digest: str = "") -> Plan:
    c = _Checker()
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
                              targets=_targets(c, rp, pw, bool(pending), bool(monitor), direction),
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
                    targets=_targets(c, m, where, False, False, direction),
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


def display_text(s: str) -> str:
    """Cell text for display: line breaks left over from the printed table removed."""
    return "".join(line.strip() for line in s.splitlines())
