"""工作简报 → 附图片…: the office picks up to six of the month's photos (佐证材料 of projects
first, then of tasks) for the briefing's last page. Thumbnails with their captions; ticking
a seventh is refused with a note. ``PhotoPicker.chosen()`` gives the ticked photos in the
order shown, which is the order of 图1…图6."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QListView, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)

from models.app import Actor, App
from models.entries import Entries
from models.errors import DomainError
from ui.thumbnails import needs_data, thumbnail

UID_ROLE = Qt.ItemDataRole.UserRole
MAX_PHOTOS = 6
THUMB = 120


class PhotoPicker(QDialog):
    def __init__(self, app: App, actor: Actor, candidates: list[Any], chosen: list[str],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("选择简报附图")
        entries = Entries(app)
        self.note = QLabel(f"勾选要附在简报最后一页的照片（最多{MAX_PHOTOS}张，按列表顺序编为图1、图2……）。"
                           "图注取照片的说明和所属单位、项目。")
        self.note.setWordWrap(True)
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setGridSize(QSize(THUMB + 50, THUMB + 58))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        for e in candidates:
            data = None
            if needs_data(e.kind, e.sha256, THUMB):
                try:
                    data = entries.attachment_data(actor, e.uid)
                except DomainError:
                    data = None
            text = (e.caption or e.name)[:20] + f"\n{e.unit}"
            it = QListWidgetItem(QIcon(thumbnail(e.sha256, e.kind, data, THUMB)), text)
            it.setData(UID_ROLE, e.uid)
            it.setToolTip(f"{e.name}（{e.width}×{e.height}）")
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if e.uid in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(it)
        self.limit = QLabel()
        self.limit.setStyleSheet("color: #b91c1c;")
        if not candidates:
            self.limit.setText("本月的项目和任务还没有照片类的佐证材料。")
        self.list.itemChanged.connect(self._changed)
        sb = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(sb.Ok | sb.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.note)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.limit)
        lay.addWidget(buttons)
        self.resize(820, 560)

    def _changed(self, item: QListWidgetItem) -> None:
        if item.checkState() == Qt.CheckState.Checked and len(self.chosen()) > MAX_PHOTOS:
            self.list.blockSignals(True)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.blockSignals(False)
            self.limit.setText(f"最多选择{MAX_PHOTOS}张（一页）。")
            return
        self.limit.setText("")

    def chosen(self) -> list[str]:
        return [str(self.list.item(i).data(UID_ROLE)) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]
