"""调度看板: traffic lights per action and indicator, counts by colour, overdue items,
and a small chart per indicator (values against the target path). A click on an
action, task, indicator or chart shows its detail on the right."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (QCheckBox, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QScrollArea, QSplitter,
                               QTabWidget, QTextBrowser, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from models.app import Actor, App
from models.catalog import action_key
from models.dashboard import Dashboard, Series, dashboard
from models.entries_base import month_cn
from models.month_view import marked
from forms.values import fmt_number
from ui.office_common import LIGHT_COLORS, LIGHT_NAMES, MonthCombo, RowsModel, SortedTable, chip_html

CODE_ROLE = Qt.ItemDataRole.UserRole


class IndicatorChart(QWidget):
    """Values of one indicator part against its target path, drawn with QPainter."""

    clicked = Signal(str)

    def __init__(self, series: Series, parent: QWidget | None = None):
        super().__init__(parent)
        self.series = series
        self.setFixedSize(222, 150)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"{series.code} {series.name}：点击查看详情")

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.series.code)
        super().mousePressEvent(event)

    def ranges(self) -> tuple[float, float, float, float]:
        s = self.series
        pts = s.values + s.path + s.stretch + s.unreviewed
        xs = [p[0] for p in pts] or [2023.0, 2030.0]
        ys = [p[1] for p in pts] or [0.0, 1.0]
        x0, x1 = min(min(xs), 2023.0), max(max(xs), 2025.0)
        y0, y1 = min(ys), max(ys)
        if y1 - y0 < 1e-9:
            y0, y1 = y0 - 1, y1 + 1
        pad = (y1 - y0) * 0.1
        low = y0 - pad
        if y0 >= 0 > low:  # no negative axis for non-negative data
            low = 0.0
        return x0, x1, low, y1 + pad

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        s = self.series
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#ffffff"))
        p.setPen(QPen(QColor("#d1d5db")))
        p.drawRect(self.rect().adjusted(0, 0, -1, -1))
        color = QColor(LIGHT_COLORS.get(s.status, "#6b7280"))
        p.setBrush(color)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(QRectF(6, 7, 10, 10))
        f = QFont(self.font())
        f.setPointSizeF(max(7.0, f.pointSizeF() - 1))
        p.setFont(f)
        p.setPen(QColor("#111827"))
        title = f"{s.code} {s.name}"
        p.drawText(QRectF(20, 2, self.width() - 24, 20), Qt.AlignmentFlag.AlignVCenter,
                   p.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, self.width() - 26))
        plot = QRectF(34, 26, self.width() - 52, self.height() - 46)
        p.setPen(QPen(QColor("#9ca3af")))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        p.drawLine(plot.bottomLeft(), plot.topLeft())
        if s.qualitative:
            p.setPen(QColor("#6b7280"))
            done = s.values and s.values[-1][1] >= 1
            text = "定性指标：" + ("已完成" if done else ("未完成" if s.values else "尚未填报"))
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, text)
            p.end()
            return
        if not (s.values or s.path):
            p.setPen(QColor("#6b7280"))
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, f"{s.note}，尚无数据" if s.note else "尚无数据")
            p.end()
            return
        x0, x1, y0, y1 = self.ranges()

        def pt(x: float, y: float) -> QPointF:
            return QPointF(plot.left() + (x - x0) / (x1 - x0) * plot.width(),
                           plot.bottom() - (y - y0) / (y1 - y0) * plot.height())

        p.setPen(QColor("#6b7280"))
        step = max(1, -(-(int(x1) - int(x0)) // 3))
        for yr in range(int(x0), int(x1) + 1):
            if (yr - int(x0)) % step == 0 or yr == int(x1):
                q = pt(yr, y0)
                p.drawText(QRectF(q.x() - 20, plot.bottom() + 2, 40, 14), Qt.AlignmentFlag.AlignHCenter,
                           str(yr))
        for yv in (y0, y1):
            q = pt(x0, yv)
            p.drawText(QRectF(0, q.y() - 7, 32, 14), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       fmt_number(round(yv, 2)))
        for pts, style, col in ((s.path, Qt.PenStyle.DashLine, "#2563eb"),
                                (s.stretch, Qt.PenStyle.DotLine, "#7c3aed")):
            if not pts:
                continue
            p.setPen(QPen(QColor(col), 1.5, style))
            p.setBrush(Qt.BrushStyle.NoBrush)
            if len(pts) > 1:
                path = QPainterPath(pt(*pts[0]))
                for x, y in pts[1:]:
                    path.lineTo(pt(x, y))
                p.drawPath(path)
            p.setPen(QPen(QColor(col), 1.5))
            for x, y in pts:  # targets (and the baseline) as rings
                p.drawEllipse(pt(x, y), 4, 4)
        if s.unreviewed:  # figures not approved: hollow grey points, not joined, not judged
            p.setPen(QPen(QColor("#6b7280"), 1.5))
            p.setBrush(QColor("#ffffff"))
            for x, y in s.unreviewed:
                p.drawEllipse(pt(x, y), 3.5, 3.5)
        if s.values:
            p.setPen(QPen(color, 2))
            for a, b in zip(s.values, s.values[1:], strict=False):
                p.drawLine(pt(*a), pt(*b))
            p.setBrush(color)
            for x, y in s.values:
                p.drawEllipse(pt(x, y), 3, 3)
            last = s.values[-1]
            p.setPen(QColor("#111827"))
            p.drawText(QRectF(plot.left() + 4, plot.top(), plot.width() - 4, 14), Qt.AlignmentFlag.AlignRight,
                       f"{fmt_number(round(last[1], 2))}{s.unit}")
        p.end()


class DashboardView(QWidget):
    title = "调度看板"
    needs_actor = True
    detail_shown = Signal(str)

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.data: Dashboard | None = None
        self.charts: dict[str, IndicatorChart] = {}
        self.month_box = MonthCombo(app)
        self.counts_label = QLabel()
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)
        self.include_unreviewed = QCheckBox("含未审核数据")
        self.include_unreviewed.setToolTip("不勾选时，灯色和计数只计已审核通过的数据；勾选后也计入待审、退回和草稿数据"
                                           "（这些数据仍有标注）。")
        self.legend_label = QLabel()
        self.legend_label.setWordWrap(True)
        self.legend_label.setStyleSheet("color: #555;")
        top = QHBoxLayout()
        top.addWidget(QLabel("月份："))
        top.addWidget(self.month_box)
        top.addWidget(self.include_unreviewed)
        top.addWidget(self.counts_label, 1)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["行动 / 任务", "状态", "说明"])
        self.tree.setColumnWidth(0, 340)
        self.tree.setColumnWidth(1, 56)
        self.tree.setUniformRowHeights(True)
        self.ind_model = RowsModel([
            ("编码", lambda r: r["code"]),
            ("名称", lambda r: r["name"]),
            ("类别", lambda r: "指标" if r["kind"] == "indicator" else "里程碑"),
            ("状态", lambda r: LIGHT_NAMES.get(r["status"], r["status"])),
            ("最新值", lambda r: marked(r["value_text"], r.get("state") or "approved")),
            ("期间", lambda r: r["period"] or ""),
            ("序时应达", lambda r: "" if r["expected"] is None else fmt_number(r["expected"])),
            ("责任单位", lambda r: r["responsible_unit"]),
            ("判断", lambda r: r["message"]),
        ], self, color=lambda r, c: LIGHT_COLORS.get(r["status"]) if c == 3 else None)
        self.ind_table = self._table(self.ind_model, {0: 56, 1: 150, 2: 44, 3: 44, 4: 84, 5: 48, 6: 62, 7: 92})
        self.overdue_model = RowsModel([
            ("类别", lambda r: r["kind"]),
            ("编码", lambda r: r["code"]),
            ("名称", lambda r: r["name"]),
            ("单位", lambda r: r["unit"]),
            ("时限", lambda r: r["due"]),
            ("情况", lambda r: r["message"]),
        ], self)
        self.overdue_table = self._table(self.overdue_model, {0: 52, 1: 62, 2: 220, 3: 120, 4: 90})
        self.chart_host = QWidget()
        self.chart_grid = QGridLayout(self.chart_host)
        self.chart_grid.setSpacing(6)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.chart_host)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.tree, app.plan.words.actions_word or "重点任务")
        self.tabs.addTab(self.ind_table, "指标与里程碑")
        self.tabs.addTab(self.overdue_table, "逾期事项")
        self.tabs.addTab(scroll, "指标走势图")
        self.detail = QTextBrowser()
        split = QSplitter()
        split.addWidget(self.tabs)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 2)
        split.setSizes([880, 350])  # the lists first; the detail gets the rest
        split.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.legend_label)
        lay.addWidget(split, 1)
        self.month_box.month_changed.connect(lambda _m: self.refresh())
        self.include_unreviewed.toggled.connect(lambda _on: self.refresh())
        self.tree.currentItemChanged.connect(self._tree_clicked)
        for table in (self.ind_table, self.overdue_table):
            table.selectionModel().currentRowChanged.connect(
                lambda cur, _prev, t=table: self.show_detail(t.row_object(cur)["code"]) if cur.isValid() else None)
        self._shown_once = False
        self.refresh()

    def _table(self, model: RowsModel, widths: dict[int, int]) -> SortedTable:
        """A sortable table; names and messages wrap onto a second line instead of being cut."""
        t = SortedTable(model)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        t.horizontalHeader().setStretchLastSection(True)
        for col, width in widths.items():
            t.setColumnWidth(col, width)
        t.setWordWrap(True)
        t.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        # rows as tall as their wrapped text: measured once when the rows change and once after
        # a column is widened (a ResizeToContents header measured every row on every layout pass)
        fit = QTimer(t)
        fit.setSingleShot(True)
        fit.setInterval(0)
        fit.timeout.connect(t.resizeRowsToContents)
        model.modelReset.connect(fit.start)
        t.horizontalHeader().sectionResized.connect(lambda *_a: fit.start())
        return t

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._shown_once:
            self.refresh()  # settings or entries may have changed on another page
        self._shown_once = True

    def month(self) -> str:
        return self.month_box.month()

    def set_month(self, month: str) -> None:
        self.month_box.blockSignals(True)
        self.month_box.set_month(month)
        self.month_box.blockSignals(False)
        self.refresh()

    # -- building ------------------------------------------------------------------------
    def refresh(self) -> None:
        d = dashboard(self.app, self.actor, self.month(),
                      basis="all" if self.include_unreviewed.isChecked() else "approved")
        self.data = d
        self.legend_label.setText(d.legend)
        self.counts_label.setText("　".join(
            chip_html(s, f"{LIGHT_NAMES[s]} {d.counts.get(s, 0)}") for s in ("red", "yellow", "green", "grey"))
            + f"　逾期里程碑 {len(d.overdue_milestones)}　逾期任务 {len(d.overdue_tasks)}"
            + (f"　未审核 {d.unreviewed}" if d.unreviewed else "")
            + "　行动：" + "，".join(f"{LIGHT_NAMES[s]}{n}" for s in ("red", "yellow", "green", "grey")
                                  if (n := sum(a.status == s for a in d.actions))))
        current = self.tree.currentItem()
        keep = current.data(0, CODE_ROLE) if current is not None else ""
        self._fill_tree(d)
        self._select_in_tree(keep)
        self.ind_model.set_rows(d.verdicts)
        over = [{"kind": "里程碑", "code": m["code"], "name": m["name"], "unit": m["unit"],
                 "due": f"{m['year']}年", "message": m["message"]} for m in d.overdue_milestones]
        over += [{"kind": "任务", "code": t["task"], "name": t["title"], "unit": t["unit"],
                  "due": t["deadline"], "message": f"完成状态：{t['status']}（{t['month']}填报）"}
                 for t in d.overdue_tasks]
        self.overdue_model.set_rows(over)
        self._fill_charts(d.series)

    def _fill_tree(self, d: Dashboard) -> None:
        """Actions with their tasks shown (the tasks are what the office acts on)."""
        self.tree.clear()
        for a in d.actions:
            counts = "，".join(f"{LIGHT_NAMES[s]}{n}" for s, n in sorted(a.counts.items()) if n)
            ai = QTreeWidgetItem(self.tree, [a.heading or a.title, LIGHT_NAMES[a.status], counts])
            ai.setData(0, CODE_ROLE, action_key(a.code))
            ai.setForeground(1, QBrush(QColor(LIGHT_COLORS[a.status])))
            for t in a.tasks:
                ti = QTreeWidgetItem(ai, [f"{t.code} {t.title}", LIGHT_NAMES[t.status], "；".join(t.reasons)])
                ti.setData(0, CODE_ROLE, t.code)
                ti.setForeground(1, QBrush(QColor(LIGHT_COLORS[t.status])))
                ti.setToolTip(2, "；".join(t.reasons))
            ai.setExpanded(True)

    def _select_in_tree(self, code: str) -> None:
        """Select the action or task ``code`` again after a refresh (else the first action),
        so that the detail pane is never empty."""
        found = None
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is None:
                continue
            found = found or next((it for it in (top, *(top.child(j) for j in range(top.childCount())))
                                   if it is not None and code and it.data(0, CODE_ROLE) == code), None)
        target = found or self.tree.topLevelItem(0)
        if target is not None:
            self.tree.setCurrentItem(target)

    def _fill_charts(self, series: list[Series]) -> None:
        if [x.code for x in series] == list(self.charts):
            for x in series:
                self.charts[x.code].series = x
                self.charts[x.code].update()
            return
        while self.chart_grid.count():
            taken = self.chart_grid.takeAt(0)
            w = taken.widget() if taken is not None else None
            if w is not None:
                w.hide()
                w.deleteLater()
        self.charts = {}
        for i, s in enumerate(series):
            c = IndicatorChart(s)
            c.clicked.connect(self.show_detail)
            self.chart_grid.addWidget(c, i // 3, i % 3)
            self.charts[s.code] = c

    def _tree_clicked(self, item: QTreeWidgetItem | None, _prev: Any = None) -> None:
        if item is not None:
            self.show_detail(item.data(0, CODE_ROLE) or "")

    # -- detail --------------------------------------------------------------------------
    def show_detail(self, code: str) -> None:
        self.detail.setHtml(self.detail_html(code))
        self.detail_shown.emit(code)

    def detail_html(self, code: str) -> str:
        e = html.escape
        d = self.data
        if d is None or not code:
            return ""
        plan = self.app.plan
        a = next((x for x in d.actions if action_key(x.code) == code), None)
        if a is not None:
            rows = "".join(
                f"<tr><td>{e(t.code)} {e(t.title)}</td><td>{chip_html(t.status)}</td>"
                f"<td>{e('；'.join(t.reasons))}</td></tr>" for t in a.tasks)
            return (f"<h3>{e(a.title)}：{chip_html(a.status)}</h3><p>行动的灯取其各项任务中最差的灯。</p>"
                    f"<table border='1' cellspacing='0' cellpadding='3'>{rows}</table>")
        if code in plan.tasks_by_code:
            t = next(tl for a in d.actions for tl in a.tasks if tl.code == code)
            units = "".join(f"<li>{e(u)}：{e(s)}</li>" for u, s in t.unit_status.items()) or "<li>尚无填报</li>"
            ms = "".join(f"<li>{e(v['code'])} {e(v['name'])}：{chip_html(v['status'])} {e(v['message'])}</li>"
                         for v in d.verdicts if v["kind"] == "milestone"
                         and plan.part(v["code"]).task == code)
            return (f"<h3>{e(code)} {e(t.title)}：{chip_html(t.status)}</h3>"
                    f"<p>{e('；'.join(t.reasons)) or '无异常'}</p><h4>各单位最新完成状态</h4><ul>{units}</ul>"
                    + (f"<h4>里程碑</h4><ul>{ms}</ul>" if ms else ""))
        v = d.verdict(code)
        if v is None:
            return ""
        from ui.catalog_view import detail_html as catalog_html
        s = next((x for x in d.series if x.code == code), None)
        vals = ""
        if s is not None and (s.values or s.unreviewed):
            points = sorted([(x, y, "") for x, y in s.values] + [(x, y, "（未审核）") for x, y in s.unreviewed])
            vals = "<h4>历年数值</h4><ul>" + "".join(
                f"<li>{int(x)}年：{fmt_number(y)}{e(s.unit)}{mark}</li>" for x, y, mark in points) + "</ul>"
        exp = "" if v["expected"] is None else f"；序时应达 {fmt_number(v['expected'])}{e(v['unit'] or '')}"
        head = (f"<h3>{e(code)} {e(v['name'])}：{chip_html(v['status'])}</h3>"
                f"<p>{e(v['message'])}</p><p>目标：{e(v['target_text'])}{exp}</p>")
        if v.get("baseline") is not None:
            b = v["baseline"]
            head += f"<p>基期：{b.year}年 {fmt_number(b.value)}{e(v['unit'] or '')}</p>"
        return head + vals + "<hr/>" + catalog_html(self.app, code)

    def month_title(self) -> str:
        return month_cn(self.month())
