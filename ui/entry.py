"""The program's entry: the command line, data locations and starting the desktop program.

``main.py`` only calls ``main()`` here: a script run directly is compiled anew on
every start, an imported module is kept compiled. Without a command the desktop
application starts. Commands (see ``--help``) are an administrator's tools on the
PC where they run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

APP_NAME = "珠山区碳达峰调度系统"
APP_ID = "ZhushanCarbonPeak"
ORG_NAME = "Zhushan"
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
    return data_dir() / "zhushan.db"


# -- argument parsing with Chinese messages ---------------------------------------

_ARGPARSE_CN = [
    ("unrecognized arguments:", "无法识别的参数："),
    ("the following arguments are required:", "缺少必需的参数："),
    ("expected one argument", "需要一个值"),
    ("invalid choice:", "无效的选项："),
    ("argument ", "参数 "),
    ("choose from", "可选"),
    ("expected at least one argument", "至少需要一个值"),
    ("invalid int value:", "不是有效的整数："),
    ("ambiguous option:", "有歧义的选项："),
    ("could match", "可能是"),
]


class CnParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for en, cn in _ARGPARSE_CN:
            message = message.replace(en, cn)
        self.print_usage(sys.stderr)
        self.exit(2, f"错误：{message}\n请运行 “{self.prog} --help” 查看用法。\n")

    def format_help(self) -> str:
        text = super().format_help()
        return (text.replace("usage: ", "用法：").replace("options:", "选项：")
                .replace("positional arguments:", "位置参数：")
                .replace("show this help message and exit", "显示帮助并退出"))

    def format_usage(self) -> str:
        return super().format_usage().replace("usage: ", "用法：")


# command name → (module, function); handlers take (args) and return an exit code.
COMMANDS: dict[str, tuple[str, str]] = {
    "catalog": ("ui.entry", "cmd_catalog"),
    "check": ("models.checking", "cli_check"),
    "demo": ("models.demo", "cli_demo"),
    "export-ledger": ("exports.ledger", "cli_export_ledger"),
    "export-template": ("exports.template", "cli_export_template"),
    "import-excel": ("models.excel_import", "cli_import_excel"),
    "briefing": ("exports.briefing", "cli_briefing"),
    "make-install": ("models.exchange", "cli_make_install"),
    "install": ("models.exchange", "cli_install"),
    "export-package": ("models.exchange", "cli_export_package"),
    "import-package": ("models.exchange", "cli_import_package"),
    "export-decisions": ("models.exchange", "cli_export_decisions"),
    "backup": ("models.backup", "cli_backup"),
    "user": ("models.accounts", "cli_user"),
}


def build_parser() -> CnParser:
    from models.program import command_name
    p = CnParser(prog=command_name(), description=f"{APP_NAME}：碳达峰实施方案的月度调度、台账、简报与考核。"
                 "不带命令时启动图形界面。")
    p.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}",
                   help="显示版本号并退出")
    p.add_argument("--db", metavar="PATH", help="数据库文件（默认在用户应用数据目录，便携模式下在程序目录的 data 文件夹）")
    p.add_argument("--plan", metavar="FILE", help="计划文件（默认使用内置的珠山区方案）")
    p.add_argument("--smoke", action="store_true", help="自检：打开数据库、加载计划、构建主窗口、生成一页简报和台账后退出")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=CnParser)

    c = sub.add_parser("catalog", help="输出计划目录")
    c.add_argument("--json", action="store_true", required=True, help="以 JSON 格式输出")

    c = sub.add_parser("check", help="按目标判断一组数值（JSON 文件）")
    c.add_argument("--json", metavar="FILE", required=True, help="JSON 列表文件，“-”表示标准输入")

    c = sub.add_parser("demo", help="生成示例数据（标注“示例数据”）")
    c.add_argument("--until", metavar="YYYY-MM", help="示例数据截止月份（默认上个月）")
    c.add_argument("--streets", type=int, default=6, help="示例街道数量")

    c = sub.add_parser("export-ledger", help="导出月度台账 Excel")
    c.add_argument("--month", required=True, metavar="YYYY-MM")
    c.add_argument("--unit", metavar="NAME", help="只导出一个单位（默认汇总全部单位）")
    c.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")

    c = sub.add_parser("export-template", help="导出单位的 Excel 填报模板")
    c.add_argument("--month", required=True, metavar="YYYY-MM")
    c.add_argument("--unit", required=True, metavar="NAME")
    c.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")

    c = sub.add_parser("import-excel", help="导入填好的 Excel 模板")
    c.add_argument("file", metavar="FILE.xlsx")
    c.add_argument("--dry-run", action="store_true", help="只检查并显示结果，不写入")

    c = sub.add_parser("briefing", help="生成 PDF 工作简报")
    c.add_argument("--month", required=True, metavar="YYYY-MM")
    c.add_argument("--issue", type=int, metavar="N", help="期号（默认按年顺延）")
    c.add_argument("--date", metavar="YYYY-MM-DD", help="简报日期（默认今天）")
    c.add_argument("-o", "--output", required=True, metavar="FILE.pdf")

    c = sub.add_parser("make-install", help="为单位生成安装文件（办公室使用）")
    c.add_argument("--unit", required=True, metavar="NAME")
    c.add_argument("-o", "--output", required=True, metavar="FILE")

    c = sub.add_parser("install", help="在单位电脑上导入安装文件")
    c.add_argument("file", metavar="FILE")

    c = sub.add_parser("export-package", help="导出本单位某月的报送包")
    c.add_argument("--month", required=True, metavar="YYYY-MM")
    c.add_argument("-o", "--output", required=True, metavar="FILE")

    c = sub.add_parser("import-package", help="导入报送包或办公室回执包")
    c.add_argument("files", nargs="+", metavar="FILE")
    c.add_argument("--dry-run", action="store_true", help="只预览，不写入")

    c = sub.add_parser("export-decisions", help="导出给单位的审核结果与设置更新包（办公室使用）")
    c.add_argument("--unit", required=True, metavar="NAME")
    c.add_argument("-o", "--output", required=True, metavar="FILE")

    c = sub.add_parser("backup", help="立即备份数据库，或列出备份")
    c.add_argument("--list", action="store_true", help="列出已有备份")

    c = sub.add_parser("user", help="账户管理（管理员）")
    c.add_argument("action", choices=["list", "add", "reset"], help="list 列出 / add 新建 / reset 重置密码")
    c.add_argument("--username", metavar="NAME")
    c.add_argument("--role", choices=["clerk", "reviewer", "admin"])
    c.add_argument("--unit", metavar="NAME")
    c.add_argument("--password", metavar="PWD")
    return p


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the command line. The usual ways of starting the desktop program (no
    arguments, ``--db``, ``--plan``, ``--smoke``) are read directly: setting up argparse
    costs a few milliseconds of every start. Anything else goes to the full parser,
    so that every message is the full parser's."""
    quick = _gui_args(argv)
    if quick is not None:
        return quick
    return build_parser().parse_args(argv)


def _gui_args(argv: list[str]) -> argparse.Namespace | None:
    """The desktop program's options exactly as the full parser reads them, or None
    for anything else (a command, help, an abbreviation, a missing value)."""
    values: dict[str, Any] = {"db": None, "plan": None, "smoke": False, "command": None}
    args = iter(argv)
    for a in args:
        if a == "--smoke":
            values["smoke"] = True
        elif a in ("--db", "--plan"):
            value = next(args, None)
            if value is None or value.startswith("-"):
                return None
            values[a[2:]] = value
        elif a.startswith(("--db=", "--plan=")):
            name, _, value = a[2:].partition("=")
            values[name] = value
        else:
            return None
    return argparse.Namespace(**values)


def resolve_handler(command: str) -> Callable[[argparse.Namespace], int]:
    module, func = COMMANDS[command]
    mod = importlib.import_module(module)
    return getattr(mod, func)


def plan_path(args: argparse.Namespace) -> str | None:
    """--plan, else the plan installed with a bureau database, else None (built-in plan)."""
    if args.plan:
        return str(args.plan)
    db = Path(args.db) if args.db else default_db()
    if db.exists():
        from models.exchange import installed_plan_path
        found = installed_plan_path(db)
        if found is not None:
            return str(found)
    return None


def open_app(args: argparse.Namespace) -> Any:
    """Open the database and plan named on the command line (for command handlers)."""
    from models.app import App
    from models.plan import load_plan
    from models.store import Store
    db = Path(args.db) if args.db else default_db()
    plan = load_plan(plan_path(args))
    return App(Store(db), plan)


def cmd_catalog(args: argparse.Namespace) -> int:
    from models.catalog import catalog_json
    from models.plan import load_plan
    plan = load_plan(plan_path(args) if args.db else args.plan)
    streets: list[str] = []
    if args.db and Path(args.db).exists():
        app = open_app(args)
        try:
            streets = app.streets()
        finally:
            app.close()
    json.dump(catalog_json(plan, streets), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _opens_gui(args: argparse.Namespace) -> bool:
    """Whether this run starts the desktop program on ``--db`` (or the default database)."""
    if args.command:
        return False
    if args.smoke:
        from ui.smoke import probe_requested
        return probe_requested()
    return True


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if hasattr(sys.stdout, "reconfigure"):
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
            except (AttributeError, ValueError):
                pass
    args = parse_args(argv)
    from models.errors import DomainError
    from models.plan import PlanError
    from models.store import StoreError
    if _opens_gui(args):
        # Check the database while Qt loads (the check itself runs without the GIL).
        from models.store import check_in_background
        check_in_background(Path(args.db) if args.db else default_db())
    try:
        if args.smoke:
            from ui.smoke import run_smoke
            return run_smoke(args)
        if not args.command:
            from ui.app import run_gui
            return run_gui(args)
        return resolve_handler(args.command)(args)
    except (PlanError, StoreError, DomainError) as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("已取消。\n")
        return 130

