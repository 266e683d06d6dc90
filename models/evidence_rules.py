"""佐证材料 in the submit check: where the office requires evidence and where it found it lacking.

The office names the tasks and indicators whose report needs at least one file (setting
``attachment_required``): a required task needs a file on its report or on one of the
unit's projects of the task in the month; a required indicator needs one when a value
was entered for it in the month (an annual value's files from earlier months count).
When the office returns a month it may mark items 佐证不足 (``models.review``): such an
item needs a file that was not there when it was marked. ``EvidenceRules`` is a part of
``models.entries.Entries``; its problems join ``month_problems``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from models.app import Actor
from models.authority import UNIT, rule
from models.entries_base import EntriesBase


class EvidenceRules(EntriesBase):
    """What the submit check asks of a month's evidence files."""

    if TYPE_CHECKING:  # provided by the other parts of models.entries.Entries
        def period_for(self, part_code: str, month: str) -> str: ...

        def _indicator_value(self, part_code: str, period: str) -> dict[str, Any] | None: ...

        def _attachments(self, unit: str, month: str, entity: str | None = None, key: str | None = None,
                         removed: bool = False) -> list[dict[str, Any]]: ...

        def _earlier_attachments(self, unit: str, month: str, entity: str, key: str) -> list[dict[str, Any]]: ...

        def _attachment_counts(self, unit: str, month: str) -> dict[tuple[str, str], int]: ...

        def _item_label(self, entity: str, key: str) -> str: ...

    def _required_codes(self) -> set[str]:
        v = self.app.settings.get("attachment_required") or []
        return {str(c) for c in v} if isinstance(v, list) else set()

    @rule(UNIT, unit="unit", read=True, what="查看该单位的审核意见")
    def evidence_flags(self, actor: Actor, unit: str, month: str) -> list[dict[str, Any]]:
        """The items the office marked 佐证不足 when it last returned the month."""
        return self._evidence_flags(unit, month)

    def _evidence_flags(self, unit: str, month: str) -> list[dict[str, Any]]:
        return self.store.query("SELECT * FROM evidence_flags WHERE unit = ? AND month = ? "
                                "ORDER BY entity, entity_key", (unit, month))

    @rule(UNIT, unit="unit", read=True, what="查看该单位的填报")
    def attachment_problems(self, actor: Actor, unit: str, month: str) -> list[tuple[str, str]]:
        """(where, message) for every item that needs evidence and has none."""
        return self._attachment_problems(unit, month)

    def _attachment_problems(self, unit: str, month: str) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        required = self._required_codes()
        counts = self._attachment_counts(unit, month)
        if required:
            projects: dict[str, list[str]] = {}
            for r in self.store.query(
                    "SELECT uid, task_code FROM projects WHERE unit = ? AND created_month <= ? "
                    "AND (closed_month = '' OR closed_month >= ?)", (unit, month, month)):
                projects.setdefault(r["task_code"], []).append(r["uid"])
            for task, _role in self.app.tasks_of(unit):
                if task.code not in required:
                    continue
                n = counts.get(("task_report", task.code), 0) + sum(
                    counts.get(("project_month", uid), 0) for uid in projects.get(task.code, []))
                if not n:
                    problems.append((f"任务{task.code}“{task.title}” · 佐证材料",
                                     "办公室要求本任务附佐证材料（照片、文件等），请至少添加一份"))
            for code in self.app.parts_of(unit):
                if code not in required:
                    continue
                period = self.period_for(code, month)
                iv = self._indicator_value(code, period)
                if iv is None or iv["month"] != month:
                    continue  # nothing entered for the indicator this month
                key = f"{code}@{period}"
                if not counts.get(("indicator", key)) and not self._earlier_attachments(unit, month, "indicator", key):
                    problems.append((f"指标{code} · 佐证材料", "办公室要求本指标附佐证材料（统计报表、文件等），请至少添加一份"))
        for flag in self._evidence_flags(unit, month):
            try:
                known = set(json.loads(flag["known"]))
            except (ValueError, TypeError):
                known = set()
            current = self._attachments(unit, month, flag["entity"], flag["entity_key"])
            if not any(a["uid"] not in known for a in current):
                problems.append((f"{self._item_label(flag['entity'], flag['entity_key'])} · 佐证材料",
                                 "办公室退回时标记了“佐证不足”，请补充佐证材料后再报送"))
        return problems
