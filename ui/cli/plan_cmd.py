"""The ``import-plan`` command: a county's published plan document (.docx/.txt/PDF) →
a format-2 plan file, with every review item printed.

Exit codes: 0 the plan file was written and nothing needs review; 1 it was written and
the review items printed need checking; 2 nothing was written (the document cannot be
read or is not a plan document, the output exists without ``--force``, a bad ``--id``,
the file could not be written).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

MAX_ID = 100


def run_import_plan(args: argparse.Namespace) -> int:
    from models.atomic_write import WriteFailed
    from models.plan_import import PlanImportError, import_plan
    from models.plan_import.report import item_lines, result_json, summary_lines
    source = Path(args.file)
    output = Path(args.output)
    plan_id = args.id.strip() if args.id is not None else None
    if plan_id is not None and (not plan_id or len(plan_id) > MAX_ID or not plan_id.isprintable()):
        sys.stderr.write(f"错误：--id 应为 1–{MAX_ID} 个可见字符（如 “xx-county-2023”），未写出任何文件。\n")
        return 2
    if output.exists() and not args.force:
        sys.stderr.write(f"错误：文件 {output} 已存在，未写出任何文件。要覆盖它请加 --force，或换一个文件名。\n")
        return 2
    if output.suffix.lower() in (".docx", ".pdf", ".doc", ".wps") or \
            (output.exists() and source.exists() and output.resolve() == source.resolve()):
        sys.stderr.write(f"错误：输出文件 {output} 是文档或就是要导入的文件（计划文件以 .toml 结尾），未写出任何文件。\n")
        return 2
    try:
        result = import_plan(source, plan_id=plan_id)
    except PlanImportError as exc:
        sys.stderr.write(f"错误：{exc}\n未写出任何文件。\n")
        return 2
    try:
        written = result.write(output)
    except WriteFailed as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return 2
    if args.json:
        sys.stdout.write(json.dumps(result_json(result, str(written)), ensure_ascii=False, indent=2) + "\n")
    else:
        lines = [f"已写出计划文件：{written}", *summary_lines(result)]
        for n, item in enumerate(result.review_items, 1):
            lines.append("")
            lines += item_lines(n, item)
        if result.review_items:
            lines += ["", "以上事项也以“# 核对”注释写在计划文件中相应条目的上方。核对、修改后再使用该计划文件。"]
        from models.program import command_name
        lines.append(f"下一步：用它新建数据库：{command_name()} --db 新数据库.db --plan \"{written}\"")
        sys.stdout.write("\n".join(lines) + "\n")
    return 1 if result.review_items else 0
