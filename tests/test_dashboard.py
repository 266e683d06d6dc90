"""The dispatch board's rules: task and action lights, overdue milestones and tasks,
indicator paths for the charts, and its query count."""

from __future__ import annotations

from models.app import CLI_ACTOR

from models.dashboard import dashboard, indicator_series
from models.entries import Entries
from models.office import set_baseline, set_pending_target

M = "2026-10"


def _task(d, code):
    return next(t for a in d.actions for t in a.tasks if t.code == code)


def test_task_and_action_lights(app, clerk_of):
    e = Entries(app)
    e.save_task_report(clerk_of("区教体局"), "9.1", "区教体局", M,
                       {"status": "滞后", "progress": "x", "person": "张"})
    e.save_task_report(clerk_of("区教体局"), "9.2", "区教体局", M,
                       {"status": "推进中", "progress": "x", "person": "张"})
    e.save_task_report(clerk_of("区工信局"), "2.1", "区工信局", M,
                       {"status": "推进中", "progress": "x", "person": "王", "deadline": "2026-09-30"})
    e.save_task_report(clerk_of("区工信局"), "2.2", "区工信局", M,
                       {"status": "已完成", "progress": "x", "person": "王", "deadline": "2026-09-30"})
    d = dashboard(app, CLI_ACTOR, M, basis="all")
    assert _task(d, "9.1").status == "red" and "区教体局报告滞后" in _task(d, "9.1").reasons
    assert _task(d, "9.2").status == "green"
    assert _task(d, "9.3").status == "grey"
    a9 = next(a for a in d.actions if a.no == 9)
    assert a9.status == "red" and a9.counts == {"red": 1, "green": 1, "grey": 1}
    assert _task(d, "2.1").status == "red"  # 完成时限 passed, not 已完成
    assert _task(d, "2.2").status == "green"  # done before its deadline
    assert [(t["task"], t["unit"]) for t in d.overdue_tasks] == [("2.1", "区工信局")]
    assert next(a for a in d.actions if a.no == 1).status == "grey"
    # a month earlier the deadline had not passed yet
    assert _task(dashboard(app, CLI_ACTOR, "2026-09", basis="all"), "2.1").status == "grey"  # no report up to September


def test_overdue_milestones(app, clerk_of):
    e = Entries(app)
    d = dashboard(app, CLI_ACTOR, M, basis="all")
    codes = {m["code"] for m in d.overdue_milestones}
    assert {"4.3-M1", "3.2-M1"} <= codes  # 2025 targets without figures
    assert "4.2-M1" not in codes  # 2030 target: not yet due
    e.save_milestone_value(clerk_of("区工信局"), "4.3-M1", "区工信局", "2025-12", "1200")
    e.save_milestone_value(clerk_of("区住建局"), "3.2-M1", "区住建局", "2025-11", "是")
    d = dashboard(app, CLI_ACTOR, M, basis="all")
    over = {m["code"]: m for m in d.overdue_milestones}
    assert over["4.3-M1"]["value"] == 1200 and over["4.3-M1"]["status"] == "red"
    assert "3.2-M1" not in over
    # a figure entered after the deadline does not make the 2025 target met
    e.save_milestone_value(clerk_of("区工信局"), "4.3-M1", "区工信局", "2026-03", "3100")
    assert "4.3-M1" in {m["code"] for m in dashboard(app, CLI_ACTOR, M, basis="all").overdue_milestones}


def test_indicator_series_paths(app, clerk_of, admin, reviewer):
    e = Entries(app)
    c = clerk_of("区工信局")
    e.save_indicator_value(c, "I11a", "区工信局", "2025-12", "95")
    e.save_indicator_value(c, "I11a", "区工信局", M, "93")
    s = {x.code: x for x in indicator_series(app, CLI_ACTOR, basis="all")}
    assert s["I11a"].path == []  # 比2020年下降10%: no baseline, no path
    set_baseline(app, reviewer, "I11a", 2020, 100, "")
    s = {x.code: x for x in indicator_series(app, CLI_ACTOR, until="2025-12", basis="all")}
    assert s["I11a"].path == [(2020.0, 100.0), (2030.0, 90.0)]
    assert s["I11a"].values == [(2025.0, 95.0)]  # values after the chosen month are left out
    assert s["I01"].path == [(2025.0, 17.5), (2030.0, 20.0)]  # the 2060 target is beyond the plan
    assert s["I05"].note == "仅监测" and s["I03"].note == "目标待定"
    assert s["I06b"].qualitative
    set_pending_target(app, admin, "I03", 2030, 1.2)
    s = {x.code: x for x in indicator_series(app, CLI_ACTOR, basis="all")}
    assert s["I03"].path == [(2030.0, 1.2)] and s["I03"].note == ""


def test_dashboard_uses_few_queries(app, clerk_of):
    Entries(app).save_task_report(clerk_of("区教体局"), "9.1", "区教体局", M,
                                  {"status": "推进中", "progress": "x", "person": "张"})
    statements: list[str] = []
    app.store.conn.set_trace_callback(statements.append)
    try:
        dashboard(app, CLI_ACTOR, M, basis="all")
        indicator_series(app, CLI_ACTOR, basis="all")
    finally:
        app.store.conn.set_trace_callback(None)
    assert len(statements) <= 25
