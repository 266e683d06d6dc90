"""Speed of the office pages on the full-plan sample, against a baseline of the same run.

Sample: the full-plan demo data (every unit, every month from the plan's first month to
2030-12) in a temporary database. Measured (medians of several runs):

- opening the 调度看板 page (DashboardView: verdicts, task lights, overdue items, charts,
  shown and painted once); goal: under 100 ms;
- the dashboard data alone (models.dashboard.dashboard);
- reporting status of every unit for every month (models.reporting.status_many);
- assessment of every unit over every month (models.assessment.assess);
- the baseline: opening the 计划目录 page (CatalogView), a page that only reads the plan.

Run: ``.venv/bin/python bench/bench_office.py [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import make_demo_db, timed  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="办公室页面（调度看板、报送统计、考核）的速度")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    from PySide6.QtWidgets import QApplication

    from models.app import ADMIN, Actor, App, months_between
    from models.assessment import assess
    from models.dashboard import dashboard
    from models.reporting import status_many
    from models.store import Store
    from ui.catalog_view import CatalogView
    from ui.dashboard_view import DashboardView
    from ui.qtsetup import make_application

    qapp = make_application([])
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        note = make_demo_db(db)
        from models.plan_load import load_plan
        app = App(Store(db), load_plan())
        actor = Actor("bench", ADMIN, None, "测量")
        months = months_between(app.plan.first_month, "2030-12")
        print(f"样本：{note}；{len(app.reporting_units())}个单位，{len(months)}个月")

        def open_page(cls: type) -> None:
            w = cls(app, actor) if getattr(cls, "needs_actor", False) else cls(app)
            w.resize(1300, 720)
            w.show()
            QApplication.processEvents()
            w.grab()
            w.close()
            w.deleteLater()
            QApplication.processEvents()

        open_page(CatalogView)  # warm-up (fonts, style)
        open_page(DashboardView)
        base = timed(lambda: open_page(CatalogView), args.repeat)
        dash = timed(lambda: open_page(DashboardView), args.repeat)
        data = timed(lambda: dashboard(app, actor, months[-1]), args.repeat)
        rep = timed(lambda: status_many(app, actor, months), args.repeat)
        ass = timed(lambda: assess(app, actor, months), args.repeat)
        print(f"基线（打开计划目录）：{base:7.1f} ms")
        verdict = "达标" if dash < 100 else "未达标"
        print(f"打开调度看板：{dash:7.1f} ms = 基线的 {dash / base:4.2f}×（目标 < 100 ms，{verdict}）")
        print(f"看板数据：{data:7.1f} ms = 基线的 {data / base:4.2f}×")
        print(f"全部单位 × {len(months)}个月报送统计：{rep:7.1f} ms = 基线的 {rep / base:4.2f}×")
        print(f"全部单位 × {len(months)}个月考核：{ass:7.1f} ms = 基线的 {ass / base:4.2f}×")
        app.close()
    del qapp
    return 0 if dash < 100 else 1


if __name__ == "__main__":
    sys.exit(main())
