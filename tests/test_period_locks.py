"""Period locks live in the service: a value for a period is written only through the month
being edited and under that month's lock rules, for every role, until the office reopens it."""

from __future__ import annotations

import pytest

from models import review
from models.app import ADMIN, CLERK, REVIEWER, Actor, App
from models.entries import Entries
from models.errors import InvalidInput, Locked
from tests.office_data import fill

UNIT, PART = "区发改委", "I01"  # an annual indicator of 区发改委
CLERK_ = Actor("fgw", CLERK, UNIT)
OFFICE = Actor("office", REVIEWER)
ADMIN_ = Actor("admin", ADMIN)


def test_an_approved_month_and_its_period_are_closed_to_every_role(app: App) -> None:
    e = Entries(app)
    e.save_indicator_value(CLERK_, PART, UNIT, "2026-09", "16")
    fill(app, CLERK_, UNIT, "2026-09")
    e.submit(CLERK_, UNIT, "2026-09")
    review.approve(app, OFFICE, UNIT, "2026-09")
    for who in (CLERK_, OFFICE, ADMIN_):
        with pytest.raises(Locked, match="审核通过并锁定"):
            e.save_indicator_value(who, PART, UNIT, "2026-09", "99")
        # another month may not write into a period that is not its own
        with pytest.raises(InvalidInput, match="只能填写2026期间的数值"):
            e.save_indicator_value(who, PART, UNIT, "2026-10", "99", period="2026-09")
        with pytest.raises(InvalidInput, match="期间"):
            e.save_indicator_value(who, PART, UNIT, "2026-10", "99", period="2025")
    assert e.indicator_value(OFFICE, PART, "2026")["value"] == 16
    review.reopen(app, OFFICE, UNIT, "2026-09", "数据需要更正")  # the office's explicit unlock
    e.save_indicator_value(CLERK_, PART, UNIT, "2026-09", "17")
    assert e.indicator_value(OFFICE, PART, "2026")["value"] == 17


def test_months_outside_the_plan_are_refused(app: App) -> None:
    e = Entries(app)
    for month in ("2022-12", "2031-01", "2026-13", "1999"):
        with pytest.raises(Locked):
            e.save_indicator_value(OFFICE, PART, UNIT, month, "10")
        with pytest.raises(Locked):
            e.save_task_report(CLERK_, "1.1", UNIT, month, {"progress": "x"})
    assert app.store.scalar("SELECT COUNT(*) FROM indicator_values") == 0
    assert app.store.scalar("SELECT COUNT(*) FROM task_reports") == 0
