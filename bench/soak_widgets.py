"""A day at the desk, compressed: thousands of operations on the real widgets of one main
window, then what grew. Prints, at the start (after one warm-up round), half way and at
the end: resident memory, Python objects, widgets, Qt objects under the window, open
file handles (on Windows also GDI and USER objects), and the median time of an operation
in the first and the last rounds — each as a ratio against the start of the same run.

    .venv/bin/python bench/soak_widgets.py            # SOAK_OPS=3000 operations (a few minutes)
    SOAK_OPS=20000 .venv/bin/python bench/soak_widgets.py

Operations, in rotation: the clerk's month (choose an item, type into its fields, autosave,
撤销, search the list, previous/next month, the history dialog), the office's pages (审核报送
with its search and a header click, 调度看板, 考核评价, 计划目录, 修改记录), 帮助 (F1), and
every 250 operations a fill-in template exported through the 台账与模板 page's worker thread.
Exit code 1 when memory grew by more than half or widgets/Qt objects/handles kept growing.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import make_demo_db, run_in_temp  # noqa: E402

OPS = int(os.environ.get("SOAK_OPS", "3000"))
SOAK_UNTIL = os.environ.get("SOAK_UNTIL", "")  # demo data up to this month (default: last month)


def rss_kb() -> int:
    """Resident memory of this process in KB (Linux /proc, Windows psapi)."""
    if sys.platform.startswith("win"):
        import ctypes
        from ctypes import wintypes

        class Counters(ctypes.Structure):
            _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                        ("PeakWorkingSetSize", ctypes.c_size_t), ("WorkingSetSize", ctypes.c_size_t),
                        ("QuotaPeakPagedPoolUsage", ctypes.c_size_t), ("QuotaPagedPoolUsage", ctypes.c_size_t),
                        ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
                        ("QuotaNonPagedPoolUsage", ctypes.c_size_t), ("PagefileUsage", ctypes.c_size_t),
                        ("PeakPagefileUsage", ctypes.c_size_t)]
        c = Counters()
        c.cb = ctypes.sizeof(c)
        ctypes.windll.psapi.GetProcessMemoryInfo(ctypes.windll.kernel32.GetCurrentProcess(),  # type: ignore[attr-defined]
                                                 ctypes.byref(c), c.cb)
        return int(c.WorkingSetSize // 1024)
    with open("/proc/self/statm", encoding="ascii") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def handles() -> dict[str, int]:
    """Open handles: file descriptors (Linux), kernel, GDI and USER objects (Windows)."""
    if sys.platform.startswith("win"):
        import ctypes
        proc = ctypes.windll.kernel32.GetCurrentProcess()  # type: ignore[attr-defined]
        count = ctypes.c_ulong()
        ctypes.windll.kernel32.GetProcessHandleCount(proc, ctypes.byref(count))  # type: ignore[attr-defined]
        gui = ctypes.windll.user32.GetGuiResources  # type: ignore[attr-defined]
        return {"句柄": count.value, "GDI": gui(proc, 0), "USER": gui(proc, 1)}
    return {"文件描述符": len(os.listdir("/proc/self/fd"))}


def sample(win: Any) -> dict[str, int]:
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication
    QApplication.processEvents()
    gc.collect()
    return {"内存KB": rss_kb(), "Python对象": len(gc.get_objects()), "控件": len(QApplication.allWidgets()),
            "Qt对象": len(win.findChildren(QObject)), "顶层窗口": len(QApplication.topLevelWidgets()),
            **handles()}


def run(tmp: Path) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from models.app import ADMIN, CLERK, Actor, App, current_month
    from models.plan_load import load_plan
    from models.store import Store
    from ui.history_dialog import HistoryDialog
    from ui.main_window import MainWindow
    from ui.qtsetup import make_application
    from ui.workspace_tree import INDICATORS, TASKS

    db = tmp / "soak" / "demo.db"
    note = make_demo_db(db, SOAK_UNTIL or current_month())
    qapp = make_application(sys.argv[:1])
    app = App(Store(db), load_plan())
    unit = app.plan.tasks[0].lead  # the lead of the bundled plan's first task (no unit named in code)
    clerk = Actor("soak-clerk", CLERK, unit, "填报员")
    office = Actor("soak-admin", ADMIN, None, "管理员")
    cw = MainWindow(app, clerk)
    ow = MainWindow(app, office)
    for w in (cw, ow):
        w.resize(1366, 768)
        w.show()
    ws = cw.show_page("workspace")
    items = [(it.data(0, 0x0100), it.data(0, 0x0101)) for it in ws.items()]
    months = [ws.month, *(m for m in reversed(ws.months()[-4:-1]))]
    pages = ["review", "dashboard", "assessment", "catalog", "audit"]
    state = {"i": 0}

    def clerk_item() -> None:
        kind, code = items[state["i"] % len(items)]
        ws.select(kind, code)
        if ws.lock_reason:
            return
        if kind == TASKS:
            ed = ws.task_panel.form.editors["next_plan"]
            ed.set_value(f"第{state['i']}次修改：继续推进")
            ed.edited.emit("next_plan")
        elif kind == INDICATORS and ws.ind_panel.value_ed is not None:
            ed = ws.ind_panel.value_ed
            ed.set_value(str(10 + state["i"] % 7))
            ed._changed()
        ws.flush()

    def clerk_undo() -> None:
        ws.undo()

    def clerk_search() -> None:
        ws.search.setText(["", "I0", "推进", "绿色", ""][state["i"] % 5])

    def clerk_month() -> None:
        ws.set_month(months[state["i"] % len(months)])

    def clerk_history() -> None:
        def close() -> None:
            dlg = QApplication.activeModalWidget()
            if isinstance(dlg, HistoryDialog):
                dlg.reject()
            else:
                QTimer.singleShot(5, close)
        QTimer.singleShot(0, close)
        ws.show_history()  # the button's own way: modal, closed by the timer above

    def office_page() -> None:
        page = ow.show_page(pages[state["i"] % len(pages)])
        table = getattr(page, "table", None)
        if table is not None and hasattr(table, "sortByColumn"):
            table.sortByColumn(state["i"] % 3, Qt.SortOrder(state["i"] % 2))
        search = getattr(page, "search", None)
        if search is not None:
            search.setText(["", "局", ""][state["i"] % 3])

    def help_f1() -> None:
        h = ow.show_help()
        h.close()

    def export() -> None:
        view = ow.show_page("excel")

        class Silent:
            def save_path(self, *_a: Any, **_k: Any) -> str:
                return str(tmp / "soak" / f"模板{state['i']}.xlsx")

            def open_path(self, *_a: Any) -> str:
                return ""

            def done(self, *_a: Any) -> None:
                pass

        view.dialogs = Silent()
        view.unit.setCurrentIndex(max(1, view.unit.findData(unit)))
        view.on_export_template()
        while view.busy():
            qapp.processEvents()
            time.sleep(0.005)

    from PySide6.QtCore import Qt
    ops: list[tuple[str, Callable[[], None], int]] = [
        ("填报", clerk_item, 10), ("撤销", clerk_undo, 1), ("查找", clerk_search, 1), ("换月", clerk_month, 1),
        ("修改记录", clerk_history, 1), ("办公室页面", office_page, 3), ("帮助", help_f1, 1)]
    plan = [(name, fn) for name, fn, weight in ops for _ in range(weight)]

    def one(k: int) -> float:
        state["i"] = k
        name, fn = plan[k % len(plan)]
        t0 = time.perf_counter()
        if k and k % 250 == 0:
            export()
        else:
            fn()
        qapp.processEvents()
        return (time.perf_counter() - t0) * 1000

    print(f"数据：{note}；操作次数 {OPS}（SOAK_OPS）")
    for k in range(len(plan) * 2):  # warm-up: every page and editor built once
        one(k)
    for k, key in enumerate(pages):
        state["i"] = k
        office_page()
        ow.show_page(key)
    for kind, code in items:
        ws.select(kind, code)
    export()
    clerk_history()
    start = sample(ow)
    times = [one(k) for k in range(OPS // 2)]
    half = sample(ow)
    times += [one(k) for k in range(OPS // 2, OPS)]
    end = sample(ow)
    if os.environ.get("SOAK_DEBUG"):
        from collections import Counter
        counts = Counter(type(w).__name__ for w in QApplication.allWidgets())
        print("控件种类：", counts.most_common(12))
        print("顶层窗口：", Counter(type(w).__name__ for w in QApplication.topLevelWidgets()).most_common(8))
    cw.close()
    ow.close()
    app.close()

    print(f"{'':10}{'开始':>12}{'一半':>12}{'结束':>12}{'结束/开始':>10}")
    grew = []
    for key in start:
        ratio = end[key] / start[key] if start[key] else 1.0
        print(f"{key:10}{start[key]:>12}{half[key]:>12}{end[key]:>12}{ratio:>10.2f}")
        if key == "内存KB" and ratio > 1.5:
            grew.append(key)
        elif key in ("控件", "Qt对象", "顶层窗口") and end[key] > half[key] > start[key]:
            grew.append(key)
        elif key in ("文件描述符", "句柄", "GDI", "USER") and end[key] > half[key] + 5 > start[key] + 10:
            grew.append(key)
    n = max(1, len(times) // 10)
    first, last = statistics.median(times[:n]), statistics.median(times[-n:])
    print(f"操作耗时中位数：前10% {first:.1f} ms，后10% {last:.1f} ms，后/前 = {last / first:.2f}")
    if grew:
        print("持续增长：" + "、".join(grew))
        return 1
    print("内存、控件、Qt对象和句柄保持平稳。")
    return 0


if __name__ == "__main__":
    sys.exit(run_in_temp(run))
