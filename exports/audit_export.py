"""Export of the audit trail (修改记录) to CSV (UTF-8 with BOM, opens in Excel) or xlsx."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from models.app import Actor, App
from models.atomic_write import atomic_path, staged_output
from models.audit import COLUMNS, as_table, audit_rows
from models.authority import PUBLIC, UNIT, Args, rule

_WIDTHS = (20, 14, 16, 9, 10, 30, 14, 30, 30, 11)


@rule(PUBLIC, why="writes the rows it is given (read under audit_rows' rule)")
def write_audit(rows: list[dict[str, Any]], path: str | Path, title: str = "数据修改记录") -> Path:
    """Write audit rows (from ``audit_rows``) to ``path``; the suffix picks the format."""
    p = Path(path)
    with atomic_path(p) as tmp:
        _write(rows, tmp, p.suffix, title)
    return p


def _write(rows: list[dict[str, Any]], tmp: Path, suffix: str, title: str) -> None:
    cells = as_table(rows)
    if suffix.lower() == ".xlsx":
        _write_xlsx(cells, tmp, title)
    else:
        with tmp.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(COLUMNS)
            w.writerows(cells)


def _filter_unit(a: Args) -> Any:
    return a["filters"].get("unit")


@rule(UNIT, unit=_filter_unit, read=True, what="导出修改记录")
def export_audit(app: App, actor: Actor, path: str | Path, **filters: Any) -> Path:
    """Export the audit rows ``audit_rows`` selects; the file appears only with its log line."""
    p = Path(path)
    rows = audit_rows(app, actor, limit=10 ** 7, **filters)
    with staged_output(p) as out:
        _write(rows, out.tmp, p.suffix, "数据修改记录")
        with app.store.tx():
            app.log(actor, "export", f"导出修改记录：{p.name}（{len(rows)}条）")
            out.place()
    return p


def _write_xlsx(cells: list[list[str]], path: Path, title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "修改记录"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws["A1"].font = Font(name="宋体", size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(list(COLUMNS))
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c in ws[2]:
        c.font = Font(name="宋体", bold=True)
        c.border = border
        c.alignment = Alignment(horizontal="center")
    for row in cells:
        ws.append(row)
        for c in ws[ws.max_row]:
            c.border = border
            c.font = Font(name="宋体")
            c.alignment = Alignment(wrap_text=True, vertical="top")
    for i, w in enumerate(_WIDTHS, 1):
        ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = w
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    wb.save(str(path))
