"""`main.py --smoke` from source, the start-up probe, and what the start-up path imports.

The same self-check runs on the built folder in tests/test_build.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ui.smoke import (FIRST_MARKER, HEAVY_MODULES, OUT_ENV, PROBE_ENV, READY_MARKER,
                      SMOKE_LEDGER_SHEET, TIMEOUT_MARKER)

ROOT = Path(__file__).resolve().parent.parent


def env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items()
         if k not in (PROBE_ENV, OUT_ENV, "ZHUSHAN_AUTOLOGIN", "ZHUSHAN_AUTOLOGIN_PASSWORD")}
    e.update(QT_QPA_PLATFORM="offscreen", PYTHONUTF8="1", **extra)
    return e


def run_main(*args: str, timeout: float = 180, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=ROOT, timeout=timeout, env=env(**extra))


def marker(stdout: str, name: str) -> dict | None:
    for line in stdout.splitlines():
        if line.startswith(name + " "):
            return json.loads(line[len(name) + 1:])
    return None


def test_smoke_from_source_writes_briefing_and_ledger(tmp_path: Path) -> None:
    out = tmp_path / "自检 输出"
    r = run_main("--smoke", **{OUT_ENV: str(out)})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "自检通过" in r.stdout and "[失败]" not in r.stdout + r.stderr
    assert "qtbase_zh_CN.qm" in r.stdout
    # every page of the navigation was built
    pages_line = next(line for line in r.stdout.splitlines() if "构建主窗口" in line)
    assert "月度填报" in pages_line and "计划目录" in pages_line
    pdf = PdfReader(out / "工作简报.pdf")
    assert len(pdf.pages) == 1  # a one-page briefing (总体情况 only)
    assert "简报" in pdf.pages[0].extract_text()
    wb = load_workbook(out / "月度台账.xlsx", read_only=True)
    try:
        assert wb.sheetnames == [SMOKE_LEDGER_SHEET]
        rows = list(wb[SMOKE_LEDGER_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    assert len(rows) > 5
    assert any("任务推进台账" in str(c) for row in rows[:3] for c in row if c)
    assert (out / "自检数据库.db").exists()


def test_smoke_fails_with_chinese_message(tmp_path: Path) -> None:
    bad = tmp_path / "坏计划.toml"
    bad.write_text("format = 1\n[plan]\nid = 3\n", encoding="utf-8")
    r = run_main("--plan", str(bad), "--smoke", **{OUT_ENV: str(tmp_path / "out")})
    assert r.returncode == 1
    assert "[失败] 加载计划" in r.stderr and "计划文件" in r.stderr
    assert "Traceback" not in r.stderr
    assert "自检通过" not in r.stdout


def test_smoke_temp_folder_is_removed(tmp_path: Path) -> None:
    r = run_main("--smoke", TMPDIR=str(tmp_path), TEMP=str(tmp_path), TMP=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert str(tmp_path) in r.stdout  # the self-check worked in the temp folder given
    assert list(tmp_path.iterdir()) == []  # nothing left behind, also by the pages it opened


def test_startup_probe_reports_main_window_without_heavy_modules(tmp_path: Path) -> None:
    """The real start-up (ui.app.run_gui) to an idle main window: pandas, openpyxl and
    reportlab must not be loaded by then."""
    db = tmp_path / "启动" / "probe.db"
    r = run_main("--db", str(db), "--smoke", **{PROBE_ENV: "1", "ZHUSHAN_NO_LOGIN": "1"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert TIMEOUT_MARKER not in r.stdout
    first = marker(r.stdout, FIRST_MARKER)
    ready = marker(r.stdout, READY_MARKER)
    assert first is not None and ready is not None, r.stdout
    assert ready["kind"] == "app"
    assert ready["page"], "the first page must be shown"
    assert ready["heavy"] == [], f"start-up imported {ready['heavy']}"
    assert "碳达峰" in ready["title"]
    assert db.exists()


@pytest.mark.parametrize("nowait", [False, True])
def test_startup_probe_signs_in_like_a_person(tmp_path: Path, monkeypatch, nowait: bool) -> None:
    """With accounts the probe fills the sign-in dialog: it waits while the dialog gets
    ready (reported as wait_ms), then signs in; the main window shown is the one built
    while the dialog waited. With NOWAIT it signs in at once."""
    from models import accounts, passwords
    from models.app import App
    from ui.smoke import LOGIN_ENV, NOWAIT_ENV
    monkeypatch.setattr(passwords, "KDF_PARAMS", {"alg": "scrypt", "n": 16, "r": 1, "p": 1, "dklen": 32})
    db = tmp_path / "登录" / "probe.db"
    app = App.open(db)
    try:
        accounts.create_first_admin(app, "probe", "Probe#2026-pw")
    finally:
        app.close()
    extra = {PROBE_ENV: "1", LOGIN_ENV: "probe:Probe#2026-pw",
             "XDG_CONFIG_HOME": str(tmp_path / "config")}
    if nowait:
        extra[NOWAIT_ENV] = "1"
    r = run_main("--db", str(db), "--smoke", **extra)
    assert r.returncode == 0, r.stdout + r.stderr
    assert marker(r.stdout, FIRST_MARKER) == {"window": "LoginDialog"}
    ready = marker(r.stdout, READY_MARKER)
    assert ready is not None and ready["kind"] == "app" and ready["page"] == "workspace"
    assert ready["login_ms"] > 0 and ready["heavy"] == []
    assert ready["prepared"] is True  # the name was typed, so the window was built ahead
    assert ready["wait_ms"] >= 0


def test_bare_probe_baseline() -> None:
    r = subprocess.run([sys.executable, "-c", "import sys; from ui.smoke import run_bare_probe; "
                        "sys.exit(run_bare_probe())"], capture_output=True, text=True,
                       encoding="utf-8", cwd=ROOT, timeout=60, env=env())
    assert r.returncode == 0, r.stderr
    ready = marker(r.stdout, READY_MARKER)
    assert ready is not None and ready["kind"] == "bare"


def test_start_up_modules_do_not_import_heavy_modules() -> None:
    """Importing the GUI start-up path (ui.app, ui.main_window, the first page's module)
    leaves pandas, openpyxl and reportlab unloaded."""
    code = (
        "import sys, json, importlib\n"
        "import main, ui.app, ui.main_window, ui.smoke\n"
        "from ui.main_window import PAGES\n"
        "importlib.import_module(PAGES[0].module)\n"
        f"print(json.dumps(sorted(m for m in {list(HEAVY_MODULES)!r} if m in sys.modules)))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       encoding="utf-8", cwd=ROOT, timeout=60, env=env())
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.strip().splitlines()[-1]) == []


@pytest.mark.parametrize("module", ["models.store", "models.app", "ui.qtsetup"])
def test_core_modules_do_not_import_heavy_modules(module: str) -> None:
    code = (f"import sys, json, {module}\n"
            f"print(json.dumps(sorted(m for m in {list(HEAVY_MODULES)!r} if m in sys.modules)))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       encoding="utf-8", cwd=ROOT, timeout=60, env=env())
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.strip().splitlines()[-1]) == [], f"{module} imports heavy modules"


def test_long_session_survives_many_qt_calls() -> None:
    """PySide6 6.12.0 on Python 3.11 returns None from void methods (setText, addItem, …)
    without a new reference: every call lowers None's reference count by one and after a few
    thousand calls Python aborts ("deallocating None"). A clerk's session makes far more
    calls than that; requirements.txt pins a PySide6 without the defect and this test stops
    an upgrade that brings it back."""
    code = (
        "import sys\n"
        "from ui.qtsetup import make_application\n"
        "from PySide6.QtWidgets import QComboBox, QLabel\n"
        "app = make_application(sys.argv[:1])\n"
        "label, combo = QLabel(), QComboBox()\n"
        "for i in range(100_000):\n"
        "    label.setText('第%d次' % i)\n"
        "    combo.addItem('月份', i) if i % 10 == 0 else None\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       encoding="utf-8", cwd=ROOT, timeout=120, env=env())
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-1500:]


def test_smoke_fails_when_a_page_module_is_missing(tmp_path: Path) -> None:
    """What a build that forgot a page's module looks like: the self-check names the step."""
    code = (
        "import sys, argparse\n"
        "import ui.main_window as mw\n"
        "mw.PAGES.append(mw.PageSpec('lost', '丢失的页面', 'ui.no_such_page', 'Nothing'))\n"
        "from ui.smoke import run_smoke\n"
        "sys.exit(run_smoke(argparse.Namespace(db=None, plan=None)))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                       cwd=ROOT, timeout=120, env=env(**{OUT_ENV: str(tmp_path / "out")}))
    assert r.returncode == 1
    assert "[失败] 构建主窗口及全部页面" in r.stderr and "ui.no_such_page" in r.stderr
    assert "自检通过" not in r.stdout
