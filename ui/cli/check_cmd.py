"""The ``check`` command: judge a JSON list of values against the plan's targets."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from models.checking import Judge
from models.os_reasons import os_reason
from ui.cli.common import open_app, plan_path


def _read_input(path: str) -> str:
    if path == "-":
        buf = getattr(sys.stdin, "buffer", None)
        if buf is not None:
            return buf.read().decode("utf-8-sig")
        return sys.stdin.read()
    return Path(path).read_text(encoding="utf-8-sig")


def run_check(args: argparse.Namespace) -> int:
    """``main.py check --json FILE``: judge a JSON list of values; print a JSON list of verdicts."""
    path = args.json
    shown = "标准输入" if path == "-" else f"文件 {path}"
    try:
        text = _read_input(path)
    except FileNotFoundError:
        sys.stderr.write(f"错误：找不到{shown}。\n")
        return 2
    except OSError as exc:
        sys.stderr.write(f"错误：无法读取{shown}：{os_reason(exc)}。\n")
        return 2
    except UnicodeDecodeError:
        sys.stderr.write(f"错误：{shown}不是 UTF-8 编码的文本。\n")
        return 2
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        sys.stderr.write(f"错误：{shown}不是有效的 JSON（第{exc.lineno}行第{exc.colno}列）。\n")
        return 2
    if not isinstance(data, list):
        sys.stderr.write(f"错误：{shown}的内容应为 JSON 列表（[{{\"code\": \"I01\", \"period\": \"2027\", "
                         f"\"value\": \"18.2%\"}}, …]），实为{_json_type(data)}。\n")
        return 2
    app = open_app(args)
    try:
        judge_ = Judge(app)
        out = [judge_.check_item(item, i) for i, item in enumerate(data, 1)]
    finally:
        app.close()
    sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    return 0


def _json_type(data: object) -> str:
    if isinstance(data, dict):
        return "对象"
    if isinstance(data, str):
        return "文本"
    if isinstance(data, bool):
        return "是/否"
    if isinstance(data, (int, float)):
        return "数字"
    if data is None:
        return "null"
    return type(data).__name__


def run_catalog(args: argparse.Namespace) -> int:
    """``catalog --json``: the plan's catalog (with the streets of ``--db`` when it exists)."""
    from models.catalog import catalog_json
    from models.plan_load import load_plan
    if args.db and Path(args.db).exists():
        app = open_app(args)  # the database's own plan, unless --plan names a new version of it
        try:
            plan, streets = app.plan, app.streets()
        finally:
            app.close()
    else:
        plan, streets = load_plan(plan_path(args) if args.db else args.plan), []
    json.dump(catalog_json(plan, streets), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
