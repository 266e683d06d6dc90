"""Office settings: stored as JSON values, with documented defaults."""

from __future__ import annotations

import json
from copy import deepcopy
from typing import Any

from models.authority import INTERNAL, PUBLIC, rule
from models.store import Store

DEFAULTS: dict[str, Any] = {
    # 序时进度 thresholds: completion ≥ green_at → green; ≥ yellow_at → yellow; else red.
    "green_at": 100.0,
    "yellow_at": 90.0,
    # Default tolerance of “左右” targets: percentage points for % targets,
    # a fraction of the target otherwise. Per-target overrides: {"I06a@2025": 1.5}.
    "tolerance_pp": 1.0,
    "tolerance_rel": 0.02,
    "tolerances": {},
    # Pending targets set by the office, e.g. {"I03": {"year": 2030, "value": 0.9}}.
    "pending_targets": {},
    # Units the office assigned to tasks and indicators the plan leaves without units
    # (未分工), e.g. {"1.2": ["县发展改革委"]} (models/assignment.py).
    "unit_assignments": {},
    # Day of the following month by which a month's report is due.
    "due_day": 5,
    # Days after the due day after which a month can no longer be edited (0: never).
    "expiry_days": 0,
    "streets": [],
    # The briefing's masthead and distribution lines: defaults from the plan's
    # [plan.briefing] (plan_defaults), so that nothing here names a district.
    "briefing_title": "碳达峰碳中和工作简报",
    "briefing_issuer": "碳达峰碳中和工作领导小组办公室",
    "briefing_to": "",
    "briefing_cc": "",
    "briefing_send": "",
    "briefing_copies": 30,
    # Assessment weights (sum 100) and the 通报 threshold.
    "assessment_weights": {"timeliness": 20, "completeness": 20, "approval": 15,
                           "task_status": 25, "indicators": 20},
    "assessment_flag_below": 60.0,
    "backup_keep": 10,
    # 佐证材料 (evidence files): per-file limit, long side of photos kept (0: never scale),
    # whether originals are kept too, limit of one month's package, and the task and
    # indicator codes whose report needs at least one file before it can be submitted.
    "attachment_max_mb": 20,
    "attachment_photo_px": 2000,
    "attachment_keep_originals": False,
    "attachment_package_mb": 50,
    "attachment_required": [],
    "demo": False,
}


@rule(PUBLIC)
def plan_defaults(briefing: Any) -> dict[str, Any]:
    """The defaults a plan gives (its ``Plan.briefing``): the briefing's lines."""
    return {"briefing_title": briefing.title, "briefing_issuer": briefing.issuer,
            "briefing_to": briefing.report_to, "briefing_cc": briefing.send_to,
            "briefing_send": briefing.distribute_to}


@rule(INTERNAL, why="stored settings; the services that change them declare who may")
class Settings:
    """The office's settings over ``DEFAULTS`` and the plan's own defaults (``defaults``)."""

    def __init__(self, store: Store, defaults: dict[str, Any] | None = None):
        self.store = store
        self.defaults = {**DEFAULTS, **(defaults or {})}
        self._cache: dict[str, Any] | None = None

    def all(self) -> dict[str, Any]:
        if self._cache is None:
            values = deepcopy(self.defaults)
            for row in self.store.query("SELECT key, value FROM settings"):
                try:
                    values[row["key"]] = json.loads(row["value"])
                except ValueError:
                    continue
            self._cache = values
        return self._cache

    def get(self, key: str) -> Any:
        return self.all().get(key, self.defaults.get(key))

    def set(self, key: str, value: Any) -> None:
        """Store one setting (callers check permissions and log the change)."""
        with self.store.tx() as c:
            c.execute("INSERT INTO settings(key, value) VALUES (?, ?) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                      (key, json.dumps(value, ensure_ascii=False)))
        self._cache = None

    def invalidate(self) -> None:
        self._cache = None
