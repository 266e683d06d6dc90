"""Storage faults give one clear Chinese message, no traceback, and change nothing.

A full disk is simulated with SQLite's ``max_page_count`` (the database cannot grow) and,
when the tests run as root, with a small tmpfs folder that really fills up; a read-only
folder with a read-only remount of such a folder (root ignores chmod) or chmod otherwise;
a locked database with another connection holding its write lock. Every output (ledger,
template, briefing, packages, installation file, audit export, backup) appears only when
the work that goes with it committed.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import main
from models import backup
from models.app import CLERK, CLI_ACTOR, App, Actor
from models.entries import Entries
from models.errors import DiskFull, StoreError
from models.plan_load import load_plan
from models.store import APPLICATION_ID, Store
from tests.test_exchange import dump

UNIT, M = "区住建局", "2026-10"
CLERK_ = Actor("jian", CLERK, UNIT)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    rc = main.main(list(args))
    out = capsys.readouterr()
    return rc, out.out + out.err


def _frozen(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read without writing anything (a full or read-only disk
    refuses even the shared-memory file of an ordinary reader)."""
    conn = sqlite3.connect(db.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
    finally:
        conn.close()


def _saved(app: App, text: str = "进展") -> None:
    Entries(app).save_task_report(CLERK_, "1.1", UNIT, M, {"progress": text})


def _full(app: App) -> None:
    """The database cannot grow by a single page from now on."""
    pages = app.store.scalar("PRAGMA page_count")
    app.store.conn.execute(f"PRAGMA max_page_count = {pages}")


# -- a full disk ----------------------------------------------------------------------------------

def test_a_full_disk_is_one_message_and_changes_nothing(app: App) -> None:
    _saved(app)
    before = dump(app.store.path)
    _full(app)
    with pytest.raises(DiskFull) as ei:
        _saved(app, "很长的进展" * 3000)
    msg = str(ei.value)
    assert msg.startswith("磁盘空间不足") and "没有写入任何数据" in msg and "rollback" not in msg
    app.store.conn.execute("PRAGMA max_page_count = 1073741823")
    assert dump(app.store.path) == before


class _CommitFails:
    """A connection whose COMMIT fails as on a full disk: SQLite rolls the transaction back
    itself and reports SQLITE_FULL (the case a ROLLBACK after it used to hide)."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn

    def execute(self, sql: str, *a: Any) -> Any:
        if sql.strip().upper() == "COMMIT":
            self._conn.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *a)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def test_a_failed_commit_reports_the_real_error(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    _saved(app)
    before = dump(app.store.path)
    monkeypatch.setattr(app.store, "conn", _CommitFails(app.store.conn))
    with pytest.raises(DiskFull, match="磁盘空间不足") as ei:
        _saved(app, "新的进展")
    assert "cannot rollback" not in str(ei.value)
    monkeypatch.undo()
    assert dump(app.store.path) == before


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs folder (needs root and mount; skipped elsewhere, see the max_page_count tests)."""
    d = tmp_path / "small"
    d.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(d)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield d
    finally:
        subprocess.run(["umount", "-l", str(d)], capture_output=True)


def _fill_disk(folder: Path) -> None:
    with (folder / "filler").open("wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass


def test_commands_on_a_full_disk(small_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = small_disk / "zhushan.db"
    assert _run(capsys, "--db", str(db), "user", "add", "--username", "admin", "--role", "admin",
                "--password", "Zs#2026-pass")[0] == 0
    _fill_disk(small_disk)
    before = _frozen(db)
    for args in (["user", "add", "--username", "jian", "--role", "clerk", "--unit", UNIT, "--password",
                  "Zs#2026-pass"],
                 ["backup"],
                 ["export-template", "--month", M, "--unit", UNIT, "-o", str(small_disk / "模板.xlsx")],
                 ["export-ledger", "--month", M, "-o", str(tmp_path / "台账.xlsx")],
                 ["demo", "--until", "2024-06"],
                 ["make-install", "--unit", UNIT, "-o", str(tmp_path / "安装.zsi")],
                 ["briefing", "--month", M, "-o", str(tmp_path / "简报.pdf")]):
        rc, text = _run(capsys, "--db", str(db), *args)
        assert rc == 1 and "磁盘空间不足" in text and "Traceback" not in text, (args, text)
    assert _frozen(db) == before
    assert not [p.name for p in tmp_path.iterdir() if p.name != "small"]  # no ledger, installation file, briefing
    assert not (small_disk / "模板.xlsx").exists()
    assert not [p for p in small_disk.iterdir() if p.name.endswith(".part")]


# -- a read-only database or folder --------------------------------------------------------------

def test_a_read_only_database_folder(small_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = small_disk / "zhushan.db"
    assert _run(capsys, "--db", str(db), "user", "add", "--username", "admin", "--role", "admin",
                "--password", "Zs#2026-pass")[0] == 0
    before = _frozen(db)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    for args in (["user", "add", "--username", "jian", "--role", "admin", "--password", "Zs#2026-pass"],
                 ["user", "list"], ["backup"]):
        rc, text = _run(capsys, "--db", str(db), *args)
        assert rc == 1 and ("只读" in text or "不能写入" in text) and "Traceback" not in text, (args, text)
    assert _frozen(db) == before


def test_a_read_only_database_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """chmod as an ordinary user would see it (skipped as root, whom chmod does not stop)."""
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions; see test_a_read_only_database_folder")
    db = tmp_path / "zhushan.db"
    App(Store(db), load_plan()).close()
    for side in db.parent.glob("zhushan.db*"):
        side.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        rc, text = _run(capsys, "--db", str(db), "user", "add", "--username", "a", "--role", "admin",
                        "--password", "Zs#2026-pass")
        assert rc == 1 and "只读" in text and "Traceback" not in text
    finally:
        db.parent.chmod(0o755)


# -- a database locked by another program ------------------------------------------------------------

def test_a_locked_database_gives_a_message_and_no_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "zhushan.db"
    assert _run(capsys, "--db", str(db), "user", "add", "--username", "admin", "--role", "admin",
                "--password", "Zs#2026-pass")[0] == 0
    other = sqlite3.connect(db)
    other.execute("BEGIN EXCLUSIVE")
    try:
        out = tmp_path / "out" / "台账.xlsx"
        rc, text = _run(capsys, "--db", str(db), "export-ledger", "--month", M, "-o", str(out))
        assert rc == 1 and "正被其他程序占用" in text and "Traceback" not in text
        assert not out.exists() and not list(out.parent.glob("*"))  # no file, no temporary
    finally:
        other.rollback()
        other.close()
    assert Store(db).scalar("SELECT COUNT(*) FROM event_log WHERE kind = 'export'") == 0


# -- outputs appear only with their work ------------------------------------------------------------

def test_outputs_appear_only_when_their_log_commits(app: App, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from exports.audit_export import export_audit
    from exports.ledger import build_ledger
    from exports.template import build_template
    from models.exchange_install import make_install
    _saved(app)
    out = tmp_path / "out"
    out.mkdir()
    old = out / "台账.xlsx"
    old.write_bytes(b"the ledger of last month")
    before = dump(app.store.path)
    monkeypatch.setattr(app.store, "conn", _CommitFails(app.store.conn))
    for make in (lambda: build_ledger(app, CLI_ACTOR, M, old),
                 lambda: build_template(app, CLI_ACTOR, M, UNIT, out / "模板.xlsx"),
                 lambda: export_audit(app, CLI_ACTOR, out / "修改记录.csv"),
                 lambda: make_install(app, CLI_ACTOR, UNIT, out / "安装.zsi"),
                 lambda: backup.backup_now(app.store, CLI_ACTOR, "manual")):
        with pytest.raises(StoreError, match="磁盘空间不足"):
            make()
    monkeypatch.undo()
    assert sorted(p.name for p in out.iterdir()) == ["台账.xlsx"] and old.read_bytes() == b"the ledger of last month"
    assert backup.list_backups(app.store.path) == []
    assert dump(app.store.path) == before  # nothing logged as done


# -- another program's SQLite file ---------------------------------------------------------------------

def test_another_programs_sqlite_file_is_never_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    foreign = tmp_path / "notes.sqlite"
    c = sqlite3.connect(foreign)
    c.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT)")
    c.execute("INSERT INTO notes(text) VALUES ('别人的数据')")
    c.execute("PRAGMA user_version = 7")
    c.commit()
    c.close()
    data = foreign.read_bytes()
    for args in (["user", "list"], ["demo", "--until", "2024-01"], ["backup"]):
        rc, text = _run(capsys, "--db", str(foreign), *args)
        assert rc == 1 and "其他程序的 SQLite 数据库" in text and "Traceback" not in text, (args, text)
    assert foreign.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]  # no -wal, no backups


def test_this_programs_database_carries_its_id_old_ones_are_adopted(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    Store(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.execute("PRAGMA application_id = 0")  # as written by an earlier version of the program
    conn.close()
    s = Store(db)
    assert s.scalar("PRAGMA application_id") == APPLICATION_ID
    s.close()


# -- a lost database on the command line ---------------------------------------------------------------

def test_a_lost_database_with_backups_is_not_recreated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "zhushan.db"
    assert _run(capsys, "--db", str(db), "user", "add", "--username", "admin", "--role", "admin",
                "--password", "Zs#2026-pass")[0] == 0
    assert _run(capsys, "--db", str(db), "backup")[0] == 0
    for lose in ("missing", "emptied"):
        for side in tmp_path.glob("zhushan.db*"):
            side.unlink()
        if lose == "emptied":
            db.write_bytes(b"")
        for args in (["user", "list"], ["backup"], ["export-ledger", "--month", M, "-o", str(tmp_path / "t.xlsx")]):
            rc, text = _run(capsys, "--db", str(db), *args)
            assert rc == 1 and "backup --restore" in text and "Traceback" not in text, (lose, args, text)
        assert (db.exists() and db.stat().st_size == 0) if lose == "emptied" else not db.exists()
        rc, text = _run(capsys, "--db", str(db), "backup", "--restore")
        assert rc == 0, text
        rc, text = _run(capsys, "--db", str(db), "user", "list")
        assert rc == 0 and "admin" in text
