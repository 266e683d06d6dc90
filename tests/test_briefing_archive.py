"""A numbered briefing is kept whole and reprinted identically (after the data changed and
after a restart), rebuilt byte for byte from its stored month view; months that have not
happened are refused for briefings, templates and imports (services, CLI and GUI)."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt

import main as entry
from exports.briefing import BriefingOptions, build_briefing_ex, rebuild_briefing, reprint_briefing
from exports.template import build_template
from models import briefing_data as bd
from models.app import CLI_ACTOR, App
from models.entries import Entries
from models.errors import InvalidInput, NotFound
from models.excel_import import import_excel
from models.plan_load import load_plan
from models.store import Store
from tests.test_briefing import MONTH, TODAY, build_month, pdf_text, squash
from tests.test_briefing_ui import FakeDialogs
from ui.briefing_view import BriefingView

NOW = dt.date(2026, 11, 30)  # the current reporting month is 2026-10


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def issue(app: App, tmp_path: Path, note: str = "本期编者按。") -> Path:
    sec = {"notice": "经研究，对按时报送的单位予以表扬。"}
    res = build_briefing_ex(app, CLI_ACTOR, MONTH, tmp_path / "原件.pdf",
                            BriefingOptions(date=TODAY, editor_note=note, sections=sec, as_of=NOW))
    assert res.issue == 1
    return res.path


def test_issue_is_kept_whole_and_reprinted_identically(app: App, db_path: Path, reviewer, clerk_of,
                                                       tmp_path: Path) -> None:
    build_month(app, reviewer=reviewer)
    original = issue(app, tmp_path)
    (rec,) = bd.issued(app, CLI_ACTOR)
    assert (rec.year, rec.number, rec.month, rec.pages) == (2026, 1, MONTH, rec.pages)
    assert rec.pdf_sha256 == sha(original)
    # the data, the settings and the plan's words change afterwards ...
    Entries(app).save_task_report(clerk_of("区工信局"), "2.1", "区工信局", MONTH,
                                  {"status": "滞后", "progress": "情况有变。", "person": "赵六"})
    app.settings.set("briefing_title", "另一个标题")
    app.close()
    # ... and the program is restarted
    again = App(Store(db_path), load_plan())
    try:
        rec2 = reprint_briefing(again, CLI_ACTOR, "2026-1", tmp_path / "重印.pdf")
        assert sha(tmp_path / "重印.pdf") == sha(original)  # the very document sent out
        assert rec2.label == "2026年第1期"
        text = squash(pdf_text(tmp_path / "重印.pdf"))
        assert "本期编者按。" in text and "经研究，对按时报送的单位予以表扬。" in text
        # laid out again from the stored month view and texts: the same bytes (same fonts)
        rebuilt = rebuild_briefing(again, CLI_ACTOR, "2026年第1期", tmp_path / "重建.pdf")
        assert sha(rebuilt) == sha(original)
        _rec, spec, view_json, pdf = bd.stored_issue(again, CLI_ACTOR, 2026, 1)
        assert spec["editor_note"] == "本期编者按。" and spec["sections"]["notice"].startswith("经研究")
        assert '"month":"2026-10"' in view_json and pdf[:5] == b"%PDF-"
        # the number is not given to another month, and the record cannot be changed
        with pytest.raises(InvalidInput, match="第1期已用于"):
            build_briefing_ex(again, CLI_ACTOR, "2026-09", tmp_path / "x.pdf",
                              BriefingOptions(date=TODAY, issue=1, as_of=NOW))
        with pytest.raises(sqlite3.DatabaseError):
            again.store.execute("UPDATE briefing_archive SET pages = 1")
        with pytest.raises(sqlite3.DatabaseError):
            again.store.execute("DELETE FROM briefing_archive")
        with pytest.raises(NotFound, match="没有2026年第9期"):
            reprint_briefing(again, CLI_ACTOR, "2026-9", tmp_path / "y.pdf")
        with pytest.raises(InvalidInput, match="格式不对"):
            reprint_briefing(again, CLI_ACTOR, "第一期", tmp_path / "y.pdf")
    finally:
        again.close()


def test_preview_is_not_kept_and_reissue_keeps_both(app: App, reviewer, tmp_path: Path) -> None:
    build_month(app, reviewer=reviewer)
    build_briefing_ex(app, CLI_ACTOR, MONTH, tmp_path / "p.pdf",
                      BriefingOptions(date=TODAY, record_issue=False, charts=False, as_of=NOW))
    assert bd.issued(app, CLI_ACTOR) == []
    issue(app, tmp_path, "第一稿。")
    issue(app, tmp_path, "第二稿。")
    (rec,) = bd.issued(app, CLI_ACTOR)
    assert rec.versions == 2
    _rec, spec, _view, _pdf = bd.stored_issue(app, CLI_ACTOR, 2026, 1)
    assert spec["editor_note"] == "第二稿。"  # the latest issue of the number is reprinted
    # the first one sent out can still be reprinted byte for byte
    first, spec1, _view, pdf1 = bd.stored_issue(app, CLI_ACTOR, 2026, 1, version=1)
    assert spec1["editor_note"] == "第一稿。" and first.id < rec.id
    got = reprint_briefing(app, CLI_ACTOR, "2026-1", tmp_path / "第一次.pdf", version=1)
    assert (tmp_path / "第一次.pdf").read_bytes() == pdf1 and got.id == first.id
    assert "第一稿。" in squash(pdf_text(tmp_path / "第一次.pdf"))
    with pytest.raises(NotFound, match="共编发2次，没有第3次"):
        reprint_briefing(app, CLI_ACTOR, "2026-1", tmp_path / "z.pdf", version=3)


def test_months_that_have_not_happened_are_refused(app: App, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="2027年5月还没有到填报的时候.*2026年10月.*简报"):
        build_briefing_ex(app, CLI_ACTOR, "2027-05", tmp_path / "b.pdf", BriefingOptions(as_of=NOW))
    with pytest.raises(InvalidInput, match="2026年11月还没有到填报的时候"):
        build_briefing_ex(app, CLI_ACTOR, "2026-11", tmp_path / "b.pdf", BriefingOptions(as_of=NOW, record_issue=False))
    assert bd.issues(app, CLI_ACTOR, 2027) == [] and bd.issued(app, CLI_ACTOR) == []
    with pytest.raises(InvalidInput, match="2099年12月还没有到填报的时候.*模板"):
        build_template(app, CLI_ACTOR, "2099-12", "区发改委", tmp_path / "t.xlsx", today=NOW)
    assert not (tmp_path / "t.xlsx").exists()
    # a template made for a future month (as if the clock had been wrong) does not import
    path = build_template(app, CLI_ACTOR, "2099-12", "区发改委", tmp_path / "t.xlsx", today=dt.date(2100, 2, 1))
    s = import_excel(app, CLI_ACTOR, path, today=NOW)
    assert not s.ok and "2099年12月还没有到填报的时候" in s.text()
    assert Entries(app).task_report(CLI_ACTOR, "1.1", "区发改委", "2099-12")["status"] == ""


def test_cli_reprint_list_and_refused_month(app: App, db_path: Path, reviewer, tmp_path: Path,
                                            capsys: pytest.CaptureFixture) -> None:
    build_month(app, reviewer=reviewer)
    original = issue(app, tmp_path)
    app.close()
    assert entry.main(["--db", str(db_path), "briefing", "--list"]) == 0
    out = capsys.readouterr().out
    assert "2026-1" in out and "2026年第1期" in out and "2026年10月" in out
    assert entry.main(["--db", str(db_path), "briefing", "--reprint", "2026-1", "-o",
                       str(tmp_path / "cli.pdf")]) == 0
    assert "已重印2026年第1期" in capsys.readouterr().out
    assert sha(tmp_path / "cli.pdf") == sha(original)
    assert entry.main(["--db", str(db_path), "briefing", "--reprint", "2026-1", "--nth", "1", "-o",
                       str(tmp_path / "cli1.pdf")]) == 0
    assert sha(tmp_path / "cli1.pdf") == sha(original)
    assert entry.main(["--db", str(db_path), "briefing", "--reprint", "2026-1", "--nth", "2", "-o",
                       str(tmp_path / "cli2.pdf")]) == 1
    assert "共编发1次，没有第2次" in capsys.readouterr().err and not (tmp_path / "cli2.pdf").exists()
    assert entry.main(["--db", str(db_path), "briefing", "--reprint", "2026-5", "-o",
                       str(tmp_path / "none.pdf")]) == 1
    assert "没有2026年第5期" in capsys.readouterr().err
    # a month after the current one: refused with a clear message, no number taken
    assert entry.main(["--db", str(db_path), "briefing", "--month", "2099-05", "-o",
                       str(tmp_path / "future.pdf")]) == 1
    err = capsys.readouterr().err
    assert "2099年5月还没有到填报的时候" in err and not (tmp_path / "future.pdf").exists()
    assert entry.main(["--db", str(db_path), "export-template", "--month", "2099-12", "--unit", "区发改委",
                       "-o", str(tmp_path / "t.xlsx")]) == 1
    assert "2099年12月还没有到填报的时候" in capsys.readouterr().err
    assert entry.main(["--db", str(db_path), "briefing", "-o", str(tmp_path / "x.pdf")]) == 2
    assert "--month" in capsys.readouterr().err


def test_page_lists_issues_reprints_and_restores_texts_after_restart(qtbot, app: App, db_path: Path,
                                                                     reviewer, tmp_path: Path) -> None:
    build_month(app, reviewer=reviewer)
    (tmp_path / "另存").mkdir()
    dialogs = FakeDialogs(tmp_path / "另存" / "简报.pdf", tmp_path / "打印.pdf")
    w = BriefingView(app, reviewer, None, dialogs)
    qtbot.addWidget(w)
    w.date.setDate(QDate(2026, 11, 5))
    w.month.set_month(MONTH)
    assert not w.issued.reprint_btn.isEnabled() and w.issued.box.currentText() == "（尚未编发）"
    w.note.setPlainText("编者按：请各单位对照检查。")
    qtbot.mouseClick(w.save_btn, Qt.MouseButton.LeftButton)
    saved = tmp_path / "另存" / "简报.pdf"
    assert saved.exists() and w.issued.reprint_btn.isEnabled()
    assert w.issued.box.currentText().startswith("2026年第1期（2026年10月")
    w.close()
    app.close()
    # after a restart the page shows the issue's texts and reprints the original
    again = App(Store(db_path), load_plan())
    dialogs2 = FakeDialogs(tmp_path / "原件.pdf", tmp_path / "重印.pdf")
    w2 = BriefingView(again, reviewer, None, dialogs2)
    qtbot.addWidget(w2)
    w2.month.set_month(MONTH)
    assert w2.note.toPlainText() == "编者按：请各单位对照检查。"
    assert "已编发为2026年第1期" in w2.message.text()
    qtbot.mouseClick(w2.issued.save_btn, Qt.MouseButton.LeftButton)
    assert sha(tmp_path / "原件.pdf") == sha(saved)
    qtbot.mouseClick(w2.issued.reprint_btn, Qt.MouseButton.LeftButton)
    assert (tmp_path / "重印.pdf").exists() and "已重印2026年第1期" in w2.message.text()
    # 重新生成文字 composes from the data again (the edits are asked about first)
    qtbot.mouseClick(w2.compose_btn, Qt.MouseButton.LeftButton)
    assert w2.note.toPlainText() == "编者按：请各单位对照检查。"  # the note is not composed
    assert "全区应报送调度数据的单位" in w2.edits["overview"].toPlainText()
    w2.close()
    again.close()
