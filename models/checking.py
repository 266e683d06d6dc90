"""Judging stored values against the plan's targets (uses the database).

``Judge`` reads the office's settings once (thresholds, tolerances, pending targets)
and the baselines table once, then judges entered values with ``models.targets.judge``.
``current(month)`` gives the status of every indicator part and milestone as of a
month with a handful of queries (dashboard, ledger, briefing). ``Judge.check_item``
serves the ``check --json FILE`` command (ui/cli/check_cmd.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from models.app import Actor, App
from models.authority import PUBLIC, UNIT, Args, rule
from models.plan import Indicator, Part, Plan
from models.periods import normalize_period
from models.target_direction import previous_period
from models.target_rules import SEVERITY, STATUS_NAMES, Baseline, Previous, Rules, Verdict
from models.target_words import describe_target, value_text
from models.targets import judge
from forms.values import ValueProblem, fmt_number, parse_number, parse_yes_no

_UNSET: Any = object()


def _part_unit(a: Args) -> str | None:
    """The unit whose value ``latest`` reads: an indicator's responsible unit, a milestone's lead."""
    judge_: Judge = a["self"]
    part = judge_.plan.parts_by_code.get(str(a["part_code"]))
    if part is None:
        return None
    if part.is_milestone:
        return judge_.lead_unit(part)
    ind = judge_.plan.indicator_of(part.code)
    return ind.responsible_unit if ind else None


def _milestone_unit(a: Args) -> str | None:
    judge_: Judge = a["self"]
    part = judge_.plan.parts_by_code.get(str(a["code"]))
    return a["unit"] or (judge_.lead_unit(part) if part is not None else None)


@rule(PUBLIC)
class Judge:
    """Verdicts for one App. Settings and baselines are read once per instance; make a new
    Judge (or call ``invalidate``) after they change. Judging a given value is public (the
    office's settings and baselines, no unit's data); reading stored values is declared
    per method."""

    def __init__(self, app: App):
        self.app: App | None = app
        self.plan = app.plan
        self._settings: dict[str, Any] | None = None
        self._rules: Rules | None = None
        self._baselines: dict[str, Baseline] | None = None
        self._pending: dict[str, tuple[int | None, float]] | None = None
        self._leads: dict[str, str] | None = None

    @classmethod
    def detached(cls, plan: Plan, settings: Mapping[str, Any], baselines: dict[str, Baseline],
                 leads: dict[str, str]) -> Judge:
        """A judge over given settings, baselines and lead units (task code → unit), without
        a database: what a stored month view is judged with."""
        j = cls.__new__(cls)
        j.app = None
        j.plan = plan
        j._settings = dict(settings)
        j._rules = None
        j._baselines = baselines
        j._pending = None
        j._leads = leads
        return j

    def _settings_all(self) -> dict[str, Any]:
        if self._settings is not None:
            return self._settings
        assert self.app is not None
        return self.app.settings.all()

    def invalidate(self) -> None:
        self._rules = None
        if self.app is not None:
            self._baselines = None
        self._pending = None

    # -- settings and stored baselines ---------------------------------------------------
    def _responsible(self, ind: Indicator) -> str:
        """An indicator's responsible unit: the plan's, else the office's assignment (未分工)."""
        if ind.responsible_unit:
            return ind.responsible_unit
        assigned = self.plan.assignments(self._settings_all().get("unit_assignments"))
        return (assigned.get(ind.code) or [""])[0]

    def rules(self) -> Rules:
        if self._rules is None:
            self._rules = Rules.from_settings(self._settings_all())
        return self._rules

    def baselines(self) -> dict[str, Baseline]:
        """Every entered baseline by part code (one query per Judge)."""
        if self._baselines is None:
            assert self.app is not None
            self._baselines = {
                r["part_code"]: Baseline(int(r["year"]), float(r["value"]))
                for r in self.app.store.query("SELECT part_code, year, value FROM baselines")}
        return self._baselines

    def baseline(self, part_code: str) -> Baseline | None:
        return self.baselines().get(part_code)

    def _pending_entries(self) -> dict[str, tuple[int | None, float]]:
        if self._pending is None:
            out: dict[str, tuple[int | None, float]] = {}
            raw = self._settings_all().get("pending_targets") or {}
            if isinstance(raw, dict):
                for code, entry in raw.items():
                    year: Any = None
                    value: Any = entry
                    if isinstance(entry, dict):
                        year, value = entry.get("year"), entry.get("value")
                    if isinstance(value, bool) or not isinstance(value, (int, float)) \
                            or not math.isfinite(value):
                        continue
                    if isinstance(year, bool) or not isinstance(year, int):
                        year = None
                    out[str(code)] = (year, float(value))
            self._pending = out
        return self._pending

    def pending_target(self, part_code: str) -> float | None:
        """The target value the office entered for a pending (省下达) target, if any."""
        entry = self._pending_entries().get(part_code)
        return None if entry is None else entry[1]

    def part(self, code: str) -> Part | None:
        """The plan's part; for a pending part whose target the office entered with another
        year than the plan's, the target is moved to that year."""
        part = self.plan.parts_by_code.get(code)
        if part is None or not part.pending:
            return part
        entry = self._pending_entries().get(code)
        if entry is None or entry[0] is None:
            return part
        year = entry[0]
        targets = tuple(t._replace(year=year) if t.value is None else t for t in part.targets)
        return part._replace(targets=targets)

    # -- judging ---------------------------------------------------------------------------
    def verdict(self, part_code: str, period: str, value: object, *, baseline: Any = _UNSET,
                target_value: float | None = None, previous: Any = _UNSET) -> Verdict:
        """Judge ``value`` (a number, 是/否, or raw text parsed with forms.values) of a part or
        milestone for ``period``. ``baseline`` / ``target_value`` override the stored ones.
        Unparseable values, unknown codes and bad periods give an "invalid" verdict."""
        part = self.part(str(part_code).strip())
        if part is None:
            return Verdict("invalid", None, f"编码“{str(part_code)[:20]}”不是计划中的指标或里程碑")
        try:
            period = normalize_period(period)
        except ValueProblem as exc:
            return Verdict("invalid", None, f"{part.code}：{exc}")
        try:
            v = self.parse_value(part, value)
        except ValueProblem as exc:
            return Verdict("invalid", None, str(exc))
        if baseline is _UNSET:
            baseline = self.baseline(part.code)
        if target_value is None and part.pending:
            target_value = self.pending_target(part.code)
        if previous is _UNSET:
            previous = self._previous(part, period)
        return judge(part, period, v, baseline=baseline, rules=self.rules(),
                     target_value=target_value, first_month=self.plan.first_month, previous=previous)

    @staticmethod
    def parse_value(part: Part, raw: object) -> float | None:
        """A stored or typed value as the engine takes it (是/否 → 1.0/0.0); None when empty."""
        if raw is None:
            return None
        if part.qualitative:
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                if not math.isfinite(raw):
                    raise ValueProblem(f"{part.name}的完成情况应填写“是”或“否”")
                return 1.0 if raw >= 1 else 0.0
            yn = parse_yes_no(raw, label=part.name)
            return None if yn is None else (1.0 if yn else 0.0)
        return parse_number(raw, label=part.name, unit=part.entry_unit).value

    def _judge_stored(self, part: Part, period: str, value: float | None,
                      figures: dict[str, float] | None = None) -> Verdict:
        target_value = self.pending_target(part.code) if part.pending else None
        return judge(part, period, value, baseline=self.baseline(part.code), rules=self.rules(),
                     target_value=target_value, first_month=self.plan.first_month,
                     previous=self._previous(part, period, figures))

    def _previous(self, part: Part, period: str, figures: dict[str, float] | None = None) -> Previous | None:
        """The value of the same period a year earlier, for parts with a direction-only
        target (进一步下降): from ``figures`` (period → value) when given, else the stored
        value (a milestone's: the lead unit's latest by then), else the baseline when it is
        that year's. None for other parts."""
        if not any(t.direction_only for t in part.targets):
            return None
        try:
            before = previous_period(period)
        except ValueProblem:
            return None
        if figures is not None or self.app is None:
            found = (figures or {}).get(before)
            if found is not None:
                return Previous(before, float(found))
            base = self.baseline(part.code)
            return Previous(before, base.value) if base is not None and base.year == int(before[:4]) \
                and len(before) == 4 else None
        if part.is_milestone:
            unit = self.lead_unit(part) or ""
            row = self.app.store.one(
                "SELECT value FROM milestone_values WHERE milestone_code = ? AND unit = ? AND value IS NOT NULL "
                "AND month <= ? ORDER BY month DESC LIMIT 1", (part.code, unit, before if len(before) == 7
                                                               else f"{before}-12"))
        else:
            row = self.app.store.one("SELECT value FROM indicator_values WHERE part_code = ? AND period = ? "
                                     "AND value IS NOT NULL", (part.code, before))
        if row is not None:
            return Previous(before, float(row["value"]))
        base = self.baseline(part.code)
        if base is not None and len(before) == 4 and base.year == int(before):
            return Previous(before, base.value)
        return None

    @rule(UNIT, unit=_part_unit, read=True, what="查看该指标的数值")
    def latest(self, actor: Actor, part_code: str, month: str) -> tuple[str | None, float | None, Verdict]:
        """The latest stored value of an indicator part with period ≤ month (annual parts:
        period ≤ the month's year), and its verdict. Nothing stored: (None, None, a grey
        “尚未填报” verdict for the month's period, with the expected value when known)."""
        part = self.part(part_code)
        if part is None:
            return None, None, Verdict("invalid", None, f"编码“{part_code}”不是计划中的指标")
        if part.is_milestone:
            return self.milestone(actor, part.code, month)
        bound = _bound(part, month)
        assert self.app is not None
        row = self.app.store.one(
            "SELECT period, value FROM indicator_values WHERE part_code = ? AND value IS NOT NULL "
            "AND period <= ? ORDER BY period DESC LIMIT 1", (part.code, bound))
        if row is None:
            return None, None, self._judge_stored(part, bound, None)
        return row["period"], row["value"], self._judge_stored(part, row["period"], row["value"])

    def lead_unit(self, part: Part) -> str | None:
        if self._leads is not None:
            return self._leads.get(part.task) or None
        task = self.plan.tasks_by_code.get(part.task)
        if task is None:
            return None
        assert self.app is not None
        units = self.app.task_units(task)
        return units[0] if units else None

    @rule(UNIT, unit=_milestone_unit, read=True, what="查看该里程碑的数值")
    def milestone(self, actor: Actor, code: str, month: str, unit: str | None = None
                  ) -> tuple[str | None, float | None, Verdict]:
        """The lead unit's (or ``unit``'s) latest cumulative value with month ≤ ``month``,
        judged at the month it was entered for. Nothing stored: grey for ``month``."""
        part = self.part(code)
        if part is None or not part.is_milestone:
            return None, None, Verdict("invalid", None, f"编码“{code}”不是计划中的里程碑")
        unit = unit or self.lead_unit(part)
        assert self.app is not None
        row = self.app.store.one(
            "SELECT month, value FROM milestone_values WHERE milestone_code = ? AND unit = ? "
            "AND value IS NOT NULL AND month <= ? ORDER BY month DESC LIMIT 1",
            (part.code, unit or "", month))
        if row is None:
            return None, None, self._judge_stored(part, month, None)
        return row["month"], row["value"], self._judge_stored(part, row["month"], row["value"])

    @rule(UNIT, unit="unit", read=True, what="查看指标与里程碑的完成情况")
    def current(self, actor: Actor, month: str, unit: str | None = None) -> list[dict[str, Any]]:
        """Status of every indicator part (appendix order), then every milestone, as of
        ``month``; with ``unit``, only the rows that unit is responsible for (its
        indicators, the milestones of the tasks it leads)."""
        rows = self._current(month)
        return rows if unit is None else [r for r in rows if r["responsible_unit"] == unit]

    def _current(self, month: str) -> list[dict[str, Any]]:
        assert self.app is not None
        ind_rows: dict[str, list[tuple[str, float]]] = {}
        for code, period, value in self.app.store.execute(
                "SELECT part_code, period, value FROM indicator_values WHERE value IS NOT NULL "
                "ORDER BY part_code, period").fetchall():
            ind_rows.setdefault(code, []).append((period, value))
        ms_rows: dict[tuple[str, str], tuple[str, float]] = {}
        for code, unit, mo, value in self.app.store.execute(
                "SELECT milestone_code, unit, month, value FROM milestone_values "
                "WHERE value IS NOT NULL AND month <= ? ORDER BY milestone_code, unit, month", (month,)).fetchall():
            ms_rows[(code, unit)] = (mo, value)
        return self.current_from(month, ind_rows, ms_rows)

    def current_from(self, month: str, ind_rows: dict[str, list[tuple[str, float]]],
                     ms_rows: dict[tuple[str, str], tuple[str, float]]) -> list[dict[str, Any]]:
        """``current`` over given figures: ``ind_rows`` (part → (period, value) in period
        order) and ``ms_rows`` ((milestone, unit) → its latest (month, value) up to ``month``)."""
        out: list[dict[str, Any]] = []
        for ind in self.plan.indicators:
            for p in ind.parts:
                part = self.part(p.code) or p
                bound = _bound(part, month)
                found = [(per, val) for per, val in ind_rows.get(part.code, []) if per <= bound]
                period, value = found[-1] if found else (None, None)
                verdict = self._judge_stored(part, period or bound, value, dict(ind_rows.get(part.code, [])))
                row = _row(part, "indicator", self._responsible(ind), self.baseline(part.code),
                           period, value, verdict)
                entered = self.pending_target(part.code) if part.pending else None
                if entered is not None:
                    row["target_text"] += f"（已录入目标值{fmt_number(entered)}{part.entry_unit if part.as_rate else part.unit}）"
                out.append(row)
        for m in self.plan.milestones:
            part = self.part(m.code) or m.part
            lead = self.lead_unit(part)
            period, value = ms_rows.get((m.code, lead or ""), (None, None))
            verdict = self._judge_stored(part, period or month, value)
            out.append(_row(part, "milestone", lead or "", self.baseline(part.code), period, value,
                            verdict))
        return out

    # -- the check command -------------------------------------------------------------------
    def check_item(self, item: object, index: int = 1) -> dict[str, Any]:
        """One item of ``check --json``: {code, period, value[, baseline][, target][, previous]} →
        {code, period, status, expected, message}. Problems give status "invalid"
        (``models/check_json.py``)."""
        from models.check_json import check_item
        return check_item(self, item, index)

def _bound(part: Part, month: str) -> str:
    return month if part.frequency == "month" else month[:4]


def _row(part: Part, kind: str, unit: str, baseline: Baseline | None, period: str | None,
         value: float | None, verdict: Verdict) -> dict[str, Any]:
    return {"code": part.code, "name": part.name, "kind": kind, "unit": part.entry_unit,
            "responsible_unit": unit,
            "target_text": "；".join(describe_target(part, t) for t in part.targets) or "仅监测",
            "baseline": baseline, "period": period, "value": value, "expected": verdict.expected,
            "qualitative": part.qualitative, "value_text": value_text(part, value),
            "status": verdict.status, "status_name": STATUS_NAMES[verdict.status],
            "message": verdict.message, "completion": verdict.completion, "verdict": verdict}


@rule(PUBLIC)
def worst_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of ``current`` ordered red, yellow, grey, green (stable within a status)."""
    return sorted(rows, key=lambda r: SEVERITY.get(r["status"], 2))


@rule(PUBLIC)
def count_statuses(rows: list[dict[str, Any]]) -> dict[str, int]:
    out = {s: 0 for s in STATUS_NAMES}
    for r in rows:
        out[r["status"]] = out.get(r["status"], 0) + 1
    return out
