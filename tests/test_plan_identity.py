"""A database belongs to its plan. Opened with a plan of another id it is refused, naming
both plans, with nothing changed (every command, and the desktop start-up); opened
without --plan it uses the plan it keeps, never the built-in one; a new version of
its plan shows what changes, by code, and syncs only after the office accepts."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import main
from models import accounts, passwords
from models.app import ADMIN, CLERK, Actor, App
from models.entries import Entries
from models.plan_binding import PlanMismatch, PlanUnknown, PlanUpdatePending, peek, plan_for
from models.plan_load import DEFAULT_PLAN, load_plan
from models.store import Store
from tests.test_startup_safety import CHEAP, PW, FakeDialogs, args_for
from ui import app as gui

PLANS = Path(__file__).resolve().parent / "data" / "plans"
JIADING = PLANS / "jiading-like.toml"
HUANGPU = PLANS / "huangpu-like.toml"
ADMIN_ACTOR = Actor("admin", ADMIN)
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "KDF_PARAMS", dict(CHEAP))


def jiading_db(path: Path) -> Path:
    """A database of the 嘉定-like plan with accounts and a little data."""
    app = App(Store(path), load_plan(JIADING))
    try:
        accounts.create_first_admin(app, "admin", PW)
        accounts.create_user(app, ADMIN_ACTOR, "jing", CLERK, PW, "区经委")
        Entries(app).save_task_report(ADMIN_ACTOR, "2.1", "区经委", "2023-03", {"progress": "能效诊断20家"})
        Entries(app).save_indicator_value(ADMIN_ACTOR, "I01", "区发展改革委", "2023-12", "8.5%", period="2023")
    finally:
        app.close()
    return path


def fingerprint(db: Path) -> tuple[str, dict[str, int]]:
    """The file's bytes (hashed) and the row count of every table."""
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    conn = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return digest, {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        conn.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


# -- another plan: refused by every command, nothing changed -----------------------------------

COMMANDS: list[list[str]] = [
    ["catalog", "--json"],
    ["check", "--json", "ITEMS"],
    ["demo", "--until", "2023-06"],
    ["export-ledger", "--month", "2023-03", "-o", "OUT/台账.xlsx"],
    ["export-template", "--month", "2023-03", "--unit", "区发改委", "-o", "OUT/模板.xlsx"],
    ["import-excel", "ITEMS"],
    ["briefing", "--month", "2023-03", "-o", "OUT/简报.pdf"],
    ["make-install", "--unit", "区发改委", "-o", "OUT/安装.zsi"],
    ["export-package", "--month", "2023-03", "-o", "OUT/包.zsp"],
    ["import-package", "ITEMS"],
    ["export-decisions", "--unit", "区发改委", "-o", "OUT/回执.zsp"],
    ["backup"],
    ["user", "list"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_every_command_refuses_a_database_of_another_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          command: list[str]) -> None:
    db = jiading_db(tmp_path / "嘉定.db")
    before = fingerprint(db)
    items = tmp_path / "items.json"
    items.write_text("[]", encoding="utf-8")
    (tmp_path / "OUT").mkdir()
    argv = [str(items) if a == "ITEMS" else str(tmp_path / a) if a.startswith("OUT/") else a for a in command]
    rc, out, err = run(capsys, "--db", str(db), "--plan", str(DEFAULT_PLAN), *argv)
    assert rc == 1, (out, err)
    assert "“嘉定区碳达峰实施方案”（jiading-2022" in err and "“珠山区碳达峰实施方案”（zhushan-2023" in err
    assert "数据库未作任何改动" in err and "Traceback" not in err
    assert fingerprint(db) == before
    assert list((tmp_path / "OUT").iterdir()) == []


def test_the_refusal_happens_before_an_older_database_is_upgraded(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    db = jiading_db(tmp_path / "嘉定.db")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 5")  # as if written by an older program
    conn.execute("DROP TABLE plan_versions")
    conn.execute("DROP TABLE briefing_archive")
    conn.commit()
    conn.close()
    before = fingerprint(db)
    rc, _out, err = run(capsys, "--db", str(db), "--plan", str(HUANGPU), "catalog", "--json")
    assert rc == 1 and "jiading-2022" in err and "huangpu-2023" in err
    assert fingerprint(db) == before


def test_desktop_start_refuses_a_database_of_another_plan(tmp_path: Path, qtbot) -> None:
    db = jiading_db(tmp_path / "嘉定.db")
    before = fingerprint(db)
    d = FakeDialogs(login_as=("admin", PW))
    st = gui.Startup(args_for(db, "--plan", str(HUANGPU)), d, {})
    try:
        assert st.start() == 1
    finally:
        st.shutdown()
    assert d.kinds() == ["critical"]
    assert "计划与数据库不符" in d.shown[0][1]
    assert "jiading-2022" in d.shown[0][1] and "huangpu-2023" in d.shown[0][1]
    assert fingerprint(db) == before
    assert not list(tmp_path.glob("*备份*")) and not (tmp_path / "backups").exists()


def test_app_refuses_before_writing(tmp_path: Path) -> None:
    db = jiading_db(tmp_path / "嘉定.db")
    before = fingerprint(db)
    store = Store(db)
    with pytest.raises(PlanMismatch) as err:
        App(store, load_plan(HUANGPU))
    store.close()
    assert "jiading-2022" in str(err.value) and "huangpu-2023" in str(err.value)
    assert fingerprint(db)[1] == before[1]


# -- without --plan: the database's own plan ----------------------------------------------------

def test_without_plan_a_database_uses_its_own_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = jiading_db(tmp_path / "嘉定.db")
    rc, out, _err = run(capsys, "--db", str(db), "catalog", "--json")
    assert rc == 0 and json.loads(out)["plan"]["district"] == "嘉定区"
    items = tmp_path / "i.json"
    items.write_text(json.dumps([{"code": "I01", "period": "2023", "value": "8.5%"}]), encoding="utf-8")
    rc, out, _err = run(capsys, "--db", str(db), "check", "--json", str(items))
    assert rc == 0 and json.loads(out)[0]["status"] == "green"
    assert plan_for(db, None).plan_id == "jiading-2022"
    # the plan travels with the database: a copy elsewhere (a backup) still knows it
    copy = tmp_path / "别处" / "copy.db"
    copy.parent.mkdir()
    copy.write_bytes(db.read_bytes())
    assert App.open(copy).plan.district == "嘉定区"


def test_desktop_start_without_plan_uses_the_database_plan(tmp_path: Path, qtbot) -> None:
    db = jiading_db(tmp_path / "嘉定.db")
    d = FakeDialogs(login_as=("admin", PW))
    st = gui.Startup(args_for(db), d, {})
    try:
        assert st.start() is None
        assert st.app is not None and st.app.plan.plan_id == "jiading-2022"
        assert st.window is not None and st.window.windowTitle().startswith("嘉定区碳达峰实施方案")
        from PySide6.QtWidgets import QApplication  # Qt names the program after the title
        assert QApplication.applicationDisplayName() == "嘉定区碳达峰调度系统"
    finally:
        st.shutdown()


def test_a_new_database_without_plan_takes_the_built_in_plan(tmp_path: Path) -> None:
    assert plan_for(tmp_path / "new.db", None).plan_id == "zhushan-2023"
    app = App.open(tmp_path / "new.db")
    app.close()
    rec = peek(tmp_path / "new.db")
    assert rec is not None and rec.plan_id == "zhushan-2023" and rec.text is not None


def test_an_old_database_of_another_plan_without_its_text_asks_for_the_plan(tmp_path: Path) -> None:
    db = jiading_db(tmp_path / "嘉定.db")
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM plan_versions")
    before = fingerprint(db)
    with pytest.raises(PlanUnknown, match="请用 --plan 指定该计划的文件"):
        plan_for(db, None)
    assert fingerprint(db) == before
    app = App.open(db, JIADING)  # given once, the database keeps it
    app.close()
    assert plan_for(db, None).plan_id == "jiading-2022"


# -- a new version of the same plan ---------------------------------------------------------------

def new_version(tmp_path: Path) -> Path:
    text = JIADING.read_text(encoding="utf-8")
    text = (text.replace('version = "2022-10-31"', 'version = "2023-06-30"')
            .replace('title = "全面提升重点领域能效水平"', 'title = "全面提升重点行业领域能效水平"')
            .replace('value = 14, unit = "%"', 'value = 14.5, unit = "%"')
            .replace('''[[actions]]
numbering = "（四）"
title = "构建绿色低碳交通运输体系"''', '''[[actions]]
numbering = "（四）"
title = "构建绿色低碳交通运输体系"

[[actions.tasks]]
code = "4.9"
numbering = "2."
title = "建设充电设施"
units = ["区交通委"]''')
            .replace('''[[actions.tasks]]
numbering = "1."
title = "推广新能源车辆"
text = "推广新能源车辆，新增和更新公交车全部使用新能源车。（责任单位：区交通委）"
units = ["区交通委"]
''', ""))
    f = tmp_path / "嘉定-新版.toml"
    f.write_text(text, encoding="utf-8")
    return f


def test_new_version_lists_the_changes_and_waits_for_the_flag(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    db = jiading_db(tmp_path / "嘉定.db")
    with App.open(db) as app:  # data on a task the new version drops
        Entries(app).save_task_report(ADMIN_ACTOR, "4.1", "区交通委", "2023-03", {"progress": "新增新能源公交10辆"})
    before = fingerprint(db)
    newer = new_version(tmp_path)
    rc, _out, err = run(capsys, "--db", str(db), "--plan", str(newer), "catalog", "--json")
    assert rc == 1
    assert "2022-10-31 → 2023-06-30" in err
    assert "改名 2.1：全面提升重点领域能效水平 → 全面提升重点行业领域能效水平" in err
    assert "新增任务 4.9：建设充电设施" in err
    assert "移出任务 4.1：推广新能源车辆（已有1条数据，保留并标为停用）" in err
    assert "目标变化 I01" in err and "下降14%" in err and "下降14.5%" in err
    assert "--accept-plan-update" in err
    assert fingerprint(db) == before
    rc, out, err = run(capsys, "--db", str(db), "--plan", str(newer), "--accept-plan-update", "catalog", "--json")
    assert rc == 0, err
    assert json.loads(out)["plan"]["version"] == "2023-06-30"
    with App.open(db) as app:  # remembered: no --plan needed afterwards
        assert app.plan.version == "2023-06-30"
        rows = {r["code"]: r["active"] for r in app.store.query("SELECT code, active FROM catalog_items")}
        assert rows["4.1"] == 0 and rows["4.9"] == 1
        kept = app.store.one("SELECT progress FROM task_reports WHERE task_code = '4.1'")
        assert kept is not None and kept["progress"] == "新增新能源公交10辆"  # never relabelled
        assert app.store.one("SELECT progress FROM task_reports WHERE task_code = '2.1'")["progress"] == "能效诊断20家"
        log = [r["detail"] for r in app.store.query("SELECT detail FROM event_log WHERE kind = 'plan'")]
        assert log and "版本 2023-06-30" in log[-1] and "新增1项" in log[-1]
        versions = app.store.query("SELECT version, current FROM plan_versions ORDER BY id")
        assert [(v["version"], v["current"]) for v in versions] == [("2022-10-31", 0), ("2023-06-30", 1)]


def test_app_level_update_needs_an_office_account(tmp_path: Path) -> None:
    db = jiading_db(tmp_path / "嘉定.db")
    newer = load_plan(new_version(tmp_path))
    store = Store(db)
    with pytest.raises(PlanUpdatePending) as err:
        App(store, newer)
    pending = err.value
    assert pending.stored is not None and pending.stored.version == "2022-10-31"
    app = App(store, pending.stored)
    with pytest.raises(Exception, match="只有领导小组办公室"):
        app.accept_plan_update(Actor("jing", CLERK, "区经委"), newer)
    assert app.plan.version == "2022-10-31"
    app.accept_plan_update(ADMIN_ACTOR, newer)
    assert app.plan.version == "2023-06-30"
    app.close()


class UpdateDialogs(FakeDialogs):
    def __init__(self, answer: bool, **kw: Any):
        super().__init__(**kw)
        self.answer = answer
        self.asked: list[str] = []

    def confirm_plan_update(self, current: str, new: str, changes: str) -> bool:
        self.asked.append(changes)
        return self.answer


@pytest.mark.parametrize("who, answer, version", [
    ("admin", True, "2023-06-30"),
    ("admin", False, "2022-10-31"),
    ("jing", True, "2022-10-31"),  # a clerk is not asked
])
def test_desktop_start_asks_an_office_account(tmp_path: Path, qtbot, who: str, answer: bool, version: str) -> None:
    db = jiading_db(tmp_path / "嘉定.db")
    newer = new_version(tmp_path)
    d = UpdateDialogs(answer, login_as=(who, PW))
    st = gui.Startup(args_for(db, "--plan", str(newer)), d, {})
    try:
        assert st.start() is None
        assert st.app is not None and st.app.plan.version == version
        if who == "admin":
            assert len(d.asked) == 1 and "新增任务 4.9：建设充电设施" in d.asked[0]
        else:
            assert d.asked == [] and any("须由领导小组办公室" in t for k, t in d.shown if k == "warning")
    finally:
        st.shutdown()
    assert plan_for(db, None).version == version


def test_old_database_of_the_bundled_plan_adopts_the_new_file_format_silently(tmp_path: Path) -> None:
    """A database made before plans were kept (schema 5) with the bundled plan in format 1:
    opening it with the same plan in format 2 changes no item, so it is adopted without asking."""
    db = tmp_path / "old.db"
    app = App(Store(db), load_plan(PLANS / "zhushan-format1.toml"))
    Entries(app).save_task_report(ADMIN_ACTOR, "1.1", "区发改委", "2023-09", {"progress": "旧数据"})
    app.close()
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE plan_versions")
        conn.execute("DROP TABLE briefing_archive")  # made by a later migration than plan_versions
        conn.execute("PRAGMA user_version = 5")
    app = App.open(db)  # without --plan: the built-in plan, same id, another file
    try:
        assert app.plan.plan_format == 2
        assert app.store.one("SELECT progress FROM task_reports")["progress"] == "旧数据"
    finally:
        app.close()
    rec = peek(db)
    assert rec is not None and rec.text is not None and "format = 2" in rec.text
