"""Nothing but the plan file names a place: no 珠山, 景德镇, unit name of the bundled plan
or name of its sample streets and projects anywhere in the program outside
resources/plan (the plan files), tests, docs and .ci (the checks of the Windows build,
which run the bundled plan) and the Markdown documentation. The identifiers
ZhushanCarbonPeak, Zhushan and zhushan.db are ASCII and stay (README: 数据存放位置)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "resources" / "plan" / "zhushan.toml"
OUTSIDE = ("resources/plan/", "tests/", "docs/", ".ci/")
TEXT_SUFFIXES = {".py", ".spec", ".sh", ".cmd", ".bat", ".txt", ".toml", ".cfg", ".ini", ".json", ".qss",
                 ".ui", ".html", ".xml", ".yml", ".yaml", ""}


def forbidden_words() -> set[str]:
    plan = tomllib.loads(PLAN.read_text(encoding="utf-8"))
    words = {"珠山", "景德镇", plan["plan"]["district"], plan["plan"]["city"], plan["plan"]["name"]}
    for u in plan["units"]:
        if u.get("kind") == "streets":
            continue  # the placeholder 各街道 is a generic word (各街道/各乡镇), not a name
        words.add(u["name"])
        words.update(u.get("aliases", []))
    demo = plan.get("demo", {})
    words.update(demo.get("streets", []))
    words.update(demo.get("places", []))
    return {w for w in words if w}


SKIP_DIRS = {"build", "dist", "__pycache__", "node_modules"}  # and every folder starting with "."


def program_files() -> list[Path]:
    """Every text file of the program: the tree without the folders above, build output,
    caches and hidden folders (.git, .venv, …), and Markdown."""
    files = []
    for p in ROOT.rglob("*"):
        rel = p.relative_to(ROOT).as_posix()
        parts = rel.split("/")
        if any(x.startswith(".") or x in SKIP_DIRS or x.endswith(".egg-info") for x in parts[:-1]):
            continue
        if rel.startswith(OUTSIDE) or rel.endswith(".md") or not p.is_file():
            continue
        if p.suffix.lower() in TEXT_SUFFIXES and not p.name.startswith("."):
            files.append(p)
    return files


def test_the_word_list_is_read_from_the_bundled_plan() -> None:
    words = forbidden_words()
    assert {"珠山", "景德镇", "区发改委", "珠山生态环境局", "珠山街道", "瓷都大道"} <= words
    assert len(words) > 40


def test_no_place_is_named_outside_the_plan_files() -> None:
    words = sorted(forbidden_words(), key=len, reverse=True)
    files = program_files()
    assert any(f.name == "plan.py" for f in files) and len(files) > 100
    found = []
    for f in files:
        try:
            text = f.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for n, line in enumerate(text.splitlines(), 1):
            hit = next((w for w in words if w in line), None)
            if hit is not None:
                found.append(f"{f.relative_to(ROOT)}:{n}: “{hit}” in {line.strip()[:80]}")
    assert found == [], "place names in the program (they belong in the plan file):\n" + "\n".join(found)
