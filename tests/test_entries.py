"""The entries service as the workspace uses it: drafts, problems, submit and locks,
copy of last month, milestones, indicators, projects, overviews, field helpers."""

from __future__ import annotations

from models.app import CLI_ACTOR

import pytest

from forms import milestone_form, project_form, task_form
from forms.fields import DATE, MONEY, YESNO, field_by_key
from models.entries import Entries
from models.errors import InvalidInput, Locked, NotFound, PermissionDenied

M = "2026-10"


def _fill(e: Entries, actor, unit: str, month: str) -> None:
    for t, _ in e.app.tasks_of(unit):
        e.save_task_report(actor, t.code, unit, month,
                           {"status": "推进中", "progress": f"{t.code}本月进展", "person": "张伟"})


def test_draft_keeps_invalid_values_and_submit_refuses(app, clerk_of):
    e = Entries(app)
    c = clerk_of("区文广新旅局")
    res = e.save_task_report(c, "9.2", "区文广新旅局", M, {"status": "推进中", "deadline": "明年"})
    assert {x.key for x in res.errors} == {"progress", "person", "deadline"}
    assert e.task_report(CLI_ACTOR, "9.2", "区文广新旅局", M)["deadline"] == "明年"  # the draft keeps what was typed
    assert e.state(CLI_ACTOR, "区文广新旅局", M) == "draft"
    with pytest.raises(InvalidInput) as exc:
        e.submit(c, "区文广新旅局", M)
    assert any("完成时限" in where for where, _ in exc.value.problems)
    e.save_task_report(c, "9.2", "区文广新旅局", M, {"progress": "开展宣传活动2场", "person": "李娜",
                                                   "deadline": "2026-12-31"})
    e.submit(c, "区文广新旅局", M)
    assert e.state(CLI_ACTOR, "区文广新旅局", M) == "submitted"
    assert app.store.one("SELECT actor, kind, detail FROM event_log ORDER BY id DESC LIMIT 1") == {
        "actor": c.username, "kind": "review", "detail": "报送：区文广新旅局 2026年10月"}
    reason = e.lock_reason(c, "区文广新旅局", M)
    assert "报送" in reason and "不能修改" in reason
    with pytest.raises(Locked):
        e.save_task_report(c, "9.2", "区文广新旅局", M, {"progress": "改一下"})


def test_clerk_cannot_edit_other_unit(app, clerk_of):
    e = Entries(app)
    with pytest.raises(PermissionDenied):
        e.save_task_report(clerk_of("区工信局"), "1.1", "区发改委", M, {"progress": "x"})
    assert "不能修改区发改委" in e.lock_reason(clerk_of("区工信局"), "区发改委", M)


def test_copy_last_month_fills_only_empty_text(app, clerk_of):
    e = Entries(app)
    c = clerk_of("区工信局")
    e.save_task_report(c, "4.3", "区工信局", "2026-09",
                       {"status": "推进中", "progress": "九月进展", "measures": "建设充电桩", "problems": "无",
                        "next_plan": "继续建设", "person": "王强", "deadline": "2026-12-31"})
    e.save_task_report(c, "4.3", "区工信局", M, {"problems": "资金紧张"})
    res = e.copy_last_month(c, "4.3", "区工信局", M)
    rep = e.task_report(CLI_ACTOR, "4.3", "区工信局", M)
    assert rep["measures"] == "建设充电桩" and rep["person"] == "王强"
    assert rep["problems"] == "资金紧张"  # not overwritten
    assert rep["progress"] == ""  # this month's progress is never copied
    assert "measures" in res.changed
    with pytest.raises(NotFound):
        e.copy_last_month(c, "4.2", "区工信局", M)


def test_milestone_values_and_previous(app, clerk_of):
    e = Entries(app)
    c = clerk_of("区工信局")
    e.save_milestone_value(c, "4.3-M1", "区工信局", "2026-08", "1900")
    e.save_milestone_value(c, "4.3-M1", "区工信局", "2026-09", "2,100")
    prev = e.previous_milestone_value(CLI_ACTOR, "4.3-M1", "区工信局", M)
    assert prev["month"] == "2026-09" and prev["value"] == 2100.0
    res = e.save_milestone_value(c, "4.3-M1", "区工信局", M, "很多")
    assert res.errors and "不是数字" in res.errors[0].message
    assert any(where == "里程碑4.3-M1" for where, _ in e.month_problems(CLI_ACTOR, "区工信局", M))
    assert e.milestone_series(CLI_ACTOR, "4.3-M1") == [("2026-08", 1900.0), ("2026-09", 2100.0)]


def test_month_overview_and_states(app, clerk_of):
    e = Entries(app)
    c = clerk_of("区工信局")
    e.save_task_report(c, "4.3", "区工信局", M, {"status": "滞后"})
    e.save_task_report(c, "2.1", "区工信局", M, {"progress": "草稿"})
    e.save_milestone_value(c, "4.3-M1", "区工信局", M, "2100")
    e.save_indicator_value(c, "I10a", "区工信局", M, "74")
    uid = e.save_project(c, "区工信局", M, "4.3", {"name": "昌江大道充电站", "ptype": "新建"})
    ov = e.month_overview(CLI_ACTOR, "区工信局", M)
    assert ov["tasks"] == {"4.3": "滞后", "2.1": "草稿"}
    assert ov["milestones"] == {"4.3-M1": "2100"}
    assert ov["indicators"] == {"I10a": "74"}
    assert ov["projects"] == {"4.3": 1}
    assert e.month_overview(CLI_ACTOR, "区工信局", "2026-11")["indicators"] == {"I10a": "74"}  # same year
    assert e.month_overview(CLI_ACTOR, "区工信局", "2027-01")["indicators"] == {}
    assert e.month_states(CLI_ACTOR, "区工信局") == {M: "draft"}
    e.close_project(c, uid, M)
    assert e.month_overview(CLI_ACTOR, "区工信局", "2026-11")["projects"] == {}


def test_projects_history_and_validation(app, clerk_of):
    e = Entries(app)
    c = clerk_of("区工信局")
    with pytest.raises(InvalidInput) as exc:
        e.save_project(c, "区工信局", M, "4.3", {"name": "", "ptype": "新建", "total_invest": "abc"})
    labels = {lbl for lbl, _ in exc.value.problems}
    assert {"项目名称", "总投资"} <= labels
    uid = e.save_project(c, "区工信局", "2026-09", "4.3",
                         {"name": "充电站", "ptype": "新建", "total_invest": "1200", "year_plan_invest": "800",
                          "cum_invest": "300"})
    e.save_project(c, "区工信局", M, "4.3", {"cum_invest": "450", "progress": "完成桩基"}, uid=uid)
    hist = e.project_history(CLI_ACTOR, uid)
    assert [(h["month"], h["cum_invest"]) for h in hist] == [("2026-09", 300.0), (M, 450.0)]
    assert e.project(CLI_ACTOR, uid, "2026-09")["cum_invest"] == 300.0
    with pytest.raises(PermissionDenied):
        e.save_project(clerk_of("区发改委"), "区发改委", M, "4.3", {"cum_invest": "1"}, uid=uid)


def test_field_helpers():
    f = field_by_key(task_form.FIELDS, "deadline")
    assert f.type == DATE and f.placeholder.startswith("例如")
    assert f.check("2026/12/31") == "" and "格式不对" in f.check("年底")
    money = field_by_key(project_form.FIELDS, "total_invest")
    assert money.type == MONEY and "万元" in money.placeholder
    assert "不能为负数" in money.check("-5")
    assert field_by_key(task_form.FIELDS, "status").check("") != ""  # required


def test_milestone_form_fields(plan):
    f = milestone_form.value_field(plan.part("4.3-M1"))
    assert f.unit == "个" and "累计" in f.label and f.check("3000") == ""
    assert "不能小于" in f.check("-1") or "负数" in f.check("-1")
    q = milestone_form.value_field(plan.part("3.2-M1"))
    assert q.type == YESNO and q.check("是") == "" and q.check("也许")
