"""佐证材料 on a form: the files attached to one item of a unit's month, as thumbnails.

A clerk adds files with the button (a file dialog, several at once) or by dragging them
from Explorer onto the strip; the files are checked, scaled down and stored on a worker
thread (``Entries.attach_file``), one after the other, with the progress shown. A
double-click (or 打开) opens a file with the system's viewer from a temporary copy
checked against its hash; 说明… edits the caption, 删除 removes it. All of that only
while the month is editable: the service refuses otherwise, and the buttons say so.

The strip is self-contained: a panel creates one, calls ``load(unit, month, entity,
key, read_only)`` when it shows an item and ``set_actor`` once; it reports changes by
``changed(text)`` for the status line. Dialogs go through ``StripDialogs`` (replaced in
tests); opening a file is ``ui.attachment_open.open_copy``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSize, Qt, QThread, QUrl, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QIcon
from PySide6.QtWidgets import (QAbstractItemView, QGroupBox, QHBoxLayout, QLabel,
                               QListView, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout, QWidget)

from forms.attachment_form import KINDS
from models.app import Actor, App
from models.attachments import size_text
from models.entries import Entries
from models.entries_base import month_cn
from models.errors import DomainError, StoreError
from ui.attachment_open import StripDialogs, open_copy
from ui.thumbnails import needs_data, thumbnail

UID_ROLE = Qt.ItemDataRole.UserRole
EDITABLE_ROLE = Qt.ItemDataRole.UserRole + 1
THUMB = 88


class _AttachJob(QObject):
    """Attaches files one after the other on a worker thread."""

    progress = Signal(int, int, str)
    one = Signal(str, bool)  # message, is it a refusal
    finished = Signal()

    def __init__(self, attach: Callable[[str], str], paths: list[str]):
        super().__init__()
        self.attach = attach
        self.paths = paths

    @Slot()
    def run(self) -> None:
        for i, path in enumerate(self.paths):
            name = Path(path).name
            self.progress.emit(i, len(self.paths), name)
            try:
                self.one.emit(self.attach(path), False)
            except (DomainError, StoreError) as exc:
                self.one.emit(str(exc), True)
            except Exception as exc:  # noqa: BLE001 - keep the form alive; the message says what
                self.one.emit(f"添加“{name}”时出错：{exc}", True)
        self.finished.emit()


def local_paths(urls: list[QUrl]) -> list[str]:
    return [u.toLocalFile() for u in urls if u.isLocalFile() and u.toLocalFile()]


class AttachmentStrip(QGroupBox):
    changed = Signal(str)  # status-line text after a change

    def __init__(self, app: App, entries: Entries, actor: Actor | None = None, parent: QWidget | None = None,
                 dialogs: StripDialogs | None = None):
        super().__init__("佐证材料", parent)
        self.label = "佐证材料"  # the title; the number of files is added to it
        self.app = app
        self.entries = entries
        self.actor = actor
        self.dialogs = dialogs or StripDialogs()
        self.unit = self.month = self.entity = self.key = ""
        self.read_only = True
        self.messages: list[str] = []
        self._thread: QThread | None = None
        self._job: _AttachJob | None = None
        self._target: tuple[str, str, str, str] = ("", "", "", "")
        self.add_btn = QPushButton("添加文件…")
        self.open_btn = QPushButton("打开")
        self.caption_btn = QPushButton("说明…")
        self.remove_btn = QPushButton("删除")
        self.hint = QLabel()
        self.hint.setStyleSheet("color: #6b7280;")
        self.hint.setWordWrap(True)
        row = QHBoxLayout()
        for b in (self.add_btn, self.open_btn, self.caption_btn, self.remove_btn):
            row.addWidget(b)
        row.addWidget(self.hint, 1)
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        # room for the caption's three lines (name, 说明, month) under the picture; each line
        # is elided to the cell's width so that none wraps into a fourth, clipped line
        line = self.list.fontMetrics().lineSpacing()
        self._text_width = THUMB + 36
        self.list.setGridSize(QSize(THUMB + 44, THUMB + 3 * line + 16))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAcceptDrops(False)  # drops go to the strip
        self.list.setDragEnabled(False)
        self.list.setFixedHeight(self.list.gridSize().height() + 2 * self.list.frameWidth() + 6)
        self.flag = QLabel()
        self.flag.setStyleSheet("color: #b91c1c; font-weight: bold;")
        self.flag.setWordWrap(True)
        self.flag.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(row)
        lay.addWidget(self.flag)
        lay.addWidget(self.list)
        lay.addWidget(self.status)
        self.setAcceptDrops(True)
        self.add_btn.clicked.connect(self.choose_files)
        self.open_btn.clicked.connect(self.open_selected)
        self.caption_btn.clicked.connect(self.edit_caption)
        self.remove_btn.clicked.connect(self.remove_selected)
        self.list.itemDoubleClicked.connect(lambda _it: self.open_selected())
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    # -- what is shown ---------------------------------------------------------------------------
    def set_actor(self, actor: Actor) -> None:
        self.actor = actor

    def load(self, unit: str, month: str, entity: str, key: str, read_only: bool) -> None:
        self.unit, self.month, self.entity, self.key = unit, month, entity, key
        self.read_only = read_only
        self.status.setVisible(False)
        self.reload()

    def set_read_only(self, ro: bool) -> None:
        self.read_only = ro
        self._update_buttons()

    def busy(self) -> bool:
        return self._thread is not None

    def reload(self) -> None:
        keep = self.selected_uid()
        self.list.clear()
        actor = self.actor
        if not self.key or actor is None:
            self._update_buttons()
            return
        rows = [(r, True) for r in self.entries.attachments(actor, self.unit, self.month, self.entity, self.key)]
        if self.entity == "indicator":
            rows = [(r, False) for r in self.entries.earlier_attachments(actor, self.unit, self.month, self.entity,
                                                                          self.key)] + rows
        for r, own in rows:
            self.list.addItem(self._item(r, own))
            if r["uid"] == keep:
                self.list.setCurrentRow(self.list.count() - 1)
        n = sum(1 for _, own in rows if own)
        self.setTitle(f"{self.label}（{n}份）" if n else self.label)
        flags = [f for f in self.entries.evidence_flags(actor, self.unit, self.month)
                 if (f["entity"], f["entity_key"]) == (self.entity, self.key)]
        self.flag.setText("办公室退回时标记了“佐证不足”：请补充佐证材料后再报送。" + (
            f"（{flags[0]['note']}）" if flags and flags[0]["note"] else ""))
        self.flag.setVisible(bool(flags))
        self._update_buttons()

    def _item(self, r: dict[str, Any], own: bool) -> QListWidgetItem:
        data = None
        if needs_data(r["kind"], r["sha256"], THUMB) and self.actor is not None:
            try:
                data = self.entries.attachment_data(self.actor, r["uid"])
            except DomainError:
                data = None  # missing or damaged: the icon stands in; opening says why
        fm = self.list.fontMetrics()
        lines = [r["name"], r["caption"] or ""] + ([] if own else [f"（{month_cn(r['month'])}）"])
        text = "\n".join(fm.elidedText(t, Qt.TextElideMode.ElideMiddle if i == 0 else Qt.TextElideMode.ElideRight,
                                        self._text_width) for i, t in enumerate(lines) if t)
        it = QListWidgetItem(QIcon(thumbnail(r["sha256"], r["kind"], data, THUMB)), text)
        kind = KINDS.get(r["kind"])
        dims = f"，{r['width']}×{r['height']}像素" if r["width"] else ""
        tip = [f"<b>{html.escape(r['name'])}</b>", f"{kind.name if kind else r['kind']}，{size_text(r['size'])}{dims}"]
        if r["caption"]:
            tip.append(f"说明：{html.escape(r['caption'])}")
        tip.append(f"{html.escape(r['added_by'])} 于 {r['added_at'][:16].replace('T', ' ')} 添加")
        if not own:
            tip.append(f"{month_cn(r['month'])}添加，本月只读")
        tip.append(f"SHA-256：{r['sha256'][:16]}…")
        it.setToolTip("<br>".join(tip))
        it.setData(UID_ROLE, r["uid"])
        it.setData(EDITABLE_ROLE, own)
        return it

    def selected_uid(self) -> str:
        it = self.list.currentItem()
        return str(it.data(UID_ROLE)) if it is not None else ""

    def _selected_editable(self) -> bool:
        it = self.list.currentItem()
        return bool(it is not None and it.data(EDITABLE_ROLE))

    def _update_buttons(self) -> None:
        can_edit = not self.read_only and bool(self.key) and self.actor is not None and not self.busy()
        self.add_btn.setEnabled(can_edit)
        self.remove_btn.setEnabled(can_edit and self._selected_editable())
        self.caption_btn.setEnabled(can_edit and self._selected_editable())
        self.open_btn.setEnabled(self.list.currentItem() is not None)
        if self.busy():
            return
        if self.read_only:
            self.hint.setText("本月不能修改，佐证材料只能查看。")
        else:
            px = int(self.app.settings.get("attachment_photo_px") or 0)
            scale = f"长边超过{px}像素的照片自动缩小；" if px else ""
            self.hint.setText(f"可把文件拖到这里。照片、PDF、Word/Excel/WPS 文件，{scale}双击打开。")

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b91c1c;" if error else "color: #166534;")
        self.status.setVisible(bool(text))

    # -- adding ---------------------------------------------------------------------------------
    def choose_files(self) -> None:
        if self.add_btn.isEnabled():
            paths = self.dialogs.open_paths(self)
            if paths:
                self.add_files(paths)

    def add_files(self, paths: list[str]) -> bool:
        """Attach files on the worker thread; False when adding is not possible now."""
        if self.busy():
            self._say("正在添加文件，请稍候。", error=True)
            return False
        if self.read_only or self.actor is None or not self.key:
            self._say("本月不能修改，不能添加佐证材料。", error=True)
            return False
        actor, target = self.actor, (self.unit, self.month, self.entity, self.key)
        entries = self.entries

        def attach(path: str) -> str:
            return entries.attach_file(actor, *target, path).note

        self.messages = []
        self._target = target
        self._thread = QThread(self)
        self._job = _AttachJob(attach, list(paths))
        self._job.moveToThread(self._thread)
        self._job.progress.connect(self._on_progress)
        self._job.one.connect(self._on_one)
        self._job.finished.connect(self._on_finished)
        self._thread.started.connect(self._job.run)
        self._update_buttons()
        self._thread.start()
        return True

    @Slot(int, int, str)
    def _on_progress(self, i: int, n: int, name: str) -> None:
        self.hint.setText(f"正在添加 {i + 1}/{n}：{name}…")

    @Slot(str, bool)
    def _on_one(self, message: str, refused: bool) -> None:
        self.messages.append(("✗ " if refused else "✓ ") + message)

    @Slot()
    def _on_finished(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread.deleteLater()
        if self._job is not None:
            self._job.deleteLater()
        self._thread = self._job = None
        refused = sum(1 for m in self.messages if m.startswith("✗"))
        self._say("\n".join(self.messages), error=bool(refused))
        if self._target == (self.unit, self.month, self.entity, self.key):
            self.reload()
        else:
            self._update_buttons()
        added = len(self.messages) - refused
        text = f"已添加{added}份佐证材料" + (f"，{refused}份未添加" if refused else "")
        self.changed.emit(text)

    # drag and drop from Explorer
    def dragEnterEvent(self, ev: QDragEnterEvent) -> None:  # noqa: N802 (Qt API)
        if ev.mimeData().hasUrls() and local_paths(ev.mimeData().urls()):
            ev.acceptProposedAction()
        else:
            ev.ignore()

    def dragMoveEvent(self, ev: QDragMoveEvent) -> None:  # noqa: N802 (Qt API)
        if ev.mimeData().hasUrls():
            ev.acceptProposedAction()

    def dropEvent(self, ev: QDropEvent) -> None:  # noqa: N802 (Qt API)
        paths = local_paths(ev.mimeData().urls()) if ev.mimeData().hasUrls() else []
        if not paths:
            ev.ignore()
            return
        ev.acceptProposedAction()
        self.add_files(paths)

    # -- one file -----------------------------------------------------------------------------------
    def _row(self) -> dict[str, Any] | None:
        uid = self.selected_uid()
        return self.entries.attachment(self.actor, uid) if uid and self.actor is not None else None

    def open_selected(self) -> Path | None:
        """Open the selected file in the system's viewer (a read-only copy in a temporary
        folder, checked against its hash). Returns the copy's path."""
        row = self._row()
        if row is None or self.actor is None:
            return None
        copy, problem = open_copy(self.entries, self.actor, row, self.dialogs)
        if problem:
            self._say(problem, error=True)
        return copy

    def edit_caption(self) -> None:
        row = self._row()
        if row is None or self.actor is None or not self._selected_editable():
            return
        text = self.dialogs.caption(self, row["name"], row["caption"])
        if text is None:
            return
        try:
            if self.entries.set_attachment_caption(self.actor, row["uid"], text):
                self.changed.emit(f"已修改“{row['name']}”的说明")
        except DomainError as exc:
            self._say(str(exc), error=True)
            return
        self.reload()

    def remove_selected(self) -> None:
        row = self._row()
        if row is None or self.actor is None or not self._selected_editable():
            return
        if not self.dialogs.confirm_remove(self, row["name"]):
            return
        try:
            self.entries.remove_attachment(self.actor, row["uid"])
        except DomainError as exc:
            self._say(str(exc), error=True)
            return
        self._say(f"已删除“{row['name']}”。")
        self.reload()
        self.changed.emit(f"已删除佐证材料“{row['name']}”")
