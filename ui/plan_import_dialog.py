"""Reading a plan document (.docx/.txt/.pdf) or a plan file (.toml) off the GUI thread,
with progress and 取消: the result is a ``PlanDraft`` for the review screen. A file that
cannot be read gives its Chinese message in the dialog; nothing is made then.

``choose_plan_source`` is the file dialog both entries (first run, office settings) use.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout,
                               QWidget)

from models.plan import PlanError
from models.plan_adopt import read_plan_file
from models.plan_draft import PlanDraft
from models.plan_import import ImportCancelled, PlanImportError, Progress, import_plan

FILTER = "实施方案或计划文件 (*.docx *.txt *.pdf *.toml);;Word 文档 (*.docx);;PDF (*.pdf);;文本 (*.txt);;计划文件 (*.toml)"


def choose_plan_source(parent: QWidget | None) -> str:
    """The document or plan file the user picks ("" when none)."""
    path, _ = QFileDialog.getOpenFileName(parent, "选择本县（区）的实施方案", "", FILTER)
    return path


def read_source(path: str | Path, plan_id: str | None, progress: Progress | None = None) -> PlanDraft:
    """A plan file as it is, a document through the importer (``plan_id``: keep this id)."""
    p = Path(path)
    if p.suffix.lower() == ".toml":
        return read_plan_file(p)
    return PlanDraft.from_import(import_plan(p, plan_id=plan_id, progress=progress))


class _Job(QObject):
    progress = Signal(str, int, int)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, path: str, plan_id: str | None) -> None:
        super().__init__()
        self.path = path
        self.plan_id = plan_id
        self.stop = False

    def _progress(self, what: str, done: int, total: int) -> None:
        if self.stop:
            raise ImportCancelled("已取消导入。")
        self.progress.emit(what, done, total)

    @Slot()
    def run(self) -> None:
        try:
            draft = read_source(self.path, self.plan_id, self._progress)
        except ImportCancelled:
            self.cancelled.emit()
        except (PlanImportError, PlanError) as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - any document may be hostile: a message, never a crash
            self.failed.emit(f"无法导入文件“{Path(self.path).name}”：文件内容无法识别（{str(exc)[:200] or '没有说明'}）。"
                             "请确认它是实施方案的 Word 文档、文本或带文字层的 PDF。")
        else:
            self.done.emit(draft)


class PlanImportDialog(QDialog):
    """Shows the reading's progress; accepted with ``draft`` set, rejected when cancelled
    or closed after a failure (``error`` holds the message)."""

    def __init__(self, path: str, plan_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft: PlanDraft | None = None
        self.error = ""
        self.setWindowTitle("导入实施方案")
        self.setMinimumWidth(520)
        self.label = QLabel(f"正在读取《{Path(path).name}》…")
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.cancel_btn = QPushButton("取消")
        self.cancel_btn.clicked.connect(self.cancel)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_btn)
        lay = QVBoxLayout(self)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addLayout(row)
        self.thread_ = QThread(self)
        self.job = _Job(path, plan_id)
        self.job.moveToThread(self.thread_)
        self.thread_.started.connect(self.job.run)
        self.job.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self.job.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self.job.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self.job.cancelled.connect(self._cancelled, Qt.ConnectionType.QueuedConnection)
        self.thread_.finished.connect(self.job.deleteLater)
        self.thread_.start()

    def running(self) -> bool:
        return self.thread_.isRunning()

    @Slot(str, int, int)
    def _progress(self, what: str, done: int, total: int) -> None:
        self.label.setText(f"{what}" + (f"（{done}/{total}）" if total else ""))
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        else:
            self.bar.setRange(0, 0)

    def cancel(self) -> None:
        if self.running():
            self.job.stop = True  # the job's thread is busy reading: a flag, not a queued call
            self.label.setText("正在取消…")
        else:
            self.reject()

    def _end(self) -> None:
        self.thread_.quit()
        self.thread_.wait()

    @Slot(object)
    def _done(self, draft: PlanDraft) -> None:
        self._end()
        self.draft = draft
        self.accept()

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._end()
        self.error = message
        self.label.setText(message)
        self.label.setStyleSheet("color: #b91c1c;")
        self.bar.hide()
        self.cancel_btn.setText("关闭")

    @Slot()
    def _cancelled(self) -> None:
        self._end()
        self.error = "已取消导入。"
        self.reject()

    def reject(self) -> None:
        if self.running():
            self.cancel()
            return
        super().reject()
