"""Small indicator charts for the briefing: reported values against the target path.

A chart is a reportlab ``Drawing`` with a ``LinePlot``: the solid line joins the
reported values, the dashed line runs from the baseline (or the first value) to each
dated numeric target. Time is in "year ends" (value of year Y at Y, month M of year Y
at Y − 1 + M/12), as in the target engine. reportlab is imported lazily.
"""

from __future__ import annotations

from typing import Any

from models.authority import PUBLIC, rule
from models.plan import Part


@rule(PUBLIC)
def period_x(period: str) -> float:
    if len(period) >= 7:
        return int(period[:4]) - 1 + int(period[5:7]) / 12
    return float(int(period[:4]))


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
    for t in sorted((t for t in part.targets if t.kind == "binding" and t.value is not None
                     and t.op != "yes"), key=lambda t: t.year):
        level = float(t.value)  # type: ignore[arg-type]
        if t.basis == "reduction_vs_baseline":
            if not baseline:
                continue
            level = baseline[1] * (1 - level / 100.0)
        if pts and t.year <= pts[-1][0]:
            continue
        pts.append((float(t.year), level))
    return pts


@rule(PUBLIC)
def chartable(part: Part) -> bool:
    return not part.qualitative


@rule(PUBLIC)
def indicator_chart(part: Part, history: list[tuple[str, float]],
                    baseline: tuple[int, float] | None, font: str, width: float, height: float,
                    title: str = "") -> Any:
    """A ``Drawing`` of the part's values and target path (``font``: a registered TTF)."""
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib import colors

    d = Drawing(width, height, initialFontName=font, initialFontSize=8)
    values = [(period_x(p), float(v)) for p, v in history]
    path = target_path(part, baseline, history)
    d.add(String(4, height - 11, title or part.name, fontName=font, fontSize=8.5,
                 fillColor=colors.black))
    series = [s for s in (values, path) if s]
    if not series:
        d.add(String(width / 2, height / 2 - 4, "暂无数值和数值目标", fontName=font, fontSize=8,
                     textAnchor="middle", fillColor=colors.HexColor("#555555")))
        return d
    lp = LinePlot()
    lp.x, lp.y = 34, 18
    lp.width, lp.height = width - 44, height - 44
    data = [values or [path[0]], path or [values[0]]]
    lp.data = data
    xs = [x for s in data for x, _ in s]
    ys = [y for s in data for _, y in s]
    lo_x, hi_x = int(min(xs)), int(max(xs) + 0.999)
    if hi_x <= lo_x:
        hi_x = lo_x + 1
    lp.xValueAxis.valueMin, lp.xValueAxis.valueMax = lo_x, hi_x
    step = max(1, (hi_x - lo_x + 4) // 5)
    lp.xValueAxis.valueSteps = list(range(lo_x, hi_x + 1, step))
    lp.xValueAxis.labelTextFormat = "%d"
    lo_y, hi_y = min(ys), max(ys)
    pad = (hi_y - lo_y) * 0.15 or abs(hi_y) * 0.1 or 1.0
    lp.yValueAxis.valueMin = lo_y - pad if lo_y - pad < 0 or lo_y < 0 else max(0.0, lo_y - pad)
    lp.yValueAxis.valueMax = hi_y + pad
    lp.yValueAxis.labelTextFormat = _yfmt(hi_y - lo_y + pad)
    for ax in (lp.xValueAxis, lp.yValueAxis):
        ax.labels.fontName = font
        ax.labels.fontSize = 7
        ax.strokeWidth = 0.5
    lp.lines[0].strokeColor = colors.HexColor("#1f4e99")
    lp.lines[0].strokeWidth = 1.4
    lp.lines[0].symbol = makeMarker("FilledCircle", size=3)
    lp.lines[1].strokeColor = colors.HexColor("#777777")
    lp.lines[1].strokeWidth = 0.9
    lp.lines[1].strokeDashArray = [3, 2]
    if not values:
        lp.lines[0].strokeWidth = 0
        lp.lines[0].symbol = None
    d.add(lp)
    d.add(String(width - 4, height - 22, "—实际值  - -目标路径", fontName=font, fontSize=6.5,
                 textAnchor="end", fillColor=colors.HexColor("#444444")))
    if part.unit:
        d.add(String(4, height - 22, part.unit, fontName=font, fontSize=7,
                     fillColor=colors.HexColor("#444444")))
    return d


def _yfmt(span: float) -> str:
    if span >= 20:
        return "%.0f"
    if span >= 2:
        return "%.1f"
    return "%.2f"
