"""The application context: one database, one plan, the settings, the acting user.

Services take an ``App`` and an ``Actor``; widgets and the CLI never touch SQL.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NamedTuple

from models.catalog import sync_catalog
from models.errors import PermissionDenied
from models.plan import Plan, Task
from models.plan_load import load_plan
from models.settings import Settings
from models.store import Store, now_iso

CLERK, REVIEWER, ADMIN = "clerk", "reviewer", "admin"
ROLE_NAMES = {CLERK: "填报员", REVIEWER: "审核员", ADMIN: "管理员"}


class Actor(NamedTuple):
    """Who is acting. A clerk belongs to one unit; reviewers and admins are the office."""

    username: str
    role: str
    unit: str | None = None
    display_name: str = ""

    @property
    def is_office(self) -> bool:
        return self.role in (REVIEWER, ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def label(self) -> str:
        return self.display_name or self.username

    def require_office(self, what: str) -> None:
        if not self.is_office:
            raise PermissionDenied(f"只有领导小组办公室的审核员或管理员可以{what}。")

    def require_admin(self, what: str) -> None:
        if not self.is_admin:
            raise PermissionDenied(f"只有管理员可以{what}。")

    def require_unit(self, unit: str, what: str = "修改该单位的数据") -> None:
        if self.is_office:
            return
        if self.unit != unit:
            raise PermissionDenied(f"您是{self.unit or '未指定单位'}的填报员，不能{what}（{unit}）。")


# The command line is an administrator's tool on the PC where it runs.
CLI_ACTOR = Actor("命令行", ADMIN, None, "命令行（管理员）")


class App:
    def __init__(self, store: Store, plan: Plan):
        self.store = store
        self.plan = plan
        self.settings = Settings(store)
        sync_catalog(store, plan)
        self._units: list[str] | None = None

    @classmethod
    def open(cls, db_path: str | Path, plan_path: str | Path | None = None) -> App:
        return cls(Store(db_path), load_plan(plan_path))

    def close(self) -> None:
        self.store.close()

    # -- units -------------------------------------------------------------------
    def invalidate(self) -> None:
        self._units = None
        self.settings.invalidate()

    def streets(self) -> list[str]:
        return [r["name"] for r in self.store.query(
            "SELECT name FROM units WHERE kind = 'street' AND active = 1 ORDER BY sort, name")]

    def reporting_units(self) -> list[str]:
        """Every unit that reports: the plan's units (the 各街道 placeholder replaced by
        the streets entered in settings), in plan order."""
        if self._units is None:
            out = []
            for u in self.plan.units:
                if u.kind == "streets":
                    out.extend(self.streets())
                else:
                    out.append(u.name)
            self._units = out
        return list(self._units)

    def is_street(self, unit: str) -> bool:
        return unit in self.streets()

    def add_street(self, actor: Actor, name: str) -> None:
        actor.require_admin("添加街道")
        name = name.strip()
        if not name:
            raise ValueError("街道名称不能为空")
        with self.store.tx() as c:
            n = self.store.scalar("SELECT COUNT(*) FROM units") or 0
            c.execute("INSERT INTO units(name, kind, sort, active, from_plan) VALUES (?, 'street', ?, 1, 0) "
                      "ON CONFLICT(name) DO UPDATE SET active = 1", (name, 1000 + n))
            self.log(actor, "settings", f"添加街道：{name}")
        self.invalidate()

    def task_units(self, task: Task) -> list[str]:
        """Units of a task in plan order, with 各街道 expanded into the streets."""
        out = []
        for u in task.units:
            if u == self.plan.streets_unit:
                out.extend(self.streets())
            else:
                out.append(u)
        return out

    def task_role(self, task: Task, unit: str) -> str | None:
        units = self.task_units(task)
        if unit not in units:
            return None
        return "lead" if units[0] == unit else "cooperate"

    def tasks_of(self, unit: str) -> list[tuple[Task, str]]:
        """The unit's tasks (lead or cooperating) in plan order."""
        out = []
        for t in self.plan.tasks:
            role = self.task_role(t, unit)
            if role:
                out.append((t, role))
        return out

    def parts_of(self, unit: str) -> list[str]:
        """Codes of the indicator parts the unit is responsible for."""
        return [p.code for ind in self.plan.indicators if ind.responsible_unit == unit
                for p in ind.parts]

    def milestones_of(self, unit: str) -> list[str]:
        return [m.code for t, _ in self.tasks_of(unit) for m in self.plan.milestones_of(t.code)]

    # -- log -----------------------------------------------------------------------
    def log(self, actor: Actor, kind: str, detail: str = "") -> None:
        """Append to the event log (logins, approvals, imports, exports, settings)."""
        with self.store.tx() as c:
            c.execute("INSERT INTO event_log(at, actor, kind, detail) VALUES (?, ?, ?, ?)",
                      (now_iso(), actor.username, kind, detail))

    def is_demo(self) -> bool:
        return bool(self.settings.get("demo"))


def current_month(today: date | None = None) -> str:
    """The month being reported: the previous calendar month."""
    d = today or date.today()
    y, m = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
    return f"{y:04d}-{m:02d}"


def month_add(month: str, n: int) -> str:
    y, m = int(month[:4]), int(month[5:7])
    idx = y * 12 + (m - 1) + n
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    out = []
    m = first
    while m <= last:
        out.append(m)
        m = month_add(m, 1)
    return out
