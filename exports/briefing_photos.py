"""Photos in the work briefing: the office chooses up to six photos (佐证材料 of the month's
projects and tasks) and the briefing closes with one page of them, as offices lay it out:
a heading 附：工作图片, the photos in a grid (one large; two one above the other; three or
four in two columns; five or six in two columns of three rows), each scaled to its cell
without distortion and captioned 图1　说明（单位·项目）in 楷体 below it, leaving room for
the 报尾 on the same page.

The photos are read through the entries service (checked against their hashes) and scaled
to at most 1600 pixels for print (about 260 dpi at the largest size) before reportlab
embeds them.
"""

from __future__ import annotations

import io
from typing import Any, NamedTuple

from models.app import Actor, App
from models.authority import INTERNAL, OFFICE, PUBLIC, rule
from models.errors import InvalidInput
from models.month_read import month_view
from models.month_view import Evidence, MonthView

MAX_PHOTOS = 6
PRINT_PX = 1600
MM = 72 / 25.4
_RESERVE = 58 * MM  # the heading and the 报尾 on the same page


@rule(PUBLIC)
class Photo(NamedTuple):
    data: bytes
    width: int
    height: int
    caption: str


@rule(OFFICE, what="编发工作简报")
def briefing_photos(app: App, actor: Actor, month: str) -> list[Evidence]:
    """The month's photos a briefing may show: projects' first, then tasks', in plan order."""
    return photo_candidates(month_view(app, actor, month))


@rule(PUBLIC, why="works on a month view already read under month_view's rule")
def photo_candidates(view: MonthView) -> list[Evidence]:
    order = {t.code: i for i, t in enumerate(view.plan.tasks)}
    task_of = {p.uid: p.task_code for p in view.projects}
    photos = [e for e in view.evidence if e.month == view.month and e.kind in ("jpeg", "png")
              and e.entity in ("project_month", "task_report")]
    return sorted(photos, key=lambda e: (e.entity != "project_month",
                                         order.get(task_of.get(e.key, e.key), 999)))


@rule(PUBLIC, why="the caption of a photo of a view read under month_view's rule")
def caption_of(view: MonthView, e: Evidence, n: int) -> str:
    text = e.caption or e.name.rsplit(".", 1)[0]
    where = e.unit
    if e.entity == "project_month":
        name = next((p.name for p in view.projects if p.uid == e.key), "")
        if name:
            where += f"·{name}"
    return f"图{n}　{text}（{where}）"


@rule(INTERNAL, why="reads the chosen photos for build_briefing_ex, after its own rule (office)")
def load_photos(app: App, actor: Actor, view: MonthView, uids: tuple[str, ...]) -> list[Photo]:
    """The chosen photos, read (checked against their hashes), scaled for print and captioned."""
    from models.entries import Entries
    from models.photo import downscale
    if len(uids) > MAX_PHOTOS:
        raise InvalidInput(f"简报最多附{MAX_PHOTOS}张图片（一页），已选{len(uids)}张。")
    candidates = {e.uid: e for e in photo_candidates(view)}
    entries = Entries(app)
    out = []
    for n, uid in enumerate(uids, 1):
        e = candidates.get(uid)
        if e is None:
            raise InvalidInput("所选图片不是本月项目或任务的照片（可能已被删除），请重新选择。")
        data = entries.attachment_data(actor, uid)
        scaled = downscale(data, PRINT_PX)
        w, h = (scaled.width, scaled.height) if scaled else (e.width, e.height)
        out.append(Photo(scaled.data if scaled else data, w, h, caption_of(view, e, n)))
    return out


@rule(PUBLIC)
def photo_page(photos: list[Photo], page: Any, heading: Any, caption: Any) -> list[Any]:
    """Flowables of the photo page: a page break, the heading and the grid (``heading`` and
    ``caption``: functions making a Paragraph of text)."""
    from reportlab.platypus import Image, PageBreak, Table, TableStyle

    n = len(photos)
    cols = 1 if n <= 2 else 2
    rows = -(-n // cols)
    cell_w = page.text_width / cols
    cell_h = (page.text_height - _RESERVE) / rows
    cap_h = 11 * MM
    cells: list[list[Any]] = []
    for i in range(0, n, cols):
        line: list[Any] = []
        for ph in photos[i:i + cols]:
            box_w, box_h = cell_w - 4 * MM, cell_h - cap_h - 3 * MM
            scale = min(box_w / max(ph.width, 1), box_h / max(ph.height, 1))
            img = Image(io.BytesIO(ph.data), width=ph.width * scale, height=ph.height * scale)
            line.append([img, caption(ph.caption)])
        line += [""] * (cols - len(line))
        cells.append(line)
    t = Table(cells, colWidths=[cell_w] * cols, rowHeights=[cell_h] * rows)
    style: list[tuple[Any, ...]] = [
        ("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2 * MM), ("RIGHTPADDING", (0, 0), (-1, -1), 2 * MM),
        ("TOPPADDING", (0, 0), (-1, -1), 1 * MM), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]
    if cols == 2 and n % 2:  # a last odd photo sits in the middle of its row
        style.append(("SPAN", (0, rows - 1), (1, rows - 1)))
    t.setStyle(TableStyle(style))
    return [PageBreak(), heading("附：工作图片"), t]
