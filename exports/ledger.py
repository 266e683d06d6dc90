"""The monthly ledger (台账) as a print-ready Excel workbook.

Sheets: 任务推进台账, 项目台账, 指标监测, 预警清单, 报送情况 and, in the consolidated
ledger (all units), 考核. Every sheet has a merged title row (marked 示例数据 when the
database holds demo data), a 填报单位/填报日期 line, a header row repeated on every
printed page, frozen panes, A4 landscape fitted to one page wide and a page footer.

Data are read first with set-based queries (``exports.ledger_gather``); the sheets are
then laid out (``exports.ledger_sheets``) and streamed row by row
(``exports.xlsx_book.StreamBook``) into a temporary file beside the target, renamed when
complete (``models.atomic_write``), so a
cancelled or failed export leaves no partial file. This module is the entry point:
``build_ledger`` and the month-range syntax of the command line (``parse_months``).

``compact=True`` writes the short one-month ledger for printing instead
(``exports.ledger_compact``: 月度概况, 预警事项, 指标监测); the full ledger stays the record.

``months`` covers several months in one workbook (a 月份 column is added); on the
command line ``--month 2023-09..2026-10`` does the same. Months after the current
reporting month are refused (their units would all read 未报送 and be ranked for it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from exports.ledger_gather import gather
from exports.ledger_compact import SOURCES, write_compact
from exports.ledger_sheets import Cancelled, Progress, write_ledger
from exports.xlsx_book import StreamBook
from models.app import Actor, App, months_between, refuse_future
from models.authority import PUBLIC, UNIT, rule
from models.atomic_write import staged_output
from models.errors import InvalidInput
from forms.values import ValueProblem, parse_month


@rule(PUBLIC)
def parse_months(text: str, strict: bool = False) -> list[str]:
    """'2026-10' → ['2026-10']; '2023-09..2026-10' → every month of the range
    (``strict``: each month written YYYY-MM, as ``forms.values.parse_month``)."""
    text = str(text).strip()
    for sep in ("..", "～", "~", "至"):
        if sep in text:
            lo, hi = (parse_month(p.strip(), strict) for p in text.split(sep, 1))
            if hi < lo:
                raise ValueProblem(f"月份范围“{text}”的结束月份早于开始月份")
            return months_between(lo, hi)
    return [parse_month(text, strict)]


@rule(UNIT, unit="unit", read=True, what="导出台账")
def build_ledger(app: App, actor: Actor, month: str, path: str | Path, unit: str | None = None, *,
                 months: list[str] | None = None, progress: Progress | None = None,
                 cancel: Callable[[], bool] | None = None, sheets: list[str] | None = None,
                 basis: str = "approved", compact: bool = False, today: date | None = None) -> Path:
    """Write the ledger of ``month`` (or of every month in ``months``) for ``unit`` (None:
    all units, with the 考核 sheet) to ``path`` and log it. The file appears only together
    with its log line (a failure, a locked database, leaves neither). ``basis``: colours
    and warnings from approved figures only (default) or from ``"all"``; figures not
    approved are marked either way. ``compact``: the short one-month ledger for printing
    (``exports.ledger_compact``) instead of the full one. Raises Cancelled when ``cancel()`` turns true (no file
    is left), InvalidInput/NotFound for bad arguments, among them a month after the current
    reporting month (``today``: the date that month is judged from)."""
    try:
        wanted = [parse_month(m) for m in (months or [month])]
    except ValueProblem as exc:
        raise InvalidInput(str(exc)) from None
    refuse_future(max(wanted), "不能导出该月的台账" if len(wanted) == 1 else "台账的月份不能包含该月", today)
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InvalidInput(f"台账文件名应以 .xlsx 结尾：{path.name}")
    if compact and len(wanted) > 1:
        raise InvalidInput("简版台账只能导出一个月份；多个月份请导出完整台账。")
    if cancel is not None and cancel():
        raise Cancelled()
    d = gather(app, actor, wanted, unit, SOURCES if compact else sheets, basis)
    span = wanted[0] + (f"至{wanted[-1]}" if len(wanted) > 1 else "")
    with staged_output(path) as out:
        book = StreamBook(out.tmp, creator=app.plan.app_title)
        try:
            (write_compact if compact else write_ledger)(d, book, progress, cancel)
            book.close()
        except BaseException:
            book.abort()
            raise
        with app.store.tx():
            kind = "简版台账" if compact else "台账"
            app.log(actor, "export", f"导出{kind}：{path.name}（{unit or '全部单位'}，{span}）")
            out.place()
    if progress is not None:
        progress(1, 1, "完成")
    return path
