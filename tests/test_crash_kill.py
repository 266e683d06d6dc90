"""Crash safety: a writer is killed (SIGKILL) at random moments, again and again.

Each child opens the same database, saves entries in a loop (task reports, projects,
now and then a backup) and prints a key after each commit. The parent kills it
after a random number of commits (sometimes before the first one, i.e. while the
database is being opened). Every restart must find the database intact and every
printed key present with its value.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from models import backup
from models.app import CLI_ACTOR, App
from models.entries import Entries
from models.store import Store
from tests.kill_helpers import kill_after

ROOT = Path(__file__).resolve().parent.parent
UNIT = "区住建局"
ITERATIONS = 20

CHILD = r'''
import sys
sys.path.insert(0, sys.argv[1])
from models.app import App, Actor, CLERK, CLI_ACTOR, month_add
from models.backup import backup_now
from models.entries import Entries

db, start = sys.argv[2], int(sys.argv[3])
app = App.open(db)
actor = Actor("crash-clerk", CLERK, "区住建局")
entries = Entries(app)
tasks = [t.code for t, _ in app.tasks_of("区住建局")]
print("ready", flush=True)
i = start
while True:
    task = tasks[i % len(tasks)]
    month = month_add("2024-01", i // len(tasks))
    if i % 7 == 3:
        uid = entries.save_project(actor, "区住建局", month, task,
                                   {"name": f"项目{i}", "ptype": "新建", "total_invest": str(i)})
        print(f"P {uid} 项目{i}", flush=True)
    elif i % 25 == 24:
        path = backup_now(app.store, CLI_ACTOR, "import")
        print(f"B {path.name} -", flush=True)
    else:
        entries.save_task_report(actor, task, "区住建局", month,
                                 {"progress": f"第{i}次保存：进展" + "字" * (i % 50), "status": "推进中"})
        print(f"T {task}@{month} 第{i}次保存", flush=True)
    i += 1
'''


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_writer_never_loses_committed_entries(tmp_path: Path, plan) -> None:
    db = tmp_path / "crash.db"
    script = tmp_path / "writer.py"
    script.write_text(CHILD, encoding="utf-8")
    rng = random.Random(20261124)
    committed: list[tuple[str, str, str]] = []
    start = 0
    kills = 0
    for n in range(ITERATIONS):
        want = 0 if n % 5 == 0 else rng.randint(1, 40)
        # want == 0: killed at once, while opening / migrating / syncing the catalog
        lines, code = kill_after(script, [str(db), str(start)], want, "writer")
        for line in lines:
            kind, key, value = line.split(" ", 2)
            committed.append((kind, key, value))
        got = len(lines)
        if code == -signal.SIGKILL:
            kills += 1
        # Next child continues the sequence after the last committed key (+ a gap for the
        # write that may have been in flight).
        start += got + 1
        _check(db, plan, committed)
    assert kills >= ITERATIONS - 1
    assert len([c for c in committed if c[0] == "T"]) > 50
    assert any(c[0] == "P" for c in committed) and any(c[0] == "B" for c in committed)


def _check(db: Path, plan, committed: list[tuple[str, str, str]]) -> None:
    if not db.exists():
        assert not committed
        return
    store = Store(db)  # runs PRAGMA quick_check; raises DatabaseCorrupt otherwise
    try:
        assert store.scalar("PRAGMA integrity_check") == "ok"
        app = App(store, plan)
        e = Entries(app)
        for kind, key, value in committed:
            if kind == "T":
                task, month = key.split("@")
                assert e.task_report(CLI_ACTOR, task, UNIT, month)["progress"].startswith(value + "：进展"), key
            elif kind == "P":
                row = store.one("SELECT name FROM projects WHERE uid = ?", (key,))
                assert row is not None and row["name"] == value, key
        good = {b.path.name for b in backup.list_backups(db)}
        for kind, key, _ in committed:
            if kind == "B" and key in good:
                assert backup.check_backup(backup.backup_dir(db) / key) == ""
        # A backup cut off by the kill is left as *.part and is never listed as a backup.
        assert all(not b.path.name.endswith(".part") for b in backup.list_backups(db))
    finally:
        store.close()


IMPORTER = r'''
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from models.app import App, Actor, REVIEWER
from models.exchange import import_package

app = App.open(sys.argv[2])
office = Actor("office", REVIEWER)
for name in sys.argv[3:]:
    pv = import_package(app, office, Path(name))  # backs the database up first, then one transaction
    if pv.applied:
        print(f"{pv.month} {pv.digest}", flush=True)
print("done", flush=True)
'''


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_package_import_is_all_or_nothing(tmp_path: Path, plan, admin) -> None:
    from models import exchange_export, exchange_install
    from models.app import CLERK, Actor, month_add
    office_db = tmp_path / "office.db"
    office = App.open(office_db)
    try:
        inst = exchange_install.make_install(office, admin, UNIT, tmp_path / "inst.zsi")
    finally:
        office.close()
    bureau_db = tmp_path / "bureau.db"
    exchange_install.install(bureau_db, inst, CLI_ACTOR)
    bureau = App.open(bureau_db, exchange_install.installed_plan_path(bureau_db))
    clerk = Actor("jian", CLERK, UNIT)
    months = [month_add("2025-01", i) for i in range(12)]
    packages = []
    try:
        e = Entries(bureau)
        tasks = [t.code for t, _ in bureau.tasks_of(UNIT)]
        for m in months:
            for t in tasks:
                e.save_task_report(clerk, t, UNIT, m, {"progress": f"{m}的进展：{t}", "status": "推进中"})
            packages.append(exchange_export.export_package(bureau, clerk, m, tmp_path / f"{m}.zsp"))
    finally:
        bureau.close()
    script = tmp_path / "importer.py"
    script.write_text(IMPORTER, encoding="utf-8")
    rng = random.Random(7)
    imported: dict[str, str] = {}
    rounds = 0
    while len(imported) < len(months) and rounds < 12:
        rounds += 1
        todo = [str(p) for p, m in zip(packages, months, strict=False) if m not in imported]
        want = rng.randint(0, 3)
        proc = subprocess.Popen([sys.executable, str(script), str(ROOT), str(office_db), *todo],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                encoding="utf-8", cwd=str(ROOT))
        with proc:
            try:
                for _ in range(want):
                    line = proc.stdout.readline().strip()
                    if not line or line == "done":
                        break
                    month, digest = line.split()
                    imported[month] = digest
            finally:
                if proc.poll() is None:
                    os.kill(proc.pid, signal.SIGKILL)
                out, err = proc.communicate(timeout=10)
        for line in out.splitlines():  # lines written before the kill landed
            if line.strip() and line.strip() != "done":
                month, digest = line.split()
                imported[month] = digest
        assert "Traceback" not in err, err
        store = Store(office_db)
        try:
            assert store.scalar("PRAGMA integrity_check") == "ok"
            done = {r["month"]: r["digest"] for r in store.query("SELECT month, digest FROM packages")}
            # Every reported import is there ...
            assert all(done.get(m) == d for m, d in imported.items())
            # ... and every package recorded as imported is complete (one transaction each).
            for m in done:
                n = store.scalar("SELECT COUNT(*) FROM task_reports WHERE unit = ? AND month = ?", (UNIT, m))
                assert n == len(plan_tasks(plan)), m
            for m in months:
                if m not in done:
                    assert store.scalar("SELECT COUNT(*) FROM task_reports WHERE unit = ? AND month = ?",
                                        (UNIT, m)) == 0
            imported.update(done)
        finally:
            store.close()
    assert len(imported) == len(months)
    assert [b.reason for b in backup.list_backups(office_db)].count("import") >= 1


def plan_tasks(plan) -> list[str]:
    return [t.code for t in plan.tasks if UNIT in t.units]


EXCEL_IMPORTER = r'''
import sys
sys.path.insert(0, sys.argv[1])
from models.app import App, Actor, CLERK
from models.excel_import import import_excel

app = App.open(sys.argv[2])
clerk = Actor("jian", CLERK, "区住建局")
print("ready", flush=True)
for name in sys.argv[3:]:
    summary = import_excel(app, clerk, name)  # one transaction per workbook
    print(f"{summary.month} {summary.imported + summary.updated}", flush=True)
'''


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_excel_import_is_all_or_nothing(tmp_path: Path, plan) -> None:
    from openpyxl import load_workbook

    from exports.template import build_template
    from models.app import month_add
    db = tmp_path / "excel.db"
    app = App.open(db)
    months = [month_add("2025-03", i) for i in range(5)]
    files = []
    try:
        tasks = [t.code for t, _ in app.tasks_of(UNIT)]
        for m in months:
            path = build_template(app, CLI_ACTOR, m, UNIT, tmp_path / f"模板{m}.xlsx")
            wb = load_workbook(path)
            ws = wb["任务填报"]
            heads = {c.value: c.column for c in ws[3]}
            for r in range(4, ws.max_row + 1):
                code = ws.cell(r, 1).value
                ws.cell(r, heads["完成状态"]).value = "推进中"
                ws.cell(r, heads["本月进展情况"]).value = f"{m}：{code}的进展"
                ws.cell(r, heads["责任人"]).value = "李四"
            wb.save(path)
            files.append(str(path))
    finally:
        app.close()
    script = tmp_path / "excel_importer.py"
    script.write_text(EXCEL_IMPORTER, encoding="utf-8")
    rng = random.Random(11)
    reported: set[str] = set()
    for _ in range(6):
        todo = [f for f, m in zip(files, months, strict=False) if m not in reported]
        if not todo:
            break
        want = rng.randint(0, 2)
        proc = subprocess.Popen([sys.executable, str(script), str(ROOT), str(db), *todo],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                encoding="utf-8", cwd=str(ROOT))
        with proc:
            try:
                got = 0
                while got < want:
                    line = proc.stdout.readline().strip()
                    if not line:
                        break
                    if line != "ready":
                        reported.add(line.split()[0])
                        got += 1
            finally:
                if proc.poll() is None:
                    os.kill(proc.pid, signal.SIGKILL)
                out, err = proc.communicate(timeout=10)
        reported.update(line.split()[0] for line in out.splitlines() if line.strip() and line != "ready")
        assert "Traceback" not in err, err
        store = Store(db)
        try:
            assert store.scalar("PRAGMA integrity_check") == "ok"
            for m in months:
                n = store.scalar("SELECT COUNT(*) FROM task_reports WHERE unit = ? AND month = ? "
                                 "AND progress LIKE ?", (UNIT, m, f"{m}：%"))
                assert n in (0, len(tasks)), (m, n)  # a workbook lands whole or not at all
                if m in reported:
                    assert n == len(tasks), m
                elif n:
                    reported.add(m)  # committed just before the kill, not yet printed
        finally:
            store.close()
    assert reported, "no workbook was imported"
