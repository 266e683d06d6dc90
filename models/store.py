"""The SQLite store: opening, pragmas, migrations, transactions, known errors.

Environment problems (a file that is not a database, a database written by a
newer program, a locked or read-only file) raise ``StoreError`` with a Chinese
message for the user; anything else is a bug and propagates.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from models import schema
from models.authority import INTERNAL, PUBLIC, STARTUP, rule
from models.errors import DatabaseBusy, DatabaseCorrupt, DatabaseTooNew, StoreError

__all__ = ["DatabaseBusy", "DatabaseCorrupt", "DatabaseTooNew", "Store", "StoreError", "check_in_background",
           "now_iso"]


@rule(PUBLIC)
def now_iso() -> str:
    return datetime.now().isoformat(timespec="seconds")


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
        try:
            self._configure()
            if check:
                self._check(early)
            if migrate and not readonly:
                self.migrate()
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
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                step(self.conn)
                self.conn.execute(f"PRAGMA user_version = {version}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
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
            except sqlite3.OperationalError as exc:
                raise _classify(exc, self.path) from None
            self._depth = 1
            try:
                yield self.conn
            except BaseException:
                self._depth = 0
                self.conn.execute("ROLLBACK")
                raise
            self._depth = 0
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self.conn.execute("ROLLBACK")
                raise _classify(exc, self.path) from None

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        with self.lock:
            cur = self.conn.execute(sql, params)
            cols = [d[0] for d in cur.description or ()]
            return [dict(zip(cols, row, strict=False)) for row in cur.fetchall()]

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Any = ()) -> Any:
        with self.lock:
            row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        with self.lock:
            return self.conn.execute(sql, params)

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


def _classify(exc: sqlite3.Error, path: Path) -> StoreError:
    msg = str(exc).lower()
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return DatabaseCorrupt(f"文件 {path} 不是有效的数据库或已损坏（{exc}）。")
    if "locked" in msg or "busy" in msg:
        return DatabaseBusy(f"数据库 {path} 正被其他程序占用，请稍后再试。")
    if "readonly" in msg or "read-only" in msg:
        return StoreError(f"数据库 {path} 为只读，无法保存。请检查文件权限。")
    if "disk" in msg or "full" in msg:
        return StoreError(f"磁盘空间不足或磁盘错误，无法写入数据库 {path}（{exc}）。")
    return StoreError(f"数据库 {path} 出错：{exc}")
