"""Administration on this PC: accounts, backups and sample data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.accounts import create_user, reset_password, unlock, users
from models.app import CLI_ACTOR, ROLE_NAMES, cli_actor, current_month
from models.backup import (backup_dir, backup_now, copy_location, copy_problem, copy_status, database_usable,
                           latest_good_backup, list_backups, recover, restore, set_copy_location)
from models.demo import generate_demo
from models.demo_accounts import DEMO_PASSWORD, create_demo_accounts
from models.errors import InvalidInput
from models.program import command_name
from models.store import Store, StoreError
from ui.cli.common import check_not_lost, db_path, open_app


def run_user(args: argparse.Namespace) -> int:
    """``user list|add|reset``: account administration on this PC (an administrator's tool)."""
    app = open_app(args)
    try:
        if args.action == "list":
            rows = users(app, cli_actor(app))
            if not rows:
                print(f"还没有账户。请先运行：{command_name()} user add --username admin --role admin")
            for u in rows:
                state = "停用" if not u.active else ("锁定" if u.locked() else "正常")
                print(f"{u.username}\t{u.role_name}\t{u.unit or '领导小组办公室'}\t{u.display_name}\t{state}")
            return 0
        if not args.username:
            sys.stderr.write("错误：请用 --username 指定账户名。\n")
            return 2
        password = args.password if args.password is not None else _ask_password()
        if args.action == "add":
            if not args.role:
                sys.stderr.write("错误：新建账户需要 --role（clerk 填报员 / reviewer 审核员 / admin 管理员）。\n")
                return 2
            info = create_user(app, cli_actor(app), args.username, args.role, password, args.unit,
                               args.name or "")
            named = f"{info.display_name}，" if info.display_name else ""
            print(f"已新建账户 {info.username}（{named}{info.role_name}{' · ' + info.unit if info.unit else ''}）。")
        else:
            reset_password(app, cli_actor(app), args.username, password, temporary=False)
            unlock(app, cli_actor(app), args.username)
            print(f"已重置账户 {args.username} 的密码并解除锁定。")
        return 0
    finally:
        app.close()


def _ask_password() -> str:
    if not sys.stdin.isatty():
        raise InvalidInput("请用 --password 提供密码。")
    import getpass
    first = getpass.getpass("密码：")
    if getpass.getpass("再次输入密码：") != first:
        raise InvalidInput("两次输入的密码不一致。")
    return first


def run_backup(args: argparse.Namespace) -> int:
    """``backup``: back up now; ``backup --list``: list the backups, newest first."""
    db = db_path(args)
    if getattr(args, "plan", None):  # a plan of another id is refused like by every command
        from models.plan_binding import plan_for
        plan_for(db, args.plan)
    if getattr(args, "copy_to", None):
        app = open_app(args)
        try:
            print(set_copy_location(app, cli_actor(app), None if args.copy_to == "-" else args.copy_to))
        finally:
            app.close()
        return 0
    if args.list:
        items = list_backups(db, second=True)
        if not items:
            print(f"还没有备份（备份目录：{backup_dir(db)}）。")
        for b in items:
            print(f"{b.created:%Y-%m-%d %H:%M:%S}\t{b.reason_name}\t{b.place}\t{b.size / 1024:.0f} KB\t{b.path}")
        where = copy_location(db)
        if where is not None:
            print(f"第二位置：{where}（{copy_status(db)}）")
        return 0
    if getattr(args, "restore", None):
        return _restore(db, args.restore)
    check_not_lost(db)
    if not db.exists():
        raise StoreError(f"数据库文件 {db} 不存在，无需备份。")
    store = Store(db)
    try:
        path = backup_now(store, CLI_ACTOR, "manual")
    finally:
        store.close()
    print(f"已备份到 {path}")
    problem = copy_problem(db)
    if problem:
        print(problem)
    elif copy_location(db) is not None:
        print(f"并已复制到第二位置 {copy_location(db)}")
    return 0


def _restore(db: Path, which: str) -> int:
    """``backup --restore [FILE]``: the latest good backup (or FILE) replaces the database;
    the current file is kept as a backup first. A database that opens and holds data is
    replaced only by this administrator's command; a lost one is recovered."""
    if which == "latest":
        good = latest_good_backup(db)
        if good is None:
            raise StoreError(f"没有找到 {db} 的可用备份（备份目录：{backup_dir(db)}）。")
        source = good.path
    else:
        source = Path(which)
    if database_usable(db):
        restore(db, source, CLI_ACTOR)
    else:
        recover(db, source)
    print(f"已用备份 {source} 恢复数据库 {db}（原来的文件已另存到备份目录）。")
    return 0


def run_demo(args: argparse.Namespace) -> int:
    until = args.until or current_month()
    app = open_app(args)
    try:
        def tick(done: int, total: int) -> None:
            if done == total or done % 12 == 0:
                sys.stderr.write(f"\r正在生成示例数据：{done}/{total}个月")
                sys.stderr.flush()

        counts = generate_demo(app, cli_actor(app), until, streets=args.streets, progress=tick)
        sys.stderr.write("\n")
        made = create_demo_accounts(app, cli_actor(app))
    finally:
        app.close()
    print(f"已生成示例数据（{counts['months']}个月，截至{counts['until']}，{counts['units']}个填报单位）：")
    print(f"  任务填报 {counts['task_reports']} 条，里程碑数值 {counts['milestone_values']} 条，"
          f"项目 {counts['projects']} 个（月度记录 {counts['project_months']} 条），"
          f"指标数值 {counts['indicator_values']} 条，报送记录 {counts['submissions']} 条，"
          f"基期值 {counts['baselines']} 项。")
    print("界面和导出文件将标注“示例数据”。")
    print(f"登录账户（密码都是 {DEMO_PASSWORD}，只用于练习）：")
    for a in made:
        where = f" · {a.unit}" if a.unit else ""
        state = "" if a.created else f"（{a.note}）"
        print(f"  {a.username:<9} {ROLE_NAMES[a.role]}{where}{state}")
    return 0
