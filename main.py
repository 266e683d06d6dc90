"""碳达峰实施方案调度系统 — entry point for the GUI and the command line.

Without a command the desktop application starts. Commands (see ``--help``) are
an administrator's tools on the PC where they run. The code is in ``ui/entry.py``
(kept compiled by Python, which a script run directly is not); the names other
modules use are available here as well.
"""

import sys

from ui.entry import (APP_ID, APP_NAME, COMMANDS, ORG_NAME, __version__, app_dir, build_parser,
                      data_dir, default_db, main, open_app, parse_args, plan_path, resource_dir)

__all__ = ["APP_ID", "APP_NAME", "COMMANDS", "ORG_NAME", "__version__", "app_dir", "build_parser",
           "data_dir", "default_db", "main", "open_app", "parse_args", "plan_path", "resource_dir"]

if __name__ == "__main__":
    sys.exit(main())
