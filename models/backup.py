"""Backups of the database with SQLite's online backup API, and restoring them.

Backups live in a ``backups`` folder beside the database, named
``<stem>-YYYYMMDD-HHMMSS-<reason>.db`` (e.g. ``zhushan-20261124-093000-daily.db``).
They are taken on the first start of a day (``daily_backup``), before every import
(``automatic_backup(store, "import")``, after the import's own rule was checked),
before every schema migration (``Store.migrate`` calls ``backup_before_migrate``),
before a restore, and on an administrator's demand (``backup_now``). Only the newest
``backup_keep`` (setting, default 10) are kept. Restoring is an administrator's action
(``restore``); at start-up, before anyone can sign in, ``recover`` restores only a
database that is missing, empty or does not open.

A backup is written to a temporary name, checked with ``PRAGMA quick_check`` and
only then renamed, so a half-written backup never looks like a good one. The evidence
files the database refers to go into the backups' shared pool before that rename, and
a restore brings them back (``models.backup_files``).
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from models import schema
from models.atomic_write import FileInUse, WriteFailed, atomic_path, staged_output
from models.authority import ADMIN_RULE, INTERNAL, PUBLIC, STARTUP, rule
from models.backup_files import bring_back, pool, prune_pool, save_files
from models.errors import DatabaseCorrupt, PermissionDenied, StoreError

if TYPE_CHECKING:  # the store calls this module before migrating; it is passed in, not imported
    from models.app import Actor
    from models.store import Store

BACKUP_DIR = "backups"
DEFAULT_KEEP = 10
_NAME = re.compile(r"^(?P<stem>.+)-(?P<d>\d{8})-(?P<t>\d{6})(?:-(?P<n>\d+))?-(?P<reason>[a-z0-9_]+)\.db$")
REASON_NAMES = {"daily": "每日自动备份", "import": "导入前", "migrate": "升级前", "manual": "手动备份",
                "restore": "恢复前", "corrupt": "损坏的原文件"}


@rule(PUBLIC)
class BackupFailed(StoreError):
    """A backup could not be written (disk full, folder not writable)."""


@rule(PUBLIC)
class BackupInfo(NamedTuple):
    path: Path
    created: datetime
    reason: str
    size: int

    @property
    def reason_name(self) -> str:
        return REASON_NAMES.get(self.reason, self.reason)


@rule(PUBLIC)
def backup_dir(db_path: str | Path) -> Path:
    return Path(db_path).resolve().parent / BACKUP_DIR


_REASON_WORDS = (("导入", "import"), ("升级", "migrate"), ("迁移", "migrate"), ("恢复", "restore"),
                 ("每日", "daily"))


def _reason(reason: str) -> str:
    """The reason as a file-name word; Chinese descriptions ("导入报送包前自动备份") map to
    the known words, anything else becomes "manual"."""
    r = re.sub(r"[^a-z0-9_]+", "_", reason.lower()).strip("_")
    if r and r == reason.lower():
        return r
    for word, key in _REASON_WORDS:
        if word in reason:
            return key
    return r or "manual"


def _target(db_path: Path, reason: str, now: datetime) -> Path:
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    base = f"{db_path.stem}-{now:%Y%m%d-%H%M%S}"
    path = folder / f"{base}-{reason}.db"
    n = 2
    while path.exists():
        path = folder / f"{base}-{n}-{reason}.db"
        n += 1
    return path


def _copy_with_api(src: sqlite3.Connection, dest_path: Path, db_path: Path) -> None:
    """Copy ``src`` (the database at ``db_path``) into a new file via a temporary name;
    check it; copy the evidence files it refers to into the pool; rename."""
    with atomic_path(dest_path) as tmp:
        _copy_into(src, tmp)
        save_files(tmp, db_path, pool(dest_path.parent, db_path))


def _copy_into(src: sqlite3.Connection, tmp: Path) -> None:
    """Copy ``src`` into the (empty) file ``tmp`` and check the copy."""
    dst = sqlite3.connect(str(tmp))
    try:
        src.backup(dst)
        ok = dst.execute("PRAGMA quick_check").fetchone()[0]
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
    if ok != "ok":
        raise DatabaseCorrupt(f"备份检查未通过（{ok}），未保存备份。")


def _keep(store: Store) -> int:
    try:
        row = store.conn.execute("SELECT value FROM settings WHERE key = 'backup_keep'").fetchone()
        return max(1, int(json.loads(row[0]))) if row else DEFAULT_KEEP
    except (sqlite3.Error, ValueError, TypeError):
        return DEFAULT_KEEP


@rule(ADMIN_RULE, what="备份数据库")
def backup_now(store: Store, actor: Actor, reason: str = "manual", now: datetime | None = None) -> Path:
    """An administrator backs the open database up now; returns the new file. The backup
    is logged; the file appears only with its log line. Old backups beyond ``backup_keep``
    are removed. Raises StoreError (Chinese message) on failure."""
    return _backup(store, reason, now, actor.username)


@rule(INTERNAL, why="the backup a service takes before a change its caller may make (an import)")
def automatic_backup(store: Store, reason: str, now: datetime | None = None) -> Path:
    """Back up the open database now (see ``backup_now``), without a log line."""
    return _backup(store, reason, now, "")


def _backup(store: Store, reason: str, now: datetime | None, logged_by: str) -> Path:
    now = now or datetime.now()
    reason = _reason(reason)
    target = backup_dir(store.path)
    try:
        target = _target(store.path, reason, now)
        with staged_output(target) as out:
            with store.lock:
                _copy_into(store.conn, out.tmp)
                save_files(out.tmp, store.path, pool(target.parent, store.path))
            if logged_by:
                with store.tx() as c:
                    c.execute("INSERT INTO event_log(at, actor, kind, detail) VALUES (?, ?, 'backup', ?)",
                              (now.isoformat(timespec="seconds"), logged_by,
                               f"{REASON_NAMES.get(reason, '备份')} {target.name}"))
                    out.place()
    except DatabaseCorrupt as exc:
        raise BackupFailed(f"备份数据库失败：{exc}") from None
    except sqlite3.Error as exc:
        raise BackupFailed(f"备份数据库失败：{exc}") from None
    except OSError as exc:
        raise BackupFailed(f"无法写入备份文件 {target}：{exc.strerror or exc}") from None
    except WriteFailed as exc:
        raise BackupFailed(f"备份数据库失败：{exc}") from None
    prune(store.path, _keep(store), protect=target)
    return target


@rule(INTERNAL, why="Store.migrate keeps a copy before changing the shape of a database")
def backup_before_migrate(store: Store, current: int, target: int) -> Path | None:
    """Called by ``Store.migrate`` before upgrading an existing database."""
    if current <= 0:
        return None
    return automatic_backup(store, "migrate")


@rule(PUBLIC, why="names, dates and sizes of the backup files; no data is read")
def list_backups(db_path: str | Path) -> list[BackupInfo]:
    """Backups of the database at ``db_path``, newest first."""
    db_path = Path(db_path)
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    out = []
    for p in folder.iterdir():
        m = _NAME.match(p.name)
        if not m or m["stem"] != db_path.stem or not p.is_file():
            continue
        try:
            d, t = m["d"], m["t"]  # checked by _NAME: 8 and 6 digits
            created = datetime(int(d[:4]), int(d[4:6]), int(d[6:]), int(t[:2]), int(t[2:4]), int(t[4:]))
            size = p.stat().st_size
        except (ValueError, OSError):
            continue
        out.append((created, int(m["n"] or 1), BackupInfo(p, created, m["reason"], size)))
    out.sort(key=lambda x: (x[0], x[1]), reverse=True)
    return [b for _, _, b in out]


@rule(INTERNAL, why="removes backups beyond backup_keep after a new one is written")
def prune(db_path: str | Path, keep: int, protect: Path | None = None) -> list[Path]:
    removed = []
    for b in list_backups(db_path)[max(1, keep):]:
        if protect is not None and b.path == protect:
            continue
        try:
            b.path.unlink()
            removed.append(b.path)
        except OSError:
            pass
    if removed:
        db_path = Path(db_path)
        try:
            prune_pool([b.path for b in list_backups(db_path) if b.reason != "corrupt"],
                       pool(backup_dir(db_path), db_path))
        except OSError:
            pass  # a file held open: removed next time
    return removed


@rule(PUBLIC, why="an integrity check; no data is read")
def check_backup(path: str | Path) -> str:
    """"" when ``path`` is a good backup this program can open; otherwise why not."""
    path = Path(path)
    if not path.is_file():
        return f"备份文件 {path} 不存在。"
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return f"无法打开备份文件：{exc}"
    try:
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            return f"备份文件已损坏（{ok}）。"
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > schema.SCHEMA_VERSION:
            return "备份由较新版本的程序创建，本程序不能使用。"
        if version == 0:
            return "备份文件是空数据库。"
        return ""
    except sqlite3.Error as exc:
        return f"备份文件不是有效的数据库（{exc}）。"
    finally:
        conn.close()


@rule(PUBLIC, why="an integrity check of the backup files; no data is read")
def latest_good_backup(db_path: str | Path) -> BackupInfo | None:
    for b in list_backups(db_path):
        if b.reason != "corrupt" and not check_backup(b.path):
            return b
    return None


def _save_current(db_path: Path, now: datetime) -> Path | None:
    """Keep the current state before it is overwritten: a real backup when the file
    can be read, else a raw copy of the damaged files (reason "corrupt")."""
    if not db_path.exists():
        return None
    try:
        src = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            if src.execute("PRAGMA quick_check").fetchone()[0] == "ok":
                target = _target(db_path, "restore", now)
                _copy_with_api(src, target, db_path)
                return target
        finally:
            src.close()
    except (sqlite3.Error, StoreError):
        pass
    target = _target(db_path, "corrupt", now)
    for suffix in ("", "-wal", "-shm"):
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            with atomic_path(target.with_name(target.name + suffix)) as tmp:
                shutil.copy2(side, tmp)
    return target


@rule(ADMIN_RULE, what="恢复备份")
def restore(db_path: str | Path, backup_path: str | Path, actor: Actor, now: datetime | None = None) -> list[str]:
    """An administrator replaces the (closed) database at ``db_path`` with a backup, after
    saving the current state as a backup, and the evidence files it refers to come back.
    Returns the names of evidence files that could not be found (normally none). The caller
    closes its Store before and reopens after."""
    return _restore(Path(db_path), Path(backup_path), now)


@rule(STARTUP, why="before anyone can sign in, a database that is missing, empty or does not open "
                   "may be replaced by its latest good backup (the current file is kept)")
def recover(db_path: str | Path, backup_path: str | Path, now: datetime | None = None) -> list[str]:
    """Restore at start-up (or on the command line) a database that cannot be used: missing,
    empty or damaged. A database that opens and holds data needs an administrator (``restore``)."""
    db_path = Path(db_path)
    if database_usable(db_path):
        raise PermissionDenied(f"数据库 {db_path} 完好，不需要在启动时恢复；"
                               "如需恢复备份，请由管理员登录后在“备份与恢复”页操作。")
    return _restore(db_path, Path(backup_path), now)


@rule(PUBLIC, why="an integrity check of the database file; no data is read")
def database_usable(db_path: str | Path) -> bool:
    """Whether ``db_path`` is a database of this program that opens, passes the integrity
    check and holds a schema (a missing, empty or damaged file is not)."""
    p = Path(db_path)
    try:
        if not p.is_file() or p.stat().st_size == 0:
            return False
        conn = sqlite3.connect(p.resolve().as_uri() + "?mode=ro", uri=True)
    except (OSError, sqlite3.Error):
        return False
    try:
        return (conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
                and int(conn.execute("PRAGMA user_version").fetchone()[0]) > 0)
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _restore(db_path: Path, backup_path: Path, now: datetime | None = None) -> list[str]:
    backup_path = Path(backup_path)
    problem = check_backup(backup_path)
    if problem:
        raise StoreError(f"不能恢复该备份：{problem}")
    now = now or datetime.now()
    try:
        _save_current(db_path, now)
        src = sqlite3.connect(backup_path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            with atomic_path(db_path) as tmp:
                _copy_into(src, tmp)
                # A stale write-ahead log would be replayed onto the restored file: remove
                # it (its content was saved above together with the current state).
                for suffix in ("-wal", "-shm"):
                    try:
                        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
                    except PermissionError:
                        raise FileInUse(str(db_path)) from None
        finally:
            src.close()
    except (PermissionError, FileInUse):
        raise StoreError("数据库文件正被其他程序使用，无法恢复。请关闭其他打开该数据库的程序后重试。") from None
    except WriteFailed as exc:
        raise StoreError(f"恢复备份失败：{exc}") from None
    except OSError as exc:
        raise StoreError(f"恢复备份失败：{exc}") from None
    except sqlite3.Error as exc:
        raise StoreError(f"恢复备份失败：{exc}") from None
    try:
        return bring_back(db_path, pool(backup_dir(db_path), db_path))
    except (WriteFailed, OSError, sqlite3.Error) as exc:
        raise StoreError(f"数据库已恢复，但佐证材料文件未能全部复制回佐证材料文件夹：{exc}") from None


def _has_data(store: Store) -> bool:
    for table in ("users", "task_reports", "indicator_values", "projects", "milestone_values",
                  "settings"):
        try:
            if store.conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
                return True
        except sqlite3.Error:
            continue
    return False


@rule(STARTUP, why="the first start of a day keeps a copy before anyone signs in")
def daily_backup(store: Store, today: date | None = None) -> Path | None:
    """Back up on the first start of a day (nothing when today's backup exists or the
    database holds no data yet)."""
    today = today or date.today()
    if any(b.created.date() == today and b.reason == "daily" for b in list_backups(store.path)):
        return None
    if not _has_data(store):
        return None
    now = datetime.now()
    if now.date() != today:
        now = datetime.combine(today, now.time())
    return automatic_backup(store, "daily", now)
