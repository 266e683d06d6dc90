"""The program's entry: the command line, data locations and starting the desktop program.

``main.py`` only calls ``main()`` here: a script run directly is compiled anew on
every start, an imported module is kept compiled. Without a command the desktop
application starts. Commands (see ``--help``) are an administrator's tools on the
PC where they run.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from ui.locations import (APP_ID, APP_NAME, ORG_NAME, ROOT, __version__, app_dir, data_dir, default_db,
                          resource_dir)

__all__ = ["APP_ID", "APP_NAME", "COMMANDS", "ORG_NAME", "ROOT", "__version__", "app_dir", "build_parser",
           "data_dir", "default_db", "main", "open_app", "parse_args", "plan_path", "resource_dir"]


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
    "catalog": ("ui.cli.check_cmd", "run_catalog"),
    "check": ("ui.cli.check_cmd", "run_check"),
    "demo": ("ui.cli.admin_cmds", "run_demo"),
    "export-ledger": ("ui.cli.excel_cmds", "run_export_ledger"),
    "export-template": ("ui.cli.excel_cmds", "run_export_template"),
    "import-excel": ("ui.cli.excel_cmds", "run_import_excel"),
    "briefing": ("ui.cli.briefing_cmd", "run_briefing"),
    "make-install": ("ui.cli.exchange_cmds", "run_make_install"),
    "install": ("ui.cli.exchange_cmds", "run_install"),
    "export-package": ("ui.cli.exchange_cmds", "run_export_package"),
    "import-package": ("ui.cli.exchange_cmds", "run_import_package"),
    "export-decisions": ("ui.cli.exchange_cmds", "run_export_decisions"),
    "backup": ("ui.cli.admin_cmds", "run_backup"),
    "user": ("ui.cli.admin_cmds", "run_user"),
    "import-plan": ("ui.cli.plan_cmd", "run_import_plan"),
}


def build_parser() -> CnParser:
    from models.program import command_name
    p = CnParser(prog=command_name(), description=f"{APP_NAME}：碳达峰实施方案的月度调度、台账、简报与考核。"
                 "不带命令时启动图形界面。")
    p.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}",
                   help="显示版本号并退出")
    p.add_argument("--db", metavar="PATH", help="数据库文件（默认在用户应用数据目录，便携模式下在程序目录的 data 文件夹）")
    p.add_argument("--plan", metavar="FILE",
                   help="计划文件（默认使用数据库保存的计划；新数据库默认使用内置的计划）")
    p.add_argument("--accept-plan-update", action="store_true",
                   help="确认按 --plan 指定的新版本更新数据库的计划（不加时只列出改动，不作更新）")
    p.add_argument("--smoke", action="store_true", help="自检：打开数据库、加载计划、构建主窗口、生成一页简报和台账后退出")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=CnParser)

    c = sub.add_parser("catalog", help="输出计划目录")
    c.add_argument("--json", action="store_true", required=True, help="以 JSON 格式输出")

    c = sub.add_parser("check", help="按目标判断一组数值（JSON 文件）")
    c.add_argument("--json", metavar="FILE", required=True, help="JSON 列表文件，“-”表示标准输入")

    c = sub.add_parser("demo", help="生成示例数据（标注“示例数据”）")
    c.add_argument("--until", metavar="YYYY-MM", help="示例数据截止月份（默认上个月）")
    c.add_argument("--streets", type=int, default=6, metavar="N", help="示例街道数量（默认 6）")

    c = sub.add_parser("export-ledger", help="导出月度台账 Excel")
    c.add_argument("--month", required=True, metavar="YYYY-MM",
                   help="月份，例如 2026-10；一段时期写 首月..末月，例如 2023-09..2026-10（不晚于当前填报月份）")
    c.add_argument("--unit", metavar="NAME", help="只导出一个单位（默认汇总全部单位）")
    c.add_argument("--include-unreviewed", action="store_true",
                   help="灯色和预警也计入尚未审核通过的数据（默认只计已审核通过的，其余数据均有标注）")
    c.add_argument("--compact", action="store_true",
                   help="简版台账（供打印：月度概况、预警事项、指标监测，一个月份），默认导出完整台账")
    c.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help="写出的 Excel 文件")

    c = sub.add_parser("export-template", help="导出单位的 Excel 填报模板")
    c.add_argument("--month", required=True, metavar="YYYY-MM", help="月份，例如 2026-10（不晚于当前填报月份，即上个月）")
    c.add_argument("--unit", required=True, metavar="NAME", help="填报单位的名称（与计划中的写法相同）")
    c.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help="写出的 Excel 文件")

    c = sub.add_parser("import-excel", help="导入填好的 Excel 模板")
    c.add_argument("file", metavar="FILE.xlsx", help="填好的填报模板")
    c.add_argument("--dry-run", action="store_true", help="只检查并显示结果，不写入")

    c = sub.add_parser("briefing", help="生成 PDF 工作简报，重印或列出已编发的简报")
    c.add_argument("--month", metavar="YYYY-MM", help="简报月份（生成新简报时必填）")
    c.add_argument("--issue", type=int, metavar="N", help="期号（默认按年顺延）")
    c.add_argument("--date", metavar="YYYY-MM-DD", help="简报日期（默认今天）")
    c.add_argument("--include-unreviewed", action="store_true",
                   help="判断和统计也计入尚未审核通过的数据（默认只计已审核通过的，其余数据均有标注）")
    c.add_argument("--reprint", metavar="YEAR-N", help="重印已编发的一期，例如 2026-3（与原件逐字节相同）")
    c.add_argument("--nth", type=int, metavar="K", help="同一期编发过多次时，重印第K次编发的（默认最后一次）")
    c.add_argument("--list", action="store_true", help="列出已编发的简报")
    c.add_argument("-o", "--output", metavar="FILE.pdf", help="输出的 PDF 文件")

    c = sub.add_parser("make-install", help="为单位生成安装文件（办公室使用）")
    c.add_argument("--unit", required=True, metavar="NAME", help="单位名称（与计划中的写法相同）")
    c.add_argument("-o", "--output", required=True, metavar="FILE", help="写出的安装文件（.zsi）")

    c = sub.add_parser("install", help="在单位电脑上导入安装文件")
    c.add_argument("file", metavar="FILE", help="办公室生成的安装文件（.zsi）")
    c.add_argument("--change-office", action="store_true",
                   help="确认本机改由另一个办公室管理（安装文件来自另一个办公室时需要）")

    c = sub.add_parser("export-package", help="导出本单位某月的报送包")
    c.add_argument("--month", required=True, metavar="YYYY-MM", help="月份，例如 2026-10")
    c.add_argument("-o", "--output", required=True, metavar="FILE", help="写出的报送包（.zsp）")

    c = sub.add_parser("import-package", help="导入报送包或办公室回执包")
    c.add_argument("files", nargs="+", metavar="FILE", help="报送包或回执包（.zsp），可以一次写多个")
    c.add_argument("--dry-run", action="store_true", help="只预览，不写入")

    c = sub.add_parser("export-decisions", help="导出给单位的审核结果与设置更新包（办公室使用）")
    c.add_argument("--unit", required=True, metavar="NAME", help="单位名称（与计划中的写法相同）")
    c.add_argument("-o", "--output", required=True, metavar="FILE", help="写出的回执包（.zsp）")

    c = sub.add_parser("import-plan", help="从实施方案文档（.docx/.txt/PDF）生成计划文件并列出需要核对的事项")
    c.add_argument("file", metavar="FILE", help="实施方案文档：.docx、.txt 或带文字层的 PDF")
    c.add_argument("-o", "--output", required=True, metavar="PLAN.toml", help="写出的计划文件")
    c.add_argument("--id", metavar="ID", help="方案标识（默认“区县名-年份”）；同一方案的新版本须保持标识不变")
    c.add_argument("--json", action="store_true", help="以 JSON 输出导入结果和全部核对事项")
    c.add_argument("--force", action="store_true", help="输出文件已存在时覆盖它")

    c = sub.add_parser("backup", help="立即备份数据库，列出或恢复备份")
    c.add_argument("--list", action="store_true", help="列出已有备份（本机和第二位置）")
    c.add_argument("--restore", nargs="?", const="latest", metavar="FILE",
                   help="用最近的可用备份（或指定的备份文件）恢复数据库；当前文件先另存为备份")
    c.add_argument("--copy-to", metavar="FOLDER",
                   help="设置第二位置（U盘或另一块磁盘上的文件夹），以后每份备份都复制到那里；“-”取消")

    c = sub.add_parser("user", help="账户管理（管理员）")
    c.add_argument("action", choices=["list", "add", "reset"], help="list 列出 / add 新建 / reset 重置密码")
    c.add_argument("--username", metavar="NAME", help="用户名（add、reset 必填）")
    c.add_argument("--role", choices=["clerk", "reviewer", "admin"],
                   help="角色：clerk 填报员 / reviewer 审核员 / admin 管理员（add 必填）")
    c.add_argument("--unit", metavar="NAME", help="填报员所属的填报单位")
    c.add_argument("--name", metavar="姓名", help="使用人的姓名（显示在窗口底部和操作记录中）")
    c.add_argument("--password", metavar="PWD", help="密码（不写时在终端中提示输入）")
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
    values: dict[str, Any] = {"db": None, "plan": None, "smoke": False, "command": None,
                              "accept_plan_update": False}
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
    from ui.cli.common import plan_path as _plan_path
    return _plan_path(args)


def open_app(args: argparse.Namespace) -> Any:
    """Open the database and plan named on the command line (for command handlers)."""
    from ui.cli.common import open_app as _open_app
    return _open_app(args)


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
                stream.reconfigure(encoding="utf-8")
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
    except OSError as exc:  # a file the command reads or writes (not a database)
        where = f"：{exc.filename}" if getattr(exc, "filename", None) else ""
        sys.stderr.write(f"错误：无法读写文件{where}（{exc.strerror or '操作系统拒绝了该操作'}）。\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("已取消。\n")
        return 130

