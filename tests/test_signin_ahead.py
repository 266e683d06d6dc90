"""Getting ready while the sign-in dialog waits: the password key derived on a worker
thread as it is typed, the main window built ahead for the named account, the
database checked while Qt loads, the parsed plan cached, the quick command line."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog

from models import accounts, passwords, signin, store as store_mod
from models.app import ADMIN, CLERK, CLI_ACTOR, Actor, App
from models.plan_load import DEFAULT_PLAN, load_plan, sha256_hex
from models.store import DatabaseCorrupt, Store, StoreError
from ui import app as gui
from ui import entry

CHEAP = {"alg": "scrypt", "n": 16, "r": 1, "p": 1, "dklen": 32}
PW = "Zhushan#2026"
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "KDF_PARAMS", dict(CHEAP))


class CountingDerive:
    """A key derivation that counts its calls; ``gate`` (when set) holds each call."""

    def __init__(self, gate: threading.Event | None = None, fail: bool = False):
        self.calls: list[str] = []
        self.gate = gate
        self.fail = fail

    def __call__(self, password: str, salt: bytes, params: dict[str, Any]) -> bytes:
        self.calls.append(password)
        if self.gate is not None:
            assert self.gate.wait(10)
        if self.fail:
            raise ValueError("broken parameters")
        return hashlib.sha256(salt + password.encode("utf-8")).digest()


# -- the key derivation on a worker thread -------------------------------------------------
def test_deriver_prepares_the_key_once() -> None:
    derive = CountingDerive()
    kd = passwords.KeyDeriver(derive)
    try:
        kd.start("secret-1", b"s" * 16, CHEAP)
        got = kd.derive("secret-1", b"s" * 16, CHEAP)
        assert got == hashlib.sha256(b"s" * 16 + b"secret-1").digest()
        assert derive.calls == ["secret-1"]  # derived ahead, not again
        assert kd.derive("secret-1", b"s" * 16, CHEAP) == got and derive.calls == ["secret-1"]
        other = kd.derive("secret-2", b"s" * 16, CHEAP)  # not what was started: derived now
        assert other == hashlib.sha256(b"s" * 16 + b"secret-2").digest()
        assert derive.calls == ["secret-1", "secret-2"]
    finally:
        kd.close()


def test_deriver_is_busy_until_done_and_keeps_only_the_latest_input() -> None:
    gate = threading.Event()
    derive = CountingDerive(gate)
    kd = passwords.KeyDeriver(derive)
    try:
        kd.start("a", b"1" * 16, CHEAP)
        assert kd.busy()
        for _ in range(1000):  # the worker is inside the derivation of "a"
            if derive.calls:
                break
            threading.Event().wait(0.005)
        assert derive.calls == ["a"]
        kd.start("ab", b"1" * 16, CHEAP)
        kd.start("abc", b"1" * 16, CHEAP)  # replaces "ab" before it began
        gate.set()
        assert kd.derive("abc", b"1" * 16, CHEAP) == hashlib.sha256(b"1" * 16 + b"abc").digest()
        assert not kd.busy()
        assert "ab" not in derive.calls and derive.calls[-1] == "abc"
    finally:
        kd.close()


def test_deriver_hands_errors_to_the_caller_and_works_after_close() -> None:
    kd = passwords.KeyDeriver(CountingDerive(fail=True))
    kd.start("x", b"0" * 16, CHEAP)
    with pytest.raises(ValueError, match="broken"):
        kd.derive("x", b"0" * 16, CHEAP)
    kd.close()
    ok = passwords.KeyDeriver(CountingDerive())
    ok.close()  # closed: derives on the caller's thread
    assert ok.derive("y", b"0" * 16, CHEAP) == hashlib.sha256(b"0" * 16 + b"y").digest()


def test_authenticate_decides_the_same_with_a_deriver(app: App, admin: Actor) -> None:
    accounts.create_user(app, admin, "li", CLERK, PW, "区发改委")
    kd = passwords.KeyDeriver()
    try:
        salt, params = signin.kdf_inputs(app, "li")
        kd.start("wrong-password", salt, params)
        with pytest.raises(signin.LoginFailed):
            signin.authenticate(app, "li", "wrong-password", derive=kd.derive)
        assert accounts.user(app, CLI_ACTOR, "li").failed == 1  # counted as without the helper
        kd.start(PW, salt, params)
        assert signin.authenticate(app, "li", PW, derive=kd.derive).unit == "区发改委"
        assert accounts.user(app, CLI_ACTOR, "li").failed == 0
    finally:
        kd.close()


def test_unknown_names_get_the_same_derivation(app: App, admin: Actor) -> None:
    accounts.create_user(app, admin, "li", CLERK, PW, "区发改委")
    salt, params = signin.kdf_inputs(app, "li")
    stored = app.store.one("SELECT pw_salt, pw_params FROM users WHERE username = 'li'")
    assert salt.hex() == stored["pw_salt"] and params == __import__("json").loads(stored["pw_params"])
    nobody = signin.kdf_inputs(app, "nobody")
    assert nobody == (signin._UNKNOWN_SALT, CHEAP)
    accounts.set_active(app, admin, "li", False)
    assert signin.kdf_inputs(app, "li") == nobody  # inactive: like an unknown name
    seen: list[tuple[bytes, dict]] = []

    def spy(password: str, salt: bytes, params: dict[str, Any]) -> bytes:
        seen.append((salt, params))
        return passwords._derive(password, salt, params)

    with pytest.raises(signin.LoginFailed):
        signin.authenticate(app, "nobody", PW, derive=spy)
    assert seen == [nobody]


# -- the sign-in dialog -------------------------------------------------------------------------
def test_typing_the_password_derives_ahead(qtbot, app: App, admin: Actor) -> None:
    from ui.login_dialog import LoginDialog
    accounts.create_user(app, admin, "li", CLERK, PW, "区发改委")
    dlg = LoginDialog(app)
    qtbot.addWidget(dlg)
    derive = CountingDerive()
    dlg.deriver = passwords.KeyDeriver(derive)
    qtbot.keyClicks(dlg.username, "li")
    qtbot.keyClicks(dlg.password, PW)
    qtbot.waitUntil(lambda: not dlg.preparing(), timeout=5000)
    assert derive.calls and derive.calls[-1] == PW
    before = len(derive.calls)
    # The stand-in derivation does not match the stored hash: the dialog refuses, and the
    # refusal used the key derived ahead (no further derivation).
    dlg.ok.click()
    assert "用户名或密码错误" in dlg.error.text() and len(derive.calls) == before


def test_dialog_prepares_for_the_named_account_once_drawn(qtbot, app: App, admin: Actor) -> None:
    from ui.login_dialog import LoginDialog
    asked: list[str] = []
    dlg = LoginDialog(app, username="li", prepare=asked.append)
    qtbot.addWidget(dlg)
    assert asked == [] and dlg.preparing()  # nothing before the dialog is on screen
    dlg.show()
    qtbot.waitUntil(lambda: asked == ["li"], timeout=5000)
    assert not dlg.preparing()
    dlg.username.setText("wang")
    dlg.username.editingFinished.emit()  # Tab to the password field
    qtbot.waitUntil(lambda: asked == ["li", "wang"], timeout=5000)


def test_signing_in_at_once_prepares_first(qtbot, app: App, admin: Actor) -> None:
    from ui.login_dialog import LoginDialog
    accounts.create_user(app, admin, "li", CLERK, PW, "区发改委")
    order: list[str] = []
    real = signin.authenticate

    def spy(*a: Any, **k: Any) -> Actor:
        order.append("authenticate")
        return real(*a, **k)

    dlg = LoginDialog(app, username="li", prepare=lambda name: order.append(f"prepare {name}"))
    qtbot.addWidget(dlg)
    dlg.password.setText(PW)
    import ui.login_dialog as ld
    ld.signin.authenticate = spy  # type: ignore[assignment]
    try:
        dlg.try_login()
    finally:
        ld.signin.authenticate = real  # type: ignore[assignment]
    assert order == ["prepare li", "authenticate"]
    assert dlg.result() == QDialog.DialogCode.Accepted


# -- the start-up sequence ---------------------------------------------------------------------
class Dialogs(gui.Dialogs):
    """Signs in as ``login_as``, after the dialog prepared for ``prepare_as``."""

    def __init__(self, login_as: tuple[str, str], prepare_as: str | None):
        self.login_as = login_as
        self.prepare_as = prepare_as
        self.prefilled: list[str] = []
        self.messages: list[str] = []

    def critical(self, title: str, text: str) -> None:
        self.messages.append(f"{title}：{text}")

    warning = critical

    def login(self, app: App, message: str = "", username: str = "",
              prepare: Callable[[str], None] | None = None) -> Actor | None:
        self.prefilled.append(username)
        if prepare is not None and self.prepare_as is not None:
            prepare(self.prepare_as)
        return signin.authenticate(app, *self.login_as)


def make_db(path: Path) -> None:
    app = App.open(path)
    try:
        accounts.create_first_admin(app, "admin", PW)
        accounts.create_user(app, Actor("admin", ADMIN), "jian", CLERK, PW, "区住建局")
    finally:
        app.close()


def start(db: Path, dialogs: Dialogs, qtbot) -> gui.Startup:
    st = gui.Startup(entry.build_parser().parse_args(["--db", str(db)]), dialogs, {})
    assert st.start() is None, dialogs.messages
    assert st.window is not None
    qtbot.addWidget(st.window)
    return st


def test_window_prepared_for_the_signed_in_account_is_shown(tmp_path: Path, qtbot) -> None:
    db = tmp_path / "数据" / "zhushan.db"
    make_db(db)
    built: list[Any] = []
    real = gui.Startup._build_window

    def spy(self: gui.Startup, actor: Actor) -> Any:
        w = real(self, actor)
        built.append(w)
        return w

    gui.Startup._build_window = spy  # type: ignore[method-assign]
    try:
        st = start(db, Dialogs(("jian", PW), prepare_as="jian"), qtbot)
    finally:
        gui.Startup._build_window = real  # type: ignore[method-assign]
    try:
        assert len(built) == 1 and st.window is built[0]  # built once, ahead of sign-in
        assert st.window_was_prepared and st.window.isVisible()
        assert st.window.actor.username == "jian" and st.window.actor.unit == "区住建局"
    finally:
        st.shutdown()


def test_window_prepared_for_someone_else_is_not_used(tmp_path: Path, qtbot) -> None:
    db = tmp_path / "zhushan.db"
    make_db(db)
    st = start(db, Dialogs(("admin", PW), prepare_as="jian"), qtbot)
    try:
        assert not st.window_was_prepared
        assert st.window.actor.username == "admin" and st.window.actor.is_admin
        titles = [st.window.nav.item(i).text() for i in range(st.window.nav.count())]
        assert "账户管理" in titles  # the administrator's window, not the clerk's
    finally:
        st.shutdown()


def test_preparing_writes_nothing_and_ignores_unknown_names(tmp_path: Path, qtbot) -> None:
    db = tmp_path / "zhushan.db"
    make_db(db)
    st = gui.Startup(entry.build_parser().parse_args(["--db", str(db)]), Dialogs(("x", "y"), None), {})
    store = st.open_store()
    assert store is not None
    st.app = App(store, load_plan())
    try:
        changes = store.conn.total_changes
        log = store.scalar("SELECT COUNT(*) FROM event_log")
        st.prepare_window("nobody")
        assert st.prepared is None
        st.prepare_window("jian")
        assert st.prepared is not None and st.prepared[0] == "jian"
        window = st.prepared[1]
        qtbot.addWidget(window)
        assert not window.isVisible()  # drawn off screen only
        assert store.conn.total_changes == changes
        assert store.scalar("SELECT COUNT(*) FROM event_log") == log
        st.prepare_window("jian")
        assert st.prepared[1] is window  # still fresh: not built again
    finally:
        st.shutdown()


def test_a_window_that_cannot_be_prepared_is_built_after_signing_in(tmp_path: Path, qtbot,
                                                                    monkeypatch) -> None:
    db = tmp_path / "zhushan.db"
    make_db(db)
    real = gui.Startup._build_window
    failures = [StoreError("数据库暂时无法读取")]

    def flaky(self: gui.Startup, actor: Actor) -> Any:
        if failures:
            raise failures.pop()
        return real(self, actor)

    monkeypatch.setattr(gui.Startup, "_build_window", flaky)
    st = start(db, Dialogs(("jian", PW), prepare_as="jian"), qtbot)
    try:
        assert not st.window_was_prepared and st.window.isVisible()
        assert st.window.actor.username == "jian"
    finally:
        st.shutdown()


def test_last_user_name_is_filled_in_next_time(tmp_path: Path, qtbot) -> None:
    db = tmp_path / "zhushan.db"
    make_db(db)
    first = Dialogs(("jian", PW), prepare_as=None)
    st = start(db, first, qtbot)
    st.shutdown()
    second = Dialogs(("jian", PW), prepare_as=None)
    st = start(db, second, qtbot)
    try:
        assert second.prefilled == ["jian"]
    finally:
        st.shutdown()


# -- the database check started while Qt loads ----------------------------------------------
def test_early_check_is_used_by_the_store(tmp_path: Path) -> None:
    db = tmp_path / "检查" / "a.db"
    Store(db).close()
    assert store_mod.check_in_background(db)
    assert not store_mod.check_in_background(db)  # one at a time per file
    s = Store(db)
    try:
        assert store_mod._EARLY == {}
    finally:
        s.close()


def test_early_check_reports_a_damaged_file(tmp_path: Path, app: App, admin: Actor) -> None:
    from models.entries import Entries
    db = tmp_path / "bad.db"
    a = App(Store(db), app.plan)
    for m in range(1, 13):
        Entries(a).save_task_report(admin, "1.1", "区发改委", f"2025-{m:02d}", {"progress": "x" * 3000})
    a.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    a.close()
    raw = bytearray(db.read_bytes())
    page = 4096
    for off in range(2 * page, len(raw) - page, page):
        raw[off + 8: off + 40] = b"\xff" * 32  # scramble page headers, keep the file header
    db.write_bytes(bytes(raw))
    assert store_mod.check_in_background(db)
    with pytest.raises(StoreError) as exc:
        Store(db)
    assert isinstance(exc.value, DatabaseCorrupt) or "损坏" in str(exc.value)
    assert store_mod._EARLY == {}


def test_early_check_leaves_missing_and_empty_files_alone(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    assert not store_mod.check_in_background(missing)
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert not store_mod.check_in_background(empty)
    assert empty.read_bytes() == b""


def test_early_check_that_cannot_run_falls_back(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    assert store_mod.check_in_background(junk)
    with pytest.raises(StoreError):
        Store(junk)  # the usual message: the early check only saves time
    assert junk.read_bytes() == b"this is not a database at all" * 100


# -- the parsed plan kept beside the database ------------------------------------------------
def test_plan_cache_is_written_reused_and_replaced(tmp_path: Path, monkeypatch) -> None:
    import models.plan_load as plan_mod
    cache = tmp_path / "cache"
    fresh = load_plan(DEFAULT_PLAN, cache_dir=cache)
    files = list(cache.glob("plan-*.json"))
    assert [f.name for f in files] == [f"plan-{fresh.digest}.json"]
    assert fresh.digest == hashlib.sha256(DEFAULT_PLAN.read_bytes()).hexdigest()

    def no_toml(*_a: Any) -> Any:
        raise AssertionError("the cached plan should have been used")

    monkeypatch.setattr(plan_mod, "_parse_toml", no_toml)
    cached = load_plan(DEFAULT_PLAN, cache_dir=cache)
    assert cached.digest == fresh.digest and cached.indicators == fresh.indicators
    assert cached.actions == fresh.actions and cached.units == fresh.units
    monkeypatch.undo()

    edited = tmp_path / "plan.toml"
    edited.write_bytes(DEFAULT_PLAN.read_bytes() + "\n# 修订\n".encode())
    other = load_plan(edited, cache_dir=cache)
    assert other.digest != fresh.digest
    assert [f.name for f in cache.glob("plan-*.json")] == [f"plan-{other.digest}.json"]


def test_damaged_plan_cache_is_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plan = load_plan(DEFAULT_PLAN, cache_dir=cache)
    f = cache / f"plan-{plan.digest}.json"
    f.write_text('{"sha256": "', encoding="utf-8")
    again = load_plan(DEFAULT_PLAN, cache_dir=cache)
    assert again.indicators == plan.indicators
    f.write_text('{"sha256": "other", "plan": {"format": 1}}', encoding="utf-8")
    assert load_plan(DEFAULT_PLAN, cache_dir=cache).tasks == plan.tasks  # not ours: parsed again


def test_plan_digest_without_openssl_matches_hashlib() -> None:
    data = DEFAULT_PLAN.read_bytes()
    assert sha256_hex(data) == hashlib.sha256(data).hexdigest()


# -- the command line of the desktop start -----------------------------------------------------
@pytest.mark.parametrize("argv", [[], ["--db", "x.db"], ["--db=数据.db", "--smoke"],
                                  ["--plan", "p.toml", "--db", "d.db"], ["--db", "a", "--db", "b"]])
def test_quick_parse_matches_the_full_parser(argv: list[str]) -> None:
    assert vars(entry.parse_args(argv)) == vars(entry.build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [["bakup"], ["--db"], ["--db", "-x"]])
def test_anything_else_gets_the_full_parsers_message(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        entry.parse_args(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "错误：" in err and "main.py --help" in err


def test_commands_are_still_parsed(tmp_path: Path) -> None:
    args = entry.parse_args(["--db", str(tmp_path / "x.db"), "backup", "--list"])
    assert args.command == "backup" and args.list


# -- fonts ------------------------------------------------------------------------------------------
def test_shipped_font_registered_only_without_a_chinese_system_font(qapp, monkeypatch) -> None:
    from PySide6.QtGui import QFontDatabase

    from ui import qtsetup
    assert qtsetup.install_font(qapp) in QFontDatabase.families()
    monkeypatch.setattr(QFontDatabase, "families", staticmethod(lambda *a: ["DejaVu Sans"]))
    family = qtsetup.install_font(qapp)
    assert family == qtsetup.FONT_FAMILY_FALLBACK  # the shipped file's family
    assert qapp.font().family() == family


def test_sqlite_is_not_left_open_by_the_check(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    Store(db).close()
    assert store_mod.check_in_background(db)
    Store(db).close()
    # Nothing holds the file: it can be replaced and opened exclusively.
    conn = sqlite3.connect(db)
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("COMMIT")
    conn.close()
