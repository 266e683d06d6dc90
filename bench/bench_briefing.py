"""Speed of the PDF work briefing.

Measures, in one process:
- loading and registering the Chinese fonts (first call, then the cached call);
- building the briefing of a demo month (about 10–12 pages: composition from the
  data, indicator table, charts, layout), median of several runs;
- a baseline measured in the same run: a plain reportlab document with the same number
  of pages of plain text in the same (already registered) body font.
Prints the times and the ratio; the goal is a briefing in well under 2 s.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from _common import make_demo_db, ratio_line  # noqa: E402

MONTH = "2026-10"
RUNS = 5
GOAL_SECONDS = 2.0
GOAL_RATIO = 10.0  # charts, tables and mixed fonts against plain text


def plain_document(path: Path, pages: int, font: str) -> int:
    """The baseline: ``pages`` pages of plain body text, same font and page size."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    style = ParagraphStyle("b", fontName=font, fontSize=16, leading=28.9, wordWrap="CJK",
                           firstLineIndent=32)
    text = "各单位按照方案确定的任务分工抓好落实，按时报送调度数据，推进情况总体符合序时进度。" * 3
    per_page = 4  # paragraphs of 5 lines on a 22-line page
    story = [Paragraph(text, style) for _ in range(pages * per_page)]
    doc = SimpleDocTemplate(str(path), pagesize=A4, initialFontName=font)
    doc.build(story)
    return int(doc.page)


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="bench-briefing-"))
    note = make_demo_db(tmp / "demo.db", until=MONTH)
    print(f"数据：{note}")

    t0 = time.perf_counter()
    import reportlab.pdfbase.ttfonts  # noqa: F401
    t_import = time.perf_counter() - t0
    print(f"导入 reportlab：{t_import * 1000:7.1f} ms")
    t0 = time.perf_counter()
    from exports.pdf_fonts import FANGSONG, font_set
    fonts = font_set()
    t_fonts = time.perf_counter() - t0
    t0 = time.perf_counter()
    font_set()
    t_cached = time.perf_counter() - t0
    print(f"字体加载与注册（首次）：{t_fonts * 1000:7.1f} ms；再次取用（缓存）：{t_cached * 1000:.3f} ms")
    for role, src in fonts.describe().items():
        print(f"  {role:9s} {src}")

    from exports.briefing import BriefingOptions, build_briefing_ex
    from models.app import CLI_ACTOR, App
    from models.plan_load import load_plan
    from models.store import Store
    app = App(Store(tmp / "demo.db"), load_plan())
    try:
        times, pages = [], 0
        for i in range(RUNS):
            t0 = time.perf_counter()
            res = build_briefing_ex(app, CLI_ACTOR, MONTH, tmp / f"b{i}.pdf", BriefingOptions(record_issue=False))
            times.append(time.perf_counter() - t0)
            pages = res.pages
    finally:
        app.close()
    base = []
    for i in range(RUNS):
        t0 = time.perf_counter()
        n = plain_document(tmp / f"plain{i}.pdf", pages, fonts.primary[FANGSONG])
        base.append(time.perf_counter() - t0)
    med, bmed = statistics.median(times), statistics.median(base) * pages / max(1, n)
    print(f"简报：{pages}页；基线纯文本文档：{n}页（同一正文字体，时间按页数折算到{pages}页）")
    print(f"首次生成（含图表模块导入）：{times[0] * 1000:.1f} ms")
    print(ratio_line(f"生成{pages}页简报（中位数，{RUNS}次）", med * 1000, bmed * 1000, GOAL_RATIO))
    first = t_import + t_fonts + times[0]
    verdict = "达标" if first < GOAL_SECONDS else "未达标"
    print(f"进程内首次（导入 + 字体 + 首次生成）：{first * 1000:.1f} ms（目标 < {GOAL_SECONDS * 1000:.0f} ms，{verdict}）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
