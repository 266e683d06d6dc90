"""The plan screens driven like a clerk would: the first run starts from a local plan
document (read off the GUI thread with progress and cancel, reviewed, saved beside the
database); the review screen shows each entry beside the document's words, its review
items with 已核对, and takes corrections through the draft's checked edits (refusals shown,
nothing changed); the office imports a revised plan or edits the current one, sees the
changes by code and, as administrator only, adopts them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLineEdit, QStyle, QStyleOptionComboBox

from models import passwords
from models.app import ADMIN, REVIEWER, Actor, App
from models.plan_binding import installed_plan_file
from tests.plan_docs import SEED_TXT, P, write_docx, write_pdf
from tests.plan_samples import county_plan
from tests.qt_helpers import type_text
from ui.first_run_dialog import FirstRunDialog
from ui.plan_import_dialog import PlanImportDialog
from ui.plan_review_view import PlanReviewDialog
from ui.plan_tab import PlanTab

ADMIN_ACTOR = Actor("admin", ADMIN, None, "管理员")
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's notice on dialogs


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "KDF_PARAMS", {"alg": "scrypt", "n": 16, "r": 1, "p": 1, "dklen": 32})


def _edit_cell(qtbot, review: PlanReviewDialog, ref: str, col: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Double-click-edit one cell of the review table: type, then Enter."""
    row = review.model.row_of(ref)
    idx = review.model.index(row, col)
    review.table.scrollTo(idx)
    review.table.setCurrentIndex(idx)
    review.table.edit(idx)
    def editors() -> list[QLineEdit]:
        return [e for e in review.table.viewport().findChildren(QLineEdit) if e.isVisible()]
    qtbot.waitUntil(lambda: len(editors()) == 1)
    editor = editors()[0]
    editor.setFocus()
    editor.selectAll()
    editor.del_()
    type_text(qtbot, editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # the delegate commits after the key press has been handled (a queued call)
    qtbot.waitUntil(lambda: review.table.state() != QAbstractItemView.State.EditingState)


def _when(find: Callable[[], object], act: Callable[[object], None]) -> None:
    """Act on a modal dialog once it is up (it runs its own event loop)."""
    def poll() -> None:
        got = find()
        if got is not None and getattr(got, "isVisible", lambda: False)():
            act(got)
        else:
            QTimer.singleShot(20, poll)
    QTimer.singleShot(0, poll)


def _shown(qtbot, dlg) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: dlg.isVisible())
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow)


# -- the first run -------------------------------------------------------------------------------

def test_first_run_starts_from_a_local_plan_document(qtbot, app: App, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = write_docx(county_plan(), tmp_path / "青禾县碳达峰实施方案.docx")
    first = FirstRunDialog(app)
    qtbot.addWidget(first)
    first.show()
    assert "用本地的实施方案开始" in first.start_from_doc.text()
    first.import_plan(str(doc))
    qtbot.waitUntil(lambda: first.review is not None and first.review.isVisible(), timeout=30000)
    review = first.review
    assert review is not None
    _shown(qtbot, review)
    # the first entry with something to check is selected, beside its source words and items
    row = review.current()
    assert row is not None and review.model.open_count(review.model.row_of(row.ref)) > 0
    assert review.words.toPlainText().strip() and review.checks.count() >= 1
    open_before = review.draft.open_items()
    item = review.checks.item(0)
    item.setCheckState(Qt.CheckState.Checked)  # 已核对
    assert review.draft.open_items() == open_before - 1
    assert f"待核对 {open_before - 1} 项" in review.summary.text()
    # correct a title in the table; a unit not in the list is refused and changes nothing
    task = next(r for r in review.model.rows if r.kind in ("task", "subtask") and r.lead and r.lead != "未分工")
    _edit_cell(qtbot, review, task.ref, 2, "改过的标题")
    assert review.draft.row(task.ref).item["title"] == "改过的标题"  # type: ignore[union-attr]
    units = list(review.draft.row(task.ref).item["units"])  # type: ignore[union-attr]
    _edit_cell(qtbot, review, task.ref, 3, "不存在的局")
    qtbot.waitUntil(lambda: "不在单位列表中" in review.message.text())
    assert review.draft.row(task.ref).item["units"] == units  # type: ignore[union-attr]
    # a target through its fields: 约束性 → 力争
    part = next(r for r in review.model.rows if r.kind == "part" and review.draft.targets(r.ref))
    review.select(review.model.row_of(part.ref))
    assert review.targets_box.isVisible()
    kind = review.targets.form.editors["kind"].editor
    kind.setCurrentIndex(kind.findData("力争"))
    assert review.draft.targets(part.ref)[0]["kind"] == "stretch"
    qtbot.mouseClick(review.save_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not review.isVisible())
    assert app.plan.district == "青禾县" and app.plan.task(task.ref).title == "改过的标题"
    beside = installed_plan_file(app.store.path)
    assert beside.is_file() and "改过的标题" in beside.read_text(encoding="utf-8")
    assert "青禾县" in first.plan_label.text() and "已按此方案建立数据库" in first.plan_message.text()
    # then the administrator, as before
    first.display.setText("张三")
    first.password.setText("Zs#2026-pass")
    first.again.setText("Zs#2026-pass")
    qtbot.mouseClick(first.ok, Qt.MouseButton.LeftButton)
    assert first.actor is not None and first.actor.role == ADMIN


def test_first_run_with_a_document_that_is_not_a_plan(qtbot, app: App, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "方案.docx"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a broken zip named .docx
    first = FirstRunDialog(app)
    qtbot.addWidget(first)
    first.show()
    plan_before = app.plan.digest
    first.import_plan(str(bad))
    qtbot.waitUntil(lambda: first.importer is not None and first.importer.error != "", timeout=20000)
    importer = first.importer
    assert importer is not None and "方案.docx" in importer.label.text() and importer.cancel_btn.text() == "关闭"
    qtbot.mouseClick(importer.cancel_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: first.importer is None)
    assert "方案.docx" in first.plan_message.text() and "Error" not in first.plan_message.text()
    assert first.review is None and app.plan.digest == plan_before
    assert not installed_plan_file(app.store.path).exists()


def test_reading_a_document_can_be_cancelled(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocks: list[P | str] = [P("某某县碳达峰实施方案"), P("一、重点任务"), P("（一）能源转型行动")]
    for n in range(1, 13):
        blocks += [P(f"{n}.任务{n}。推进第{n}项工作。（县发改委、县住建局等按职责分工负责）"), "PAGE"]
    pdf = write_pdf(blocks, tmp_path / "方案.pdf")
    dlg = PlanImportDialog(str(pdf))
    qtbot.addWidget(dlg)
    pages: list[int] = []
    dlg.job.progress.connect(lambda what, done, total: (pages.append(done), dlg.cancel()))
    dlg.open()
    qtbot.waitUntil(lambda: dlg.result() == 0 and not dlg.running() and dlg.error != "", timeout=30000)
    assert dlg.error == "已取消导入。" and dlg.draft is None
    assert pages and max(pages) < 12  # stopped before the last page


# -- the office's settings -------------------------------------------------------------------------

def _adopt_when_asked(tab: PlanTab) -> None:
    _when(lambda: tab.confirm, lambda dlg: dlg.accept_button.click())  # type: ignore[attr-defined]


def test_the_office_imports_a_revised_plan_and_adopts_it(qtbot, app: App) -> None:  # type: ignore[no-untyped-def]
    tab = PlanTab(app, ADMIN_ACTOR)
    qtbot.addWidget(tab)
    tab.show()
    old = app.plan
    tab.import_plan(str(SEED_TXT))
    qtbot.waitUntil(lambda: tab.review is not None and tab.review.isVisible(), timeout=30000)
    review = tab.review
    assert review is not None and review.draft.meta["id"] == old.plan_id  # a new version of the same plan
    changes: list[str] = []
    _when(lambda: tab.confirm, lambda dlg: (changes.append(dlg.changes.toPlainText()),  # type: ignore[attr-defined]
                                            dlg.accept_button.click()))  # type: ignore[attr-defined]
    qtbot.mouseClick(review.save_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not review.isVisible(), timeout=20000)
    assert changes and "改名 I06b" in changes[0] and "已填报的数据按编码保留" in changes[0]
    assert app.plan.digest != old.digest and app.plan.plan_id == old.plan_id
    assert "已采用" in tab.message.text()
    assert installed_plan_file(app.store.path).read_text(encoding="utf-8") == app.plan.source


def test_the_office_edits_the_plan_in_the_program(qtbot, app: App) -> None:  # type: ignore[no-untyped-def]
    tab = PlanTab(app, ADMIN_ACTOR)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.mouseClick(tab.edit_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.review is not None and tab.review.isVisible())
    review = tab.review
    assert review is not None
    _shown(qtbot, review)
    unit = next(r for r in review.model.rows if r.kind == "unit")
    _edit_cell(qtbot, review, unit.ref, 4, "另一种写法")
    task = next(r for r in review.model.rows if r.kind == "task" and r.lead not in ("", "未分工"))
    review.select(review.model.row_of(task.ref))
    review.add_milestone()
    row = review.current()
    assert row is not None and row.kind == "milestone" and row.ref.startswith(task.ref + "-M")
    _edit_cell(qtbot, review, row.ref, 2, "新建充电桩")
    value = review.targets.form.editors["value"].editor
    assert isinstance(value, QLineEdit)
    value.setFocus()
    type_text(qtbot, value, "abc")
    qtbot.keyClick(value, Qt.Key.Key_Tab)  # leaving the field applies it: refused under the field
    assert review.targets.form.editors["value"].error.text()
    assert "value" not in review.draft.targets(row.ref)[0]
    value.setFocus()
    value.selectAll()
    type_text(qtbot, value, "500")
    qtbot.keyClick(value, Qt.Key.Key_Tab)
    assert review.draft.targets(row.ref)[0]["value"] == 500
    _adopt_when_asked(tab)
    qtbot.mouseClick(review.save_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not review.isVisible(), timeout=20000)
    m = next(m for m in app.plan.milestones_of(task.ref) if m.code == row.ref)
    assert m.name == "新建充电桩" and m.part.targets[0].value == 500
    assert "另一种写法" in next(u for u in app.plan.units if u.name == unit.title).aliases


def test_a_reduction_target_reads_as_the_plan_says_it(qtbot, app: App) -> None:  # type: ignore[no-untyped-def]
    """比2020年下降10%以上 is stored as op “<=”: the editor shows 下降X%以上 and 10, not
    “不高于 10”, and changing it keeps the reduction."""
    tab = PlanTab(app, ADMIN_ACTOR)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.mouseClick(tab.edit_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.review is not None and tab.review.isVisible())
    review = tab.review
    assert review is not None
    _shown(qtbot, review)
    review.select(review.model.row_of("I11a"))
    qtbot.waitUntil(lambda: review.targets.ref == "I11a")
    editors = review.targets.form.editors
    assert editors["op"].value() == "下降X%以上" and editors["value"].value() == "10"
    assert editors["basis"].value() == "比基期下降" and editors["baseline_year"].value() == "2020"
    assert "不高于" not in review.targets.which.currentText()
    assert "比2020年下降10%以上" in review.targets.which.currentText()
    op = editors["op"].editor
    assert isinstance(op, QComboBox)
    op.setCurrentIndex(op.findData("下降约X%"))
    qtbot.waitUntil(lambda: review.draft.targets("I11a")[0]["op"] == "approx")
    assert "比2020年下降约10%" in review.targets.which.currentText()


def test_the_target_selector_shows_its_whole_summary_at_1366(qtbot) -> None:  # type: ignore[no-untyped-def]
    """At 1366×768 the selector of a part's targets is wide enough for the summary of each
    target (比2020年下降10%以上…), and the list that drops down for its longest one."""
    from models.plan_draft import PlanDraft
    from models.plan_import import import_plan
    review = PlanReviewDialog(PlanDraft.from_import(import_plan(SEED_TXT)), "导入实施方案", "保存", lambda t, p: True)
    qtbot.addWidget(review)
    review.resize(1366, 740)
    review.show()
    qtbot.waitUntil(review.isVisible)
    which = review.targets.which
    for ref in ("I01", "I11a", "10.2-M1"):
        review.select(review.model.row_of(ref))
        qtbot.waitUntil(lambda ref=ref: review.targets.ref == ref and which.count() > 0)
        for n in range(which.count()):
            which.setCurrentIndex(n)
            room = which.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, _combo_option(which),
                                                QStyle.SubControl.SC_ComboBoxEditField, which).width()
            assert which.fontMetrics().horizontalAdvance(which.currentText()) <= room, (ref, which.currentText())
            assert which.toolTip() == which.currentText()
        longest = max(which.fontMetrics().horizontalAdvance(which.itemText(n)) for n in range(which.count()))
        assert which.view().minimumWidth() >= longest


def _combo_option(combo: QComboBox) -> QStyleOptionComboBox:
    opt = QStyleOptionComboBox()
    opt.initFrom(combo)
    opt.editable = combo.isEditable()
    return opt


def test_a_reviewer_is_refused_by_the_service(qtbot, app: App) -> None:  # type: ignore[no-untyped-def]
    reviewer = Actor("office", REVIEWER, None, "审核员")
    tab = PlanTab(app, reviewer)
    qtbot.addWidget(tab)
    tab.show()
    assert not tab.edit_btn.isEnabled() and not tab.import_btn.isEnabled()
    digest = app.plan.digest
    tab.edit_plan()  # past the disabled button: the service still refuses
    review = tab.review
    assert review is not None
    _shown(qtbot, review)
    _edit_cell(qtbot, review, "1.1", 2, "审核员改的标题")
    _adopt_when_asked(tab)
    qtbot.mouseClick(review.save_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "只有管理员可以采用新的实施方案" in review.message.text(), timeout=20000)
    assert review.isVisible() and app.plan.digest == digest
    assert not installed_plan_file(app.store.path).exists()
