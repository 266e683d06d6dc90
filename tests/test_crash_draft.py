"""Nothing is lost: a draft typed into the workspace survives killing the process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from models.app import CLI_ACTOR, App
from models.entries import Entries
from models.store import Store

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r'''
import sys
sys.path.insert(0, sys.argv[1])
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from ui.qtsetup import make_application
from models.app import App, Actor, CLERK
from ui.workspace import Workspace
from ui.workspace_tree import TASKS

qapp = make_application()
app = App.open(sys.argv[2])
w = Workspace(app, Actor("clerk", CLERK, "区工信局", "工信局填报员"))
w.show()
w.set_month("2026-10")
w.select(TASKS, "4.3")
memo = w.task_panel.form.editors["progress"].editor
memo.setFocus()
ev = QInputMethodEvent()
ev.setCommitString("突然断电前录入的进展：新建充电桩36个")
QApplication.sendEvent(memo, ev)
QTest.keyClicks(w.task_panel.miles["4.3-M1"].value.editor, "2450")
# no explicit save: the autosave timer must store it
for _ in range(100):
    if "已自动保存" in w.status.text():
        break
    QTest.qWait(50)  # runs the event loop, so the autosave timer can fire
assert "已自动保存" in w.status.text(), "autosave did not run"
print("saved", flush=True)
while True:
    QTest.qWait(1000)
'''


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_draft_survives_sigkill(tmp_path, plan, qtbot, clerk_of):
    db = tmp_path / "填报.db"
    App(Store(db), plan).close()  # create the schema first
    script = tmp_path / "clerk_session.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, str(script), str(ROOT), str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True, encoding="utf-8")
    with proc:
        try:
            line = proc.stdout.readline()  # blocks until the child has saved (or died)
            if line.strip() != "saved":
                proc.wait(timeout=10)
                pytest.fail(f"the clerk session failed: {proc.stderr.read()}")
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    app = App(Store(db), plan)
    try:
        e = Entries(app)
        rep = e.task_report(CLI_ACTOR, "4.3", "区工信局", "2026-10")
        assert rep["progress"] == "突然断电前录入的进展：新建充电桩36个"
        assert e.milestone_value(CLI_ACTOR, "4.3-M1", "区工信局", "2026-10")["value"] == 2450.0
        assert e.state(CLI_ACTOR, "区工信局", "2026-10") == "draft"
        assert e.history(CLI_ACTOR, "task_report", "4.3", "progress")[0]["new"] == rep["progress"]
        from ui.workspace import Workspace
        from ui.workspace_tree import TASKS
        w = Workspace(app, clerk_of("区工信局"))
        qtbot.addWidget(w)
        w.set_month("2026-10")
        w.select(TASKS, "4.3")
        assert w.task_panel.form.editors["progress"].value() == rep["progress"]
        assert w.item_for(TASKS, "4.3").text(1) == "草稿"
    finally:
        app.close()
