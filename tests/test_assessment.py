"""Assessment: component scores, the weighted total (the documented worked example),
ranking, 通报 flags and the weight/threshold settings."""

from __future__ import annotations

from models.app import CLI_ACTOR

import pytest

from models import review
from models.assessment import assess
from models.entries import Entries
from models.office import set_setting
from tests.office_data import fill, fill_and_submit, past_month, this_month

U = "区教体局"  # 4 tasks, no indicator
CG = "区城管局"  # 2 tasks, I06a and I06b


@pytest.fixture
def period(app, clerk_of, reviewer):
    """The worked example of README (考核评价), with an old (late) and a current (on time) month."""
    old, now = past_month(15), this_month()  # old lies in an earlier year
    cu, cg = clerk_of(U), clerk_of(CG)
    fill_and_submit(app, cu, U, old)  # submitted after the due day: late
    review.approve(app, reviewer, U, old)
    fill(app, cu, U, now)
    Entries(app).save_task_report(cu, "9.2", U, now, {"status": "滞后"})
    Entries(app).submit(cu, U, now)
    review.return_submission(app, reviewer, U, now, "请说明滞后原因")
    Entries(app).submit(cu, U, now)
    fill(app, cg, CG, now)
    Entries(app).save_indicator_value(cg, "I06a", CG, now, "30")
    Entries(app).submit(cg, CG, now)
    return [old, now]


def test_worked_example(app, period):
    scores = {s.unit: s for s in assess(app, CLI_ACTOR, period)}
    u = scores[U]
    assert (u.timeliness, u.completeness, u.approval, u.task_status) == (50.0, 100.0, 75.0, 75.0)
    assert "indicators" not in u.applicable  # no indicator: weights rescaled to 80
    assert u.total == 75.0 and u.rank == 1 and not u.flagged
    assert "被退回1次" in u.notes and "1项任务滞后" in u.notes
    c = scores[CG]
    assert (c.timeliness, c.completeness, c.approval, c.task_status, c.indicators) == (
        50.0, 37.5, 50.0, 100.0, 0.0)
    assert c.total == 50.0 and c.rank == 2 and c.flagged
    assert "I06a" in c.notes and "1个月未报送" in c.notes
    others = [s for s in scores.values() if s.unit not in (U, CG)]
    assert others and all(s.total == 0.0 and s.rank == 3 and s.flagged for s in others)
    assert "区统计局" not in scores  # nothing to report: not assessed
    ranked = assess(app, CLI_ACTOR, period)
    assert [s.rank for s in ranked] == sorted(s.rank for s in ranked)


def test_weights_and_flag_threshold_are_settings(app, period, admin):
    set_setting(app, admin, "assessment_weights",
                {"timeliness": 100, "completeness": 0, "approval": 0, "task_status": 0, "indicators": 0})
    scores = {s.unit: s for s in assess(app, CLI_ACTOR, period)}
    assert scores[U].total == 50.0 and scores[CG].total == 50.0
    assert scores[U].rank == scores[CG].rank == 1
    set_setting(app, admin, "assessment_flag_below", 40)
    scores = {s.unit: s for s in assess(app, CLI_ACTOR, period)}
    assert not scores[CG].flagged and scores["区发改委"].flagged


def test_overdue_deadline_counts_as_zero(app, clerk_of):
    m = this_month()
    fill_and_submit(app, clerk_of(U), U, m, deadline="2020-06-30")
    s = next(x for x in assess(app, CLI_ACTOR, [m]) if x.unit == U)
    assert s.task_status == 0.0 and "4项任务超过完成时限未完成" in s.notes


def test_assess_many_months_uses_few_queries(app, clerk_of):
    months = [f"{y}-{mo:02d}" for y in (2024, 2025) for mo in range(1, 13)]
    fill_and_submit(app, clerk_of(U), U, "2025-03")
    statements: list[str] = []
    app.store.conn.set_trace_callback(statements.append)
    try:
        scores = assess(app, CLI_ACTOR, months)
    finally:
        app.store.conn.set_trace_callback(None)
    assert len(statements) <= 15
    assert len(scores) == len(app.reporting_units()) - 2


def test_printable_result(app, period):
    from models.assessment import assessment_html
    html = assessment_html(app, CLI_ACTOR, period)
    assert "碳达峰工作考核结果" in html
    assert "需通报的单位" in html and "区城管局" in html
    table = html[html.index("<table"):]
    assert table.index(U) < table.index(CG)  # ranked order
    assert "<b>75.0</b>" in html and "<b>50.0</b>" in html
