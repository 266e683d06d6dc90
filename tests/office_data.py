"""Helpers for the office tests: fill and submit a unit's month through Entries."""

from __future__ import annotations

from datetime import date

from models.app import Actor, App, month_add
from models.entries import Entries


def this_month() -> str:
    """The calendar month of today: its due day is always still ahead."""
    d = date.today()
    return f"{d.year:04d}-{d.month:02d}"


def past_month(n: int = 3) -> str:
    """A month whose due day has passed (n ≥ 2)."""
    return month_add(this_month(), -n)


def fill(app: App, clerk: Actor, unit: str, month: str, status: str = "推进中",
         deadline: str = "", skip: tuple[str, ...] = ()) -> None:
    e = Entries(app)
    for t, _ in app.tasks_of(unit):
        if t.code in skip:
            continue
        values = {"status": status, "progress": f"{t.code}本月进展", "person": "张伟"}
        if deadline:
            values["deadline"] = deadline
        e.save_task_report(clerk, t.code, unit, month, values)


def fill_and_submit(app: App, clerk: Actor, unit: str, month: str, **kw: object) -> None:
    fill(app, clerk, unit, month, **kw)  # type: ignore[arg-type]
    Entries(app).submit(clerk, unit, month)
