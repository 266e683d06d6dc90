"""计划目录: the plan as a tree (actions and tasks, policy guarantees, indicators)
with the selected item's full text, units and targets beside it."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLineEdit, QSplitter, QTextBrowser, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from models.app import App
from models.plan import Part, Target, display_text
from models.target_words import describe_target

CODE_ROLE = Qt.ItemDataRole.UserRole


def _units_label(units: list[str]) -> str:
    if not units:
        return ""
    return "，".join([f"{units[0]}（牵头）", *units[1:]])


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
        acts = self._item(self.tree, ["十大行动", "", ""], "")
        for a in plan.actions:
            ai = self._item(acts, [f"（{a.numeral}）{a.title}", "", ""], f"A{a.no}")
            for t in a.tasks:
                ms = plan.milestones_of(t.code)
                goal = "；".join(describe_part(m.part) for m in ms)
                ti = self._item(ai, [f"{t.code} {t.title}", _units_label(self.app.task_units(t)) or
                                     _units_label(list(t.units)), goal], t.code)
                for m in ms:
                    self._item(ti, [f"{m.code} {m.name}", "", describe_part(m.part)], m.code)
        pol = self._item(self.tree, ["政策保障", "", ""], "")
        for pg in plan.policies:
            self._item(pol, [f"{pg.code} {pg.title}", _units_label(list(pg.units)), ""], pg.code)
        self._item(self.tree, ["组织实施", "", ""], "ORG")
        inds = self._item(self.tree, ["附表：主要指标", "", ""], "")
        for ind in plan.indicators:
            unit = ind.responsible_unit
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
        return "仅监测，无区级目标"
    texts = [describe_target(part, t) for t in part.targets]
    if part.pending:
        texts = [f"{t}（待定：确保完成省下达指标）" for t in texts]
    return "；".join(texts)


def _targets_html(part: Part) -> str:
    if part.monitor:
        return "<p>仅监测：区拟定目标值为空，只记录数值。</p>"
    rows = "".join(f"<li>{html.escape(describe_target(part, t))}{_kind_note(t)}</li>" for t in part.targets)
    pending = "<p><b>待定</b>：确保完成省下达指标，省级指标下达后由办公室录入。</p>" if part.pending else ""
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
        return f"<h3>五、组织实施</h3>{paras}"
    if code in plan.tasks_by_code:
        t = plan.task(code)
        a = plan.action_of(code)
        ms = plan.milestones_of(code)
        ms_html = "".join(
            f"<li><b>{e(m.code)} {e(m.name)}</b>：{e(describe_part(m.part))}{_note_html(m.note)}</li>"
            for m in ms)
        units = app.task_units(t)
        return (f"<p style='color:#555'>（{e(a.numeral)}）{e(a.title)}</p>"
                f"<h3>{e(code)} {e(t.title)}</h3>"
                f"<p><b>牵头单位：</b>{e(units[0] if units else t.lead)}<br/>"
                f"<b>配合单位：</b>{e('、'.join(units[1:]) or '无')}</p>"
                f"<p>{e(t.text)}</p>"
                + (f"<h4>任务中的量化目标</h4><ul>{ms_html}</ul>" if ms else ""))
    if code.startswith("A") and code[1:].isdigit():
        a = plan.actions[int(code[1:]) - 1]
        return f"<h3>（{e(a.numeral)}）{e(a.title)}</h3><p>{e(a.intro)}</p><p>重点任务 {len(a.tasks)} 项。</p>"
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
                    f"<p><b>责任单位：</b>{e(ind.responsible_unit)}{inherited}</p>"
                    f"<p><b>市规划目标：</b>{e(display_text(ind.city_target)) or '（空）'}</p>"
                    f"<p><b>区拟定目标值：</b>{e(display_text(ind.district_target)) or '（空）'}</p>"
                    f"<p><b>指标测算说明：</b>{e(display_text(ind.explanation)) or '（原表缺失）'}</p>"
                    f"{parts_html}")
    for m in plan.milestones:
        if m.code == code:
            t = plan.task(m.task)
            return (f"<h3>{e(m.code)} {e(m.name)}</h3><p>所属任务：{e(t.code)} {e(t.title)}</p>"
                    f"<p>原文：“{e(m.quote)}”</p>{_targets_html(m.part)}"
                    + (f"<p style='color:#b45309'>{e(m.note)}</p>" if m.note else ""))
    return ""
