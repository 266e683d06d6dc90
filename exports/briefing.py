"""The PDF work briefing (工作简报).

Page setup after GB/T 9704-2012: A4, text block 156 × 225 mm with 37 mm top and
28 mm left margins, body 仿宋 16 pt on 22 lines, headings 一、 in 黑体 and （一） in
楷体, page numbers “— N —” in 14 pt 宋体 7 mm below the text block (odd pages
right, even pages left). The 报头 (red title, 第N期, issuer and date, red rule)
opens the first page; the 报尾 (distribution lines and 印发份数) closes the last.
Red is used for the 报头 and its rule only (status marks in the indicator table are
data, coloured by status).

``build_briefing(app, month, path, options)`` writes the PDF; ``compose`` gives the
editable section texts. A numbered issue is kept whole (``models.briefing_data``):
``reprint_briefing`` writes its stored PDF again, ``rebuild_briefing`` lays it out
again from its stored month view and texts. reportlab is imported lazily.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exports.briefing_compose import SECTION_KEYS, SECTION_TITLES, compose, compose_view, indicator_rows
from exports.briefing_photos import load_photos
from exports.pdf_fonts import font_set
from models import briefing_data as bd
from models.app import Actor, App, refuse_future
from models.authority import OFFICE, PUBLIC, rule
from models.atomic_write import staged_output
from models.entries_base import month_cn
from models.errors import InvalidInput
from models.month_read import month_view
from models.month_view import MonthView, legend

__all__ = ["BriefingOptions", "build_briefing", "build_briefing_ex", "compose", "rebuild_briefing",
           "reprint_briefing", "SECTION_KEYS", "SECTION_TITLES", "PAGE", "REPORT_RED"]

MM = 72 / 25.4
REPORT_RED = (1.0, 0.0, 0.0)  # 报头 red (pure red, #FF0000)


@rule(PUBLIC)
@dataclass(frozen=True)
class PageGeometry:
    width: float = 210 * MM
    height: float = 297 * MM
    left: float = 28 * MM
    top: float = 37 * MM
    text_width: float = 156 * MM
    text_height: float = 225 * MM
    body_size: float = 16.0
    lines: int = 22
    page_no_size: float = 14.0
    page_no_gap: float = 7 * MM

    @property
    def leading(self) -> float:
        return self.text_height / self.lines

    @property
    def bottom(self) -> float:
        return self.height - self.top - self.text_height


PAGE = PageGeometry()


@rule(PUBLIC)
@dataclass
class BriefingOptions:
    title: str | None = None
    issue: int | None = None
    date: _dt.date | None = None
    editor_note: str = ""
    sections: dict[str, str] | None = None  # edited free text per section key
    record_issue: bool = True  # remember the issue number (False for a preview)
    charts: bool = True
    only: tuple[str, ...] | None = None  # section keys to print (None: every section)
    photos: tuple[str, ...] = ()  # 佐证材料 photos (attachment uids) for the last page, at most six
    basis: str = "approved"  # judge approved figures only, or "all" (figures not approved are marked)
    as_of: _dt.date | None = None  # today for refusing months not yet reported (default: the real today)


@rule(PUBLIC)
@dataclass
class BriefingResult:
    path: Path
    issue: int
    pages: int
    missing_glyphs: list[str]


@rule(PUBLIC)
def check_month(month: str, strict: bool = False) -> str:
    """``month`` as YYYY-MM, or InvalidInput (``strict``: as ``forms.values.parse_month``)."""
    from forms.values import ValueProblem, parse_month
    try:
        return parse_month(month, strict)
    except ValueProblem as exc:
        raise InvalidInput(str(exc), [("月份", str(month)[:20])]) from None


@rule(OFFICE, what="编发工作简报")
def build_briefing(app: App, actor: Actor, month: str, path: str | Path,
                   options: BriefingOptions | None = None) -> Path:
    """Write the briefing of ``month`` to ``path`` (PDF) and return the path."""
    return build_briefing_ex(app, actor, month, path, options).path


@rule(OFFICE, what="编发工作简报")
def build_briefing_ex(app: App, actor: Actor, month: str, path: str | Path,
                      options: BriefingOptions | None = None) -> BriefingResult:
    """Write the briefing; with ``record_issue`` the issue is numbered and kept whole
    (``models.briefing_data.archive_issue``): its texts, the month view and the PDF."""
    opts = options or BriefingOptions()
    month = check_month(month)
    refuse_future(month, "不能生成该月的工作简报", opts.as_of)
    today = opts.date or _dt.date.today()
    issue = bd.issue_for(app, actor, month, opts.issue)
    view = month_view(app, actor, month, today=today, basis=opts.basis)
    sections = dict(compose_view(view).sections)
    if opts.sections:
        for k, v in opts.sections.items():
            if k in sections or k.startswith("extra"):
                sections[k] = v
    photos = load_photos(app, actor, view, tuple(opts.photos)) if opts.photos else []
    s = view.settings_dict
    spec: dict[str, Any] = {
        "month": month, "issue": issue, "date": today.isoformat(),
        "title": opts.title or s.get("briefing_title") or "工作简报", "issuer": s.get("briefing_issuer") or "",
        "editor_note": opts.editor_note or "", "sections": sections, "charts": bool(opts.charts),
        "only": list(opts.only) if opts.only is not None else None, "basis": view.basis,
        "distribution": [["报", s.get("briefing_to") or ""], ["送", s.get("briefing_cc") or ""],
                         ["发", s.get("briefing_send") or ""]],
        "copies": s.get("briefing_copies"), "photos": list(opts.photos), "creator": app.plan.app_title}
    fonts = font_set()
    fonts.missing.clear()
    out = Path(path)
    # Written beside the target and then moved over it, so that a failure (or a copy
    # left open in a PDF reader) never leaves a half-written briefing behind.
    with staged_output(out) as staged:
        pages = render_spec(view, spec, staged.tmp, photos)
        if opts.record_issue:  # the number, the kept issue and the log line only with the file
            pdf = staged.tmp.read_bytes()
            with app.store.tx():
                bd.record_issue(app, actor, month, issue)
                bd.archive_issue(app, actor, month, issue, spec, view.to_json(), pdf, pages)
                app.log(actor, "export", f"生成工作简报：{month_cn(month)}，{today.year}年第{issue}期，{out.name}")
                staged.place()
    return BriefingResult(out, issue, pages, sorted(fonts.missing))


@rule(PUBLIC, why="lays out a month view already read under month_view's rule")
def render_spec(view: MonthView, spec: dict[str, Any], out: Path, photos: list[Any] | None = None) -> int:
    """Lay the briefing of ``view`` out with the options and texts of ``spec`` (as stored
    with an issue) and the chosen ``photos`` (read by ``load_photos``) into the PDF ``out``;
    returns the number of pages. The output depends on nothing else (the fonts aside), so
    a stored issue rebuilds byte for byte."""
    from exports.briefing_layout import render
    rows = indicator_rows(view.plan, view.verdicts)
    charts = []
    if spec.get("charts", True):
        for r in rows:
            p = r["part"]
            if p.qualitative:
                continue
            hist = [(f.period, f.value, f.state == "approved") for f in view.indicator_values if f.code == p.code]
            b = view.baseline(p.code)
            if hist:
                charts.append((p, hist, (b.year, b.value) if b else None))
    only = spec.get("only")
    return render(out, fonts=font_set(), page=PAGE, title=spec["title"], issue=int(spec["issue"]),
                  date=_dt.date.fromisoformat(spec["date"]), issuer=spec["issuer"], demo=view.demo,
                  month=view.month, editor_note=spec["editor_note"], sections=spec["sections"],
                  has_data=view.has_entries, rows=rows, charts=charts,
                  distribution=[(k, v) for k, v in spec["distribution"]], copies=spec["copies"],
                  only=tuple(only) if only is not None else None, photos=photos or [],
                  legend=legend(view.basis), creator=spec.get("creator") or view.plan.app_title)


@rule(OFFICE, what="重印工作简报")
def reprint_briefing(app: App, actor: Actor, issue_ref: str, path: str | Path,
                     version: int | None = None) -> bd.IssuedBriefing:
    """Write the PDF of an issued briefing (``issue_ref``: “2026-3”) exactly as it was issued
    (``version``: the K-th issuing of that number, default the last)."""
    year, number = bd.parse_issue_ref(issue_ref)
    rec, _spec, _view, pdf = bd.stored_issue(app, actor, year, number, version)
    out = Path(path)
    with staged_output(out) as staged:
        staged.save(pdf)
        with app.store.tx():
            app.log(actor, "export", f"重印工作简报：{rec.label}（{month_cn(rec.month)}），{out.name}")
            staged.place()
    return rec


@rule(OFFICE, what="重印工作简报")
def rebuild_briefing(app: App, actor: Actor, issue_ref: str, path: str | Path) -> Path:
    """Lay an issued briefing out again from its stored month view and texts (with this
    PC's fonts): the same bytes as the stored PDF when the fonts are the same."""
    year, number = bd.parse_issue_ref(issue_ref)
    _rec, spec, view_json, _pdf = bd.stored_issue(app, actor, year, number)
    view = MonthView.from_json(view_json, app.plan)
    uids = tuple(spec.get("photos") or ())
    photos = load_photos(app, actor, view, uids) if uids else []
    out = Path(path)
    with staged_output(out) as staged:
        render_spec(view, spec, staged.tmp, photos)
    return out
