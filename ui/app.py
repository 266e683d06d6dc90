"""Starting the desktop application: open the database, sign in, show the main window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from ui.qtsetup import make_application


def run_gui(args: argparse.Namespace) -> int:
    import main as entry
    from models.app import CLI_ACTOR, App
    from models.plan import PlanError, load_plan
    from models.store import Store, StoreError

    qapp = make_application(sys.argv[:1])
    db_path = Path(args.db) if args.db else entry.default_db()
    try:
        plan = load_plan(args.plan)
    except PlanError as exc:
        QMessageBox.critical(None, "计划文件有误", str(exc))
        return 1
    try:
        store = Store(db_path)
    except StoreError as exc:
        QMessageBox.critical(None, "无法打开数据库", str(exc))
        return 1
    app = App(store, plan)
    from ui.main_window import MainWindow
    win = MainWindow(app, CLI_ACTOR)
    win.show()
    rc = qapp.exec()
    app.close()
    return rc
