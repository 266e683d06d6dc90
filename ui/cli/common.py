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
    """Open the database and plan named on the command line (for command handlers)."""
    from models.plan_load import load_plan
    from models.store import Store
    plan = load_plan(plan_path(args))
    return App(Store(db_path(args)), plan)


def unknown_unit(app: App, unit: str) -> bool:
    """Whether ``unit`` is not a reporting unit (said on stderr)."""
    if unit in app.reporting_units():
        return False
    sys.stderr.write(f"错误：“{unit}”不是填报单位。填报单位有：{'、'.join(app.reporting_units())}。\n")
    return True
