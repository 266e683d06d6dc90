"""Every plan file the importer writes is a plan the program loads.

Each file is checked against the format-2 contract (tests/plan_contract.py) and, where the
program's loader reads format 2 (``PLAN_FORMAT >= 2``), loaded with it: same task,
indicator-part and milestone codes as the draft. The files: the seed (text, .docx, PDF),
the two plans of other shapes, and 80 made-up texts of plan words in random order (a
document the importer can make little of still gives a loadable file, its gaps listed
for review)."""

from __future__ import annotations

import importlib
import random
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from models.plan_import import ImportResult, import_document, import_plan
from models.plan_import.read_text import read_text
from tests.plan_contract import problems
from tests.plan_docs import SEED_TXT, seed_blocks, write_docx, write_pdf
from tests.plan_samples import county_plan, district_plan
from tests.test_plan_import_property import WORDS


def program_loader() -> Callable[..., Any] | None:
    """The program's ``parse_plan`` when it reads format 2, else None."""
    for name in ("models.plan_parse", "models.plan"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if getattr(module, "PLAN_FORMAT", 1) >= 2 and hasattr(module, "parse_plan"):
            return module.parse_plan  # type: ignore[no-any-return]
    return None


def check_loads(result: ImportResult, name: str) -> None:
    raw = tomllib.loads(result.toml_text)
    assert problems(raw) == [], name
    parse = program_loader()
    if parse is None:
        return
    plan = parse(raw, name)
    draft = result.draft
    reported = [t.code for t in draft.tasks() if not t.subtasks]  # a task with sub-tasks is a heading
    assert [t.code for t in plan.tasks] == reported
    assert [p.code for p in plan.parts] == [p.code for i in draft.indicators for p in i.parts]
    assert [m.code for m in plan.milestones] == [m.code for m in draft.milestones]


def test_documents_of_every_shape_give_loadable_files(tmp_path: Path) -> None:
    files = [SEED_TXT, write_docx(seed_blocks(), tmp_path / "种子.docx"), write_pdf(seed_blocks(), tmp_path / "种子.pdf"),
             write_docx(district_plan(), tmp_path / "梧桐区.docx"), write_docx(county_plan(), tmp_path / "青禾县.docx")]
    for path in files:
        check_loads(import_plan(path), path.name)


@pytest.mark.parametrize("seed", range(4))
def test_random_plan_words_give_loadable_files(seed: int) -> None:
    rnd = random.Random(seed)
    for k in range(20):
        text = "".join(rnd.choice([*WORDS, str(rnd.randint(0, 3000))]) for _ in range(rnd.randint(5, 80)))
        result = import_document(read_text(text, f"随机{seed}-{k}.txt"))
        check_loads(result, text)
        if not result.draft.meta.district.endswith(("区", "县", "市", "旗")):
            assert any(i.kind == "plan_info" and "区县名称" in i.decided for i in result.review_items)
