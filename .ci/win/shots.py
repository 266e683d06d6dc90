"""Screenshots of every page at a Windows display scaling, and a check that no page is cut.

Run by ``.ci/win-shots.sh`` with the Windows Python under Wine, from the project folder,
with Qt's "windows" platform plugin on Xvfb and Wine's LogPixels set to 96/120/144
(100 %/125 %/150 %):

    python shots.py OUT_FOLDER DATABASE LABEL

Shows the sign-in dialog, then the main window (maximised, as on a first start) with every
page of an administrator and the monthly-entry page of a bureau clerk, and saves a PNG of
the screen for each (OUT_FOLDER/LABEL-NN-page.png). For each it prints whether the page's
layout fits: a layout whose minimum size is larger than the space it got is cut off on
the screen. Also opens the print preview dialog (assessment results), the briefing's
preview (QtPdf) and the briefing's 打印… (Windows' print dialog opens only where a printer
is installed, which under Wine needs CUPS) and reports what Wine shows. Exit code 1 when
something does not fit.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

PROBLEMS: list[str] = []


def settle(qapp: QApplication, ms: int = 400) -> None:
    """Let the window system and Qt finish drawing (Wine draws asynchronously)."""
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        qapp.processEvents()
        time.sleep(0.01)


def shot(qapp: QApplication, out: Path, name: str) -> Path:
    screen = QGuiApplication.primaryScreen()
    path = out / f"{name}.png"
    screen.grabWindow(0).save(str(path))
    return path


def fits(widget: QWidget, what: str) -> bool:
    """Whether the widget's layout got at least its minimum size (else it is cut off)."""
    need = widget.minimumSizeHint()
    have = widget.size()
    ok = need.width() <= have.width() and need.height() <= have.height()
    cut = [c for c in widget.findChildren(QWidget) if c.isVisible() and c.layout() is not None
           and (c.minimumSizeHint().width() > c.width() + 1 or c.minimumSizeHint().height() > c.height() + 1)]
    detail = f"需要 {need.width()}×{need.height()}，实有 {have.width()}×{have.height()}"
    if cut:
        ok = False
        detail += "；放不下的部件：" + "、".join(f"{type(c).__name__}({c.objectName() or '-'})" for c in cut[:5])
    print(f"[{'通过' if ok else '失败'}] {what}：{detail}", flush=True)
    if not ok:
        PROBLEMS.append(what)
    return ok


def main() -> int:
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    out, db, label = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    out.mkdir(parents=True, exist_ok=True)
    from models.app import ADMIN, CLERK, Actor, App
    from models.plan_load import load_plan
    from models.store import Store
    from ui.qtsetup import make_application
    qapp = make_application(sys.argv[:1])
    from PySide6.QtCore import QSettings
    QSettings().remove("main_window/geometry")  # placed as on a first start at this scaling
    screen = QGuiApplication.primaryScreen()
    print(f"平台 {qapp.platformName()}，屏幕 {screen.geometry().width()}×{screen.geometry().height()}（逻辑像素），"
          f"逻辑 DPI {screen.logicalDotsPerInch():.0f}，缩放 {screen.devicePixelRatio():.2f}，"
          f"字体 {qapp.font().family()}", flush=True)
    app = App(Store(db), load_plan())
    n = 0

    def save(name: str) -> None:
        nonlocal n
        n += 1
        p = shot(qapp, out, f"{label}-{n:02d}-{name}")
        print(f"    截图 {p.name}", flush=True)

    from ui.login_dialog import LoginDialog
    dlg = LoginDialog(app, username="admin")
    dlg.show()
    settle(qapp)
    fits(dlg, f"{label} 登录对话框")
    save("login")
    dlg.close()

    from ui.main_window import MainWindow
    for actor, who in ((Actor("admin", ADMIN, None, "管理员"), "admin"),
                       (Actor("clerk", CLERK, "区工信局", "区工信局填报员"), "clerk")):
        win = MainWindow(app, actor)
        win.show_initial()
        settle(qapp, 800)
        for spec in (win.specs if who == "admin" else win.specs[:1]):
            win.show_page(spec.key)
            settle(qapp, 600)
            fits(win.centralWidget(), f"{label} {who} {spec.title}（窗口 {win.width()}×{win.height()}）")
            save(f"{who}-{spec.key}")
        if who == "admin":
            preview_and_print_dialogs(qapp, win, save)
        win.close()
        settle(qapp, 200)
    app.close()
    return 1 if PROBLEMS else 0


def preview_and_print_dialogs(qapp: QApplication, win: Any, save: Any) -> None:
    """The print preview of the assessment results (QPrintPreviewDialog) and the
    briefing's print dialog (Windows' own), each closed after a screenshot."""
    from PySide6.QtPrintSupport import QPrinterInfo
    printers = [p.printerName() for p in QPrinterInfo.availablePrinters()]
    print(f"    打印机：{'、'.join(printers) if printers else '无（Wine 未连接 CUPS）'}", flush=True)

    def close_active(name: str) -> None:
        w = qapp.activeModalWidget()
        save(name)
        native = _foreground_title()
        print(f"    {name}：Qt 对话框 {type(w).__name__ + '“' + w.windowTitle() + '”' if w is not None else '无'}，"
              f"前台窗口“{native}”", flush=True)
        if w is not None and w.isVisible():
            w.close()
        else:
            _close_foreground()  # Windows' own print dialog: as the user pressing Esc

    page = win.show_page("assessment")
    settle(qapp, 400)
    QTimer.singleShot(2500, lambda: close_active("print-preview"))
    page.print_result()  # modal: returns when closed
    brief = win.show_page("briefing")
    settle(qapp, 400)
    shown = brief.preview()  # the briefing's own preview (QtPdf), as 生成预览 does
    settle(qapp, 1500)
    print(f"    简报预览：{'已显示' if shown else '未显示'}，{brief.pages_label.text()}", flush=True)
    save("briefing-preview")
    if printers:
        QTimer.singleShot(2500, lambda: close_active("print-dialog"))
    ok = brief.print_briefing()
    settle(qapp, 400)
    print(f"    简报“打印…”：{'已打印' if ok else '未打印'}；页面提示：{brief.message.text()}", flush=True)
    if not printers:
        save("print-no-printer")


def _foreground_title() -> str:
    import ctypes
    user32 = ctypes.windll.user32  # type: ignore[attr-defined]
    hwnd = user32.GetForegroundWindow()
    buf = ctypes.create_unicode_buffer(256)
    user32.GetWindowTextW(hwnd, buf, 256)
    return buf.value


def _close_foreground() -> None:
    import ctypes
    user32 = ctypes.windll.user32  # type: ignore[attr-defined]
    hwnd = user32.GetForegroundWindow()
    if hwnd:
        user32.PostMessageW(hwnd, 0x0010, 0, 0)  # WM_CLOSE


if __name__ == "__main__":
    sys.exit(main())
