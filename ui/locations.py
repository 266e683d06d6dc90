"""Where the program and its data live: the program folder, resources, the data folder.

A leaf module (only the standard library and, for the per-user folder, Qt's standard
paths), used by the entry, the desktop program and the command line alike.
The identifiers below name the program package and its per-user data folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_NAME = "碳达峰调度系统"  # the program; a window says "<district>碳达峰调度系统" from its plan
APP_ID = "ZhushanCarbonPeak"  # executable and per-user data folder name (an identifier)
ORG_NAME = "Zhushan"  # organisation key of the per-user settings (an identifier)
DB_NAME = "zhushan.db"  # default database file name (an identifier)
__version__ = "1.0.0"

ROOT = Path(__file__).resolve().parent.parent  # the program folder (where main.py is)


def app_dir() -> Path:
    """Folder of the executable when frozen, else of main.py."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return ROOT


def resource_dir() -> Path:
    base = Path(getattr(sys, "_MEIPASS", ROOT))
    return base / "resources"


def data_dir() -> Path:
    """Where the database lives: beside the program in portable mode (portable.txt
    next to main.py or the executable), else the per-user application data folder."""
    if (app_dir() / "portable.txt").exists():
        return app_dir() / "data"
    from PySide6.QtCore import QCoreApplication, QStandardPaths
    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_ID)
    loc = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(loc) if loc else Path.home() / f".{APP_ID}"


def default_db() -> Path:
    return data_dir() / DB_NAME
