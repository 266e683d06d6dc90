"""Commands of the offline exchange: installation files, packages and decisions."""

from __future__ import annotations

import argparse
import sys

from models.app import CLI_ACTOR, cli_actor
from models.exchange import import_packages
from models.exchange_common import MONTH_RE, plan_file_for
from models.exchange_export import export_decisions, export_package
from models.exchange_install import install, make_install
from models.exchange_preview import STATUS_NAMES
from models.package_format import PackageRejected
from ui.cli.common import check_not_lost, db_path, open_app, unknown_unit


def run_make_install(args: argparse.Namespace) -> int:
    app = open_app(args)
    try:
        if unknown_unit(app, args.unit.strip()):
            return 2
        out = make_install(app, cli_actor(app), args.unit.strip(), args.output)
    finally:
        app.close()
    print(f"已生成“{args.unit.strip()}”的安装文件：{out}\n请妥善保管：文件中含有该单位的签名密钥。")
    return 0


def run_install(args: argparse.Namespace) -> int:
    db = db_path(args)
    check_not_lost(db)
    inst = install(db, args.file, CLI_ACTOR, change_office=bool(getattr(args, "change_office", False)))
    print(f"安装完成：本机作为“{inst['unit']}”使用（计划版本 {inst['plan_version']}）。\n"
          f"计划文件已保存到 {plan_file_for(db)}。")
    for text in inst.get("refused", []):
        sys.stderr.write(f"未采用：{text}\n")
    return 0


def run_export_package(args: argparse.Namespace) -> int:
    if not MONTH_RE.match(args.month or ""):
        sys.stderr.write(f"错误：月份“{args.month}”格式不对，应为 YYYY-MM，例如 2026-03。\n")
        return 2
    app = open_app(args)
    try:
        out = export_package(app, cli_actor(app), args.month, args.output)
    finally:
        app.close()
    print(f"已导出报送包：{out}")
    return 0


def run_import_package(args: argparse.Namespace) -> int:
    app = open_app(args)
    rc = 0
    try:
        for p, res in import_packages(app, cli_actor(app), args.files, dry_run=args.dry_run):
            if isinstance(res, PackageRejected):
                sys.stderr.write(f"{res}\n")
                rc = 1
                continue
            print(res.summary())
            for r in res.refused:
                sys.stderr.write(f"拒绝：{p.name}：{r.text()}\n")
                rc = 1
            if args.dry_run:
                for it in res.items:
                    if it.status != "unchanged":
                        print(f"  [{STATUS_NAMES[it.status]}] {it.entity} {it.key} {it.detail}".rstrip())
            if res.conflicts:
                sys.stderr.write(f"注意：{p.name} 有 {res.conflicts} 项冲突未导入。{res.conflict_reason}\n")
    finally:
        app.close()
    return rc


def run_export_decisions(args: argparse.Namespace) -> int:
    app = open_app(args)
    try:
        if unknown_unit(app, args.unit.strip()):
            return 2
        out = export_decisions(app, cli_actor(app), args.unit.strip(), args.output)
    finally:
        app.close()
    print(f"已导出给“{args.unit.strip()}”的回执包：{out}")
    return 0
