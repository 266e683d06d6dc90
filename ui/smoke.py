"""Self-check of an installed program (``main.py --smoke``) and the start-up probe.

``--smoke`` proves that a built folder is complete: it opens a database in a
temporary folder with a Chinese name, loads the plan, builds the main window
offscreen with every page, writes last month's briefing (PDF, a preview that does
not take an issue number; three pages on an empty database) and a one-sheet ledger
(xlsx), reads both back and exits 0. Any failure prints a Chinese message and
exits 1. Set ``ZHUSHAN_SMOKE_OUT`` to keep the files in that folder.

The start-up probe (``ZHUSHAN_STARTUP_PROBE=1`` with ``--smoke``) runs the real
start-up path (``ui.app.run_gui``) instead, prints one ``ZHUSHAN_STARTUP_READY``
line as soon as the main window is shown and the event loop is idle, and quits.
``ZHUSHAN_STARTUP_PROBE=bare`` shows a bare window with one label instead, the
baseline of bench/bench_startup.py.

Only the standard library is imported at module level: this module is on the
measured start-up path.

Size: a few lines over 400: the self-check's run loop and the start-up probe share the
markers and helpers here; a step needing more than a few lines lives in ui/smoke_*.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any
from models.app import cli_actor

PROBE_ENV = "ZHUSHAN_STARTUP_PROBE"
OUT_ENV = "ZHUSHAN_SMOKE_OUT"
READY_MARKER = "ZHUSHAN_STARTUP_READY"
TIMEOUT_MARKER = "ZHUSHAN_STARTUP_TIMEOUT"
FIRST_MARKER = "ZHUSHAN_STARTUP_FIRST_WINDOW"
LOGIN_ENV = "ZHUSHAN_PROBE_LOGIN"
NOWAIT_ENV = "ZHUSHAN_PROBE_NOWAIT"
# Modules the GUI start-up must not import (they are loaded when an export needs them).
HEAVY_MODULES = ("pandas", "openpyxl", "reportlab")
PROBE_TIMEOUT_MS = 120_000
SMOKE_LEDGER_SHEET = "任务推进台账"


class SmokeFailure(Exception):
    """A self-check step found a problem (message in Chinese)."""


def probe_requested() -> bool:
    """Whether ``--smoke`` runs the start-up probe of the real program (not the self-check)."""
    return os.environ.get(PROBE_ENV, "").strip().lower() in ("1", "true", "yes")


def run_smoke(args: argparse.Namespace) -> int:
    probe = os.environ.get(PROBE_ENV, "").strip().lower()
    if probe_requested():
        return run_probe(args)
    if probe == "bare":
        return run_bare_probe()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return SmokeCheck(args).run()


# -- the self-check ---------------------------------------------------------------------

class SmokeCheck:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        keep = os.environ.get(OUT_ENV, "").strip()
        self.keep = bool(keep)
        self.out = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="zhushan-smoke-")) / "自检输出"
        self.ctx: dict[str, Any] = {}

    def run(self) -> int:
        steps: list[tuple[str, Callable[[], str]]] = [
            ("启动 Qt（中文翻译、字体）", self.step_qt),
            ("加载计划", self.step_plan),
            ("打开数据库", self.step_db),
            ("构建主窗口及全部页面", self.step_window),
            ("生成工作简报（PDF）", self.step_briefing),
            ("生成一张台账工作表（Excel）", self.step_ledger),
            ("读取实施方案文档（Word、PDF）", self.step_plan_import),
            ("佐证材料（照片缩小、PDF 缩略图）", self.step_evidence),
        ]
        _say(f"自检开始：输出文件夹 {self.out}")
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            for name, step in steps:
                t0 = time.perf_counter()
                try:
                    detail = step()
                except SmokeFailure as exc:
                    _say(f"[失败] {name}：{exc}", err=True)
                    return 1
                except _known_errors() as exc:
                    _say(f"[失败] {name}：{exc}", err=True)
                    return 1
                except Exception as exc:  # noqa: BLE001 - the self-check reports every failure
                    _say(f"[失败] {name}：程序内部错误（{exc or '没有说明'}），详细信息见下方", err=True)
                    traceback.print_exc(file=sys.stderr)
                    return 1
                ms = (time.perf_counter() - t0) * 1000
                _say(f"[通过] {name}（{ms:.0f} 毫秒）{('：' + detail) if detail else ''}")
            _say("自检通过。")
            return 0
        finally:
            self.close()

    def close(self) -> None:
        win = self.ctx.pop("window", None)
        if win is not None:
            win.close()
            win.deleteLater()
        app = self.ctx.pop("app", None)
        if app is not None:
            app.close()
        if not self.keep:
            shutil.rmtree(self.out.parent, ignore_errors=True)

    def step_qt(self) -> str:
        from ui.qtsetup import make_application
        qapp = make_application(sys.argv[:1])
        self.ctx["qapp"] = qapp
        found = [Path(tr.filePath()).name for tr in (qapp.property("_zh_translators") or [])]
        if "qtbase_zh_CN.qm" not in found:
            raise SmokeFailure("未找到 Qt 的中文翻译文件 qtbase_zh_CN.qm（对话框按钮将显示英文）。")
        family = qapp.font().family()
        return f"平台 {qapp.platformName()}，字体 {family}，翻译 {'、'.join(found)}"

    def step_plan(self) -> str:
        from models.plan_load import load_plan
        plan = load_plan(self.args.plan)
        if not plan.tasks or not plan.indicators:
            raise SmokeFailure("计划文件中没有任务或指标。")
        self.ctx["plan"] = plan
        return f"{plan.district}，{len(plan.tasks)} 项任务，{len(plan.indicators)} 项指标"

    def step_db(self) -> str:
        from models.app import App
        from models.store import Store
        db = Path(self.args.db) if self.args.db else self.out / "自检数据库.db"
        app = App(Store(db), self.ctx["plan"])
        self.ctx["app"] = app
        units = app.reporting_units()
        if not units:
            raise SmokeFailure("数据库中没有填报单位。")
        return f"{db}，{len(units)} 个填报单位"

    def step_window(self) -> str:
        from ui.main_window import MainWindow
        qapp = self.ctx["qapp"]
        win = MainWindow(self.ctx["app"], cli_actor(self.ctx["app"]))
        self.ctx["window"] = win
        win.resize(1366, 768)
        win.show()
        qapp.processEvents()
        keys = [s.key for s in win.specs]
        for key in keys:
            page = win.show_page(key)
            qapp.processEvents()
            if not page.isVisible():
                raise SmokeFailure(f"页面“{key}”未能显示。")
        return f"{len(keys)} 个页面：{'、'.join(s.title for s in win.specs)}"

    def month(self) -> str:
        from models.app import current_month
        return current_month()

    def step_briefing(self) -> str:
        from exports.briefing import build_briefing
        path, app = self.out / "工作简报.pdf", self.ctx["app"]
        build_briefing(app, cli_actor(app), self.month(), path, _briefing_options())
        data = path.read_bytes() if path.exists() else b""
        if not data.startswith(b"%PDF"):
            raise SmokeFailure(f"简报文件 {path} 未生成或不是 PDF。")
        pages = _pdf_page_count(data)
        if pages != 1:
            raise SmokeFailure(f"简报文件 {path} 应为1页，实为{pages}页。")
        return f"{path.name}，{pages} 页，{len(data) // 1024} KB"

    def step_ledger(self) -> str:
        from exports.ledger import build_ledger
        path, actor = self.out / "月度台账.xlsx", cli_actor(self.ctx["app"])
        build_ledger(self.ctx["app"], actor, self.month(), path, actor.bureau, sheets=[SMOKE_LEDGER_SHEET])
        if not path.exists():
            raise SmokeFailure(f"台账文件 {path} 未生成。")
        from openpyxl import load_workbook
        wb = load_workbook(path, read_only=True)
        try:
            names = list(wb.sheetnames)
            rows = sum(1 for _ in wb[names[0]].iter_rows(values_only=True)) if names else 0
        finally:
            wb.close()
        if names != [SMOKE_LEDGER_SHEET]:
            raise SmokeFailure(f"台账工作表应为“{SMOKE_LEDGER_SHEET}”，实际为 {names}。")
        return f"{path.name}，工作表 {names[0]}，{rows} 行"

    def step_plan_import(self) -> str:
        from ui.smoke_import import check_plan_import
        return check_plan_import(self.out, self.out / "工作简报.pdf", self.ctx["plan"].district)

    def step_evidence(self) -> str:
        from ui.smoke_evidence import check_evidence
        return check_evidence(self.ctx["plan"], self.out, self.out / "工作简报.pdf")


def _known_errors() -> tuple[type[Exception], ...]:
    """Errors with a Chinese message for the user (no traceback needed)."""
    from models.errors import DomainError
    from models.plan import PlanError
    from models.store import StoreError
    return (PlanError, StoreError, DomainError)


def _briefing_options() -> Any:
    """A one-page briefing (总体情况 only) as a preview: the issue number is not recorded."""
    from exports.briefing import BriefingOptions
    return BriefingOptions(record_issue=False, only=("overview",))


def _pdf_page_count(data: bytes) -> int:
    """Pages of a PDF written by reportlab (its page tree lists ``/Type /Page`` objects)."""
    import re
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def _say(text: str, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


# -- the start-up probe -------------------------------------------------------------------

def heavy_modules_loaded() -> list[str]:
    return sorted(m for m in HEAVY_MODULES if m in sys.modules)


def _emit(marker: str, info: dict[str, Any]) -> None:
    sys.stdout.write(f"{marker} {json.dumps(info, ensure_ascii=False)}\n")
    sys.stdout.flush()


def _report_ready(kind: str, window: Any, login_ms: float = 0.0, wait_ms: float = 0.0,
                  prepared: bool = False) -> None:
    page = ""
    stack = getattr(window, "stack", None)
    pages = getattr(window, "pages", {})
    if stack is not None:
        current = stack.currentWidget()
        page = next((k for k, w in pages.items() if w is current), "")
    _emit(READY_MARKER, {"kind": kind, "page": page, "heavy": heavy_modules_loaded(),
                         "title": window.windowTitle(), "login_ms": round(login_ms, 1),
                         "wait_ms": round(wait_ms, 1), "prepared": prepared})


def _install_probe(qapp: Any, kind: str, main_window: Callable[[], Any],
                   was_prepared: Callable[[], bool] = lambda: False) -> Any:
    """Report the first window once it is shown and idle, then the main window
    (``main_window()``, None until there is one) once it is shown and idle, then quit.

    The probe looks every millisecond at the active modal dialog and the main window.
    It does not filter the application's events: a Python event filter makes PySide
    load every Qt class (and build its enums) the first time an event reaches one of
    Qt's internal objects, which costs a program with real widgets tens of
    milliseconds that it never spends without the probe.

    A sign-in dialog (``username``, ``password``, ``try_login``) is filled from
    ``ZHUSHAN_PROBE_LOGIN=user:password`` and accepted. Like a person, the probe first
    waits until the dialog has finished getting ready (``preparing()``), fills in the
    name (or keeps the pre-filled one), types the password, waits again and presses
    the button. Reported: ``wait_ms``, from the dialog's first idle moment to the
    button (the person's time, in which the program gets ready); ``login_ms``, from
    the button to the main window's first idle moment; ``prepared``, whether the
    window shown was the one built while the dialog waited. With ``ZHUSHAN_PROBE_NOWAIT=1`` the
    probe does not wait: the dialog is filled and accepted at once."""
    from PySide6.QtCore import QObject, QTimer

    nowait = os.environ.get(NOWAIT_ENV) == "1"

    class Probe(QObject):
        def __init__(self) -> None:
            super().__init__(qapp)
            self.done = False
            self.first = False
            self.dialogs: list[Any] = []
            self.login_ms = 0.0
            self.wait_ms = 0.0
            self.t_first = 0.0
            self.t_login = 0.0
            self.timer = QTimer(self)
            self.timer.setInterval(1)
            self.timer.timeout.connect(self.look)
            self.timer.start()

        def look(self) -> None:
            if self.done:
                return
            modal = qapp.activeModalWidget()
            win = main_window()
            shown = win if win is not None and win.isVisible() else None
            if modal is not None and not modal.isVisible():
                modal = None
            if not self.first and (modal is not None or shown is not None):
                self.first = True
                name = type(modal if modal is not None else shown).__name__
                QTimer.singleShot(0, lambda: self.first_idle(name))
            if shown is not None and modal is None:
                self.done = True
                self.timer.stop()
                QTimer.singleShot(0, lambda: self.ready(shown))
            elif modal is not None and not any(d is modal for d in self.dialogs):
                self.dialogs.append(modal)
                if hasattr(modal, "try_login"):
                    QTimer.singleShot(0, lambda: self.wait_then(modal, self.fill))
                else:
                    _emit(TIMEOUT_MARKER, {"reason": f"意外的对话框：{type(modal).__name__} "
                                                     f"{modal.windowTitle()}"})
                    qapp.exit(3)

        def first_idle(self, name: str) -> None:
            self.t_first = time.perf_counter()
            _emit(FIRST_MARKER, {"window": name})

        def wait_then(self, dialog: Any, step: Callable[[Any], None]) -> None:
            """Run ``step`` once the dialog is no longer preparing (at once with NOWAIT)."""
            preparing = getattr(dialog, "preparing", lambda: False)

            def poll() -> None:
                if not nowait and preparing():
                    QTimer.singleShot(1, poll)
                    return
                step(dialog)

            poll()

        def fill(self, dialog: Any) -> None:
            user, _, password = os.environ.get(LOGIN_ENV, "").partition(":")
            if not user:
                _emit(TIMEOUT_MARKER, {"reason": f"登录对话框出现，但未设置 {LOGIN_ENV}"})
                qapp.exit(3)
                return
            if dialog.username.text() != user:
                dialog.username.setText(user)
                dialog.username.editingFinished.emit()  # as Tab to the password field does
            dialog.password.setText(password)
            QTimer.singleShot(0, lambda: self.wait_then(dialog, self.submit))

        def submit(self, dialog: Any) -> None:
            self.t_login = time.perf_counter()
            if self.t_first:  # the user's time: from the dialog being ready to the button
                self.wait_ms = (self.t_login - self.t_first) * 1000
            dialog.try_login()

        def ready(self, window: Any) -> None:
            if self.t_login:
                self.login_ms = (time.perf_counter() - self.t_login) * 1000
            _report_ready(kind, window, self.login_ms, self.wait_ms, was_prepared())
            qapp.quit()

    probe = Probe()

    def timeout() -> None:
        _emit(TIMEOUT_MARKER, {"reason": "超时"})
        qapp.exit(3)

    QTimer.singleShot(PROBE_TIMEOUT_MS, timeout)
    return probe


def run_probe(args: argparse.Namespace) -> int:
    """The real start-up (``run_gui``) with the probe watching for the main window."""
    from PySide6.QtWidgets import QApplication
    qapp = QApplication.instance() or QApplication(sys.argv[:1])

    def main_window() -> Any:
        from ui.app import current
        st = current()
        return st.window if st is not None else None

    def was_prepared() -> bool:
        from ui.app import current
        st = current()
        return bool(st is not None and st.window_was_prepared)

    probe = _install_probe(qapp, "app", main_window, was_prepared)
    from ui.app import run_gui
    rc = run_gui(args)
    probe.timer.stop()
    return rc


def run_bare_probe() -> int:
    """Baseline: a bare main window showing one label."""
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    win = QMainWindow()
    _install_probe(qapp, "bare", lambda: win)
    win.setCentralWidget(QLabel("碳达峰调度系统"))
    win.show()
    return qapp.exec()
