"""Opening the database at start-up: a missing file, a damaged file, the daily backup.

A missing or empty database file whose backups exist is asked about (restore or start
anew); a file that does not open offers the latest good backup; a too new or busy
file, or a failed backup before an upgrade, stops the start-up with a message. Used by
``ui.app.Startup`` before the sign-in; every question goes through its ``Dialogs``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from models import backup
from models.store import DatabaseBusy, DatabaseTooNew, ForeignDatabase, Store, StoreError

if TYPE_CHECKING:
    from ui.startup_dialogs import Dialogs


def open_store(db_path: Path, dialogs: Dialogs) -> Store | None:
    """The database at ``db_path`` opened (upgraded if older); on a damaged file the latest
    good backup is offered. None when the start-up cannot go on (the user was told)."""
    if not check_missing(db_path, dialogs):
        return None
    for attempt in range(2):
        try:
            return Store(db_path)
        except DatabaseTooNew as exc:
            dialogs.critical("数据库版本过新", str(exc))
            return None
        except ForeignDatabase as exc:
            dialogs.critical("不是本程序的数据库", str(exc))
            return None
        except DatabaseBusy as exc:
            dialogs.critical("数据库被占用", str(exc))
            return None
        except backup.BackupFailed as exc:
            dialogs.critical("升级前备份失败", f"{exc}\n\n为安全起见，程序没有升级、也没有修改数据库。"
                             "请检查数据库所在磁盘的剩余空间和写入权限后重试。")
            return None
        except StoreError as exc:
            good = backup.latest_good_backup(db_path) if attempt == 0 else None
            if good is None:
                dialogs.critical("无法打开数据库", f"{exc}\n\n没有找到可用的备份。请联系管理员，"
                                 f"不要删除该文件（备份目录：{backup.backup_dir(db_path)}）。")
                return None
            text = (f"{exc}\n\n最近的可用备份：{good.created:%Y年%m月%d日 %H:%M}（{good.reason_name}）。"
                    "\n恢复后，该备份之后录入的数据需要重新录入；当前的文件会另存到备份目录，不会删除。")
            if not dialogs.offer_restore(text):
                return None
            try:
                backup.recover(db_path, good.path)
            except StoreError as exc2:
                dialogs.critical("恢复失败", str(exc2))
                return None
    return None


def check_missing(db_path: Path, dialogs: Dialogs) -> bool:
    """A missing or empty database file while backups of it exist is more likely an
    accident (deleted, moved, truncated) than a wish to start over: ask first."""
    p = db_path
    try:
        empty = not p.exists() or p.stat().st_size == 0
    except OSError:
        return True  # opening reports the problem
    if not empty or not backup.backup_dir(p).is_dir():
        return True
    good = backup.latest_good_backup(p)
    if good is None:
        return True
    text = (f"数据库文件 {p} {'不存在' if not p.exists() else '是空的'}，但备份目录中有它的备份，"
            f"最近的可用备份是 {good.created:%Y年%m月%d日 %H:%M}（{good.reason_name}）。\n\n"
            "如果数据库文件是被误删或移动了，请恢复最近的备份；确实要从头开始时才选“新建空数据库”。")
    choice = dialogs.ask_missing(text)
    if choice == "new":
        return True
    if choice != "restore":
        return False
    try:
        backup.recover(p, good.path)
    except StoreError as exc:
        dialogs.critical("恢复失败", str(exc))
        return False
    return True


def daily_backup(store: Store, dialogs: Dialogs) -> None:
    """The first start of the day backs the database up; a failure is a warning only."""
    try:
        backup.daily_backup(store)
    except StoreError as exc:
        dialogs.warning("自动备份失败", f"{exc}\n程序仍可使用，请尽快检查磁盘空间。")
