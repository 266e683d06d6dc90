"""The work briefing's (工作简报) issue numbers (what a briefing shows comes from the
month's view, ``models.month_view``).

Issue numbers (期号) run per year of the reported month and are remembered in
``briefing_issues``: the first briefing of a month takes the next free number of
that year; generating the same month again reuses its number; an explicit number
overrides (and is remembered) unless another month of the year already has it.
"""

from __future__ import annotations

from typing import Any

from models.app import Actor, App
from models.authority import OFFICE, rule
from models.errors import InvalidInput
from models.store import now_iso


# -- issue numbers ----------------------------------------------------------------------

@rule(OFFICE, what="编发工作简报")
def issue_of_month(app: App, actor: Actor, month: str) -> int | None:
    v = app.store.scalar("SELECT number FROM briefing_issues WHERE year = ? AND month = ? "
                         "ORDER BY created_at DESC LIMIT 1", (int(month[:4]), month))
    return int(v) if v is not None else None


@rule(OFFICE, what="编发工作简报")
def next_issue(app: App, actor: Actor, year: int) -> int:
    return int(app.store.scalar("SELECT COALESCE(MAX(number), 0) FROM briefing_issues WHERE year = ?",
                                (year,)) or 0) + 1


@rule(OFFICE, what="编发工作简报")
def issue_for(app: App, actor: Actor, month: str, requested: int | None = None) -> int:
    """The number a briefing of ``month`` gets, without recording it."""
    if requested is not None:
        _check_requested(app, month, requested)
        return requested
    return issue_of_month(app, actor, month) or next_issue(app, actor, int(month[:4]))


def _check_requested(app: App, month: str, requested: int) -> None:
    if requested < 1 or requested > 9999:
        raise InvalidInput(f"期号应为1到9999之间的整数，实为{requested}。", [("期号", str(requested))])
    other = app.store.scalar("SELECT month FROM briefing_issues WHERE year = ? AND number = ?",
                             (int(month[:4]), requested))
    if other and other != month:
        raise InvalidInput(
            f"{month[:4]}年第{requested}期已用于{int(other[:4])}年{int(other[5:7])}月的简报，请换一个期号。",
            [("期号", str(requested))])


@rule(OFFICE, what="编发工作简报")
def record_issue(app: App, actor: Actor, month: str, requested: int | None = None) -> int:
    """Assign (or reuse) and remember the issue number of ``month``'s briefing."""
    year = int(month[:4])
    with app.store.tx() as c:
        number = issue_for(app, actor, month, requested)
        c.execute("DELETE FROM briefing_issues WHERE year = ? AND month = ? AND number <> ?",
                  (year, month, number))
        c.execute("INSERT INTO briefing_issues(year, number, month, created_at) VALUES (?, ?, ?, ?) "
                  "ON CONFLICT(year, number) DO NOTHING", (year, number, month, now_iso()))
    return number


@rule(OFFICE, what="编发工作简报")
def issues(app: App, actor: Actor, year: int) -> list[dict[str, Any]]:
    return app.store.query("SELECT * FROM briefing_issues WHERE year = ? ORDER BY number", (year,))
