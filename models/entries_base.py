"""The shared base of the entries services: submission state, locks and the audit trail.

Every read and save declares who may call it (``models.authority``: the unit's clerk or
the office); a save also checks that the month is open (``lock_reason``: inside the
plan's months, not submitted, approved or expired, unless the office reopened it), stores the value, and records each changed field in the audit
trail (who, when, old → new) with ``_audit``; ``_touch`` marks the month as a draft.
The helpers that keep raw text and parse a plan part's value are shared by the
task, indicator and project entries (``models.entries_tasks``, ``models.entries_indicators``,
``models.entries_projects``), which ``models.entries.Entries`` puts together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from forms.fields import FieldError
from forms.values import ValueProblem, as_text, clean_text, parse_number, parse_yes_no
from models.app import Actor, App, month_add
from models.authority import PUBLIC, SIGNED_IN, UNIT, demand, rule
from models.errors import InvalidInput, Locked, PermissionDenied
from models.store import now_iso

MAX_TEXT = 20000
STATE_NAMES = {"": "未填报", "draft": "草稿", "submitted": "已报送", "approved": "已审核通过",
               "returned": "已退回"}


@rule(PUBLIC)
@dataclass(frozen=True)
class SaveResult:
    changed: list[str]  # keys of the fields that changed
    errors: list[FieldError]  # problems that block submitting (the draft is saved anyway)


@rule(PUBLIC)
def due_date(month: str, due_day: int) -> date:
    nxt = month_add(month, 1)
    y, m = int(nxt[:4]), int(nxt[5:7])
    day = max(1, min(int(due_day), 28))
    return date(y, m, day)


class EntriesBase:
    """What every kind of entry needs: the month's submission state, locks, audit trail."""

    def __init__(self, app: App):
        self.app = app
        self.store = app.store
        self.plan = app.plan

    # -- submission state and locks ----------------------------------------------
    @rule(UNIT, unit="unit", read=True, what="查看该单位的报送状态")
    def submission(self, actor: Actor, unit: str, month: str) -> dict[str, Any]:
        return self._submission(unit, month)

    def _submission(self, unit: str, month: str) -> dict[str, Any]:
        row = self.store.one("SELECT * FROM submissions WHERE unit = ? AND month = ?", (unit, month))
        if row is None:
            return {"unit": unit, "month": month, "state": "", "submitted_at": "",
                    "submitted_by": "", "decided_at": "", "decided_by": "", "comment": "",
                    "returns": 0, "updated_at": ""}
        return row

    @rule(UNIT, unit="unit", read=True, what="查看该单位的报送状态")
    def state(self, actor: Actor, unit: str, month: str) -> str:
        return self._submission(unit, month)["state"]

    @rule(SIGNED_IN, what="查看能否修改")
    def lock_reason(self, actor: Actor, unit: str, month: str, today: date | None = None) -> str:
        """Why ``actor`` cannot edit ``unit``'s ``month``; "" when editing is allowed."""
        try:
            demand(UNIT, self.app, actor, unit, what="修改该单位的数据")
        except PermissionDenied as exc:
            return str(exc)
        if unit not in self.app.reporting_units():
            return f"“{unit}”不是填报单位。"
        return self._month_lock(unit, month, today)

    @rule(UNIT, unit="unit", read=True, what="查看该单位的报送状态")
    def month_lock(self, actor: Actor, unit: str, month: str, today: date | None = None) -> str:
        """Why nobody but the office (after reopening it) may edit ``unit``'s ``month``
        ("" when the month is open: inside the plan, not submitted, approved or expired)."""
        return self._month_lock(unit, month, today)

    def _month_lock(self, unit: str, month: str, today: date | None = None) -> str:
        outside = self._outside_plan(month)
        if outside:
            return outside
        sub = self._submission(unit, month)
        st = sub["state"]
        if st == "approved":
            return (f"{unit}{_month_cn(month)}的报送已于{sub['decided_at'][:10]}审核通过并锁定；"
                    "如需修改，请联系领导小组办公室解锁。")
        if st == "submitted":
            return (f"{unit}{_month_cn(month)}的数据已于{sub['submitted_at'][:10]}报送，等待审核，"
                    "报送后不能修改；如需修改请联系领导小组办公室退回。")
        expiry = int(self.app.settings.get("expiry_days") or 0)
        if expiry > 0 and st != "returned":
            last = due_date(month, self.app.settings.get("due_day")) + timedelta(days=expiry)
            if (today or date.today()) > last:
                return (f"{_month_cn(month)}的填报期限已过（{last.isoformat()}截止），不能再修改；"
                        "如需补报请联系领导小组办公室解锁。")
        return ""

    @rule(SIGNED_IN, what="查看能否修改")
    def editable(self, actor: Actor, unit: str, month: str) -> bool:
        return not self.lock_reason(actor, unit, month)

    def _outside_plan(self, month: str) -> str:
        """Why ``month`` is not a month of the plan ("" when it is)."""
        first = self.plan.first_month
        last = f"{int(self.plan.meta.get('last_year') or 2030):04d}-12"
        if not isinstance(month, str) or not _MONTH.match(month):
            return f"月份“{str(month)[:20]}”格式不对，应为 YYYY-MM。"
        if month < first or month > last:
            return (f"{_month_cn(month)}不在方案的填报期间内（{_month_cn(first)}至{_month_cn(last)}），"
                    "不能填报或修改。")
        return ""

    def _check_edit(self, actor: Actor, unit: str, month: str) -> None:
        demand(UNIT, self.app, actor, unit, what="修改该单位的数据")
        if unit not in self.app.reporting_units():
            raise PermissionDenied(f"“{unit}”不是填报单位。")
        reason = self.lock_reason(actor, unit, month)
        if reason:
            raise Locked(reason)

    def _touch(self, c: Any, unit: str, month: str) -> None:
        c.execute(
            "INSERT INTO submissions(unit, month, state, updated_at) VALUES (?, ?, 'draft', ?) "
            "ON CONFLICT(unit, month) DO UPDATE SET updated_at = excluded.updated_at, "
            "state = CASE WHEN state = '' THEN 'draft' ELSE state END",
            (unit, month, now_iso()))

    def _audit(self, c: Any, actor: Actor, unit: str, month: str, entity: str, key: str,
               changes: list[tuple[str, Any, Any]], origin: str) -> None:
        at = now_iso()
        c.executemany(
            "INSERT INTO value_audit(at, actor, unit, month, entity, entity_key, field, old, new, origin) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(at, actor.username, unit, month, entity, key, f, as_text(o), as_text(n), origin)
             for f, o, n in changes])


def _store_raw(raw: Any, label: str) -> str:
    text = clean_text(raw, label=label, max_len=10 ** 9)
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{label}过长：{len(text)}字，最多{MAX_TEXT}字，未保存。",
                           [(label, f"过长（{len(text)}字）")])
    return text


def _parse_part_value(part: Any, raw: Any, label: str) -> tuple[float | None, str, list[FieldError]]:
    """(parsed value or None, raw text to keep, problems)."""
    raw_s = _store_raw(raw if not isinstance(raw, float) else as_text(raw), label)
    try:
        if part.qualitative:
            yn = parse_yes_no(raw, label=label)
            value = None if yn is None else (1.0 if yn else 0.0)
            raw_s = "" if yn is None else ("是" if yn else "否")
        else:
            value = parse_number(raw, label=label, unit=part.entry_unit).value
        return value, raw_s, []
    except ValueProblem as exc:
        return None, raw_s, [FieldError("value", label, str(exc))]


def _month_cn(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:7])}月"


month_cn = rule(PUBLIC)(_month_cn)
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
