"""Choosing where files go, and what to do with a file just written.

Save and open dialogs start in the folder last used for the same kind of file (台账,
简报, 报送包 …, remembered per Windows user in the Qt settings), else in the user's
Documents folder, never in the program's folder. After an export a message offers
打开文件 and 打开所在文件夹 (the system's own program for the file, or the file manager).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

_KEY = "last_folder/"


def documents_folder() -> Path:
    """The user's Documents folder (the home folder where there is none)."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path = Path(docs) if docs else Path.home()
    return path if path.is_dir() else Path.home()


def start_folder(kind: str) -> Path:
    """Where a dialog for ``kind`` opens: the folder last used for it while it still exists,
    else Documents."""
    last = QSettings().value(_KEY + kind, "")
    if isinstance(last, str) and last and Path(last).is_dir():
        return Path(last)
    return documents_folder()


def remember_folder(kind: str, path: str | Path) -> None:
    """Remember the folder of ``path`` (a chosen file) for the next dialog of ``kind``."""
    p = Path(path)
    folder = p if p.is_dir() else p.parent
    QSettings().setValue(_KEY + kind, str(folder))


def ask_save_path(parent: QWidget | None, kind: str, title: str, suggested: str, filter_: str) -> str:
    """A save dialog starting in the folder for ``kind`` with ``suggested`` as the name; the
    chosen path ("" when cancelled). The folder is remembered."""
    start = start_folder(kind) / Path(suggested).name
    path, _ = QFileDialog.getSaveFileName(parent, title, str(start), filter_)
    if path:
        remember_folder(kind, path)
    return path


def ask_open_path(parent: QWidget | None, kind: str, title: str, filter_: str) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, str(start_folder(kind)), filter_)
    if path:
        remember_folder(kind, path)
    return path


def ask_open_paths(parent: QWidget | None, kind: str, title: str, filter_: str) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, str(start_folder(kind)), filter_)
    if paths:
        remember_folder(kind, paths[0])
    return list(paths)


def open_file(path: str | Path) -> bool:
    """Open ``path`` with the program the system uses for it (Excel or WPS, a PDF reader)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).resolve())))


def open_folder(path: str | Path) -> bool:
    """Open the folder holding ``path`` in the file manager."""
    p = Path(path).resolve()
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(p if p.is_dir() else p.parent)))


class Done(QMessageBox):
    """“已导出……” with the buttons 打开文件, 打开所在文件夹 and 关闭."""

    def __init__(self, parent: QWidget | None, title: str, text: str, path: str | Path):
        super().__init__(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.NoButton, parent)
        self.path = Path(path)
        self.open_btn = self.addButton("打开文件", QMessageBox.ButtonRole.AcceptRole)
        self.folder_btn = self.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
        self.close_btn = self.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.open_btn)
        self.setEscapeButton(self.close_btn)
        self.setInformativeText(str(self.path))

    def act(self) -> str:
        """After ``exec``: open what was chosen; "file", "folder" or "" (closed)."""
        clicked = self.clickedButton()
        if clicked is self.open_btn:
            open_file(self.path)
            return "file"
        if clicked is self.folder_btn:
            open_folder(self.path)
            return "folder"
        return ""


def offer_open(parent: QWidget | None, title: str, text: str, path: str | Path) -> str:
    """Say that ``path`` was written and offer to open it or its folder; what was chosen."""
    box = Done(parent, title, text, path)
    box.exec()
    choice = box.act()
    box.deleteLater()
    return choice
