"""The SQLite store: opening, pragmas, migrations, transactions, known errors.

Environment problems (a file that is not a database, another program's database, a
database written by a newer program, a locked or read-only file or folder, a full disk)
raise ``StoreError`` with one Chinese message for the user, and change nothing: a
transaction that fails (in its statements or at COMMIT) is rolled back and reported with
its real cause.

The database carries ``PRAGMA application_id`` (``APPLICATION_ID``). A file with another
id, or without it but with tables that are not this program's, is another program's
database: it is refused before anything is written (no WAL switch, no tables, no
user_version). A new, empty file gets the id with its first schema; a database of this
program from before the id existed gets it when next opened for writing.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from models import schema
from models.authority import INTERNAL, PUBLIC, STARTUP, rule
from models.errors import DatabaseBusy, DatabaseCorrupt, DatabaseTooNew, DiskFull, ForeignDatabase, StoreError

__all__ = ["APPLICATION_ID", "DatabaseBusy", "DatabaseCorrupt", "DatabaseTooNew", "DiskFull", "ForeignDatabase",
           "Store", "StoreError", "check_in_background", "now_iso"]

APPLICATION_ID = 0x5A534350  # "ZSCP" in PRAGMA application_id
# Tables every database of this program has had since its first schema.
_OWN_TABLES = frozenset({"plan_meta", "units", "catalog_items", "task_reports", "settings", "submissions"})


@rule(PUBLIC)
def now_iso() -> str:
    return datetime.now().isoformat(timespec="seconds")


@rule(PUBLIC)
def saved_at() -> str:
    """When an entered value is saved (``updated_at``), to the microsecond: packages from the
    same PC compare these to let the newer value win (models.exchange_preview)."""
    return datetime.now().isoformat(timespec="microseconds")


@rule(INTERNAL, why="the storage layer under every service")
class Store:
    """One open database file. Not shared between threads without ``lock``."""

    def __init__(self, path: str | Path, *, check: bool = True, migrate: bool = True,
                 readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        self.lock = threading.RLock()
        self._depth = 0
        try:
            if readonly:
                uri = self.path.resolve().as_uri() + "?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, isolation_level=None,
                                            check_same_thread=False, timeout=10)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(str(self.path), isolation_level=None,
                                            check_same_thread=False, timeout=10)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"无法打开数据库文件 {self.path}：{exc}") from None
        # A check started by check_in_background is taken now, so that it is not left
        # behind when opening fails before the check.
        early = _take_early_check(self.path) if check and not readonly else None
        self._needs_id = False
        try:
            self._identify()  # before anything is written
            self._configure()
            if check:
                self._check(early)
            if migrate and not readonly:
                self.migrate()
                if self._needs_id:
                    self._mark_ours()
            elif self.user_version > schema.SCHEMA_VERSION:
                raise self._too_new(self.user_version)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise _classify(exc, self.path) from None
        except StoreError:
            self.conn.close()
            raise
        self._db: Any = None

    @property
    def db(self) -> Any:
        """A ``sqlite_utils.Database`` on the connection, made on first use (importing
        sqlite_utils pulls in pandas when installed, which start-up must not pay for)."""
        if self._db is None:
            import sqlite_utils
            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # -- set-up ----------------------------------------------------------------
    def _identify(self) -> None:
        """Refuse another program's SQLite file before anything is written to it."""
        c = self.conn
        app_id = int(c.execute("PRAGMA application_id").fetchone()[0])
        if app_id == APPLICATION_ID:
            return
        version = int(c.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app_id == 0 and not tables and version == 0:
            self._needs_id = True  # a new database: marked with its first schema
            return
        if app_id == 0 and version >= 1 and _OWN_TABLES <= tables:
            self._needs_id = True  # this program's, from before the id existed
            return
        what = f"其他程序的 SQLite 数据库（含有 {len(tables)} 个表）" if tables else "其他程序的 SQLite 数据库"
        raise ForeignDatabase(f"文件 {self.path} 是{what}，不是本程序的数据库。为免损坏它，本程序不会修改这个文件。"
                              "请用 --db 指定本程序的数据库文件，或换一个新的文件名。")

    def _mark_ours(self) -> None:
        with self.tx() as c:
            c.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        self._needs_id = False

    def _configure(self) -> None:
        c = self.conn
        c.execute("PRAGMA busy_timeout = 5000")
        if not self.readonly:
            mode = c.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                c.execute("PRAGMA journal_mode = DELETE")
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA synchronous = NORMAL")

    def quick_check(self) -> None:
        self._check(None)

    def _check(self, early: tuple[threading.Thread, list[list[Any]]] | None) -> None:
        rows = _early_rows(early) if early is not None else None
        if rows is None:
            rows = self.conn.execute("PRAGMA quick_check").fetchall()
        if not rows or rows[0][0] != "ok":
            detail = "；".join(str(r[0]) for r in rows[:3])
            raise DatabaseCorrupt(f"数据库文件 {self.path} 已损坏（完整性检查未通过：{detail}）。")

    @property
    def user_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _too_new(self, version: int) -> DatabaseTooNew:
        return DatabaseTooNew(
            f"数据库 {self.path} 由较新版本的程序创建（数据结构版本 {version}，本程序支持到 "
            f"{schema.SCHEMA_VERSION}）。请使用新版程序打开，本程序不会修改该文件。")

    def migrate(self, target: int | None = None) -> list[int]:
        """Run pending migrations; each with its version bump in one transaction."""
        target = schema.SCHEMA_VERSION if target is None else target
        current = self.user_version
        if current > schema.SCHEMA_VERSION:
            raise self._too_new(current)
        if 0 < current < target:
            # An existing database is about to change shape: keep a backup first.
            from models.backup import backup_before_migrate
            backup_before_migrate(self, current, target)
        done = []
        for version in range(current + 1, target + 1):
            step = schema.MIGRATIONS[version - 1]
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _classify(exc, self.path) from None
            try:
                step(self.conn)
                self.conn.execute(f"PRAGMA user_version = {version}")
                if self._needs_id:
                    self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise _classify(exc, self.path) from None
            except BaseException:
                self._rollback()
                raise
            self._needs_id = False
            done.append(version)
        return done

    # -- transactions ------------------------------------------------------------
    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (nested calls join the outer one)."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _classify(exc, self.path) from None
            self._depth = 1
            try:
                yield self.conn
            except sqlite3.Error as exc:
                self._depth = 0
                self._rollback()
                if not _environment(exc):
                    raise  # a bug (a constraint, a wrong statement): rolled back, then it propagates
                raise _classify(exc, self.path) from None
            except BaseException:
                self._depth = 0
                self._rollback()
                raise
            self._depth = 0
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                # SQLite may already have rolled back (a full disk): the COMMIT's own error is
                # the one to report, not a failing ROLLBACK after it.
                self._rollback()
                raise _classify(exc, self.path) from None

    def _rollback(self) -> None:
        """Roll back if a transaction is still open; a failing ROLLBACK must not hide why."""
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        with self.lock:
            try:
                cur = self.conn.execute(sql, params)
                cols = [d[0] for d in cur.description or ()]
                return [dict(zip(cols, row, strict=False)) for row in cur.fetchall()]
            except sqlite3.Error as exc:
                if self._depth or not _environment(exc):
                    raise  # inside a transaction tx() rolls back and reports it; a bug propagates
                raise _classify(exc, self.path) from None

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Any = ()) -> Any:
        with self.lock:
            try:
                row = self.conn.execute(sql, params).fetchone()
            except sqlite3.Error as exc:
                if self._depth or not _environment(exc):
                    raise
                raise _classify(exc, self.path) from None
        return row[0] if row else None

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        with self.lock:
            try:
                return self.conn.execute(sql, params)
            except sqlite3.Error as exc:
                if self._depth or not _environment(exc):
                    raise
                raise _classify(exc, self.path) from None

    def close(self) -> None:
        with self.lock:
            try:
                self.conn.close()
            except sqlite3.Error:
                pass


# -- the integrity check, started early ---------------------------------------------------
# Checks started by check_in_background, by resolved path: (thread, result box).
_EARLY: dict[str, tuple[threading.Thread, list[list[Any]]]] = {}
_EARLY_LOCK = threading.Lock()


def _key(path: Path) -> str:
    try:
        return str(path.resolve())
    except OSError:
        return str(path.absolute())


@rule(STARTUP, why="checks the database file while the program starts; reads no data")
def check_in_background(path: str | Path) -> bool:
    """Start ``PRAGMA quick_check`` of an existing database on a worker thread, for the
    next ``Store(path)`` to use instead of checking again.

    The desktop program calls this first thing, so that the check (SQLite works
    without holding the interpreter lock) runs while Qt is being loaded. Nothing is
    written; a missing or empty file is left alone (start-up asks about those). If the
    check cannot run here the store simply checks again. True when a check started."""
    p = Path(path)
    try:
        if not p.is_file() or p.stat().st_size == 0:
            return False
    except OSError:
        return False
    key = _key(p)
    box: list[list[Any]] = []

    def run() -> None:
        try:
            conn = sqlite3.connect(Path(key).as_uri() + "?mode=rw", uri=True, timeout=10,
                                   check_same_thread=False)
            try:
                box.append(conn.execute("PRAGMA quick_check").fetchall())
            finally:
                conn.close()
        except sqlite3.Error:
            pass  # the store's own check reports it, with the usual message

    thread = threading.Thread(target=run, name="db-quick-check", daemon=True)
    with _EARLY_LOCK:
        if key in _EARLY:
            return False
        _EARLY[key] = (thread, box)
    thread.start()
    return True


def _take_early_check(path: Path) -> tuple[threading.Thread, list[list[Any]]] | None:
    """The check started by ``check_in_background`` for ``path``, if any (removed)."""
    with _EARLY_LOCK:
        return _EARLY.pop(_key(path), None)


def _early_rows(early: tuple[threading.Thread, list[list[Any]]]) -> list[Any] | None:
    """The rows of an early check (waiting for it), or None when it could not run."""
    thread, box = early
    thread.join()
    return box[0] if box else None


_ENVIRONMENT = ("not a database", "malformed", "corrupt", "locked", "busy", "readonly", "read-only", "full",
                "disk", "unable to open")


def _environment(exc: sqlite3.Error) -> bool:
    """Whether an SQLite error is the environment's (the file, the disk, another program)
    rather than a bug of the statement."""
    msg = str(exc).lower()
    return any(word in msg for word in _ENVIRONMENT)


def _disk_full(path: Path) -> bool:
    """Whether the disk holding ``path`` has (almost) no space left: SQLite reports a full
    disk as an I/O error when it cannot even create its shared-memory file."""
    try:
        return shutil.disk_usage(path.resolve().parent).free < 256 * 1024
    except OSError:
        return False


def _classify(exc: sqlite3.Error, path: Path) -> StoreError:
    """One Chinese message for an SQLite error (what happened, where, that nothing was written)."""
    msg = str(exc).lower()
    nothing = "本次操作没有写入任何数据。"
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return DatabaseCorrupt(f"文件 {path} 不是有效的数据库或已损坏（完整性检查：{exc}）。")
    if "locked" in msg or "busy" in msg:
        return DatabaseBusy(f"数据库 {path} 正被其他程序占用（另一个程序正在写入或锁定了它），"
                            f"请稍后再试，或关闭占用它的程序。{nothing}")
    if "readonly" in msg or "read-only" in msg:
        return StoreError(f"数据库 {path} 是只读的（文件或所在文件夹没有写入权限），无法保存。"
                          f"请检查文件和文件夹的权限，或把数据库复制到可以写入的文件夹。{nothing}")
    if "full" in msg or (("disk i/o" in msg or "unable to open" in msg) and _disk_full(path)):
        return DiskFull(f"磁盘空间不足，无法写入数据库 {path}。请清理磁盘空间后重试；{nothing}")
    if "disk i/o" in msg or "disk" in msg:
        return StoreError(f"读写数据库 {path} 时发生磁盘错误（磁盘可能已满、已移除或损坏）。{nothing}")
    if "unable to open" in msg:
        return StoreError(f"无法打开数据库文件 {path}：文件不存在、没有访问权限，或所在文件夹不能写入。")
    return StoreError(f"数据库 {path} 出错：{exc}")
