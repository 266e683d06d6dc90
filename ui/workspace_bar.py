"""The top row of the monthly entry workspace: unit, month and the page's actions.

The office chooses the unit in a list, a bureau clerk sees its own unit's name; the
month is chosen in a list (each month tagged with its state when not a draft) or
stepped with ◀/▶; then the month's state and the buttons 复制上月内容, 撤销, 修改记录,
保存 and 报送本月. ``MonthBar`` is a layout: ``ui.workspace.Workspace`` places it and
connects its widgets.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QToolButton

from models.entries_base import STATE_NAMES, month_cn


class MonthBar(QHBoxLayout):
    """The unit and month choosers and the action buttons, in one row."""

    def __init__(self, is_office: bool):
        super().__init__()
        self.unit_combo = QComboBox()
        self.unit_combo.setMinimumContentsLength(10)
        self.unit_combo.setVisible(is_office)
        self.unit_combo.setToolTip("办公室可以查看和代填任一单位")
        self.unit_label = QLabel()
        self.unit_label.setVisible(not is_office)
        self.prev_btn = QToolButton()
        self.prev_btn.setText("◀")
        self.prev_btn.setToolTip("上个月（Alt+←）")
        self.next_btn = QToolButton()
        self.next_btn.setText("▶")
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
        self.setContentsMargins(0, 0, 0, 0)
        self.addWidget(QLabel("填报单位："))
        self.addWidget(self.unit_combo)
        self.addWidget(self.unit_label)
        self.addSpacing(12)
        self.addWidget(QLabel("月份："))
        self.addWidget(self.prev_btn)
        self.addWidget(self.month_combo)
        self.addWidget(self.next_btn)
        self.addWidget(self.state_label)
        self.addStretch(1)
        for b in (self.copy_btn, self.undo_btn, self.hist_btn, self.save_btn, self.submit_btn):
            self.addWidget(b)

    def show_units(self, units: list[str], unit: str) -> None:
        """List ``units`` with ``unit`` chosen (no change signal)."""
        self.unit_combo.blockSignals(True)
        self.unit_combo.clear()
        for u in units:
            self.unit_combo.addItem(u, u)
        self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(unit)))
        self.unit_combo.blockSignals(False)
        self.unit_label.setText(f"<b>{unit}</b>")

    def show_months(self, months: list[str], states: dict[str, str], month: str) -> None:
        """List ``months`` tagged with their states, with ``month`` chosen (no change signal)."""
        self.month_combo.blockSignals(True)
        self.month_combo.clear()
        for m in months:
            st = STATE_NAMES.get(states.get(m, ""), "")
            tag = f"（{st}）" if states.get(m) and st != "草稿" else ""
            self.month_combo.addItem(f"{month_cn(m)}{tag}", m)
        self.month_combo.setCurrentIndex(self.month_combo.findData(month))
        self.month_combo.blockSignals(False)
