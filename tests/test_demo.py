"""The sample data generator: coverage, realism rules, speed-relevant bulk writing, CLI."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

import main
from models.app import CLI_ACTOR, App, months_between
from models.checking import Judge
from models.demo import generate_demo
from models.entries import Entries
from models.entries_base import due_date
from models.errors import DomainError, InvalidInput
from models.store import Store

UNTIL = "2025-12"


@pytest.fixture
def demo(app):
    ticks = []
    counts = generate_demo(app, CLI_ACTOR, UNTIL, streets=3, seed=7, progress=lambda d, t: ticks.append((d, t)))
    return app, counts, ticks


def test_demo_covers_every_unit_and_month(demo):
    app, counts, ticks = demo
    months = months_between(app.plan.first_month, UNTIL)
    assert counts["months"] == len(months) and ticks[-1] == (len(months), len(months))
    assert app.streets() == ["珠山街道", "新村街道", "新厂街道"]
    assert app.is_demo()
    rows = app.store.query("SELECT unit, month, COUNT(*) AS n FROM task_reports GROUP BY unit, month")
    have = {(r["unit"], r["month"]) for r in rows}
    for unit in app.reporting_units():
        n_tasks = len(app.tasks_of(unit))
        if not n_tasks:
            continue
        covered = [m for m in months if (unit, m) in have]
        assert len(covered) >= len(months) * 0.8, unit  # a few months missing at most
    # streets report on the tasks of 各街道
    assert any(r["unit"] == "新村街道" for r in rows)
    # text is plausible Chinese, per task
    rep = Entries(app).task_report(CLI_ACTOR, "4.3", "区工信局", "2025-06")
    if rep["updated_at"]:
        assert "月" in rep["progress"] and rep["person"]


def test_submission_mix_and_review_events(demo):
    app, _, _ = demo
    states = Counter(r["state"] for r in app.store.query("SELECT state FROM submissions"))
    assert states["approved"] > 0.8 * sum(states.values())
    assert states["draft"] + states["submitted"] > 0  # the last month is still open
    assert app.store.scalar("SELECT COUNT(*) FROM submissions WHERE returns > 0") > 0
    missing = app.store.scalar(
        "SELECT COUNT(*) FROM submissions s WHERE NOT EXISTS (SELECT 1 FROM task_reports t "
        "WHERE t.unit = s.unit AND t.month = s.month)")
    assert missing == 0  # a submission always has reports behind it
    late = [r for r in app.store.query("SELECT month, submitted_at FROM submissions WHERE submitted_at != ''")
            if r["submitted_at"][:10] > due_date(r["month"], app.settings.get("due_day")).isoformat()]
    assert late  # a few units report after the due day
    approvals = app.store.scalar("SELECT COUNT(*) FROM review_events WHERE action = 'approve'")
    assert approvals == states["approved"]


def test_milestones_grow_and_projects_have_history(demo):
    app, counts, _ = demo
    e = Entries(app)
    series = e.milestone_series(CLI_ACTOR, "4.3-M1")
    values = [v for _, v in series]
    assert values == sorted(values) and values[-1] > values[0]
    assert 1500 < values[-1] < 4500  # around the 2025 target of 3000
    per_task = defaultdict(int)
    for r in app.store.query("SELECT task_code, unit FROM projects"):
        per_task[r["task_code"]] += 1
        assert r["unit"] == app.task_units(app.plan.task(r["task_code"]))[0]  # lead's projects
    assert max(per_task.values()) <= 6 and sum(per_task.values()) / len(per_task) >= 2
    uid = app.store.scalar("SELECT uid FROM projects ORDER BY id LIMIT 1")
    hist = e.project_history(CLI_ACTOR, uid)
    assert len(hist) >= 2
    by_year = defaultdict(list)
    for h in hist:
        by_year[h["month"][:4]].append(h["cum_invest"])
    for vals in by_year.values():
        assert vals == sorted(vals)  # cumulative within a year


def test_baselines_make_verdicts_meaningful(demo):
    app, _, _ = demo
    assert app.store.scalar("SELECT value FROM baselines WHERE part_code = 'I01'") == 12.0
    j = Judge(app)
    statuses = Counter(j.verdict(r["part_code"], r["period"], r["raw"]).status
                       for r in app.store.query("SELECT * FROM indicator_values"))
    assert statuses["green"] > statuses["grey"]
    assert statuses["red"] + statuses["yellow"] > 0  # some indicators are off track
    assert statuses["invalid"] == 0


def test_refuses_database_with_entries_and_bad_month(demo):
    app, _, _ = demo
    with pytest.raises(DomainError):
        generate_demo(app, CLI_ACTOR, UNTIL)
    with pytest.raises(InvalidInput):
        generate_demo(app, CLI_ACTOR, "2025-13")


def test_cli_demo(tmp_path, capsys, plan):
    db = tmp_path / "demo.db"
    rc = main.main(["--db", str(db), "demo", "--until", "2024-03", "--streets", "2"])
    out = capsys.readouterr().out
    assert rc == 0 and "已生成示例数据" in out and "7个月" in out
    # one account per role, printed with the password, and each can sign in
    from models import signin
    from models.demo_accounts import DEMO_PASSWORD, demo_unit
    assert f"密码都是 {DEMO_PASSWORD}" in out
    assert "admin     管理员" in out and "reviewer  审核员" in out and "clerk     填报员" in out
    app = App(Store(db), plan)
    try:
        assert app.is_demo() and len(app.streets()) == 2
        assert app.store.scalar("SELECT MAX(month) FROM task_reports") == "2024-03"
        roles = {u: signin.authenticate(app, u, DEMO_PASSWORD).role for u in ("admin", "reviewer", "clerk")}
        assert roles == {"admin": "admin", "reviewer": "reviewer", "clerk": "clerk"}
        clerk = signin.authenticate(app, "clerk", DEMO_PASSWORD)
        assert clerk.unit == demo_unit(app) and clerk.unit in out
        assert app.tasks_of(clerk.unit)  # a unit with work to enter
    finally:
        app.close()


def test_submitted_months_pass_the_submit_checks(demo):
    app, _counts, _ticks = demo
    e = Entries(app)
    rows = app.store.query("SELECT unit, month FROM submissions WHERE state IN ('submitted', 'approved')")
    assert rows
    assert [r for r in rows if e.month_problems(CLI_ACTOR, r["unit"], r["month"])] == []


def test_no_submission_or_decision_after_now(tmp_path, plan):
    """Made on the 1st at 02:14, the sample's reports of last month are dated within the
    hours gone by, never on the 2nd or 4th (what the review page would show as 报送时间)."""
    import datetime as dt
    now = dt.datetime(2026, 12, 1, 2, 14)
    app = App(Store(tmp_path / "d.db"), plan)
    try:
        generate_demo(app, CLI_ACTOR, "2026-11", now=now)
        rows = app.store.query("SELECT submitted_at, decided_at FROM submissions")
        stamps = [r[k] for r in rows for k in ("submitted_at", "decided_at") if r[k]]
        stamps += [r["at"] for r in app.store.query("SELECT at FROM review_events")]
        assert stamps and max(stamps) <= now.isoformat()
        nov = app.store.query("SELECT submitted_at FROM submissions WHERE month = '2026-11' AND submitted_at <> ''")
        assert nov and all("2026-12-01T00:00:00" <= r["submitted_at"] for r in nov)
    finally:
        app.close()
