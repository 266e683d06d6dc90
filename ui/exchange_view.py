"""数据交换: installation files, submission packages and the office's decisions, as files.

On the office's PC: make a unit's installation file, import several units' packages at
once (a preview table first, then 确认导入) and export a unit's decisions package. On a
unit's PC: export the month's package and import the office's decisions. On a new PC:
import the installation file. File dialogs go through ``Dialogs`` so tests can answer them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QComboBox, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSplitter, QVBoxLayout, QWidget)

from models import exchange, exchange_common, exchange_export, exchange_install, exchange_preview
from models.app import Actor, App, current_month
from models.entries_base import month_cn
from models.errors import DomainError
from models.exchange_preview import PackagePreview
from models.package_format import PackageRejected
from ui.files import ask_open_path, ask_open_paths, ask_save_path, offer_open
from ui.office_common import MessageLine, MonthCombo, RowsModel, SortedTable
from ui.tables import compact_rows

PACKAGE_FILTER = "数据交换包 (*.zsp);;所有文件 (*)"
INSTALL_FILTER = "安装文件 (*.zsi);;所有文件 (*)"


class Dialogs:
    """File dialogs and the message after writing a file (replaced in tests). Packages and
    installation files each open where that kind was chosen last (else in Documents)."""

    def save_path(self, parent: QWidget, title: str, suggested: str, filter_: str) -> str:
        return ask_save_path(parent, _kind(filter_), title, suggested, filter_)

    def open_paths(self, parent: QWidget, title: str, filter_: str) -> list[str]:
        return ask_open_paths(parent, _kind(filter_), title, filter_)

    def open_path(self, parent: QWidget, title: str, filter_: str) -> str:
        return ask_open_path(parent, _kind(filter_), title, filter_)

    def done(self, parent: QWidget, title: str, text: str, path: Path) -> None:
        offer_open(parent, title, text, path)


def _kind(filter_: str) -> str:
    return "install" if filter_ == INSTALL_FILTER else "package"


def _file_row(path: Path, res: PackagePreview | DomainError) -> dict[str, Any]:
    if isinstance(res, DomainError):
        return {"file": path.name, "unit": "", "month": "", "new": "", "updated": "", "unchanged": "",
                "conflicts": "", "note": str(res), "error": True, "preview": None}
    if res.applied:
        note = "已导入"
    elif res.already_imported:
        note = "已导入过，不再重复写入"
    elif res.conflict_reason:
        note = res.conflict_reason
    elif not res.changes:
        note = "无变化"
    else:
        note = "待确认导入"
    if res.refused:
        note += f"；{len(res.refused)} 行未通过检查，不写入（见下方）"
    return {"file": path.name, "unit": res.unit, "month": month_cn(res.month) if res.month else "各月",
            "new": res.new, "updated": res.updated, "unchanged": res.unchanged, "conflicts": res.conflicts,
            "note": note, "error": False, "preview": res}


class ExchangeView(QWidget):
    title = "数据交换"
    needs_actor = True

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.dialogs = Dialogs()
        self.paths: list[Path] = []
        self.identity = QLabel()
        self.identity.setWordWrap(True)
        self.message = MessageLine()

        # a new PC: import the installation file
        self.install_box = QGroupBox("把本机改作单位的填报电脑")
        self.install_btn = QPushButton("导入安装文件…")
        self.install_btn.clicked.connect(self.on_install)
        il = QHBoxLayout(self.install_box)
        hint = QLabel("只在单位的电脑上使用：导入领导小组办公室发来的安装文件（.zsi）后，本机只能填报该单位的数据。"
                      "领导小组办公室的电脑不要导入。")
        hint.setWordWrap(True)
        il.addWidget(hint, 1)
        il.addWidget(self.install_btn)

        # the office: installation files and decisions per unit
        self.office_box = QGroupBox("单位安装文件与回执包")
        self.unit_combo = QComboBox()
        self.unit_combo.addItems(app.reporting_units())
        self.make_btn = QPushButton("生成安装文件…")
        self.make_btn.clicked.connect(self.on_make_install)
        self.decisions_btn = QPushButton("导出回执包…")
        self.decisions_btn.setToolTip("把该单位各月的审核结果、退回意见、计划和设置更新打包，发给该单位导入。")
        self.decisions_btn.clicked.connect(self.on_export_decisions)
        ol = QHBoxLayout(self.office_box)
        ol.addWidget(QLabel("单位："))
        self.unit_combo.setMinimumContentsLength(16)
        ol.addWidget(self.unit_combo)
        ol.addWidget(self.make_btn)
        ol.addWidget(self.decisions_btn)
        ol.addStretch(1)

        # a unit's PC: the month's package
        self.export_box = QGroupBox("导出本单位报送包")
        self.month_combo = MonthCombo(app)
        self.month_combo.set_month(current_month())
        self.export_btn = QPushButton("导出报送包…")
        self.export_btn.clicked.connect(self.on_export_package)
        el = QHBoxLayout(self.export_box)
        el.addWidget(QLabel("月份："))
        el.addWidget(self.month_combo)
        el.addWidget(self.export_btn)
        el.addStretch(1)

        # importing packages (the office: units' packages; a unit: the office's decisions)
        self.import_box = QGroupBox("导入数据包")
        self.choose_btn = QPushButton("选择数据包…")
        self.choose_btn.clicked.connect(self.on_choose)
        self.confirm_btn = QPushButton("确认导入")
        self.confirm_btn.setEnabled(False)
        self.confirm_btn.clicked.connect(self.on_confirm)
        self.files_model = RowsModel([
            ("文件", lambda r: r["file"]), ("单位", lambda r: r["unit"]), ("月份", lambda r: r["month"]),
            ("新增", lambda r: r["new"]), ("更新", lambda r: r["updated"]), ("未变", lambda r: r["unchanged"]),
            ("冲突", lambda r: r["conflicts"]), ("说明", lambda r: r["note"]),
        ], self, color=lambda r, col: "#b91c1c" if r["error"] or r["conflicts"] else None)
        self.files = SortedTable(self.files_model)
        compact_rows(self.files)
        self.files.horizontalHeader().setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)
        self.detail_model = RowsModel([
            ("结果", lambda r: exchange_preview.STATUS_NAMES.get(r["status"], r["status"])),
            ("类别", lambda r: r["entity"]), ("项目", lambda r: r["key"]), ("说明", lambda r: r["detail"]),
        ], self, color=lambda r, col: {"conflict": "#b91c1c", "refused": "#b91c1c", "new": "#166534",
                                       "updated": "#1d4ed8"}.get(r["status"]))
        self.detail = SortedTable(self.detail_model)
        compact_rows(self.detail)
        self.detail.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.files.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._show_detail(self.files.source_row(cur)))
        bl = QHBoxLayout()
        bl.addWidget(self.choose_btn)
        bl.addWidget(self.confirm_btn)
        bl.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.files)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        vl = QVBoxLayout(self.import_box)
        vl.addLayout(bl)
        vl.addWidget(split, 1)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addWidget(self.identity)
        lay.addWidget(self.office_box)
        lay.addWidget(self.export_box)
        lay.addWidget(self.import_box, 1)
        lay.addWidget(self.install_box)
        lay.addWidget(self.message)
        self.refresh()

    # -- mode --------------------------------------------------------------------------------
    def refresh(self) -> None:
        inst = exchange_common.installation(self.app)
        oid = exchange_common.office_id(self.app)
        office = inst is None and self.actor.is_office
        if inst:
            self.identity.setText(
                f"本机作为“{inst['unit']}”使用（计划版本 {inst.get('plan_version', '')}，"
                f"{str(inst.get('installed_at', ''))[:10]}导入安装文件）。报送包发给领导小组办公室，"
                "办公室的回执包在此导入。")
            self.import_box.setTitle("导入办公室回执包")
        elif office:
            number = f"（办公室编号 {oid[:8]}）" if oid else ""
            self.identity.setText(f"本机是领导小组办公室的电脑{number}。在此为各单位生成安装文件、"
                                  "导入各单位的报送包、导出回执包。")
            self.import_box.setTitle("导入各单位报送包")
        else:
            self.identity.setText("本机还不是任何单位的填报电脑：请领导小组办公室的管理员在本机导入"
                                  "本单位的安装文件。")
            self.import_box.setTitle("导入各单位报送包")
        self.install_box.setVisible(inst is None and not oid and self.actor.is_admin)
        self.office_box.setVisible(office)
        self.export_box.setVisible(inst is not None)
        self.import_box.setVisible(office or inst is not None)

    # -- helpers -------------------------------------------------------------------------------
    def _run(self, what: str, fn: Any) -> Any:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return fn()
        except DomainError as exc:
            self.message.error(f"{what}失败：{exc}")
            return None
        except OSError as exc:
            self.message.error(f"{what}失败：{exc.strerror or exc}")
            return None
        finally:
            QApplication.restoreOverrideCursor()

    # -- actions ---------------------------------------------------------------------------------
    def on_install(self) -> None:
        path = self.dialogs.open_path(self, "选择安装文件", INSTALL_FILTER)
        if not path:
            return
        inst = self._run("导入安装文件", lambda: exchange_install.install(self.app, path, self.actor))
        if inst:
            done = f"安装完成：本机作为“{inst['unit']}”使用。请重新启动程序，以该单位的身份登录填报。"
            if inst.get("refused"):
                self.message.error(done + "以下内容未通过检查，未采用：" + "；".join(inst["refused"]))
            else:
                self.message.ok(done)
            self.refresh()

    def on_make_install(self) -> None:
        unit = self.unit_combo.currentText()
        path = self.dialogs.save_path(self, f"保存{unit}的安装文件", f"{unit}{exchange_install.INSTALL_EXT}", INSTALL_FILTER)
        if not path:
            return
        out = self._run("生成安装文件", lambda: exchange_install.make_install(self.app, self.actor, unit, path))
        if out:
            self.message.ok(f"已生成“{unit}”的安装文件：{out}。文件中含有该单位的签名密钥，请用移动存储介质"
                            "当面交给该单位，妥善保管。")
            self.refresh()
            self.dialogs.done(self, "生成安装文件", f"已生成“{unit}”的安装文件。", Path(out))

    def on_export_decisions(self) -> None:
        unit = self.unit_combo.currentText()
        path = self.dialogs.save_path(self, f"保存给{unit}的回执包", f"{unit}-回执{exchange_export.PACKAGE_EXT}",
                                      PACKAGE_FILTER)
        if not path:
            return
        out = self._run("导出回执包", lambda: exchange_export.export_decisions(self.app, self.actor, unit, path))
        if out:
            self.message.ok(f"已导出给“{unit}”的回执包：{out}")
            self.dialogs.done(self, "导出回执包", f"已导出给“{unit}”的回执包。", Path(out))

    def on_export_package(self) -> None:
        inst = exchange_common.installation(self.app) or {}
        month = self.month_combo.month()
        suggested = f"{inst.get('unit', '')}-{month}{exchange_export.PACKAGE_EXT}"
        path = self.dialogs.save_path(self, "保存报送包", suggested, PACKAGE_FILTER)
        if not path:
            return
        out = self._run("导出报送包", lambda: exchange_export.export_package(self.app, self.actor, month, path))
        if out:
            self.message.ok(f"已导出{month_cn(month)}的报送包：{out}。请将该文件交给领导小组办公室导入。")
            self.dialogs.done(self, "导出报送包", f"已导出{month_cn(month)}的报送包，请交给领导小组办公室导入。",
                              Path(out))

    def on_choose(self) -> None:
        paths = self.dialogs.open_paths(self, "选择要导入的数据包（可多选）", PACKAGE_FILTER)
        if not paths:
            return
        self.paths = [Path(p) for p in paths]
        self._preview()

    def _preview(self) -> None:
        rows = []
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for p in self.paths:
                try:
                    res: PackagePreview | DomainError = exchange.preview_package(self.app, self.actor, p)
                except DomainError as exc:
                    res = exc
                rows.append(_file_row(p, res))
        finally:
            QApplication.restoreOverrideCursor()
        self._set_rows(rows)
        ready = sum(1 for r in rows if r["preview"] and r["note"].startswith("待确认导入"))
        bad = sum(1 for r in rows if r["error"])
        self.confirm_btn.setEnabled(ready > 0)
        text = f"已检查 {len(rows)} 个文件：{ready} 个可以导入"
        text += f"，{bad} 个被拒绝（见“说明”列）。" if bad else "。"
        if ready:
            text += "核对预览后点“确认导入”。"
        (self.message.error if bad else self.message.ok)(text)

    def _set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.files_model.set_rows(rows)
        self.files.resizeColumnsToContents()
        self.files.horizontalHeader().setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)
        if rows:
            self.files.selectRow(0)
            self._show_detail(self.files.source_row(self.files.model().index(0, 0)))
        else:
            self.detail_model.set_rows([])

    def _show_detail(self, row: int) -> None:
        if not 0 <= row < len(self.files_model.rows):
            self.detail_model.set_rows([])
            return
        r = self.files_model.row(row)
        pv: PackagePreview | None = r["preview"]
        if pv is None:
            self.detail_model.set_rows([{"status": "conflict", "entity": "已拒绝", "key": r["file"],
                                         "detail": r["note"]}])
            return
        items = [vars(i) for i in pv.items if i.status != "unchanged"]
        if pv.unchanged:
            items.append({"status": "unchanged", "entity": "其余各项", "key": f"{pv.unchanged} 项", "detail": ""})
        if pv.history_new:
            items.append({"status": "new", "entity": "修改与审核记录", "key": f"{pv.history_new} 条", "detail": ""})
        items += [{"status": "refused", "entity": "未通过检查",
                   "key": " ".join(x for x in (month_cn(r.month) if len(r.month) == 7 else r.month, r.item) if x),
                   "detail": f"{r.field + '：' if r.field else ''}{r.why}"} for r in pv.refused]
        self.detail_model.set_rows(items)
        self.detail.resizeColumnsToContents()
        self.detail.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def on_confirm(self) -> None:
        if not self.paths:
            return
        self.confirm_btn.setEnabled(False)
        results = self._run("导入", lambda: exchange.import_packages(self.app, self.actor, self.paths))
        if results is None:
            return
        rows = [_file_row(p, res) for p, res in results]
        self._set_rows(rows)
        done = sum(1 for _, res in results if isinstance(res, PackagePreview) and res.applied)
        bad = sum(1 for _, res in results if isinstance(res, PackageRejected))
        conflicts = sum(res.conflicts for _, res in results if isinstance(res, PackagePreview))
        refused = sum(len(res.refused) for _, res in results if isinstance(res, PackagePreview))
        text = f"导入完成：{done} 个数据包已写入"
        if bad:
            text += f"，{bad} 个被拒绝（未作任何修改）"
        if refused:
            text += f"，{refused} 行未通过检查未写入（见下方说明）"
        if conflicts:
            text += f"，{conflicts} 项冲突未覆盖（已审核通过的月份，如需采用请先在审核页解锁后再导入）"
        (self.message.error if bad or conflicts or refused else self.message.ok)(text + "。")
        self.refresh()
