"""Office settings: permissions, validation, the event log with old → new, baselines and
pending targets that change verdicts at once, tolerances, thresholds and the streets."""

from __future__ import annotations

from models.app import CLI_ACTOR

import pytest

from models import office
from models.checking import Judge
from models.dashboard import dashboard
from models.entries import Entries
from models.errors import InvalidInput, NotFound, PermissionDenied


def _log(app):
    return [r["detail"] for r in app.store.query("SELECT detail FROM event_log WHERE kind = 'settings' ORDER BY id")]


def test_settings_need_admin_and_are_logged_old_to_new(app, admin, reviewer, clerk_of):
    with pytest.raises(PermissionDenied):
        office.set_setting(app, reviewer, "due_day", 10)
    with pytest.raises(PermissionDenied):
        office.set_setting(app, clerk_of("区财政局"), "due_day", 10)
    assert app.settings.get("due_day") == 5
    assert office.set_setting(app, admin, "due_day", 10) is True
    assert app.settings.get("due_day") == 10
    assert office.set_setting(app, admin, "due_day", 10) is False  # unchanged: not logged twice
    assert _log(app) == ["报送截止日（次月几日）（due_day）：5 → 10"]
    office.set_setting(app, admin, "briefing_to", "区委、区政府")
    assert _log(app)[-1] == "报（briefing_to）：区委、区政府主要领导 → 区委、区政府"


@pytest.mark.parametrize("key,value,msg", [
    ("due_day", 31, "不能大于28"),
    ("due_day", "五号", "应为数字"),
    ("green_at", 80, "不能低于黄灯阈值"),
    ("tolerances", {"I99@2025": 1}, "无效"),
    ("assessment_weights", {"timeliness": 0}, "之和必须大于0"),
    ("pending_targets", {"I01": {"year": 2030, "value": 1}}, "不是待定指标"),
    ("briefing_title", "  ", "不能为空"),
])
def test_invalid_settings_are_refused(app, admin, key, value, msg):
    before = app.settings.get(key)
    with pytest.raises(InvalidInput, match=msg):
        office.set_setting(app, admin, key, value)
    assert app.settings.get(key) == before
    assert _log(app) == []


def test_set_settings_validates_all_before_storing(app, admin):
    with pytest.raises(InvalidInput):
        office.set_settings(app, admin, {"due_day": 8, "expiry_days": -1})
    assert app.settings.get("due_day") == 5
    changed = office.set_settings(app, admin, {"green_at": 95, "yellow_at": 80, "due_day": 8})
    assert sorted(changed) == ["due_day", "green_at", "yellow_at"]
    assert app.settings.get("yellow_at") == 80.0
    with pytest.raises(NotFound):
        office.set_setting(app, admin, "no_such_key", 1)


def _i11a(app, month="2026-12"):
    return dashboard(app, CLI_ACTOR, month, basis="all").verdict("I11a")  # the drafts judged too


def test_baseline_change_flips_verdict_on_dashboard(app, admin, reviewer, clerk_of):
    c = clerk_of("区工信局")
    Entries(app).save_indicator_value(c, "I11a", "区工信局", "2026-10", "95")
    assert _i11a(app)["status"] == "grey"  # 比2020年下降10%: no baseline yet
    with pytest.raises(PermissionDenied):
        office.set_baseline(app, c, "I11a", 2020, 100, "统计局")
    office.set_baseline(app, reviewer, "I11a", 2020, 100, "2020年交通运输统计")  # reviewers may
    v = _i11a(app)
    assert v["status"] == "red" and v["expected"] == pytest.approx(94.0)
    office.set_baseline(app, admin, "I11a", 2020, 104, "2020年交通运输统计（修订）")
    v = _i11a(app)
    assert v["status"] == "green" and v["expected"] == pytest.approx(97.76)
    assert office.baselines(app)["I11a"]["value"] == 104
    log = _log(app)
    assert log[0].startswith("基期值 I11a") and "无 → 2020年 100" in log[0]
    assert "2020年 100（2020年交通运输统计） → 2020年 104" in log[1]
    with pytest.raises(InvalidInput):
        office.set_baseline(app, admin, "I11a", 2020, "很多")
    office.delete_baseline(app, admin, "I11a")
    assert _i11a(app)["status"] == "grey"


def test_pending_target_and_thresholds_rejudge(app, admin, clerk_of):
    c = clerk_of("区发改委")
    Entries(app).save_indicator_value(c, "I03", "区发改委", "2026-10", "1.0")
    j = Judge(app)
    assert j.verdict("I03", "2030", 1.0).status == "grey"
    with pytest.raises(PermissionDenied):
        office.set_pending_target(app, clerk_of("区发改委"), "I03", 2030, 1.2)
    office.set_pending_target(app, admin, "I03", 2030, 1.2)
    assert app.settings.get("pending_targets") == {"I03": {"year": 2030, "value": 1.2}}
    assert Judge(app).verdict("I03", "2030", 1.0).status == "green"
    assert Judge(app).verdict("I03", "2030", 1.3).status == "red"
    office.clear_pending_target(app, admin, "I03")
    assert Judge(app).verdict("I03", "2030", 1.0).status == "grey"
    # thresholds: 58.5 against “60%左右” (±1 point by default) is outside the band
    assert Judge(app).verdict("I06a", "2025", 58.5).status != "green"
    office.set_setting(app, admin, "tolerances", {"I06a@2025": 2})
    assert Judge(app).verdict("I06a", "2025", 58.5).status == "green"
    assert "I06a@2025" in _log(app)[-1] and "→" in _log(app)[-1]


def test_green_threshold_changes_dashboard(app, admin, reviewer, clerk_of):
    Entries(app).save_indicator_value(clerk_of("区工信局"), "I11a", "区工信局", "2026-10", "95")
    office.set_baseline(app, reviewer, "I11a", 2020, 100, "")
    assert _i11a(app)["status"] == "red"  # completion 5/6 ≈ 83%
    office.set_settings(app, admin, {"green_at": 100, "yellow_at": 80})
    assert _i11a(app)["status"] == "yellow"
    office.set_settings(app, admin, {"green_at": 80, "yellow_at": 70})
    assert _i11a(app)["status"] == "green"


def test_streets_add_rename_deactivate(app, admin, reviewer, clerk_of):
    with pytest.raises(PermissionDenied):
        office.add_street(app, reviewer, "新村街道")
    office.add_street(app, admin, "新村街道")
    with pytest.raises(InvalidInput):
        office.add_street(app, admin, "区发改委")
    assert "新村街道" in app.reporting_units()
    c = clerk_of("新村街道")
    task = app.tasks_of("新村街道")[0][0].code
    Entries(app).save_task_report(c, task, "新村街道", "2026-10", {"status": "推进中", "progress": "x",
                                                                 "person": "王"})
    office.rename_street(app, admin, "新村街道", "新村街道办事处")
    assert "新村街道办事处" in app.reporting_units() and "新村街道" not in app.reporting_units()
    assert Entries(app).task_report(CLI_ACTOR, task, "新村街道办事处", "2026-10")["progress"] == "x"
    assert Entries(app).state(CLI_ACTOR, "新村街道办事处", "2026-10") == "draft"
    office.set_street_active(app, admin, "新村街道办事处", False)
    assert "新村街道办事处" not in app.reporting_units()
    assert office.all_streets(app) == [{"name": "新村街道办事处", "active": 0}]
    office.set_street_active(app, admin, "新村街道办事处", True)
    assert "新村街道办事处" in app.reporting_units()
    log = _log(app)
    assert "街道名称：新村街道 → 新村街道办事处" in log
    assert any("启用 → 停用" in x for x in log)
    with pytest.raises(NotFound):
        office.rename_street(app, admin, "不存在街道", "x")
    fk = app.store.query("PRAGMA foreign_key_check")
    assert fk == []
