"""月度填报: a unit's monthly entry workspace.

Left, the unit's work for the month grouped as 重点任务 (牵头/配合), 指标 and 项目;
right, the form of the selected item. Every edit is saved 500 ms after the last
keystroke and when a field loses focus; the status line says when. A submitted or
approved month is read-only with the reason in a banner. Keyboard: Ctrl+S saves,
Ctrl+Enter submits, Ctrl+PgDown/PgUp (or Alt+↓/↑) moves between items, Alt+←/→
between months, F6 between the list and the form, Ctrl+F to the search box above the list.

The page is put together from parts: the top row of unit, month and buttons
(``ui.workspace_bar``), the list of the month's items (``ui.workspace_tree``),
saving, undo and history (``ui.workspace_saving``) and submitting the month
(``ui.workspace_submit``). Here: the layout, choosing the unit and month, the
read-only state and banner, showing the selected item's form and the keyboard.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (QFrame, QLabel, QLineEdit, QListWidget, QScrollArea, QSplitter,
                               QStackedWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from models.app import Actor, App, current_month, month_add, months_between
from models.entries import Entries
from models.entries_base import STATE_NAMES
from ui.indicator_panel import IndicatorPanel
from ui.project_dialog import ProjectPanel
from ui.task_panel import TaskPanel
from ui.undo import make_judge
from ui.workspace_bar import MonthBar
from ui.workspace_saving import EditSaving
from ui.workspace_submit import MonthSubmission
from ui.workspace_tree import CODE_ROLE, INDICATORS, KIND_ROLE, TASKS, WorkTree

BANNER_STYLE = ("background: #fef3c7; color: #92400e; border: 1px solid #f59e0b; "
                "border-radius: 3px; padding: 6px;")
AUTOSAVE_MS = 500
UNDO_LIMIT = 200  # saved edits that 撤销 can take back, newest first


class Workspace(MonthSubmission, EditSaving, QWidget):
    title = "月度填报"
    needs_actor = True
    saved = Signal(str)  # status text after each save

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.entries = Entries(app)
        self.judge = make_judge(app)
        self.unit = actor.home_unit or ""
        self.month = current_month()
        self.lock_reason = ""
        self._loading = False
        self._fresh = True
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)  # a whole day open stays small
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
        top = self.bar = MonthBar(self.actor.is_office)
        (self.unit_combo, self.unit_label, self.prev_btn, self.next_btn, self.month_combo, self.state_label,
         self.copy_btn, self.undo_btn, self.hist_btn, self.save_btn, self.submit_btn) = (
            top.unit_combo, top.unit_label, top.prev_btn, top.next_btn, top.month_combo, top.state_label,
            top.copy_btn, top.undo_btn, top.hist_btn, top.save_btn, top.submit_btn)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setVisible(False)
        self.tree = WorkTree(self.app, self.entries, self.actor, self.judge)
        self.search = QLineEdit(placeholderText="查找事项：编号、名称或单位")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("只列出名称、编号中含有所输入文字的任务、指标和项目（Ctrl+F）")
        self.task_panel = TaskPanel(self.app, self.entries, self.actor, self.judge)
        self.ind_panel = IndicatorPanel(self.app, self.entries, self.actor, self.judge)
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
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.setSpacing(4)
        lv.addWidget(self.search)
        lv.addWidget(self.tree, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.stack)
        # the list grows with the window too (a wide screen shows whole task names)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setSizes([320, 900])
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
        self.undo_stack.indexChanged.connect(lambda _i: self.update_undo())
        self.undo_btn.setEnabled(False)
        self.search.textChanged.connect(self.tree.filter)
        for p in (self.task_panel, self.ind_panel):
            p.edited.connect(self._on_edited)
            p.committed.connect(self.flush)
            p.evidence.set_actor(self.actor)
            p.evidence.changed.connect(self._evidence_changed)
        self.proj_panel.changed.connect(self._project_changed)
        keys = [("Ctrl+S", self.save_now), ("Ctrl+Return", self.submit), ("Ctrl+Enter", self.submit),
                ("Ctrl+PgDown", lambda: self.step_item(1)), ("Ctrl+PgUp", lambda: self.step_item(-1)),
                ("Alt+Down", lambda: self.step_item(1)), ("Alt+Up", lambda: self.step_item(-1)),
                ("Alt+Left", lambda: self.step_month(-1)), ("Alt+Right", lambda: self.step_month(1)),
                ("Ctrl+Alt+Z", self.undo), ("F6", self.toggle_focus),
                ("Ctrl+F", lambda: self.search.setFocus(Qt.FocusReason.ShortcutFocusReason))]
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
        return [self.actor.home_unit] if self.actor.home_unit else []

    def months(self) -> list[str]:
        last = current_month()
        states = self.entries.month_states(self.actor, self.unit) if self.unit else {}
        if states:
            last = max(last, max(states))
        return months_between(self.app.plan.first_month, last)

    def _fill_units(self) -> None:
        self.bar.show_units(self.units(), self.unit)

    def _fill_months(self) -> None:
        months = self.months()
        if self.month not in months:
            self.month = months[-1] if self.month > months[-1] else months[0]
        states = self.entries.month_states(self.actor, self.unit) if self.unit else {}
        self.bar.show_months(months, states, self.month)
        self.prev_btn.setEnabled(self.month != months[0])  # nothing before the plan's first month
        self.next_btn.setEnabled(self.month != months[-1])  # nor after the month being reported

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
        st = self.entries.state(self.actor, self.unit, self.month) if self.unit else ""
        self.state_label.setText(f"状态：{STATE_NAMES.get(st, st)}")
        banner = self.lock_reason
        if not banner and st == "returned":
            from models.review import clerk_notice  # only needed for a returned month
            banner = clerk_notice(self.app, self.actor, self.unit, self.month) or "本月报送已被领导小组办公室退回，请修改后重新报送。"
        self.banner.setText(banner)
        self.banner.setVisible(bool(banner))
        ro = bool(self.lock_reason)
        for b in (self.copy_btn, self.save_btn, self.submit_btn):
            b.setEnabled(not ro)
        self.problems.clear()
        self.problems.setVisible(False)
        self._populate_tree()
        self.select(*(cur or (TASKS, "")))
        self.update_undo()

    def _populate_tree(self) -> None:
        self._loading = True
        self.tree.fill(self.unit, self.month)
        self.tree.filter(self.search.text())
        self._loading = False

    def items(self) -> list[QTreeWidgetItem]:
        return self.tree.work_items()

    def item_for(self, kind: str, code: str) -> QTreeWidgetItem | None:
        return self.tree.item_for(kind, code)

    def current(self) -> tuple[str, str] | None:
        return self.tree.current_key()

    def select(self, kind: str, code: str = "") -> bool:
        items = self.items()
        it = self.item_for(kind, code) or self.item_for(kind, "") or (items[0] if items else None)
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
        items = [it for it in self.items() if not it.isHidden()]  # as listed (search applied)
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
    def _evidence_changed(self, text: str) -> None:
        """Files were attached or removed: the month is a draft now."""
        st = self.entries.state(self.actor, self.unit, self.month)
        self.state_label.setText(f"状态：{STATE_NAMES.get(st, st)}")
        self._say(f"{text} {datetime.now():%H:%M:%S}")

    def hideEvent(self, ev: QHideEvent) -> None:  # noqa: N802 (Qt API)
        """Leaving the page or closing the window saves what is pending."""
        if self.autosave.isActive():
            self.flush()
        super().hideEvent(ev)

