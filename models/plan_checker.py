"""Checking a parsed plan's fields: typed access with Chinese messages, and targets.

``Checker`` reads one field of a table (present, of the right type, one of the allowed
values) and collects a message naming the entry and the field for every problem, so
that loading reports all of them at once. ``parse_targets`` checks a part's or a
milestone's list of dated targets into ``Target`` records. The structure of the file
(sections, codes, units) is checked in ``models/plan_parse.py``.
"""

from __future__ import annotations

from typing import Any

from models.authority import PUBLIC, rule
from models.plan import BASES, KINDS, OPS, Target


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


def _typename(typ: type | tuple[type, ...]) -> str:
    names = {str: "文本", int: "整数", float: "数字", bool: "是/否(true/false)", list: "列表",
             dict: "表"}
    if isinstance(typ, tuple):
        return "数字" if set(typ) == {int, float} else "/".join(names.get(t, t.__name__) for t in typ)
    return names.get(typ, typ.__name__)


@rule(PUBLIC)
def parse_target(c: Checker, raw: Any, where: str) -> Target | None:
    """One target table as a ``Target``; None (problems noted in ``c``) when unusable."""
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


@rule(PUBLIC)
def parse_targets(c: Checker, raw: dict[str, Any], where: str, pending: bool, monitor: bool,
                  direction: str) -> tuple[Target, ...]:
    """The ``targets`` list of a part or a milestone; checks what depends on the part."""
    items = c.get(raw, "targets", list, where, default=[]) or []
    out = []
    for i, t in enumerate(items, 1):
        tg = parse_target(c, t, f"{where} 的第{i}个目标")
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

