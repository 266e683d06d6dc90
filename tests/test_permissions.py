"""Permissions are enforced in the services: each role calls them directly and is refused
where it must be. (Hiding buttons in the GUI is a convenience on top of this.)

Roles: a clerk (填报员) of 区住建局, a clerk of 区工信局, a reviewer (审核员) and an
administrator (管理员)."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import accounts, office, passwords, review
from models.app import ADMIN, CLERK, CLI_ACTOR, REVIEWER, Actor, App
from models.entries import Entries
from models.errors import PermissionDenied
from tests.office_data import fill_and_submit

ME, OTHER = "区住建局", "区发改委"
M = "2026-10"
CHEAP = {"alg": "scrypt", "n": 16, "r": 1, "p": 1, "dklen": 32}
PW = "Zhushan#2026"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "KDF_PARAMS", dict(CHEAP))


@pytest.fixture
def jian() -> Actor:
    return Actor("jian", CLERK, ME, "住建局填报员")


@pytest.fixture
def gong() -> Actor:
    return Actor("gong", CLERK, "区工信局", "工信局填报员")


def data_count(app: App) -> dict[str, int]:
    return {t: app.store.scalar(f"SELECT COUNT(*) FROM {t}") for t in
            ("task_reports", "milestone_values", "indicator_values", "projects", "submissions",
             "settings", "users", "units", "baselines")}


# -- entries ------------------------------------------------------------------------------------
def test_clerk_edits_only_own_unit(app: App, jian: Actor) -> None:
    e = Entries(app)
    # "1.1" is shared by 区发改委 (lead) and 区住建局; each unit edits only its own report.
    e.save_task_report(jian, "1.1", ME, M, {"progress": "本单位的进展"})
    before = data_count(app)
    with pytest.raises(PermissionDenied, match="区住建局的填报员"):
        e.save_task_report(jian, "1.1", OTHER, M, {"progress": "改别人的"})
    with pytest.raises(PermissionDenied):
        e.save_milestone_value(jian, "1.2-M1", OTHER, M, "5")
    with pytest.raises(PermissionDenied):
        e.save_indicator_value(jian, "I01", OTHER, M, "1.5")  # responsible: 区发改委
    with pytest.raises(PermissionDenied):
        e.save_indicator_value(jian, "I01", ME, M, "1.5")  # not 区住建局's indicator
    with pytest.raises(PermissionDenied):
        e.save_project(jian, OTHER, M, "1.1", {"name": "别人的项目", "ptype": "新建"})
    with pytest.raises(PermissionDenied):
        e.submit(jian, OTHER, M)
    assert data_count(app) == before
    assert e.task_report(CLI_ACTOR, "1.1", OTHER, M)["progress"] == ""
    # Own unit works.
    e.save_indicator_value(jian, "I07", ME, M, "60")
    e.save_milestone_value(jian, "1.2-M1", ME, M, "5")


def test_clerk_cannot_touch_another_units_project(app: App, jian: Actor, reviewer: Actor) -> None:
    e = Entries(app)
    fgw = Actor("fgw", CLERK, OTHER)
    uid = e.save_project(fgw, OTHER, M, "1.1", {"name": "发改委的项目", "ptype": "新建"})
    with pytest.raises(PermissionDenied):
        e.save_project(jian, ME, M, "1.1", {"name": "改名"}, uid=uid)
    with pytest.raises(PermissionDenied):
        e.save_project(jian, OTHER, M, "1.1", {"name": "改名"}, uid=uid)
    with pytest.raises(PermissionDenied):
        e.close_project(jian, uid, M)
    assert e.project(CLI_ACTOR, uid, M)["name"] == "发改委的项目" and e.project(CLI_ACTOR, uid, M)["closed_month"] == ""
    # The office may correct any unit's data.
    e.save_project(reviewer, OTHER, M, "1.1", {"name": "办公室更正"}, uid=uid)
    assert e.project(CLI_ACTOR, uid, M)["name"] == "办公室更正"


# -- review -------------------------------------------------------------------------------------------
def test_only_the_office_reviews(app: App, jian: Actor, gong: Actor, reviewer: Actor, admin: Actor) -> None:
    fill_and_submit(app, jian, ME, M)
    for who in (jian, gong):
        with pytest.raises(PermissionDenied, match="只有领导小组办公室"):
            review.approve(app, who, ME, M)
        with pytest.raises(PermissionDenied):
            review.return_submission(app, who, ME, M, "退回")
    assert Entries(app).state(CLI_ACTOR, ME, M) == "submitted"
    review.return_submission(app, reviewer, ME, M, "请补充投资数据")
    Entries(app).submit(jian, ME, M)
    review.approve(app, admin, ME, M)
    with pytest.raises(PermissionDenied):
        review.reopen(app, jian, ME, M, "我想改")
    assert Entries(app).state(CLI_ACTOR, ME, M) == "approved"
    review.reopen(app, reviewer, ME, M, "数据有误，重新填报")
    assert Entries(app).state(CLI_ACTOR, ME, M) == "returned"


# -- settings and streets --------------------------------------------------------------------------------
def test_settings_are_for_administrators(app: App, jian: Actor, reviewer: Actor, admin: Actor) -> None:
    before = data_count(app)
    for who in (jian, reviewer):
        with pytest.raises(PermissionDenied, match="只有管理员"):
            office.set_setting(app, who, "due_day", 8)
        with pytest.raises(PermissionDenied):
            office.set_settings(app, who, {"due_day": 8, "expiry_days": 3})
        with pytest.raises(PermissionDenied):
            office.reset_setting(app, who, "due_day")
        with pytest.raises(PermissionDenied):
            office.set_tolerance(app, who, "I06a", 2025, 1.5)
        with pytest.raises(PermissionDenied):
            office.set_pending_target(app, who, "I03", 2030, 0.9)
        with pytest.raises(PermissionDenied):
            app.add_street(who, "新街道")
        with pytest.raises(PermissionDenied):
            office.add_street(app, who, "新街道")
    with pytest.raises(PermissionDenied):
        office.set_baseline(app, jian, "I07", 2020, 50)
    assert data_count(app) == before
    assert app.settings.get("due_day") == 5
    office.set_setting(app, admin, "due_day", 8)
    app.add_street(admin, "里村街道")
    assert app.settings.get("due_day") == 8 and "里村街道" in app.streets()
    street_clerk = Actor("lc", CLERK, "里村街道")
    for who in (street_clerk, reviewer):
        with pytest.raises(PermissionDenied):
            office.rename_street(app, who, "里村街道", "外村街道")
        with pytest.raises(PermissionDenied):
            office.set_street_active(app, who, "里村街道", False)
    assert "里村街道" in app.streets()
    kinds = [r["kind"] for r in app.store.query("SELECT kind FROM event_log")]
    assert kinds.count("settings") == 2


# -- accounts and the event log --------------------------------------------------------------------------
def test_accounts_are_for_administrators(app: App, jian: Actor, reviewer: Actor, admin: Actor) -> None:
    accounts.create_user(app, admin, "jian", CLERK, PW, ME)
    for who in (jian, reviewer):
        with pytest.raises(PermissionDenied):
            accounts.create_user(app, who, "evil", ADMIN, PW)
        with pytest.raises(PermissionDenied):
            accounts.update_user(app, who, "jian", role=ADMIN)
        with pytest.raises(PermissionDenied):
            accounts.reset_password(app, who, "jian", "Other#12345")
        with pytest.raises(PermissionDenied):
            accounts.unlock(app, who, "jian")
        with pytest.raises(PermissionDenied):
            accounts.set_active(app, who, "jian", False)
        with pytest.raises(PermissionDenied):
            accounts.event_log(app, who)
    assert accounts.user(app, CLI_ACTOR, "jian").role == CLERK and accounts.user(app, CLI_ACTOR, "jian").active
    assert [u.username for u in accounts.users(app, CLI_ACTOR)] == ["jian"]


def test_gui_pages_follow_the_roles(qtbot, app: App, jian: Actor, reviewer: Actor, admin: Actor) -> None:
    from ui.main_window import MainWindow
    keys = {}
    for who in (jian, reviewer, admin):
        w = MainWindow(app, who)
        qtbot.addWidget(w)
        keys[who.role] = {s.key for s in w.specs}
    for k in ("accounts", "eventlog", "backup"):
        assert k in keys[ADMIN] and k not in keys[REVIEWER] and k not in keys[CLERK]
    assert "password" in keys[CLERK]


# -- imports -------------------------------------------------------------------------------------------------
def test_package_import_is_for_the_office(tmp_path: Path, app: App, admin: Actor, reviewer: Actor,
                                          jian: Actor, gong: Actor, plan) -> None:
    from models import exchange, exchange_export, exchange_install
    inst_file = exchange_install.make_install(app, admin, ME, tmp_path / "住建局.zsi")
    with pytest.raises(PermissionDenied):
        exchange_install.make_install(app, jian, ME, tmp_path / "x.zsi")
    bureau_db = tmp_path / "bureau.db"
    exchange_install.install(bureau_db, inst_file, CLI_ACTOR)
    bureau = App.open(bureau_db, exchange_install.installed_plan_path(bureau_db))
    try:
        Entries(bureau).save_task_report(jian, "1.1", ME, M, {"progress": "通过报送包传来的进展"})
        with pytest.raises(PermissionDenied):
            exchange_export.export_package(bureau, gong, M, tmp_path / "gong.zsp")
        pkg = exchange_export.export_package(bureau, jian, M, tmp_path / "jian.zsp")
    finally:
        bureau.close()
    before = data_count(app)
    for who in (jian, gong):
        with pytest.raises(PermissionDenied):
            exchange.import_package(app, who, pkg)
    assert data_count(app) == before
    exchange.import_package(app, reviewer, pkg)
    assert Entries(app).task_report(CLI_ACTOR, "1.1", ME, M)["progress"] == "通过报送包传来的进展"
    with pytest.raises(PermissionDenied):
        exchange_export.export_decisions(app, jian, ME, tmp_path / "d.zsp")


def test_excel_import_only_for_the_templates_unit(tmp_path: Path, app: App, jian: Actor) -> None:
    from exports.template import build_template
    from models.excel_import import import_excel
    path = build_template(app, CLI_ACTOR, M, OTHER, tmp_path / "发改委模板.xlsx")
    before = data_count(app)
    with pytest.raises(PermissionDenied):
        import_excel(app, jian, path)
    assert data_count(app) == before
