"""佐证材料 in the monthly ledger: the 佐证材料 column of the task, project and indicator sheets
(how many files and their names) and the sheet 佐证材料清单, one row per file with its item,
caption, kind, size, pixels, SHA-256 (so a printed ledger can be matched with the files),
who attached it and when, and the state of the month's submission.

Works on ``LedgerData`` (month views read under ``month_view``'s rule); no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from exports import xlsx_style as xs
from forms.attachment_form import KINDS
from models.authority import PUBLIC, rule
from models.entries_base import STATE_NAMES
from models.month_view import Evidence

ENTITY_NAMES = {"task_report": "任务", "indicator": "指标", "project_month": "项目"}
_SHOWN = 6  # names listed in a cell before "等"


@rule(PUBLIC)
def evidence_text(files: Iterable[Evidence]) -> str:
    """"2份：现场.jpg、纪要.pdf" (at most six names, then 等), or "" without files."""
    files = list(files)
    if not files:
        return ""
    names = "、".join(f.name for f in files[:_SHOWN]) + ("等" if len(files) > _SHOWN else "")
    return f"{len(files)}份：{names}"


def _item(w: Any, e: Evidence) -> str:
    plan = w.d.plan
    if e.entity == "task_report":
        t = plan.tasks_by_code.get(e.key)
        return f"{e.key} {t.title}" if t else e.key
    if e.entity == "indicator":
        code, _, period = e.key.partition("@")
        p = plan.parts_by_code.get(code)
        return f"{code} {p.name if p else ''}（{period}）"
    names = {p.uid: p.name for v in w.d.views for p in v.projects}
    return names.get(e.key, "项目")


@rule(PUBLIC, why="lays out month views already read under month_view's rule")
def write_evidence_sheet(w: Any, name: str) -> None:
    """The sheet 佐证材料清单 on the ledger writer ``w`` (``exports.ledger_sheets``)."""
    d = w.d
    cols = [("序号", 5), ("单位", 14), ("类别", 6), ("事项", 30), ("文件名", 26), ("说明", 24), ("类型", 12),
            ("大小（KB）", 10), ("像素", 11), ("SHA-256", 30), ("添加人", 10), ("添加时间", 17), ("报送状态", 10)]
    sh = w.open(name, f"{d.plan.district}碳达峰工作佐证材料清单（{d.period}）", cols)
    T, C = xs.TEXT, xs.CENTER
    any_rows = False
    for v in d.views:
        own = [e for e in v.evidence if e.month == v.month]  # an annual value's earlier files are listed in their month
        for i, e in enumerate(own, 1):
            any_rows = True
            kind = KINDS.get(e.kind)
            try:
                at: Any = datetime.fromisoformat(e.added_at)
            except ValueError:
                at = e.added_at
            w.row(sh, v.month, [
                i, e.unit, ENTITY_NAMES.get(e.entity, e.entity), _item(w, e), e.name, e.caption,
                kind.name if kind else e.kind, round(e.size / 1024, 1), f"{e.width}×{e.height}" if e.width else "",
                e.sha256, e.added_by, at, STATE_NAMES.get(e.state, e.state)],
                [xs.INTEGER, C, C, T, T, T, C, xs.NUMBER, C, T, C, xs.DATETIME if isinstance(at, datetime) else C, C],
                name)
    if not any_rows:
        sh.row(["本期没有佐证材料。"] + [None] * (len(cols) - 1 + w.pm), w.s[xs.TEXT])
    sh.close()
