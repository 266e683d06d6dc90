"""One month's view (models.month_view): what it holds, read with few queries, the same
whether read alone or in a range, immutable, and an exact JSON round trip; the ledger,
the briefing, the dashboard and the assessment are functions of it."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from exports.briefing_compose import compose, compose_view
from exports.ledger_gather import SHEETS, gather, lay_out
from exports.ledger_sheets import write_ledger
from exports.xlsx_book import StreamBook
from models import review
from models.app import CLI_ACTOR, App
from models.assessment import assess, assess_views, assessment_html, assessment_html_of
from models.dashboard import dashboard, dashboard_of
from models.entries import Entries
from models.errors import InvalidInput
from models.month_read import month_view, month_views
from models.month_view import MonthView
from models.plan_load import load_plan
from tests.office_data import fill

M = "2026-10"
TODAY = date(2026, 11, 20)


@pytest.fixture
def filled(app: App, clerk_of, reviewer) -> App:
    """Two units' month: 区发改委 approved (tasks, project, indicator), 区工信局 submitted,
    区教体局 returned; a milestone value and a baseline."""
    e = Entries(app)
    fg, gx, jt = clerk_of("区发改委"), clerk_of("区工信局"), clerk_of("区教体局")
    fill(app, fg, "区发改委", M)
    e.save_project(fg, "区发改委", M, "1.1", {
        "name": "屋顶光伏项目", "ptype": "续建", "total_invest": 12345.5, "year_plan_invest": 1000,
        "cum_invest": 512.25, "plan_start": "2025-03-01", "actual_start": "2025-04-01",
        "plan_end": "2027-06-30", "progress": "主体施工"})
    e.save_indicator_value(fg, "I01", "区发改委", M, "18.6%")
    e.submit(fg, "区发改委", M)
    review.approve(app, reviewer, "区发改委", M)
    fill(app, gx, "区工信局", M)
    e.save_task_report(gx, "2.1", "区工信局", M, {"status": "滞后", "progress": "偏慢", "person": "王",
                                                "problems": "资金未到位", "deadline": "2026-09-30"})
    e.save_milestone_value(gx, "4.3-M1", "区工信局", M, "1500")
    e.submit(gx, "区工信局", M)
    fill(app, jt, "区教体局", M)
    e.submit(jt, "区教体局", M)
    review.return_submission(app, reviewer, "区教体局", M, "请补充")
    return app


def test_view_holds_the_month(filled: App) -> None:
    v = month_view(filled, CLI_ACTOR, M, today=TODAY, basis="approved")
    assert v.month == M and v.unit is None and v.today == "2026-11-20"
    assert v.plan_id == filled.plan.plan_id and v.has_entries
    states = {s.unit: s.state for s in v.submissions}
    assert states == {"区发改委": "approved", "区工信局": "submitted", "区教体局": "returned"}
    by_unit = {(r.task_code, r.unit): r for r in v.task_reports}
    assert by_unit[("2.1", "区工信局")].state == "submitted"
    assert by_unit[("9.1", "区教体局")].state == "returned"
    assert by_unit[("1.1", "区发改委")].state == "approved"
    (p,) = v.projects
    assert (p.name, p.cum_invest, p.year_plan_invest, p.state) == ("屋顶光伏项目", 512.25, 1000.0, "approved")
    assert [(f.code, f.value, f.state) for f in v.indicator_values] == [("I01", 18.6, "approved")]
    assert [(f.code, f.unit, f.value) for f in v.milestone_values] == [("4.3-M1", "区工信局", 1500.0)]
    reports = {r.unit: r for r in v.reports}
    assert reports["区发改委"].approved and reports["区教体局"].returns == 1
    assert reports["区工信局"].submitted and not reports["区工信局"].approved
    verdicts = {r["code"]: r for r in v.verdicts}  # on approved figures (the default basis)
    assert v.basis == "approved"
    assert verdicts["I01"]["value"] == 18.6 and verdicts["I01"]["state"] == "approved"
    ms = verdicts["4.3-M1"]  # 区工信局's figure is submitted, not approved: named, not judged
    assert ms["value"] is None and ms["status"] == "grey" and ms["unreviewed"].value == 1500.0
    assert "1500" in ms["message"] and "待审" in ms["message"]
    every = {r["code"]: r for r in v.all_verdicts}
    assert every["4.3-M1"]["value"] == 1500.0 and every["4.3-M1"]["state"] == "submitted"
    assert [r.task_code for r in v.latest_approved if r.unit == "区工信局"] == []
    assert {r.unit for r in v.latest_approved} == {"区发改委"}
    assert {s.unit for s in v.assessment} == {r.unit for r in v.reports if r.expected}


def test_view_is_immutable(filled: App) -> None:
    v = month_view(filled, CLI_ACTOR, M, today=TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.month = "2026-09"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        v.task_reports[0].status = "已完成"  # type: ignore[misc]
    with pytest.raises(TypeError):
        v.verdicts[0]["status"] = "green"  # type: ignore[index]
    assert isinstance(v.task_reports, tuple) and isinstance(v.verdicts, tuple)


def test_json_round_trip_is_exact(filled: App) -> None:
    v = month_view(filled, CLI_ACTOR, M, today=TODAY)
    text = v.to_json()
    back = MonthView.from_json(text, filled.plan)
    assert back == v
    assert back.to_json() == text  # byte for byte
    assert back.verdicts == v.verdicts and back.reports == v.reports and back.assessment == v.assessment
    assert "区发改委" in text and "\\u" not in text  # Chinese kept as written


def test_json_round_trip_of_a_demo_month(app: App) -> None:
    from models.demo import generate_demo
    generate_demo(app, CLI_ACTOR, until=M, streets=3, seed=2)
    v = month_view(app, CLI_ACTOR, M, today=TODAY)
    assert len(v.task_reports) > 50 and v.projects and v.indicator_values and v.baselines
    text = v.to_json()
    back = MonthView.from_json(text, app.plan)
    assert back == v and back.to_json() == text
    assert dashboard_of(back).counts == dashboard_of(v).counts


def test_json_of_another_plan_or_garbage_is_refused(filled: App, tmp_path: Path) -> None:
    text = month_view(filled, CLI_ACTOR, M, today=TODAY).to_json()
    other = load_plan()
    other.digest = "0" * 64  # a plan file with other contents
    with pytest.raises(InvalidInput, match="另一个计划文件"):
        MonthView.from_json(text, other)
    for bad in ("", "[]", '{"format": "month-view", "version": 99, "view": {}}',
                text.replace('"month":"2026-10"', '"month":10', 1), text[:-20]):
        with pytest.raises(InvalidInput, match="无法读取"):
            MonthView.from_json(bad, filled.plan)


def test_range_read_equals_single_reads(filled: App) -> None:
    months = ["2026-08", "2026-09", M, "2026-11"]
    views = month_views(filled, CLI_ACTOR, months, today=TODAY)
    assert [v.month for v in views] == months
    for v in views:
        assert v == month_view(filled, CLI_ACTOR, v.month, today=TODAY)
    one = month_views(filled, CLI_ACTOR, [M], "区发改委", today=TODAY)[0]
    assert {r.unit for r in one.task_reports} == {"区发改委"} and [r.unit for r in one.reports] == ["区发改委"]


def test_a_range_is_read_with_a_fixed_number_of_queries(filled: App) -> None:
    statements: list[str] = []
    filled.store.conn.set_trace_callback(statements.append)
    try:
        few = month_views(filled, CLI_ACTOR, [M], today=TODAY)
        n_one = len(statements)
        statements.clear()
        many = month_views(filled, CLI_ACTOR, [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)],
                           today=TODAY)
        for v in many:  # derived values read nothing
            assert v.verdicts is not None and v.reports is not None
        assert few[0].assessment is not None
    finally:
        filled.store.conn.set_trace_callback(None)
    assert len(statements) == n_one <= 15


def test_outputs_are_functions_of_the_view(filled: App, tmp_path: Path) -> None:
    v = MonthView.from_json(month_view(filled, CLI_ACTOR, M, today=TODAY).to_json(), filled.plan)
    # dashboard
    d1, d2 = dashboard(filled, CLI_ACTOR, M), dashboard_of(v)
    assert d1.counts == d2.counts and d1.overdue_tasks == d2.overdue_tasks
    assert [(a.no, a.status) for a in d1.actions] == [(a.no, a.status) for a in d2.actions]
    # briefing text
    assert compose_view(v).sections == compose(filled, CLI_ACTOR, M, TODAY)
    # assessment
    assert assess_views([v]) == assess(filled, CLI_ACTOR, [M], TODAY) == list(v.assessment)
    assert assessment_html_of([v]) == assessment_html(filled, CLI_ACTOR, [M])
    # ledger: the same cells from the stored view as from the database
    paths = []
    for i, data in enumerate((gather(filled, CLI_ACTOR, [M]), lay_out([v], list(SHEETS)))):
        data.today = TODAY
        path = tmp_path / f"l{i}.xlsx"
        book = StreamBook(path)
        write_ledger(data, book)
        book.close()
        paths.append(path)
    a, b = (load_workbook(p) for p in paths)
    assert a.sheetnames == b.sheetnames
    for ws in a.worksheets:
        assert [list(r) for r in ws.iter_rows(values_only=True)] == \
               [list(r) for r in b[ws.title].iter_rows(values_only=True)], ws.title


def test_one_units_reporting_status_and_every_units(filled: App) -> None:
    from models.reporting import status_many
    every = status_many(filled, CLI_ACTOR, [M], TODAY)[M]
    assert [r.unit for r in every] == filled.reporting_units()
    assert [r.unit for r in status_many(filled, CLI_ACTOR, [M], TODAY, unit="区教体局")[M]] == ["区教体局"]
    assert [r for r in every if r.unit == "区发改委"] == [r for r in month_view(filled, CLI_ACTOR, M, today=TODAY).reports
                                                           if r.unit == "区发改委"]
