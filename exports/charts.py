"""Small indicator charts for the briefing: reported values against the target path.

A chart is a reportlab ``Drawing`` made of plain shapes: the solid line joins the
approved values (filled points), hollow points are values not yet approved (not
judged, not joined), the dashed line runs from the baseline (or the first value) to
each dated numeric target. Time is in "year ends" (value of year Y at Y, month M of
year Y at Y − 1 + M/12), as in the target engine.

How the axes are chosen (the conventions printed charts keep to):

- x: from the first value (or the baseline) to the last value and the next target
  after it; targets further on (e.g. 2060) are not drawn, they are named under the
  chart (“2060年目标：≥80%”) instead of crushing the real values into a corner;
- y: from zero for figures that cannot be negative, so a small change (57.7 → 58.5)
  looks small; the top is a round number above the highest point;
- labels: the last value and the last target drawn are labelled, each placed beside
  its point inside the plot (above or below, never across the other label).

reportlab is imported lazily.
"""

from __future__ import annotations

import math
from typing import Any

from models.authority import PUBLIC, rule
from models.plan import Part

LABEL_SIZE = 7.0


@rule(PUBLIC)
def period_x(period: str) -> float:
    if len(period) >= 7:
        return int(period[:4]) - 1 + int(period[5:7]) / 12
    return float(int(period[:4]))


def _targets(part: Part, baseline: tuple[int, float] | None) -> list[tuple[float, float, Any]]:
    """(year, level, target) of the numeric binding targets in year order."""
    out = []
    for t in sorted((t for t in part.targets if t.kind == "binding" and t.value is not None
                     and t.op != "yes"), key=lambda t: t.year):
        level = float(t.value)  # type: ignore[arg-type]
        if t.basis == "reduction_vs_baseline":
            if not baseline:
                continue
            level = baseline[1] * (1 - level / 100.0)
        out.append((float(t.year), level, t))
    return out


@rule(PUBLIC)
def target_path(part: Part, baseline: tuple[int, float] | None,
                history: list[tuple[str, float]]) -> list[tuple[float, float]]:
    """Points of the target path: start (baseline, else the first value) then each
    numeric binding target in year order."""
    pts: list[tuple[float, float]] = []
    if baseline:
        pts.append((float(baseline[0]), float(baseline[1])))
    elif history:
        pts.append((period_x(history[0][0]), float(history[0][1])))
    for year, level, _t in _targets(part, baseline):
        if pts and year <= pts[-1][0]:
            continue
        pts.append((year, level))
    return pts


@rule(PUBLIC)
def x_range(values: list[tuple[float, float]], path: list[tuple[float, float]]) -> tuple[int, int]:
    """Years shown: the values, the path's start and the next target after the last value."""
    xs = [x for x, _ in values]
    start = min([*xs, *(x for x, _ in path[:1])] or [0.0])
    last = max(xs) if xs else start
    ahead = [x for x, _ in path if x > last]
    end = max([last, *[x for x, _ in path if x <= last], *(ahead[:1])])
    lo, hi = int(math.floor(start)), int(math.ceil(end))
    return lo, max(hi, lo + 1)


@rule(PUBLIC)
def nice_top(top: float) -> tuple[float, float]:
    """A round axis top above ``top`` and its tick step (4 or 5 steps)."""
    if top <= 0:
        return 1.0, 0.25
    raw = top * 1.08 / 4
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= raw:
            step = m * mag
            break
    return step * math.ceil(top * 1.08 / step), step


def _fmt(v: float) -> str:
    if abs(v) >= 1000 or float(v).is_integer():
        return f"{v:.0f}"
    return f"{v:.2f}".rstrip("0").rstrip(".")


@rule(PUBLIC)
def indicator_chart(part: Part, history: list[tuple[str, float, bool]] | list[tuple[str, float]],
                    baseline: tuple[int, float] | None, font: str, width: float, height: float,
                    title: str = "") -> Any:
    """A ``Drawing`` of the part's values and target path (``font``: a registered TTF).
    ``history``: (period, value[, judged]) in period order; values not judged (not
    approved) are drawn hollow."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
    from reportlab.lib import colors

    grey, dark, blue = colors.HexColor("#777777"), colors.HexColor("#444444"), colors.HexColor("#1f4e99")
    d = Drawing(width, height, initialFontName=font, initialFontSize=8)
    d.add(String(4, height - 11, title or part.name, fontName=font, fontSize=8.5, fillColor=colors.black))
    points = [(period_x(h[0]), float(h[1]), bool(h[2]) if len(h) > 2 else True) for h in history]
    judged = [(x, y) for x, y, ok in points if ok]
    hollow = [(x, y) for x, y, ok in points if not ok]
    values = judged + hollow
    path = target_path(part, baseline, [(h[0], h[1]) for h in history])
    if not values and not path:
        d.add(String(width / 2, height / 2 - 4, "暂无数值和数值目标", fontName=font, fontSize=8,
                     textAnchor="middle", fillColor=dark))
        return d
    lo_x, hi_x = x_range(values, path)
    later = [(y, lvl, t) for y, lvl, t in _targets(part, baseline) if y > hi_x]
    shown_path = [(x, y) for x, y in path if x <= hi_x]
    ys = [y for _, y in values + shown_path]
    low = min(ys)
    if low >= 0:
        y0 = 0.0
        y1, step = nice_top(max(ys))
    else:  # negative figures: a symmetric margin, the zero line drawn
        pad = (max(ys) - low) * 0.15 or abs(low) * 0.1 or 1.0
        y0, y1 = low - pad, max(ys) + pad
        step = (y1 - y0) / 4
    px, py = 30.0, 16.0 + (9 if later else 0)
    pw, ph = width - px - 8, height - py - 30

    def at(x: float, y: float) -> tuple[float, float]:
        return (px + (x - lo_x) / (hi_x - lo_x) * pw, py + (y - y0) / (y1 - y0) * ph)

    # axes, ticks and light grid lines
    d.add(Line(px, py, px + pw, py, strokeColor=dark, strokeWidth=0.5))
    d.add(Line(px, py, px, py + ph, strokeColor=dark, strokeWidth=0.5))
    n = int(round((y1 - y0) / step)) if step else 4
    for i in range(n + 1):
        yv = y0 + i * step
        _, yy = at(lo_x, yv)
        if i:
            d.add(Line(px, yy, px + pw, yy, strokeColor=colors.HexColor("#e5e5e5"), strokeWidth=0.3))
        d.add(String(px - 3, yy - 2.5, _fmt(yv), fontName=font, fontSize=LABEL_SIZE, textAnchor="end",
                     fillColor=dark))
    span = hi_x - lo_x
    xstep = 1 if span <= 6 else 2 if span <= 12 else 5 if span <= 30 else 10
    for yr in (y for y in range(lo_x, hi_x + 1) if y % xstep == 0):
        xx, _ = at(yr, y0)
        d.add(Line(xx, py, xx, py - 2, strokeColor=dark, strokeWidth=0.5))
        d.add(String(xx, py - 9, str(yr), fontName=font, fontSize=LABEL_SIZE, textAnchor="middle",
                     fillColor=dark))
    # the target path and the values
    if len(shown_path) > 1:
        d.add(PolyLine([c for p in shown_path for c in at(*p)], strokeColor=grey, strokeWidth=0.9,
                       strokeDashArray=[3, 2]))
    if len(judged) > 1:
        d.add(PolyLine([c for p in judged for c in at(*p)], strokeColor=blue, strokeWidth=1.4))
    for p in judged:
        d.add(Circle(*at(*p), 1.6, fillColor=blue, strokeColor=blue, strokeWidth=0.5))
    for p in hollow:
        d.add(Circle(*at(*p), 2.0, fillColor=colors.white, strokeColor=dark, strokeWidth=0.7))
    # labels of the last value and the last target drawn, inside the plot, apart
    labels = []
    if values:
        last = max(values)
        labels.append((last, _fmt(last[1]), blue))
    targets_drawn = [p for p in shown_path[1:]] if shown_path else []
    if targets_drawn:
        tgt = targets_drawn[-1]
        labels.append((tgt, f"目标{_fmt(tgt[1])}", grey))
    placed: list[tuple[float, float]] = []
    for (x, y), text, col in labels:
        lx, ly = at(x, y)
        w = len(text) * LABEL_SIZE * 0.62
        above = ly + 4 + LABEL_SIZE <= py + ph
        ty = ly + 4 if above else ly - 4 - LABEL_SIZE
        for ox, oy in placed:  # keep clear of the label already placed
            if abs(ty - oy) < LABEL_SIZE + 1 and abs(lx - ox) < w + 4:
                ty = oy - LABEL_SIZE - 2 if oy > ly else oy + LABEL_SIZE + 2
        ty = min(max(ty, py + 1), py + ph - LABEL_SIZE)
        anchor = "end" if lx + w / 2 > px + pw else ("start" if lx - w / 2 < px else "middle")
        d.add(String(lx, ty, text, fontName=font, fontSize=LABEL_SIZE, textAnchor=anchor, fillColor=col))
        placed.append((lx, ty))
    key = "—实际值  - -目标路径" + ("  ○未审核" if hollow else "")
    d.add(String(width - 4, height - 22, key, fontName=font, fontSize=6.5, textAnchor="end", fillColor=dark))
    if part.unit:
        d.add(String(4, height - 22, part.unit, fontName=font, fontSize=7, fillColor=dark))
    if later:
        from models.target_words import describe_target
        note = "；".join(describe_target(part, t) for _y, _l, t in later)
        d.add(String(4, 2, f"未画出：{note}", fontName=font, fontSize=6.5, fillColor=dark))
    return d
