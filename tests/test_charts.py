"""The briefing's indicator charts: the x range stops at the next target (later targets
named in text), the y axis starts at zero, labels stay inside the plot and apart, and
figures not yet approved are drawn hollow."""

from __future__ import annotations

from reportlab.graphics.shapes import Circle, String

from exports.charts import indicator_chart, nice_top, x_range
from exports.pdf_fonts import FANGSONG, font_set


def _strings(d) -> list[String]:
    return [e for e in d.contents if isinstance(e, String)]


def test_x_range_stops_at_the_next_target() -> None:
    values = [(2023.0, 16.2), (2024.0, 17.0), (2025.0, 17.9)]
    path = [(2020.0, 12.0), (2025.0, 17.5), (2030.0, 20.0), (2060.0, 80.0)]
    assert x_range(values, path) == (2020, 2030)
    assert x_range([], [(2020.0, 1.0), (2025.0, 2.0)]) == (2020, 2025)
    assert x_range([(2026.0, 5.0)], []) == (2026, 2027)


def test_y_axis_top_is_round_and_above_the_data() -> None:
    for top in (0.8, 1.13, 58.5, 94.0, 140.0, 3100.0):
        axis, step = nice_top(top)
        assert axis >= top and abs(axis / step - round(axis / step)) < 1e-9 and 3 <= axis / step <= 6


def test_chart_of_i01_and_a_small_range(plan) -> None:
    font = font_set().primary[FANGSONG]
    i01 = plan.part("I01")
    d = indicator_chart(i01, [("2023", 16.2, True), ("2024", 17.0, True), ("2025", 17.9, True),
                              ("2026", 18.3, False)], None, font, 220, 118, title="I01 非化石能源消费比重")
    texts = [s.text for s in _strings(d)]
    assert "2060" not in texts and "2030" in texts  # x stops at the next target
    assert any(t.startswith("未画出：") and "2060" in t for t in texts)
    assert "○未审核" in " ".join(texts)
    hollow = [c for c in d.contents if isinstance(c, Circle) and c.fillColor is not None
              and c.fillColor.hexval() == "0xffffff"]
    assert len(hollow) == 1  # the figure not approved
    # labels inside the drawing
    for s in _strings(d):
        assert 0 <= s.y <= 118 - 7 and -1 <= s.x <= 221, (s.text, s.x, s.y)
    # a small range (57.7–58.5) drawn from zero: the line is flat, the axis says 0
    i04 = plan.part("I04")
    d = indicator_chart(i04, [("2023", 57.77, True), ("2024", 58.46, True), ("2025", 58.25, True)],
                        None, font, 220, 118)
    texts = [s.text for s in _strings(d)]
    assert "0" in texts and "58.25" in texts
