"""The office reviews 佐证材料: files beside each item of a submission, opened from there,
and items marked 佐证不足 when returning, which the unit must answer with new files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument

from models import review
from models.attachment_store import sha256_of
from models.entries import Entries
from models.errors import DomainError, InvalidInput, PermissionDenied
from tests import evidence_files as ef
from tests.qt_helpers import type_text
from tests.test_attachment_ui import FakeDialogs
from ui.review_view import ReviewView

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

U = "区文广新旅局"
M = "2026-10"


def _submit_with_evidence(app, clerk) -> tuple[Entries, dict, dict]:
    e = Entries(app)
    e.save_task_report(clerk, "9.2", U, M, {"status": "推进中", "progress": "开展宣传活动2场", "person": "李娜"})
    photo = e.attach_bytes(clerk, U, M, "task_report", "9.2", "宣传现场.jpg", ef.jpeg(1200, 800), "国庆宣传").row
    minutes = e.attach_bytes(clerk, U, M, "task_report", "9.2", "活动方案.pdf", ef.pdf("plan")).row
    e.submit(clerk, U, M)
    return e, photo, minutes


def test_return_marks_items_and_the_unit_must_add_files(app, clerk_of, reviewer) -> None:
    c = clerk_of(U)
    e, photo, _ = _submit_with_evidence(app, c)
    with pytest.raises(PermissionDenied):
        review.return_submission(app, c, U, M, "自己退回", [("task_report", "9.2")])
    with pytest.raises(PermissionDenied):  # an item of another unit
        review.return_submission(app, reviewer, U, M, "x", [("task_report", "1.1")])
    assert e.state(c, U, M) == "submitted"
    review.return_submission(app, reviewer, U, M, "请补充活动照片", [("task_report", "9.2")])
    assert e.state(c, U, M) == "returned"
    assert "佐证不足：任务9.2“" in review.clerk_notice(app, c, U, M)
    assert [(f["entity"], f["entity_key"]) for f in e.evidence_flags(c, U, M)] == [("task_report", "9.2")]
    problems = e.month_problems(c, U, M)
    assert any("佐证不足" in msg for _, msg in problems)
    with pytest.raises(InvalidInput):
        e.submit(c, U, M)
    e.set_attachment_caption(c, photo["uid"], "只改说明不算补充")
    assert any("佐证不足" in msg for _, msg in e.month_problems(c, U, M))
    e.attach_bytes(c, U, M, "task_report", "9.2", "活动照片2.jpg", ef.jpeg(1000, 700, seed=5))
    assert not any("佐证不足" in msg for _, msg in e.month_problems(c, U, M))
    e.submit(c, U, M)
    review.approve(app, reviewer, U, M)
    assert e.evidence_flags(c, U, M) == []


def test_review_page_shows_files_beside_items_opens_them_and_marks_insufficient(
        qtbot, app, clerk_of, reviewer) -> None:
    c = clerk_of(U)
    _e, photo, minutes = _submit_with_evidence(app, c)
    v = ReviewView(app, reviewer)
    qtbot.addWidget(v)
    v.resize(1366, 768)
    v.show()
    qtbot.waitExposed(v)
    v.set_month(M)
    v.select_unit(U)
    text = v.detail.toPlainText()
    assert "佐证材料" in text and "宣传现场.jpg" in text and "活动方案.pdf" in text and "国庆宣传" in text
    doc = v.detail.document()
    for row in (photo, minutes):
        img = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(f"thumb:{row['uid']}"))
        assert img is not None and not img.isNull()
    html = v.detail.toHtml()
    assert f"attachment:{photo['uid']}" in html
    # clicking a file opens a checked copy
    dialogs = v.evidence.dialogs = FakeDialogs()
    v.detail.anchorClicked.emit(QUrl(f"attachment:{minutes['uid']}"))
    copy = Path(dialogs.opened[0].toLocalFile())
    assert sha256_of(copy.read_bytes()) == minutes["sha256"]
    # mark 9.2 佐证不足 and return
    lst = v.evidence.list
    assert v.evidence.isEnabled()
    labels = [lst.item(i).text() for i in range(lst.count())]
    assert labels[0].startswith("任务9.2") and "佐证材料2份" in labels[0]
    lst.item(0).setCheckState(Qt.CheckState.Checked)
    type_text(qtbot, v.comment, "照片看不清施工内容")
    qtbot.mouseClick(v.return_btn, Qt.MouseButton.LeftButton)
    assert Entries(app).state(c, U, M) == "returned"
    assert [(f["entity_key"]) for f in Entries(app).evidence_flags(c, U, M)] == ["9.2"]
    v.select_unit(U)
    assert "上次退回标记了佐证不足" in v.evidence.list.item(0).text()
    assert not v.evidence.isEnabled()  # only a submitted month can be returned


def test_flags_only_with_a_return(app, clerk_of, reviewer) -> None:
    c = clerk_of(U)
    e, _, _ = _submit_with_evidence(app, c)
    with pytest.raises(DomainError):
        review.return_submission(app, reviewer, U, "2026-09", "未报送的月份", [("task_report", "9.2")])
    assert e.evidence_flags(c, U, "2026-09") == []
