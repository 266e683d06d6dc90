"""Saving the monthly entry workspace's edits: autosave, undo, copying last month, history.

Every edit of a form is saved 500 ms after the last keystroke and when a field loses
focus (``flush``); each save is a step on the undo stack, and consecutive saves of
one record within a minute undo as one step (``MergingEdit``). ``EditSaving`` is a
part of ``ui.workspace.Workspace``, which provides the widgets and the month shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, SignalInstance
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton, QWidget
from shiboken6 import isValid

from models.app import Actor, App
from models.entries import Entries
from models.errors import DomainError, InvalidInput, NotFound
from ui.modal import run_modal
from ui.undo import Edit, SavedEdit, apply_values
from ui.workspace_tree import INDICATORS, TASKS, WorkTree

if TYPE_CHECKING:
    from ui.indicator_panel import IndicatorPanel
    from ui.task_panel import TaskPanel


class MergingEdit(SavedEdit):
    """Consecutive autosaves of the same record within a minute undo as one step
    (unless the user left the record in between: ``fresh``). The saving part asks
    ``absorbs`` before making a new command, so that a merged save makes no command at
    all (a command Qt merges away would otherwise stay alive on the Python side)."""

    def __init__(self, edit: Edit, apply: Callable[[Edit, dict[str, str]], Any], fresh: bool = False):
        super().__init__(edit, apply)
        self.at = datetime.now()
        self.fresh = fresh

    def absorbs(self, edit: Edit, fresh: bool, at: datetime) -> bool:
        return not fresh and edit.target == self.edit.target and (at - self.at).total_seconds() <= 60

    def absorb(self, edit: Edit) -> None:
        """Take ``edit``'s new values: undoing goes back to the values before the first save."""
        self.edit = replace(self.edit, new=edit.new)
        self.setText(SavedEdit.describe(self.edit))


if TYPE_CHECKING:  # type-checked as the widget it is part of
    _Part = QWidget
else:
    _Part = object


class EditSaving(_Part):
    """The saving, undo and history part of the workspace (a mixin of ``Workspace``)."""

    app: App
    actor: Actor
    entries: Entries
    unit: str
    month: str
    lock_reason: str
    autosave: QTimer
    undo_btn: QPushButton
    problems: QListWidget
    undo_stack: QUndoStack
    tree: WorkTree
    status: QLabel
    saved: SignalInstance
    _fresh: bool

    if TYPE_CHECKING:  # provided by Workspace
        def panel(self) -> TaskPanel | IndicatorPanel | None: ...
        def current(self) -> tuple[str, str] | None: ...
        def select(self, kind: str, code: str = "") -> bool: ...
        def _fill_units(self) -> None: ...
        def _fill_months(self) -> None: ...
        def _reload_month(self, keep: tuple[str, str] | None = None) -> None: ...
        def _show_problems(self, problems: list[tuple[str, str]]) -> None: ...

    def _on_edited(self) -> None:
        self.autosave.start()

    def flush(self) -> bool:
        """Save every pending change of the shown form now. False if something was refused."""
        self.autosave.stop()
        p = self.panel()
        if p is None:
            return True
        ok = True
        for e in p.pending():
            try:
                res = apply_values(self.entries, self.actor, e, e.new)
            except InvalidInput as exc:
                self._say(str(exc), error=True)
                ok = False
                continue
            except DomainError as exc:
                self._say(f"未保存：{exc}", error=True)
                self._reload_month()
                return False
            p.mark_saved(e)
            self._push_edit(e)
            self._update_badge(e)
            n = len(res.errors)
            self._say(f"已自动保存 {datetime.now():%H:%M:%S}" + (f"（{n}处待改正，可先存为草稿）" if n else ""))
        if self.problems.isVisible():
            self.refresh_problems()
        return ok

    def _push_edit(self, e: Edit) -> None:
        """One undo step per record and minute: the newest step takes this save when it is
        a save of the same record; otherwise a new step."""
        stack = self.undo_stack
        top = stack.command(stack.index() - 1) if stack.index() == stack.count() and stack.canUndo() else None
        if isinstance(top, MergingEdit) and top.absorbs(e, self._fresh, datetime.now()):
            top.absorb(e)
            self.update_undo()
        else:
            stack.push(MergingEdit(e, self._apply_edit, fresh=self._fresh))
        self._fresh = False

    def update_undo(self) -> None:
        """撤销 is enabled only when the newest step can be taken back (its month is open)."""
        stack = self.undo_stack
        if not (isValid(stack) and isValid(self.undo_btn)):
            return  # the page is being closed (the stack empties itself as it goes)
        top = stack.command(stack.index() - 1) if stack.canUndo() else None
        why = ""
        if isinstance(top, SavedEdit):
            why = self.entries.lock_reason(self.actor, top.edit.unit, top.edit.month)
        ok = isinstance(top, SavedEdit) and not why
        self.undo_btn.setEnabled(ok)
        self.undo_btn.setToolTip(f"撤销：{top.text()}（Ctrl+Alt+Z）" if ok and top is not None else
                                 (f"不能撤销：{why}" if why else "没有可以撤销的修改"))

    def refresh_problems(self) -> None:
        """The list of what blocks submitting, checked again after a save: fixed problems go."""
        problems = self.entries.month_problems(self.actor, self.unit, self.month) if self.unit else []
        if problems:
            self._show_problems(problems)
        else:
            self.problems.clear()
            self.problems.setVisible(False)
            self._say("问题都已改正，可以报送了。")

    def save_now(self) -> None:
        if self.flush():
            self._say(f"已保存 {datetime.now():%H:%M:%S}")

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b91c1c;" if error else "color: #555;")
        self.saved.emit(text)

    def _update_badge(self, e: Edit) -> None:
        if e.kind == "task":
            it = self.tree.item_for(TASKS, e.code)
            if it is not None:
                it.setText(1, e.new.get("status") or "草稿")
        elif e.kind == "indicator":
            it = self.tree.item_for(INDICATORS, e.code)
            if it is not None:
                it.setText(1, e.new.get("value") or "未填")
                self.tree.color_badge(it, e.code, e.new.get("value") or "")

    def _apply_edit(self, e: Edit, values: dict[str, str]) -> None:
        """Undo/redo: store ``values`` for the edit's record and show them."""
        try:
            apply_values(self.entries, self.actor, e, values)
        except DomainError as exc:
            self._say(f"无法撤销：{exc}", error=True)
            return
        if (e.unit, e.month) != (self.unit, self.month):
            self.unit, self.month = e.unit, e.month
            self._fill_units()
            self._fill_months()
            self._reload_month()
        kind = INDICATORS if e.kind == "indicator" else TASKS
        code = e.code.split("-M")[0] if e.kind == "milestone" else e.code
        if self.current() != (kind, code):
            self.select(kind, code)
        p = self.panel()
        if p is not None and p.shows(e):
            p.show_values(e, values)
        self._update_badge(replace(e, new=values))
        self._say(f"已撤销：{e.label} {datetime.now():%H:%M:%S}")

    def undo(self) -> None:
        self.flush()
        if self.undo_btn.isEnabled():
            self.undo_stack.undo()

    def _project_changed(self, text: str) -> None:
        cur = self.current()
        self._say(f"{text} {datetime.now():%H:%M:%S}")
        if cur:
            it = self.tree.item_for(*cur)
            if it is not None:
                n = len(self.entries.projects(self.actor, self.unit, self.month, cur[1]))
                it.setText(1, f"{n}个")

    def history_rows(self) -> list[dict]:
        """The audit trail of the shown record for this unit and month."""
        cur = self.current()
        if not cur:
            return []
        kind, code = cur
        if kind == TASKS:
            rows = self.entries.history(self.actor, "task_report", code, unit=self.unit, month=self.month)
            for m in self.app.plan.milestones_of(code):
                rows += self.entries.history(self.actor, "milestone", m.code, unit=self.unit, month=self.month)
        elif kind == INDICATORS:
            rows = self.entries.history(self.actor, "indicator", f"{code}@{self.entries.period_for(code, self.month)}",
                                        unit=self.unit)
        else:
            uids = [p["uid"] for p in self.entries.projects(self.actor, self.unit, self.month, code,
                                                            include_closed=True)]
            rows = [r for u in uids for r in self.entries.history(self.actor, "project", u, unit=self.unit)]
        return sorted(rows, key=lambda r: r["id"], reverse=True)

    def show_history(self) -> None:
        from ui.history_dialog import HistoryDialog
        self.flush()
        it = self.tree.currentItem()
        run_modal(HistoryDialog(f"修改记录 · {it.text(0) if it else ''}", self.history_rows(), self))


    def copy_last_month(self) -> None:
        cur = self.current()
        if not cur or cur[0] != TASKS or self.lock_reason:
            return
        self.flush()
        try:
            res = self.entries.copy_last_month(self.actor, cur[1], self.unit, self.month)
        except (NotFound, DomainError) as exc:
            self._say(str(exc), error=True)
            return
        self.select(*cur)
        self._say(f"已复制上月内容（{len(res.changed)}项）：请按本月实际修改")

