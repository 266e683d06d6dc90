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

A second place (a folder on another disk, a USB stick) can be chosen by an
administrator (``set_copy_location``): every backup, with its evidence files, is then
copied there too whenever that folder can be reached, the same number is kept there, and
the backups there are listed (and can be restored) with the others (``models.backup_places``).
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from models import schema
from models.atomic_write import FileInUse, WriteFailed, atomic_path, staged_output, write_bytes
from models.authority import ADMIN_RULE, INTERNAL, PUBLIC, STARTUP, rule
from models.backup_files import bring_back, pool, prune_pool, save_files
from models.backup_places import (BACKUP_DIR, COPY_FILE, DEFAULT_KEEP, LOCAL, REASON_NAMES, SECOND, BackupInfo,
                                  backup_dir, backups_in, copy_location, copy_problem, copy_status, copy_to_second,
                                  write_copy_state)
from models.errors import DatabaseCorrupt, PermissionDenied, StoreError

if TYPE_CHECKING:  # the store calls this module before migrating; it is passed in, not imported
    from models.app import Actor, App
    from models.store import Store

__all__ = ["BACKUP_DIR", "COPY_FILE", "DEFAULT_KEEP", "LOCAL", "REASON_NAMES", "SECOND", "BackupInfo", "backup_dir",
           "backup_now", "check_backup", "copy_location", "copy_problem", "copy_status", "daily_backup",
           "latest_good_backup", "list_backups", "prune", "restore", "set_copy_location"]



@rule(PUBLIC)
class BackupFailed(StoreError):
    """A backup could not be written (disk full, folder not writable)."""


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
    copy_to_second(store.path, target, _keep(store))  # the second place, when one is chosen
    return target


@rule(INTERNAL, why="Store.migrate keeps a copy before changing the shape of a database")
def backup_before_migrate(store: Store, current: int, target: int) -> Path | None:
    """Called by ``Store.migrate`` before upgrading an existing database."""
    if current <= 0:
        return None
    return automatic_backup(store, "migrate")


@rule(PUBLIC, why="names, dates and sizes of the backup files; no data is read")
def list_backups(db_path: str | Path, second: bool = False) -> list[BackupInfo]:
    """Backups of the database at ``db_path``, newest first; ``second``: those in the
    second place too (when it can be reached)."""
    db_path = Path(db_path)
    out = backups_in(backup_dir(db_path), db_path.stem, LOCAL)
    where = copy_location(db_path) if second else None
    if where is not None and where.is_dir():
        out += backups_in(where, db_path.stem, SECOND)
    out.sort(key=lambda b: (b.created, b.place == LOCAL), reverse=True)
    return out


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
    for b in list_backups(db_path, second=True):
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
        # the evidence files from the pool beside the backup (the second place's for a
        # backup there), then from the local backups' pool for any still missing
        missing = bring_back(db_path, pool(backup_path.parent, db_path))
        if missing and backup_path.parent.resolve() != backup_dir(db_path).resolve():
            missing = bring_back(db_path, pool(backup_dir(db_path), db_path))
        return missing
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


@rule(ADMIN_RULE, what="设置备份的第二位置")
def set_copy_location(app: App, actor: Actor, folder: str | Path | None) -> str:
    """Choose (or with None clear) the second place for the backups; an administrator's
    setting. The newest backup is copied there at once. Returns what happened."""
    db_path = Path(app.store.path)
    if not folder:
        write_copy_state(db_path, {})
        app.log(actor, "backup", "取消备份的第二位置")
        return "已取消第二位置，备份只保存在本机。"
    where = Path(folder).expanduser()
    if not where.is_dir():
        raise StoreError(f"文件夹 {where} 不存在（U盘是否已插入？）。")
    local = backup_dir(db_path)
    if where.resolve() == local.resolve() or where.resolve() == db_path.parent.resolve():
        raise StoreError("第二位置要在别的磁盘或U盘上，不能是数据库所在的文件夹或本机的备份文件夹。")
    probe = where / f"~zhushan-write-test-{datetime.now():%H%M%S%f}.tmp"
    try:
        write_bytes(probe, b"")
        probe.unlink()
    except (OSError, WriteFailed) as exc:
        raise StoreError(f"不能在 {where} 中写入文件（{getattr(exc, 'strerror', None) or exc}），请换一个文件夹。") from None
    write_copy_state(db_path, {"folder": str(where.resolve())})
    app.log(actor, "backup", f"备份的第二位置：{where.resolve()}")
    newest = list_backups(db_path)
    if not newest:
        return f"第二位置已设为 {where.resolve()}；以后的每份备份都会复制到那里。"
    problem = copy_to_second(db_path, newest[0].path, _keep(app.store))
    return problem or f"第二位置已设为 {where.resolve()}，最新的备份已复制过去；以后的每份备份都会复制到那里。"
