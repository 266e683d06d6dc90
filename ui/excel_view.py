"""台账与模板: export the monthly ledger and fill-in templates, import filled-in templates.

Exports and imports run in a worker thread through the application's store (its lock
serialises database access); a progress dialog appears after a short delay and its
Cancel button stops the export between rows. File dialogs go through ``Dialogs`` so
tests can answer them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QPlainTextEdit, QProgressDialog, QPushButton, QRadioButton, QVBoxLayout,
                               QWidget)

from models.app import Actor, App, current_month, months_between
from models.entries_base import month_cn
from ui.files import ask_open_path, ask_save_path, offer_open

ALL_UNITS = "全部单位（汇总台账）"


class Dialogs:
    """File dialogs and the message after an export (replaced in tests). Each kind of
    file (``ledger``, ``template``, ``import``) opens where that kind was saved last."""

    def save_path(self, parent: QWidget, title: str, suggested: str, kind: str = "ledger") -> str:
        return ask_save_path(parent, kind, title, suggested, "Excel 工作簿 (*.xlsx)")

    def open_path(self, parent: QWidget, title: str) -> str:
        return ask_open_path(parent, "import", title, "Excel 工作簿 (*.xlsx);;所有文件 (*)")

    def done(self, parent: QWidget, title: str, text: str, path: Path) -> None:
        offer_open(parent, title, text, path)


class Worker(QObject):
    """Runs ``job(progress, cancelled)`` in a thread and reports back by signals."""

    progress = Signal(int, int, str)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, job: Callable[[Callable[[int, int, str], None], Callable[[], bool]], Any]):
        super().__init__()
        self.job = job
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    @Slot()
    def run(self) -> None:
        from exports.ledger import Cancelled
        from models.errors import DomainError
        from models.store import StoreError
        try:
            result = self.job(self.progress.emit, lambda: self._cancel)
        except Cancelled:
            self.cancelled.emit()
        except (DomainError, StoreError) as exc:
            self.failed.emit(str(exc))
        except OSError as exc:  # a file the export reads or writes
            self.failed.emit(f"操作失败：无法读写文件{'：' + str(exc.filename) if exc.filename else ''}"
                             f"（{exc.strerror or '操作系统拒绝了该操作'}）。")
        except Exception as exc:  # keep the GUI alive; the message says what happened
            self.failed.emit(f"操作失败：程序内部错误（{exc or '没有说明'}）。请把这条信息告诉系统管理员。")
        else:
            self.done.emit(result)


class ExcelView(QWidget):
    title = "台账与模板"
    needs_actor = True

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.dialogs = Dialogs()
        self.worker_thread: QThread | None = None
        self.worker: Worker | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.last_output: Path | None = None
        self.last_summary: Any = None
        self._on_done: Callable[[Any], str] = str
        self._importing = False
        self._offer = ""

        last = max(current_month(), app.plan.first_month)
        months = list(reversed(months_between(app.plan.first_month, last)))
        self.month = QComboBox()
        self.from_month = QComboBox()
        for m in months:
            self.month.addItem(month_cn(m), m)
            self.from_month.addItem(month_cn(m), m)
        self.from_month.setCurrentIndex(self.from_month.count() - 1)
        self.multi = QCheckBox("多个月份合并为一个台账，从")
        self.from_month.setEnabled(False)
        self.multi.toggled.connect(self.from_month.setEnabled)
        self.unit = QComboBox()
        if actor.is_office:
            self.unit.addItem(ALL_UNITS, "")
        for u in app.reporting_units():
            if actor.is_office or u == actor.home_unit:
                self.unit.addItem(u, u)

        self.full_kind = QRadioButton("完整台账（存档）")
        self.full_kind.setToolTip("全部工作表：任务推进、项目、指标监测、预警、报送情况、佐证材料"
                                  + ("和考核" if actor.is_office else "") + "，可以合并多个月份。")
        self.compact_kind = QRadioButton("简版台账（供打印）")
        self.compact_kind.setToolTip("一个月份的三张短表：月度概况（各单位报送情况"
                                     + ("和考核结果" if actor.is_office else "") + "）、预警事项（滞后或逾期的任务、"
                                     "落后于序时进度的项目）、指标监测（灯色），打印约几页。")
        self.full_kind.setChecked(True)
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.full_kind)
        self.kind_group.addButton(self.compact_kind)
        self.compact_kind.toggled.connect(self._kind_changed)
        self.include_unreviewed = QCheckBox("灯色含未审核数据")
        self.include_unreviewed.setToolTip("不勾选时，台账的灯色和预警只计已审核通过的数据；勾选后也计入待审、"
                                           "退回和草稿数据。未审核的数据始终有标注。")
        self.export_ledger_btn = QPushButton("导出台账…")
        self.export_template_btn = QPushButton("导出填报模板…")
        self.import_btn = QPushButton("导入Excel…")
        self.dry_run = QCheckBox("仅检查，不写入")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.result = QPlainTextEdit()
        self.result.setReadOnly(True)
        self.result.setPlaceholderText("导入结果显示在这里。")

        for combo in (self.month, self.unit):
            combo.setMinimumWidth(220)
            combo.setMaximumWidth(360)
        form = QFormLayout()
        form.addRow("月份：", self.month)
        rng = QHBoxLayout()
        rng.addWidget(self.multi)
        rng.addWidget(self.from_month)
        rng.addStretch(1)
        form.addRow("", rng)
        form.addRow("单位：", self.unit)
        kinds = QHBoxLayout()
        kinds.addWidget(self.full_kind)
        kinds.addWidget(self.compact_kind)
        kinds.addStretch(1)
        form.addRow("台账：", kinds)
        form.addRow("", self.include_unreviewed)
        box1 = QGroupBox("导出")
        b1 = QVBoxLayout(box1)
        b1.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.export_ledger_btn)
        row.addWidget(self.export_template_btn)
        row.addStretch(1)
        b1.addLayout(row)
        about = QLabel("台账：A4横向打印格式。完整台账含任务推进、项目、指标监测、预警、报送情况、佐证材料"
                       + ("和考核（汇总台账）" if actor.is_office else "") + "，留作存档；"
                       "简版台账只含一个月的月度概况、预警事项和指标监测，供打印传阅。"
                       "填报模板：选定单位和月份的Excel填报表，填好后在下方导入。")
        about.setWordWrap(True)  # never widens the window (1366×768)
        b1.addWidget(about)
        box2 = QGroupBox("导入填好的模板")
        b2 = QVBoxLayout(box2)
        row2 = QHBoxLayout()
        row2.addWidget(self.import_btn)
        row2.addWidget(self.dry_run)
        row2.addStretch(1)
        b2.addLayout(row2)
        b2.addWidget(self.result)
        lay = QVBoxLayout(self)
        lay.addWidget(box1)
        lay.addWidget(box2, 1)
        lay.addWidget(self.status)

        self.export_ledger_btn.clicked.connect(self.on_export_ledger)
        self.export_template_btn.clicked.connect(self.on_export_template)
        self.import_btn.clicked.connect(self.on_import)
        self.unit.currentIndexChanged.connect(self._update_buttons)
        self._update_buttons()
        qapp = QCoreApplication.instance()
        if qapp is not None:  # quitting during an export: stop it and wait for the thread
            qapp.aboutToQuit.connect(self._shutdown)

    # -- state ------------------------------------------------------------------------
    def selected_month(self) -> str:
        return str(self.month.currentData())

    def compact(self) -> bool:
        return self.compact_kind.isChecked()

    def _kind_changed(self, compact: bool) -> None:
        """The compact ledger is of one month: the month range is off while it is chosen."""
        if compact:
            self.multi.setChecked(False)
        self.multi.setEnabled(not compact)
        self.multi.setToolTip("简版台账只有一个月份" if compact else "")

    def selected_months(self) -> list[str]:
        hi = self.selected_month()
        if not self.multi.isChecked() or self.compact():
            return [hi]
        lo = str(self.from_month.currentData())
        return months_between(min(lo, hi), max(lo, hi))

    def selected_unit(self) -> str | None:
        return str(self.unit.currentData() or "") or None

    def busy(self) -> bool:
        return self.worker_thread is not None

    def _update_buttons(self) -> None:
        idle = not self.busy()
        self.export_ledger_btn.setEnabled(idle)
        self.export_template_btn.setEnabled(idle and self.selected_unit() is not None)
        self.export_template_btn.setToolTip("" if self.selected_unit() else "请先选择一个单位")
        self.import_btn.setEnabled(idle)

    # -- actions ----------------------------------------------------------------------------
    def _ask_xlsx(self, title: str, suggested: str, kind: str) -> str:
        """Where to save a workbook ("" when cancelled), always ending in .xlsx."""
        path = self.dialogs.save_path(self, title, suggested, kind=kind)
        if path and not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        return path

    def on_export_ledger(self) -> None:
        months, unit = self.selected_months(), self.selected_unit()
        basis = "all" if self.include_unreviewed.isChecked() else "approved"
        compact = self.compact()
        kind = "简版台账" if compact else "台账"
        span = month_cn(months[0]) + (f"至{month_cn(months[-1])}" if len(months) > 1 else "")
        path = self._ask_xlsx(f"导出{kind}", f"{unit or '碳达峰'}{kind}_{span}.xlsx", "ledger")
        if not path:
            return
        app, actor = self.app, self.actor

        def job(progress: Callable[[int, int, str], None], cancel: Callable[[], bool]) -> Path:
            from exports.ledger import build_ledger
            out = build_ledger(app, actor, months[-1], path, unit, months=months, progress=progress, cancel=cancel,
                               basis=basis, compact=compact)
            return out

        self._start(job, f"正在导出{kind}…", lambda out: f"已导出{kind}：{out}", offer=f"导出{kind}")

    def on_export_template(self) -> None:
        month, unit = self.selected_month(), self.selected_unit()
        if unit is None:
            return
        path = self._ask_xlsx("导出填报模板", f"{unit}填报模板_{month_cn(month)}.xlsx", "template")
        if not path:
            return
        app, actor = self.app, self.actor

        def job(progress: Callable[[int, int, str], None], cancel: Callable[[], bool]) -> Path:
            from exports.template import build_template
            out = build_template(app, actor, month, unit, path)
            return out

        self._start(job, "正在导出填报模板…", lambda out: f"已导出填报模板：{out}", offer="导出填报模板")

    def on_import(self) -> None:
        path = self.dialogs.open_path(self, "导入填好的Excel模板")
        if not path:
            return
        app, actor, dry = self.app, self.actor, self.dry_run.isChecked()

        def job(progress: Callable[[int, int, str], None], cancel: Callable[[], bool]) -> Any:
            from models.excel_import import import_excel
            return import_excel(app, actor, path, dry_run=dry)

        def finished(summary: Any) -> str:
            self.last_summary = summary
            self.result.setPlainText(summary.text())
            return "检查完成（未写入）。" if dry else "导入完成。"

        self._start(job, "正在导入…", finished, cancellable=False)

    # -- the worker ---------------------------------------------------------------------------
    def _start(self, job: Callable[..., Any], label: str, on_done: Callable[[Any], str],
               cancellable: bool = True, offer: str = "") -> None:
        """Run ``job`` in a worker thread; ``offer``: the title of the message offering to
        open the file written (exports)."""
        self.status.setText(label)
        self._offer = offer
        self.worker_thread = QThread(self)
        self.worker = Worker(job)
        self.worker.moveToThread(self.worker_thread)
        dlg = QProgressDialog(label, "取消" if cancellable else "", 0, 0, self)
        dlg.setWindowTitle(self.title)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(400)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        if not cancellable:
            dlg.setCancelButton(None)
        self.progress_dialog = dlg
        worker = self.worker
        # The worker's thread is busy in run(): set its flag from here, not via a queued call.
        dlg.canceled.connect(self.cancel)
        self._on_done = on_done
        self._importing = not cancellable
        worker.progress.connect(self._on_progress)
        worker.done.connect(self._on_done_slot)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_cancelled)
        self.worker_thread.started.connect(worker.run)
        # The worker lives in the thread: it is deleted there as the thread ends (a
        # deleteLater() posted after the thread stopped would never run).
        self.worker_thread.finished.connect(worker.deleteLater)
        self._update_buttons()
        self.worker_thread.start()

    @Slot()
    def cancel(self) -> None:
        """Ask a running export to stop (the same as the dialog's Cancel button)."""
        if self.worker is not None:
            self.worker.cancel()

    @Slot(object)
    def _on_done_slot(self, result: Any) -> None:
        self._finish(self._on_done(result), result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self._importing:
            self.result.setPlainText(message)
        self._finish(f"失败：{message}", None)

    @Slot()
    def _on_cancelled(self) -> None:
        self._finish("已取消导出，未生成文件。", None)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, label: str) -> None:
        dlg = self.progress_dialog
        if dlg is None:
            return
        dlg.setMaximum(max(total, 1))
        dlg.setValue(min(done, max(total, 1)))
        if label:
            dlg.setLabelText(f"正在导出：{label}")

    def _finish(self, message: str, result: Any) -> None:
        if isinstance(result, Path):
            self.last_output = result
        self.status.setText(message)
        if self.progress_dialog is not None:
            self.progress_dialog.blockSignals(True)  # closing it would emit canceled()
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        if self.worker_thread is not None:
            self.worker_thread.quit()
            self.worker_thread.wait()  # the worker is deleted as the thread finishes
            self.worker_thread.deleteLater()
        self.worker_thread = None
        self.worker = None
        self._update_buttons()
        if isinstance(result, Path) and self._offer:
            self.dialogs.done(self, self._offer, message, result)

    def wait_idle(self) -> None:
        if self.worker_thread is not None:
            self.worker_thread.quit()
            self.worker_thread.wait()

    @Slot()
    def _shutdown(self) -> None:
        self.cancel()
        self.wait_idle()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt name)
        self._shutdown()
        super().closeEvent(event)
