"""The office's view of a submission's 佐证材料 on the review page (审核报送).

Beside each item of the submission detail the attached files are shown as small
thumbnails with their names (``evidence_cell``); clicking one opens a checked, read-only
copy with the system's viewer. Below the detail, ``EvidenceReview`` lists the items of
the submission with their number of files; the reviewer ticks those whose evidence is
not enough and 退回修改 marks them 佐证不足 (``models.review.return_submission``), so the
unit has to add files to them before submitting again.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from models.app import Actor, App
from models.entries import Entries
from models.errors import DomainError
from ui.attachment_open import StripDialogs, open_copy
from ui.thumbnails import needs_data, thumbnail

ITEM_ROLE = Qt.ItemDataRole.UserRole
THUMB = 44
SCHEME = "attachment"


def evidence_cell(rows: list[dict[str, Any]]) -> str:
    """HTML of an item's files: a thumbnail and the name of each, as links."""
    if not rows:
        return "<span style='color:#9ca3af'>无</span>"
    e = html.escape
    lines = "".join(
        f"<tr><td><a href='{SCHEME}:{e(r['uid'])}'><img src='thumb:{e(r['uid'])}' height='{THUMB}'></a></td>"
        f"<td valign='middle'><a href='{SCHEME}:{e(r['uid'])}'>{e(r['name'][:24])}</a>"
        + (f"<br><span style='color:#555'>{e(r['caption'][:30])}</span>" if r["caption"] else "")
        + "</td></tr>"
        for r in rows)
    return f"<table cellspacing='1' cellpadding='1'>{lines}</table>"


def items_of(d: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(entity, key, label) of every item of a submission detail, in the detail's order."""
    out = [("task_report", t["code"], f"任务{t['code']} {t['title']}") for t in d["tasks"]]
    out += [("indicator", f"{i['code']}@{i['period']}", f"指标{i['code']} {i['name']}（{i['period']}）")
            for i in d["indicators"]]
    out += [("project_month", p["uid"], f"项目 {p['name']}") for p in d["projects"]]
    return out


class EvidenceReview(QWidget):
    """Items of the selected submission to mark 佐证不足, and opening its files."""

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None,
                 dialogs: StripDialogs | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.entries = Entries(app)
        self.dialogs = dialogs or StripDialogs()
        self.label = QLabel("退回时标记“佐证不足”的事项（勾选后点“退回修改”；单位须补充材料才能再次报送）：")
        self.label.setWordWrap(True)
        self.list = QListWidget()
        self.list.setMaximumHeight(110)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b91c1c;")
        self.message.setVisible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.list)
        lay.addWidget(self.message)

    def load(self, d: dict[str, Any] | None) -> None:
        """Show the items of a submission detail (None: nothing selected)."""
        self.list.clear()
        self.message.setVisible(False)
        if d is None:
            self.setEnabled(False)
            return
        files = d.get("attachments", {})
        flagged = d.get("evidence_flags", set())
        for entity, key, label in items_of(d):
            n = len(files.get((entity, key), []))
            text = f"{label}（佐证材料{n}份）" if n else f"{label}（无佐证材料）"
            if (entity, key) in flagged:
                text += " · 上次退回标记了佐证不足"
            it = QListWidgetItem(text)
            it.setData(ITEM_ROLE, (entity, key))
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(it)
        self.setEnabled(d["submission"]["state"] == "submitted")

    def flagged(self) -> list[tuple[str, str]]:
        out = []
        for i in range(self.list.count()):
            it = self.list.item(i)
            if it.checkState() == Qt.CheckState.Checked:
                entity, key = it.data(ITEM_ROLE)
                out.append((str(entity), str(key)))
        return out

    def add_thumbnails(self, doc: QTextDocument, d: dict[str, Any]) -> None:
        """Register the pictures ``evidence_cell`` refers to in the detail's document."""
        for rows in d.get("attachments", {}).values():
            for r in rows:
                data = None
                if needs_data(r["kind"], r["sha256"], THUMB):
                    try:
                        data = self.entries.attachment_data(self.actor, r["uid"])
                    except DomainError:
                        data = None
                pix = thumbnail(r["sha256"], r["kind"], data, THUMB)
                doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"thumb:{r['uid']}"), pix.toImage())

    def open_link(self, url: QUrl) -> bool:
        """Open the file a thumbnail links to; False for other links."""
        if url.scheme() != SCHEME:
            return False
        try:
            row = self.entries.attachment(self.actor, url.path())
        except DomainError as exc:
            self._say(str(exc))
            return True
        _copy, problem = open_copy(self.entries, self.actor, row, self.dialogs)
        self._say(problem)
        return True

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
