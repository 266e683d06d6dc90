"""What every command shares: the database and plan named on the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.app import App
from ui.locations import default_db


def db_path(args: argparse.Namespace) -> Path:
    """``--db``, else the default database."""
    return Path(args.db) if getattr(args, "db", None) else default_db()


def plan_path(args: argparse.Namespace) -> str | None:
    """--plan, else the plan installed with a bureau database, else None (built-in plan)."""
    if getattr(args, "plan", None):
        return str(args.plan)
    db = db_path(args)
    if db.exists():
        from models.exchange_install import installed_plan_path
        found = installed_plan_path(db)
        if found is not None:
            return str(found)
    return None


def open_app(args: argparse.Namespace) -> App:
    """Open the database named on the command line with its plan (for command handlers):
    ``--plan`` (or a unit's installed plan) when given, else the plan the database keeps,
    else (a new database) the built-in plan. A plan of another id is refused before the
    database is touched; a new version of its plan only with ``--accept-plan-update``
    (otherwise the refusal lists the changes and nothing is written)."""
    from models.app import CLI_ACTOR
    from models.errors import DomainError
    from models.plan_binding import PlanUpdatePending, plan_for
    from models.store import Store
    db = db_path(args)
    check_not_lost(db)
    plan = plan_for(db, plan_path(args))
    store = Store(db)
    try:
        return App(store, plan, accept_plan_update=bool(getattr(args, "accept_plan_update", False)),
                   actor=CLI_ACTOR.username)
    except PlanUpdatePending as exc:
        store.close()
        raise DomainError(f"{exc}\n确认以上改动无误后，加上 --accept-plan-update 再运行同一命令，即按新版本更新本数据库的"
                          "计划。本次未作任何改动。") from None
    except BaseException:
        store.close()
        raise


def check_not_lost(db: Path) -> None:
    """Refuse (StoreError) a missing or emptied database whose backups sit beside it: more
    likely deleted, moved or truncated by accident than meant to start over. The message
    says how to restore (as the desktop program asks)."""
    from models.backup import backup_dir, latest_good_backup
    from models.program import command_name
    from models.store import StoreError
    try:
        missing = not db.exists()
        empty = missing or db.stat().st_size == 0
    except OSError:
        return  # opening reports the problem
    if not empty or not backup_dir(db).is_dir():
        return
    good = latest_good_backup(db)
    if good is None:
        return
    state = "不存在" if missing else "是空的"
    raise StoreError(f"数据库文件 {db} {state}，但备份目录中有它的备份（最近的可用备份：{good.created:%Y-%m-%d %H:%M}，"
                     f"{good.reason_name}）。为免误建空数据库，命令行不会新建或写入它。\n"
                     f"如果数据库文件是被误删、移走或截断了，请恢复最近的备份：{command_name()} --db \"{db}\" backup --restore\n"
                     f"确实要从头开始时，请先把备份目录 {backup_dir(db)} 移到别处。")


def unknown_unit(app: App, unit: str) -> bool:
    """Whether ``unit`` is not a reporting unit (said on stderr)."""
    if unit in app.reporting_units():
        return False
    sys.stderr.write(f"错误：“{unit}”不是填报单位。填报单位有：{'、'.join(app.reporting_units())}。\n")
    return True
