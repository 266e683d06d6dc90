"""Review of monthly submissions by the leadership office (审核报送).

States of a unit's month (``submissions.state``): '' (nothing entered), draft,
submitted, approved (locked), returned (open again for the unit). The office:

- approves a submitted month: it is locked for the unit;
- returns a submitted month with a required comment: the unit sees the comment and
  may edit and submit again (``returns`` counts the returns); items whose evidence
  (佐证材料) is not enough can be marked 佐证不足 with the return: the unit must add
  files to them before it can submit again (``evidence_flags``, cleared on approval);
- reopens (lock exception, 解锁) an approved month, or a month closed by the expiry
  setting, with a required reason: the month goes to 'returned' and the reason is the
  comment the unit sees.

Every approve, return and reopen is appended to ``review_events`` (who, when,
comment) and to the event log.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from models.app import Actor, App
from models.authority import OFFICE, UNIT, rule
from models.entries import Entries
from models.entries_base import STATE_NAMES, month_cn
from models.errors import DomainError, InvalidInput, NotFound
from models.reporting import UnitMonthReport, reporting_status
from models.store import now_iso
from forms.values import clean_text

ACTION_NAMES = {"submit": "报送", "approve": "审核通过", "return": "退回修改", "reopen": "解锁重新开放"}


def _check_unit(app: App, unit: str) -> None:
    if unit not in app.reporting_units():
        raise NotFound(f"“{unit}”不是填报单位。")


def _text(raw: str, label: str) -> str:
    text = clean_text(raw, label=label, max_len=2000)
    if not text:
        raise InvalidInput(f"请填写{label}。", [(label, "不能为空")])
    return text


def _decide(app: App, actor: Actor, unit: str, month: str, action: str, state: str,
            comment: str, allowed: tuple[str, ...], returns_inc: int = 0) -> None:
    now = now_iso()
    with app.store.tx() as c:
        row = c.execute("SELECT state FROM submissions WHERE unit = ? AND month = ?", (unit, month)).fetchone()
        current = row[0] if row else ""
        if current not in allowed:  # changed since the caller looked (another office PC)
            raise DomainError(f"{unit}{month_cn(month)}的状态已变为“{STATE_NAMES.get(current, current)}”，"
                              "请刷新后再操作。")
        c.execute(
            "INSERT INTO submissions(unit, month, state, decided_at, decided_by, comment, returns, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(unit, month) DO UPDATE SET "
            "state = excluded.state, decided_at = excluded.decided_at, decided_by = excluded.decided_by, "
            "comment = excluded.comment, returns = returns + ?, updated_at = excluded.updated_at",
            (unit, month, state, now, actor.username, comment, returns_inc, now, returns_inc))
        c.execute("INSERT INTO review_events(at, actor, unit, month, action, comment) VALUES (?, ?, ?, ?, ?, ?)",
                  (now, actor.username, unit, month, action, comment))
        detail = f"{unit} {month_cn(month)}：{ACTION_NAMES[action]}"
        if comment:
            detail += f"（{comment}）"
        c.execute("INSERT INTO event_log(at, actor, kind, detail) VALUES (?, ?, 'review', ?)",
                  (now, actor.username, detail))


@rule(OFFICE, what="审核报送")
def approve(app: App, actor: Actor, unit: str, month: str, comment: str = "") -> None:
    """Approve a submitted month; it is then locked for the unit."""
    _check_unit(app, unit)
    state = Entries(app).state(actor, unit, month)
    if state != "submitted":
        raise DomainError(f"{unit}{month_cn(month)}的状态是“{STATE_NAMES.get(state, state)}”，"
                          "只有“已报送”的数据可以审核通过。")
    note = clean_text(comment, label="审核意见", max_len=2000)
    with app.store.tx() as c:
        _decide(app, actor, unit, month, "approve", "approved", note, ("submitted",))
        c.execute("DELETE FROM evidence_flags WHERE unit = ? AND month = ?", (unit, month))


@rule(OFFICE, what="退回报送")
def return_submission(app: App, actor: Actor, unit: str, month: str, comment: str,
                      insufficient: Sequence[tuple[str, str]] = ()) -> None:
    """Return a submitted month to the unit with a comment saying what to correct;
    ``insufficient`` lists the items, (entity, key), whose evidence is not enough (佐证不足)."""
    _check_unit(app, unit)
    text = _text(comment, "退回意见")
    e = Entries(app)
    state = e.state(actor, unit, month)
    if state != "submitted":
        raise DomainError(f"{unit}{month_cn(month)}的状态是“{STATE_NAMES.get(state, state)}”，"
                          "只有“已报送”的数据可以退回。")
    items = list(dict.fromkeys((str(ent), str(key)) for ent, key in insufficient))
    for ent, key in items:
        e._check_item(unit, month, ent, key)
    if items:
        text += "（佐证不足：" + "、".join(e._item_label(ent, key) for ent, key in items) + "）"
    with app.store.tx() as c:
        _decide(app, actor, unit, month, "return", "returned", text, ("submitted",), returns_inc=1)
        c.execute("DELETE FROM evidence_flags WHERE unit = ? AND month = ?", (unit, month))
        now = now_iso()
        c.executemany(
            "INSERT INTO evidence_flags(unit, month, entity, entity_key, flagged_at, flagged_by, known) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(unit, month, ent, key, now, actor.username,
              json.dumps([a["uid"] for a in e._attachments(unit, month, ent, key)])) for ent, key in items])


@rule(OFFICE, what="解锁已审核的数据")
def reopen(app: App, actor: Actor, unit: str, month: str, reason: str,
           today: date | None = None) -> None:
    """Lock exception: reopen an approved month (or one closed by the expiry setting)
    for the unit, with a reason the unit sees."""
    _check_unit(app, unit)
    text = _text(reason, "解锁原因")
    state = Entries(app).state(actor, unit, month)
    if state == "submitted":
        raise DomainError(f"{unit}{month_cn(month)}已报送、尚未审核，请使用“退回修改”。")
    if state == "returned":
        raise DomainError(f"{unit}{month_cn(month)}已处于退回（可修改）状态，无需解锁。")
    if state != "approved" and not Entries(app).lock_reason(actor, unit, month, today):
        raise DomainError(f"{unit}{month_cn(month)}目前可以填报修改，无需解锁。")
    _decide(app, actor, unit, month, "reopen", "returned", text, (state,))


@rule(UNIT, unit="unit", read=True, what="查看审核记录")
def history(app: App, actor: Actor, unit: str, month: str) -> list[dict[str, Any]]:
    """Review events of a unit's month, oldest first, with Chinese action names."""
    rows = app.store.query("SELECT * FROM review_events WHERE unit = ? AND month = ? ORDER BY id",
                           (unit, month))
    for r in rows:
        r["action_name"] = ACTION_NAMES.get(r["action"], r["action"])
    return rows


@rule(UNIT, unit="unit", read=True, what="查看审核记录")
def events(app: App, actor: Actor, month: str | None = None, unit: str | None = None,
           limit: int = 2000) -> list[dict[str, Any]]:
    """Review events (newest first), optionally for one month and/or unit."""
    sql, params = "SELECT * FROM review_events WHERE 1 = 1", []
    if month:
        sql += " AND month = ?"
        params.append(month)
    if unit:
        sql += " AND unit = ?"
        params.append(unit)
    rows = app.store.query(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))
    for r in rows:
        r["action_name"] = ACTION_NAMES.get(r["action"], r["action"])
    return rows


@rule(UNIT, unit="unit", read=True, what="查看审核意见")
def clerk_notice(app: App, actor: Actor, unit: str, month: str) -> str:
    """What the unit's clerk should read about the office's last decision ("" if none)."""
    sub = Entries(app).submission(actor, unit, month)
    if sub["state"] != "returned" and sub["state"] != "approved":
        return ""
    last = app.store.one("SELECT * FROM review_events WHERE unit = ? AND month = ? AND action <> 'submit' "
                         "ORDER BY id DESC LIMIT 1", (unit, month))
    if last is None:
        return ""
    when = last["at"][:16].replace("T", " ")
    comment = _sentence(last["comment"])
    if last["action"] == "return":
        return f"领导小组办公室于{when}退回了{month_cn(month)}的报送，意见：{comment}请修改后重新报送。"
    if last["action"] == "reopen":
        return f"领导小组办公室于{when}解锁了{month_cn(month)}的数据，原因：{comment}修改后请重新报送。"
    if last["action"] == "approve":
        return f"领导小组办公室于{when}审核通过了{month_cn(month)}的报送" + (
            f"，意见：{comment}" if comment else "。")
    return ""


def _sentence(comment: object) -> str:
    """A comment as one sentence of a notice: ending with exactly one closing mark
    ("补充数据来源。" and "补充数据来源" both become "补充数据来源。"); "" when empty."""
    text = str(comment or "").strip().rstrip("。.；;，,、 \u3000")
    if not text:
        return ""
    return text if text[-1] in "！？!?…" else text + "。"


def _queue_row(r: UnitMonthReport) -> dict[str, Any]:
    return {
        "unit": r.unit, "month": r.month, "state": r.state, "state_name": r.state_name or "未填报",
        "submitted_at": r.last_submitted_at, "first_submitted_at": r.submitted_at,
        "on_time": r.on_time, "timeliness": r.timeliness_text, "late": r.late,
        "expected": r.expected, "filled": r.filled, "returns": r.returns,
        "decided_at": r.decided_at, "decided_by": r.decided_by, "comment": r.comment,
        "pending": r.state == "submitted", "due": r.due, "missing": list(r.missing),
    }


@rule(OFFICE, what="查看审核队列")
def review_queue(app: App, actor: Actor, month: str, today: date | None = None) -> list[dict[str, Any]]:
    """One row per reporting unit (plan order) with its state for the office's review."""
    return [_queue_row(r) for r in reporting_status(app, actor, month, today)]


@rule(UNIT, unit="unit", read=True, what="查看该单位的报送内容")
def submission_detail(app: App, actor: Actor, unit: str, month: str) -> dict[str, Any]:
    """What a unit entered for a month, for the reviewer to read."""
    _check_unit(app, unit)
    e = Entries(app)
    tasks = []
    for task, role in app.tasks_of(unit):
        rep = e.task_report(actor, task.code, unit, month)
        tasks.append({"code": task.code, "title": task.title, "role": role, **{
            k: rep.get(k, "") for k in ("status", "progress", "measures", "problems", "next_plan",
                                         "person", "deadline", "updated_at", "updated_by")}})
    milestones = []
    for code in app.milestones_of(unit):
        part = app.plan.part(code)
        mv = e.milestone_value(actor, code, unit, month)
        milestones.append({"code": code, "name": part.name, "unit": part.entry_unit,
                           "raw": (mv or {}).get("raw", ""), "note": (mv or {}).get("note", "")})
    indicators = []
    for code in app.parts_of(unit):
        part = app.plan.part(code)
        period = e.period_for(code, month)
        iv = e.indicator_value(actor, code, period)
        indicators.append({"code": code, "name": part.name, "unit": part.entry_unit, "period": period,
                           "raw": (iv or {}).get("raw", ""), "source": (iv or {}).get("source", ""),
                           "note": (iv or {}).get("note", "")})
    attachments: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for a in e._attachments(unit, month):
        attachments.setdefault((a["entity"], a["entity_key"]), []).append(a)
    for ind in indicators:  # an annual value's evidence added in earlier months still stands
        key = f"{ind['code']}@{ind['period']}"
        earlier = e._earlier_attachments(unit, month, "indicator", key)
        if earlier:
            attachments[("indicator", key)] = earlier + attachments.get(("indicator", key), [])
    return {"unit": unit, "month": month, "submission": e.submission(actor, unit, month),
            "tasks": tasks, "milestones": milestones, "indicators": indicators,
            "projects": e.projects(actor, unit, month), "history": history(app, actor, unit, month),
            "problems": e.month_problems(actor, unit, month), "attachments": attachments,
            "evidence_flags": {(f["entity"], f["entity_key"]) for f in e._evidence_flags(unit, month)}}
