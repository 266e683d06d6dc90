"""Speed of the plan import (document → format-2 plan file text), against baselines of the
same run, and the number of items the seed plan's import asks the office to check.

Measured (medians of several runs, in a fresh temporary folder):

- the seed plan's text (the .txt in tests/data) → TOML, against reading the
  resulting TOML back with tomllib;
- the seed rebuilt as .docx and as PDF (tests/plan_docs.py: its paragraphs, bold task
  titles, the appendix with merged cells split over two pages) → TOML, against merely
  opening the .docx with python-docx and walking its paragraphs and tables, and against
  pdfplumber extracting the PDF's text page by page;
- a large generated .docx (30 actions × 25 tasks with units and targets, a 300-row
  indicator table) → TOML, against python-docx opening and walking it.

Run: ``.venv/bin/python bench/bench_plan_import.py [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import timed  # noqa: E402
from models.plan_import import import_plan  # noqa: E402
from tests.plan_docs import SEED_TXT, P, T, seed_blocks, write_docx, write_pdf  # noqa: E402


def large_blocks(actions: int = 30, tasks: int = 25, rows: int = 300) -> list[P | T | str]:
    """A made-up plan much larger than any county's: every task with units and a target."""
    blocks: list[P | T | str] = [P("样例区碳达峰实施方案"), P("一、主要目标"),
                                 P("到2025年，单位生产总值能源消耗比2020年下降14%，确保2030年前实现碳达峰。"),
                                 P("二、重点任务")]
    numerals = "一二三四五六七八九十"
    for a in range(1, actions + 1):
        numeral = numerals[a - 1] if a <= 10 else ("十" + numerals[a - 11] if a < 20 else "二十" + (
            numerals[a - 21] if a > 20 else ""))
        blocks.append(P(f"（{numeral}）第{a}项重点行动", heading=True))
        blocks.append(P("坚持系统观念，统筹推进本领域节能降碳和绿色低碳转型。"))
        for t in range(1, tasks + 1):
            blocks.append(P(f"推进第{t}项重点工作，完善工作机制，加强监测评估。到2025年，完成改造{t * 3}个项目，"
                            f"到2030年，相关比例达到{50 + t % 40}%。（区发展改革委、区第{t % 17 + 1}局、"
                            "各街镇等按职责分工负责）", bold=f"{t}.第{a}.{t}项任务。"))
    blocks.append(P("附表："))
    header = ["序号", "指标", "市规划目标", "区拟定目标值", "指标测算说明", "责任单位"]
    body = [[str(r), f"第{r}项指标比重", f"到2025年，达到{r % 50}%。", f"到2025年，达到{r % 50 + 1}%以上；到2030年，"
             f"达到{r % 50 + 5}%以上。", "按上级下达目标测算。", "" if r % 3 else f"区第{r % 17 + 1}局"]
            for r in range(1, rows + 1)]
    merges = [(r, 5, r + 2, 5) for r in range(3, rows - 1, 3)]
    blocks.append(T([header, *body], merges))
    return blocks


def walk_docx(path: Path) -> int:
    import docx
    n = 0
    for item in docx.Document(str(path)).iter_inner_content():
        n += len(item.text) if hasattr(item, "text") else sum(len(c.text) for r in item.rows for c in r.cells)
    return n


def walk_pdf(path: Path) -> int:
    import pdfplumber
    with pdfplumber.open(str(path)) as pdf:
        return sum(len(page.extract_text() or "") for page in pdf.pages)


def line(name: str, ms: float, base_name: str, base_ms: float) -> str:
    return f"{name}：{ms:8.1f} ms；基线（{base_name}）{base_ms:7.1f} ms；倍数 {ms / base_ms:5.1f}×"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhushan-bench-import-") as tmp:
        folder = Path(tmp)
        seed = import_plan(SEED_TXT)
        print(f"种子方案导入：{len(seed.review_items)} 项需要核对（{seed.review_counts()}）")
        text_ms = timed(lambda: import_plan(SEED_TXT).toml_text, args.repeat)
        toml_ms = timed(lambda: tomllib.loads(seed.toml_text), args.repeat * 4)
        print(line("种子方案 .txt → 计划文件", text_ms, "tomllib 读回该计划文件", toml_ms))
        docx_path = write_docx(seed_blocks(), folder / "种子方案.docx")
        pdf_path = write_pdf(seed_blocks(), folder / "种子方案.pdf")
        docx_ms = timed(lambda: import_plan(docx_path), args.repeat)
        print(line("种子方案 .docx → 计划文件", docx_ms, "python-docx 打开并遍历", timed(
            lambda: walk_docx(docx_path), args.repeat)))
        pdf_ms = timed(lambda: import_plan(pdf_path), max(2, args.repeat // 2))
        print(line("种子方案 PDF → 计划文件", pdf_ms, "pdfplumber 逐页提取文字", timed(
            lambda: walk_pdf(pdf_path), max(2, args.repeat // 2))))
        big = write_docx(large_blocks(), folder / "大型方案.docx")
        big_result = import_plan(big)
        tasks = len(big_result.draft.tasks())
        big_ms = timed(lambda: import_plan(big), max(2, args.repeat // 2))
        print(line(f"大型 .docx（{tasks} 项任务、{len(big_result.draft.indicators)} 项指标、"
                   f"{len(big_result.draft.milestones)} 个里程碑）→ 计划文件", big_ms, "python-docx 打开并遍历",
                   timed(lambda: walk_docx(big), max(2, args.repeat // 2))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
