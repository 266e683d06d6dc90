"""Figures of plan parts: a unit's cumulative milestone figures and the indicator values.

Both are parsed with the part's unit (numbers) or as 是/否 (qualitative parts); a
value that cannot be parsed is kept as typed and reported as a problem. Indicator
values are stored per period (the month, or the year for yearly indicators).
"""

from __future__ import annotations

from typing import Any

from forms.fields import FieldError
from forms.values import as_text, fmt_number
from models.app import Actor
from models.authority import PUBLIC, UNIT, Args, rule
from models.entries_base import EntriesBase, SaveResult, _parse_part_value, _store_raw, month_cn
from models.errors import InvalidInput, NotFound, PermissionDenied
from models.store import saved_at


def _responsible(a: Args) -> str | None:
    """The unit responsible for an indicator part (None: the office only)."""
    entries: IndicatorEntries = a["self"]
    ind = entries.plan.indicator_of(str(a["part_code"]))
    return ind.responsible_unit if ind is not None else None


def _milestone_unit(a: Args) -> str | None:
    """``unit``, else the lead unit of the milestone's task."""
    if a["unit"]:
        return str(a["unit"])
    entries: IndicatorEntries = a["self"]
    part = entries.plan.parts_by_code.get(str(a["code"]))
    if part is None or not part.task or part.task not in entries.plan.tasks_by_code:
        return None
    units = entries.app.task_units(entries.plan.task(part.task))
    return units[0] if units else None


class IndicatorEntries(EntriesBase):
    """Milestone figures (per unit and month) and indicator values (per period)."""

    # -- milestone figures -------------------------------------------------------------
    @rule(UNIT, unit="unit", read=True, what="查看该单位的里程碑数值")
    def milestone_value(self, actor: Actor, code: str, unit: str, month: str) -> dict[str, Any] | None:
        return self._milestone_value(code, unit, month)

    def _milestone_value(self, code: str, unit: str, month: str) -> dict[str, Any] | None:
        return self.store.one("SELECT * FROM milestone_values WHERE milestone_code = ? AND unit = ? AND month = ?",
                              (code, unit, month))

    @rule(UNIT, unit="unit", what="修改该单位的里程碑数值")
    def save_milestone_value(self, actor: Actor, code: str, unit: str, month: str, raw: Any,
                             note: str | None = None, origin: str = "form") -> SaveResult:
        part = self.plan.parts_by_code.get(code)
        if part is None or not part.task:
            raise NotFound(f"里程碑编码“{code}”不存在。")
        task = self.plan.task(part.task)
        if self.app.task_role(task, unit) is None:
            raise PermissionDenied(f"里程碑{code}所属任务{task.code}没有分配给{unit}。")
        self._check_edit(actor, unit, month)
        old = self._milestone_value(code, unit, month) or {"value": None, "raw": "", "note": ""}
        value, raw_s, errors = _parse_part_value(part, raw, f"{part.entry_name}（累计）")
        errors += self._whole_problems(part.code, value, month, unit)
        new_note = old["note"] if note is None else _store_raw(note, "说明")
        changes = [(k, o, n) for k, o, n in (("value", old["value"], value), ("raw", old["raw"], raw_s),
                                              ("note", old["note"], new_note)) if as_text(o) != as_text(n)]
        if not changes:
            return SaveResult([], errors)
        with self.store.tx() as c:
            c.execute(
                "INSERT INTO milestone_values(milestone_code, unit, month, value, raw, note, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(milestone_code, unit, month) DO UPDATE SET "
                "value = excluded.value, raw = excluded.raw, note = excluded.note, "
                "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                (code, unit, month, value, raw_s, new_note, saved_at(), actor.username))
            self._audit(c, actor, unit, month, "milestone", code,
                        [ch for ch in changes if ch[0] != "raw"] or changes, origin)
            self._touch(c, unit, month)
        return SaveResult([k for k, _, _ in changes], errors)

    @rule(UNIT, unit=_milestone_unit, read=True, what="查看里程碑数值")
    def milestone_series(self, actor: Actor, code: str, unit: str | None = None) -> list[tuple[str, float]]:
        """(month, cumulative value) of a milestone, by default the lead unit's."""
        part = self.plan.part(code)
        if unit is None:
            units = self.app.task_units(self.plan.task(part.task))
            unit = units[0] if units else ""
        return [(r["month"], r["value"]) for r in self.store.query(
            "SELECT month, value FROM milestone_values WHERE milestone_code = ? AND unit = ? "
            "AND value IS NOT NULL ORDER BY month", (code, unit))]

    # -- indicator values ------------------------------------------------------------------
    @rule(PUBLIC)
    def period_for(self, part_code: str, month: str) -> str:
        part = self.plan.part(part_code)
        return month if part.frequency == "month" else month[:4]

    @rule(UNIT, unit=_responsible, read=True, what="查看该指标的数值")
    def indicator_value(self, actor: Actor, part_code: str, period: str) -> dict[str, Any] | None:
        return self._indicator_value(part_code, period)

    def _indicator_value(self, part_code: str, period: str) -> dict[str, Any] | None:
        return self.store.one("SELECT * FROM indicator_values WHERE part_code = ? AND period = ?",
                              (part_code, period))

    @rule(UNIT, unit="unit", what="修改该单位负责的指标数值")
    def save_indicator_value(self, actor: Actor, part_code: str, unit: str, month: str,
                             raw: Any, source: str | None = None, note: str | None = None,
                             period: str | None = None, origin: str = "form") -> SaveResult:
        part = self.plan.parts_by_code.get(part_code)
        if part is None or part.task:
            raise NotFound(f"指标编码“{part_code}”不存在。")
        ind = self.plan.indicator_of(part_code)
        owner = self.app.responsible_unit(ind) if ind is not None else unit
        if owner != unit:
            raise PermissionDenied(f"指标{part_code}“{part.name}”的责任单位是{owner or '未分工（待办公室分工）'}，"
                                   f"不是{unit}。")
        self._check_edit(actor, unit, month)
        own = self.period_for(part_code, month)
        if period is not None and period != own:
            raise InvalidInput(f"指标{part_code}在{month}只能填写{own}期间的数值，不能写入期间“{str(period)[:20]}”："
                               "每个期间的数值只能在它所属的月份（或年度）中填报，并受该月的锁定规则约束。",
                               [(part.name, "期间不对")])
        period = own
        old = self._indicator_value(part_code, period) or {"value": None, "raw": "", "source": "", "note": ""}
        value, raw_s, errors = _parse_part_value(part, raw, part.entry_name)
        errors += self._whole_problems(part.code, value, period)
        new = {"value": value, "raw": raw_s,
               "source": old["source"] if source is None else _store_raw(source, "数据来源"),
               "note": old["note"] if note is None else _store_raw(note, "说明")}
        changes = [(k, old[k], new[k]) for k in ("value", "raw", "source", "note") if as_text(old[k]) != as_text(new[k])]
        if not changes:
            return SaveResult([], errors)
        with self.store.tx() as c:
            c.execute(
                "INSERT INTO indicator_values(part_code, period, unit, month, value, raw, source, note, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(part_code, period) DO UPDATE SET "
                "unit = excluded.unit, month = excluded.month, value = excluded.value, raw = excluded.raw, "
                "source = excluded.source, note = excluded.note, updated_at = excluded.updated_at, "
                "updated_by = excluded.updated_by",
                (part_code, period, unit, month, new["value"], new["raw"], new["source"], new["note"],
                 saved_at(), actor.username))
            self._audit(c, actor, unit, month, "indicator", f"{part_code}@{period}",
                        [ch for ch in changes if ch[0] != "raw"] or changes, origin)
            self._touch(c, unit, month)
        return SaveResult([k for k, _, _ in changes], errors)

    # -- a part and its whole (其中) ------------------------------------------------------------
    def _figure(self, code: str, when: str, unit: str | None) -> float | None:
        """The stored figure of a part for a period, or of a milestone for a unit up to a
        month (its lead unit's when ``unit`` has none)."""
        part = self.plan.parts_by_code.get(code)
        if part is None:
            return None
        if not part.is_milestone:
            return self.store.scalar("SELECT value FROM indicator_values WHERE part_code = ? AND period = ? "
                                     "AND value IS NOT NULL", (code, when))
        units = [u for u in (unit, *self.app.task_units(self.plan.task(part.task))[:1]) if u]
        for u in units:
            v = self.store.scalar("SELECT value FROM milestone_values WHERE milestone_code = ? AND unit = ? "
                                  "AND month <= ? AND value IS NOT NULL ORDER BY month DESC LIMIT 1", (code, u, when))
            if v is not None:
                return float(v)
        return None

    def _part_of_problems(self, code: str, value: float | None, when: str, unit: str | None = None) -> list[str]:
        """Why ``value`` of part ``code`` (for period or month ``when``) does not fit its
        whole or its parts (其中): a part may not exceed its whole, a whole may not be less
        than any of its parts. Empty when it fits or nothing is there to compare."""
        part = self.plan.parts_by_code.get(code)
        if part is None or value is None or part.qualitative:
            return []
        out = []
        shown = when if len(when) == 4 else month_cn(when)
        if part.part_of:
            whole = self.plan.parts_by_code.get(part.part_of)
            wv = self._figure(part.part_of, when, unit)
            if whole is not None and wv is not None and value > wv + 1e-9:
                out.append(f"{part.name}{fmt_number(value)}{part.entry_unit}超过了它所属的“{whole.name}”"
                           f"（{shown}为{fmt_number(wv)}{whole.entry_unit}）：“其中”项不能大于总数，请核对")
        for child in self.plan.parts_by_code.values():
            if child.part_of != code:
                continue
            cv = self._figure(child.code, when, unit)
            if cv is not None and cv > value + 1e-9:
                out.append(f"{part.name}{fmt_number(value)}{part.entry_unit}小于其中“{child.name}”"
                           f"（{shown}为{fmt_number(cv)}{child.entry_unit}）：总数不能小于其中项，请核对")
        return out

    def _whole_problems(self, code: str, value: float | None, when: str, unit: str | None = None
                        ) -> list[FieldError]:
        part = self.plan.part(code)
        return [FieldError("value", part.entry_name, m) for m in self._part_of_problems(code, value, when, unit)]

    @rule(UNIT, unit=_responsible, read=True, what="查看该指标的数值")
    def indicator_series(self, actor: Actor, part_code: str) -> list[tuple[str, float]]:
        return [(r["period"], r["value"]) for r in self.store.query(
            "SELECT period, value FROM indicator_values WHERE part_code = ? AND value IS NOT NULL "
            "ORDER BY period", (part_code,))]

    @rule(UNIT, unit=_responsible, read=True, what="查看该指标的数值")
    def previous_indicator_value(self, actor: Actor, part_code: str, period: str) -> float | None:
        return self._previous_indicator_value(part_code, period)

    def _previous_indicator_value(self, part_code: str, period: str) -> float | None:
        return self.store.scalar(
            "SELECT value FROM indicator_values WHERE part_code = ? AND period < ? AND value IS NOT NULL "
            "ORDER BY period DESC LIMIT 1", (part_code, period))

    @rule(UNIT, unit="unit", read=True, what="查看该单位的里程碑数值")
    def previous_milestone_value(self, actor: Actor, code: str, unit: str, month: str) -> dict[str, Any] | None:
        """The unit's latest milestone figure before ``month`` (a cumulative starting point)."""
        return self.store.one(
            "SELECT * FROM milestone_values WHERE milestone_code = ? AND unit = ? AND month < ? "
            "AND raw != '' ORDER BY month DESC LIMIT 1", (code, unit, month))
