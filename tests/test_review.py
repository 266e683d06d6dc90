"""Review of submissions: approve (locks), return with a comment, reopen with a reason,
the history of every decision, and every refusal to edit saying why."""

from __future__ import annotations

from models.app import CLI_ACTOR

from datetime import date, timedelta

import pytest

from models import review
from models.entries import Entries
from models.entries_base import due_date
from models.errors import DomainError, InvalidInput, Locked, PermissionDenied
from models.office import set_setting
from tests.office_data import fill, fill_and_submit

U = "区教体局"
M = "2026-10"


def test_approve_locks_the_month_and_is_recorded(app, clerk_of, reviewer):
    c = clerk_of(U)
    fill_and_submit(app, c, U, M)
    e = Entries(app)
    assert "报送后不能修改" in e.lock_reason(c, U, M)
    review.approve(app, reviewer, U, M)
    sub = e.submission(CLI_ACTOR, U, M)
    assert sub["state"] == "approved" and sub["decided_by"] == "office" and sub["decided_at"]
    reason = e.lock_reason(c, U, M)
    assert "审核通过并锁定" in reason and "解锁" in reason
    with pytest.raises(Locked) as exc:
        e.save_task_report(c, "9.1", U, M, {"progress": "改一下"})
    assert "审核通过" in str(exc.value)
    hist = review.history(app, CLI_ACTOR, U, M)
    assert [h["action"] for h in hist] == ["submit", "approve"]
    assert hist[1]["actor"] == "office" and hist[1]["at"]
    log = app.store.query("SELECT * FROM event_log WHERE kind = 'review'")
    assert any(U in r["detail"] and "审核通过" in r["detail"] for r in log)
    assert "审核通过" in review.clerk_notice(app, CLI_ACTOR, U, M)


def test_only_submitted_months_can_be_approved_or_returned(app, clerk_of, reviewer):
    c = clerk_of(U)
    fill(app, c, U, M)
    with pytest.raises(DomainError, match="只有“已报送”"):
        review.approve(app, reviewer, U, M)
    with pytest.raises(DomainError, match="只有“已报送”"):
        review.return_submission(app, reviewer, U, M, "请补充")
    assert Entries(app).state(CLI_ACTOR, U, M) == "draft"


def test_clerks_cannot_review(app, clerk_of):
    c = clerk_of(U)
    fill_and_submit(app, c, U, M)
    with pytest.raises(PermissionDenied):
        review.approve(app, c, U, M)
    with pytest.raises(PermissionDenied):
        review.return_submission(app, c, U, M, "自己退回")
    with pytest.raises(PermissionDenied):
        review.reopen(app, clerk_of("区财政局"), U, M, "x")
    assert Entries(app).state(CLI_ACTOR, U, M) == "submitted"


def test_return_needs_comment_and_reopens_month_for_clerk(app, clerk_of, reviewer):
    c = clerk_of(U)
    fill_and_submit(app, c, U, M)
    with pytest.raises(InvalidInput):
        review.return_submission(app, reviewer, U, M, "   ")
    review.return_submission(app, reviewer, U, M, "任务9.1进展过于简单，请补充活动场次")
    e = Entries(app)
    sub = e.submission(CLI_ACTOR, U, M)
    assert sub["state"] == "returned" and sub["returns"] == 1
    assert sub["comment"] == "任务9.1进展过于简单，请补充活动场次"
    assert e.lock_reason(c, U, M) == ""
    notice = review.clerk_notice(app, CLI_ACTOR, U, M)
    assert "退回" in notice and "请补充活动场次" in notice
    e.save_task_report(c, "9.1", U, M, {"progress": "开展宣传活动3场，覆盖学生1200人"})
    e.submit(c, U, M)
    review.approve(app, reviewer, U, M)
    assert [h["action"] for h in review.history(app, CLI_ACTOR, U, M)] == ["submit", "return", "submit", "approve"]
    row = next(r for r in review.review_queue(app, CLI_ACTOR, M) if r["unit"] == U)
    assert row["state"] == "approved" and row["returns"] == 1


def test_reopen_approved_month_with_reason_shown_to_clerk(app, clerk_of, reviewer):
    c = clerk_of(U)
    fill_and_submit(app, c, U, M)
    with pytest.raises(DomainError, match="退回修改"):
        review.reopen(app, reviewer, U, M, "x")  # submitted: use return instead
    review.approve(app, reviewer, U, M)
    with pytest.raises(InvalidInput):
        review.reopen(app, reviewer, U, M, "")
    review.reopen(app, reviewer, U, M, "统计局修正了10月数据，请更新任务9.2")
    e = Entries(app)
    assert e.state(CLI_ACTOR, U, M) == "returned"
    assert e.submission(CLI_ACTOR, U, M)["comment"] == "统计局修正了10月数据，请更新任务9.2"
    assert e.submission(CLI_ACTOR, U, M)["returns"] == 0  # a lock exception is not a return
    assert "统计局修正了10月数据" in review.clerk_notice(app, CLI_ACTOR, U, M)
    assert e.lock_reason(c, U, M) == ""
    e.save_task_report(c, "9.2", U, M, {"progress": "更新后的进展"})
    ev = review.history(app, CLI_ACTOR, U, M)
    assert ev[-1]["action"] == "reopen" and ev[-1]["actor"] == "office"
    assert ev[-1]["comment"].startswith("统计局修正")
    with pytest.raises(DomainError, match="无需解锁"):
        review.reopen(app, reviewer, U, M, "再解锁一次")


def test_expired_month_says_why_and_office_lock_exception(app, clerk_of, admin, reviewer):
    c = clerk_of(U)
    old = "2024-01"
    set_setting(app, admin, "expiry_days", 10)
    e = Entries(app)
    last = due_date(old, 5) + timedelta(days=10)
    assert e.lock_reason(c, U, old, today=last) == ""
    reason = e.lock_reason(c, U, old, today=last + timedelta(days=1))
    assert "填报期限已过" in reason and last.isoformat() in reason
    with pytest.raises(Locked, match="填报期限已过"):
        e.save_task_report(c, "9.1", U, old, {"progress": "补报"})
    # the month is open when the expiry has not passed: nothing to unlock
    with pytest.raises(DomainError, match="无需解锁"):
        review.reopen(app, reviewer, U, "2024-02", "x", today=date(2024, 3, 1))
    review.reopen(app, reviewer, U, old, "同意补报1月数据")
    assert e.lock_reason(c, U, old) == ""
    e.save_task_report(c, "9.1", U, old, {"status": "推进中", "progress": "补报", "person": "张伟"})
    assert e.submission(CLI_ACTOR, U, old)["comment"] == "同意补报1月数据"


def test_review_queue_lists_every_reporting_unit(app, clerk_of, reviewer):
    fill_and_submit(app, clerk_of(U), U, M)
    fill(app, clerk_of("区财政局"), "区财政局", M)
    q = review.review_queue(app, CLI_ACTOR, M)
    assert [r["unit"] for r in q] == app.reporting_units()
    by = {r["unit"]: r for r in q}
    assert by[U]["pending"] and by[U]["state_name"] == "已报送" and by[U]["submitted_at"]
    assert by["区财政局"]["state"] == "draft" and not by["区财政局"]["pending"]
    assert by["区发改委"]["state"] == "" and by["区发改委"]["filled"] == 0
    d = review.submission_detail(app, CLI_ACTOR, U, M)
    assert len(d["tasks"]) == 4 and all(t["progress"] for t in d["tasks"])
    assert [h["action"] for h in d["history"]] == ["submit"]


def test_decision_rechecks_state_inside_the_transaction(app, clerk_of, reviewer):
    fill_and_submit(app, clerk_of(U), U, M)
    # as if another office PC approved between this PC's check and its write
    with pytest.raises(DomainError, match="请刷新"):
        review._decide(app, reviewer, U, M, "return", "returned", "x", ("approved",))
    assert Entries(app).state(CLI_ACTOR, U, M) == "submitted"
    assert [h["action"] for h in review.history(app, CLI_ACTOR, U, M)] == ["submit"]
