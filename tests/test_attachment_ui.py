"""佐证材料 on the forms, driven through the real widgets: files dropped from Explorer and
chosen with the button, thumbnails, opening a checked copy, captions, removing, and the
strip turning read-only with the month."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from models.attachment_store import sha256_of
from models.entries import Entries
from tests import evidence_files as ef
from ui.attachment_strip import AttachmentStrip, StripDialogs
from ui.workspace import Workspace
from ui.workspace_tree import INDICATORS, PROJECTS, TASKS

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

M = "2026-10"
UNIT = "区文广新旅局"


class FakeDialogs(StripDialogs):
    def __init__(self) -> None:
        self.paths: list[str] = []
        self.opened: list[QUrl] = []
        self.captions: list[str] = []
        self.remove_answer = True

    def open_paths(self, parent) -> list[str]:
        return self.paths

    def caption(self, parent, name: str, current: str) -> str | None:
        return self.captions.pop(0) if self.captions else None

    def confirm_remove(self, parent, name: str) -> bool:
        return self.remove_answer

    def open_url(self, url: QUrl) -> bool:
        self.opened.append(url)
        return True


def _ws(qtbot, app, actor) -> Workspace:
    w = Workspace(app, actor)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    if w.month != M:
        w.set_month(M)
    return w


def drop(strip: AttachmentStrip, paths: list[Path]) -> bool:
    """Drag files from Explorer onto the strip: a drag-enter, then the drop."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = strip.list.geometry().center()
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(strip, enter)
    if not enter.isAccepted():
        return False
    ev = QDropEvent(QPointF(QPoint(pos)), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                    Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(strip, ev)
    return ev.isAccepted()


def _texts(strip: AttachmentStrip) -> list[str]:
    return [strip.list.item(i).text() for i in range(strip.list.count())]


def test_drop_files_see_thumbnails_open_caption_and_remove(qtbot, app, clerk_of, tmp_path: Path) -> None:
    w = _ws(qtbot, app, clerk_of(UNIT))
    w.select(TASKS, "9.2")
    strip = w.task_panel.evidence
    dialogs = strip.dialogs = FakeDialogs()
    assert strip.isVisibleTo(w) and strip.add_btn.isEnabled()
    photo = ef.write(tmp_path, "活动现场.jpg", ef.jpeg(3200, 2400, noise=True))
    minutes = ef.write(tmp_path, "会议纪要.pdf", ef.pdf("minutes", pages=2))
    fake = ef.write(tmp_path, "照片.jpg", ef.executable())
    assert drop(strip, [photo, minutes, fake])
    qtbot.waitUntil(lambda: not strip.busy(), timeout=20000)
    assert [t.split("\n")[0] for t in _texts(strip)] == ["活动现场.jpg", "会议纪要.pdf"]
    assert strip.title() == "佐证材料（2份）"
    assert "可执行程序" in strip.status.text() and "已缩小为 2000×1500" in strip.status.text()
    assert w.state_label.text() == "状态：草稿" and "已添加2份佐证材料，1份未添加" in w.status.text()
    for i in range(2):  # thumbnails are pictures of the files, not blank
        icon = strip.list.item(i).icon()
        img = icon.pixmap(88, 88).toImage()
        assert not img.isNull() and len({img.pixel(x, y) for x in range(0, img.width(), 7)
                                          for y in range(0, img.height(), 7)}) > 3
    # the button, with the file dialog answered
    dialogs.paths = [str(ef.write(tmp_path, "统计表.xlsx", ef.xlsx()))]
    strip.add_btn.click()
    qtbot.waitUntil(lambda: not strip.busy() and strip.list.count() == 3, timeout=20000)
    # open the PDF: a read-only copy checked against the hash goes to the viewer
    strip.list.setCurrentRow(1)
    strip.open_btn.click()
    assert len(dialogs.opened) == 1
    copy = Path(dialogs.opened[0].toLocalFile())
    row = Entries(app).attachments(clerk_of(UNIT), UNIT, M)[1]
    assert copy.name == "会议纪要.pdf" and sha256_of(copy.read_bytes()) == row["sha256"]
    assert not os.stat(copy).st_mode & stat.S_IWUSR
    # caption, then remove (with and without confirming)
    dialogs.captions = ["三季度推进会纪要"]
    strip.caption_btn.click()
    assert "三季度推进会纪要" in _texts(strip)[1]
    dialogs.remove_answer = False
    strip.remove_btn.click()
    assert strip.list.count() == 3
    dialogs.remove_answer = True
    strip.remove_btn.click()
    assert [t.split("\n")[0] for t in _texts(strip)] == ["活动现场.jpg", "统计表.xlsx"]
    fields = [h["field"] for h in Entries(app).history(clerk_of(UNIT), "task_report", "9.2", unit=UNIT, month=M)]
    assert fields.count("attachment") == 4 and fields.count("attachment_caption") == 1


def test_strip_is_read_only_once_the_month_is_submitted(qtbot, app, clerk_of, tmp_path: Path) -> None:
    c = clerk_of(UNIT)
    e = Entries(app)
    e.save_task_report(c, "9.2", UNIT, M, {"status": "推进中", "progress": "开展宣传", "person": "李娜"})
    e.attach_bytes(c, UNIT, M, "task_report", "9.2", "现场.png", ef.png())
    e.submit(c, UNIT, M)
    w = _ws(qtbot, app, c)
    w.select(TASKS, "9.2")
    strip = w.task_panel.evidence
    assert strip.list.count() == 1
    assert not strip.add_btn.isEnabled() and not strip.remove_btn.isEnabled()
    strip.list.setCurrentRow(0)
    assert strip.open_btn.isEnabled() and not strip.remove_btn.isEnabled()
    assert "只能查看" in strip.hint.text()
    drop(strip, [ef.write(tmp_path, "晚了.png", ef.png(300, 300))])
    assert strip.list.count() == 1 and "不能添加" in strip.status.text()


def test_indicator_and_project_forms_have_their_own_files(qtbot, app, clerk_of, tmp_path: Path) -> None:
    unit = "区住建局"
    c = clerk_of(unit)
    e = Entries(app)
    task = app.tasks_of(unit)[0][0].code
    uid = e.save_project(c, unit, M, task, {"name": "光伏屋顶", "ptype": "新建"})
    part = app.parts_of(unit)[0]
    w = _ws(qtbot, app, c)
    w.select(INDICATORS, part)
    strip = w.ind_panel.evidence
    assert drop(strip, [ef.write(tmp_path, "统计报表.pdf", ef.pdf("stats"))])
    qtbot.waitUntil(lambda: not strip.busy(), timeout=20000)
    period = e.period_for(part, M)
    assert [a["name"] for a in e.attachments(c, unit, M, "indicator", f"{part}@{period}")] == ["统计报表.pdf"]
    w.select(PROJECTS, task)
    pstrip = w.proj_panel.evidence
    assert pstrip.isVisibleTo(w) and "光伏屋顶" in pstrip.title()
    assert drop(pstrip, [ef.write(tmp_path, "屋顶.jpg", ef.jpeg(800, 600))])
    qtbot.waitUntil(lambda: not pstrip.busy(), timeout=20000)
    assert [a["name"] for a in e.attachments(c, unit, M, "project_month", uid)] == ["屋顶.jpg"]
    assert pstrip.title().endswith("（1份）")


def test_office_sets_limits_and_required_evidence_on_the_settings_page(qtbot, app, admin, reviewer) -> None:
    from PySide6.QtCore import Qt as _Qt
    from ui.settings_view import SettingsView
    view = SettingsView(app, admin)
    qtbot.addWidget(view)
    tab = view.evidence
    assert tab.photo_px.value() == 2000 and tab.max_mb.value() == 20 and not tab.keep.isChecked()
    tab.photo_px.setValue(1600)
    tab.keep.setChecked(True)
    tab.package_mb.setValue(30)
    for i in range(tab.required.count()):
        if tab.required.item(i).data(_Qt.ItemDataRole.UserRole) in ("4.3", "I07"):
            tab.required.item(i).setCheckState(_Qt.CheckState.Checked)
    tab.save_btn.click()
    assert "佐证材料设置已保存" in view.message.text()
    s = app.settings
    assert (s.get("attachment_photo_px"), s.get("attachment_keep_originals"), s.get("attachment_package_mb")) == (
        1600, True, 30.0)
    assert s.get("attachment_required") == ["4.3", "I07"]
    assert any("佐证材料必填" in r["detail"] for r in app.store.query("SELECT detail FROM event_log"))
    ro = SettingsView(app, reviewer)
    qtbot.addWidget(ro)
    # a reviewer reads these settings (grey, dark text) and cannot change them
    assert not ro.evidence.save_btn.isEnabled()
    assert ro.evidence.max_mb.isReadOnly() and ro.evidence.package_mb.isReadOnly()
    assert not ro.evidence.keep.isEnabled()
    item = ro.evidence.required.item(0)
    assert item is not None and not item.flags() & Qt.ItemFlag.ItemIsUserCheckable


def test_thumbnail_captions_are_shown_whole(qtbot, app, clerk_of) -> None:
    """A thumbnail's caption (file name and 说明; an indicator's file of an earlier month adds
    its month) is never clipped at the bottom: each line is elided to the cell's width so
    none wraps, and the cell and the list are tall enough for the lines."""
    from PySide6.QtCore import QRect

    c = clerk_of(UNIT)
    e = Entries(app)
    e.save_task_report(c, "9.2", UNIT, M, {"status": "推进中", "progress": "开展宣传", "person": "李娜"})
    for name, caption in (("十月份低碳日主题活动现场照片第一组.png", "全民低碳行动主题宣传活动，发放资料三百余份"),
                          ("签到表.pdf", "活动签到表")):
        e.attach_bytes(c, UNIT, M, "task_report", "9.2", name, ef.png() if name.endswith(".png") else ef.pdf("x"),
                       caption=caption)
    w = _ws(qtbot, app, c)
    w.select(TASKS, "9.2")
    strip = w.task_panel.evidence
    lst = strip.list
    assert lst.count() == 2
    grid = lst.gridSize()
    fm = lst.fontMetrics()
    texts = _texts(strip)
    assert all(t.count("\n") == 1 for t in texts), texts  # name and 说明
    for i, text in enumerate(texts):
        assert all(fm.horizontalAdvance(ln) < grid.width() - 4 for ln in text.split("\n")), text
        wrapped = fm.boundingRect(QRect(0, 0, grid.width() - 4, 10000),
                                  int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap), text)
        assert lst.iconSize().height() + wrapped.height() + 6 <= grid.height(), (text, grid)
        rect = lst.visualItemRect(lst.item(i))
        assert lst.viewport().rect().contains(rect), (rect, lst.viewport().rect())
    assert "…" in texts[0] or "…" in texts[1]  # the long names are shortened, not wrapped
