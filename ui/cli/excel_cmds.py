"""Commands for Excel files: the monthly ledger, fill-in templates and their import."""

from __future__ import annotations

import argparse
import sys

from exports.ledger import build_ledger, parse_months
from exports.template import build_template
from models.app import cli_actor
from models.entries_base import month_cn
from models.excel_import import import_excel
from models.excel_read import NotATemplate
from forms.values import ValueProblem, parse_month
from ui.cli.common import open_app


def run_export_ledger(args: argparse.Namespace) -> int:
    try:
        months = parse_months(args.month, strict=True)
    except ValueProblem as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return 2
    app = open_app(args)
    try:
        actor = cli_actor(app)
        unit = args.unit or actor.bureau  # a bureau's own ledger unless another unit is named
        out = build_ledger(app, actor, months[-1], args.output, unit, months=months,
                           basis="all" if getattr(args, "include_unreviewed", False) else "approved",
                           compact=bool(getattr(args, "compact", False)))
    finally:
        app.close()
    print(f"已导出{'简版台账' if getattr(args, 'compact', False) else '台账'}：{out}")
    return 0


def run_export_template(args: argparse.Namespace) -> int:
    try:
        month = parse_month(args.month, strict=True)
    except ValueProblem as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return 2
    app = open_app(args)
    try:
        unit = app.plan.canonical_unit(args.unit) or args.unit.strip()
        actor = cli_actor(app)
        out = build_template(app, actor, month, unit, args.output)
    finally:
        app.close()
    print(f"已导出{unit}{month_cn(month)}的填报模板：{out}")
    return 0


def run_import_excel(args: argparse.Namespace) -> int:
    """Exit code 0: every row fine; 1: some rows rejected; 2: not a template."""
    app = open_app(args)
    try:
        try:
            out = import_excel(app, cli_actor(app), args.file, dry_run=args.dry_run)
        except NotATemplate as exc:
            sys.stderr.write(f"错误：{exc}\n")
            return 2
    finally:
        app.close()
    print(out.text())
    return 0 if out.ok else 1
