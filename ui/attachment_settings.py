"""办公室设置 → 佐证材料: limits of evidence files, scaling of photos, whether originals are
kept, the size limit of a month's package, and the tasks and indicators whose report
needs evidence (佐证材料必填). Saved through ``models.office.set_settings`` (administrators
only, validated, logged); the settings travel to the units with installation files and
decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDoubleSpinBox, QFormLayout, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QSpinBox, QVBoxLayout, QWidget)

from models import office
from models.app import Actor, App

CODE_ROLE = Qt.ItemDataRole.UserRole


class AttachmentSettings(QWidget):
    """The 佐证材料 tab; ``do(fn, done)`` runs a change and reports it (the settings page's)."""

    def __init__(self, app: App, actor: Actor, do: Callable[[Callable[[], Any], str], bool],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.do = do
        self.max_mb = QDoubleSpinBox()
        self.max_mb.setRange(0.5, 200)
        self.max_mb.setDecimals(1)
        self.max_mb.setSuffix(" MB")
        self.photo_px = QSpinBox()
        self.photo_px.setRange(0, 20000)
        self.photo_px.setSingleStep(100)
        self.photo_px.setSpecialValueText("不缩小")
        self.photo_px.setSuffix(" 像素")
        self.keep = QCheckBox("缩小照片时同时保留原图（占用更多空间，原图也随报送包发送）")
        self.package_mb = QDoubleSpinBox()
        self.package_mb.setRange(1, 2000)
        self.package_mb.setDecimals(0)
        self.package_mb.setSuffix(" MB")
        self.required = QListWidget()
        for t in app.plan.tasks:
            self._add(t.code, f"任务 {t.code} {t.title}")
        for p in app.plan.parts:
            self._add(p.code, f"指标 {p.code} {p.name}")
        self.save_btn = QPushButton("保存佐证材料设置")
        form = QFormLayout()
        form.addRow(office.SETTING_LABELS["attachment_max_mb"], self.max_mb)
        form.addRow(office.SETTING_LABELS["attachment_photo_px"], self.photo_px)
        form.addRow("", self.keep)
        form.addRow(office.SETTING_LABELS["attachment_package_mb"], self.package_mb)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(QLabel("佐证材料必填（勾选的任务每月须附至少一份材料，可附在任务或其项目上；"
                             "勾选的指标在填报数值的月份须附材料）："))
        lay.addWidget(self.required, 1)
        note = QLabel("这些设置随安装文件和回执包下发到各单位；单位电脑按同样的规则检查和缩小照片。")
        note.setStyleSheet("color: #6b7280;")
        note.setWordWrap(True)
        lay.addWidget(note)
        lay.addWidget(self.save_btn)
        self.save_btn.clicked.connect(self.save)

    def _add(self, code: str, text: str) -> None:
        it = QListWidgetItem(text)
        it.setData(CODE_ROLE, code)
        it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        it.setCheckState(Qt.CheckState.Unchecked)
        self.required.addItem(it)

    def load(self) -> None:
        s = self.app.settings
        self.max_mb.setValue(float(s.get("attachment_max_mb")))
        self.photo_px.setValue(int(s.get("attachment_photo_px")))
        self.keep.setChecked(bool(s.get("attachment_keep_originals")))
        self.package_mb.setValue(float(s.get("attachment_package_mb")))
        required = set(s.get("attachment_required") or [])
        for i in range(self.required.count()):
            it = self.required.item(i)
            it.setCheckState(Qt.CheckState.Checked if it.data(CODE_ROLE) in required else Qt.CheckState.Unchecked)

    def checked_codes(self) -> list[str]:
        return [str(self.required.item(i).data(CODE_ROLE)) for i in range(self.required.count())
                if self.required.item(i).checkState() == Qt.CheckState.Checked]

    def values(self) -> dict[str, Any]:
        return {"attachment_max_mb": self.max_mb.value(), "attachment_photo_px": self.photo_px.value(),
                "attachment_keep_originals": self.keep.isChecked(),
                "attachment_package_mb": self.package_mb.value(), "attachment_required": self.checked_codes()}

    def save(self) -> bool:
        from models.exchange_common import office_id  # the office tells units when the settings travel
        values = self.values()
        shared = "，下次生成安装文件或回执包时下发到各单位" if office_id(self.app) else ""
        return self.do(lambda: office.set_settings(self.app, self.actor, values), f"佐证材料设置已保存{shared}。")
