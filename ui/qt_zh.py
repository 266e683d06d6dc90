"""Chinese for the few strings of Qt's own dialogs that Qt's zh_CN catalogue lacks.

Qt's translations (qtbase_zh_CN) leave some strings of its file dialog in English, e.g.
"Look in:" and "Files of type:" in the dialog Qt draws itself (used where no native
dialog exists, such as Linux without a desktop), the "Folder"/"Drive" type names of its
file list and a "Size" column called 体积. ``SupplementTranslator`` answers only these;
every other string falls through to Qt's catalogue (Qt asks the translator installed
last first).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTranslator

# (context, source text) → Chinese; accelerators (&) kept where Qt has them.
STRINGS: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QFileSystemModel", "Size"): "大小",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "File Folder"): "文件夹",
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
    ("QAbstractFileIconProvider", "File"): "文件",
    ("QAbstractFileIconProvider", "%1 File"): "%1 文件",
}


class SupplementTranslator(QTranslator):
    """Translates the strings in ``STRINGS``; nothing for all others."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)

    def translate(self, context: str, source_text: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        # None is Qt's "no translation here" (a null string): Qt then asks its catalogue.
        # An empty string would count as a translation and blank the text.
        return STRINGS.get((context, source_text))

    def isEmpty(self) -> bool:  # noqa: N802 (Qt API)
        return False
