"""Sign-in accounts of a sample database (示例数据): one per role, with a known password.

``demo`` creates them, so that the sample can be opened at once as a clerk, a reviewer
and an administrator; README lists them. An account of the same name that already
exists is left as it is. The password is for practice databases only.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import accounts
from models.app import ADMIN, CLERK, REVIEWER, Actor, App
from models.authority import ADMIN_RULE, PUBLIC, rule
from models.errors import DomainError

DEMO_PASSWORD = "Demo#2026"


@rule(PUBLIC)
@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    name: str
    unit: str | None
    created: bool  # False: the name existed already and was left unchanged
    note: str = ""


@rule(PUBLIC, why="the plan's units and their tasks; no entered data is read")
def demo_unit(app: App) -> str:
    """The clerk's unit: the reporting unit with the most tasks (the busiest page)."""
    units = app.reporting_units()
    return max(units, key=lambda u: (len(app.tasks_of(u)), -units.index(u))) if units else ""


@rule(ADMIN_RULE, what="建立示例账户")
def create_demo_accounts(app: App, actor: Actor) -> list[DemoAccount]:
    """An administrator ``admin``, a reviewer ``reviewer`` and a clerk ``clerk`` of
    ``demo_unit``, all with ``DEMO_PASSWORD``; names already taken are kept as they are."""
    unit = demo_unit(app)
    wanted = [("admin", ADMIN, "示例管理员", None), ("reviewer", REVIEWER, "示例审核员", None),
              ("clerk", CLERK, f"示例填报员（{unit}）", unit)]
    out = []
    for username, role, name, u in wanted:
        if accounts.exists(app, username):
            out.append(DemoAccount(username, role, name, u, False, "已存在，未改动"))
            continue
        try:
            accounts.create_user(app, actor, username, role, DEMO_PASSWORD, u, name)
        except DomainError as exc:  # e.g. a bureau's installed PC allows no reviewer
            out.append(DemoAccount(username, role, name, u, False, str(exc)))
            continue
        out.append(DemoAccount(username, role, name, u, True))
    return out
