"""Tables as users expect them: a click on a column header sorts by that column, numbers
as numbers ("10.5%", "2100个", "12 KB"), codes and 序号 (4.3, 4.10, I06a, 4.3-M1) in plan
order, Chinese text in pinyin order, empty cells last; a search box narrows long lists.

``RowsModel`` is a read-only model of rows (dicts or records) with a column function
each; ``SortedTable`` shows one through ``SortProxy`` and answers which source row a
view row is. Tables filled cell by cell (``QTableWidget``) sort the same way with
``fill_table``. Until a header is clicked, rows stay in the model's order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cmp_to_key
from typing import Any

from PySide6.QtCore import (QAbstractTableModel, QCollator, QLocale, QModelIndex, QPersistentModelIndex,
                            QSortFilterProxyModel, Qt)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidget, QTableWidgetItem, QWidget

ModelIndex = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 64
# Columns holding plan codes or running numbers: sorted piece by piece (4.9 before 4.10).
CODE_HEADERS = frozenset({"序号", "编码", "编号", "排名"})

_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_PIECES = re.compile(r"(\d+)")
_COLLATOR: list[QCollator] = []


def _collator() -> QCollator:
    if not _COLLATOR:
        c = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        c.setNumericMode(True)
        c.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        _COLLATOR.append(c)
    return _COLLATOR[0]


def sort_key(value: Any, code: bool = False) -> tuple[Any, ...]:
    """The key a shown value sorts by: (0, number) for numbers and numbers with a unit or
    percent sign after them; (1, pieces) for text, digits compared as numbers; (2,) for
    empty cells, which go last. ``code``: the value is a code or running number."""
    if value is None:
        return (2,)
    if isinstance(value, bool):
        return (0, float(value))
    if isinstance(value, (int, float)):
        return (0, float(value))
    text = str(value).strip()
    if not text or text in ("—", "-"):
        return (2,)
    if not code:
        plain = text.replace(",", "")
        m = _NUMBER.match(plain)
        # a number alone or followed by a unit ("10.5%", "2100个", "12 KB"); not a date,
        # a time or a code, which have more digits after the first number ("2026年9月")
        if m and not re.search(r"\d", plain[m.end():]):
            return (0, float(m.group()))
    pieces = tuple((0, int(p)) if i % 2 else (1, p) for i, p in enumerate(_PIECES.split(text)) if p)
    return (1, pieces)


def compare_keys(a: tuple[Any, ...], b: tuple[Any, ...]) -> int:
    """-1, 0 or 1 like ``sort_key`` orders them; text pieces by the Chinese collation."""
    if a[0] != b[0]:
        return -1 if a[0] < b[0] else 1
    if a[0] == 0:
        return (a[1] > b[1]) - (a[1] < b[1])
    if a[0] == 2:
        return 0
    for pa, pb in zip(a[1], b[1], strict=False):
        if pa[0] != pb[0]:
            return -1 if pa[0] < pb[0] else 1
        if pa[0] == 0:
            if pa[1] != pb[1]:
                return -1 if pa[1] < pb[1] else 1
        else:
            c = _collator().compare(pa[1], pb[1])
            if c:
                return -1 if c < 0 else 1
    return (len(a[1]) > len(b[1])) - (len(a[1]) < len(b[1]))


def sorted_values(values: Sequence[Any], code: bool = False) -> list[Any]:
    """``values`` in the order a click on their column would show them."""
    keyed: list[tuple[tuple[Any, ...], Any]] = [(sort_key(v, code), v) for v in values]

    def cmp(x: tuple[tuple[Any, ...], Any], y: tuple[tuple[Any, ...], Any]) -> int:
        return compare_keys(x[0], y[0])

    keyed.sort(key=cmp_to_key(cmp))
    return [v for _, v in keyed]


class RowsModel(QAbstractTableModel):
    """Read-only rows (dicts or records); each column is (header, function row → text)."""

    def __init__(self, columns: Sequence[tuple[str, Callable[[Any], Any]]],
                 parent: QWidget | None = None,
                 color: Callable[[Any, int], str | None] | None = None,
                 tooltip: Callable[[Any, int], str | None] | None = None):
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []
        self._color = color
        self._tooltip = tooltip
        self._keys: dict[tuple[int, int], tuple[Any, ...]] = {}  # sort keys, made once per cell
        self._texts: dict[tuple[int, int], str] = {}  # shown texts, made once per cell

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._keys = {}
        self._texts = {}
        self.endResetModel()

    def set_columns(self, columns: Sequence[tuple[str, Callable[[Any], Any]]], rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.columns = list(columns)
        self.rows = list(rows)
        self._keys = {}
        self._texts = {}
        self.endResetModel()

    def row(self, i: int) -> Any:
        return self.rows[i]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            cell = (index.row(), index.column())
            text = self._texts.get(cell)
            if text is None:
                v = self.columns[index.column()][1](r)
                text = self._texts[cell] = "" if v is None else str(v)
            return text
        if role == SORT_ROLE:
            cell = (index.row(), index.column())
            key = self._keys.get(cell)
            if key is None:
                header, fn = self.columns[index.column()]
                key = self._keys[cell] = sort_key(fn(r), header in CODE_HEADERS)
            return key
        if role == Qt.ItemDataRole.ForegroundRole and self._color:
            c = self._color(r, index.column())
            return QBrush(QColor(c)) if c else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if self._tooltip:
                t = self._tooltip(r, index.column())
                if t:
                    return t
            v = self.columns[index.column()][1](r)
            return None if v in (None, "") else str(v)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][0]
        return None


class SortProxy(QSortFilterProxyModel):
    """Sorts by ``SORT_ROLE`` keys; keeps the rows whose text contains every word typed."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._words: list[str] = []
        self.setSortRole(SORT_ROLE)

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._words = [w.casefold() for w in text.split()]
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def lessThan(self, left: ModelIndex, right: ModelIndex) -> bool:  # noqa: N802 (Qt API)
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if not (isinstance(a, tuple) and isinstance(b, tuple)):
            a, b = sort_key(left.data()), sort_key(right.data())
        c = compare_keys(a, b)
        if c == 0:  # equal keys keep the model's order
            return left.row() < right.row()
        return c < 0

    def filterAcceptsRow(self, row: int, parent: ModelIndex) -> bool:  # noqa: N802 (Qt API)
        if not self._words:
            return True
        model = self.sourceModel()
        text = " ".join(str(model.index(row, c, parent).data() or "")
                        for c in range(model.columnCount(parent))).casefold()
        return all(w in text for w in self._words)


class SortedTable(QTableView):
    """A table of whole rows of a ``RowsModel``, sortable by every column and searchable."""

    def __init__(self, model: RowsModel, parent: QWidget | None = None, multi: bool = False):
        super().__init__(parent)
        self.source = model
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(model)
        self.setModel(self.proxy)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                              else QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        head = self.horizontalHeader()
        head.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the model's order until a click
        head.setSortIndicatorShown(True)
        head.setSectionsClickable(True)
        self.setSortingEnabled(True)
        self.setWordWrap(False)

    def source_row(self, index: ModelIndex) -> int:
        """The model row of a view index (-1 when invalid)."""
        if not index.isValid():
            return -1
        if index.model() is self.source:
            return index.row()
        return self.proxy.mapToSource(self.proxy.index(index.row(), 0)).row()

    def row_object(self, index: ModelIndex) -> Any:
        i = self.source_row(index)
        return self.source.rows[i] if 0 <= i < len(self.source.rows) else None

    def current_object(self) -> Any:
        """The row of the current (selected) line, or None."""
        return self.row_object(self.currentIndex())

    def select_where(self, test: Callable[[Any], bool]) -> bool:
        """Select and show the first line whose row passes ``test``."""
        for i, r in enumerate(self.source.rows):
            if test(r):
                view = self.proxy.mapFromSource(self.source.index(i, 0))
                if not view.isValid():
                    return False  # filtered out by the search
                self.setCurrentIndex(view)
                self.selectRow(view.row())
                self.scrollTo(view)
                return True
        return False

    def select_first(self) -> None:
        if self.proxy.rowCount() and not self.currentIndex().isValid():
            self.setCurrentIndex(self.proxy.index(0, 0))
            self.selectRow(0)

    def set_search(self, text: str) -> None:
        self.proxy.set_search(text)

    def fit_columns(self, stretch: int | None = None, widest: int = 420) -> None:
        """Widen each column to its contents (at most ``widest`` pixels) and let
        ``stretch`` (default the last) take the rest of the width."""
        head = self.horizontalHeader()
        self.resizeColumnsToContents()
        for c in range(self.source.columnCount()):
            if self.columnWidth(c) > widest:
                self.setColumnWidth(c, widest)
        last = self.source.columnCount() - 1 if stretch is None else stretch
        if last >= 0:
            head.setSectionResizeMode(last, QHeaderView.ResizeMode.Stretch)


class SortItem(QTableWidgetItem):
    """A cell of a ``QTableWidget`` that sorts like ``sort_key`` says."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        code = False
        table = self.tableWidget()
        if table is not None:
            head = table.horizontalHeaderItem(self.column())
            code = head is not None and head.text() in CODE_HEADERS
        return compare_keys(sort_key(self.text(), code), sort_key(other.text(), code)) < 0


def fill_table(table: QTableWidget, rows: Sequence[Sequence[Any]], data: Sequence[Any] | None = None,
               role: int = Qt.ItemDataRole.UserRole) -> None:
    """Put ``rows`` (cell texts) into ``table``; each row's ``data`` (e.g. a file or a user
    name) is kept on its cells under ``role``, so that it follows the row when sorted. The
    table sorts by a header click (kept sorted by the column chosen last)."""
    table.setSortingEnabled(False)
    table.setRowCount(len(rows))
    for i, cells in enumerate(rows):
        for j, text in enumerate(cells):
            it = SortItem("" if text is None else str(text))
            if data is not None:
                it.setData(role, data[i])
            table.setItem(i, j, it)
    head = table.horizontalHeader()
    head.setSortIndicatorShown(True)
    table.setSortingEnabled(True)  # sorts again by the column the user chose, if any


def compact_rows(table: QTableView) -> None:
    """One line of text per row (the style's default rows are taller than the font needs)."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.verticalHeader().setMinimumSectionSize(table.fontMetrics().height() + 4)


def make_sortable(table: QTableWidget) -> None:
    """A ``QTableWidget`` that sorts by a header click, in its fill order until then."""
    table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    table.horizontalHeader().setSortIndicatorShown(True)
    table.setSortingEnabled(True)
