"""The edits of a plan draft (``models/plan_draft.PlanDraft``): the plan's header, units
and their other spellings, a task's lead and cooperating units, an indicator's and a
part's fields, a milestone, and each field of a target.

Every value typed is checked with the plan editor's fields (``forms/plan_form.py``)
and refused with a Chinese message (``EditError``) naming the entry and the field;
nothing is changed then. Whether the whole plan holds together (codes, references,
target rules) is checked by the program's plan loader when the draft is saved.
"""

from __future__ import annotations

import re
from typing import Any

from forms.fields import NUMBER, YESNO, Field
from forms.plan_form import (CODES, OPS, INDICATOR_FIELDS, ITEM_FIELDS, META_FIELDS, MILESTONE_FIELDS, PART_FIELDS, TARGET_FIELDS,
                             UNIT_FIELDS, WORD_FIELDS, field)
from forms.values import ValueProblem
from models.authority import PUBLIC, rule
from models.errors import DomainError
from models.plan_draft_data import DraftData, Row, dicts


_SPLIT = re.compile(r"[、，,；;\s]+")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_YEAR_KEYS = ("year", "baseline_year", "last_year")


@rule(PUBLIC)
class EditError(DomainError):
    """A value the plan editor cannot take; the draft is unchanged."""


@rule(PUBLIC)
class PlanEdits(DraftData):
    """Edits of a draft's data (``PlanDraft`` is one)."""

    # -- the header --------------------------------------------------------------------------
    def set_meta(self, key: str, text: Any) -> None:
        value = _value(field(META_FIELDS, key), text, "方案信息")
        _put(self.meta, key, value, keep=key in ("id", "version", "name", "district", "first_month", "office_unit"))
        self.changed = True

    def set_word(self, key: str, text: Any) -> None:
        """One of the plan's words ([plan.words]); empty: the program's default."""
        value = _value(field(WORD_FIELDS, key), text, "方案用语")
        words = self.meta.get("words")
        if not isinstance(words, dict):
            words = self.meta["words"] = {}
        _put(words, key, value, keep=key == "actions_word")
        if not words:
            self.meta.pop("words", None)
        self.changed = True

    # -- units --------------------------------------------------------------------------------
    def add_unit(self, name: str, kind: str = "bureau") -> None:
        name = _value(field(UNIT_FIELDS, "name"), name, "新单位")
        self._free_name(name)
        self.raw.setdefault("units", []).append({"name": name, "kind": kind})
        self.changed = True

    def set_unit(self, name: str, key: str, text: Any) -> None:
        unit = self._unit(name)
        where = f"单位“{name}”"
        if key == "name":
            self.rename_unit(name, text)
            return
        value = _value(field(UNIT_FIELDS, key), text, where)
        if key == "kind":
            value = CODES["unit_kind"][value]
        elif key == "aliases":
            names = [a for a in _SPLIT.split(value) if a]
            for a in names:
                other = self.canonical_unit(a)
                if a == name or (other is not None and other != name):
                    raise EditError(f"{where}的其他写法“{a}”已是单位“{other or a}”的名称或其他写法。")
            value = list(dict.fromkeys(names))
        _put(unit, key, value, keep=key == "kind")
        self.changed = True

    def rename_unit(self, old: str, new: Any) -> None:
        """Rename a unit everywhere it is named (tasks, policies, indicators, the header)."""
        unit = self._unit(old)
        new = _value(field(UNIT_FIELDS, "name"), new, f"单位“{old}”")
        if new == old:
            return
        self._free_name(new, allow=old)
        unit["name"] = new
        if new in (unit.get("aliases") or []):
            unit["aliases"] = [a for a in unit["aliases"] if a != new]
        self._replace_unit(old, new)
        self.changed = True

    def merge_unit(self, name: str, into: str) -> None:
        """``name`` is another spelling of ``into``: its mentions move there and it becomes an alias."""
        unit, target = self._unit(name), self._unit(into)
        if name == into:
            raise EditError("不能把单位合并到它自己。")
        aliases = list(target.get("aliases") or [])
        for a in [name, *(unit.get("aliases") or [])]:
            if a not in aliases:
                aliases.append(a)
        target["aliases"] = aliases
        self.raw["units"] = [u for u in self.units if u is not unit]
        self._replace_unit(name, into)
        self.changed = True

    def remove_unit(self, name: str) -> None:
        self._unit(name)
        used = self.unit_uses(name)
        if used:
            raise EditError(f"单位“{name}”仍被使用（{'、'.join(used[:8])}{'等' if len(used) > 8 else ''}），不能删除："
                            "请先改为其他单位，或把它合并到另一个单位（作为其他写法）。")
        self.raw["units"] = [u for u in self.units if u.get("name") != name]
        self.changed = True

    def unit_uses(self, name: str) -> list[str]:
        """Where a unit is named: 任务1.2、指标I03、方案信息…"""
        out = [f"{'政策保障' if r.kind == 'policy' else '任务'}{r.ref}" for r in self.rows()
               if name in (r.item.get("units") or [])]
        out += [f"指标{i.get('code')}" for i in dicts(self.raw.get("indicators")) if i.get("responsible_unit") == name]
        out += [f"方案信息（{field(META_FIELDS, k).label}）" for k in ("office_unit", "office_host", "streets_unit")
                if self.meta.get(k) == name]
        return out

    def _unit(self, name: str) -> dict[str, Any]:
        unit = self.unit(name)
        if unit is None:
            raise EditError(f"没有单位“{name}”。")
        return unit

    def _free_name(self, name: str, allow: str = "") -> None:
        other = self.canonical_unit(name)
        if other is not None and other != allow:
            raise EditError(f"“{name}”已是单位“{other}”的名称或其他写法。如两者是同一单位，请用“合并到…”。")

    def _replace_unit(self, old: str, new: str) -> None:
        for r in self.rows():
            units = r.item.get("units")
            if isinstance(units, list) and old in units:
                r.item["units"] = list(dict.fromkeys(new if u == old else u for u in units))
        for ind in dicts(self.raw.get("indicators")):
            if ind.get("responsible_unit") == old:
                ind["responsible_unit"] = new
        for key in ("office_unit", "office_host", "streets_unit"):
            if self.meta.get(key) == old:
                self.meta[key] = new

    # -- tasks and policies -----------------------------------------------------------------------
    def set_title(self, ref: str, text: Any) -> None:
        r = self._row(ref)
        r.item["title"] = _value(field(ITEM_FIELDS, "title"), text, _row_name(r))
        self.changed = True

    def set_units(self, ref: str, lead: str, others: Any = "") -> None:
        """A task's (or policy's) units: the lead first, then the cooperating units. No
        units at all: 未分工 (a sub-task then reports with its task's units)."""
        r = self._row(ref)
        if r.kind == "action":
            raise EditError("行动本身没有责任单位：请为其下的任务指定。")
        where = _row_name(r)
        names = [self._known(lead.strip(), where, "牵头单位")] if lead.strip() else []
        rest = [a for a in _SPLIT.split(str(others or "")) if a]
        if rest and not names:
            raise EditError(f"{where}：有配合单位时须先指定牵头单位。")
        for a in rest:
            unit = self._known(a, where, "配合单位")
            if unit not in names:
                names.append(unit)
        r.item["units"] = names
        self.changed = True

    def _known(self, name: str, where: str, what: str) -> str:
        unit = self.canonical_unit(name)
        if unit is None:
            raise EditError(f"{where}的{what}“{name[:30]}”不在单位列表中：请先在“单位”中添加，或从列表中选择。")
        return unit

    def _row(self, ref: str) -> Row:
        r = self.row(ref)
        if r is None:
            raise EditError(f"没有编码为“{ref}”的行动、任务或政策保障。")
        return r

    # -- indicators and parts ----------------------------------------------------------------------
    def set_indicator(self, ref: str, key: str, text: Any) -> None:
        ind = self.indicator(ref)
        if ind is None:
            raise EditError(f"没有编码为“{ref}”的指标。")
        where = f"指标{ind.get('code')}"
        value = _value(field(INDICATOR_FIELDS, key), text, where)
        if key == "responsible_unit":
            value = self._known(value, where, "责任单位") if value else ""
            if value != ind.get("responsible_unit"):
                ind["responsible_unit_inherited"] = False
        _put(ind, key, value, keep=key in ("name", "responsible_unit", "city_target", "district_target",
                                          "explanation"))
        self.changed = True

    def set_part(self, ref: str, key: str, text: Any) -> None:
        part = self.part(ref)
        if part is None:
            raise EditError(f"没有编码为“{ref}”的指标分项。")
        value = self._set(part, PART_FIELDS, key, text, f"分项{ref}", ("name", "unit", "direction", "frequency"))
        if key == "entered_as" and value == "value":
            part.pop("entered_as", None)

    # -- milestones ------------------------------------------------------------------------------
    def set_milestone(self, ref: str, key: str, text: Any) -> None:
        m = self.milestone(ref)
        if m is None:
            raise EditError(f"没有编码为“{ref}”的里程碑。")
        self._set(m, MILESTONE_FIELDS, key, text, f"里程碑{ref}", ("name", "unit", "direction", "quote"))

    def _set(self, obj: dict[str, Any], fields: tuple[Field, ...], key: str, text: Any, where: str,
             keep: tuple[str, ...]) -> Any:
        """Set one field of ``obj`` (a shown choice stored as its code); the value set."""
        value = _value(field(fields, key), text, where)
        if key in CODES and value:
            value = CODES[key][value]
        _put(obj, key, value, keep=key in keep)
        self.changed = True
        return value

    def add_milestone(self, task: str, name: str = "") -> str:
        """A new milestone of task ``task`` (code ``<task>-M<n>``) with one target to fill in."""
        r = self._row(task)
        if r.kind not in ("task", "subtask"):
            raise EditError("里程碑属于任务：请先选择一项任务。")
        taken = {str(m.get("code")) for m in self.milestones}
        n = 1
        while f"{task}-M{n}" in taken:
            n += 1
        code = f"{task}-M{n}"
        year = self.meta.get("last_year") or int(str(self.meta.get("first_month", "2030"))[:4])
        self.raw.setdefault("milestones", []).append(
            {"code": code, "task": task, "name": name or "（请填写名称）", "unit": "", "direction": "higher",
             "quote": "", "targets": [{"year": year, "op": ">=", "unit": "", "kind": "binding", "basis": "absolute",
                                       "text": ""}]})
        self.changed = True
        return code

    def remove_milestone(self, ref: str) -> None:
        if self.milestone(ref) is None:
            raise EditError(f"没有编码为“{ref}”的里程碑。")
        self.raw["milestones"] = [m for m in self.milestones if m.get("code") != ref]
        self.changed = True

    # -- targets ---------------------------------------------------------------------------------
    def set_target(self, ref: str, index: int, key: str, text: Any) -> None:
        targets = self._targets(ref)
        if not 0 <= index < len(targets):
            raise EditError(f"{self._owner(ref)}没有第{index + 1}个目标。")
        target = targets[index]
        f = field(TARGET_FIELDS, key)
        where = f"{self._owner(ref)}的第{index + 1}个目标"
        value: Any
        if f.type == NUMBER and key in ("value", "value_high", "tolerance"):
            value = _number(f, text, where, str(target.get("unit", "")))
        else:
            value = _value(f, text, where)
        reduction_op = key == "op" and value in ("下降X%以上", "下降约X%")
        if key in CODES and value:
            value = CODES[key][value]
        if key == "since" and value and not _MONTH.fullmatch(str(value)):
            raise EditError(f"{where}：累计起算应为“YYYY-MM”，如 2021-01。")
        reduction = target.get("basis") == "reduction_vs_baseline"
        if reduction_op and not reduction:
            raise EditError(f"{where}：“{text}”只用于口径为“比基期下降”的目标，请先把口径改为“比基期下降”。")
        if key == "op" and reduction and value not in ("<=", ">=", "approx"):
            raise EditError(f"{where}：比基期下降的目标只能是“下降X%以上”或“下降约X%”。")
        if key == "basis" and value == "reduction_vs_baseline" and target.get("op") not in ("<=", ">=", "approx"):
            raise EditError(f"{where}：“{OPS.get(str(target.get('op')), '')}”的目标不能按比基期下降，请先改比较方式。")
        if key == "basis" and value == "reduction_vs_baseline" and target.get("op") == ">=":
            target["op"] = "<="  # 下降X%以上: stored as the plan file writes it
        _put(target, key, value, keep=key in ("year", "op", "unit", "kind", "basis", "text"))
        self.changed = True

    def add_target(self, ref: str) -> int:
        """A new target after the last one (a copy of it, without its source words)."""
        targets = self._targets(ref)
        if targets:
            new = {k: v for k, v in targets[-1].items() if k != "text"}
            new["text"] = ""
        else:
            owner = self.part(ref) or self.milestone(ref) or {}
            year = self.meta.get("last_year") or int(str(self.meta.get("first_month", "2030"))[:4])
            new = {"year": year, "op": ">=", "unit": owner.get("unit", ""), "kind": "binding", "basis": "absolute",
                   "text": ""}
        targets.append(new)
        self.changed = True
        return len(targets) - 1

    def remove_target(self, ref: str, index: int) -> None:
        targets = self._targets(ref)
        if not 0 <= index < len(targets):
            raise EditError(f"{self._owner(ref)}没有第{index + 1}个目标。")
        del targets[index]
        self.changed = True

    def _owner(self, ref: str) -> str:
        return f"里程碑{ref}" if self.milestone(ref) is not None else f"分项{ref}"

    def _targets(self, ref: str) -> list[dict[str, Any]]:
        if self.part(ref) is None and self.milestone(ref) is None:
            raise EditError(f"没有编码为“{ref}”的指标分项或里程碑。")
        return self.targets(ref)


def _value(f: Field, text: Any, where: str) -> Any:
    """``text`` checked with ``f``; years as integers, yes/no as booleans."""
    try:
        value = f.validate(text)
    except ValueProblem as exc:
        raise EditError(f"{where}：{exc}。") from None
    if f.type == NUMBER and value is not None and f.key in _YEAR_KEYS:
        if not float(value).is_integer():
            raise EditError(f"{where}：{f.label}应为整数年份，如 2025。")
        value = int(value)
    if f.type == YESNO:
        value = bool(value)
    return value


def _number(f: Field, text: Any, where: str, unit: str) -> float | int | None:
    from forms.values import parse_number
    try:
        value = parse_number(text, label=f.label, unit=unit)
    except ValueProblem as exc:
        raise EditError(f"{where}：{exc}。") from None
    if value.value is None:
        return None
    return int(value.value) if float(value.value).is_integer() else value.value


def _put(obj: dict[str, Any], key: str, value: Any, keep: bool = False) -> None:
    """Set ``key``; an empty optional value (""/None/False/[]) removes it."""
    if not keep and value in ("", None, False, []):
        obj.pop(key, None)
    else:
        obj[key] = value


def _row_name(r: Row) -> str:
    return {"action": "行动", "task": "任务", "subtask": "子任务", "policy": "政策保障"}[r.kind] + r.ref
