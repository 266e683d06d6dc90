"""The compact one-month ledger for printing (台账简版): what the office reads on paper.

The full ledger is the record (every task of every unit, every project, every file:
some twenty printed pages for a county's month). The compact one keeps three short
sheets, each a table whose header row is repeated on every printed page, with the same
print set-up as the full ledger (A4 landscape fitted to one page wide, page numbers in
the footer, 示例数据 marked):

- 月度概况: the month's counts (the briefing's 总体情况: reporting, tasks by status,
  indicators by light), then a row per unit: reporting status, time, on time, approved,
  items filled, what is missing (one line), and the assessment's total, rank and result;
- 预警事项: tasks that lag or are past their 完成时限 (red), with their lead unit, the
  unit reporting and one line of its progress; projects behind schedule (red, yellow);
  how many tasks are not reported or not started, and how many warnings wait for review;
- 指标监测: each indicator part and milestone with its target, figure and period,
  expected value, light and note.

Figures not approved are marked (待审, 退回, 草稿) and not coloured unless the basis is
"all"; every sheet ends with the legend that says so. One month only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from exports import xlsx_style as xs
from exports.briefing_compose import overview_text
from exports.cjk_lines import first_line
from exports.ledger_gather import INDICATORS, PROJECTS, REPORTING, SCORES, TASKS, LedgerData, month_cn
from exports.ledger_sheets import Progress, _period_cn, _state_style, _Writer
from models.authority import PUBLIC, rule
from models.month_view import marked

# The sheets of the compact ledger, and the full ledger's sheets it is made from.
SUMMARY, ALERTS, MONITOR = "月度概况", "预警事项", "指标监测"
COMPACT_SHEETS = (SUMMARY, ALERTS, MONITOR)
SOURCES = [TASKS, PROJECTS, INDICATORS, REPORTING, SCORES]
_COLOUR = {"red": xs.RED, "yellow": xs.YELLOW, "green": xs.GREEN}
_ONE_LINE = 40  # width of the one-line extracts of progress
_ONE_PAGE_UNITS = 32  # the 月度概况 of up to this many units is printed on one page


class _Compact(_Writer):
    def summary(self) -> None:
        from models.entries_base import STATE_NAMES
        d = self.d
        view = d.views[-1]
        scores = {s.unit: s for s in d.scores}
        cols = [("序号", 5), ("单位", 20), ("报送状态", 12), ("报送时间", 19), ("是否按时", 8), ("审核通过", 8),
                ("已填/应填", 9), ("缺报事项", 40)]
        if scores:
            cols += [("考核总分", 8), ("名次", 6), ("考核结果", 8)]
        # One page when the county has the usual two or three dozen units, else as many as needed.
        sh = self.open(SUMMARY, f"{self.district}碳达峰工作月度台账（简版）（{d.period}）", cols,
                       lead=overview_text(view), fit_height=1 if len(view.reports) <= _ONE_PAGE_UNITS else 0)
        sent = f"{month_cn(view.month)}报送"
        C = xs.CENTER
        for i, r in enumerate(view.reports, 1):
            on_time = "—" if r.on_time is None else ("是" if r.on_time else "否")
            items = [m for m in r.missing if not m.startswith(sent)]  # the submission: its own column
            missing = f"{len(items)}项：" + "；".join(items) if items else ""
            values: list[Any] = [i, r.unit, STATE_NAMES.get(r.state, r.state) or "未填报",
                                 str(r.submitted_at or "")[:16].replace("T", " "), on_time,
                                 "是" if r.approved else "否", f"{r.filled}/{r.expected}",
                                 first_line(missing, 40, 1)]
            styles = [xs.INTEGER, xs.TEXT, _state_style(r), C, xs.RED if r.late else (xs.GREEN if r.on_time else C),
                      xs.GREEN if r.approved else C, C, xs.TEXT]
            s = scores.get(r.unit)
            if scores:
                flagged = bool(s is not None and s.flagged)
                values += [s.total if s else None, s.rank if s else None,
                           ("拟通报" if flagged else "合格") if s else ""]
                styles += [xs.NUMBER, xs.INTEGER, xs.RED if flagged else (xs.GREEN if s else C)]
            self.row(sh, view.month, values, styles, SUMMARY)
        note = "考核按本月计分，各项得分见完整台账的考核表；" if scores else ""
        sh.merged_row("说明：" + note + "缺报事项只列第一行，全部缺报事项见完整台账的报送情况表。",
                      self.s[xs.PROSE], len(cols))
        self.legend(sh, len(cols))
        sh.close()

    def alerts(self) -> None:
        d = self.d
        cols = [("序号", 5), ("类别", 9), ("事项", 36), ("牵头单位", 14), ("报告单位", 14), ("情况", 27),
                ("本月进展（摘要）", _ONE_LINE)]
        sh = self.open(ALERTS, f"{self.district}碳达峰工作预警事项（{d.period}）", cols)
        n = waiting = unreported = not_started = 0
        for ln in d.tasks:
            state = ln.report.state if ln.report is not None else "approved"
            if ln.colour == "yellow" and ln.role == "lead":
                unreported += ln.report is None or not ln.report.status
                not_started += ln.report is not None and ln.report.status == "未启动"
            if ln.colour != "red":
                continue
            if not self.judged(state):
                waiting += 1
                continue
            ctx = d.context[ln.task_code]
            progress = (ln.report.progress if ln.report is not None else "") or "（未填写本月进展）"
            n += 1
            self.row(sh, ln.month, [n, "重点任务", ctx["title"], ctx["lead"], ln.unit, marked(ln.warning, state),
                                    first_line(progress, _ONE_LINE, 1)],
                     [xs.INTEGER, xs.CENTER, xs.TEXT, xs.CENTER, xs.CENTER, xs.RED, xs.TEXT], ALERTS)
        projects = [pl for pl in d.projects if pl.colour in ("red", "yellow")]
        projects.sort(key=lambda pl: 0 if pl.colour == "red" else 1)
        for pl in projects:
            p = pl.project
            state = p.state if p.fig_month else "approved"
            if not self.judged(state):
                waiting += 1
                continue
            n += 1
            lead = d.context[p.task_code]["lead"] if p.task_code in d.context else ""
            self.row(sh, pl.month, [n, "项目", p.name, lead, p.unit, marked(pl.judgement, state),
                                    first_line(p.progress or "（未填写形象进度）", _ONE_LINE, 1)],
                     [xs.INTEGER, xs.CENTER, xs.TEXT, xs.CENTER, xs.CENTER, _COLOUR[pl.colour], xs.TEXT], ALERTS)
        if not n:
            sh.merged_row("本月没有滞后或逾期的任务，也没有落后于序时进度的项目。", self.s[xs.TEXT], len(cols))
        notes = []
        if unreported or not_started:
            notes.append(f"牵头单位本月未填报完成状态的任务{unreported}项、尚未启动的{not_started}项（黄色），"
                         "见完整台账的任务推进台账")
        if waiting:
            notes.append(f"另有{waiting}项滞后、逾期或落后于序时进度的填报尚未审核通过，未列入")
        notes.append("指标和里程碑的预警见“指标监测”表")
        sh.merged_row("说明：" + "；".join(notes) + "。", self.s[xs.PROSE], len(cols))
        self.legend(sh, len(cols))
        sh.close()

    def monitor(self) -> None:
        from models.target_rules import STATUS_NAMES
        d = self.d
        cols = [("序号", 5), ("编码", 7), ("指标/里程碑", 22), ("责任单位", 12), ("目标", 22), ("数据期间", 9),
                ("本期数值", 9), ("序时进度值", 9), ("状态", 8), ("未审核的较新数值", 20), ("说明", 44)]
        sh = self.open(MONITOR, f"{self.district}碳达峰主要指标监测（{d.period}）", cols)
        T, C, N, P = xs.TEXT, xs.CENTER, xs.NUMBER, xs.PROSE
        for m in d.months:
            for i, r in enumerate(d.indicators.get(m, []), 1):
                name = r["name"] + (f"（{r['unit']}）" if r.get("unit") else "")
                colour = r["status"] if r["status"] in _COLOUR else "grey"
                extra, note = _unreviewed(r)
                self.row(sh, m, [
                    i, r["code"], name, r.get("responsible_unit") or "", r.get("target_text") or "",
                    _period_cn(r.get("period")), r["value_text"] if r.get("qualitative") else r.get("value"),
                    r.get("expected"), marked(STATUS_NAMES.get(r["status"], r["status"]), r.get("state") or "approved"),
                    extra, note],
                    [xs.INTEGER, C, T, C, P, C, N, N, xs.status_style(colour), P, P], MONITOR)
        self.legend(sh, len(cols))
        sh.close()

    def write(self) -> None:
        self.summary()
        self.alerts()
        self.monitor()
        self.check()


def _unreviewed(r: Any) -> tuple[str, str]:
    """A verdict row's newer figure not approved (“2026年（草稿）” over “18.1%”) and its note
    without the sentence naming that figure or the name the row already shows."""
    msg = str(r.get("message") or "")
    extra = r.get("unreviewed")
    shown = ""
    if extra is not None:
        when = _period_cn(extra.period)
        shown = f"{marked(when, extra.state)}\n{extra.value_text}"
        tail = f"。另有{when}数值{marked(extra.value_text, extra.state)}尚未审核通过，未计入判断。"
        if r.get("value") is not None and msg.endswith(tail):
            msg = msg[: -len(tail)] + "。"
    head = re.match(r"\d{4}年(?:\d{1,2}月)?", msg)
    if head and msg[head.end():].startswith(r["name"]):
        msg = head.group() + msg[head.end() + len(r["name"]):]
    return shown, msg


@rule(PUBLIC)
def write_compact(d: LedgerData, book: Any, progress: Progress | None = None,
                  cancel: Callable[[], bool] | None = None) -> None:
    """Lay the compact ledger of one month out on ``book`` (a StreamBook)."""
    _Compact(d, book, progress, cancel).write()
