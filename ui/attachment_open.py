"""Opening a 佐证材料 file with the system's viewer, and the questions the attachment strip asks.

``open_copy`` writes a copy of the file into a temporary folder of this session
(``Entries.export_attachment`` reads the stored file, checks it against its hash, writes the
copy and reads it back), makes it read-only (changes in a viewer would be lost anyway) and
hands it to the system (``QDesktopServices``); the copies are removed on exit.
``StripDialogs`` are the file dialog, the caption prompt, the confirmation of a removal
and opening a URL, replaced in tests.
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from forms.attachment_form import DIALOG_FILTER, KINDS
from models.app import Actor
from models.entries import Entries
from models.errors import DomainError


class StripDialogs:
    """The strip's questions to the user (replaced in tests)."""

    def open_paths(self, parent: QWidget) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(parent, "添加佐证材料", "", f"{DIALOG_FILTER};;所有文件 (*)")
        return paths

    def caption(self, parent: QWidget, name: str, current: str) -> str | None:
        text, ok = QInputDialog.getText(parent, "佐证材料说明", f"“{name}”的说明（可不填）：", text=current)
        return text if ok else None

    def confirm_remove(self, parent: QWidget, name: str) -> bool:
        ans = QMessageBox.question(parent, "删除佐证材料", f"确定删除佐证材料“{name}”吗？删除记入修改记录。")
        return ans == QMessageBox.StandardButton.Yes

    def open_url(self, url: QUrl) -> bool:
        return QDesktopServices.openUrl(url)


_VIEW_DIR: list[Path] = []


def open_copy(entries: Entries, actor: Actor, row: dict[str, Any], dialogs: StripDialogs) -> tuple[Path | None, str]:
    """Hand an attachment to the system's viewer: a read-only copy in a temporary folder,
    checked against its hash. Returns (the copy, "") or (copy or None, why it failed)."""
    try:
        if not _VIEW_DIR:
            _VIEW_DIR.append(Path(tempfile.mkdtemp(prefix="佐证材料-")))
            atexit.register(_remove_copies, _VIEW_DIR[0])
        folder = Path(tempfile.mkdtemp(dir=_VIEW_DIR[0]))
        copy = entries.export_attachment(actor, row["uid"], folder)
        os.chmod(copy, stat.S_IREAD)  # the viewer opens it read-only: changes would be lost anyway
    except (DomainError, OSError) as exc:
        return None, f"无法打开“{row['name']}”：{exc}"
    if not dialogs.open_url(QUrl.fromLocalFile(str(copy))):
        return copy, f"没有能打开“{row['name']}”的程序（{KINDS[row['kind']].name}）。副本在：{copy}"
    return copy, ""


def _remove_copies(folder: Path) -> None:
    """Remove the viewers' copies on exit (read-only files are made writable first; a copy a
    viewer still holds open on Windows stays until the system cleans its temporary folder)."""
    def unlock(func: Any, path: str, _exc: Any) -> None:
        try:
            os.chmod(path, stat.S_IWRITE | stat.S_IREAD)
            func(path)
        except OSError:
            pass
    shutil.rmtree(folder, onerror=unlock)
