"""The left-hand list of the monthly entry workspace: a unit's work for one month.

Three groups: 重点任务 (marked 牵头/配合, with the month's status), 指标 (with the value
entered, coloured by the target engine's verdict) and 项目明细 (the number of projects
per task). Each item carries its kind (``TASKS``, ``INDICATORS``, ``PROJECTS``) and its
code; the workspace (``ui.workspace``) shows the form of the selected item.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem

from models.app import Actor, App
from models.checking import Judge
from models.entries import Entries
from ui.task_panel import ROLE_CN
from ui.undo import verdict_display

KIND_ROLE = Qt.ItemDataRole.UserRole
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
TASKS, INDICATORS, PROJECTS = "task", "indicator", "projects"


class WorkTree(QTreeWidget):
    """The items of a unit's month; ``fill`` rebuilds it, the badges follow each save."""

    def __init__(self, app: App, entries: Entries, actor: Actor, judge: Judge):
        super().__init__()
        self.app = app
        self.entries = entries
        self.actor = actor
        self.judge = judge
        self.month = ""
        self.setHeaderLabels(["事项", "本月"])
        head = self.header()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setUniformRowHeights(True)
        self.setMinimumWidth(260)

    def fill(self, unit: str, month: str) -> None:
        """Rebuild the list for ``unit`` (may be empty: no unit) and ``month``."""
        self.month = month
        self.clear()
        ov = self.entries.month_overview(self.actor, unit, month) if unit else {
            "tasks": {}, "milestones": {}, "indicators": {}, "projects": {}}
        tasks = self.app.tasks_of(unit) if unit else []
        g_tasks = QTreeWidgetItem(self, [f"重点任务（{len(tasks)}）", ""])
        for t, role in tasks:
            it = QTreeWidgetItem(g_tasks, [f"{t.code} {t.title}", ov["tasks"].get(t.code, "未填")])
            it.setData(0, KIND_ROLE, TASKS)
            it.setData(0, CODE_ROLE, t.code)
            it.setToolTip(0, f"【{ROLE_CN[role]}】{t.title}" + ("" if t.units else "（方案未写明单位，由办公室分工）"))
            it.setText(0, f"[{ROLE_CN[role]}] {t.code} {t.title}")
        parts = self.app.parts_of(unit) if unit else []
        g_ind = QTreeWidgetItem(self, [f"指标（{len(parts)}）", ""])
        for code in parts:
            part = self.app.plan.part(code)
            raw = ov["indicators"].get(code, "")
            it = QTreeWidgetItem(g_ind, [f"{code} {part.name}", raw or "未填"])
            it.setData(0, KIND_ROLE, INDICATORS)
            it.setData(0, CODE_ROLE, code)
            it.setToolTip(0, part.name)
            self.color_badge(it, code, raw)
        g_proj = QTreeWidgetItem(self, ["项目明细", ""])
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

    def color_badge(self, it: QTreeWidgetItem, code: str, raw: str) -> None:
        """Colour an indicator's value in the list by the engine's verdict."""
        text, color = verdict_display(self.judge, code, self.entries.period_for(code, self.month), raw)
        it.setForeground(1, QBrush(QColor(color)) if raw and color else QBrush())
        it.setToolTip(1, text)

    def filter(self, text: str) -> int:
        """List only the items whose name, code or tooltip contains every word of ``text``
        (a group stays with its matching items); the number of items listed."""
        words = [w.casefold() for w in text.split()]
        shown = 0
        for i in range(self.topLevelItemCount()):
            g = self.topLevelItem(i)
            if g is None:
                continue
            visible = 0
            for j in range(g.childCount()):
                it = g.child(j)
                if it is None:
                    continue
                hay = f"{it.text(0)} {it.toolTip(0)} {it.text(1)}".casefold()
                ok = all(w in hay for w in words)
                it.setHidden(not ok)
                visible += ok
            g.setHidden(bool(words) and not visible)
            shown += visible
        return shown

    def work_items(self) -> list[QTreeWidgetItem]:
        """Every item of the three groups, in order."""
        out: list[QTreeWidgetItem] = []
        for i in range(self.topLevelItemCount()):
            g = self.topLevelItem(i)
            if g is None:
                continue
            out.extend(c for c in (g.child(j) for j in range(g.childCount())) if c is not None)
        return out

    def item_for(self, kind: str, code: str) -> QTreeWidgetItem | None:
        for it in self.work_items():
            if it.data(0, KIND_ROLE) == kind and (not code or it.data(0, CODE_ROLE) == code):
                return it
        return None

    def current_key(self) -> tuple[str, str] | None:
        """(kind, code) of the selected item; None when nothing (or a group) is selected."""
        it = self.currentItem()
        if it is None or not it.data(0, KIND_ROLE):
            return None
        return it.data(0, KIND_ROLE), it.data(0, CODE_ROLE)
