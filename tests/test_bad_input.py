"""Bad input everywhere: very long texts, control characters, SQL-looking strings, emoji and
rare CJK characters go through the entry services, the workspace widget, accounts, the
ledger, the briefing and the exchange packages unchanged or with a clear refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import accounts, passwords, signin
from models.app import CLERK, CLI_ACTOR, Actor, App
from models.entries import Entries
from models.entries_base import MAX_TEXT
from models.errors import InvalidInput
from tests.office_data import fill

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

UNIT, M = "区住建局", "2026-10"
SQL = "'; DROP TABLE task_reports; --"
RARE = "𠀀𪚥堃喆🌱"
# (typed, stored): what a clerk types and what the database must hold afterwards.
CASES = [
    (SQL, SQL),
    (RARE + "：绿色建筑占比提升", RARE + "：绿色建筑占比提升"),
    ("Robert'); DELETE FROM users; --", "Robert'); DELETE FROM users; --"),
    ("<b>粗体</b> &amp; %_\\ \"引号\"", "<b>粗体</b> &amp; %_\\ \"引号\""),
    ("第一行\r\n第二行\t制表", "第一行\n第二行\t制表"),
    ("a\x00b\x07c\x1bd\x7fe", "abcde"),  # control characters are dropped
    ("x\ud800y", "xy"),  # a lone surrogate cannot be stored: dropped
    ("\u202e反向\u200b零宽", "\u202e反向\u200b零宽"),  # format characters are kept as typed
]
CHEAP = {"alg": "scrypt", "n": 16, "r": 1, "p": 1, "dklen": 32}


@pytest.fixture
def jian() -> Actor:
    return Actor("jian", CLERK, UNIT, "住建局填报员")


def tables_intact(app: App) -> None:
    names = {r["name"] for r in app.store.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"task_reports", "users", "projects", "indicator_values", "event_log"} <= names
    assert app.store.scalar("PRAGMA quick_check") == "ok"


# -- entry services ------------------------------------------------------------------------------
@pytest.mark.parametrize("typed,stored", CASES)
def test_task_report_texts_round_trip(app: App, jian: Actor, typed: str, stored: str) -> None:
    e = Entries(app)
    res = e.save_task_report(jian, "3.1", UNIT, M, {"progress": typed, "problems": typed,
                                                      "person": typed[:50]})
    rep = e.task_report(CLI_ACTOR, "3.1", UNIT, M)
    assert rep["progress"] == stored and rep["problems"] == stored
    assert "progress" in res.changed
    hist = e.history(CLI_ACTOR, "task_report", "3.1", "progress")
    assert hist[0]["new"] == stored
    tables_intact(app)


def test_very_long_texts(app: App, jian: Actor) -> None:
    e = Entries(app)
    long_ok = "长" * 5000  # over the field's 4000 limit: kept as a draft, flagged, blocks submitting
    res = e.save_task_report(jian, "3.1", UNIT, M, {"progress": long_ok})
    assert e.task_report(CLI_ACTOR, "3.1", UNIT, M)["progress"] == long_ok
    assert any("过长" in err.message for err in res.errors)
    assert any("过长" in msg for _, msg in e.month_problems(CLI_ACTOR, UNIT, M))
    too_long = "超" * (MAX_TEXT + 1)
    with pytest.raises(InvalidInput, match="过长"):
        e.save_task_report(jian, "3.1", UNIT, M, {"progress": too_long})
    assert e.task_report(CLI_ACTOR, "3.1", UNIT, M)["progress"] == long_ok  # unchanged
    with pytest.raises(InvalidInput, match="过长"):
        e.save_indicator_value(jian, "I07", UNIT, M, "1", note="注" * (MAX_TEXT + 5))
    with pytest.raises(InvalidInput, match="项目名称"):
        e.save_project(jian, UNIT, M, "3.1", {"name": "项" * 300, "ptype": "新建"})
    tables_intact(app)


def test_numbers_fields_keep_bad_text_as_a_flagged_draft(app: App, jian: Actor) -> None:
    e = Entries(app)
    for raw in (SQL, RARE, "1e309", "NaN", "１２．５％％"):
        res = e.save_indicator_value(jian, "I07", UNIT, M, raw)
        row = e.indicator_value(CLI_ACTOR, "I07", "2026")
        assert row["value"] is None and row["raw"] == raw.strip()
        assert res.errors and res.errors[0].message
    res = e.save_milestone_value(jian, "3.2-M1", UNIT, M, RARE, note=SQL)
    row = e.milestone_value(CLI_ACTOR, "3.2-M1", UNIT, M)
    assert row["value"] is None and row["raw"] == RARE and row["note"] == SQL and res.errors
    tables_intact(app)


def test_project_with_rare_characters(app: App, jian: Actor) -> None:
    e = Entries(app)
    uid = e.save_project(jian, UNIT, M, "3.1", {"name": RARE + SQL, "ptype": "新建",
                                                  "content": CASES[4][0], "total_invest": "１，２００"})
    p = e.project(CLI_ACTOR, uid, M)
    assert p["name"] == RARE + SQL and p["content"] == "第一行\n第二行\t制表" and p["total_invest"] == 1200
    with pytest.raises(InvalidInput, match="项目类型"):
        e.save_project(jian, UNIT, M, "3.1", {"name": "x", "ptype": SQL})
    tables_intact(app)


def test_accounts_with_odd_names_and_passwords(app: App, admin, monkeypatch) -> None:
    monkeypatch.setattr(passwords, "KDF_PARAMS", dict(CHEAP))
    accounts.create_user(app, admin, "张🌱𪚥", CLERK, "密码" + RARE + "!", UNIT, display_name=RARE + "\x00")
    actor = signin.authenticate(app, "张🌱𪚥", "密码" + RARE + "!")
    assert actor.display_name == RARE
    with pytest.raises(InvalidInput, match="空格或控制字符"):
        accounts.create_user(app, admin, SQL, CLERK, "Password#1", UNIT)
    with pytest.raises(signin.LoginFailed):
        signin.authenticate(app, SQL, SQL)
    with pytest.raises(InvalidInput, match="最多32个字符"):
        accounts.create_user(app, admin, "长" * 40, CLERK, "Password#1", UNIT)
    with pytest.raises(InvalidInput, match="控制字符"):
        accounts.create_user(app, admin, "ok", CLERK, "Pass\x00word#1", UNIT)
    assert accounts.event_log(app, admin, text=SQL)  # the failed login is searchable, verbatim
    with pytest.raises(signin.LoginFailed):
        signin.authenticate(app, "巨\x00" * 100_000, "x")
    logged = accounts.event_log(app, admin, kind="login_failed")[0]["actor"]
    assert logged == "巨" * 64
    tables_intact(app)


# -- the workspace widget ---------------------------------------------------------------------------
def test_workspace_stores_rare_characters_and_refuses_huge_paste(qtbot, app: App, jian: Actor) -> None:
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    from ui.workspace import Workspace
    from ui.workspace_tree import TASKS
    w = Workspace(app, jian)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    if w.month != M:
        w.set_month(M)
    assert w.select(TASKS, "3.1")
    memo = w.task_panel.form.editors["progress"].editor
    memo.setFocus()
    ev = QInputMethodEvent()
    ev.setCommitString(RARE + "：" + SQL)
    QApplication.sendEvent(memo, ev)
    assert w.flush()
    assert Entries(app).task_report(CLI_ACTOR, "3.1", UNIT, M)["progress"] == RARE + "：" + SQL
    memo.setPlainText("巨" * (MAX_TEXT + 10))  # a huge paste
    assert not w.flush()
    assert "过长" in w.status.text()
    assert Entries(app).task_report(CLI_ACTOR, "3.1", UNIT, M)["progress"] == RARE + "：" + SQL
    tables_intact(app)


# -- outputs ---------------------------------------------------------------------------------------------
def _bad_month(app: App, jian: Actor) -> None:
    fill(app, jian, UNIT, M)
    e = Entries(app)
    e.save_task_report(jian, "3.1", UNIT, M, {"progress": RARE + "完成改造" + SQL, "problems": SQL,
                                                "person": RARE})
    e.save_project(jian, UNIT, M, "3.1", {"name": RARE + "项目", "ptype": "新建", "content": SQL})


def test_ledger_keeps_texts(tmp_path: Path, app: App, jian: Actor) -> None:
    import openpyxl

    from exports.ledger import build_ledger
    _bad_month(app, jian)
    out = build_ledger(app, CLI_ACTOR, M, tmp_path / "台账.xlsx")
    wb = openpyxl.load_workbook(out, read_only=True)
    try:
        # long texts are broken into printed lines (避头尾, exports/cjk_lines.py): compare without them
        cells = {str(c).replace("\n", "") for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                 for c in row if c is not None}
    finally:
        wb.close()
    assert RARE + "完成改造" + SQL in cells
    assert RARE + "项目" in cells and SQL in cells


def test_briefing_keeps_texts(tmp_path: Path, app: App, jian: Actor) -> None:
    import pdfplumber

    from exports.briefing import BriefingOptions, build_briefing
    _bad_month(app, jian)
    Entries(app).submit(jian, UNIT, M)
    out = build_briefing(app, CLI_ACTOR, M, tmp_path / "简报.pdf", BriefingOptions(charts=False, record_issue=False))
    with pdfplumber.open(out) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "堃喆" in text.replace("\n", "")


def test_package_keeps_texts(tmp_path: Path, app: App, jian: Actor, admin, reviewer) -> None:
    from models import exchange, exchange_export, exchange_install
    inst_file = exchange_install.make_install(app, admin, UNIT, tmp_path / "住建局.zsi")
    bureau_db = tmp_path / "bureau.db"
    exchange_install.install(bureau_db, inst_file, CLI_ACTOR)
    bureau = App.open(bureau_db, exchange_install.installed_plan_path(bureau_db))
    try:
        _bad_month(bureau, jian)
        pkg = exchange_export.export_package(bureau, jian, M, tmp_path / "报送包.zsp")
    finally:
        bureau.close()
    exchange.import_package(app, reviewer, pkg)
    e = Entries(app)
    rep = e.task_report(CLI_ACTOR, "3.1", UNIT, M)
    assert rep["progress"] == RARE + "完成改造" + SQL and rep["problems"] == SQL and rep["person"] == RARE
    assert [p["name"] for p in e.projects(CLI_ACTOR, UNIT, M) if p["name"].startswith(RARE)] == [RARE + "项目"]
    tables_intact(app)
