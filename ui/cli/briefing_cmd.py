"""The ``briefing`` command: a PDF work briefing for a month."""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from pathlib import Path

from exports.briefing import BriefingOptions, build_briefing_ex, check_month, reprint_briefing
from models.app import cli_actor
from models.entries_base import month_cn
from models.errors import InvalidInput
from ui.cli.common import open_app


def _cli_date(args: argparse.Namespace) -> _dt.date | None:
    """The ``--date YYYY-MM-DD`` option, when the command line declares one."""
    raw = getattr(args, "date", None)
    if not raw:
        return None
    try:
        return _dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise InvalidInput(f"日期格式不对：“{str(raw)[:20]}”，应为 YYYY-MM-DD，例如 2026-11-05",
                           [("日期", str(raw)[:20])]) from None


def run_briefing(args: argparse.Namespace) -> int:
    """``main.py briefing --month YYYY-MM [--issue N] -o FILE.pdf``; ``--reprint YEAR-N -o
    FILE.pdf`` writes an issued briefing again; ``--list`` lists the issued ones."""
    if getattr(args, "list", False):
        return _list(args)
    if not args.output:
        sys.stderr.write("错误：请用 -o 指定输出的 PDF 文件。\n")
        return 2
    if not getattr(args, "reprint", None) and not args.month:
        sys.stderr.write("错误：请用 --month 指定简报月份（或用 --reprint 重印已编发的一期）。\n")
        return 2
    month = check_month(args.month, strict=True) if args.month and not args.reprint else ""
    out = Path(args.output)
    if out.suffix.lower() != ".pdf":
        out = out.with_suffix(out.suffix + ".pdf") if out.suffix else out.with_suffix(".pdf")
    if out.parent and not out.parent.exists():
        sys.stderr.write(f"错误：输出文件夹不存在：{out.parent}\n")
        return 1
    app = open_app(args)
    try:
        demo = app.is_demo()
        try:
            if args.reprint:
                rec = reprint_briefing(app, cli_actor(app), args.reprint, out, getattr(args, "nth", None))
                sys.stdout.write(f"已重印{rec.label}工作简报（{month_cn(rec.month)}，共{rec.pages}页，"
                                 f"{rec.issued_at[:10]}编发）：{out}\n")
                return 0
            res = build_briefing_ex(app, cli_actor(app), month, out, BriefingOptions(
                issue=args.issue, date=_cli_date(args),
                basis="all" if getattr(args, "include_unreviewed", False) else "approved"))
        except PermissionError as exc:
            sys.stderr.write(f"错误：无法写入 {out}（{exc.strerror or exc}），请关闭正在打开该文件的程序后重试。\n")
            return 1
        except OSError as exc:
            sys.stderr.write(f"错误：无法写入 {out}：{exc.strerror or exc}\n")
            return 1
    finally:
        app.close()
    note = "（示例数据）" if demo else ""
    sys.stdout.write(f"已生成{month_cn(month)}工作简报（第{res.issue}期，共{res.pages}页）{note}：{res.path}\n")
    if res.missing_glyphs:
        sys.stdout.write("注意：以下字符在所有可用字体中都没有字形，已以“〓”代替："
                         + "".join(res.missing_glyphs) + "\n")
    return 0


def _list(args: argparse.Namespace) -> int:
    from models.briefing_data import issued
    app = open_app(args)
    try:
        rows = issued(app, cli_actor(app))
    finally:
        app.close()
    if not rows:
        sys.stdout.write("还没有编发过工作简报。\n")
        return 0
    for b in rows:
        again = f"，编发{b.versions}次（重印默认最后一次，--nth K 重印第K次）" if b.versions > 1 else ""
        sys.stdout.write(f"{b.year}-{b.number}\t{b.label}\t{month_cn(b.month)}\t共{b.pages}页\t"
                         f"{b.issued_at[:16].replace('T', ' ')}\t{b.issued_by}{again}\n")
    return 0
