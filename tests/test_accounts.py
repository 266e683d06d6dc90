"""Accounts: hashing, sign-in, lockout, password changes, administration, CLI, dialogs."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QPushButton

import main as entry
from models import accounts, passwords, signin
from models.app import ADMIN, CLERK, CLI_ACTOR, REVIEWER, Actor, App
from models.errors import InvalidInput, NotFound, PermissionDenied

CHEAP = {"alg": "scrypt", "n": 16, "r": 1, "p": 1, "dklen": 32}
PW = "Zhushan#2026"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "KDF_PARAMS", dict(CHEAP))


def events(app: App, kind: str) -> list[dict]:
    return app.store.query("SELECT * FROM event_log WHERE kind = ? ORDER BY id", (kind,))


def test_real_kdf_parameters_are_stored_and_verified(app: App, admin, monkeypatch) -> None:
    monkeypatch.setattr(passwords, "KDF_PARAMS", dict(passwords.REAL_KDF_PARAMS))
    accounts.create_user(app, admin, "zhang", CLERK, PW, "区住建局")
    row = app.store.one("SELECT * FROM users WHERE username = 'zhang'")
    params = json.loads(row["pw_params"])
    assert params == {"alg": "scrypt", "n": 2 ** 14, "r": 8, "p": 1, "dklen": 32}
    assert len(bytes.fromhex(row["pw_salt"])) == 16
    assert PW not in row["pw_hash"] and len(row["pw_hash"]) == 64
    actor = signin.authenticate(app, "zhang", PW)
    assert (actor.username, actor.role, actor.unit) == ("zhang", CLERK, "区住建局")


def test_pbkdf2_hashes_verify() -> None:
    params = {"alg": "pbkdf2_sha256", "iterations": 200_000, "dklen": 32}
    h, s, p = passwords.hash_password(PW, params=params)
    assert passwords.verify_password(PW, h, s, p)
    assert not passwords.verify_password(PW + "x", h, s, p)


def test_salts_differ_per_user(app: App, admin) -> None:
    accounts.create_user(app, admin, "a1", REVIEWER, PW)
    accounts.create_user(app, admin, "a2", REVIEWER, PW)
    rows = app.store.query("SELECT pw_hash, pw_salt FROM users ORDER BY username")
    assert rows[0]["pw_salt"] != rows[1]["pw_salt"]
    assert rows[0]["pw_hash"] != rows[1]["pw_hash"]


def test_login_success_and_failure_are_logged(app: App, admin) -> None:
    accounts.create_user(app, admin, "li", CLERK, PW, "区发改委", "李四")
    with pytest.raises(signin.LoginFailed, match="用户名或密码错误"):
        signin.authenticate(app, "li", "wrong-password")
    with pytest.raises(signin.LoginFailed, match="用户名或密码错误"):
        signin.authenticate(app, "nobody", PW)
    actor = signin.authenticate(app, "li", PW)
    assert actor.label == "李四"
    failed = events(app, "login_failed")
    assert [e["actor"] for e in failed] == ["li", "nobody"]
    ok = events(app, "login")
    assert ok[-1]["actor"] == "li" and ok[-1]["at"]
    assert app.store.scalar("SELECT failed FROM users WHERE username = 'li'") == 0


def test_lockout_after_five_wrong_passwords(app: App, admin) -> None:
    accounts.create_user(app, admin, "wang", CLERK, PW, "区住建局")
    t0 = datetime(2026, 11, 24, 9, 0, 0)
    for _ in range(signin.MAX_FAILED - 1):
        with pytest.raises(signin.LoginFailed) as wrong:
            signin.authenticate(app, "wang", "bad-password", now=t0)
        # the same words as for a name that does not exist: nothing tells which names exist
        with pytest.raises(signin.LoginFailed) as unknown:
            signin.authenticate(app, "nobody-here", "bad-password", now=t0)
        assert str(wrong.value) == str(unknown.value) == signin.WRONG_MESSAGE
    with pytest.raises(signin.AccountLocked, match="锁定15分钟"):
        signin.authenticate(app, "wang", "bad-password", now=t0)
    # Even the right password is refused while locked.
    with pytest.raises(signin.AccountLocked):
        signin.authenticate(app, "wang", PW, now=t0 + timedelta(minutes=14))
    info = accounts.user(app, CLI_ACTOR, "wang")
    assert info.locked(t0) and info.locked_until == "2026-11-24T09:15:00"
    actor = signin.authenticate(app, "wang", PW, now=t0 + timedelta(minutes=15, seconds=1))
    assert actor.username == "wang"
    assert accounts.user(app, CLI_ACTOR, "wang").locked_until == ""


def test_admin_unlocks(app: App, admin, clerk_of) -> None:
    accounts.create_user(app, admin, "zhao", CLERK, PW, "区住建局")
    for _ in range(signin.MAX_FAILED):
        with pytest.raises((signin.LoginFailed, signin.AccountLocked)):
            signin.authenticate(app, "zhao", "bad-password")
    with pytest.raises(PermissionDenied):
        accounts.unlock(app, clerk_of("区住建局"), "zhao")
    accounts.unlock(app, admin, "zhao")
    assert signin.authenticate(app, "zhao", PW).username == "zhao"


def test_weaker_stored_parameters_are_upgraded_on_login(app: App, admin, monkeypatch) -> None:
    accounts.create_user(app, admin, "qian", REVIEWER, PW)
    stronger = {"alg": "scrypt", "n": 32, "r": 2, "p": 1, "dklen": 32}
    monkeypatch.setattr(passwords, "KDF_PARAMS", stronger)
    signin.authenticate(app, "qian", PW)
    assert json.loads(app.store.scalar("SELECT pw_params FROM users WHERE username = 'qian'")) == stronger
    assert signin.authenticate(app, "qian", PW).username == "qian"


def test_change_own_password(app: App, admin) -> None:
    accounts.create_user(app, admin, "sun", CLERK, PW, "区工信局")
    me = signin.authenticate(app, "sun", PW)
    with pytest.raises(InvalidInput, match="原密码不正确"):
        accounts.change_password(app, me, "not-my-password", "NewPass#2026")
    with pytest.raises(InvalidInput, match="至少需要8个字符"):
        accounts.change_password(app, me, PW, "short")
    for easy in ("12345678", "88888888", "abcdefgh", "Password", "qwertyui", "87654321"):
        with pytest.raises(InvalidInput, match="密码太简单"):
            accounts.change_password(app, me, PW, easy)
    accounts.change_password(app, me, PW, "NewPass#2026")
    with pytest.raises(signin.LoginFailed):
        signin.authenticate(app, "sun", PW)
    assert signin.authenticate(app, "sun", "NewPass#2026").username == "sun"
    assert events(app, "password")[-1]["actor"] == "sun"


def test_reset_by_admin_forces_a_change(app: App, admin, reviewer) -> None:
    accounts.create_user(app, admin, "zhou", CLERK, PW, "区住建局")
    zhou = signin.authenticate(app, "zhou", PW)
    for who in (zhou, reviewer):
        with pytest.raises(PermissionDenied, match="只有管理员"):
            accounts.reset_password(app, who, "zhou", "Temp#12345")
    accounts.reset_password(app, admin, "zhou", "Temp#12345")
    assert signin.must_change_password(app, Actor("zhou", "clerk"))
    me = signin.authenticate(app, "zhou", "Temp#12345")
    accounts.change_password(app, me, "Temp#12345", "Mine#12345")
    assert not signin.must_change_password(app, Actor("zhou", "clerk"))
    assert "重置账户 zhou 的密码" in events(app, "account")[-1]["detail"]


def test_only_admin_manages_accounts(app: App, admin, reviewer, clerk_of) -> None:
    clerk = clerk_of("区住建局")
    for who in (clerk, reviewer):
        with pytest.raises(PermissionDenied):
            accounts.create_user(app, who, "x1", ADMIN, PW)
    accounts.create_user(app, admin, "x1", CLERK, PW, "区住建局")
    for who in (clerk, reviewer):
        with pytest.raises(PermissionDenied):
            accounts.update_user(app, who, "x1", role=ADMIN)
        with pytest.raises(PermissionDenied):
            accounts.set_active(app, who, "x1", False)
        with pytest.raises(PermissionDenied):
            accounts.event_log(app, who)
    assert accounts.user(app, CLI_ACTOR, "x1").role == CLERK


def test_role_and_unit_validation(app: App, admin) -> None:
    with pytest.raises(InvalidInput, match="必须属于一个填报单位"):
        accounts.create_user(app, admin, "c1", CLERK, PW)
    with pytest.raises(InvalidInput, match="不是填报单位"):
        accounts.create_user(app, admin, "c1", CLERK, PW, "火星局")
    with pytest.raises(InvalidInput, match="未知的角色"):
        accounts.create_user(app, admin, "c1", "boss", PW)
    with pytest.raises(InvalidInput, match="用户名"):
        accounts.create_user(app, admin, "a b", REVIEWER, PW)
    with pytest.raises(InvalidInput, match="不能与用户名相同"):
        accounts.create_user(app, admin, "c1password", REVIEWER, "C1PASSWORD")
    info = accounts.create_user(app, admin, "c1", REVIEWER, PW, "区住建局")
    assert info.unit is None  # reviewers belong to the office
    with pytest.raises(InvalidInput, match="已存在"):
        accounts.create_user(app, admin, "c1", REVIEWER, PW)
    with pytest.raises(NotFound):
        accounts.update_user(app, admin, "ghost", role=ADMIN)


def test_first_admin_only_on_empty_database_and_last_admin_kept(app: App) -> None:
    boss = accounts.create_first_admin(app, "admin", PW, "办公室管理员")
    assert boss.is_admin
    with pytest.raises(PermissionDenied, match="不能再次进行首次设置"):
        accounts.create_first_admin(app, "admin2", PW)
    with pytest.raises(InvalidInput, match="唯一的管理员"):
        accounts.set_active(app, boss, "admin", False)
    with pytest.raises(InvalidInput, match="唯一的管理员"):
        accounts.update_user(app, boss, "admin", role=REVIEWER)
    accounts.create_user(app, boss, "admin2", ADMIN, PW)
    accounts.set_active(app, boss, "admin2", False)
    with pytest.raises(signin.LoginFailed):
        signin.authenticate(app, "admin2", PW)


def test_bureau_installation_admits_only_its_unit(app: App, admin) -> None:
    accounts.create_user(app, admin, "jian", CLERK, PW, "区住建局")
    accounts.create_user(app, admin, "gong", CLERK, PW, "区工信局")
    accounts.create_user(app, admin, "shen", REVIEWER, PW)
    accounts.create_user(app, admin, "local", ADMIN, PW)
    app.settings.set("installation", {"unit": "区住建局"})
    assert accounts.installation_unit(app) == "区住建局"
    assert signin.authenticate(app, "jian", PW).unit == "区住建局"
    assert signin.authenticate(app, "local", PW).is_admin
    for name in ("gong", "shen"):
        with pytest.raises(PermissionDenied, match="区住建局的填报电脑"):
            signin.authenticate(app, name, PW)
    # New accounts on a unit's PC: its clerks and local administrators only.
    with pytest.raises(InvalidInput, match="只能新建区住建局的填报员"):
        accounts.create_user(app, admin, "gong2", CLERK, PW, "区工信局")
    with pytest.raises(InvalidInput, match="审核员账户应建在领导小组办公室"):
        accounts.create_user(app, admin, "shen2", REVIEWER, PW)
    accounts.create_user(app, admin, "jian2", CLERK, PW, "区住建局")
    accounts.create_user(app, admin, "local2", ADMIN, PW)


def test_event_log_is_append_only(app: App, admin) -> None:
    app.log(admin, "settings", "修改了设置")
    for sql in ("UPDATE event_log SET detail = 'x'", "DELETE FROM event_log"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            app.store.execute(sql)
    rows = accounts.event_log(app, admin, kind="settings")
    assert [r["detail"] for r in rows] == ["修改了设置"]
    assert accounts.event_log(app, admin, text="设置")[0]["detail"] == "修改了设置"
    assert accounts.event_log(app, admin, text="100%_") == []


def test_cli_user_add_list_reset(db_path: Path, capsys, plan) -> None:
    db = str(db_path)
    assert entry.main(["--db", db, "user", "add", "--username", "admin", "--role", "admin",
                       "--password", PW]) == 0
    assert entry.main(["--db", db, "user", "add", "--username", "clerk1", "--role", "clerk",
                       "--unit", "区住建局", "--name", "李芳", "--password", PW]) == 0
    assert "已新建账户 clerk1（李芳，填报员 · 区住建局）" in capsys.readouterr().out
    assert entry.main(["--db", db, "user", "add", "--username", "clerk2", "--role", "clerk",
                       "--password", PW]) == 1
    err = capsys.readouterr().err
    assert "填报员必须属于一个填报单位" in err
    # No --password and no terminal to ask on: a clear refusal, not a hang.
    assert entry.main(["--db", db, "user", "add", "--username", "x1", "--role", "reviewer"]) == 1
    assert "请用 --password 提供密码" in capsys.readouterr().err
    assert entry.main(["--db", db, "user", "list"]) == 0
    out = capsys.readouterr().out
    assert "admin\t管理员" in out and "clerk1\t填报员\t区住建局\t李芳" in out
    assert entry.main(["--db", db, "user", "reset", "--username", "clerk1", "--password", "Other#2026"]) == 0
    assert "已重置账户 clerk1" in capsys.readouterr().out
    app = App.open(db_path)
    try:
        assert signin.authenticate(app, "clerk1", "Other#2026").unit == "区住建局"
        assert not signin.must_change_password(app, Actor("clerk1", "clerk"))
        assert events(app, "account")[0]["actor"] == "命令行"
    finally:
        app.close()


# -- dialogs --------------------------------------------------------------------------------
def test_login_dialog(qtbot, app: App, admin) -> None:
    from ui.login_dialog import LoginDialog
    accounts.create_user(app, admin, "li", CLERK, PW, "区发改委")
    dlg = LoginDialog(app)
    qtbot.addWidget(dlg)
    qtbot.keyClicks(dlg.username, "li")
    qtbot.keyClicks(dlg.password, "wrong-one")
    dlg.ok.click()
    assert "用户名或密码错误" in dlg.error.text()
    assert dlg.result() != QDialog.DialogCode.Accepted and dlg.password.text() == ""
    qtbot.keyClicks(dlg.password, PW)
    dlg.ok.click()
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert dlg.actor is not None and dlg.actor.unit == "区发改委"


def test_login_after_reset_requires_new_password(qtbot, app: App, admin) -> None:
    from ui.login_dialog import ChangePasswordDialog, LoginDialog
    accounts.create_user(app, admin, "li", CLERK, PW, "区发改委")
    accounts.reset_password(app, admin, "li", "Temp#12345")
    dlg = LoginDialog(app, username="li")
    qtbot.addWidget(dlg)
    qtbot.keyClicks(dlg.password, "Temp#12345")
    seen = []

    def refuse(d: QDialog) -> bool:
        seen.append(d)
        return False

    dlg.run_dialog = refuse
    dlg.ok.click()
    assert isinstance(seen[0], ChangePasswordDialog)
    assert dlg.result() != QDialog.DialogCode.Accepted and "请先设置新密码" in dlg.error.text()

    def answer(d: QDialog) -> bool:
        assert isinstance(d, ChangePasswordDialog)
        assert not d.old.isVisibleTo(d)  # the temporary password was just typed
        qtbot.keyClicks(d.new, "Mine#12345")
        qtbot.keyClicks(d.again, "Mine#12345")
        d.ok.click()
        return d.result() == QDialog.DialogCode.Accepted

    dlg.run_dialog = answer
    qtbot.keyClicks(dlg.password, "Temp#12345")
    dlg.ok.click()
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert signin.authenticate(app, "li", "Mine#12345").username == "li"


def test_first_run_dialog(qtbot, app: App) -> None:
    from ui.first_run_dialog import FirstRunDialog
    dlg = FirstRunDialog(app)
    qtbot.addWidget(dlg)
    dlg.display.insert("张三")  # keyClicks types ASCII only
    qtbot.keyClicks(dlg.password, PW)
    qtbot.keyClicks(dlg.again, PW + "x")
    dlg.ok.click()
    assert "不一致" in dlg.error.text() and not accounts.has_users(app.store)
    dlg.again.clear()
    qtbot.keyClicks(dlg.again, PW)
    dlg.ok.click()
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert dlg.actor is not None and dlg.actor.is_admin and dlg.actor.username == "admin"
    assert accounts.user(app, CLI_ACTOR, "admin").display_name == "张三"


def test_accounts_view_creates_resets_and_disables(qtbot, app: App, admin) -> None:
    from ui.accounts_view import AccountsView, ResetPasswordDialog, UserDialog
    accounts.create_first_admin(app, "admin", PW)
    view = AccountsView(app, admin)
    qtbot.addWidget(view)

    def fill_new(d: QDialog) -> bool:
        assert isinstance(d, UserDialog)
        qtbot.keyClicks(d.username, "jian01")
        d.display.insert("住建局填报员")
        d.role.setCurrentIndex(d.role.findData(CLERK))
        d.unit.setCurrentText("区住建局")
        qtbot.keyClicks(d.password, PW)
        qtbot.keyClicks(d.again, PW)
        d.ok.click()
        return d.result() == QDialog.DialogCode.Accepted

    view.run_dialog = fill_new
    view.add_btn.click()
    assert view.selected() == "jian01"
    assert accounts.user(app, CLI_ACTOR, "jian01").unit == "区住建局"

    def fill_reset(d: QDialog) -> bool:
        assert isinstance(d, ResetPasswordDialog)
        qtbot.keyClicks(d.password, "Temp#12345")
        qtbot.keyClicks(d.again, "Temp#12345")
        d.ok.click()
        return d.result() == QDialog.DialogCode.Accepted

    view.run_dialog = fill_reset
    view.reset_btn.click()
    assert signin.must_change_password(app, Actor("jian01", "clerk"))
    assert "待改密码" in view.table.item(view.table.currentRow(), 4).text()
    view.active_btn.click()
    assert not accounts.user(app, CLI_ACTOR, "jian01").active
    assert view.active_btn.text() == "启用"
    # The table is read-only: editing a cell changes nothing.
    assert not (view.table.editTriggers() & view.table.EditTrigger.DoubleClicked)


def test_my_account_view_changes_password(qtbot, app: App, admin) -> None:
    from ui.accounts_view import MyAccountView
    accounts.create_user(app, admin, "li", CLERK, PW, "区发改委")
    me = signin.authenticate(app, "li", PW)
    view = MyAccountView(app, me)
    qtbot.addWidget(view)
    qtbot.keyClicks(view.form.old, PW)
    qtbot.keyClicks(view.form.new, "Mine#12345")
    qtbot.keyClicks(view.form.again, "Mine#12345")
    view.form.ok.click()
    assert "密码已修改" in view.done_label.text()
    assert signin.authenticate(app, "li", "Mine#12345").username == "li"
    assert view.form.old.text() == "" and not view.form.isHidden()
    qtbot.keyClicks(view.form.old, "typed")
    cancel = next(b for b in view.form.findChildren(QPushButton) if b.text() == "取消")
    cancel.click()
    assert view.form.old.text() == "" and not view.form.isHidden()


def test_event_log_records_logins_reviews_imports_exports_and_settings(
        tmp_path: Path, app: App, admin, reviewer, capsys) -> None:
    from exports.briefing import BriefingOptions, build_briefing
    from models import exchange_install, office, review
    from tests.office_data import fill_and_submit
    unit, month = "区住建局", "2026-10"
    accounts.create_user(app, admin, "jian", CLERK, PW, unit)
    with pytest.raises(signin.LoginFailed):
        signin.authenticate(app, "jian", "not-the-password")
    clerk = signin.authenticate(app, "jian", PW)
    fill_and_submit(app, clerk, unit, month)
    review.return_submission(app, reviewer, unit, month, "请补充投资数据")
    from models.entries import Entries
    Entries(app).submit(clerk, unit, month)
    review.approve(app, reviewer, unit, month)
    review.reopen(app, reviewer, unit, month, "数据有误")
    office.set_setting(app, admin, "due_day", 9)
    build_briefing(app, reviewer, month, tmp_path / "简报.pdf", BriefingOptions(charts=False))
    exchange_install.make_install(app, admin, unit, tmp_path / "i.zsi")
    app.close()
    assert entry.main(["--db", str(app.store.path), "export-ledger", "--month", month,
                       "-o", str(tmp_path / "台账.xlsx")]) == 0
    capsys.readouterr()
    again = App.open(app.store.path)
    try:
        rows = accounts.event_log(again, admin)
    finally:
        again.close()
    seen = [(r["actor"], r["kind"]) for r in reversed(rows)]
    for expected in [("jian", "login_failed"), ("jian", "login"), ("office", "review"),
                     ("admin", "settings"), ("office", "export"), ("admin", "exchange"), ("命令行", "export")]:
        assert expected in seen, expected
    details = " ".join(r["detail"] for r in rows if r["kind"] == "review")
    assert "退回" in details and "审核通过" in details and "解锁" in details
    assert all(r["at"] and r["actor"] for r in rows)


def test_damaged_stored_hash_is_a_failed_login_not_a_crash(app: App, admin) -> None:
    accounts.create_user(app, admin, "li", CLERK, PW, "区发改委")
    app.store.execute("UPDATE users SET pw_params = '{not json', pw_salt = 'zz' WHERE username = 'li'")
    with pytest.raises(signin.LoginFailed):
        signin.authenticate(app, "li", PW)
    accounts.reset_password(app, admin, "li", "Fresh#12345", temporary=False)
    assert signin.authenticate(app, "li", "Fresh#12345").username == "li"
