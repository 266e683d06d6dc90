"""Saved edits of the workspace and their undo.

Every autosave produces an ``Edit``: which record (task report, milestone figure,
indicator value), whose month, and the record's values before and after. The
edit is pushed on a QUndoStack; undoing it saves the old values again through
the same service (so the audit trail shows the undo as a change too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtGui import QUndoCommand

from models.app import Actor, App
from models.checking import Judge
from models.entries import Entries
from models.entries_base import SaveResult
from models.target_rules import STATUS_COLORS, STATUS_NAMES
from forms.values import ValueProblem, confirmation_needed, fmt_number, parse_number

TASK, MILESTONE, INDICATOR = "task", "milestone", "indicator"


@dataclass(frozen=True)
class Edit:
    kind: str  # task | milestone | indicator
    code: str  # task code, milestone code or indicator part code
    unit: str
    month: str
    old: dict[str, str]
    new: dict[str, str]
    period: str = ""  # indicator period ('YYYY' or 'YYYY-MM')
    label: str = field(default="", compare=False)

    @property
    def target(self) -> tuple[str, str, str, str, str]:
        return (self.kind, self.code, self.unit, self.month, self.period)

    def changed_keys(self) -> list[str]:
        return [k for k in self.new if (self.old.get(k) or "") != (self.new.get(k) or "")]


def apply_values(entries: Entries, actor: Actor, e: Edit, values: dict[str, str]) -> SaveResult:
    """Store ``values`` for the record of ``e`` through the entries service."""
    if e.kind == TASK:
        return entries.save_task_report(actor, e.code, e.unit, e.month, values)
    if e.kind == MILESTONE:
        return entries.save_milestone_value(actor, e.code, e.unit, e.month, values.get("value", ""),
                                            note=values.get("note"))
    if e.kind == INDICATOR:
        return entries.save_indicator_value(actor, e.code, e.unit, e.month, values.get("value", ""),
                                            source=values.get("source"), note=values.get("note"),
                                            period=e.period or None)
    raise ValueError(e.kind)


class SavedEdit(QUndoCommand):
    """An edit already saved; undo/redo store the old/new values again."""

    def __init__(self, edit: Edit, apply: Callable[[Edit, dict[str, str]], Any]):
        super().__init__(self.describe(edit))
        self.edit = edit
        self.apply = apply
        self._first = True

    @staticmethod
    def describe(edit: Edit) -> str:
        keys = "、".join(edit.changed_keys()) or "内容"
        return f"{edit.label or edit.code}：修改{keys}"

    def redo(self) -> None:
        if self._first:  # pushed after the save itself
            self._first = False
            return
        self.apply(self.edit, self.edit.new)

    def undo(self) -> None:
        self.apply(self.edit, self.edit.old)


def verdict_display(judge: Judge, code: str, period: str, raw: str, unit: str = "") -> tuple[str, str]:
    """(text, colour) of the target engine's verdict for a typed value."""
    try:
        v = judge.verdict(code, period, raw)
    except Exception as exc:  # noqa: BLE001 - the engine must never break data entry
        return f"无法判断：{exc}", STATUS_COLORS["grey"]
    name = STATUS_NAMES.get(v.status, "")
    text = f"{name}：{v.message}" if name and v.message else (v.message or name)
    if v.expected is not None:
        shown = fmt_number(float(v.expected))
        if shown not in text:
            text += f"（本期应达到{shown}{unit}）"
    return text, STATUS_COLORS.get(v.status, STATUS_COLORS["grey"])


def jump_note(part: Any, raw: str, previous: float | None) -> str:
    """The warning shown while typing a value more than 10 times off the previous period."""
    if previous is None or part.qualitative:
        return ""
    try:
        value = parse_number(raw, unit=part.entry_unit).value
    except ValueProblem:
        return ""
    msg = confirmation_needed(value, previous, label="", unit=part.entry_unit)
    return f"⚠ {msg}（报送时需确认）" if msg else ""


def make_judge(app: App) -> Judge:
    """The target engine for ``app``."""
    return Judge(app)
