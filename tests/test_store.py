"""Storage: pragmas, migrations ladder, refusal of newer databases, catalog re-sync."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from models import schema
from models.app import CLI_ACTOR, App
from models.catalog import sync_catalog
from models.entries import Entries
from models.plan_binding import PlanUpdatePending
from models.plan_load import load_plan
from models.store import DatabaseCorrupt, DatabaseTooNew, Store


def test_pragmas_and_version(db_path):
    s = Store(db_path)
    assert s.scalar("PRAGMA journal_mode") == "wal"
    assert s.scalar("PRAGMA foreign_keys") == 1
    assert s.user_version == schema.SCHEMA_VERSION
    s.close()


def test_migration_from_older_version_keeps_data(db_path, plan, clerk_of):
    s = Store(db_path, migrate=False)
    s.migrate(target=1)
    assert s.user_version == 1
    sync_catalog(s, plan)
    with s.tx() as c:
        c.execute("INSERT INTO task_reports(task_code, unit, month, status, progress, updated_at) "
                  "VALUES ('4.3', '区工信局', '2026-09', '推进中', '旧版本录入', '2026-10-01T00:00:00')")
    assert s.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'value_audit'") == 0
    s.close()
    app = App(Store(db_path), plan)  # runs the remaining steps
    assert app.store.user_version == schema.SCHEMA_VERSION
    e = Entries(app)
    assert e.task_report(CLI_ACTOR, "4.3", "区工信局", "2026-09")["progress"] == "旧版本录入"
    e.save_task_report(clerk_of("区工信局"), "4.3", "区工信局", "2026-09", {"progress": "新版本修改"})
    assert e.history(CLI_ACTOR, "task_report", "4.3")[0]["old"] == "旧版本录入"
    app.close()


def test_failed_migration_rolls_back(db_path, monkeypatch):
    s = Store(db_path, migrate=False)
    s.migrate(target=1)

    def broken(conn):
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(schema, "MIGRATIONS", [schema.MIGRATIONS[0], broken])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    with pytest.raises(RuntimeError):
        s.migrate()
    assert s.user_version == 1
    assert s.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'") == 0
    s.close()


def test_newer_database_is_refused_untouched(db_path):
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 5}")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="较新版本"):
        Store(db_path)
    assert db_path.read_bytes() == before


def test_not_a_database(tmp_path):
    p = tmp_path / "x.db"
    p.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(DatabaseCorrupt, match="不是有效的数据库"):
        Store(p)


def test_catalog_resync_keeps_entries(tmp_path, plan, clerk_of):
    db = tmp_path / "a.db"
    app = App(Store(db), plan)
    Entries(app).save_task_report(clerk_of("区住建局"), "3.2", "区住建局", "2026-10",
                                  {"status": "推进中", "progress": "开展能效测评"})
    app.close()
    edited = tmp_path / "plan.toml"
    text = Path(plan.path).read_text(encoding="utf-8")
    edited.write_text(text.replace('title = "加快提升建筑能效水平"', 'title = "加快提升建筑能效水平（修订）"'),
                      encoding="utf-8")
    plan2 = load_plan(edited)
    assert plan2.digest != plan.digest
    store = Store(db)
    with pytest.raises(PlanUpdatePending, match="改名 3.2"):  # a new version waits for the office
        App(store, plan2)
    store.close()
    app = App(Store(db), plan2, accept_plan_update=True)
    assert app.store.scalar("SELECT title FROM catalog_items WHERE code = '3.2'") == "加快提升建筑能效水平（修订）"
    assert app.store.scalar("SELECT value FROM plan_meta WHERE key = 'digest'") == plan2.digest
    assert Entries(app).task_report(CLI_ACTOR, "3.2", "区住建局", "2026-10")["progress"] == "开展能效测评"
    app.close()


def test_chinese_paths(tmp_path, plan):
    folder = tmp_path / "珠山区 数据"
    app = App(Store(folder / "台账.db"), plan)
    assert (folder / "台账.db").exists()
    app.close()
    shutil.rmtree(folder)
