"""Screenshots of the plan screens (docs/images/plan-*.png): the first run started from a
plan document, the review screen, the change list and the office's 实施方案 tab.

    .venv/bin/python docs/make_plan_screenshots.py [WIDTHxHEIGHT] [OUT_DIR]

Runs under Xvfb at the given screen size (1366x768 by default) when there is no display;
the review screen is shown maximised, as a clerk would use it. The document imported is the
county plan the tests build (tests/plan_samples.py: fictional places and units).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
SIZE = next((tuple(int(x) for x in a.split("x")) for a in sys.argv[1:] if "x" in a and a[0].isdigit()), (1366, 768))
OUT = ROOT / next((a for a in sys.argv[1:] if not a[0].isdigit()), "docs/images")  # inside the worktree


def main() -> int:
    if not (os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM")) and shutil.which("xvfb-run"):
        env = dict(os.environ, QT_QPA_PLATFORM="xcb")
        return subprocess.call(["xvfb-run", "-a", "-s", f"-screen 0 {SIZE[0]}x{SIZE[1]}x24", sys.executable,
                                str(Path(__file__).resolve()), *sys.argv[1:]], env=env)
    from PySide6.QtCore import QEventLoop, QTimer

    from docs.make_screenshots import _save
    from models.app import ADMIN, Actor, App
    from models.plan_load import load_plan
    from models.store import Store
    from tests.plan_docs import write_docx
    from tests.plan_samples import county_plan
    from ui.first_run_dialog import FirstRunDialog
    from ui.plan_tab import PlanTab
    from ui.plan_update_dialog import PlanUpdateDialog
    from ui.qtsetup import make_application

    def settle(rounds: int = 10) -> None:
        for _ in range(rounds):
            loop = QEventLoop()
            QTimer.singleShot(20, loop.quit)
            loop.exec()

    def wait(cond: Any) -> None:
        for _ in range(1500):
            if cond():
                return
            settle(1)
        raise RuntimeError("timed out")

    import docs.make_screenshots as shots
    shots.OUT = OUT
    OUT.mkdir(parents=True, exist_ok=True)
    qapp = make_application(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp(prefix="plan-shots-"))
    suffix = "" if SIZE == (1366, 768) else f"-{SIZE[0]}"
    try:
        doc = write_docx(county_plan(), tmp / "青禾县碳达峰实施方案.docx")
        app = App(Store(tmp / "新数据库.db"), load_plan())
        first = FirstRunDialog(app)
        first.show()
        first.import_plan(str(doc))
        wait(lambda: first.review is not None and first.review.isVisible())
        review = first.review
        assert review is not None
        review.setGeometry(qapp.primaryScreen().availableGeometry())  # maximised (no window manager in Xvfb)
        settle()
        part = next(r for r in review.model.rows if r.kind == "part" and review.model.items.get(r.ref))
        review.select(review.model.row_of(part.ref))  # an indicator with its targets and items
        _save(review, f"plan-review{suffix}.png", qapp)
        review.save()
        wait(lambda: not review.isVisible())
        _save(first, f"first-run-plan{suffix}.png", qapp)
        first.close()
        app.close()

        office = App(Store(tmp / "办公室.db"), load_plan())
        tab = PlanTab(office, Actor("admin", ADMIN, None, "王建国"))
        tab.resize(900, 400)
        tab.show()
        _save(tab, f"plan-settings{suffix}.png", qapp)
        tab.edit_plan()
        wait(lambda: tab.review is not None and tab.review.isVisible())
        edit = tab.review
        assert edit is not None
        edit.draft.set_title("1.1", edit.draft.row("1.1").item["title"] + "（修订）")  # type: ignore[union-attr]
        edit.draft.set_target("I01", 0, "value", "18")
        edit.draft.set_meta("version", "2024-06-01")
        from models.plan_adopt import check_draft, plan_changes
        _text, plan = check_draft(edit.draft)
        changes = plan_changes(office, tab.actor, plan)
        from ui.plan_tab import ADOPT_INTRO
        confirm = PlanUpdateDialog(office.plan.label, plan.label, changes.text(), None,
                                   ADOPT_INTRO.format(current=office.plan.label, new=plan.label))
        confirm.setWindowTitle("采用新的实施方案")
        confirm.accept_button.setText("采用新计划")
        confirm.reject_button.setText("返回修改")
        confirm.resize(760, 460)
        confirm.show()
        _save(confirm, f"plan-changes{suffix}.png", qapp)
        confirm.close()
        edit.reject()
        office.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
