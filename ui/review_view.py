"""审核报送: the office's review queue for a month, with approve / return / reopen,
the reporting summary and the printable 催报 notice."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from models import review
from models.app import Actor, App
from models.entries_base import month_cn
from models.errors import DomainError
from models.reporting import reminder_html, reporting_status, summary
from ui.evidence_review import EvidenceReview, evidence_cell
from ui.office_common import MessageLine, MonthCombo, RowsModel, SortedTable, preview_and_print, print_to_pdf
from ui.tables import compact_rows

_STATE_COLORS = {"submitted": "#1d4ed8", "approved": "#166534", "returned": "#b45309",
                 "draft": "#6b7280", "": "#9ca3af"}


def _time(s: str) -> str:
    return s[:16].replace("T", " ") if s else ""


class ReviewView(QWidget):
    title = "审核报送"
    needs_actor = True

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.month_box = MonthCombo(app)
        self.summary_label = QLabel()
        self.print_btn = QPushButton("打印催报通知…")
        self.pending_only = QCheckBox("只看待审核")
        self.search = QLineEdit(placeholderText="查找单位、状态、意见")
        self.search.setClearButtonEnabled(True)
        self.search.setFixedWidth(190)
        self.summary_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("报送月份："))
        top.addWidget(self.month_box)
        top.addWidget(self.pending_only)
        top.addWidget(self.search)
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.print_btn)

        self.model = RowsModel([
            ("单位", lambda r: r["unit"]),
            ("状态", lambda r: r["state_name"]),
            ("应填", lambda r: r["expected"]),
            ("已填", lambda r: r["filled"]),
            ("报送时间", lambda r: _time(r["submitted_at"])),
            ("及时性", lambda r: r["timeliness"] if r["expected"] else "无填报任务"),
            ("退回", lambda r: r["returns"] or ""),
            ("审核人", lambda r: r["decided_by"]),
            ("意见", lambda r: r["comment"]),
        ], self, color=lambda r, c: _STATE_COLORS.get(r["state"]) if c == 1 else (
            "#b91c1c" if c == 5 and r["on_time"] is False else None))
        self.table = SortedTable(self.model)
        self.table.setToolTip("点击列标题排序；双击一个单位在月度填报中打开")
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setStretchLastSection(True)  # 意见 takes what is left, cut with … (whole in the detail)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        compact_rows(self.table)

        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)  # links are the submission's evidence files
        self.evidence = EvidenceReview(app, actor)
        self.detail.anchorClicked.connect(self.evidence.open_link)
        self.comment = QPlainTextEdit()
        self.comment.setPlaceholderText("退回意见或解锁原因（退回、解锁时必填，填报单位可以看到）")
        self.comment.setMaximumHeight(70)
        self.approve_btn = QPushButton("审核通过")
        self.return_btn = QPushButton("退回修改")
        self.reopen_btn = QPushButton("解锁（重新开放）")
        self.open_btn = QPushButton("在月度填报中打开")
        self.open_btn.setToolTip("打开该单位本月的填报页面，逐项查看填报内容和修改记录（也可双击列表中的单位）")
        self.message = MessageLine()
        btns = QHBoxLayout()
        for b in (self.approve_btn, self.return_btn, self.reopen_btn):
            btns.addWidget(b)
        btns.addStretch(1)
        btns.addWidget(self.open_btn)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.detail, 1)
        rv.addWidget(self.evidence)
        rv.addWidget(QLabel("意见 / 原因："))
        rv.addWidget(self.comment)
        rv.addLayout(btns)
        rv.addWidget(self.message)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([720, 480])
        split.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(split, 1)

        self.month_box.month_changed.connect(lambda _m: self.refresh())
        self.pending_only.toggled.connect(lambda _on: self.refresh())
        self.search.textChanged.connect(self._search)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.approve_btn.clicked.connect(self.approve)
        self.return_btn.clicked.connect(self.return_selected)
        self.reopen_btn.clicked.connect(self.reopen_selected)
        self.print_btn.clicked.connect(self.print_reminder)
        self.open_btn.clicked.connect(self.open_in_workspace)
        self.table.doubleClicked.connect(lambda _i: self.open_in_workspace())
        self._shown_once = False
        self.refresh()

    # -- data --------------------------------------------------------------------------
    def month(self) -> str:
        return self.month_box.month()

    def set_month(self, month: str) -> None:
        self.month_box.set_month(month)
        self.refresh()

    def refresh(self) -> None:
        unit = self.selected_unit()
        reports = reporting_status(self.app, self.actor, self.month())
        s = summary(reports)
        self.summary_label.setText(
            f"应报{s['units']}个单位，已报送{s['submitted']}个（报送率{s['report_rate']:.0f}%），"
            f"审核通过{s['approved']}个，退回{s['returned']}个，按时{s['on_time']}个，"
            f"迟报{s['late']}个，未报{s['missing']}个；填报完整率{s['completeness']:.0f}%")
        rows = review.review_queue(self.app, self.actor, self.month())
        if self.pending_only.isChecked():
            rows = [r for r in rows if r["pending"]]
        self.model.set_rows(rows)
        self._fit_columns()
        # the unit shown before, else the first one waiting for review, else the first line:
        # the right-hand pane always shows a submission
        if not (unit and self.select_unit(unit)) and not self.table.select_where(lambda r: r["pending"]):
            self.table.select_first()
        self._show_selected()

    def _fit_columns(self) -> None:
        """Every column but 意见 as wide as its contents, so the table fits beside the detail."""
        self.table.resizeColumnsToContents()
        fm = self.table.fontMetrics()
        self.table.setColumnWidth(8, fm.horizontalAdvance("意见") + 24)

    def _search(self, text: str) -> None:
        self.table.set_search(text)
        if self.selected_unit() is None:
            self.table.select_first()
        self._show_selected()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._shown_once:
            self.refresh()  # submissions may have arrived meanwhile
        self._shown_once = True

    def selected_unit(self) -> str | None:
        row = self.table.current_object()
        return None if row is None else row["unit"]

    def select_unit(self, unit: str) -> bool:
        return self.table.select_where(lambda r: r["unit"] == unit)

    def _show_selected(self) -> None:
        unit = self.selected_unit()
        state = ""
        if unit is None:
            self.detail.setHtml("<p style='color:#666'>在左侧选择一个单位，查看其报送内容。</p>")
            self.evidence.load(None)
        else:
            d = review.submission_detail(self.app, self.actor, unit, self.month())
            state = d["submission"]["state"]
            self.evidence.add_thumbnails(self.detail.document(), d)
            self.detail.setHtml(detail_html(d))
            self.evidence.load(d)
        self.approve_btn.setEnabled(state == "submitted")
        self.return_btn.setEnabled(state == "submitted")
        self.reopen_btn.setEnabled(state in ("approved", "", "draft"))

    # -- actions -----------------------------------------------------------------------
    def _act(self, fn: Any, done: str, *args: Any) -> bool:
        unit = self.selected_unit()
        if unit is None:
            self.message.error("请先在列表中选择一个单位。")
            return False
        try:
            fn(self.app, self.actor, unit, self.month(), *args)
        except DomainError as exc:
            self.message.error(str(exc))
            return False
        self.message.ok(f"{unit}{month_cn(self.month())}：{done}。")
        self.comment.clear()
        self.refresh()
        return True

    def approve(self) -> bool:
        return self._act(review.approve, "已审核通过并锁定", self.comment.toPlainText())

    def return_selected(self) -> bool:
        return self._act(review.return_submission, "已退回，填报单位可修改后重新报送",
                         self.comment.toPlainText(), self.evidence.flagged())

    def reopen_selected(self) -> bool:
        return self._act(review.reopen, "已解锁，填报单位可以修改", self.comment.toPlainText())

    def open_in_workspace(self) -> bool:
        """Show the selected unit's month on the 月度填报 page of the main window."""
        unit = self.selected_unit()
        win = self.window()
        if unit is None:
            self.message.error("请先在列表中选择一个单位。")
            return False
        if not hasattr(win, "show_page"):
            return False
        ws = win.show_page("workspace")
        ws.set_unit(unit)
        ws.set_month(self.month())
        return True

    # -- 催报 --------------------------------------------------------------------------
    def reminder_document(self) -> QTextDocument:
        doc = QTextDocument(self)
        doc.setHtml(reminder_html(self.app, self.actor, self.month()))
        return doc

    def print_reminder(self) -> None:
        preview_and_print(self, self.reminder_document(), f"催报通知（{month_cn(self.month())}）")

    def reminder_to_pdf(self, path: str | Path) -> Path:
        """Print the 催报 notice to a PDF file (what 打印 → PDF does)."""
        return print_to_pdf(self.reminder_document(), path)


def detail_html(d: dict[str, Any]) -> str:
    e = html.escape
    sub = d["submission"]
    from models.entries_base import STATE_NAMES
    parts = [f"<h3>{e(d['unit'])} · {e(month_cn(d['month']))}</h3>",
             f"<p>状态：<b>{e(STATE_NAMES.get(sub['state'], sub['state']) or '未填报')}</b>"]
    if sub.get("submitted_at"):
        parts.append(f"；报送：{e(_time(sub['submitted_at']))}（{e(sub.get('submitted_by', ''))}）")
    if sub.get("comment"):
        parts.append(f"<br/>办公室意见：{e(sub['comment'])}")
    parts.append("</p>")
    if d["problems"]:
        parts.append("<p style='color:#b91c1c'>尚有问题：" + "；".join(
            e(f"{w}：{m}") for w, m in d["problems"][:10]) + (" …" if len(d["problems"]) > 10 else "") + "</p>")
    files = d.get("attachments", {})
    # One block per task: a line with code, title, status, person and deadline, then the
    # progress, problems and files across the pane's whole width (an eight-column table left
    # 本月进展 about four characters wide at 1366×768).
    blocks = []
    for t in d["tasks"]:
        who = "　".join(x for x in (f"责任人：{e(t['person'])}" if t["person"] else "",
                                    f"完成时限：{e(t['deadline'])}" if t["deadline"] else "") if x)
        lines = [f"<tr><td style='background:#eef2f7'><b>{e(t['code'])}</b> {e(t['title'])}"
                 f"{'（牵头）' if t['role'] == 'lead' else ''}　状态：<b>{e(t['status'] or '—')}</b>"
                 + (f"　{who}" if who else "") + "</td></tr>",
                 f"<tr><td>本月进展：{e(t['progress'] or '（未填）')}</td></tr>"]
        if t["problems"]:
            lines.append(f"<tr><td>存在问题：{e(t['problems'])}</td></tr>")
        found = files.get(("task_report", t["code"]), [])
        if found:
            lines.append(f"<tr><td>佐证材料：{evidence_cell(found)}</td></tr>")
        blocks.append("".join(lines))
    if blocks:
        parts.append("<h4>任务推进</h4><table width='100%' border='1' cellspacing='0' cellpadding='4'>"
                     + "".join(blocks) + "</table>")
    ms = "".join(f"<li>{e(m['code'])} {e(m['name'])}：{e(m['raw'] or '（未填）')}{e(m['unit'])}</li>"
                 for m in d["milestones"])
    if ms:
        parts.append(f"<h4>里程碑（累计）</h4><ul>{ms}</ul>")
    def evidence(entity: str, key: str) -> str:
        found = files.get((entity, key))
        return f"<br>佐证材料：{evidence_cell(found)}" if found else ""

    inds = "".join(f"<li>{e(i['code'])} {e(i['name'])}（{e(i['period'])}）：{e(i['raw'] or '（未填）')}"
                   f"{e(i['unit'])}{'，来源：' + e(i['source']) if i['source'] else ''}"
                   f"{evidence('indicator', i['code'] + '@' + i['period'])}</li>"
                   for i in d["indicators"])
    if inds:
        parts.append(f"<h4>指标</h4><ul>{inds}</ul>")
    if d["projects"]:
        parts.append("<h4>项目</h4><ul>" + "".join(
            f"<li>{e(p['name'])}（{e(p.get('ptype') or '')}）：{e(p.get('progress') or '')}"
            f"{evidence('project_month', p['uid'])}</li>"
            for p in d["projects"]) + "</ul>")
    if d["history"]:
        parts.append("<h4>审核记录</h4><ul>" + "".join(
            f"<li>{e(_time(h['at']))} {e(h['actor'])} {e(h['action_name'])}"
            f"{'：' + e(h['comment']) if h['comment'] else ''}</li>" for h in d["history"]) + "</ul>")
    return "".join(parts)
