"""The 台账与模板 page: exporting in a worker with progress and cancel, importing, roles."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

import exports.ledger as ledger_mod
from models.app import CLI_ACTOR, App
from models.entries import Entries
from ui.excel_view import ALL_UNITS, ExcelView

UNIT = "区发改委"
# The offscreen platform cannot propagate window size hints; Qt says so at WARNING level.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


class FakeDialogs:
    def __init__(self, save: Path | None = None, open_: Path | None = None):
        self.save = save
        self.open = open_
        self.asked: list[str] = []
        self.kinds: list[str] = []
        self.written: list[Path] = []  # files the page offered to open

    def save_path(self, parent, title: str, suggested: str, kind: str = "") -> str:
        self.kinds.append(kind)
        self.asked.append(suggested)
        return str(self.save) if self.save else ""

    def open_path(self, parent, title: str) -> str:
        return str(self.open) if self.open else ""

    def done(self, parent, title: str, text: str, path: Path) -> None:
        self.written.append(Path(path))


def make_view(qtbot, app: App, actor) -> ExcelView:
    view = ExcelView(app, actor)
    qtbot.addWidget(view)
    view.show()
    return view


def pick_month(view: ExcelView, month: str) -> None:
    view.month.setCurrentIndex(view.month.findData(month))


def test_page_is_registered_for_everyone() -> None:
    from ui.main_window import PAGES, _takes_actor
    spec = next(s for s in PAGES if s.key == "excel")
    assert (spec.title, spec.module, spec.cls) == ("台账与模板", "ui.excel_view", "ExcelView")
    assert not spec.office_only and not spec.admin_only
    assert _takes_actor(ExcelView)


def test_export_ledger_from_the_page(qtbot, app: App, reviewer, tmp_path: Path) -> None:
    Entries(app).save_task_report(CLI_ACTOR, "1.1", UNIT, "2026-10", {"status": "滞后", "progress": "慢",
                                                                       "person": "张三"})
    view = make_view(qtbot, app, reviewer)
    assert view.unit.itemText(0) == ALL_UNITS
    out = tmp_path / "台账.xlsx"
    view.dialogs = FakeDialogs(save=out)
    pick_month(view, "2026-10")
    qtbot.mouseClick(view.export_ledger_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.last_output is not None and not view.busy(), timeout=15000)
    assert "已导出台账" in view.status.text()
    # the page offers to open the file or its folder, and asked where to save as a ledger
    assert view.dialogs.written == [out] and view.dialogs.kinds == ["ledger"]
    wb = load_workbook(out)
    assert "考核" in wb.sheetnames
    assert "2026年10月" in wb["任务推进台账"]["A1"].value
    assert view.export_ledger_btn.isEnabled()
    logged = app.store.query("SELECT actor, kind, detail FROM event_log WHERE kind = 'export'")
    assert logged and logged[-1]["actor"] == reviewer.username and "台账.xlsx" in logged[-1]["detail"]


def test_export_several_months_for_one_unit(qtbot, app: App, reviewer, tmp_path: Path) -> None:
    view = make_view(qtbot, app, reviewer)
    out = tmp_path / "multi.xlsx"
    view.dialogs = FakeDialogs(save=out)
    pick_month(view, "2026-10")
    view.unit.setCurrentIndex(view.unit.findData(UNIT))
    view.multi.setChecked(True)
    assert view.from_month.isEnabled()
    view.from_month.setCurrentIndex(view.from_month.findData("2026-08"))
    assert view.selected_months() == ["2026-08", "2026-09", "2026-10"]
    qtbot.mouseClick(view.export_ledger_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.last_output is not None and not view.busy(), timeout=15000)
    ws = load_workbook(out)["任务推进台账"]
    assert ws["B3"].value == "月份"
    assert {ws.cell(r, 2).value for r in range(4, ws.max_row)} == {"2026年8月", "2026年9月", "2026年10月"}
    assert ws.cell(ws.max_row, 1).value.startswith("说明：")  # the closing row explains colours and marks


def hold_gather(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Make the ledger export wait (in its worker thread) until the returned event is set."""
    gate = threading.Event()
    real = ledger_mod.gather

    def slow_gather(*a, **k):
        gate.wait(10)
        return real(*a, **k)

    monkeypatch.setattr(ledger_mod, "gather", slow_gather)
    return gate


def test_cancel_stops_the_export_and_leaves_no_file(qtbot, app: App, reviewer, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    gate = hold_gather(monkeypatch)
    view = make_view(qtbot, app, reviewer)
    out = tmp_path / "cancel.xlsx"
    view.dialogs = FakeDialogs(save=out)
    qtbot.mouseClick(view.export_ledger_btn, Qt.MouseButton.LeftButton)
    assert view.busy() and not view.export_ledger_btn.isEnabled()
    dlg = view.progress_dialog
    assert dlg is not None and dlg.minimumDuration() >= 300
    cancel_btn = dlg.findChild(QPushButton)
    assert cancel_btn is not None and cancel_btn.text() == "取消"
    cancel_btn.click()  # the progress dialog's Cancel button
    gate.set()
    qtbot.waitUntil(lambda: not view.busy(), timeout=15000)
    assert "已取消" in view.status.text()
    assert not out.exists()
    assert not list(tmp_path.glob("*.part"))


def test_template_export_and_import_round_trip(qtbot, app: App, clerk_of, tmp_path: Path) -> None:
    clerk = clerk_of(UNIT)
    view = make_view(qtbot, app, clerk)
    assert [view.unit.itemText(i) for i in range(view.unit.count())] == [UNIT]
    tpl = tmp_path / "模板.xlsx"
    view.dialogs = FakeDialogs(save=tpl)
    pick_month(view, "2026-10")
    qtbot.mouseClick(view.export_template_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.last_output == tpl and not view.busy(), timeout=15000)
    wb = load_workbook(tpl)
    ws = wb["任务填报"]
    heads = [c.value for c in ws[3]]
    r = next(i for i in range(4, ws.max_row + 1) if ws.cell(i, 1).value == "1.1")
    ws.cell(r, heads.index("完成状态") + 1).value = "推进中"
    ws.cell(r, heads.index("本月进展情况") + 1).value = "完成备案"
    ws.cell(r, heads.index("责任人") + 1).value = "张三"
    wb.save(tpl)
    view.dialogs = FakeDialogs(open_=tpl)
    view.dry_run.setChecked(True)
    qtbot.mouseClick(view.import_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.last_summary is not None and not view.busy(), timeout=15000)
    assert "仅检查" in view.result.toPlainText()
    assert Entries(app).task_report(CLI_ACTOR, "1.1", UNIT, "2026-10")["updated_at"] == ""
    view.last_summary = None
    view.dry_run.setChecked(False)
    qtbot.mouseClick(view.import_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.last_summary is not None and not view.busy(), timeout=15000)
    assert "新增1条" in view.result.toPlainText()
    assert Entries(app).task_report(CLI_ACTOR, "1.1", UNIT, "2026-10")["progress"] == "完成备案"


def test_clerk_cannot_import_another_units_template(qtbot, app: App, clerk_of, tmp_path: Path) -> None:
    from exports.template import build_template
    tpl = build_template(app, CLI_ACTOR, "2026-10", "区工信局", tmp_path / "other.xlsx")
    view = make_view(qtbot, app, clerk_of(UNIT))
    view.dialogs = FakeDialogs(open_=tpl)
    qtbot.mouseClick(view.import_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "失败" in view.status.text(), timeout=15000)
    assert "不能" in view.result.toPlainText() and "区工信局" in view.result.toPlainText()


def test_import_of_a_foreign_file_shows_a_message(qtbot, app: App, reviewer, tmp_path: Path) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    view = make_view(qtbot, app, reviewer)
    view.dialogs = FakeDialogs(open_=bad)
    qtbot.mouseClick(view.import_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "失败" in view.status.text(), timeout=15000)
    assert "不是 Excel 工作簿" in view.result.toPlainText()


def test_closing_the_page_stops_a_running_export(qtbot, app: App, reviewer, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    gate = hold_gather(monkeypatch)
    view = make_view(qtbot, app, reviewer)
    out = tmp_path / "closed.xlsx"
    view.dialogs = FakeDialogs(save=out)
    qtbot.mouseClick(view.export_ledger_btn, Qt.MouseButton.LeftButton)
    assert view.busy()
    threading.Timer(0.2, gate.set).start()
    view.close()  # cancels and waits for the worker thread
    assert view.worker_thread is None or view.worker_thread.isFinished()
    qtbot.waitUntil(lambda: not view.busy(), timeout=15000)
    assert not out.exists() and not list(tmp_path.glob("*.part"))
