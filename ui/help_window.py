"""帮助: the user guide (docs/用户手册.md, shipped with the program) in a window of its own,
opened at the section of the page the user is on (F1 on every page).

The guide is Markdown; Qt shows it with its pictures (scaled to the window's width). On
the left, its headings; a click goes to that section. One help window per main window:
F1 again brings it forward at the section of the page now shown.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSize, QUrl, Qt
from PySide6.QtGui import (QImageReader, QKeySequence, QResizeEvent, QShortcut, QTextBlock, QTextCursor,
                           QTextDocument, QTextImageFormat)
from PySide6.QtWidgets import (QLabel, QLineEdit, QListWidget, QListWidgetItem, QSplitter, QTextBrowser,
                               QVBoxLayout, QWidget)

GUIDE_NAME = "用户手册.md"
HEADING_ROLE = Qt.ItemDataRole.UserRole


def guide_path() -> Path:
    """docs/用户手册.md beside the program (in the Windows build, inside its _internal folder)."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base / "docs" / GUIDE_NAME


class HelpWindow(QWidget):
    """The user guide with its table of contents; ``show_section`` goes to a heading."""

    def __init__(self, parent: QWidget | None = None, path: Path | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.path = path or guide_path()
        self.setWindowTitle("帮助 · 用户手册")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._link)
        self.contents = QListWidget()
        self.contents.itemClicked.connect(lambda it: self.goto_block(int(it.data(HEADING_ROLE))))
        self.contents.itemActivated.connect(lambda it: self.goto_block(int(it.data(HEADING_ROLE))))
        self.search = QLineEdit(placeholderText="在手册中查找（回车找下一处）")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.find_next)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel("目录"))
        lv.addWidget(self.contents, 1)
        lv.addWidget(self.search)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.browser)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 4)
        split.setSizes([220, 760])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(split)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.search.setFocus)
        QShortcut(QKeySequence("Esc"), self, self.close)
        self.resize(1000, 680)
        self.headings: list[tuple[int, int, str]] = []  # (level, block number, text)
        self._sizes: dict[str, QSize] = {}  # picture sizes, read once
        self._load()

    # -- the guide ---------------------------------------------------------------------------
    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError:
            text = (f"# 找不到用户手册\n\n程序文件夹中缺少 `docs/{GUIDE_NAME}`（{self.path}）。"
                    "请重新复制完整的程序文件夹。")
        doc = self.browser.document()
        doc.setBaseUrl(QUrl.fromLocalFile(str(self.path.parent) + "/"))
        self.browser.setSearchPaths([str(self.path.parent)])
        self.browser.setMarkdown(text)
        self.headings = []
        self.contents.clear()
        block = doc.begin()
        while block.isValid():
            level = block.blockFormat().headingLevel()
            if 1 < level <= 3 and block.text().strip():
                self.headings.append((level, block.blockNumber(), block.text().strip()))
                it = QListWidgetItem(("　" * (level - 2)) + block.text().strip())
                it.setData(HEADING_ROLE, block.blockNumber())
                self.contents.addItem(it)
            block = block.next()
        self._fit_images()

    def _fit_images(self) -> None:
        """Scale the pictures down to the width of the text, keeping their proportions."""
        doc = self.browser.document()
        room = max(320, self.browser.viewport().width() - int(2 * doc.documentMargin()) - 40)
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                frag = it.fragment()
                fmt = frag.charFormat()
                if frag.isValid() and fmt.isImageFormat():
                    img = fmt.toImageFormat()
                    self._fit(doc, frag.position(), frag.length(), img, room)
                it += 1
            block = block.next()

    def _fit(self, doc: QTextDocument, pos: int, length: int, img: QTextImageFormat, room: int) -> None:
        size = self._sizes.get(img.name())
        if size is None:
            picture = QImageReader(str(self.path.parent / QUrl(img.name()).path()))
            size = self._sizes[img.name()] = picture.size()
        if not size.isValid() or size.width() <= 0:
            return
        width = min(size.width(), room)
        if abs(img.width() - width) < 1:
            return
        img.setWidth(width)
        img.setHeight(size.height() * width / size.width())
        cur = QTextCursor(doc)
        cur.setPosition(pos)
        cur.setPosition(pos + length, QTextCursor.MoveMode.KeepAnchor)
        cur.setCharFormat(img)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        """Pictures follow the width; the section read stays at the top."""
        super().resizeEvent(event)
        shown = self.current_heading()
        self._fit_images()
        n = next((n for _lvl, n, text in self.headings if text == shown), -1)
        if n >= 0:
            self.goto_block(n)

    # -- going to a section --------------------------------------------------------------------
    def section_block(self, words: str) -> int:
        """The block number of the first heading that contains ``words``; -1 when none does."""
        return next((n for _lvl, n, text in self.headings if words and words in text), -1)

    def show_section(self, words: str) -> bool:
        """Show the window at the heading containing ``words`` (the top when none does)."""
        n = self.section_block(words)
        self.show()  # first: showing lays the guide out at the window's width
        self.raise_()
        self.activateWindow()
        self._fit_images()
        self.goto_block(max(n, 0))
        return n >= 0

    def goto_block(self, number: int) -> None:
        doc = self.browser.document()
        block: QTextBlock = doc.findBlockByNumber(number)
        if not block.isValid():
            return
        self.browser.setTextCursor(QTextCursor(block))
        top = doc.documentLayout().blockBoundingRect(block).top()
        self.browser.verticalScrollBar().setValue(int(top))
        for i in range(self.contents.count()):
            it = self.contents.item(i)
            if it is not None and int(it.data(HEADING_ROLE)) == number:
                self.contents.setCurrentItem(it)
                break

    def current_heading(self) -> str:
        """The heading of the section shown at the top of the window."""
        doc = self.browser.document()
        y = self.browser.verticalScrollBar().value()
        shown = ""
        for _lvl, n, text in self.headings:
            if doc.documentLayout().blockBoundingRect(doc.findBlockByNumber(n)).top() <= y + 2:
                shown = text
        return shown

    def find_next(self) -> bool:
        words = self.search.text().strip()
        if not words:
            return False
        if self.browser.find(words):
            return True
        self.browser.moveCursor(QTextCursor.MoveOperation.Start)  # wrap around once
        return self.browser.find(words)

    def _link(self, url: QUrl) -> None:
        """Links inside the guide (#section) go to the heading; others are not followed."""
        if url.hasFragment() or (not url.scheme() and url.toString().startswith("#")):
            key = url.fragment()
            n = next((n for _lvl, n, text in self.headings if _slug(text) == key), -1)
            if n >= 0:
                self.goto_block(n)


def _slug(heading: str) -> str:
    """A heading as GitHub writes its anchor: lower case, spaces to '-', punctuation dropped."""
    out = []
    for ch in heading.strip().lower():
        if ch.isalnum() or ch in "-_":
            out.append(ch)
        elif ch == " ":
            out.append("-")
    return "".join(out)
