"""月度填报: a unit's monthly entry workspace.

Left, the unit's work for the month grouped as 重点任务 (牵头/配合), 指标 and 项目;
right, the form of the selected item. Every edit is saved 500 ms after the last
keystroke and when a field loses focus; the status line says when. A submitted or
approved month is read-only with the reason in a banner. Keyboard: Ctrl+S saves,
Ctrl+Enter submits, Ctrl+PgDown/PgUp (or Alt+↓/↑) moves between items, Alt+←/→
between months, F6 between the list and the form.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QHideEvent, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (QComboBox, QFrame, QHBoxLayout, QHeaderView, QLabel, QListWidget,
                               QListWidgetItem, QMessageBox, QPushButton, QScrollArea, QSplitter,
                               QStackedWidget, QToolButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from models.app import Actor, App, current_month, month_add, months_between
from models.entries import STATE_NAMES, Entries, month_cn
from models.errors import DomainError, InvalidInput, NotFound
from ui.indicator_panel import IndicatorPanel
from ui.project_dialog import ProjectPanel
from ui.task_panel import ROLE_CN, TaskPanel
from ui.undo import Edit, SavedEdit, apply_values, make_judge, verdict_display

KIND_ROLE = Qt.ItemDataRole.UserRole
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
TASKS, INDICATORS, PROJECTS = "task", "indicator", "projects"
BANNER_STYLE = ("background: #fef3c7; color: #92400e; border: 1px solid #f59e0b; "
                "border-radius: 3px; padding: 6px;")
AUTOSAVE_MS = 500


class MergingEdit(SavedEdit):
    """Consecutive autosaves of the same record within a minute undo as one step
    (unless the user left the record in between: ``fresh``)."""

    def __init__(self, edit: Edit, apply, fresh: bool = False):  # type: ignore[no-untyped-def]
        super().__init__(edit, apply)
        self.at = datetime.now()
        self.fresh = fresh

    def id(self) -> int:  # noqa: A003 (Qt API)
        return 1

    def mergeWith(self, other: object) -> bool:  # noqa: N802 (Qt API)
        if not isinstance(other, MergingEdit) or other.fresh or other.edit.target != self.edit.target:
            return False
        if (other.at - self.at).total_seconds() > 60:
            return False
        self.edit = replace(self.edit, new=other.edit.new)
        self.setText(other.text())
        return True


class Workspace(QWidget):
    title = "月度填报"
    needs_actor = True
    saved = Signal(str)  # status text after each save

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.entries = Entries(app)
        self.judge = make_judge(app)
        self.unit = actor.unit or ""
        self.month = current_month()
        self.lock_reason = ""
        self._loading = False
        self._fresh = True
        self.undo_stack = QUndoStack(self)
        self.autosave = QTimer(self)
        self.autosave.setSingleShot(True)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.flush)
        self._build()
        units = self.units()
        if not self.unit or self.unit not in units:
            self.unit = units[0] if units else ""
        self._fill_units()
        self._fill_months()
        self._reload_month()

    # -- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        self.unit_combo = QComboBox()
        self.unit_combo.setMinimumContentsLength(10)
        self.unit_combo.setVisible(self.actor.is_office)
        self.unit_combo.setToolTip("办公室可以查看和代填任一单位")
        self.unit_label = QLabel()
        self.unit_label.setVisible(not self.actor.is_office)
        self.prev_btn = QToolButton(text="◀")
        self.prev_btn.setToolTip("上个月（Alt+←）")
        self.next_btn = QToolButton(text="▶")
        self.next_btn.setToolTip("下个月（Alt+→）")
        self.month_combo = QComboBox()
        self.month_combo.setMinimumContentsLength(12)
        self.state_label = QLabel()
        self.copy_btn = QPushButton("复制上月内容")
        self.copy_btn.setToolTip("把上个月本任务的措施、问题、计划、责任人等文字复制到本月的空白栏目")
        self.undo_btn = QPushButton("撤销")
        self.undo_btn.setToolTip("撤销上一次保存的修改（Ctrl+Alt+Z）；输入框内用 Ctrl+Z 撤销输入")
        self.hist_btn = QPushButton("修改记录")
        self.hist_btn.setToolTip("查看当前事项本月的修改记录（谁、何时、原值→新值）")
        self.save_btn = QPushButton("保存")
        self.save_btn.setToolTip("立即保存（Ctrl+S）；修改会自动保存")
        self.submit_btn = QPushButton("报送本月")
        self.submit_btn.setToolTip("检查并报送本月全部数据（Ctrl+Enter）；报送后不能修改")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel("填报单位："))
        top.addWidget(self.unit_combo)
        top.addWidget(self.unit_label)
        top.addSpacing(12)
        top.addWidget(QLabel("月份："))
        top.addWidget(self.prev_btn)
        top.addWidget(self.month_combo)
        top.addWidget(self.next_btn)
        top.addWidget(self.state_label)
        top.addStretch(1)
        for b in (self.copy_btn, self.undo_btn, self.hist_btn, self.save_btn, self.submit_btn):
            top.addWidget(b)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setVisible(False)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["事项", "本月"])
        head = self.tree.header()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setUniformRowHeights(True)
        self.tree.setMinimumWidth(260)
        self.task_panel = TaskPanel(self.app, self.entries, self.judge)
        self.ind_panel = IndicatorPanel(self.app, self.entries, self.judge)
        self.proj_panel = ProjectPanel(self.app, self.entries, self.actor)
        self.empty = QLabel("请在左侧选择任务、指标或项目。")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.task_scroll = self._scroll(self.task_panel)
        self.ind_scroll = self._scroll(self.ind_panel)
        self.stack.addWidget(self.task_scroll)
        self.stack.addWidget(self.ind_scroll)
        self.stack.addWidget(self.proj_panel)
        split = QSplitter()
        split.addWidget(self.tree)
        split.addWidget(self.stack)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 900])
        split.setChildrenCollapsible(False)
        self.problems = QListWidget()
        self.problems.setMaximumHeight(110)
        self.problems.setVisible(False)
        self.status = QLabel()
        self.status.setStyleSheet("color: #555;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.banner)
        lay.addWidget(split, 1)
        lay.addWidget(self.problems)
        lay.addWidget(self.status)
        # signals
        self.unit_combo.currentIndexChanged.connect(self._on_unit)
        self.month_combo.currentIndexChanged.connect(self._on_month)
        self.prev_btn.clicked.connect(lambda: self.step_month(-1))
        self.next_btn.clicked.connect(lambda: self.step_month(1))
        self.tree.currentItemChanged.connect(self._on_item)
        self.tree.itemActivated.connect(lambda *_: self.focus_form())
        self.problems.itemActivated.connect(self._goto_problem)
        self.problems.itemClicked.connect(self._goto_problem)
        self.copy_btn.clicked.connect(self.copy_last_month)
        self.undo_btn.clicked.connect(self.undo)
        self.hist_btn.clicked.connect(self.show_history)
        self.save_btn.clicked.connect(self.save_now)
        self.submit_btn.clicked.connect(self.submit)
        self.undo_stack.canUndoChanged.connect(self.undo_btn.setEnabled)
        self.undo_btn.setEnabled(False)
        for p in (self.task_panel, self.ind_panel):
            p.edited.connect(self._on_edited)
            p.committed.connect(self.flush)
        self.proj_panel.changed.connect(self._project_changed)
        keys = [("Ctrl+S", self.save_now), ("Ctrl+Return", self.submit), ("Ctrl+Enter", self.submit),
                ("Ctrl+PgDown", lambda: self.step_item(1)), ("Ctrl+PgUp", lambda: self.step_item(-1)),
                ("Alt+Down", lambda: self.step_item(1)), ("Alt+Up", lambda: self.step_item(-1)),
                ("Alt+Left", lambda: self.step_month(-1)), ("Alt+Right", lambda: self.step_month(1)),
                ("Ctrl+Alt+Z", self.undo), ("F6", self.toggle_focus)]
        self.shortcuts = []
        for seq, fn in keys:
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(fn)
            self.shortcuts.append(sc)

    @staticmethod
    def _scroll(w: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(w)
        return area

    # -- units and months --------------------------------------------------------------------
    def units(self) -> list[str]:
        if self.actor.is_office:
            return self.app.reporting_units()
        return [self.actor.unit] if self.actor.unit else []

    def months(self) -> list[str]:
        last = current_month()
        states = self.entries.month_states(self.unit) if self.unit else {}
        if states:
            last = max(last, max(states))
        return months_between(self.app.plan.first_month, last)

    def _fill_units(self) -> None:
        self.unit_combo.blockSignals(True)
        self.unit_combo.clear()
        for u in self.units():
            self.unit_combo.addItem(u, u)
        self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(self.unit)))
        self.unit_combo.blockSignals(False)
        self.unit_label.setText(f"<b>{self.unit}</b>")

    def _fill_months(self) -> None:
        months = self.months()
        if self.month not in months:
            self.month = months[-1] if self.month > months[-1] else months[0]
        states = self.entries.month_states(self.unit) if self.unit else {}
        self.month_combo.blockSignals(True)
        self.month_combo.clear()
        for m in months:
            st = STATE_NAMES.get(states.get(m, ""), "")
            tag = f"（{st}）" if states.get(m) and st != "草稿" else ""
            self.month_combo.addItem(f"{month_cn(m)}{tag}", m)
        self.month_combo.setCurrentIndex(self.month_combo.findData(self.month))
        self.month_combo.blockSignals(False)

    def _on_unit(self, i: int) -> None:
        u = self.unit_combo.itemData(i)
        if u and u != self.unit:
            self.set_unit(u)

    def _on_month(self, i: int) -> None:
        m = self.month_combo.itemData(i)
        if m and m != self.month:
            self.set_month(m)

    def set_unit(self, unit: str) -> None:
        self.flush()
        self.unit = unit
        self._fill_units()
        self._fill_months()
        self._reload_month()

    def set_month(self, month: str) -> None:
        self.flush()
        self.month = month
        self._fill_months()
        self._reload_month()

    def step_month(self, n: int) -> None:
        months = self.months()
        target = month_add(self.month, n)
        if target in months:
            self.set_month(target)

    # -- the month ---------------------------------------------------------------------------
    def _reload_month(self, keep: tuple[str, str] | None = None) -> None:
        """Rebuild the list for the unit and month and show the selected item again."""
        cur = keep or self.current()
        self.judge.invalidate()  # baselines or settings may have changed
        self.lock_reason = self.entries.lock_reason(self.actor, self.unit, self.month) if self.unit else ""
        st = self.entries.state(self.unit, self.month) if self.unit else ""
        self.state_label.setText(f"状态：{STATE_NAMES.get(st, st)}")
        banner = self.lock_reason
        if not banner and st == "returned":
            from models.review import clerk_notice  # only needed for a returned month
            banner = clerk_notice(self.app, self.unit, self.month) or "本月报送已被领导小组办公室退回，请修改后重新报送。"
        self.banner.setText(banner)
        self.banner.setVisible(bool(banner))
        ro = bool(self.lock_reason)
        for b in (self.copy_btn, self.save_btn, self.submit_btn):
            b.setEnabled(not ro)
        self.problems.clear()
        self.problems.setVisible(False)
        self._populate_tree()
        self.select(*(cur or (TASKS, "")))

    def _populate_tree(self) -> None:
        self._loading = True
        self.tree.clear()
        ov = self.entries.month_overview(self.unit, self.month) if self.unit else {
            "tasks": {}, "milestones": {}, "indicators": {}, "projects": {}}
        tasks = self.app.tasks_of(self.unit) if self.unit else []
        g_tasks = QTreeWidgetItem(self.tree, [f"重点任务（{len(tasks)}）", ""])
        for t, role in tasks:
            it = QTreeWidgetItem(g_tasks, [f"{t.code} {t.title}", ov["tasks"].get(t.code, "未填")])
            it.setData(0, KIND_ROLE, TASKS)
            it.setData(0, CODE_ROLE, t.code)
            it.setToolTip(0, f"【{ROLE_CN[role]}】{t.title}")
            it.setText(0, f"[{ROLE_CN[role]}] {t.code} {t.title}")
        parts = self.app.parts_of(self.unit) if self.unit else []
        g_ind = QTreeWidgetItem(self.tree, [f"指标（{len(parts)}）", ""])
        for code in parts:
            part = self.app.plan.part(code)
            raw = ov["indicators"].get(code, "")
            it = QTreeWidgetItem(g_ind, [f"{code} {part.name}", raw or "未填"])
            it.setData(0, KIND_ROLE, INDICATORS)
            it.setData(0, CODE_ROLE, code)
            it.setToolTip(0, part.name)
            self._color_badge(it, code, raw)
        g_proj = QTreeWidgetItem(self.tree, ["项目明细", ""])
        for t, role in tasks:
            n = ov["projects"].get(t.code, 0)
            if role != "lead" and not n:
                continue
            it = QTreeWidgetItem(g_proj, [f"{t.code} {t.title}", f"{n}个"])
            it.setData(0, KIND_ROLE, PROJECTS)
            it.setData(0, CODE_ROLE, t.code)
        for g in (g_tasks, g_ind, g_proj):
            g.setFlags(g.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            g.setExpanded(True)
            f = g.font(0)
            f.setBold(True)
            g.setFont(0, f)
        self._loading = False

    def _color_badge(self, it: QTreeWidgetItem, code: str, raw: str) -> None:
        """Colour an indicator's value in the list by the engine's verdict."""
        text, color = verdict_display(self.judge, code, self.entries.period_for(code, self.month), raw)
        it.setForeground(1, QBrush(QColor(color)) if raw and color else QBrush())
        it.setToolTip(1, text)

    def items(self) -> list[QTreeWidgetItem]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            g = self.tree.topLevelItem(i)
            out.extend(g.child(j) for j in range(g.childCount()))
        return out

    def item_for(self, kind: str, code: str) -> QTreeWidgetItem | None:
        for it in self.items():
            if it.data(0, KIND_ROLE) == kind and (not code or it.data(0, CODE_ROLE) == code):
                return it
        return None

    def current(self) -> tuple[str, str] | None:
        it = self.tree.currentItem()
        if it is None or not it.data(0, KIND_ROLE):
            return None
        return it.data(0, KIND_ROLE), it.data(0, CODE_ROLE)

    def select(self, kind: str, code: str = "") -> bool:
        it = self.item_for(kind, code) or self.item_for(kind, "") or (self.items() or [None])[0]
        if it is None:
            self.stack.setCurrentWidget(self.empty)
            return False
        if self.tree.currentItem() is it:
            self._show(it)
        else:
            self.tree.setCurrentItem(it)
        return True

    def _on_item(self, cur: QTreeWidgetItem | None, _prev: QTreeWidgetItem | None) -> None:
        if self._loading:
            return
        self.flush()
        if cur is not None and cur.data(0, KIND_ROLE):
            self._show(cur)

    def _show(self, it: QTreeWidgetItem) -> None:
        kind, code = it.data(0, KIND_ROLE), it.data(0, CODE_ROLE)
        ro = bool(self.lock_reason)
        self._fresh = True
        if kind == TASKS:
            task = self.app.plan.task(code)
            self.task_panel.load(task, self.unit, self.month, self.app.task_role(task, self.unit) or "", ro)
            self.stack.setCurrentWidget(self.task_scroll)
            self.copy_btn.setEnabled(not ro)
        elif kind == INDICATORS:
            self.ind_panel.load(self.app.plan.part(code), self.unit, self.month, ro)
            self.stack.setCurrentWidget(self.ind_scroll)
            self.copy_btn.setEnabled(False)
        else:
            self.proj_panel.load(code, self.unit, self.month, ro)
            self.stack.setCurrentWidget(self.proj_panel)
            self.copy_btn.setEnabled(False)

    def panel(self) -> TaskPanel | IndicatorPanel | None:
        w = self.stack.currentWidget()
        if w is self.task_scroll:
            return self.task_panel
        if w is self.ind_scroll:
            return self.ind_panel
        return None

    # -- keyboard ----------------------------------------------------------------------------
    def step_item(self, n: int) -> None:
        items = self.items()
        cur = self.tree.currentItem()
        i = items.index(cur) if cur in items else -1
        j = min(max(i + n, 0), len(items) - 1)
        if items and j != i:
            self.tree.setCurrentItem(items[j])
        self.focus_form()

    def focus_form(self) -> None:
        p = self.panel()
        chain = p.focus_chain() if p is not None else self.proj_panel.focus_chain()
        if chain:
            chain[0].setFocus(Qt.FocusReason.TabFocusReason)

    def toggle_focus(self) -> None:
        if self.tree.hasFocus():
            self.focus_form()
        else:
            self.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- saving --------------------------------------------------------------------------------
    def hideEvent(self, ev: QHideEvent) -> None:  # noqa: N802 (Qt API)
        """Leaving the page or closing the window saves what is pending."""
        if self.autosave.isActive():
            self.flush()
        super().hideEvent(ev)

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
            self.undo_stack.push(MergingEdit(e, self._apply_edit, fresh=self._fresh))
            self._fresh = False
            self._update_badge(e)
            n = len(res.errors)
            self._say(f"已自动保存 {datetime.now():%H:%M:%S}" + (f"（{n}处待改正，可先存为草稿）" if n else ""))
        return ok

    def save_now(self) -> None:
        if self.flush():
            self._say(f"已保存 {datetime.now():%H:%M:%S}")

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b91c1c;" if error else "color: #555;")
        self.saved.emit(text)

    def _update_badge(self, e: Edit) -> None:
        if e.kind == "task":
            it = self.item_for(TASKS, e.code)
            if it is not None:
                it.setText(1, e.new.get("status") or "草稿")
        elif e.kind == "indicator":
            it = self.item_for(INDICATORS, e.code)
            if it is not None:
                it.setText(1, e.new.get("value") or "未填")
                self._color_badge(it, e.code, e.new.get("value") or "")

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
        if self.undo_stack.canUndo():
            self.undo_stack.undo()

    def _project_changed(self, text: str) -> None:
        cur = self.current()
        self._say(f"{text} {datetime.now():%H:%M:%S}")
        if cur:
            it = self.item_for(*cur)
            if it is not None:
                n = len(self.entries.projects(self.unit, self.month, cur[1]))
                it.setText(1, f"{n}个")

    def history_rows(self) -> list[dict]:
        """The audit trail of the shown record for this unit and month."""
        cur = self.current()
        if not cur:
            return []
        kind, code = cur
        if kind == TASKS:
            rows = self.entries.history("task_report", code, unit=self.unit, month=self.month)
            for m in self.app.plan.milestones_of(code):
                rows += self.entries.history("milestone", m.code, unit=self.unit, month=self.month)
        elif kind == INDICATORS:
            rows = self.entries.history("indicator", f"{code}@{self.entries.period_for(code, self.month)}")
        else:
            uids = [p["uid"] for p in self.entries.projects(self.unit, self.month, code, include_closed=True)]
            rows = [r for u in uids for r in self.entries.history("project", u)]
        return sorted(rows, key=lambda r: r["id"], reverse=True)

    def show_history(self) -> None:
        from ui.history_dialog import HistoryDialog
        self.flush()
        it = self.tree.currentItem()
        HistoryDialog(f"修改记录 · {it.text(0) if it else ''}", self.history_rows(), self).exec()

    # -- copy, submit -------------------------------------------------------------------------
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

    def submit(self) -> None:
        if self.lock_reason or not self.unit:
            return
        if not self.flush():
            return
        if not self._confirm_jumps():
            return
        problems = self.entries.month_problems(self.unit, self.month)
        if problems:
            self._show_problems(problems)
            return
        ans = QMessageBox.question(
            self, "报送本月", f"确定报送{self.unit}{month_cn(self.month)}的数据吗？报送后不能再修改，"
            "如需修改须由领导小组办公室退回。")
        if ans != QMessageBox.StandardButton.Yes:
            return
        try:
            self.entries.submit(self.actor, self.unit, self.month)
        except InvalidInput as exc:
            self._show_problems(exc.problems)
            return
        except DomainError as exc:
            self._say(str(exc), error=True)
            return
        self._fill_months()
        self._reload_month()
        self._say(f"已报送{month_cn(self.month)}的数据 {datetime.now():%H:%M:%S}")

    def _confirm_jumps(self) -> bool:
        """Ask once about every value more than 10 times off the previous period."""
        jumps = self.entries.unconfirmed_jumps(self.unit, self.month)
        if not jumps:
            return True
        text = "\n".join(f"· {where}：{msg}" for where, msg, _ in jumps)
        ans = QMessageBox.question(self, "确认数值", f"以下数值与上期相差超过10倍：\n{text}\n\n确认都填写正确吗？"
                                   "选“否”可返回修改。")
        if ans != QMessageBox.StandardButton.Yes:
            self._show_problems(self.entries.month_problems(self.unit, self.month))
            return False
        try:
            for _where, _msg, (kind, code) in jumps:
                self.entries.confirm_jump(self.actor, kind, code, self.unit, self.month)
        except DomainError as exc:
            self._say(str(exc), error=True)
            return False
        return True

    def _show_problems(self, problems: list[tuple[str, str]]) -> None:
        self.problems.clear()
        for where, msg in problems:
            self.problems.addItem(QListWidgetItem(f"{where}：{msg}"))
        self.problems.setVisible(True)
        self._say(f"还有{len(problems)}处问题，改正后才能报送（草稿已保存）。双击下方问题可跳转。", error=True)
        p = self.panel()
        if p is not None:
            p.set_errors(self._errors_of_current(problems))

    def _errors_of_current(self, problems: list[tuple[str, str]]) -> dict[str, str]:
        cur = self.current()
        if not cur:
            return {}
        from forms import task_form
        labels = {f.label: f.key for f in task_form.FIELDS}
        out: dict[str, str] = {}
        for where, msg in problems:
            if cur[0] == TASKS and where.startswith(f"任务{cur[1]}“") and " · " in where:
                key = labels.get(where.split(" · ")[-1])
                if key:
                    out[key] = msg
            elif cur[0] == INDICATORS and where == f"指标{cur[1]}":
                out["value"] = msg
        return out

    def _goto_problem(self, item: QListWidgetItem) -> None:
        m = re.match(r"(任务|里程碑|指标)([0-9A-Za-z.]+)", item.text())
        if not m:
            return
        kind, code = m.group(1), m.group(2)
        if kind == "里程碑":
            code = code.split("-M")[0]
        self.select(INDICATORS if kind == "指标" else TASKS, code)
        self.focus_form()
