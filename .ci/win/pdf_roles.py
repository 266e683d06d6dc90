"""Which font each role of a briefing PDF is set in (run with the project's Linux Python by
.ci/win-checks.sh on a briefing made by the Windows build with stand-in Windows fonts).

    python pdf_roles.py BRIEFING.pdf

The stand-ins are the shipped fonts under the Windows file names, each a different font from
the one shipped for that role (as in tests/test_windows_fonts.py): 仿宋 simfang.ttf is the
KaitiM face, 黑体 simhei.ttf Droid Sans Fallback, 楷体 simkai.ttf the SungtiL face, 宋体
simsun.ttc WenQuanYi Micro Hei. Exit code 1 when a role is not in its Windows file's face.
"""

from __future__ import annotations

import re
import sys

import pdfplumber

EXPECTED = [  # (role, how the line starts, PostScript name of the stand-in's face)
    ("仿宋 正文（simfang.ttf）", re.compile(r"\d{4}年\d+月，全区"), "GBZenKai-Medium"),
    ("黑体 一级标题（simhei.ttf）", re.compile(r"一、总体情况"), "DroidSansFallback"),
    ("楷体 二级标题（simkai.ttf）", re.compile(r"（一）"), "BousungEG-Light-GB"),
    ("宋体 页码（simsun.ttc）", re.compile(r"— 1 —"), "WenQuanYiMicroHei-0"),
]


def main() -> int:
    with pdfplumber.open(sys.argv[1]) as pdf:
        chars = [c for p in pdf.pages for c in p.chars]
    lines: dict[tuple[int, int], list[dict]] = {}
    for c in chars:
        lines.setdefault((c["page_number"], round(c["top"])), []).append(c)
    failed = 0
    for role, start, face in EXPECTED:
        found = [{c["fontname"].split("+", 1)[-1] for c in cs} for cs in lines.values()
                 if start.match("".join(c["text"] for c in cs))]
        ok = bool(found) and found[0] == {face}
        failed += not ok
        print(f"[{'通过' if ok else '失败'}] 简报中的{role}：{'、'.join(sorted(found[0])) if found else '未找到'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
