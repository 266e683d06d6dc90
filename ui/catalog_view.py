"""计划目录: the plan as a tree (actions and tasks, policy guarantees, indicators)
with the selected item's full text, units and targets beside it."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLineEdit, QSplitter, QTextBrowser, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from models.app import App
from models.catalog import action_key
from models.plan import UNASSIGNED, Indicator, Part, Target, Task, display_text
from models.target_words import describe_target

CODE_ROLE = Qt.ItemDataRole.UserRole


def _units_label(units: list[str]) -> str:
    if not units:
        return ""
    return "，".join([f"{units[0]}（牵头）", *units[1:]])


def _task_units_label(app: App, t: Task) -> str:
    """A task's units as listed: the plan's, the office's (marked), or 未分工."""
    units = _units_label(app.task_units(t))
    if not units:
        return UNASSIGNED
    return units if t.units else f"{units}（办公室分工）"


def _indicator_unit_label(app: App, ind: Indicator) -> str:
    unit = app.responsible_unit(ind)
    if not unit:
        return UNASSIGNED
    return unit if ind.responsible_unit else f"{unit}（办公室分工）"


class CatalogView(QWidget):
    title = "计划目录"

    def __init__(self, app: App, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.filter = QLineEdit(placeholderText="筛选：输入任务、指标或单位名称")
        self.filter.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["名称", "责任单位", "目标"])
        self.tree.setColumnWidth(0, 330)
        self.tree.setColumnWidth(1, 220)
        self.tree.setUniformRowHeights(True)
        self.detail = QTextBrowser()
        self.detail.setOpenExternalLinks(False)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.filter)
        lv.addWidget(self.tree)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(split)
        self._populate()
        self.tree.currentItemChanged.connect(self._show)
        self.filter.textChanged.connect(self._apply_filter)

    def _item(self, parent: QTreeWidget | QTreeWidgetItem, cols: list[str], code: str) -> QTreeWidgetItem:
        it = QTreeWidgetItem(parent, cols)
        it.setData(0, CODE_ROLE, code)
        for i, c in enumerate(cols):
            it.setToolTip(i, c)
        return it

    def _populate(self) -> None:
        plan = self.app.plan
        acts = self._item(self.tree, [plan.words.actions_word or "重点任务", "", ""], "")
        for a in plan.actions:
            ai = self._item(acts, [a.heading, "", ""], action_key(a.code))
            for t in a.tasks:
                ti = self._task_item(ai, t)
                for sub in t.subtasks:
                    self._task_item(ti, sub)
        pol = self._item(self.tree, ["政策保障", "", ""], "")
        for pg in plan.policies:
            self._item(pol, [f"{pg.code} {pg.title}", _units_label(list(pg.units)), ""], pg.code)
        self._item(self.tree, ["组织实施", "", ""], "ORG")
        inds = self._item(self.tree, [f"{plan.words.appendix_name}：主要指标" if plan.words.appendix_name else "主要指标", "", ""], "")
        for ind in plan.indicators:
            unit = _indicator_unit_label(self.app, ind)
            if len(ind.parts) == 1:
                p = ind.parts[0]
                ii = self._item(inds, [f"{ind.code} {ind.name}", unit, describe_part(p)], ind.code)
            else:
                ii = self._item(inds, [f"{ind.code} {ind.name}", unit, ""], ind.code)
                for p in ind.parts:
                    self._item(ii, [f"{p.code} {p.name}", "", describe_part(p)], p.code)
            if ind.responsible_unit_inherited:
                ii.setToolTip(1, f"{unit}（原表此格为空，与上一行是同一个合并单元格）")
        acts.setExpanded(True)
        inds.setExpanded(True)

    def _task_item(self, parent: QTreeWidgetItem, t: Task) -> QTreeWidgetItem:
        plan = self.app.plan
        ms = plan.milestones_of(t.code)
        goal = "；".join(describe_part(m.part) for m in ms)
        units = "（分项填报）" if t.is_heading else _task_units_label(self.app, t)
        ti = self._item(parent, [f"{t.code} {t.title}", units, goal], t.code)
        for m in ms:
            self._item(ti, [f"{m.code} {m.name}", "", describe_part(m.part)], m.code)
        return ti

    def _apply_filter(self, text: str) -> None:
        text = text.strip()

        def visit(item: QTreeWidgetItem | None) -> bool:
            if item is None:
                return False
            own = not text or any(text in item.text(c) for c in range(3))
            child_match = False
            for i in range(item.childCount()):
                child_match = visit(item.child(i)) or child_match
            show = own or child_match
            item.setHidden(not show)
            if text and child_match:
                item.setExpanded(True)
            return show

        for i in range(self.tree.topLevelItemCount()):
            visit(self.tree.topLevelItem(i))

    def _show(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        self.detail.setHtml(detail_html(self.app, item.data(0, CODE_ROLE) or ""))

    def select(self, code: str) -> None:
        for item in self.tree.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive):
            if item.data(0, CODE_ROLE) == code:
                self.tree.setCurrentItem(item)
                return


def describe_part(part: Part) -> str:
    if part.monitor:
        return "仅监测，不设目标"
    return "；".join(describe_target(part, t) for t in part.targets)


def _targets_html(part: Part) -> str:
    if part.monitor:
        return "<p>仅监测：方案未设目标值，只记录数值。</p>"
    rows = "".join(f"<li>{html.escape(describe_target(part, t))}{_kind_note(t)}</li>" for t in part.targets)
    by = part.assigned_by or "上级"
    pending = (f"<p><b>待定</b>：确保完成{by}下达指标，{by}级指标下达后由办公室录入。</p>"
               if part.pending else "")
    return f"{pending}<ul>{rows}</ul>"


def _kind_note(t: Target) -> str:
    return "（力争）" if t.kind == "stretch" else ""


def _note_html(note: str) -> str:
    return f"<br/><span style='color:#b45309'>{html.escape(note)}</span>" if note else ""


def detail_html(app: App, code: str) -> str:
    plan = app.plan
    e = html.escape
    if code == "ORG":
        paras = "".join(f"<p>{e(p)}</p>" for p in str(plan.meta.get("organisation", "")).split("\n") if p.strip())
        return f"<h3>组织实施</h3>{paras}"
    if code in plan.tasks_by_code:
        t = plan.task(code)
        a = plan.action_of(code)
        ms = plan.milestones_of(code)
        ms_html = "".join(
            f"<li><b>{e(m.code)} {e(m.name)}</b>：{e(describe_part(m.part))}{_note_html(m.note)}</li>"
            for m in ms)
        units = app.task_units(t)
        parent = plan.task(t.parent) if t.parent else None
        above = f"{a.heading}" + (f" › {parent.numbering}{parent.title}" if parent else "")
        if t.is_heading:
            who = "<p>本任务分为以下子任务，由各子任务的责任单位分别填报：</p><ul>" + "".join(
                f"<li>{e(s.numbering)}{e(s.title)}（{e(_units_label(app.task_units(s)) or UNASSIGNED)}）</li>"
                for s in t.subtasks) + "</ul>"
        elif units:
            by = "（方案未写明，由领导小组办公室分工）" if not t.units else ""
            who = (f"<p><b>牵头单位：</b>{e(units[0])}{by}<br/>"
                   f"<b>配合单位：</b>{e('、'.join(units[1:]) or '无')}</p>")
        else:
            who = f"<p><b>责任单位：</b>{UNASSIGNED}（方案未写明，由领导小组办公室在设置中分工）</p>"
        return (f"<p style='color:#555'>{e(above)}</p>"
                f"<h3>{e(code)} {e(t.numbering)}{e(t.title)}</h3>{who}"
                f"<p>{e(t.text)}</p>"
                + (f"<h4>任务中的量化目标</h4><ul>{ms_html}</ul>" if ms else ""))
    action = next((a for a in plan.actions if action_key(a.code) == code), None)
    if action is not None:
        return (f"<h3>{e(action.heading)}</h3><p>{e(action.intro)}</p>"
                f"<p>重点任务 {len(action.tasks)} 项。</p>")
    for p in plan.policies:
        if p.code == code:
            return (f"<h3>{e(p.code)} {e(p.title)}</h3><p><b>责任单位：</b>"
                    f"{e(_units_label(list(p.units)))}</p><p>{e(p.text)}</p>")
    for ind in plan.indicators:
        if code == ind.code or code in [p.code for p in ind.parts]:
            parts = ind.parts if code == ind.code else [plan.part(code)]
            note = (f"<p style='color:#b45309'><b>提示：</b>{e(ind.status_note)}</p>"
                    if ind.status_note else "")
            inherited = ("<br/><span style='color:#555'>原表此格为空：与上一行是同一个合并单元格，"
                         "责任单位相同。</span>" if ind.responsible_unit_inherited else "")
            parts_html = "".join(f"<h4>{e(p.code)} {e(p.name)}"
                                 f"{'（' + e(p.unit) + '）' if p.unit else ''}</h4>{_targets_html(p)}"
                                 for p in parts)
            return (f"<h3>{e(ind.code)} {e(ind.name)}</h3>{note}"
                    f"<p><b>责任单位：</b>{e(_indicator_unit_label(app, ind))}{inherited}</p>"
                    f"<p><b>{e(plan.words.city_target_label)}：</b>{e(display_text(ind.city_target)) or '（空）'}</p>"
                    f"<p><b>{e(plan.words.district_target_label)}：</b>"
                    f"{e(display_text(ind.district_target)) or '（空）'}</p>"
                    f"<p><b>指标测算说明：</b>{e(display_text(ind.explanation)) or '（原表缺失）'}</p>"
                    f"{parts_html}")
    for m in plan.milestones:
        if m.code == code:
            t = plan.task(m.task)
            return (f"<h3>{e(m.code)} {e(m.name)}</h3><p>所属任务：{e(t.code)} {e(t.title)}</p>"
                    f"<p>原文：“{e(m.quote)}”</p>{_targets_html(m.part)}"
                    + (f"<p style='color:#b45309'>{e(m.note)}</p>" if m.note else ""))
    return ""
