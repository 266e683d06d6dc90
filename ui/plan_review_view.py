"""The plan review and editing screen, shared by the first run, 导入实施方案… and
编辑实施方案…: the draft as a table (code, numbering, title, lead, other units, targets,
review state) beside the document's words of the selected entry, its review items with
what to check and a 已核对 mark, and the targets of a part or milestone through fields.

Cells are corrected in the table (title, lead, other units, a unit's other spellings);
refused values are shown in red under the table and change nothing. Saving checks the
whole draft with the program's plan loader (``models/plan_adopt.check_draft``): problems
are listed and the entry of the first selected; a plan that loads is handed to
``on_save`` (the caller's next step: the change list and adoption, or the first run's
new database), which returns whether the screen is done.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QGroupBox, QHBoxLayout, QHeaderView,
                               QFrame, QInputDialog, QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
                               QScrollArea, QSplitter, QTableView, QVBoxLayout, QWidget)

from models.errors import DomainError
from models.plan import Plan, PlanError
from models.plan_adopt import check_draft
from models.plan_draft import PlanDraft, problem_ref
from models.plan_draft_edit import EditError
from models.plan_review import ReviewRow, source_words
from models.store import StoreError
from ui.office_common import MessageLine
from ui.plan_meta_dialog import PlanMetaDialog
from ui.plan_review_model import ReviewModel
from ui.plan_targets_panel import TargetsPanel

SaveStep = Callable[[str, Plan], bool]


class PlanReviewDialog(QDialog):
    def __init__(self, draft: PlanDraft, title: str, save_text: str, on_save: SaveStep,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.on_save = on_save
        self.saved_text = ""
        self.setWindowTitle(title)
        self.resize(1280, 720)
        self.model = ReviewModel(draft)
        self.model.refused.connect(self._refused)
        self.model.changed.connect(self._changed)
        intro = QLabel("左侧是计划的全部条目，黄色行有需要核对的事项（鼠标停留可看请核对什么），绿色行已核对。"
                       "双击单元格可以修改标题、牵头单位、配合单位（以“、”分隔）和单位的其他写法；"
                       "指标和里程碑的目标在右下方逐项修改。核对无误后点“" + save_text + "”。")
        intro.setWordWrap(True)
        self.summary = QLabel()
        self.only_open = QCheckBox("只看待核对的条目")
        self.only_open.toggled.connect(self._filter)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.verticalHeader().setVisible(False)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setStretchLastSection(False)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the title takes the width left
        for col, width in enumerate((90, 56, 250, 140, 140, 200, 80)):
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.message = MessageLine()
        self.message.setWordWrap(True)
        buttons = self._edit_buttons()
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.only_open)
        ll.addLayout(top)
        ll.addWidget(self.table, 1)
        ll.addLayout(buttons)
        ll.addWidget(self.message)
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.words = QPlainTextEdit()
        self.words.setReadOnly(True)
        self.checks = QListWidget()
        self.checks.setWordWrap(True)
        self.checks.itemChanged.connect(self._confirmed)
        self.targets = TargetsPanel(draft)
        self.targets.changed.connect(self._changed)
        self.targets_box = QGroupBox("目标")
        scroll = QScrollArea()  # the target's fields scroll: the screen fits 1366×768
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.targets)
        QVBoxLayout(self.targets_box).addWidget(scroll)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        src_box = QGroupBox("原文")
        sl = QVBoxLayout(src_box)
        sl.addWidget(self.where)
        sl.addWidget(self.words)
        check_box = QGroupBox("核对事项（核对后勾选“已核对”）")
        QVBoxLayout(check_box).addWidget(self.checks)
        rl.addWidget(src_box, 2)
        rl.addWidget(check_box, 2)
        rl.addWidget(self.targets_box, 3)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([740, 500])  # the right side wide enough for the target fields at 1366×768
        self.save_btn = QPushButton(save_text)
        self.save_btn.setDefault(True)
        self.save_btn.clicked.connect(self.save)
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.save_btn)
        bottom.addWidget(cancel)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(split, 1)
        lay.addLayout(bottom)
        self._update_summary()
        self.select(self.first_open_row())

    def _edit_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for text, slot in (("方案信息和用语…", self.edit_meta), ("添加单位…", self.add_unit),
                           ("删除单位", self.remove_unit), ("合并到单位…", self.merge_unit),
                           ("添加里程碑", self.add_milestone), ("删除里程碑", self.remove_milestone)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            row.addWidget(b)
        row.addStretch(1)
        return row

    # -- selection ----------------------------------------------------------------------------
    def current(self) -> ReviewRow | None:
        i = self.table.currentIndex()
        return self.model.rows[i.row()] if i.isValid() else None

    def first_open_row(self) -> int:
        return next((r for r in range(len(self.model.rows)) if self.model.open_count(r)), 0)

    def select(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            idx = self.model.index(row, 2)
            self.table.selectionModel().setCurrentIndex(
                idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(idx)
            self._selected()

    def _selected(self, *_: object) -> None:
        row = self.current()
        if row is None:
            return
        src = source_words(self.draft, row)
        self.where.setText(f"{row.code or row.title} · 出处：{src.where or '（无）'}")
        self.words.setPlainText(src.words or "（没有原文）")
        self.checks.blockSignals(True)
        self.checks.clear()
        for n, item in self.model.items.get(row.ref, []):
            text = (f"【{item.title}】{item.where}\n原文：{item.quote}\n处理：{item.decided}\n请核对：{item.check}")
            it = QListWidgetItem(text)
            it.setData(Qt.ItemDataRole.UserRole, n)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if n in self.draft.confirmed else Qt.CheckState.Unchecked)
            it.setToolTip("勾选表示已核对")
            self.checks.addItem(it)
        if not self.model.items.get(row.ref):
            self.checks.addItem("（本条目没有需要核对的事项）")
        self.checks.blockSignals(False)
        has_targets = row.kind in ("part", "milestone")
        self.targets_box.setVisible(has_targets)
        if has_targets:
            self.targets.set_ref(row.ref)

    def _confirmed(self, item: QListWidgetItem) -> None:
        n = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(n, int):
            self.draft.confirm(n, item.checkState() == Qt.CheckState.Checked)
            self._changed()

    def _filter(self, *_: object) -> None:
        only = self.only_open.isChecked()
        for r in range(self.model.rowCount()):
            self.table.setRowHidden(r, only and not self.model.open_count(r))

    # -- edits --------------------------------------------------------------------------------
    def _refused(self, message: str) -> None:
        self.message.error(message)

    def _changed(self) -> None:
        self.model.refresh()
        self._update_summary()
        self._filter()
        self.message.ok("已修改（尚未保存）。")

    def _update_summary(self) -> None:
        d = self.draft
        kinds = [r.kind for r in d.rows()]
        self.summary.setText(
            f"{d.meta.get('name', '')}：{len(d.units)} 个单位，{kinds.count('action')} 项行动，"
            f"{kinds.count('task') + kinds.count('subtask')} 项任务，{kinds.count('policy')} 项政策保障，"
            f"{len(d.parts())} 个指标分项，{len(d.milestones)} 个里程碑；核对事项 {len(d.review)} 项，"
            f"待核对 {d.open_items()} 项。")

    def _do(self, action: Callable[[], object], done: str) -> bool:
        try:
            action()
        except EditError as exc:
            self.message.error(str(exc))
            return False
        self.model.reload()
        self._update_summary()
        self._filter()
        self.message.ok(done)
        return True

    def edit_meta(self) -> None:
        if PlanMetaDialog(self.draft, self).exec():
            self._changed()

    def add_unit(self) -> None:
        name, ok = QInputDialog.getText(self, "添加单位", "单位名称（与方案原文一致）：")
        if ok and self._do(lambda: self.draft.add_unit(name), f"已添加单位“{name.strip()}”。"):
            self.select(self.model.row_of(f"unit:{name.strip()}"))

    def _unit_row(self) -> ReviewRow | None:
        row = self.current()
        if row is None or row.kind != "unit":
            self.message.error("请先在表中选择一个单位（表的末尾）。")
            return None
        return row

    def remove_unit(self) -> None:
        row = self._unit_row()
        if row is not None:
            self._do(lambda: self.draft.remove_unit(row.title), f"已删除单位“{row.title}”。")

    def merge_unit(self) -> None:
        row = self._unit_row()
        if row is None:
            return
        others = [n for n in self.draft.unit_names() if n != row.title]
        into, ok = QInputDialog.getItem(self, "合并到单位", f"“{row.title}”是哪个单位的其他写法：", others, 0, False)
        if ok:
            self._do(lambda: self.draft.merge_unit(row.title, into), f"“{row.title}”已作为“{into}”的其他写法。")

    def add_milestone(self) -> None:
        row = self.current()
        if row is None or row.kind not in ("task", "subtask"):
            self.message.error("里程碑属于任务：请先在表中选择一项任务。")
            return
        code: list[str] = []
        if self._do(lambda: code.append(self.draft.add_milestone(row.ref)), "已添加里程碑，请填写名称和目标。"):
            self.select(self.model.row_of(code[0]))

    def remove_milestone(self) -> None:
        row = self.current()
        if row is None or row.kind != "milestone":
            self.message.error("请先在表中选择要删除的里程碑。")
            return
        self._do(lambda: self.draft.remove_milestone(row.ref), f"已删除里程碑 {row.ref}。")

    # -- saving -------------------------------------------------------------------------------
    def save(self) -> None:
        try:
            text, plan = check_draft(self.draft)
        except PlanError as exc:
            problems = exc.problems if hasattr(exc, "problems") else [str(exc)]
            shown = "\n".join(f"· {p}" for p in problems[:8]) + (f"\n……共 {len(problems)} 处" if len(problems) > 8 else "")
            self.message.error(f"计划还不能保存，有 {len(problems)} 处问题：\n{shown}")
            ref = next((r for r in (problem_ref(self.draft, p) for p in problems) if r), "")
            if ref:
                self.select(self.model.row_of(ref))
            return
        try:
            done = self.on_save(text, plan)
        except (DomainError, StoreError) as exc:
            self.message.error(str(exc))
            return
        if done:
            self.saved_text = text
            self.accept()
