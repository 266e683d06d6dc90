"""Speed of the Excel ledger against a baseline measured in the same run.

Sample: the full-plan demo data (every unit, every month from the plan's first month
to 2030-12), generated into a temporary database. Measured:

- the consolidated ledger of the whole period (all months in one workbook) written by
  ``exports.ledger.build_ledger`` (data queries + the streaming writer);
- the baseline: the same data laid out with the same cells and formats, written by
  xlsxwriter in constant_memory mode (data queries + xlsxwriter);
- one month's consolidated ledger.

Run: ``.venv/bin/python bench/bench_ledger.py [--until 2030-12] [--repeat 3]``.
Prints the ratio (ours ÷ baseline); the goal is at most 1.5.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from exports import xlsx_style as xs  # noqa: E402
from exports.cjk_lines import wrap_cell  # noqa: E402
from exports.ledger import build_ledger  # noqa: E402
from exports.ledger_gather import gather  # noqa: E402
from exports.ledger_sheets import write_ledger  # noqa: E402
from exports.xlsx_book import StreamBook  # noqa: E402
from models.app import CLI_ACTOR, App, month_add, months_between  # noqa: E402


class XwSheet:
    """StreamSheet's interface on an xlsxwriter worksheet."""

    def __init__(self, book: XwBook, name: str, widths: Sequence[float], freeze_rows: int = 0,
                 freeze_cols: int = 0, title_rows: tuple[int, int] | None = None, **_: Any):
        self.ws = book.wb.add_worksheet(name)
        self.book = book
        self.widths = list(widths)
        self.r = 0
        ws = self.ws
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        if freeze_rows or freeze_cols:
            ws.freeze_panes(freeze_rows, freeze_cols)
        if title_rows:
            ws.repeat_rows(title_rows[0] - 1, title_rows[1] - 1)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(0.4, 0.4, 0.6, 0.6)
        ws.set_footer(xs.FOOTER)

    def row(self, values: Sequence[Any], styles: Sequence[Any] | Any, height: float | None = None,
            widths: Sequence[float] | None = None) -> None:
        ws, r = self.ws, self.r
        one = styles if not isinstance(styles, (list, tuple)) else None
        wrap, indent, brk = self.book.wraps, self.book.indents, self.book.breaks
        wraps = [wrap[id(one)]] * len(values) if one is not None else [wrap[id(f)] for f in styles]
        inds = [indent[id(one)]] * len(values) if one is not None else [indent[id(f)] for f in styles]
        brks = [brk[id(one)]] * len(values) if one is not None else [brk[id(f)] for f in styles]
        widths = widths or self.widths
        values = [wrap_cell(xs.clean_cell_text(v), widths[i], inds[i]) if brks[i] and isinstance(v, str)
                  and i < len(widths) else v for i, v in enumerate(values)]  # the same lines as ours
        if height is None:  # the same explicit heights as the streaming writer
            height = xs.auto_height(values, widths, wraps)
        if height:
            ws.set_row(r, height)
        for c, v in enumerate(values):
            f = one if one is not None else styles[c]
            if v is None or v == "":
                ws.write_blank(r, c, None, f)
            elif isinstance(v, str):
                ws.write_string(r, c, xs.clean_cell_text(v), f)
            elif isinstance(v, bool):
                ws.write_boolean(r, c, v, f)
            elif isinstance(v, (int, float)):
                ws.write_number(r, c, v, f)
            elif isinstance(v, datetime):
                ws.write_datetime(r, c, v, f)
            elif isinstance(v, date):
                ws.write_datetime(r, c, datetime(v.year, v.month, v.day), f)
            else:
                ws.write_string(r, c, xs.clean_cell_text(str(v)), f)
        self.r += 1

    def merged_row(self, text: str, style: Any, ncols: int, height: float | None = None) -> None:
        text = wrap_cell(xs.clean_cell_text(text), sum(self.widths[:ncols]), self.book.indents[id(style)]) \
            if self.book.breaks[id(style)] else text
        if height is None:
            height = xs.auto_height([text], [sum(self.widths[:ncols])], [self.book.wraps[id(style)]])
        if height:
            self.ws.set_row(self.r, height)
        if ncols > 1:
            self.ws.merge_range(self.r, 0, self.r, ncols - 1, text, style)
        else:
            self.ws.write_string(self.r, 0, text, style)
        self.r += 1

    def close(self) -> None:
        pass


class XwBook:
    """StreamBook's interface on an xlsxwriter workbook in constant_memory mode."""

    def __init__(self, path: Path):
        import xlsxwriter
        self.wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        self.formats: dict[xs.CellStyle, Any] = {}
        self.wraps: dict[int, bool] = {}
        self.indents: dict[int, int] = {}
        self.breaks: dict[int, bool] = {}

    def style(self, st: xs.CellStyle) -> Any:
        if st not in self.formats:
            spec: dict[str, Any] = {"font_name": st.font, "font_size": st.size, "bold": st.bold,
                                    "text_wrap": st.wrap}
            if st.color:
                spec["font_color"] = "#" + st.color
            if st.fill:
                spec.update(bg_color="#" + st.fill, pattern=1)
            if st.border:
                spec["border"] = 1
            if st.halign:
                spec["align"] = st.halign
            if st.valign:
                spec["valign"] = "vcenter" if st.valign == "center" else st.valign
            if st.numfmt:
                spec["num_format"] = st.numfmt
            if st.indent:
                spec["indent"] = st.indent
            self.formats[st] = self.wb.add_format(spec)
            self.wraps[id(self.formats[st])] = st.wrap
            self.indents[id(self.formats[st])] = st.indent
            self.breaks[id(self.formats[st])] = st.breaks
        return self.formats[st]

    def sheet(self, name: str, widths: Sequence[float], **kw: Any) -> XwSheet:
        return XwSheet(self, name, widths, **kw)

    def close(self) -> None:
        self.wb.close()


def best(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Ledger export speed against xlsxwriter constant_memory")
    ap.add_argument("--until", default="2030-12")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    from models.demo import generate_demo
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        app = App.open(d / "bench.db")
        t = time.perf_counter()
        counts = generate_demo(app, CLI_ACTOR, until=args.until)
        print(f"sample: demo data to {args.until}: {counts.get('task_reports')} task reports, "
              f"{counts.get('projects')} projects, {counts.get('units')} units, {counts.get('months')} months "
              f"(generated in {time.perf_counter() - t:.1f} s)")
        months = months_between(app.plan.first_month, args.until)
        # the sample runs to --until: the ledger is asked as on a day after that month
        after = month_add(args.until, 1)
        asof = date(int(after[:4]), int(after[5:7]), 15)

        data_s = best(lambda: gather(app, CLI_ACTOR, months), args.repeat)
        data = gather(app, CLI_ACTOR, months)
        rows = data.rows_estimate()
        ours_write = best(lambda: _write(data, StreamBook(d / "ours.xlsx")), args.repeat)
        base_write = best(lambda: _write(data, XwBook(d / "base.xlsx")), args.repeat)
        ours_total = best(lambda: build_ledger(app, CLI_ACTOR, months[-1], d / "full.xlsx", months=months, today=asof), args.repeat)
        base_total = data_s + base_write
        one = best(lambda: build_ledger(app, CLI_ACTOR, args.until, d / "one.xlsx", today=asof), args.repeat)
        one_mid = best(lambda: build_ledger(app, CLI_ACTOR, months[len(months) // 2], d / "mid.xlsx", today=asof), args.repeat)
        size = (d / "full.xlsx").stat().st_size / 1e6
        base_size = (d / "base.xlsx").stat().st_size / 1e6
        app.close()
    print(f"whole period ({len(months)} months, ~{rows} data rows, {size:.1f} MB; baseline file {base_size:.1f} MB):")
    print(f"  data queries (shared)              {data_s:7.2f} s")
    print(f"  writing: streaming writer          {ours_write:7.2f} s")
    print(f"  writing: xlsxwriter constant_memory{base_write:7.2f} s   write ratio {ours_write / base_write:.2f}x")
    print(f"  build_ledger total                 {ours_total:7.2f} s")
    print(f"  baseline total (queries + xlsxwriter){base_total:5.2f} s")
    print(f"RATIO whole-period ledger / baseline: {ours_total / base_total:.2f}x (goal <= 1.5x)")
    print(f"one month's consolidated ledger: {one:.3f} s ({args.until}), {one_mid:.3f} s ({months[len(months) // 2]})")
    return 0


def _write(data: Any, book: Any) -> None:
    write_ledger(data, book)
    book.close()


if __name__ == "__main__":
    sys.exit(main())
