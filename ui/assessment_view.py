"""考核评价: unit scores and ranking over a period, with 通报 flags, and the reporting
matrix (units × months: submitted on time, late, missing)."""

from __future__ import annotations

from typing import Any

from pathlib import Path

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView,
                               QTabWidget, QVBoxLayout, QWidget)

from models.app import Actor, App, months_between
from models.assessment import (COMPONENT_NAMES, COMPONENTS, UnitScore, assess_views, assessment_html_of,
                               period_label, weights)
from models.month_read import month_views
from models.month_view import MonthView
from models.reporting import UnitMonthReport
from ui.office_common import MonthCombo, RowsModel, preview_and_print, print_to_pdf

_MARKS = {"approved": "✓", "submitted": "报", "returned": "退", "draft": "草", "": "—"}


def _cell(r: UnitMonthReport) -> str:
    if not r.expected:
        return ""
    mark = _MARKS.get(r.state, r.state)
    if r.submitted_at and r.on_time is False:
        mark += "（迟）"
    elif not r.submitted and r.overdue:
        mark = "未报"
    return mark


class AssessmentView(QWidget):
    title = "考核评价"
    needs_actor = True

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.scores: list[UnitScore] = []
        self.views: tuple[MonthView, ...] = ()
        self.from_box = MonthCombo(app)
        self.to_box = MonthCombo(app)
        last = self.to_box.month()
        self.from_box.set_month(f"{last[:4]}-01" if f"{last[:4]}-01" >= app.plan.first_month
                                else app.plan.first_month)
        self.info = QLabel()
        self.info.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("考核期间：从"))
        top.addWidget(self.from_box)
        top.addWidget(QLabel("到"))
        top.addWidget(self.to_box)
        top.addStretch(1)
        self.print_btn = QPushButton("打印考核结果…")
        top.addWidget(self.print_btn)
        self.print_btn.clicked.connect(self.print_result)

        def comp(k: str) -> Any:
            return lambda s: f"{getattr(s, k):.1f}" if k in s.applicable else "不适用"

        cols: list[tuple[str, Any]] = [("排名", lambda s: s.rank), ("单位", lambda s: s.unit),
                                       ("总分", lambda s: f"{s.total:.1f}")]
        cols += [(COMPONENT_NAMES[k], comp(k)) for k in COMPONENTS]
        cols += [("通报", lambda s: "通报" if s.flagged else ""), ("说明", lambda s: s.notes)]
        self.model = RowsModel(cols, self, color=lambda s, c: "#b91c1c" if s.flagged and c in (1, 2, 8) else None)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.matrix_model = RowsModel([("单位", lambda r: r["unit"])], self)
        self.matrix = QTableView()
        self.matrix.setModel(self.matrix_model)
        self.matrix.verticalHeader().setVisible(False)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "考核排名")
        self.tabs.addTab(self.matrix, "报送情况")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.info)
        lay.addWidget(self.tabs, 1)
        self.from_box.month_changed.connect(lambda _m: self.refresh())
        self.to_box.month_changed.connect(lambda _m: self.refresh())
        self._shown_once = False
        self.refresh()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._shown_once:
            self.refresh()  # weights, submissions or verdicts may have changed
        self._shown_once = True

    def months(self) -> list[str]:
        a, b = self.from_box.month(), self.to_box.month()
        if a > b:
            a, b = b, a
        return months_between(a, b)

    def set_period(self, first: str, last: str) -> None:
        for box, m in ((self.from_box, first), (self.to_box, last)):
            box.blockSignals(True)
            box.set_month(m)
            box.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        months = self.months()
        self.views = month_views(self.app, self.actor, months)
        self.scores = assess_views(self.views)
        self.model.set_rows(self.scores)
        w = weights(self.app)
        flag = float(self.app.settings.get("assessment_flag_below") or 0)
        n_flag = sum(s.flagged for s in self.scores)
        self.info.setText(
            f"{period_label(months)}，共{len(self.scores)}个单位参加考核，{n_flag}个单位低于{flag:g}分需通报。"
            "权重：" + "、".join(f"{COMPONENT_NAMES[k]}{w[k]:g}" for k in COMPONENTS)
            + "（不适用的项目不计，权重按比例折算）。")
        rows: dict[str, dict[str, Any]] = {}
        for v in self.views:
            for r in v.reports:
                rows.setdefault(r.unit, {"unit": r.unit})[v.month] = _cell(r)
        cols: list[tuple[str, Any]] = [("单位", lambda r: r["unit"])]
        cols += [(f"{int(m[:4])}.{int(m[5:7])}", (lambda mm: lambda r: r.get(mm, ""))(m)) for m in months]
        self.matrix_model.beginResetModel()
        self.matrix_model.columns = cols
        self.matrix_model.rows = list(rows.values())
        self.matrix_model.endResetModel()

    def result_document(self) -> QTextDocument:
        doc = QTextDocument(self)
        doc.setHtml(assessment_html_of(self.views, self.scores))
        return doc

    def print_result(self) -> None:
        preview_and_print(self, self.result_document(), f"考核结果（{period_label(self.months())}）",
                          landscape=True)

    def result_to_pdf(self, path: str | Path) -> Path:
        return print_to_pdf(self.result_document(), path, landscape=True)
