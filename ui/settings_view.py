"""办公室设置: judging rules and tolerances, due day and expiry, assessment weights,
briefing distribution, baselines and pending targets, streets, and the change log.

Every change goes through models.office (permission check, validation, event log).
Administrators may change everything; reviewers only the baselines."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPlainTextEdit, QPushButton, QSpinBox, QTabWidget,
                               QVBoxLayout, QWidget)

from models import office
from models.app import Actor, App
from models.assessment import COMPONENT_NAMES, COMPONENTS
from models.errors import DomainError
from forms.values import fmt_number
from ui.assignment_view import AssignmentTab
from ui.attachment_settings import AttachmentSettings
from ui.looks import button_row, form_page, note_label, show_read_only
from ui.office_common import MessageLine, RowsModel, SortedTable
from ui.plan_tab import PlanTab
from ui.tables import compact_rows


def _dspin(lo: float, hi: float, decimals: int = 2, step: float = 1.0) -> QDoubleSpinBox:
    s = QDoubleSpinBox()
    s.setRange(lo, hi)
    s.setDecimals(decimals)
    s.setSingleStep(step)
    s.setMinimumWidth(110)
    return s


def _ispin(lo: int, hi: int) -> QSpinBox:
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setMinimumWidth(110)
    return s


class SettingsView(QWidget):
    title = "办公室设置"
    needs_actor = True

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.message = MessageLine()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._rules_tab(), "判断规则")
        self.tabs.addTab(self._reporting_tab(), "报送与考核")
        self.tabs.addTab(self._briefing_tab(), "简报发送")
        self.tabs.addTab(self._baseline_tab(), "基期值与待定目标")
        self.tabs.addTab(self._streets_tab(), app.plan.words.street_word)
        self.evidence = AttachmentSettings(app, actor, self._do)
        self.tabs.addTab(self.evidence, "佐证材料")
        self.assignment = AssignmentTab(app, actor)
        self.tabs.addTab(self.assignment, "分工")
        self.plan_tab = PlanTab(app, actor)
        self.tabs.addTab(self.plan_tab, "实施方案")
        self.tabs.addTab(self._log_tab(), "修改日志")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        if not actor.is_admin:
            note = QLabel("您是审核员：只能修改基期值；其他设置只有管理员可以修改。")
            note.setStyleSheet("color:#b45309")
            lay.addWidget(note)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.message)
        for w in (self.rules_save, self.rep_save, self.brief_save, self.pending_save, self.pending_clear,
                  self.street_add, self.street_rename, self.street_toggle):
            w.setEnabled(actor.is_admin)
            if not actor.is_admin:
                w.setToolTip("只有管理员可以修改")
        if not actor.is_admin:  # readable (dark text on grey), not editable
            for editor in self.admin_editors():
                show_read_only(editor, True)
            self.evidence.save_btn.setEnabled(False)
            self.evidence.save_btn.setToolTip("只有管理员可以修改")
            for i in range(self.evidence.required.count()):  # shown ticked or not, not to be ticked
                it = self.evidence.required.item(i)
                if it is not None:
                    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
        self.load()

    def admin_editors(self) -> list[QWidget]:
        """The inputs only an administrator may change (a reviewer reads them)."""
        return [self.green_at, self.yellow_at, self.tolerance_pp, self.tolerance_rel, self.tolerances,
                self.due_day, self.expiry_days, *self.weight_boxes.values(), self.flag_below,
                *self.brief_edits.values(), self.briefing_copies, self.street_name,
                self.pending_part, self.pending_year, self.pending_value,
                self.evidence.max_mb, self.evidence.photo_px, self.evidence.keep, self.evidence.package_mb]

    # -- tabs ----------------------------------------------------------------------------
    def _rules_tab(self) -> QWidget:
        w, f = form_page()
        self.green_at = _dspin(0, 200, 1)
        self.yellow_at = _dspin(0, 200, 1)
        self.tolerance_pp = _dspin(0, 50, 2, 0.1)
        self.tolerance_rel = _dspin(0, 1, 3, 0.01)
        self.tolerances = QPlainTextEdit()
        self.tolerances.setPlaceholderText("每行一项：指标编码@年份=容差，例如 I06a@2025=1.5")
        self.tolerances.setFixedSize(420, 90)
        self.rules_save = QPushButton("保存判断规则")
        f.addRow("绿灯：完成率不低于（%）", self.green_at)
        f.addRow("黄灯：完成率不低于（%）", self.yellow_at)
        f.addRow("“左右”默认容差（百分点，用于%指标）", self.tolerance_pp)
        f.addRow("“左右”默认容差（相对目标的比例）", self.tolerance_rel)
        f.addRow("各指标容差", self.tolerances)
        f.addRow(note_label("低于黄灯阈值为红灯。修改后调度看板、考核和简报中的判断立即按新规则重新计算。"))
        f.addRow(button_row(self.rules_save))
        self.rules_save.clicked.connect(self.save_rules)
        return w

    def _reporting_tab(self) -> QWidget:
        w, f = form_page()
        self.due_day = _ispin(1, 28)
        self.expiry_days = _ispin(0, 366)
        self.weight_boxes = {k: _dspin(0, 100, 1) for k in COMPONENTS}
        self.flag_below = _dspin(0, 100, 1)
        self.rep_save = QPushButton("保存报送与考核设置")
        f.addRow("每月报送截止日（次月几日）", self.due_day)
        f.addRow("截止后可修改天数（0 为不限）", self.expiry_days)
        for k in COMPONENTS:
            f.addRow(f"考核权重：{COMPONENT_NAMES[k]}", self.weight_boxes[k])
        f.addRow("低于多少分需通报", self.flag_below)
        f.addRow(button_row(self.rep_save))
        self.rep_save.clicked.connect(self.save_reporting)
        return w

    def _briefing_tab(self) -> QWidget:
        w, f = form_page()
        self.brief_edits = {k: QLineEdit() for k in ("briefing_title", "briefing_issuer", "briefing_to",
                                                      "briefing_cc", "briefing_send")}
        for e in self.brief_edits.values():
            e.setMinimumWidth(460)
        self.briefing_copies = _ispin(1, 10000)
        for k, e in self.brief_edits.items():
            f.addRow(office.SETTING_LABELS[k], e)
        f.addRow("印发份数", self.briefing_copies)
        self.brief_save = QPushButton("保存简报设置")
        f.addRow(button_row(self.brief_save))
        self.brief_save.clicked.connect(self.save_briefing)
        return w

    def _baseline_tab(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        self.base_model = RowsModel([
            ("编码", lambda r: r["code"]), ("名称", lambda r: r["name"]),
            ("基期年份", lambda r: r.get("year", "")), ("基期值", lambda r: r.get("value", "")),
            ("单位", lambda r: r["unit"]), ("来源", lambda r: r.get("source", "")),
        ], self)
        self.base_table = SortedTable(self.base_model)
        compact_rows(self.base_table)
        self.base_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.base_table.horizontalHeader().setStretchLastSection(True)
        v.addWidget(self.base_table, 1)
        form = QHBoxLayout()
        self.base_part = QComboBox()
        for p in [*self.app.plan.parts, *(m.part for m in self.app.plan.milestones)]:
            self.base_part.addItem(f"{p.code} {p.name}", p.code)
        self.base_year = _ispin(1990, 2100)
        self.base_year.setValue(2020)
        self.base_value = QLineEdit(placeholderText="基期值")
        self.base_source = QLineEdit(placeholderText="数据来源，例如 2020年统计年鉴")
        self.base_save = QPushButton("保存基期值")
        self.base_delete = QPushButton("删除")
        for x in (self.base_part, QLabel("年份"), self.base_year, self.base_value, self.base_source,
                  self.base_save, self.base_delete):
            form.addWidget(x)
        v.addLayout(form)
        pend = QHBoxLayout()
        self.pending_part = QComboBox()
        for p in self.app.plan.parts:
            if p.pending:
                self.pending_part.addItem(f"{p.code} {p.name}（{p.unit}）", p.code)
        self.pending_year = _ispin(2020, 2100)
        self.pending_year.setValue(2030)
        by = self.app.plan.words.assigned_by
        self.pending_value = QLineEdit(placeholderText=f"{by}下达目标值")
        self.pending_save = QPushButton("保存待定目标")
        self.pending_clear = QPushButton("清除")
        self.pending_label = QLabel()
        for x in (QLabel(f"待定目标（{by}下达）："), self.pending_part, QLabel("年份"), self.pending_year,
                  self.pending_value, self.pending_save, self.pending_clear):
            pend.addWidget(x)
        v.addLayout(pend)
        v.addWidget(self.pending_label)
        self.base_table.selectionModel().currentRowChanged.connect(
            lambda cur, _p: self._pick_baseline(self.base_table.row_object(cur)))
        self.base_save.clicked.connect(self.save_baseline)
        self.base_delete.clicked.connect(self.delete_baseline)
        self.pending_save.clicked.connect(self.save_pending)
        self.pending_clear.clicked.connect(self.clear_pending)
        return w

    def _streets_tab(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        self.street_list = QListWidget()
        word = self.app.plan.words.street_word
        self.street_name = QLineEdit(placeholderText=f"{word}名称")
        self.street_add = QPushButton("添加")
        self.street_rename = QPushButton("改名为")
        self.street_toggle = QPushButton("停用 / 启用")
        self.street_name.setFixedWidth(220)
        h = QHBoxLayout()
        for x in (self.street_name, self.street_add, self.street_rename, self.street_toggle):
            h.addWidget(x)
        h.addStretch(1)
        v.addWidget(QLabel(f"方案中的“{self.app.plan.streets_unit or '各' + word}”由以下{word}组成；"
                           f"停用的{word}不再需要填报，历史数据保留。"))
        v.addWidget(self.street_list, 1)
        v.addLayout(h)
        self.street_add.clicked.connect(self.add_street)
        self.street_rename.clicked.connect(self.rename_street)
        self.street_toggle.clicked.connect(self.toggle_street)
        return w

    def _log_tab(self) -> QWidget:
        self.log_model = RowsModel([("时间", lambda r: r["at"].replace("T", " ")), ("操作人", lambda r: r["actor"]),
                                    ("修改内容", lambda r: r["detail"])], self)
        t = SortedTable(self.log_model)
        compact_rows(t)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        t.horizontalHeader().setStretchLastSection(True)
        return t

    # -- loading ---------------------------------------------------------------------------
    def load(self) -> None:
        s = self.app.settings
        self.green_at.setValue(float(s.get("green_at")))
        self.yellow_at.setValue(float(s.get("yellow_at")))
        self.tolerance_pp.setValue(float(s.get("tolerance_pp")))
        self.tolerance_rel.setValue(float(s.get("tolerance_rel")))
        self.tolerances.setPlainText("\n".join(f"{k}={fmt_number(v)}" for k, v in
                                               sorted((s.get("tolerances") or {}).items())))
        self.due_day.setValue(int(s.get("due_day")))
        self.expiry_days.setValue(int(s.get("expiry_days")))
        wts = s.get("assessment_weights") or {}
        for k, b in self.weight_boxes.items():
            b.setValue(float(wts.get(k, 0)))
        self.flag_below.setValue(float(s.get("assessment_flag_below")))
        for k, e in self.brief_edits.items():
            e.setText(str(s.get(k) or ""))
        self.briefing_copies.setValue(int(s.get("briefing_copies")))
        self._load_baselines()
        self._load_streets()
        self.evidence.load()
        self.log_model.set_rows(office.settings_log(self.app, self.actor))

    def _load_baselines(self) -> None:
        base = office.baselines(self.app)
        rows = []
        for p in [*self.app.plan.parts, *(m.part for m in self.app.plan.milestones)]:
            b = base.get(p.code) or {}
            rows.append({"code": p.code, "name": p.name, "unit": p.unit,
                         "year": b.get("year", ""), "value": fmt_number(b["value"]) if b else "",
                         "source": b.get("source", "")})
        self.base_model.set_rows(rows)
        pending = self.app.settings.get("pending_targets") or {}
        self.pending_label.setText("；".join(
            f"{c}：{t.get('year')}年目标 {fmt_number(t.get('value'))}" for c, t in pending.items())
            or "尚未录入待定目标。")

    def _load_streets(self) -> None:
        self.street_list.clear()
        for r in office.all_streets(self.app):
            it = QListWidgetItem(r["name"] + ("" if r["active"] else "（已停用）"))
            it.setData(256, r["name"])
            self.street_list.addItem(it)

    def _pick_baseline(self, r: dict[str, Any] | None) -> None:
        if r is None:
            return
        self.base_part.setCurrentIndex(self.base_part.findData(r["code"]))
        if r["year"]:
            self.base_year.setValue(int(r["year"]))
        self.base_value.setText(str(r["value"]))
        self.base_source.setText(r["source"])

    # -- saving ----------------------------------------------------------------------------
    def _do(self, fn: Any, done: str) -> bool:
        try:
            result = fn()
        except DomainError as exc:
            self.message.error(str(exc))
            return False
        self.app.invalidate()
        self.load()
        if result is False or result == []:
            self.message.ok("没有修改。")
        else:
            self.message.ok(done)
        return True

    def _parse_tolerances(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for ln in self.tolerances.toPlainText().splitlines():
            if not ln.strip():
                continue
            k, sep, v = ln.replace("＝", "=").partition("=")
            if not sep:
                raise DomainError(f"容差“{ln.strip()}”格式不对，应为 指标编码@年份=容差，例如 I06a@2025=1.5")
            out[k.strip()] = v.strip()
        return out

    def save_rules(self) -> bool:
        return self._do(lambda: office.set_settings(self.app, self.actor, {
            "green_at": self.green_at.value(), "yellow_at": self.yellow_at.value(),
            "tolerance_pp": self.tolerance_pp.value(), "tolerance_rel": self.tolerance_rel.value(),
            "tolerances": self._parse_tolerances()}), "判断规则已保存，判断结果已按新规则重新计算。")

    def save_reporting(self) -> bool:
        return self._do(lambda: office.set_settings(self.app, self.actor, {
            "due_day": self.due_day.value(), "expiry_days": self.expiry_days.value(),
            "assessment_weights": {k: b.value() for k, b in self.weight_boxes.items()},
            "assessment_flag_below": self.flag_below.value()}), "报送与考核设置已保存。")

    def save_briefing(self) -> bool:
        values: dict[str, Any] = {k: e.text() for k, e in self.brief_edits.items()}
        values["briefing_copies"] = self.briefing_copies.value()
        return self._do(lambda: office.set_settings(self.app, self.actor, values), "简报设置已保存。")

    def save_baseline(self) -> bool:
        code = self.base_part.currentData()
        return self._do(lambda: office.set_baseline(self.app, self.actor, code, self.base_year.value(),
                                                    self.base_value.text(), self.base_source.text()),
                        f"{code}的基期值已保存，相关判断已重新计算。")

    def delete_baseline(self) -> bool:
        code = self.base_part.currentData()
        return self._do(lambda: office.delete_baseline(self.app, self.actor, code), f"{code}的基期值已删除。")

    def save_pending(self) -> bool:
        code = self.pending_part.currentData()

        def run() -> None:
            value = office._num(self.pending_value.text(), "目标值", 0)
            office.set_pending_target(self.app, self.actor, code, self.pending_year.value(), float(value))
        return self._do(run, f"{code}的目标值已保存，相关判断已重新计算。")

    def clear_pending(self) -> bool:
        code = self.pending_part.currentData()
        return self._do(lambda: office.clear_pending_target(self.app, self.actor, code), f"{code}的目标值已清除。")

    def _street(self) -> str | None:
        it = self.street_list.currentItem()
        return it.data(256) if it else None

    def add_street(self) -> bool:
        name = self.street_name.text()
        ok = self._do(lambda: office.add_street(self.app, self.actor, name), f"已添加{self.app.plan.words.street_word}：{name.strip()}")
        if ok:
            self.street_name.clear()
        return ok

    def rename_street(self) -> bool:
        old = self._street()
        if not old:
            self.message.error(f"请先在列表中选择要改名的{self.app.plan.words.street_word}。")
            return False
        new = self.street_name.text()
        return self._do(lambda: office.rename_street(self.app, self.actor, old, new),
                        f"{self.app.plan.words.street_word}“{old}”已改名为“{new.strip()}”。")

    def toggle_street(self) -> bool:
        name = self._street()
        if not name:
            self.message.error(f"请先在列表中选择{self.app.plan.words.street_word}。")
            return False
        active = next(bool(r["active"]) for r in office.all_streets(self.app) if r["name"] == name)
        return self._do(lambda: office.set_street_active(self.app, self.actor, name, not active),
                        f"{self.app.plan.words.street_word}“{name}”已{'停用' if active else '启用'}。")
