"""Checking a parsed plan's fields: typed access with Chinese messages, and targets.

``Checker`` reads one field of a table (present, of the right type, one of the allowed
values) and collects a message naming the entry and the field for every problem, so
that loading reports all of them at once. ``parse_targets`` checks a part's or a
milestone's list of dated targets into ``Target`` records. The structure of the file
(sections, codes, units) is checked in ``models/plan_parse.py``.
"""

from __future__ import annotations

import re
from typing import Any

from models.authority import PUBLIC, rule
from models.plan import ASSIGNERS, BASES, KINDS, OPS, Target

CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
MONTH_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
TARGET_KEYS = ("year", "op", "value", "value_high", "unit", "kind", "basis", "baseline_year", "since",
               "stable", "tolerance", "label", "assigned_by", "text")


@rule(PUBLIC)
class Checker:
    """Reads fields of the plan's tables and collects a message for every problem."""

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

    def strict(self, obj: dict[str, Any], allowed: tuple[str, ...] | set[str], where: str, path: str) -> None:
        """Every key of ``obj`` not in ``allowed`` is an error naming it: a table as
        "未知的表 [[actions.taskz]]" (``path`` is the table's dotted name), a value as
        "未知的字段“tittle”"."""
        for key in obj:
            if key in allowed:
                continue
            val = obj[key]
            name = f"{path}.{key}" if path else key
            if isinstance(val, list) and val and all(isinstance(x, dict) for x in val):
                self.problems.append(f"{where}：未知的表 [[{name}]]")
            elif isinstance(val, dict):
                self.problems.append(f"{where}：未知的表 [{name}]")
            else:
                self.problems.append(f"{where}：未知的字段“{key}”")

    def code(self, obj: dict[str, Any], where: str, default: str) -> str:
        """The entry's own code (``code``), else ``default``; checked for its characters."""
        val = self.get(obj, "code", str, where, required=False, default=None)
        if val is None:
            return default
        if not CODE_RE.fullmatch(val):
            self.err(where, "code", f"“{val[:40]}”无效：只能用字母、数字和 . - _（不超过40个字符，"
                     "以字母或数字开头）")
        return val


def _typename(typ: type | tuple[type, ...]) -> str:
    names = {str: "文本", int: "整数", float: "数字", bool: "是/否(true/false)", list: "列表",
             dict: "表"}
    if isinstance(typ, tuple):
        return "数字" if set(typ) == {int, float} else "/".join(names.get(t, t.__name__) for t in typ)
    return names.get(typ, typ.__name__)


@rule(PUBLIC)
def parse_target(c: Checker, raw: Any, where: str, first_year: int = 2021) -> Target | None:
    """One target table as a ``Target``; None (problems noted in ``c``) when unusable.
    ``first_year``: the plan's first year, where a cumulative period without ``since``
    or ``baseline_year`` starts."""
    if not isinstance(raw, dict):
        c.err(where, "targets", f"每一项应为表（{{year = …, op = …}}），实为 {raw!r}")
        return None
    year = c.get(raw, "year", int, where)
    op = c.choice(raw, "op", OPS, where)
    value = c.get(raw, "value", float, where, required=False)
    value_high = c.get(raw, "value_high", float, where, required=False)
    unit = c.get(raw, "unit", str, where, required=False, default="")
    kind = c.choice(raw, "kind", KINDS, where, default="binding")
    basis = c.choice(raw, "basis", BASES, where, default="absolute")
    baseline_year = c.get(raw, "baseline_year", int, where, required=False)
    since = c.get(raw, "since", str, where, required=False, default="")
    stable = c.get(raw, "stable", bool, where, required=False, default=False)
    tolerance = c.get(raw, "tolerance", float, where, required=False)
    label = c.get(raw, "label", str, where, required=False, default="")
    assigned_by = c.get(raw, "assigned_by", str, where, required=False, default="")
    text = c.get(raw, "text", str, where, required=False, default="")
    for k in sorted(set(raw) - set(TARGET_KEYS)):
        c.err(where, k, "不是目标的有效字段")
    if basis in ("reduction_vs_baseline", "increment") and baseline_year is None:
        c.err(where, "baseline_year", f"在 basis = \"{basis}\" 时必须填写")
    if op in ("yes", "decrease", "increase") and value is not None:
        c.err(where, "value", f"op = \"{op}\" 的目标不应填写数值")
    if op in ("decrease", "increase") and basis != "absolute":
        c.err(where, "basis", f"op = \"{op}\"（只看方向）的目标不应填写 basis")
    if op == "range":
        if value is None or value_high is None:
            c.err(where, "value_high", "区间目标（op = \"range\"）须同时填写 value（下限）和 value_high（上限）")
        elif value_high < value:
            c.err(where, "value_high", f"上限 {value_high} 小于下限 {value}")
    elif value_high is not None:
        c.err(where, "value_high", "只有区间目标（op = \"range\"）填写")
    if year is not None and not (1990 <= year <= 2100):
        c.err(where, "year", f"年份 {year} 不合理")
    if baseline_year is not None and not (1990 <= baseline_year <= 2100):
        c.err(where, "baseline_year", f"年份 {baseline_year} 不合理")
    if year is not None and baseline_year is not None and baseline_year >= year:
        c.err(where, "baseline_year", f"基期年份 {baseline_year} 应早于目标年份 {year}")
    if tolerance is not None and tolerance < 0:
        c.err(where, "tolerance", "不能为负数")
    if assigned_by and assigned_by not in ASSIGNERS:
        c.err(where, "assigned_by", f"取值 {assigned_by!r} 无效，应为 {'、'.join(ASSIGNERS)} 之一")
    if since:
        m = MONTH_RE.fullmatch(since)
        if not m:
            c.err(where, "since", f"“{since[:20]}”无效，应为“YYYY-MM”，如 \"2021-01\"")
        elif year is not None and int(m.group(1)) > year:
            c.err(where, "since", f"累计起始月份 {since} 晚于目标年份 {year}")
        if basis != "cumulative":
            c.err(where, "since", "只有累计目标（basis = \"cumulative\"）填写")
    if basis == "cumulative" and not since:
        since = f"{baseline_year + 1:04d}-01" if baseline_year is not None else f"{first_year:04d}-01"
    if year is None or op is None:
        return None
    return Target(year=year, op=op, value=None if value is None else float(value), unit=unit,
                  kind=kind, basis=basis, baseline_year=baseline_year, stable=bool(stable),
                  tolerance=None if tolerance is None else float(tolerance), label=label,
                  value_high=None if value_high is None else float(value_high), since=since,
                  assigned_by=assigned_by, text=text)


@rule(PUBLIC)
def parse_targets(c: Checker, raw: dict[str, Any], where: str, pending: bool, monitor: bool,
                  direction: str, first_year: int = 2021) -> tuple[Target, ...]:
    """The ``targets`` list of a part or a milestone; checks what depends on the part.
    A target without a value is allowed for a pending part (``pending = true``) or when
    the target names who assigns it (``assigned_by``)."""
    items = c.get(raw, "targets", list, where, default=[]) or []
    out = []
    for i, t in enumerate(items, 1):
        tw = f"{where} 的第{i}个目标"
        tg = parse_target(c, t, tw, first_year)
        if tg is None:
            continue
        if tg.value is None and tg.op not in ("yes", "decrease", "increase") and not pending \
                and not tg.assigned_by:
            c.err(tw, "value", "缺失（只有待定指标 pending = true 或写明 assigned_by 的目标可以不填）")
        if direction == "qualitative" and tg.op != "yes":
            c.err(tw, "op", "定性指标的目标应为 \"yes\"")
        out.append(tg)
    if not out and not monitor:
        c.err(where, "targets", "为空（没有目标的指标须标明 monitor = true）")
    return tuple(out)
