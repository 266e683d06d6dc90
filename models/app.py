"""The application context: one database, one plan, the settings, the acting user.

Services take an ``App`` and an ``Actor``; widgets and the CLI never touch SQL.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NamedTuple

from models.authority import (ADMIN, CLERK, OFFICE, OFFICE_ADMIN, PUBLIC, REVIEWER, SIGNED_IN, installed_unit,
                              rule)
from models.errors import InvalidInput
from models.plan import Indicator, Plan, Task
from models.settings import Settings, plan_defaults
from models.store import Store, now_iso

__all__ = ["ADMIN", "CLERK", "CLI_ACTOR", "REVIEWER", "ROLE_NAMES", "Actor", "App", "cli_actor", "current_month",
           "month_add", "months_between"]

ROLE_NAMES = {CLERK: "填报员", REVIEWER: "审核员", ADMIN: "管理员"}


@rule(PUBLIC)
class Actor(NamedTuple):
    """Who is acting. A clerk belongs to one unit; reviewers and admins are the office,
    except on a bureau installation (``bureau``: its unit), where an administrator is the
    PC's local administrator with no office powers. Who may call what is declared on the
    services themselves (``models.authority``)."""

    username: str
    role: str
    unit: str | None = None
    display_name: str = ""
    bureau: str | None = None

    @property
    def is_office(self) -> bool:
        return self.role in (REVIEWER, ADMIN) and not self.bureau

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def home_unit(self) -> str | None:
        """The unit whose data this actor works on: a clerk's unit, a bureau's unit."""
        return self.unit or self.bureau

    @property
    def label(self) -> str:
        return self.display_name or self.username


# The command line is an administrator's tool on the PC where it runs: on the office's PC
# the office's administrator, on a bureau installation that bureau's local administrator.
CLI_ACTOR = Actor("命令行", ADMIN, None, "命令行（管理员）")


@rule(PUBLIC)
def cli_actor(app: App) -> Actor:
    """The command line's actor on the database of ``app`` (a local administrator on a bureau)."""
    return CLI_ACTOR._replace(bureau=installed_unit(app))


@rule(PUBLIC)
class App:
    """One database opened with its plan. Opening checks that the database belongs to the
    plan (``models/plan_binding.bind``): a plan of another id raises PlanMismatch, a new
    version of its plan PlanUpdatePending unless ``accept_plan_update`` (then it is
    adopted in the name of ``actor``); nothing is written before those checks. Its own
    methods read the plan's structure and the street list (public); adding a street and
    writing the event log are declared below."""

    def __init__(self, store: Store, plan: Plan, *, accept_plan_update: bool = False, actor: str = ""):
        from models.plan_binding import bind
        self.store = store
        self.plan = plan
        self.settings = Settings(store, plan_defaults(plan.briefing))
        bind(store, plan, accept_update=accept_plan_update, actor=actor)
        self._units: list[str] | None = None
        self._assigned: dict[str, list[str]] | None = None

    @classmethod
    def without_binding(cls, store: Store, plan: Plan) -> App:
        """The database opened with ``plan`` without checking or syncing (the start-up's
        way to sign an office account in while a new version of the plan waits for its
        consent). Nothing is written; ``accept_plan_update`` binds it."""
        app = cls.__new__(cls)
        app.store, app.plan, app.settings = store, plan, Settings(store, plan_defaults(plan.briefing))
        app._units = None
        app._assigned = None
        return app

    @classmethod
    def open(cls, db_path: str | Path, plan_path: str | Path | None = None, *,
             accept_plan_update: bool = False) -> App:
        """The database at ``db_path`` with ``plan_path``, else the plan it keeps, else
        (a new database) the built-in plan."""
        from models.plan_binding import plan_for
        plan = plan_for(db_path, plan_path)
        return cls(Store(db_path), plan, accept_plan_update=accept_plan_update)

    @rule(OFFICE, what="确认计划文件的更新")
    def accept_plan_update(self, actor: Actor, plan: Plan) -> None:
        """Adopt a new version of the database's plan (the office only): the catalog is
        synced by code and the change logged; entered data keeps its codes."""
        from models.plan_binding import bind
        bind(self.store, plan, accept_update=True, actor=actor.username)
        self.plan = plan
        self.settings = Settings(self.store, plan_defaults(plan.briefing))
        self.invalidate()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- units -------------------------------------------------------------------
    def invalidate(self) -> None:
        self._units = None
        self._assigned = None
        self.settings.invalidate()

    def assigned_units(self) -> dict[str, list[str]]:
        """The office's units for what the plan leaves unassigned (未分工), by code: the
        setting ``unit_assignments``, keeping only plan units and codes the plan leaves open."""
        if self._assigned is None:
            self._assigned = self.plan.assignments(self.settings.get("unit_assignments"))
        return self._assigned

    def responsible_unit(self, ind: Indicator) -> str:
        """An indicator's responsible unit: the plan's, else the office's assignment, else ""."""
        if ind.responsible_unit:
            return ind.responsible_unit
        return (self.assigned_units().get(ind.code) or [""])[0]

    def streets(self) -> list[str]:
        return [r["name"] for r in self.store.query(
            "SELECT name FROM units WHERE kind = 'street' AND active = 1 ORDER BY sort, name")]

    def reporting_units(self) -> list[str]:
        """Every unit that reports: the plan's units (the streets placeholder replaced by
        the streets entered in settings), in plan order."""
        if self._units is None:
            out = []
            for u in self.plan.units:
                for name in self.streets() if u.kind == "streets" else [u.name]:
                    if name not in out:  # a street the plan names is also one of the streets
                        out.append(name)
            self._units = out
        return list(self._units)

    def is_street(self, unit: str) -> bool:
        return unit in self.streets()

    @rule(OFFICE_ADMIN, what="添加街道")
    def add_street(self, actor: Actor, name: str) -> None:
        word = self.plan.words.street_word
        name = name.strip()
        if not name:
            raise ValueError(f"{word}名称不能为空")
        with self.store.tx() as c:
            n = self.store.scalar("SELECT COUNT(*) FROM units") or 0
            c.execute("INSERT INTO units(name, kind, sort, active, from_plan) VALUES (?, 'street', ?, 1, 0) "
                      "ON CONFLICT(name) DO UPDATE SET active = 1", (name, 1000 + n))
            self.log(actor, "settings", f"添加{word}：{name}")
        self.invalidate()

    def task_units(self, task: Task) -> list[str]:
        """Units of a task in plan order (the office's assignment for a task the plan leaves
        unassigned), with the streets placeholder (e.g. 各乡镇) expanded into the streets."""
        out = []
        for u in task.units or tuple(self.assigned_units().get(task.code, ())):
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
        return [p.code for ind in self.plan.indicators if self.responsible_unit(ind) == unit
                for p in ind.parts]

    def milestones_of(self, unit: str) -> list[str]:
        return [m.code for t, _ in self.tasks_of(unit) for m in self.plan.milestones_of(t.code)]

    # -- log -----------------------------------------------------------------------
    @rule(SIGNED_IN, what="记录操作日志")
    def log(self, actor: Actor, kind: str, detail: str = "") -> None:
        """Append to the event log (logins, approvals, imports, exports, settings)."""
        with self.store.tx() as c:
            c.execute("INSERT INTO event_log(at, actor, kind, detail) VALUES (?, ?, ?, ?)",
                      (now_iso(), actor.username, kind, detail))

    def is_demo(self) -> bool:
        return bool(self.settings.get("demo"))


@rule(PUBLIC)
def current_month(today: date | None = None) -> str:
    """The month being reported: the previous calendar month."""
    d = today or date.today()
    y, m = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
    return f"{y:04d}-{m:02d}"


@rule(PUBLIC)
def refuse_future(month: str, what: str, today: date | None = None) -> None:
    """Raise ``InvalidInput`` when ``month`` comes after the current reporting month
    (``current_month``): briefings, templates and imports are for months that have
    happened. ``what`` completes the sentence (“不能生成该月的工作简报”)."""
    last = current_month(today)
    if month > last:
        raise InvalidInput(
            f"{int(month[:4])}年{int(month[5:7])}月还没有到填报的时候（当前填报月份是"
            f"{int(last[:4])}年{int(last[5:7])}月），{what}。", [("月份", month)])


@rule(PUBLIC)
def month_add(month: str, n: int) -> str:
    y, m = int(month[:4]), int(month[5:7])
    idx = y * 12 + (m - 1) + n
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


@rule(PUBLIC)
def months_between(first: str, last: str) -> list[str]:
    out = []
    m = first
    while m <= last:
        out.append(m)
        m = month_add(m, 1)
    return out
