"""Regenerate the screenshots of docs/用户手册.md (docs/images/*.png).

    .venv/bin/python docs/make_screenshots.py

Runs itself under Xvfb at 1366×768 (``xvfb-run``) when there is no display, builds a demo
database (示例数据 up to last month) with a few accounts, shows each screen at full size
with the real widgets and saves a grab of the window. PNGs are reduced to 256 colours with
ImageMagick when it is installed (``convert``/``magick``), else saved with Qt's strongest
PNG compression.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# ZS_SHOTS_DIR and ZS_SHOTS_SIZE (e.g. 1920x1080) take the same screens elsewhere and at
# another size, to look at them; the manual's images are 1366×768.
OUT = Path(os.environ.get("ZS_SHOTS_DIR") or ROOT / "docs" / "images")
SIZE = tuple(int(n) for n in os.environ.get("ZS_SHOTS_SIZE", "1366x768").split("x"))[:2]
# Names of the images to write (all when none are given on the command line).
ONLY = {a for a in sys.argv[1:] if a.endswith(".png")}
PASSWORD = "Zs-2026-demo"
CLERK_UNIT = "区住建局"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _relaunch_under_xvfb() -> int | None:
    """Run this script again inside Xvfb when no display is available (returns its exit code)."""
    if os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") or os.environ.get("_ZS_SHOTS"):
        return None
    xvfb = shutil.which("xvfb-run")
    if not xvfb:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        print("没有 xvfb-run，改用 offscreen 模式截图。")
        return None
    env = dict(os.environ, _ZS_SHOTS="1", QT_QPA_PLATFORM="xcb")
    cmd = [xvfb, "-a", "-s", f"-screen 0 {SIZE[0]}x{SIZE[1]}x24", sys.executable, str(Path(__file__).resolve()),
           *sys.argv[1:]]
    return subprocess.call(cmd, env=env)


def _settle(qapp: Any, rounds: int = 8) -> None:
    """Let layouts, lazy fills and paints happen before grabbing (a few event-loop turns)."""
    from PySide6.QtCore import QEventLoop, QTimer
    for _ in range(rounds):
        loop = QEventLoop()
        QTimer.singleShot(15, loop.quit)
        loop.exec()


def _save(widget: Any, name: str, qapp: Any) -> Path:
    path = OUT / name
    if ONLY and name not in ONLY:
        return path
    _settle(qapp)
    pix = widget.grab()
    pix.save(str(path), "PNG", 0)
    tool = shutil.which("magick") or shutil.which("convert")
    if tool:
        tmp = path.with_suffix(".tmp.png")
        r = subprocess.run([tool, str(path), "-strip", "-colors", "256", f"PNG8:{tmp}"],
                           capture_output=True, text=True, encoding="utf-8", check=False)
        if r.returncode == 0 and tmp.exists() and tmp.stat().st_size < path.stat().st_size:
            tmp.replace(path)
        tmp.unlink(missing_ok=True)
    print(f"  {path.as_posix()}  {pix.width()}×{pix.height()}  {path.stat().st_size // 1024} KB")
    return path


def main() -> int:
    rc = _relaunch_under_xvfb()
    if rc is not None:
        return rc
    from models import accounts
    from models.app import ADMIN, CLERK, CLI_ACTOR, App, Actor, current_month
    from models.demo import generate_demo
    from models.plan_load import load_plan
    from models.store import Store
    from ui.first_run_dialog import FirstRunDialog
    from ui.login_dialog import LoginDialog
    from ui.main_window import MainWindow
    from ui.qtsetup import make_application

    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="zhushan-shots-"))
    qapp = make_application(sys.argv[:1])
    plan = load_plan()
    month = current_month()
    try:
        empty = App(Store(tmp / "新数据库.db"), plan)
        # laid out like the per-user data folder on Windows (it shows on the backup page)
        app = App(Store(tmp / "AppData" / "Roaming" / "Zhushan" / "ZhushanCarbonPeak" / "zhushan.db"), plan)
        generate_demo(app, CLI_ACTOR, month, streets=6, seed=1)
        admin = accounts.create_first_admin(app, "admin", PASSWORD, "王建国")
        accounts.create_user(app, admin, "zjj01", CLERK, PASSWORD, CLERK_UNIT, "李芳")
        accounts.create_user(app, admin, "office01", "reviewer", PASSWORD, None, "张敏")
        clerk = Actor("zjj01", CLERK, CLERK_UNIT, "李芳")
        office = Actor("admin", ADMIN, None, "王建国")
        print(f"截图（{SIZE[0]}×{SIZE[1]}，示例数据至 {month}，平台 {qapp.platformName()}）：")

        dlg = FirstRunDialog(empty)
        dlg.show()
        _save(dlg, "first-run.png", qapp)
        dlg.close()
        login = LoginDialog(app, "", "zjj01")
        login.show()
        _save(login, "login.png", qapp)
        login.close()

        def window(actor: Actor) -> Any:
            win = MainWindow(app, actor)
            win.resize(*SIZE)
            win.move(0, 0)
            win.show()
            return win

        # the clerk's workspace: a task with a milestone
        win = window(clerk)
        ws = win.show_page("workspace")
        with_milestone = next((t.code for t, _ in app.tasks_of(CLERK_UNIT) if plan.milestones_of(t.code)), None)
        if with_milestone:
            ws.select("task", with_milestone)
        _save(win, "workspace.png", qapp)
        _evidence(ws, app, clerk, tmp)
        _save(win, "evidence.png", qapp)
        _submit_check(ws, app, clerk, qapp)
        _save(win, "submit-check.png", qapp)
        _select_first(win.show_page("catalog"))
        _save(win, "catalog.png", qapp)
        win.close()

        win = window(office)
        shots: list[tuple[str, str, Callable[[Any], object] | None]] = [
            ("excel", "excel.png", None),
            ("exchange", "exchange.png", lambda p: _choose_packages(p, app, office, clerk, tmp)),
            ("review", "review.png", lambda p: _select_submitted(p)),
            ("dashboard", "dashboard.png", lambda p: _select_first(p)),
            ("assessment", "assessment.png", None),
            ("briefing", "briefing.png", lambda p: p.preview()),
            ("settings", "settings.png", None),
            ("accounts", "accounts.png", None),
            ("backup", "backup.png", lambda p: _second_place(p, app, office, tmp)),
        ]
        for key, name, prepare in shots:
            if key not in {s.key for s in win.specs}:
                print(f"  （没有“{key}”页面，跳过 {name}）")
                continue
            page = win.show_page(key)
            _settle(qapp, 3)
            if prepare:
                prepare(page)
            _save(win, name, qapp)
        win.show_page("review")
        help_window = win.show_help()  # F1 on the review page
        help_window.resize(1100, 680)
        _save(help_window, "help.png", qapp)
        help_window.close()
        win.close()
        app.close()
        empty.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _submit_check(ws: Any, app: Any, actor: Any, qapp: Any) -> None:
    """Make one required field empty in the current month and press 报送本月, which lists the
    problems instead of submitting (no confirmation dialog appears while there are problems)."""
    from models.app import current_month
    ws.set_month(current_month())
    if ws.lock_reason:
        return
    problems = ws.entries.month_problems(ws.actor, ws.unit, ws.month)
    if not problems:
        task = next(t for t, role in app.tasks_of(ws.unit) if role == "lead")
        ws.select("task", task.code)
        editor = ws.panel().form.editors.get("progress")
        if editor is None:
            return
        editor.set_value("")
        editor.edited.emit("progress")
        ws.flush()
        if not ws.entries.month_problems(ws.actor, ws.unit, ws.month):
            return
    ws.submit()


def _evidence(ws: Any, app: Any, clerk: Any, tmp: Path) -> None:
    """The clerk's task with 佐证材料: two site photos, meeting minutes as a PDF, a statistics sheet."""
    from PySide6.QtGui import QTextDocument
    from PIL import Image, ImageDraw
    from ui.office_common import print_to_pdf
    task = next(t.code for t, role in app.tasks_of(CLERK_UNIT) if role == "lead")
    ws.set_month(ws.months()[-1])
    ws.select("task", task)
    if ws.lock_reason:
        return
    files = []
    for i, (sky, roof) in enumerate((((135, 190, 235), (120, 120, 125)), ((170, 205, 240), (150, 110, 90)))):
        img = Image.new("RGB", (3000, 2000), sky)
        d = ImageDraw.Draw(img)
        d.rectangle([0, 1400, 3000, 2000], fill=(95, 140, 80))
        d.rectangle([500 + i * 300, 700, 2300, 1500], fill=(225, 220, 210))
        d.polygon([(400 + i * 300, 720), (1400, 250), (2400, 720)], fill=roof)
        for x in range(700 + i * 300, 2100, 260):  # rows of solar panels on the roof
            d.polygon([(x, 640), (x + 200, 640), (x + 140, 420), (x - 40, 420)], fill=(30, 50, 110))
        p = tmp / f"屋顶光伏施工现场{i + 1}.jpg"
        img.save(p, "JPEG", quality=88)
        files.append(p)
    doc = QTextDocument()
    doc.setHtml("<h2 align='center'>建筑屋顶光伏推进会会议纪要</h2><p>会议听取了各街道屋顶光伏项目进展情况汇报，"
                "明确下阶段并网调试和验收安排。</p>")
    files.append(print_to_pdf(doc, tmp / "推进会会议纪要.pdf"))
    for path, caption in zip(files, ("施工现场", "并网前检查", "月度推进会"), strict=True):
        ws.entries.attach_file(clerk, CLERK_UNIT, ws.month, "task_report", task, path, caption)
    ws.select("task", task)
    ws.task_panel.evidence.reload()
    ws.task_scroll.ensureWidgetVisible(ws.task_panel.evidence)


def _choose_packages(page: Any, app: Any, office: Any, clerk: Any, tmp: Path) -> None:
    """The office previewing a unit's package: install the unit on a second database, let it
    export its package for last month, and choose that file on the office's exchange page."""
    from models import exchange_export, exchange_install
    from models.app import CLI_ACTOR, App, current_month
    from models.demo import generate_demo
    from models.plan_load import load_plan
    from models.store import Store
    zsi = exchange_install.make_install(app, office, CLERK_UNIT, tmp / f"{CLERK_UNIT}.zsi")
    unit_db = tmp / "单位电脑" / "zhushan.db"
    unit_db.parent.mkdir(parents=True, exist_ok=True)
    # the bureau's sample entries are made before it is installed (a bureau has no office powers)
    demo_app = App(Store(unit_db), load_plan())
    try:
        generate_demo(demo_app, CLI_ACTOR, current_month(), streets=6, seed=2)
    finally:
        demo_app.close()
    exchange_install.install(unit_db, zsi, CLI_ACTOR)
    unit_app = App(Store(unit_db), load_plan(exchange_install.installed_plan_path(unit_db)))
    try:
        zsp = exchange_export.export_package(unit_app, clerk, current_month(),
                                      tmp / f"{CLERK_UNIT}-{current_month()}.zsp")
    finally:
        unit_app.close()
    page.refresh()  # the office has made an installation file: it is the office's PC
    page.dialogs.open_paths = lambda *_a: [str(zsp)]
    page.on_choose()


def _second_place(page: Any, app: Any, office: Any, tmp: Path) -> None:
    """A second place for the backups (a USB stick here), then a backup copied there."""
    from models import backup
    usb = tmp / "U盘" / "碳达峰备份"
    usb.mkdir(parents=True, exist_ok=True)
    backup.set_copy_location(app, office, usb)
    page.refresh()
    page.backup_now()


def _select_first(page: Any) -> bool:
    tree = getattr(page, "tree", None)
    if tree is None or tree.topLevelItemCount() == 0:
        return False
    item = tree.topLevelItem(0)
    item.setExpanded(True)
    tree.setCurrentItem(item.child(0) if item.childCount() else item)
    return True


def _select_submitted(page: Any) -> None:
    rows = getattr(page.model, "rows", [])
    unit = next((r["unit"] for r in rows if r.get("state") == "submitted"), rows[0]["unit"] if rows else None)
    if unit:
        page.select_unit(unit)


if __name__ == "__main__":
    sys.exit(main())
