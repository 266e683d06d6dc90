"""Reporting rate and timeliness per unit and month, and the 催报 list."""

from __future__ import annotations

from datetime import date

from models import review
from models.app import CLI_ACTOR, month_add, months_between
from models.entries import Entries
from models.entries_base import due_date
from models.reporting import reminder_html, reminder_list, reminder_text, reporting_status, status_many, summary
from tests.office_data import fill, fill_and_submit, past_month, this_month

U = "区教体局"  # 4 tasks, no indicator
CG = "区城管局"  # 2 tasks, indicator parts I06a and I06b


def _by_unit(rows):
    return {r.unit: r for r in rows}


def test_expected_filled_and_missing_items(app, clerk_of):
    m = this_month()
    fill(app, clerk_of(U), U, m, skip=("9.2",))
    Entries(app).save_task_report(clerk_of(U), "9.2", U, m, {"status": "推进中"})  # incomplete
    e = Entries(app)
    cg = clerk_of(CG)
    fill(app, cg, CG, m)
    last_year = str(int(m[:4]) - 1)
    e.save_indicator_value(cg, "I06a", CG, f"{last_year}-12", "58")  # last year's figure counts
    rows = _by_unit(reporting_status(app, CLI_ACTOR, m))
    assert list(_by_unit(reporting_status(app, CLI_ACTOR, m))) == app.reporting_units()
    r = rows[U]
    assert (r.expected, r.filled) == (4, 3)
    assert any("9.2" in x and "不完整" in x for x in r.missing)
    assert r.missing[0].endswith("已填写，尚未报送")
    c = rows[CG]
    assert (c.expected, c.filled) == (4, 3)
    assert any("I06b" in x for x in c.missing) and not any("I06a" in x for x in c.missing)
    assert rows["区统计局"].expected == 0  # names no task: nothing expected


def test_on_time_late_and_missing(app, clerk_of):
    m_now, m_old = this_month(), past_month(3)
    fill_and_submit(app, clerk_of(U), U, m_now)
    fill_and_submit(app, clerk_of(U), U, m_old)
    fill(app, clerk_of(CG), CG, m_old)
    now = _by_unit(reporting_status(app, CLI_ACTOR, m_now))
    assert now[U].on_time is True and not now[U].late and now[U].submitted
    assert now[CG].on_time is None and not now[CG].overdue  # not yet due
    old = _by_unit(reporting_status(app, CLI_ACTOR, m_old))
    assert old[U].on_time is False and old[U].late and old[U].submitted_at
    assert old[U].timeliness_text == "迟报"
    assert old[CG].on_time is False and old[CG].overdue and old[CG].timeliness_text == "逾期未报"
    assert old[U].due == due_date(m_old, 5).isoformat()
    s = summary(reporting_status(app, CLI_ACTOR, m_old))
    assert s["submitted"] == 1 and s["late"] == 1 and s["on_time"] == 0
    assert s["units"] == len(app.reporting_units()) - 2  # 区统计局, 区税务局 have nothing to report


def test_due_day_setting_moves_the_deadline(app, clerk_of, admin):
    from models.office import set_setting
    m = past_month(2)
    fill_and_submit(app, clerk_of(U), U, m)
    first = date.fromisoformat(_by_unit(reporting_status(app, CLI_ACTOR, m))[U].submitted_at[:10])
    assert _by_unit(reporting_status(app, CLI_ACTOR, m, today=first))[U].on_time is False
    # a due day after today's date in the following month would make it on time only if the
    # following month is the current one; instead check the due date moves
    set_setting(app, admin, "due_day", 20)
    assert _by_unit(reporting_status(app, CLI_ACTOR, m))[U].due == due_date(m, 20).isoformat()


def test_timeliness_uses_first_submission_after_return(app, clerk_of, reviewer):
    m = this_month()
    fill_and_submit(app, clerk_of(U), U, m)
    first = _by_unit(reporting_status(app, CLI_ACTOR, m))[U].submitted_at
    review.return_submission(app, reviewer, U, m, "请补充")
    r = _by_unit(reporting_status(app, CLI_ACTOR, m))[U]
    assert r.state == "returned" and not r.submitted and r.returns == 1
    assert r.missing[0].endswith("已退回，尚未重新报送")
    Entries(app).submit(clerk_of(U), U, m)
    r = _by_unit(reporting_status(app, CLI_ACTOR, m))[U]
    assert r.submitted_at == first and r.on_time is True


def test_reminder_list_and_printable_text(app, clerk_of):
    m = past_month(2)
    fill_and_submit(app, clerk_of(U), U, m)
    fill(app, clerk_of(CG), CG, m, skip=("6.4",))
    today = date.fromisoformat(month_add(m, 2) + "-01")
    rows = reminder_list(app, CLI_ACTOR, m, today)
    units = [r.unit for r in rows]
    assert U not in units and "区统计局" not in units and CG in units and "区发改委" in units
    text = reminder_text(app, CLI_ACTOR, m, today)
    y, mo = int(m[:4]), int(m[5:])
    assert f"关于报送{y}年{mo}月" in text
    assert f"截至{today.year}年{today.month}月1日" in text
    assert "区城管局（逾期未报；应填4项，已填1项）" in text
    assert "任务6.4“提升生活垃圾减量化资源化水平”：本月进展未填报" in text
    assert "区发改委（逾期未报；应填33项，已填0项）" in text
    assert "30项任务进展、3项指标数值均未填报" in text
    assert text.rstrip().endswith(f"{today.year}年{today.month}月1日")
    html = reminder_html(app, CLI_ACTOR, m, today)
    assert "<h2" in html and "区城管局" in html


def test_reminder_when_everyone_submitted(app, clerk_of):
    m = this_month()
    for unit in app.reporting_units():
        if app.tasks_of(unit) or app.parts_of(unit):
            fill(app, clerk_of(unit), unit, m)
            for code in app.parts_of(unit):
                Entries(app).save_indicator_value(clerk_of(unit), code, unit, m,
                                                  "是" if app.plan.part(code).qualitative else "1")
            Entries(app).submit(clerk_of(unit), unit, m)
    assert reminder_list(app, CLI_ACTOR, m) == []
    assert "各单位均已报送" in reminder_text(app, CLI_ACTOR, m)
    s = summary(reporting_status(app, CLI_ACTOR, m))
    assert s["report_rate"] == 100.0 and s["on_time_rate"] == 100.0 and s["completeness"] == 100.0


def test_status_many_uses_few_queries(app, clerk_of):
    for m in ("2025-01", "2025-02", "2025-03"):
        fill_and_submit(app, clerk_of(U), U, m)
    months = months_between("2024-01", "2025-12")
    statements: list[str] = []
    app.store.conn.set_trace_callback(statements.append)
    try:
        res = status_many(app, CLI_ACTOR, months, date(2026, 6, 1))
    finally:
        app.store.conn.set_trace_callback(None)
    assert len(statements) <= 8
    assert len(res) == 24 and all(len(v) == len(app.reporting_units()) for v in res.values())
    assert [_by_unit(res[m])[U].filled for m in ("2024-12", "2025-01", "2025-03")] == [0, 4, 4]
