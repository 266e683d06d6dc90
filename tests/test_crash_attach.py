"""佐证材料 survive SIGKILL: a process attaching photos and PDFs is killed at random moments;
after every restart the database is intact, every attachment it reported is there with its
file, and no attachment refers to a file that is missing or damaged."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from models.app import ADMIN, Actor, App
from models.attachment_store import BlobStore
from models.entries import Entries
from models.store import Store
from tests.kill_helpers import kill_after

UNIT = "区住建局"
ROUNDS = 6

CHILD = r'''
import sys
sys.path.insert(0, sys.argv[1])
from models.app import App, Actor, CLERK, month_add
from models.entries import Entries
from tests import evidence_files as ef

db, start = sys.argv[2], int(sys.argv[3])
app = App.open(db)
actor = Actor("crash-clerk", CLERK, "区住建局")
e = Entries(app)
tasks = [t.code for t, _ in app.tasks_of("区住建局")]
print("ready", flush=True)
i = start
while True:
    month = month_add("2026-01", i // 20)
    task = tasks[i % len(tasks)]
    if i % 5 == 4:
        data, name = ef.pdf(f"minutes {i}"), f"纪要{i}.pdf"
    else:
        data, name = ef.jpeg(900, 600, seed=i), f"照片{i}.jpg"
    uid = e.attach_bytes(actor, "区住建局", month, "task_report", task, name, data).row["uid"]
    if i % 7 == 6:
        e.remove_attachment(actor, uid)
        print(f"R {uid}", flush=True)
    else:
        print(f"A {uid}", flush=True)
    i += 1
'''


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_while_attaching_keeps_every_reported_file(tmp_path: Path, plan) -> None:
    db = tmp_path / "crash.db"
    script = tmp_path / "attacher.py"
    script.write_text(CHILD, encoding="utf-8")
    rng = random.Random(20261130)
    reported: list[tuple[str, str]] = []
    start = 0
    for n in range(ROUNDS):
        want = 0 if n == 0 else rng.randint(1, 8)
        lines, _code = kill_after(script, [str(db), str(start)], want, "attacher")
        for line in lines:
            kind, uid = line.split()
            reported.append((kind, uid))
        start += len(lines) + 1
        _check(db, plan, reported)
    assert sum(1 for k, _ in reported if k == "A") >= 5


def _check(db: Path, plan, reported: list[tuple[str, str]]) -> None:
    if not db.exists():
        assert not reported
        return
    store = Store(db)
    try:
        assert store.scalar("PRAGMA integrity_check") == "ok"
        e = Entries(App(store, plan))
        office = Actor("office", ADMIN)
        blobs = BlobStore.for_db(db)
        for kind, uid in reported:
            row = e.attachment(office, uid)
            assert bool(row["removed_at"]) == (kind == "R"), uid
        for row in store.query("SELECT * FROM attachments WHERE removed_at = ''"):
            assert blobs.verify(row["sha256"]), row["name"]  # no row without its whole file
    finally:
        store.close()
