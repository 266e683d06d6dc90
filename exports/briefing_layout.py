"""Typesetting the work briefing with reportlab platypus (imported lazily).

See ``exports.briefing`` for the page rules. Everything drawn uses the fonts of a
``FontSet`` (TrueType subsets, embedded); the canvas starts in the body font so no
base-14 font is ever referenced.
"""

from __future__ import annotations

import copy
import datetime as _dt
import re
import unicodedata
from pathlib import Path
from typing import Any

from models.authority import PUBLIC, rule
from exports.briefing_compose import SECTION_KEYS, SECTION_TITLES
from exports.charts import indicator_chart
from exports.pdf_fonts import FANGSONG, HEI, KAI, SONG, TITLE, FontSet

RED = (1.0, 0.0, 0.0)
_H1 = re.compile(r"^[一二三四五六七八九十]+、")
_H2 = re.compile(r"^（[一二三四五六七八九十]+）")


@rule(PUBLIC)
def clean(text: str) -> str:
    """Text without control characters (tabs become spaces)."""
    return "".join(" " if ch == "\t" else ch for ch in str(text)
                   if ch == "\t" or unicodedata.category(ch) not in ("Cc", "Cs"))


@rule(PUBLIC)
def date_cn(d: _dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _descent(fonts: FontSet, role: str, size: float) -> float:
    """The font's descent in points (negative), as a PDF reader computes glyph boxes."""
    from reportlab.pdfbase import pdfmetrics
    return pdfmetrics.getFont(fonts.primary[role]).face.descent * size / 1000.0


@rule(PUBLIC)
def render(out: Path, *, fonts: FontSet, page: Any, title: str, issue: int, date: _dt.date,
           issuer: str, demo: bool, month: str, editor_note: str, sections: dict[str, str],
           has_data: bool, rows: list[dict[str, Any]], charts: list[tuple[Any, Any, Any]],
           distribution: list[tuple[str, str]], copies: Any,
           only: tuple[str, ...] | None = None, photos: list[Any] | None = None, legend: str = "",
           creator: str = "碳达峰调度系统") -> int:
    """Write the PDF; returns the number of pages. ``only`` limits the body to those
    section keys (a one-page summary, e.g. ``("overview",)``); ``photos``
    (``exports.briefing_photos.Photo``) make a last page of pictures."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, LongTable, PageBreak, PageTemplate,
                                    Spacer, Table, TableStyle)

    from exports.cjk_lines import cjk_paragraph_class
    Paragraph = cjk_paragraph_class()  # noqa: N806 (Chinese line breaking: 避头尾)

    title, issuer = clean(title), clean(issuer)
    size = page.body_size
    lead = page.leading
    # Shift the frame up by the body font's descent so that the top of the first
    # line's characters sits exactly on the top of the text block.
    lift = -_descent(fonts, FANGSONG, size)
    frame_top = page.height - page.top + lift

    def style(name: str, role: str, **kw: Any) -> ParagraphStyle:
        base = dict(fontName=fonts.primary[role], fontSize=size, leading=lead, wordWrap="CJK",
                    alignment=TA_JUSTIFY, firstLineIndent=2 * size, textColor=colors.black)
        base.update(kw)
        return ParagraphStyle(name, **base)

    body = style("body", FANGSONG, allowWidows=0)  # no paragraph's last line alone atop a page
    h1 = style("h1", HEI, keepWithNext=1)  # headings stay with what follows
    h2 = style("h2", KAI, keepWithNext=1)
    note_style = style("note", KAI)
    cell_size = 10.5
    cell = style("cell", FANGSONG, fontSize=cell_size, leading=13.5, firstLineIndent=0,
                 alignment=0)
    cell_c = style("cellc", FANGSONG, fontSize=cell_size, leading=13.5, firstLineIndent=0,
                   alignment=TA_CENTER)
    head = style("head", HEI, fontSize=cell_size, leading=13.5, firstLineIndent=0,
                 alignment=TA_CENTER)
    dist_size = 14.0
    dist = style("dist", FANGSONG, fontSize=dist_size, leading=dist_size * 1.5, firstLineIndent=0,
                 leftIndent=dist_size * 2.5, alignment=0)

    def para(text: str, st: ParagraphStyle, role: str) -> Any:
        return Paragraph(fonts.markup(clean(text), role), st)

    class Masthead(Flowable):
        """报头: red title, 第N期, issuer and date, red rule (and the 示例数据 mark)."""

        def __init__(self) -> None:
            super().__init__()
            w = page.text_width
            self.tsize = min(36.0, w * 0.92 / max(1, len(title)))
            self.h = 56 * 2.83465 + (24 if demo else 0)

        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            return page.text_width, self.h

        def draw(self) -> None:
            c = self.canv
            w = page.text_width
            top = self.h - lift  # the top of the text block in local coordinates
            ts = self.tsize
            y = top - ts - _descent(fonts, TITLE, ts)
            c.saveState()
            c.setFillColorRGB(*RED)
            c.setStrokeColorRGB(*RED)
            c.setLineWidth(0.7)
            # render mode 2 (fill + stroke): a heavier title, as 宋体 has no bold face
            fonts.draw(c, w / 2, y, title, TITLE, ts, "centre", render_mode=2)
            c.restoreState()
            y -= 2.4 * size
            fonts.draw(c, w / 2, y, f"第{issue}期", FANGSONG, size, "centre")
            y -= 1.9 * size
            fonts.draw(c, size, y, issuer, FANGSONG, size, "left")
            fonts.draw(c, w - size, y, date_cn(date), FANGSONG, size, "right")
            y -= 0.7 * size
            c.saveState()
            c.setStrokeColorRGB(*RED)
            c.setLineWidth(1.5)
            c.line(0, y, w, y)
            c.restoreState()
            if demo:
                fonts.draw(c, w / 2, y - 20, "（示例数据，仅供演示，不作正式发文）", HEI, 12, "centre")

    class Colophon(Flowable):
        """报尾, pushed to the bottom of the last page: rule, 报/送/发 lines, rule, 印发份数."""

        def __init__(self, paras: list[Any]) -> None:
            super().__init__()
            self.paras = paras

        def _need(self, aw: float) -> float:
            return sum(p.wrap(aw, 10 ** 6)[1] for p in self.paras) + 14

        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            need = self._need(aw)
            return aw, (max(need, ah - 0.01) if ah >= need else need)

        def split(self, aw: float, ah: float) -> list[Any]:
            return []

        def draw(self) -> None:
            c = self.canv
            w = page.text_width
            heights = [p.wrap(w, 10 ** 6)[1] for p in self.paras]
            y = sum(heights) + 10
            c.saveState()
            c.setStrokeColorRGB(0, 0, 0)
            c.setLineWidth(0.75)
            c.line(0, y + 2, w, y + 2)
            for p, hgt in zip(self.paras[:-1], heights[:-1], strict=False):
                y -= hgt
                p.drawOn(c, 0, y)
            c.setLineWidth(0.5)
            c.line(0, y - 3, w, y - 3)
            c.restoreState()
            y -= heights[-1] + 6
            self.paras[-1].drawOn(c, 0, y)

    class EndMark(Flowable):
        """Zero-size marker: remembers the page and height where the body ends."""

        def __init__(self, seen: dict[str, tuple[int, float]]) -> None:
            super().__init__()
            self.seen = seen

        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            return 0, 0

        def draw(self) -> None:
            self.seen["end"] = (self.canv.getPageNumber(), self.canv.absolutePosition(0, 0)[1])

    story: list[Any] = [Masthead()]
    if editor_note.strip():
        text = clean(re.sub(r"\s*\n\s*", "", editor_note.strip()))
        story.append(Paragraph(f'<font name="{fonts.primary[HEI]}">编者按：</font>'
                               + fonts.markup(text, KAI), note_style))
    for key in SECTION_KEYS:
        if only is not None and key not in only:
            continue
        story.append(para(SECTION_TITLES[key], h1, HEI))
        for line in (sections.get(key) or "").splitlines():
            _add_line(story, line, para, body, h1, h2)
        if key == "indicators" and rows:  # a plan without indicators: the text says so, no table
            story.extend(_indicator_table(rows, fonts, page, para, cell, cell_c, head,
                                          LongTable, TableStyle, colors, Spacer))
            if charts:
                story.extend(_chart_grid(charts, fonts, page, Table, TableStyle, Spacer, lead))
            if legend:
                story.append(para("注：" + legend, cell, FANGSONG))
                story.append(Spacer(1, lead * 0.3))
    for key in sorted(k for k in sections if k.startswith("extra") and only is None):
        for line in (sections.get(key) or "").splitlines():
            _add_line(story, line, para, body, h1, h2)
    if photos and only is None:
        from exports.briefing_photos import photo_page
        cap = style("cap", KAI, fontSize=10.5, leading=13.5, firstLineIndent=0, alignment=TA_CENTER)
        story.extend(photo_page(photos, page, lambda t: para(t, h1, HEI), lambda t: para(t, cap, KAI)))
    body_story = story

    def colophon() -> Any:
        dist_paras = [para(f"{k}：{v}", dist, FANGSONG) for k, v in distribution if v.strip()]
        for p in dist_paras:
            p.style = ParagraphStyle(f"d{id(p)}", parent=dist, firstLineIndent=-dist_size * 2.5)
        copies_txt = f"（共印{copies}份）" if str(copies or "").strip() else ""
        dist_paras.append(para(copies_txt or " ", style("cop", FANGSONG, fontSize=dist_size,
                                                       leading=dist_size * 1.5, firstLineIndent=0,
                                                       alignment=TA_RIGHT, rightIndent=dist_size),
                               FANGSONG))
        return Colophon(dist_paras)

    def on_page(canv: Any, doc: Any) -> None:
        n = canv.getPageNumber()
        ps = page.page_no_size
        y = page.bottom - page.page_no_gap - ps - _descent(fonts, SONG, ps)
        canv.saveState()
        canv.setFillColorRGB(0, 0, 0)
        if n % 2:
            fonts.draw(canv, page.left + page.text_width - ps, y, f"— {n} —", SONG, ps, "right")
        else:
            fonts.draw(canv, page.left + ps, y, f"— {n} —", SONG, ps, "left")
        canv.restoreState()

    frame = Frame(page.left, page.bottom, page.text_width, frame_top - page.bottom,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc = BaseDocTemplate(str(out), pagesize=(page.width, page.height), leftMargin=page.left,
                          rightMargin=page.width - page.left - page.text_width,
                          topMargin=page.top, bottomMargin=page.bottom,
                          initialFontName=fonts.primary[FANGSONG], initialFontSize=size,
                          title=f"{title} 第{issue}期", author=issuer,
                          subject=f"{month[:4]}年{int(month[5:7])}月工作简报" + ("（示例数据）" if demo else ""),
                          creator=creator,
                          invariant=1)  # no clock or random id in the file: a stored issue rebuilds byte for byte
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
    seen: dict[str, tuple[int, float]] = {}
    doc.build([*copy.deepcopy(body_story), EndMark(seen), Spacer(1, lead * 0.5), colophon()])
    pages = int(doc.page)
    # The last page should not hold one or two lines of text and the 报/送/发 block (or the
    # block alone): then the last paragraphs are moved to the last page with it.
    end_page, end_y = seen.get("end", (pages, 0.0))
    lines_there = (frame_top - end_y) / lead if end_page == pages else 0.0
    if pages > 1 and lines_there < 2.5:
        k, height = len(body_story), 0.0
        while k > 2 and height < 3 * lead:
            k -= 1
            height += copy.deepcopy(body_story[k]).wrap(page.text_width, 10 ** 6)[1]
        while k > 2 and getattr(getattr(body_story[k - 1], "style", None), "keepWithNext", False):
            k -= 1  # a heading goes with the paragraphs it heads, never alone above the break
            height += copy.deepcopy(body_story[k]).wrap(page.text_width, 10 ** 6)[1]
        if height < page.text_height / 2:
            moved = [*copy.deepcopy(body_story[:k]), PageBreak(), *copy.deepcopy(body_story[k:])]
            doc.build([*moved, EndMark(seen), Spacer(1, lead * 0.5), colophon()])
            pages = int(doc.page)
    return pages


def _add_line(story: list[Any], line: str, para: Any, body: Any, h1: Any, h2: Any) -> None:
    from exports.pdf_fonts import FANGSONG as F, HEI as H, KAI as K
    s = line.strip()
    if not s:
        return
    if _H1.match(s):
        story.append(para(s, h1, H))
    elif _H2.match(s):
        story.append(para(s, h2, K))
    else:
        story.append(para(s, body, F))


def _indicator_table(rows: list[dict[str, Any]], fonts: FontSet, page: Any, para: Any, cell: Any,
                     cell_c: Any, head: Any, LongTable: Any, TableStyle: Any, colors: Any,
                     Spacer: Any) -> list[Any]:
    from exports.briefing_compose import status_colors
    from exports.pdf_fonts import FANGSONG as F, HEI as H
    cols = ["指标", "目标", "最新值", "序时应达值", "判断"]
    widths = [page.text_width * f for f in (0.30, 0.27, 0.17, 0.14, 0.12)]
    data: list[list[Any]] = [[para(c, head, H) for c in cols]]
    sc = status_colors()
    for r in rows:
        color = sc.get(r["status"], "#6b7280")
        mark = f'<font color="{color}">●</font> ' + fonts.markup(r["status_name"], F)
        data.append([para(f"{r['code']} {r['name']}", cell, F), para(r["target"], cell, F),
                     _Raw(fonts.markup(r["latest"], F) + (f"<br/>（{r['period']}）" if r.get("period") else "")
                          + (f"<br/>{fonts.markup(r['unreviewed'], F)}" if r.get("unreviewed") else ""),
                          cell_c),
                     para(r["expected"], cell_c, F),
                     _Raw(mark, cell_c)])
    data = [[d.make() if isinstance(d, _Raw) else d for d in row] for row in data]
    t = LongTable(data, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.primary[F], 10.5),  # never the default Helvetica
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return [Spacer(1, 4), t, Spacer(1, 8)]


class _Raw:
    """A table cell given as ready markup."""

    def __init__(self, markup: str, style: Any):
        self.markup, self.style = markup, style

    def make(self) -> Any:
        from exports.cjk_lines import cjk_paragraph_class
        return cjk_paragraph_class()(self.markup, self.style)


def _chart_grid(charts: list[tuple[Any, Any, Any]], fonts: FontSet, page: Any, Table: Any,
                TableStyle: Any, Spacer: Any, lead: float) -> list[Any]:
    w = page.text_width / 2
    hgt = 118.0
    cells = []
    for part, hist, base in charts:
        name = part.name if len(part.name) <= 18 else part.name[:17] + "…"
        cells.append(indicator_chart(part, hist, base, fonts.primary[HEI], w - 6, hgt,
                                     title=f"{part.code} {name}"))
    rows = [cells[i:i + 2] + [""] * (2 - len(cells[i:i + 2])) for i in range(0, len(cells), 2)]
    t = Table(rows, colWidths=[w, w], rowHeights=[hgt + 6] * len(rows))
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), fonts.primary[HEI], 8),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [t, Spacer(1, lead * 0.3)]
