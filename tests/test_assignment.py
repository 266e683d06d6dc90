"""Tasks the plan leaves without units (未分工): listed as such, assigned by the office in
the program (authority checked in the service, logged), then reported on by the
assigned unit; shown in the catalog and the unit's entry list; shared with the units."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from models import assignment
from models.app import Actor, App
from models.entries import Entries
from models.errors import InvalidInput, NotFound, PermissionDenied
from models.plan_load import load_plan
from models.store import Store
from tests.conftest import clerk

PLANS = Path(__file__).resolve().parent / "data" / "plans"

OFFICE = Actor("office-admin", "admin", None, "办公室管理员")


@pytest.fixture
def jiading(tmp_path: Path) -> Iterator[App]:
    a = App(Store(tmp_path / "jd.db"), load_plan(PLANS / "jiading-like.toml"))
    yield a
    a.close()


def test_unassigned_task_is_listed_and_nobody_reports_on_it(jiading: App):
    items = assignment.open_items(jiading)
    assert [(x["code"], x["units"]) for x in items] == [("1.2", [])]
    assert jiading.task_units(jiading.plan.task("1.2")) == []
    assert all(t.code != "1.2" for u in jiading.reporting_units() for t, _ in jiading.tasks_of(u))


def test_office_assigns_units_and_the_unit_reports(jiading: App, admin, reviewer):
    with pytest.raises(PermissionDenied):
        assignment.assign_units(jiading, clerk("区经委"), "1.2", ["区经委"])
    assignment.assign_units(jiading, reviewer, "1.2", ["区经委", "区发展改革委"])
    t = jiading.plan.task("1.2")
    assert jiading.task_units(t) == ["区经委", "区发展改革委"]
    assert jiading.task_role(t, "区经委") == "lead"
    assert ("1.2" in [x.code for x, _ in jiading.tasks_of("区经委")])
    e = Entries(jiading)
    e.save_task_report(clerk("区经委"), "1.2", "区经委", "2023-03", {"status": "推进中", "progress": "完成燃煤锅炉排查"})
    assert e.task_report(OFFICE, "1.2", "区经委", "2023-03")["progress"] == "完成燃煤锅炉排查"
    log = jiading.store.query("SELECT detail FROM event_log WHERE kind = 'settings'")
    assert any("1.2的责任单位：未分工 → 区经委、区发展改革委" in r["detail"] for r in log)
    assert assignment.open_items(jiading)[0]["units"] == ["区经委", "区发展改革委"]
    # cleared again
    assignment.assign_units(jiading, admin, "1.2", [])
    assert jiading.task_units(t) == []


def test_only_what_the_plan_leaves_open_and_only_plan_units(jiading: App, admin):
    with pytest.raises(InvalidInput, match="由方案规定"):
        assignment.assign_units(jiading, admin, "1.1", ["区经委"])
    with pytest.raises(NotFound):
        assignment.assign_units(jiading, admin, "9.9", ["区经委"])
    with pytest.raises(InvalidInput, match="不是方案中的单位"):
        assignment.assign_units(jiading, admin, "1.2", ["区教育局"])
    # a hostile or stale setting is ignored where it is read
    jiading.settings.set("unit_assignments", {"1.1": ["区经委"], "1.2": ["冒充单位", "区经委"], "x": 3})
    jiading.invalidate()
    assert jiading.assigned_units() == {"1.2": ["区经委"]}
    assert jiading.task_units(jiading.plan.task("1.1")) == ["区发展改革委", "区经委"]  # the plan's


def test_streets_placeholder_assigned_expands_into_the_streets(jiading: App, admin):
    jiading.add_street(admin, "安亭镇")
    jiading.add_street(admin, "南翔镇")
    assignment.assign_units(jiading, admin, "1.2", ["各街镇"])
    assert jiading.task_units(jiading.plan.task("1.2")) == ["安亭镇", "南翔镇"]


def test_catalog_and_entry_list_show_the_division_of_work(qtbot, jiading: App, admin):
    from ui.catalog_view import CatalogView, detail_html
    view = CatalogView(jiading)
    qtbot.addWidget(view)
    items = view.tree.findItems("1.2 严格控制化石能源消费", Qt.MatchFlag.MatchRecursive)
    assert items and items[0].text(1) == "未分工"
    assert "由领导小组办公室在设置中分工" in detail_html(jiading, "1.2")
    assignment.assign_units(jiading, admin, "1.2", ["区经委"])
    view2 = CatalogView(jiading)
    qtbot.addWidget(view2)
    items = view2.tree.findItems("1.2 严格控制化石能源消费", Qt.MatchFlag.MatchRecursive)
    assert items[0].text(1) == "区经委（牵头）（办公室分工）"
    # the heading 2.2 is not reported on; its sub-tasks are, by their own units
    heading = view2.tree.findItems("2.2 推进重点用能单位节能降碳", Qt.MatchFlag.MatchRecursive)
    assert heading[0].text(1) == "（分项填报）" and heading[0].childCount() == 2


def test_settings_tab_assigns_through_the_service(qtbot, jiading: App, admin):
    from ui.settings_view import SettingsView
    view = SettingsView(jiading, admin)
    qtbot.addWidget(view)
    tab = view.assignment
    assert tab.table.rowCount() == 1 and tab.table.item(0, 2).text() == "未分工"
    names = [tab.units.item(i).text() for i in range(tab.units.count())]
    for name in ("区建设管理委", "区经委"):
        tab.units.item(names.index(name)).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(tab.save, Qt.MouseButton.LeftButton)
    assert jiading.task_units(jiading.plan.task("1.2")) == ["区建设管理委", "区经委"]
    assert tab.table.item(0, 2).text() == "区建设管理委、区经委"


def test_month_views_and_reporting_status_know_the_office_division(jiading: App, admin):
    from models.month_read import month_view
    from models.reporting import reports_of_view
    month = "2023-03"

    def jingwei() -> object:
        view = month_view(jiading, OFFICE, month)
        return view, next(r for r in reports_of_view(view) if r.unit == "区经委")

    before = jingwei()[1].expected  # type: ignore[attr-defined]
    assignment.assign_units(jiading, admin, "1.2", ["区经委"])
    view, report = jingwei()  # type: ignore[misc]
    assert view.units_of("1.2") == ("区经委",) and view.lead_of("1.2") == "区经委"
    assert report.expected == before + 1 and any(m.startswith("任务1.2“") for m in report.missing)
    Entries(jiading).save_task_report(clerk("区经委"), "1.2", "区经委", month,
                                      {"status": "推进中", "progress": "完成燃煤锅炉排查", "person": "李四"})
    assert not any(m.startswith("任务1.2“") for m in jingwei()[1].missing)  # type: ignore[attr-defined]
    bad = {"1.2": ["区经委"], "1.1": ["区经委"]}  # 1.1 has the plan's own units
    from models.errors import InvalidInput
    from models.office import validate
    with pytest.raises(InvalidInput, match="只能为方案中未写明责任单位"):
        validate(jiading, "unit_assignments", bad)
    assert validate(jiading, "unit_assignments", {"1.2": ["区经委"]}) == {"1.2": ["区经委"]}
