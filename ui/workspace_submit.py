"""Submitting a month from the workspace: the checks, the jump confirmation, the problems.

``submit`` saves what is pending, asks once about values more than ten times off the
previous period, lists the problems that block the submission (a double-click jumps
to the item and the field is marked) and submits after a confirmation.
``MonthSubmission`` is a part of ``ui.workspace.Workspace``, built on saving
(``ui.workspace_saving``).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QListWidget, QListWidgetItem, QMessageBox

from models.entries_base import month_cn
from models.errors import DomainError, InvalidInput
from ui.workspace_saving import EditSaving
from ui.workspace_tree import INDICATORS, TASKS


class MonthSubmission(EditSaving):
    """The submitting part of the workspace (a mixin of ``Workspace``): it saves what is
    pending first, so it builds on ``EditSaving``."""

    problems: QListWidget

    if TYPE_CHECKING:  # provided by Workspace
        def focus_form(self) -> None: ...

    def submit(self) -> None:
        if self.lock_reason or not self.unit:
            return
        if not self.flush():
            return
        if not self._confirm_jumps():
            return
        problems = self.entries.month_problems(self.actor, self.unit, self.month)
        if problems:
            self._show_problems(problems)
            return
        ans = QMessageBox.question(
            self, "报送本月", f"确定报送{self.unit}{month_cn(self.month)}的数据吗？报送后不能再修改，"
            "如需修改须由领导小组办公室退回。")
        if ans != QMessageBox.StandardButton.Yes:
            return
        try:
            self.entries.submit(self.actor, self.unit, self.month)
        except InvalidInput as exc:
            self._show_problems(exc.problems)
            return
        except DomainError as exc:
            self._say(str(exc), error=True)
            return
        self._fill_months()
        self._reload_month()
        self._say(f"已报送{month_cn(self.month)}的数据 {datetime.now():%H:%M:%S}")

    def _confirm_jumps(self) -> bool:
        """Ask once about every value more than 10 times off the previous period."""
        jumps = self.entries.unconfirmed_jumps(self.actor, self.unit, self.month)
        if not jumps:
            return True
        text = "\n".join(f"· {where}：{msg}" for where, msg, _ in jumps)
        ans = QMessageBox.question(self, "确认数值", f"以下数值与上期相差超过10倍：\n{text}\n\n确认都填写正确吗？"
                                   "选“否”可返回修改。")
        if ans != QMessageBox.StandardButton.Yes:
            self._show_problems(self.entries.month_problems(self.actor, self.unit, self.month))
            return False
        try:
            for _where, _msg, (kind, code) in jumps:
                self.entries.confirm_jump(self.actor, kind, code, self.unit, self.month)
        except DomainError as exc:
            self._say(str(exc), error=True)
            return False
        return True

    def _show_problems(self, problems: list[tuple[str, str]]) -> None:
        self.problems.clear()
        for where, msg in problems:
            self.problems.addItem(QListWidgetItem(f"{where}：{msg}"))
        self.problems.setVisible(True)
        self._say(f"还有{len(problems)}处问题，改正后才能报送（草稿已保存）。双击下方问题可跳转。", error=True)
        p = self.panel()
        if p is not None:
            p.set_errors(self._errors_of_current(problems))

    def _errors_of_current(self, problems: list[tuple[str, str]]) -> dict[str, str]:
        cur = self.current()
        if not cur:
            return {}
        from forms import task_form
        labels = {f.label: f.key for f in task_form.FIELDS}
        out: dict[str, str] = {}
        for where, msg in problems:
            if cur[0] == TASKS and where.startswith(f"任务{cur[1]}“") and " · " in where:
                key = labels.get(where.split(" · ")[-1])
                if key:
                    out[key] = msg
            elif cur[0] == INDICATORS and where == f"指标{cur[1]}":
                out["value"] = msg
        return out

    def _goto_problem(self, item: QListWidgetItem) -> None:
        m = re.match(r"(任务|里程碑|指标)([0-9A-Za-z.]+)", item.text())
        if not m:
            return
        kind, code = m.group(1), m.group(2)
        if kind == "里程碑":
            code = code.split("-M")[0]
        self.select(INDICATORS if kind == "指标" else TASKS, code)
        self.focus_form()
