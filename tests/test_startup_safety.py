"""The start-up sequence: instance lock, corrupt and too-new files, daily backup,
first run, sign-in switches, restore from the backup page."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import main as entry
from models import accounts, backup, passwords, signin
from models.app import ADMIN, CLERK, CLI_ACTOR, Actor, App
from models.entries import Entries
from models.instance import InstanceLock
from models.store import Store
from ui import app as gui

ROOT = Path(__file__).resolve().parent.parent
PW = "Zhushan#2026"
CHEAP = {"alg": "scrypt", "n": 16, "r": 1, "p": 1, "dklen": 32}
# Showing a top-level window on the offscreen platform logs this harmless warning.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "KDF_PARAMS", dict(CHEAP))


class FakeDialogs(gui.Dialogs):
    """Answers the start-up's questions and records what was shown."""

    def __init__(self, restore: bool = True, login_as: tuple[str, str] | None = None,
                 missing: str = "quit", prepare_as: str | None = None):
        self.shown: list[tuple[str, str]] = []
        self.restore = restore
        self.login_as = login_as
        self.missing = missing
        self.prepare_as = prepare_as  # the name the sign-in dialog prepares a window for
        self.prefilled: list[str] = []

    def ask_missing(self, text: str) -> str:
        self.shown.append(("ask_missing", text))
        return self.missing

    def critical(self, title: str, text: str) -> None:
        self.shown.append(("critical", f"{title}：{text}"))

    def warning(self, title: str, text: str) -> None:
        self.shown.append(("warning", f"{title}：{text}"))

    def offer_restore(self, text: str) -> bool:
        self.shown.append(("offer_restore", text))
        return self.restore

    def first_run(self, app: App) -> Actor | None:
        self.shown.append(("first_run", ""))
        return accounts.create_first_admin(app, "admin", PW)

    def login(self, app: App, message: str = "", username: str = "",
              prepare: Callable[[str], None] | None = None) -> Actor | None:
        self.shown.append(("login", message))
        self.prefilled.append(username)
        if prepare is not None and self.prepare_as is not None:
            prepare(self.prepare_as)
        if self.login_as is None:
            return None
        return signin.authenticate(app, *self.login_as)

    def kinds(self) -> list[str]:
        return [k for k, _ in self.shown]


def args_for(db: Path, *extra: str) -> Any:
    return entry.build_parser().parse_args(["--db", str(db), *extra])


@pytest.fixture
def started(qtbot):
    runs: list[gui.Startup] = []

    def run(db: Path, dialogs: FakeDialogs, env: dict[str, str] | None = None) -> tuple[gui.Startup, Any]:
        st = gui.Startup(args_for(db), dialogs, env or {})
        runs.append(st)
        rc = st.start()
        if st.window is not None:
            qtbot.addWidget(st.window)
        return st, rc

    yield run
    for st in runs:
        st.shutdown()


def make_db(path: Path, with_users: bool = True, data: bool = True) -> None:
    app = App.open(path)
    try:
        if with_users:
            accounts.create_first_admin(app, "admin", PW)
            accounts.create_user(app, Actor("admin", ADMIN), "jian", CLERK, PW, "区住建局")
        if data:
            Entries(app).save_task_report(Actor("admin", ADMIN), "1.1", "区发改委", "2026-10",
                                          {"progress": "启动前的数据"})
    finally:
        app.close()


def test_first_run_creates_admin_and_opens_window(tmp_path: Path, started) -> None:
    db = tmp_path / "zhushan.db"
    d = FakeDialogs()
    st, rc = started(db, d)
    assert rc is None and d.kinds() == ["first_run"]
    assert st.actor is not None and st.actor.is_admin and st.window is not None
    assert st.window.isVisible()
    titles = [st.window.nav.item(i).text() for i in range(st.window.nav.count())]
    assert {"账户管理", "操作日志", "备份与恢复", "我的账户"} <= set(titles)
    assert st.lock is not None and st.lock.held


def test_no_login_switch_only_without_accounts(tmp_path: Path, started) -> None:
    db = tmp_path / "empty.db"
    d = FakeDialogs()
    st, rc = started(db, d, {"ZHUSHAN_NO_LOGIN": "1"})
    assert rc is None and d.kinds() == [] and st.actor.is_admin
    assert st.actor.username == gui.DEV_ACTOR_NAME
    st.shutdown()
    db2 = tmp_path / "users.db"
    make_db(db2)
    d2 = FakeDialogs(login_as=None)
    st2, rc2 = started(db2, d2, {"ZHUSHAN_NO_LOGIN": "1"})
    assert rc2 == 0 and d2.kinds() == ["login"] and st2.window is None


def test_autologin_is_a_scripted_password_login(tmp_path: Path, started) -> None:
    db = tmp_path / "zhushan.db"
    make_db(db)
    d = FakeDialogs()
    st, rc = started(db, d, {"ZHUSHAN_AUTOLOGIN": "jian", "ZHUSHAN_AUTOLOGIN_PASSWORD": PW})
    assert rc is None and d.kinds() == [] and st.actor.unit == "区住建局"
    titles = [st.window.nav.item(i).text() for i in range(st.window.nav.count())]
    assert "账户管理" not in titles and "备份与恢复" not in titles and "我的账户" in titles
    st.shutdown()
    # A user name without the right password is not enough: the login dialog opens.
    d2 = FakeDialogs(login_as=None)
    st2, rc2 = started(db, d2, {"ZHUSHAN_AUTOLOGIN": "jian", "ZHUSHAN_AUTOLOGIN_PASSWORD": "wrong-pass"})
    assert rc2 == 0 and d2.shown[0][0] == "login" and "自动登录失败" in d2.shown[0][1]
    d3 = FakeDialogs(login_as=None)
    started(db, d3, {"ZHUSHAN_AUTOLOGIN": "jian"})
    assert d3.shown == [("login", "")]
    app = App.open(db)
    try:
        kinds = [r["kind"] for r in app.store.query("SELECT kind FROM event_log WHERE actor = 'jian'")]
        assert kinds.count("login") == 1 and kinds.count("login_failed") == 1
    finally:
        app.close()


def test_daily_backup_on_start(tmp_path: Path, started) -> None:
    db = tmp_path / "zhushan.db"
    make_db(db)
    st, rc = started(db, FakeDialogs(login_as=("admin", PW)))
    assert rc is None
    made = backup.list_backups(db)
    assert [b.reason for b in made] == ["daily"]
    st.shutdown()
    started(db, FakeDialogs(login_as=("admin", PW)))
    assert len(backup.list_backups(db)) == 1  # once a day


def test_corrupt_database_offers_latest_good_backup(tmp_path: Path, started) -> None:
    db = tmp_path / "zhushan.db"
    make_db(db)
    store = Store(db)
    good = backup.backup_now(store, CLI_ACTOR, "daily")
    store.close()
    db.write_bytes(b"\x00garbage" * 4096)
    declined = FakeDialogs(restore=False)
    st, rc = started(db, declined)
    assert rc == 1 and declined.kinds() == ["offer_restore"]
    assert "最近的可用备份" in declined.shown[0][1] and "不是有效的数据库" in declined.shown[0][1]
    assert db.read_bytes().startswith(b"\x00garbage")  # untouched when declined
    assert st.lock is None or not st.lock.held
    d = FakeDialogs(restore=True, login_as=("admin", PW))
    st2, rc2 = started(db, d)
    assert rc2 is None and d.kinds() == ["offer_restore", "login"]
    assert Entries(st2.app).task_report(CLI_ACTOR, "1.1", "区发改委", "2026-10")["progress"] == "启动前的数据"
    assert good.exists()
    assert any(b.reason == "corrupt" for b in backup.list_backups(db))


def test_corrupt_database_without_backup_gives_a_message(tmp_path: Path, started) -> None:
    db = tmp_path / "zhushan.db"
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 3000)
    d = FakeDialogs()
    st, rc = started(db, d)
    assert rc == 1 and d.kinds() == ["critical"]
    assert "没有找到可用的备份" in d.shown[0][1]


def test_too_new_database_is_refused(tmp_path: Path, started) -> None:
    db = tmp_path / "zhushan.db"
    make_db(db, with_users=False, data=False)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    d = FakeDialogs()
    st, rc = started(db, d)
    assert rc == 1 and d.kinds() == ["critical"] and "较新版本" in d.shown[0][1]


def test_second_instance_is_refused(tmp_path: Path, started) -> None:
    db = tmp_path / "数据" / "zhushan.db"
    make_db(db)
    st, rc = started(db, FakeDialogs(login_as=("admin", PW)))
    assert rc is None and st.window.isVisible()
    child = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication, QMessageBox
        from ui.qtsetup import make_application
        import main as entry
        from ui import app as gui
        qapp = make_application([])
        def close_boxes():
            for w in QApplication.topLevelWidgets():
                if isinstance(w, QMessageBox) and w.isVisible():
                    print("BOX:", w.windowTitle(), "|", w.text().replace(chr(10), " "), flush=True)
                    w.done(0)
        timer = QTimer()
        timer.timeout.connect(close_boxes)
        timer.start(20)
        args = entry.build_parser().parse_args(["--db", {str(db)!r}])
        print("RC:", gui.run_gui(args), flush=True)
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                          encoding="utf-8", timeout=60, env=env, cwd=str(ROOT))
    assert "BOX: 程序已在运行 | 本程序已经打开了数据库" in proc.stdout, proc.stdout + proc.stderr
    assert str(os.getpid()) in proc.stdout  # who holds it
    assert "RC: 1" in proc.stdout
    assert "Traceback" not in proc.stderr
    # The running program is unaffected; once it ends the lock is free again.
    assert Entries(st.app).task_report(CLI_ACTOR, "1.1", "区发改委", "2026-10")["progress"] == "启动前的数据"
    st.shutdown()
    lock = InstanceLock(db)
    assert lock.acquire()
    lock.release()


def test_instance_lock_in_process(tmp_path: Path) -> None:
    db = tmp_path / "zhushan.db"
    first, second = InstanceLock(db), InstanceLock(db)
    assert first.acquire()
    assert not second.acquire()
    assert str(os.getpid()) in second.refusal_message()
    first.release()
    assert second.acquire()
    second.release()


def test_restore_from_backup_page_reopens_and_signs_in_again(tmp_path: Path, started) -> None:
    db = tmp_path / "zhushan.db"
    make_db(db)
    d = FakeDialogs(login_as=("admin", PW))
    st, rc = started(db, d)
    assert rc is None
    admin = st.actor
    entries = Entries(st.app)
    point = backup.backup_now(st.app.store, CLI_ACTOR, "manual")
    entries.save_task_report(admin, "1.1", "区发改委", "2026-10", {"progress": "备份之后的修改"})
    page = st.window.show_page("backup")
    row = next(i for i, b in enumerate(page.items) if b.path == point)
    page.table.selectRow(row)
    page.confirm = lambda title, text: True
    old_window = st.window
    page.restore_btn.click()
    assert st.pending_restore == point and not old_window.isVisible()
    assert st.after_window() is None  # what run_gui does when the event loop returns
    assert d.kinds() == ["login", "login"]
    assert st.window is not None and st.window is not old_window
    assert Entries(st.app).task_report(CLI_ACTOR, "1.1", "区发改委", "2026-10")["progress"] == "启动前的数据"
    kinds = [r["kind"] for r in st.app.store.query("SELECT kind FROM event_log ORDER BY id")]
    assert kinds[-1] == "restore"
    saved = [b for b in backup.list_backups(db) if b.reason == "restore"]
    assert saved and st.lock.held
    conn = sqlite3.connect(saved[0].path)
    try:
        assert conn.execute("SELECT progress FROM task_reports WHERE month = '2026-10'").fetchone()[0] \
            == "备份之后的修改"
    finally:
        conn.close()


def test_event_log_page_is_read_only(tmp_path: Path, started, qtbot) -> None:
    db = tmp_path / "zhushan.db"
    make_db(db)
    st, _ = started(db, FakeDialogs(login_as=("admin", PW)))
    page = st.window.show_page("eventlog")
    texts = [page.table.item(r, 2).text() for r in range(page.table.rowCount())]
    assert "登录" in texts and "账户管理" in texts
    assert page.table.editTriggers() == page.table.EditTrigger.NoEditTriggers
    qtbot.keyClicks(page.search, "jian")
    assert page.table.rowCount() >= 1
    assert all("jian" in page.table.item(r, 1).text() + page.table.item(r, 3).text()
               for r in range(page.table.rowCount()))


def test_bureau_installation_uses_its_plan_and_admits_its_unit(tmp_path: Path, started, admin) -> None:
    from models import exchange_install
    office = App.open(tmp_path / "office.db")
    try:
        inst_file = exchange_install.make_install(office, admin, "区住建局", tmp_path / "住建局.zsi")
    finally:
        office.close()
    db = tmp_path / "bureau" / "zhushan.db"
    app = App.open(db)
    try:  # accounts made before the installation (afterwards only 区住建局's could be made)
        boss = accounts.create_first_admin(app, "local", PW)
        accounts.create_user(app, boss, "jian", CLERK, PW, "区住建局")
        accounts.create_user(app, boss, "gong", CLERK, PW, "区工信局")
        accounts.create_user(app, boss, "shen", "reviewer", PW)
    finally:
        app.close()
    exchange_install.install(db, inst_file, CLI_ACTOR)
    for name in ("gong", "shen"):
        d = FakeDialogs(login_as=None)
        st, rc = started(db, d, {"ZHUSHAN_AUTOLOGIN": name, "ZHUSHAN_AUTOLOGIN_PASSWORD": PW})
        assert rc == 0 and "区住建局的填报电脑" in d.shown[0][1]
    d = FakeDialogs()
    st, rc = started(db, d, {"ZHUSHAN_AUTOLOGIN": "jian", "ZHUSHAN_AUTOLOGIN_PASSWORD": PW})
    assert rc is None and st.actor.unit == "区住建局"
    assert Path(st.app.plan.path) == exchange_install.installed_plan_path(db)
    st.shutdown()
    st2, rc2 = started(db, FakeDialogs(), {"ZHUSHAN_AUTOLOGIN": "local", "ZHUSHAN_AUTOLOGIN_PASSWORD": PW})
    assert rc2 is None and st2.actor.is_admin


def test_backup_failures_at_start(tmp_path: Path, started) -> None:
    db = tmp_path / "zhushan.db"
    make_db(db)
    (tmp_path / "backups").write_text("x", encoding="utf-8")  # no backup can be written
    d = FakeDialogs(login_as=("admin", PW))
    st, rc = started(db, d)
    assert rc is None and d.kinds() == ["warning", "login"]  # daily backup failed: warned, still usable
    assert "自动备份失败" in d.shown[0][1]
    st.shutdown()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    d2 = FakeDialogs()
    st2, rc2 = started(db, d2)
    assert rc2 == 1 and d2.kinds() == ["critical"] and "没有升级、也没有修改数据库" in d2.shown[0][1]


def test_sign_out_returns_to_the_login_dialog(tmp_path: Path, started) -> None:
    db = tmp_path / "zhushan.db"
    make_db(db)
    d = FakeDialogs(login_as=("jian", PW))
    st, rc = started(db, d)
    assert rc is None and st.actor.username == "jian"
    page = st.window.show_page("password")
    first = st.window
    d.login_as = ("admin", PW)
    page.logout_btn.click()
    assert not first.isVisible()
    assert st.after_window() is None
    assert st.actor.username == "admin" and st.window is not first and d.kinds() == ["login", "login"]
    kinds = [(r["actor"], r["kind"]) for r in st.app.store.query("SELECT actor, kind FROM event_log ORDER BY id")]
    assert kinds[-3:] == [("jian", "login"), ("jian", "logout"), ("admin", "login")]
    st.window.close()
    assert st.after_window() == 0 and st.lock is None


def test_real_restore_question_has_the_two_choices(qtbot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox
    seen: list[list[str]] = []

    def answer(choice: str) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, lambda: answer(choice))
            return
        seen.append([b.text() for b in box.buttons()])
        next(b for b in box.buttons() if b.text() == choice).click()

    QTimer.singleShot(0, lambda: answer("恢复最近的备份"))
    assert gui.Dialogs().offer_restore("文件已损坏") is True
    QTimer.singleShot(0, lambda: answer("退出"))
    assert gui.Dialogs().offer_restore("文件已损坏") is False
    assert sorted(seen[0]) == sorted(["恢复最近的备份", "退出"])


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_missing_database_with_backups_asks_first(tmp_path: Path, started, how: str) -> None:
    db = tmp_path / "zhushan.db"
    make_db(db)
    store = Store(db)
    backup.backup_now(store, CLI_ACTOR, "daily")
    store.close()
    if how == "deleted":
        db.unlink()
    else:
        db.write_bytes(b"")
    d = FakeDialogs(missing="quit")
    st, rc = started(db, d)
    assert rc == 1 and d.kinds() == ["ask_missing"]
    assert ("不存在" if how == "deleted" else "是空的") in d.shown[0][1]
    assert not db.exists() or db.stat().st_size == 0  # nothing created on "quit"
    d2 = FakeDialogs(missing="restore", login_as=("admin", PW))
    st2, rc2 = started(db, d2)
    assert rc2 is None and d2.kinds() == ["ask_missing", "login"]
    assert Entries(st2.app).task_report(CLI_ACTOR, "1.1", "区发改委", "2026-10")["progress"] == "启动前的数据"
    st2.shutdown()
    db.unlink()
    d3 = FakeDialogs(missing="new")
    st3, rc3 = started(db, d3)
    assert rc3 is None and d3.kinds() == ["ask_missing", "first_run"]


def test_brand_new_database_without_backups_asks_nothing(tmp_path: Path, started) -> None:
    d = FakeDialogs()
    st, rc = started(tmp_path / "new.db", d)
    assert rc is None and d.kinds() == ["first_run"]


def test_another_programs_database_is_refused_and_left_alone(tmp_path: Path, started) -> None:
    """The desktop program refuses another program's SQLite file like the command line: one
    message, no offer to restore over it, nothing written."""
    foreign = tmp_path / "notes.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes(text TEXT)")
    conn.commit()
    conn.close()
    data = foreign.read_bytes()
    d = FakeDialogs()
    st, rc = started(foreign, d)
    assert rc == 1 and d.kinds() == ["critical"] and "其他程序的 SQLite 数据库" in d.shown[0][1]
    assert foreign.read_bytes() == data and not (tmp_path / "notes.db-wal").exists()
