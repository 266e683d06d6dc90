"""The monthly ledger's sheets: ``LedgerData`` laid out row by row on a streaming book.

One method per sheet (任务推进台账, 项目台账, 指标监测, 预警清单, 报送情况, 考核). Every
sheet has a merged title row (marked 示例数据 when the database holds demo data), a
填报单位/填报日期 line, a header row repeated on every printed page and frozen panes;
with several months, the per-month sheets get a 月份 column. Progress is reported
and ``cancel`` polled between rows and sheets (``Cancelled``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from exports import xlsx_style as xs
from models.authority import PUBLIC, rule
from exports.ledger_evidence import evidence_text, write_evidence_sheet
from exports.ledger_gather import (EVIDENCE, INDICATORS, PROJECTS, REPORTING, SCORES, TASKS, WARNINGS, LedgerData,
                                   month_cn)
from models.plan import Plan
from models.errors import DomainError
from models.month_view import legend, marked

Progress = Callable[[int, int, str], None]


@rule(PUBLIC)
class Cancelled(DomainError):
    """The export was cancelled by the user; no file was left behind."""

    def __init__(self, message: str = "已取消导出，未生成文件。"):
        super().__init__(message)


UNIT_HEADS = frozenset({"牵头单位", "责任单位", "报告单位"})  # centred columns of unit names
_UNIT_ONE_LINE = 10  # unit names up to this many characters are printed on one line


class _Writer:
    """Lays LedgerData out on any book with the StreamBook interface."""

    def __init__(self, d: LedgerData, book: Any, progress: Progress | None,
                 cancel: Callable[[], bool] | None):
        self.d = d
        self.book = book
        self.progress = progress
        self.cancel = cancel
        self.total = d.rows_estimate()
        self.pm = False
        self.done = 0
        self._unit_len: int | None = None
        self.s = {st: book.style(st) for st in (
            xs.TITLE, xs.SUBTITLE, xs.HEAD, xs.GROUP, xs.TEXT, xs.PROSE, xs.CENTER, xs.DATE, xs.DATETIME, xs.MONEY,
            xs.NUMBER, xs.INTEGER, xs.RED, xs.YELLOW, xs.GREEN, xs.GREY)}
        self.district = d.plan.district
        self.demo = "（示例数据）" if d.demo else ""
        self.who = d.unit or d.plan.office_unit
        self.today_cn = f"{d.today.year}年{d.today.month}月{d.today.day}日"

    def tick(self, label: str, n: int = 1) -> None:
        self.done += n
        if self.done % 200 < n or n > 1:
            if self.cancel is not None and self.cancel():
                raise Cancelled()
            if self.progress is not None:
                self.progress(min(self.done, self.total), self.total, label)

    def check(self) -> None:
        if self.cancel is not None and self.cancel():
            raise Cancelled()

    def open(self, name: str, title: str, cols: Sequence[tuple[str, float]], per_month: bool = True,
             lead: str = "", fit_height: int = 0) -> Any:
        """Start a sheet; with several months, ``per_month`` sheets get a 月份 column. ``lead``:
        a paragraph between the title lines and the header row (the header is the row
        repeated on every printed page); ``fit_height``: print on that many pages tall."""
        self.check()
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total, name)
        self.pm = self.d.multi and per_month
        cols = [(c, self.unit_width(w) if c in UNIT_HEADS else w) for c, w in cols]
        if self.pm:
            cols = [cols[0], ("月份", 9), *cols[1:]]
        head = 4 if lead else 3
        sh = self.book.sheet(name, [w for _, w in cols], freeze_rows=head, title_rows=(head, head),
                             fit_height=fit_height)
        n = len(cols)
        sh.merged_row(title + self.demo, self.s[xs.TITLE], n, 32)
        sh.merged_row(f"填报单位：{self.who}　　　　填报日期：{self.today_cn}　　　　统计期：{self.d.period}"
                      + ("　　　　示例数据，仅供演示" if self.demo else ""), self.s[xs.SUBTITLE], n, 20)
        if lead:
            sh.merged_row(lead, self.s[xs.PROSE], n)
        sh.row([c for c, _ in cols], self.s[xs.HEAD], 30)
        return sh

    def unit_width(self, base: float) -> float:
        """A unit-name column wide enough for the county's usual names (up to ten characters)
        on one line with a character's room each side: a centred name that wraps touches both
        borders, and the name is a key the office filters on, so it is never broken by hand."""
        if self._unit_len is None:
            names = {u.name for u in self.d.plan.units} | {r.unit for v in self.d.views for r in v.reports}
            self._unit_len = max((len(n) for n in names if len(n) <= _UNIT_ONE_LINE), default=0)
        return max(base, min(2 * self._unit_len + 4, 2 * _UNIT_ONE_LINE + 4))

    def row(self, sh: Any, month: str, values: list[Any], styles: list[xs.CellStyle], label: str) -> None:
        if self.pm:
            values = [values[0], month_cn(month), *values[1:]]
            styles = [styles[0], xs.CENTER, *styles[1:]]
        sh.row(values, [self.s[st] for st in styles])
        self.tick(label)

    def judged(self, state: str) -> bool:
        """Whether a figure of ``state`` is judged (coloured, listed as a warning)."""
        return self.d.basis == "all" or state == "approved"

    def legend(self, sh: Any, ncols: int) -> None:
        """The closing 说明 row: which figures the colours count and what the marks mean."""
        sh.merged_row("说明：" + legend(self.d.basis), self.s[xs.PROSE], ncols + (1 if self.pm else 0))

    def group(self, sh: Any, text: str, ncols: int) -> None:
        sh.merged_row(text, self.s[xs.GROUP], ncols + (1 if self.pm else 0))

    # -- sheets -------------------------------------------------------------------------
    def tasks(self) -> None:
        d = self.d
        cols = [("序号", 5), ("行动", 14), ("重点任务", 22), ("具体措施/目标要求", 30), ("牵头单位", 12),
                ("配合单位", 16), ("责任人", 8), ("完成时限", 11), ("本月进展情况", 36), ("存在问题", 20),
                ("下步计划", 20), ("完成状态", 16), ("预警", 18), ("佐证材料", 22)]
        sh = self.open(TASKS, f"{self.district}碳达峰重点任务推进台账（{d.period}）", cols)
        T, C, P = xs.TEXT, xs.CENTER, xs.PROSE
        status_st = {"已完成": xs.GREEN, "推进中": xs.GREEN, "未启动": xs.YELLOW, "滞后": xs.RED}
        warn_st = {"red": xs.RED, "yellow": xs.YELLOW, "green": xs.GREEN}
        n = 0
        cur = ""
        for ln in d.tasks:
            if ln.month != cur:
                cur, n = ln.month, 0
            n += 1
            ctx = d.context[ln.task_code]
            rep: Any = ln.report or {}
            measures = rep.get("measures") or ""
            if ctx["requirements"]:
                measures = (measures + "\n" if measures else "") + "目标要求：" + ctx["requirements"]
            if ln.role == "lead":
                others = "、".join(ctx["units"][1:])
            else:
                others = ln.unit
            deadline = _date_or_text(rep.get("deadline"))
            status = rep.get("status") or ""
            state = rep.get("state") or ""
            st_style, w_style = status_st.get(status, xs.YELLOW), warn_st[ln.colour]
            if ln.report is not None and not self.judged(state):
                st_style = w_style = xs.GREY  # not approved: not judged, no colour
            self.row(sh, ln.month, [
                n, ctx["action"], ctx["title"], measures, ctx["lead"], others, rep.get("person") or "",
                deadline, rep.get("progress") or "", rep.get("problems") or "", rep.get("next_plan") or "",
                marked(status, state) if ln.report is not None and status else status or "未填报",
                marked(ln.warning or "正常", state) if ln.report is not None else ln.warning or "正常",
                evidence_text(d.evidence(ln.month, "task_report", ln.task_code, ln.unit))],
                [xs.INTEGER, T, T, P, C, T, C, xs.DATE if isinstance(deadline, date) else C, P, P, P,
                 st_style, w_style, T], TASKS)
        self.legend(sh, len(cols))
        sh.close()

    def projects(self) -> None:
        from models.ledger_data import GROUP_TITLES, PROJECT_GROUPS
        d = self.d
        upto = f"1–{int(d.months[0][5:7])}月" if not d.multi else "1–当月"
        cols = [("序号", 5), ("项目名称", 22), ("建设内容", 28), ("项目类型", 8), ("责任单位", 12),
                ("所属任务", 8), ("总投资（万元）", 12), ("年度计划投资（万元）", 12),
                (f"{upto}累计完成投资（万元）", 13), ("占年度计划%", 9), ("计划开工", 11), ("实际开工", 11),
                ("计划竣工", 11), ("形象进度", 22), ("快/慢于序时进度", 26), ("佐证材料", 22)]
        sh = self.open(PROJECTS, f"{self.district}碳达峰重点项目台账（{d.period}）", cols)
        by_month: dict[str, list[Any]] = {}
        for ln in d.projects:
            by_month.setdefault(ln.month, []).append(ln)
        T, C, M, P = xs.TEXT, xs.CENTER, xs.MONEY, xs.PROSE
        colour = {"red": xs.RED, "yellow": xs.YELLOW, "green": xs.GREEN, "": C}
        if not by_month:
            sh.row(["本期没有登记项目。"] + [None] * (len(cols) - 1 + self.pm), self.s[xs.TEXT])
        for m in d.months:
            lines = by_month.get(m, [])
            if not lines:
                continue
            groups = [g for g in (*PROJECT_GROUPS, "") if any((ln.project.get("ptype") or "") == g for ln in lines)]
            for g in groups:
                members = [ln for ln in lines if (ln.project.get("ptype") or "") == g]
                prefix = f"{month_cn(m)} · " if d.multi else ""
                total = sum(ln.project.get("total_invest") or 0 for ln in members)
                self.group(sh, f"{prefix}{GROUP_TITLES[g]}（{len(members)}个，总投资{total:,.2f}万元）",
                           len(cols))
                for i, ln in enumerate(members, 1):
                    p = ln.project
                    ps, ac, pe = (_date_or_text(p.get(k)) for k in ("plan_start", "actual_start", "plan_end"))
                    judged = not p.fig_month or self.judged(p.state)
                    self.row(sh, m, [
                        i, p.name, p.content, p.ptype, p.unit, p.task_code,
                        p.total_invest, p.year_plan_invest, p.cum_invest, ln.share,
                        ps, ac, pe, p.progress,
                        marked(ln.judgement, p.state) if p.fig_month else ln.judgement,
                        evidence_text(d.evidence(m, "project_month", p.uid, p.unit))],
                        [xs.INTEGER, T, P, C, C, C, M, M, M, xs.NUMBER, *(_dstyle(v) for v in (ps, ac, pe)),
                         P, colour.get(ln.colour, C) if judged else xs.GREY, T], PROJECTS)
        self.legend(sh, len(cols))
        sh.close()

    def indicators(self) -> None:
        from models.target_rules import STATUS_NAMES
        d = self.d
        cols = [("序号", 5), ("编码", 8), ("指标/里程碑", 26), ("类别", 7), ("责任单位", 12), ("单位", 8),
                ("目标", 28), ("基期", 12), ("数据期间", 9), ("本期数值", 11), ("序时进度值", 11),
                ("状态", 8), ("说明", 34), ("佐证材料", 20)]
        sh = self.open(INDICATORS, f"{self.district}碳达峰主要指标监测表（{d.period}）", cols)
        T, C, N, P = xs.TEXT, xs.CENTER, xs.NUMBER, xs.PROSE
        for m in d.months:
            for i, r in enumerate(d.indicators.get(m, []), 1):
                b = r.get("baseline")
                base = f"{b.year}年：{_num(b.value)}" if b is not None else ""
                self.row(sh, m, [
                    i, r["code"], r["name"], "指标" if r["kind"] == "indicator" else "里程碑",
                    r.get("responsible_unit") or "", r.get("unit") or "", r.get("target_text") or "", base,
                    _period_cn(r.get("period")),
                    r["value_text"] if r.get("qualitative") else r.get("value"), r.get("expected"),
                    marked(STATUS_NAMES.get(r["status"], r["status"]), r.get("state") or "approved"),
                    r.get("message") or "",
                    evidence_text(d.evidence(m, "indicator", f"{r['code']}@{_shown_period(r)}",
                                             r.get("responsible_unit"))) if r["kind"] == "indicator" else ""],
                    [xs.INTEGER, C, T, C, C, C, T, C, C, N, N, xs.status_style(_colour(r["status"])), P, T],
                    INDICATORS)
        self.legend(sh, len(cols))
        sh.close()

    def warnings(self) -> None:
        d = self.d
        cols = [("序号", 5), ("类别", 9), ("事项", 34), ("责任单位", 14), ("预警等级", 9), ("情况说明", 50)]
        sh = self.open(WARNINGS, f"{self.district}碳达峰工作预警清单（{d.period}）", cols)
        items: list[tuple[str, str, str, str, str, str]] = []
        for ln in d.tasks:
            state = ln.report.state if ln.report is not None else "approved"
            if ln.colour in ("red", "yellow") and self.judged(state):
                ctx = d.context[ln.task_code]
                items.append((ln.month, "重点任务", ctx["title"], ln.unit, ln.colour, marked(ln.warning, state)))
        for pl in d.projects:
            state = pl.project.state if pl.project.fig_month else "approved"
            if pl.colour in ("red", "yellow") and self.judged(state):
                items.append((pl.month, "项目", pl.project.name, pl.project.unit, pl.colour,
                              marked(pl.judgement, state)))
        for m in d.months:
            for r in d.indicators.get(m, []):
                if r["status"] not in ("red", "yellow"):
                    continue
                kind = "指标" if r["kind"] == "indicator" else "里程碑"
                msg = r.get("message") or ""
                if kind == "里程碑" and r["status"] == "red" and _overdue(d.plan, r["code"], m):
                    kind, msg = "逾期里程碑", f"目标年份已过仍未达到。{msg}"
                items.append((m, kind, f"{r['code']} {r['name']}", r.get("responsible_unit") or "",
                              r["status"], msg))
        order = {m: i for i, m in enumerate(d.months)}
        items.sort(key=lambda it: (order[it[0]], 0 if it[4] == "red" else 1))
        level = {"red": ("红色", xs.RED), "yellow": ("黄色", xs.YELLOW)}
        if not items:
            sh.row(["本期没有红色或黄色预警事项。"] + [None] * (len(cols) - 1 + self.pm), self.s[xs.TEXT])
        n, cur = 0, ""
        for m, kind, what, unit, colour, msg in items:
            if m != cur:
                cur, n = m, 0
            n += 1
            name, st = level[colour]
            self.row(sh, m, [n, kind, what, unit, name, msg],
                     [xs.INTEGER, xs.CENTER, xs.TEXT, xs.CENTER, st, xs.PROSE], WARNINGS)
        self.legend(sh, len(cols))
        sh.close()

    def reporting(self) -> None:
        from models.entries_base import STATE_NAMES
        d = self.d
        cols = [("序号", 5), ("单位", 16), ("报送状态", 10), ("应填项", 7), ("已填项", 7), ("报送时间", 17),
                ("是否按时", 9), ("审核通过", 9), ("退回次数", 8), ("缺报事项", 46)]
        sh = self.open(REPORTING, f"{self.district}碳达峰工作各单位报送情况（{d.period}）", cols)
        C = xs.CENTER
        for m in d.months:
            for i, r in enumerate(d.reporting.get(m, []), 1):
                on_time = "—" if r.on_time is None else ("是" if r.on_time else "否")
                at = _datetime(r.submitted_at)
                self.row(sh, m, [
                    i, r.unit, STATE_NAMES.get(r.state, r.state), r.expected, r.filled,
                    at, on_time, "是" if r.approved else "否",
                    r.returns, "；".join(r.missing)],
                    [xs.INTEGER, C, _state_style(r), xs.INTEGER, xs.INTEGER,
                     xs.DATETIME if isinstance(at, datetime) else C,
                     xs.RED if r.late else (xs.GREEN if r.on_time else C),
                     xs.GREEN if r.approved else C, xs.INTEGER, xs.PROSE], REPORTING)
        sh.close()

    def scores(self) -> None:
        from models.assessment import COMPONENT_NAMES, COMPONENTS
        d = self.d
        cols = [("名次", 5), ("单位", 16)] + [(COMPONENT_NAMES[k], 9) for k in COMPONENTS] + [
            ("总分", 8), ("结果", 9), ("说明", 40)]
        # The assessment covers the whole period at once: no 月份 column.
        sh = self.open(SCORES, f"{self.district}碳达峰工作考核情况（{d.period}）", cols, per_month=False)
        for s in d.scores:
            flagged = bool(getattr(s, "flagged", False))
            # A component that does not apply to the unit is not a zero score.
            self.row(sh, d.months[-1], [
                s.rank, s.unit, *[getattr(s, k) if s.applies(k) else "不适用" for k in COMPONENTS], s.total,
                "拟通报" if flagged else "合格", s.notes or ""],
                [xs.INTEGER, xs.CENTER, *[xs.NUMBER if s.applies(k) else xs.CENTER for k in COMPONENTS], xs.NUMBER,
                 xs.RED if flagged else xs.GREEN, xs.TEXT], SCORES)
        sh.close()

    def write(self) -> None:
        for name in self.d.sheets:
            {TASKS: self.tasks, PROJECTS: self.projects, INDICATORS: self.indicators,
             WARNINGS: self.warnings, REPORTING: self.reporting, SCORES: self.scores,
             EVIDENCE: lambda: write_evidence_sheet(self, EVIDENCE)}[name]()
        self.check()


@rule(PUBLIC)
def write_ledger(d: LedgerData, book: Any, progress: Progress | None = None,
                 cancel: Callable[[], bool] | None = None) -> None:
    """Lay the gathered data out on ``book`` (a StreamBook or anything with its interface)."""
    _Writer(d, book, progress, cancel).write()


# -- helpers ---------------------------------------------------------------------------------
def _date_or_text(v: Any) -> Any:
    from models.ledger_data import parse_iso
    if not v:
        return None
    d = parse_iso(v)
    return d if d is not None else str(v)


def _datetime(v: Any) -> Any:
    if not v:
        return None
    try:
        return datetime.fromisoformat(str(v)[:19])
    except ValueError:
        return str(v)


def _dstyle(v: Any) -> xs.CellStyle:
    return xs.DATE if isinstance(v, date) else xs.CENTER


def _num(v: Any) -> str:
    from forms.values import fmt_number
    return fmt_number(v)


def _period_cn(p: Any) -> str:
    if not p:
        return "未填报"
    p = str(p)
    return f"{p}年" if len(p) == 4 else month_cn(p)


def _shown_period(r: Any) -> str:
    """The period of the figure a verdict row shows: the one judged, else the newer one not
    yet approved (named in its note)."""
    extra = r.get("unreviewed")
    return str(r.get("period") or (extra.period if extra is not None else ""))


def _colour(status: str) -> str:
    return status if status in ("red", "yellow", "green") else "grey"


def _state_style(r: Any) -> xs.CellStyle:
    if r.approved:
        return xs.GREEN
    if r.state == "submitted":
        return xs.GREEN
    if getattr(r, "overdue", False) or r.late:
        return xs.RED
    if r.expected and r.state in ("", "draft", "returned"):
        return xs.YELLOW
    return xs.CENTER


def _overdue(plan: Plan, code: str, month: str) -> bool:
    part = plan.parts_by_code.get(code)
    if part is None:
        return False
    year = int(month[:4])
    return any(t.year < year or (t.year == year and month[5:7] == "12") for t in part.targets)
