"""Checking the rows of an exchange package with the same field definitions as the forms.

A package from another PC is signed, but a signature only says which unit sent it, not
that what it says makes sense. Every row is checked here before it can be merged:

- its shape (every field present with the right type, finite numbers);
- its values with the forms' fields (``forms/``): choice lists, dates, numbers and their
  ranges (no negatives, percentages up to 100, nothing absurdly large), text limits. A
  monthly draft may leave required fields empty, as the form allows; projects, as in the
  form, must be complete;
- figures against their typed text (``raw`` must read as ``value``), parsed like the forms;
- months and periods inside the plan's years and not after the package's month;
- timestamps and names of reasonable form.

A row that fails is refused and reported (``Refusal``: unit, month, item, field, why); the
other rows of the package land. Nothing here reads or writes the database.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from forms import indicator_form, milestone_form, project_form, task_form
from forms.fields import Field
from forms.values import ValueProblem, clean_text
from models.authority import INTERNAL, PUBLIC, rule
from models.entries_base import MAX_TEXT, _parse_part_value, month_cn
from models.exchange_common import MONTH_RE, PERIOD_RE
from models.package_format import shape_problem
from models.plan import Part, Plan

S, N, NUM = (str,), (str, type(None)), (int, float, type(None))
_STAMP = {"updated_at": S, "updated_by": S}
TASK_SPEC = {"task_code": S, "unit": S, "month": S, **{f.key: S for f in task_form.FIELDS}, **_STAMP}
MILE_SPEC = {"milestone_code": S, "unit": S, "month": S, "value": NUM, "raw": S, "note": S, **_STAMP}
IND_SPEC = {"part_code": S, "period": S, "unit": S, "month": S, "value": NUM, "raw": S, "source": S,
            "note": S, **_STAMP}
PROJ_SPEC = {"uid": S, "unit": S, "task_code": S, "name": S, "content": S, "ptype": S,
             "total_invest": NUM, "plan_start": S, "plan_end": S, "reduction": NUM,
             "created_month": S, "closed_month": S, "months": (list,), **_STAMP}
PM_SPEC = {"month": S, "ptype": S, "year_plan_invest": NUM, "cum_invest": NUM, "actual_start": S,
           "progress": S, **_STAMP}
AUDIT_SPEC = {"at": S, "actor": S, "unit": S, "month": S, "entity": S, "entity_key": S, "field": S,
              "old": N, "new": N, "origin": S}
EVENT_SPEC = {"at": S, "actor": S, "unit": S, "month": S, "action": S, "comment": S}
ENTITIES = ("task_report", "milestone", "project", "project_month", "indicator")
ACTIONS = ("submit", "approve", "return", "reopen")
_UID = re.compile(r"^[0-9a-f]{32}$")
_PROJECT_FIELDS = {f.key: f for f in project_form.FIELDS}
_INDICATOR_FIELDS = {f.key: f for f in indicator_form.FIELDS}


@rule(PUBLIC)
@dataclass(frozen=True)
class Refusal:
    """One refused row of a package: where it was and why (Chinese)."""

    unit: str
    month: str
    item: str
    field: str
    why: str

    def text(self) -> str:
        when = month_cn(self.month) if MONTH_RE.match(self.month or "") else (self.month or "")
        where = " ".join(x for x in (self.unit, when, self.item) if x)
        return f"{where}{'（' + self.field + '）' if self.field else ''}：{self.why}"


class _Bad(Exception):
    def __init__(self, field: str, why: str):
        super().__init__(why)
        self.field = field
        self.why = why


@rule(INTERNAL, why="checks the rows of a package for the exchange services, which hold the rules")
class RowCheck:
    """Checks the rows of one package of ``unit`` for ``month`` ("" for a decisions package)."""

    def __init__(self, plan: Plan, unit: str, month: str, refused: list[Refusal]):
        self.plan = plan
        self.unit = unit
        self.month = month
        self.refused = refused
        self.first = plan.first_month
        self.last = f"{int(plan.meta.get('last_year') or 2030):04d}-12"

    # -- the kinds of rows -------------------------------------------------------------------------
    def task(self, r: dict[str, Any]) -> dict[str, Any] | None:
        """A task report: the form's fields (a draft may leave required fields empty)."""
        item = f"任务{str(r.get('task_code'))[:20]}"
        return self._run(r, item, lambda: self._task(r))

    def milestone(self, r: dict[str, Any], part: Part) -> dict[str, Any] | None:
        item = f"里程碑{part.code}"
        return self._run(r, item, lambda: self._figure(r, part, MILE_SPEC, milestone_form.NOTE, None))

    def indicator(self, r: dict[str, Any], part: Part) -> dict[str, Any] | None:
        item = f"指标{part.code}@{str(r.get('period'))[:10]}"
        return self._run(r, item, lambda: self._indicator(r, part))

    def project(self, r: dict[str, Any]) -> dict[str, Any] | None:
        """A project (complete, as the form requires), without its monthly figures."""
        item = f"项目“{str(r.get('name'))[:30]}”"
        return self._run(r, item, lambda: self._project(r))

    def project_month(self, r: dict[str, Any], name: str) -> dict[str, Any] | None:
        item = f"项目“{name[:30]}”月度数据"
        return self._run(r, item, lambda: self._project_month(r))

    def audit(self, r: dict[str, Any]) -> dict[str, Any] | None:
        item = f"修改记录 {str(r.get('entity'))[:20]} {str(r.get('entity_key'))[:20]}"
        return self._run(r, item, lambda: self._audit(r))

    def event(self, r: dict[str, Any]) -> dict[str, Any] | None:
        item = f"审核记录 {str(r.get('action'))[:10]}"
        return self._run(r, item, lambda: self._event(r))

    # -- helpers -----------------------------------------------------------------------------------
    def _run(self, r: Any, item: str, check: Any) -> dict[str, Any] | None:
        month = str(r.get("month") or self.month) if isinstance(r, dict) else self.month
        try:
            if not isinstance(r, dict):
                raise _Bad("", "结构不对")
            out: dict[str, Any] = check()
            return out
        except _Bad as bad:
            self.refused.append(Refusal(self.unit, month[:7], item, bad.field, bad.why))
            return None

    @staticmethod
    def _shape(r: dict[str, Any], spec: Mapping[str, tuple[type, ...]]) -> None:
        problem = shape_problem(r, spec)
        if problem:
            raise _Bad("", problem.lstrip("的"))

    def _stamp(self, r: dict[str, Any], out: dict[str, Any]) -> None:
        out["updated_at"] = self.stamp(r["updated_at"], "保存时间")
        out["updated_by"] = _text(r["updated_by"], "保存人", 64)

    @staticmethod
    def stamp(s: str, label: str) -> str:
        if not valid_stamp(s):
            raise _Bad(label, f"“{s[:32]}”不是有效的时间")
        return s

    def in_plan(self, m: str) -> bool:
        """Whether ``m`` is a month (YYYY-MM) of the plan."""
        return bool(MONTH_RE.match(m)) and self.first <= m <= self.last

    def month_in_plan(self, m: str, label: str, not_after: str = "") -> str:
        if not MONTH_RE.match(m):
            raise _Bad(label, f"“{m[:20]}”不是 YYYY-MM 格式的月份")
        if m < self.first or m > self.last:
            raise _Bad(label, f"{month_cn(m)}不在方案的期间内（{month_cn(self.first)}至{month_cn(self.last)}）")
        if not_after and m > not_after:
            raise _Bad(label, f"{month_cn(m)}晚于报送包的月份{month_cn(not_after)}")
        return m

    # -- per kind ----------------------------------------------------------------------------------
    def _task(self, r: dict[str, Any]) -> dict[str, Any]:
        self._shape(r, TASK_SPEC)
        out = {"task_code": r["task_code"], "unit": r["unit"], "month": r["month"]}
        for f in task_form.FIELDS:
            out[f.key] = _as_stored(_field(f, r[f.key], draft=True))
        self._stamp(r, out)
        return out

    def _figure(self, r: dict[str, Any], part: Part, spec: Mapping[str, tuple[type, ...]], note: Field,
                extra: tuple[Field, ...] | None) -> dict[str, Any]:
        self._shape(r, spec)
        raw = r["raw"]
        if len(raw) > MAX_TEXT:
            raise _Bad("填报值", f"过长（{len(raw)}字）")
        value, _raw, errors = _parse_part_value(part, raw, part.name)
        if errors:
            raise _Bad("填报值", errors[0].message)
        given = r["value"]
        if (value is None) != (given is None) or (value is not None and abs(float(given) - value) > 1e-9 * max(
                1.0, abs(value))):
            raise _Bad("数值", f"数值 {str(given)[:20]} 与填报值“{raw[:20]}”不一致")
        out = dict(r)
        out["value"] = value
        out["note"] = _as_stored(_field(note, r["note"], draft=True))
        for f in extra or ():
            out[f.key] = _as_stored(_field(f, r[f.key], draft=True))
        self._stamp(r, out)
        return out

    def _indicator(self, r: dict[str, Any], part: Part) -> dict[str, Any]:
        self._shape(r, IND_SPEC)
        period = r["period"]
        if not PERIOD_RE.match(period):
            raise _Bad("期间", f"“{period[:20]}”格式不对")
        own = r["month"] if part.frequency == "month" else r["month"][:4]
        if period != own:
            last = self.month[:4] if part.frequency != "month" else self.month
            first = self.first if part.frequency == "month" else self.first[:4]
            if period > last or period < first or not self.in_plan(r["month"]):
                raise _Bad("期间", f"期间“{period}”不在方案的期间内或晚于报送包的月份")
            raise _Bad("期间", f"期间“{period}”不是填报月份{month_cn(r['month'])}的期间（应为{own}）")
        return self._figure(r, part, IND_SPEC, _INDICATOR_FIELDS["note"], (_INDICATOR_FIELDS["source"],))

    def _project(self, r: dict[str, Any]) -> dict[str, Any]:
        self._shape(r, PROJ_SPEC)
        if not _UID.match(r["uid"]):
            raise _Bad("项目ID", "格式不对")
        out = {"uid": r["uid"], "unit": r["unit"], "task_code": r["task_code"]}
        for key in ("name", "content", "ptype", "total_invest", "plan_start", "plan_end", "reduction"):
            out[key] = _field(_PROJECT_FIELDS[key], r[key], draft=False)
        out["created_month"] = self.month_in_plan(r["created_month"], "登记月份", self.month)
        closed = r["closed_month"]
        if closed:
            self.month_in_plan(closed, "结项月份")
            if closed < out["created_month"]:
                raise _Bad("结项月份", "早于登记月份")
        out["closed_month"] = closed
        self._stamp(r, out)
        return out

    def _project_month(self, r: dict[str, Any]) -> dict[str, Any]:
        self._shape(r, PM_SPEC)
        out = {"month": r["month"]}
        for key in ("ptype", "year_plan_invest", "cum_invest", "actual_start", "progress"):
            out[key] = _field(_PROJECT_FIELDS[key], r[key], draft=key != "ptype")
        self._stamp(r, out)
        return out

    def _who(self, r: dict[str, Any]) -> dict[str, Any]:
        """A history row with its time and user checked."""
        return {**r, "at": self.stamp(r["at"], "时间"), "actor": _text(r["actor"], "操作人", 64)}

    def _audit(self, r: dict[str, Any]) -> dict[str, Any]:
        self._shape(r, AUDIT_SPEC)
        if r["entity"] not in ENTITIES:
            raise _Bad("类别", f"“{r['entity'][:20]}”无法识别")
        out = self._who(r)
        out["entity_key"] = _text(r["entity_key"], "对象", 80)
        out["field"] = _text(r["field"], "字段", 40)
        for k in ("old", "new"):
            if r[k] is not None:
                out[k] = _text(r[k], "原值" if k == "old" else "新值", MAX_TEXT)
        return out

    def _event(self, r: dict[str, Any]) -> dict[str, Any]:
        self._shape(r, EVENT_SPEC)
        if r["action"] not in ACTIONS:
            raise _Bad("动作", f"“{r['action'][:20]}”无法识别")
        out = self._who(r)
        out["comment"] = _text(r["comment"], "意见", 2000)
        self.month_in_plan(r["month"], "月份")
        return out


@rule(PUBLIC)
def valid_stamp(s: str) -> bool:
    """Whether ``s`` is a timestamp as the program writes it (ISO 8601, years 1990–2100)."""
    try:
        when = datetime.fromisoformat(s) if isinstance(s, str) and len(s) <= 32 else None
    except ValueError:
        return False
    return when is not None and 1990 <= when.year <= 2100


def _field(f: Field, v: Any, draft: bool) -> Any:
    """The stored form of ``v`` under the form field ``f`` (``draft``: required may be empty)."""
    g = dataclasses.replace(f, required=False) if draft else f
    try:
        return g.validate(v)
    except ValueProblem as exc:
        raise _Bad(f.label, str(exc)) from None


def _as_stored(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    return v


def _text(v: Any, label: str, limit: int) -> str:
    try:
        return clean_text(v, label=label, max_len=limit)
    except ValueProblem as exc:
        raise _Bad(label, str(exc)) from None
