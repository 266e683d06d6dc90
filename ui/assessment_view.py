"""考核评价: unit scores and ranking over a period, with 通报 flags, and the reporting
matrix (units × months: submitted on time, late, missing)."""

from __future__ import annotations

from typing import Any

from pathlib import Path

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from models.app import Actor, App, months_between
from models.assessment import (COMPONENT_NAMES, COMPONENTS, UnitScore, assess_views, assessment_html_of,
                               period_label, weights)
from models.month_read import month_views
from models.month_view import MonthView
from models.reporting import UnitMonthReport
from ui.office_common import MonthCombo, RowsModel, SortedTable, preview_and_print, print_to_pdf
from ui.tables import compact_rows

_MARKS = {"approved": "√", "submitted": "报", "returned": "退", "draft": "草", "": "—"}
# Read under the grid: what each mark means.
LEGEND = ("图例：√ 已审核通过　报 已报送、待审核　退 已退回修改　草 有草稿、未报送　— 尚未填报　"
          "未报 截止日已过仍未报送　（迟） 超过截止日才报送　空白 该月没有填报任务")


def _cell(r: UnitMonthReport) -> str:
    if not r.expected:
        return ""
    mark = _MARKS.get(r.state, r.state)
    if r.submitted_at and r.on_time is False:
        mark += "（迟）"
    elif not r.submitted and r.overdue:
        mark = "未报"
    return mark


def _mark_meaning(mark: str) -> str | None:
    """The tooltip of a grid cell: its mark in words."""
    if not mark:
        return None
    words = {"√": "已审核通过", "报": "已报送，待审核", "退": "已退回修改", "草": "有草稿，未报送",
             "—": "尚未填报", "未报": "截止日已过仍未报送"}
    base = mark.replace("（迟）", "")
    text = words.get(base, mark)
    return text + ("；超过截止日才报送" if "（迟）" in mark else "")


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
        self.table = SortedTable(self.model)
        compact_rows(self.table)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.matrix_model = RowsModel([("单位", lambda r: r["unit"])], self,
                                      tooltip=lambda r, c: _mark_meaning(self._matrix_cell(r, c)))
        self.matrix = SortedTable(self.matrix_model)
        compact_rows(self.matrix)
        self.legend = QLabel(LEGEND)
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color: #374151;")
        grid = QWidget()
        gv = QVBoxLayout(grid)
        gv.setContentsMargins(0, 0, 0, 0)
        gv.addWidget(self.matrix, 1)
        gv.addWidget(self.legend)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "考核排名")
        self.tabs.addTab(grid, "报送情况")
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
        self.matrix_model.set_columns(cols, list(rows.values()))
        self.matrix.resizeColumnsToContents()

    def _matrix_cell(self, row: dict[str, Any], col: int) -> str:
        return str(self.matrix_model.columns[col][1](row)) if col > 0 else ""

    def result_document(self) -> QTextDocument:
        doc = QTextDocument(self)
        doc.setHtml(assessment_html_of(self.views, self.scores))
        return doc

    def print_result(self) -> None:
        preview_and_print(self, self.result_document(), f"考核结果（{period_label(self.months())}）",
                          landscape=True)

    def result_to_pdf(self, path: str | Path) -> Path:
        return print_to_pdf(self.result_document(), path, landscape=True)
