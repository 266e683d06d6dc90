"""The main window: a navigation list on the left, one page at a time on the right.

Pages are created lazily the first time they are shown, so start-up only builds
the first one. Each page is a QWidget class with a ``title`` attribute and a
constructor ``(app, actor, parent)``; PAGES lists them with who may see them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow,
                               QStackedWidget, QToolButton, QWidget)

from models.app import ROLE_NAMES, Actor, App
from ui.help_window import HelpWindow


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    module: str
    cls: str
    office_only: bool = False
    admin_only: bool = False
    help: str = ""  # words of the user guide's heading for this page (F1); default the title


# Order of the navigation list. Each module is imported only when its page is first shown.
PAGES: list[PageSpec] = [
    PageSpec("workspace", "月度填报", "ui.workspace", "Workspace"),
    PageSpec("catalog", "计划目录", "ui.catalog_view", "CatalogView"),
    PageSpec("excel", "台账与模板", "ui.excel_view", "ExcelView"),
    PageSpec("exchange", "数据交换", "ui.exchange_view", "ExchangeView"),
    PageSpec("review", "审核报送", "ui.review_view", "ReviewView", office_only=True),
    PageSpec("dashboard", "调度看板", "ui.dashboard_view", "DashboardView", office_only=True),
    PageSpec("assessment", "考核评价", "ui.assessment_view", "AssessmentView", office_only=True),
    PageSpec("briefing", "工作简报", "ui.briefing_view", "BriefingView", office_only=True),
    PageSpec("audit", "修改记录", "ui.audit_view", "AuditView", office_only=True),
    PageSpec("settings", "办公室设置", "ui.settings_view", "SettingsView", office_only=True),
    PageSpec("accounts", "账户管理", "ui.accounts_view", "AccountsView", admin_only=True),
    PageSpec("eventlog", "操作日志", "ui.eventlog_view", "EventLogView", admin_only=True),
    PageSpec("backup", "备份与恢复", "ui.backup_view", "BackupView", admin_only=True),
    PageSpec("password", "我的账户", "ui.accounts_view", "MyAccountView"),
]


class MainWindow(QMainWindow):
    page_changed = Signal(str)

    def __init__(self, app: App, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.actor = actor
        self.setWindowTitle(self._title())
        self.resize(1280, 720)
        self.nav = QListWidget()
        self.nav.setFixedWidth(132)
        self.nav.setStyleSheet("QListWidget { font-size: 11pt; } QListWidget::item { padding: 6px 8px; }")
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        self.specs = [s for s in PAGES if self._visible(s)]
        for s in self.specs:
            it = QListWidgetItem(s.title)
            it.setData(Qt.ItemDataRole.UserRole, s.key)
            self.nav.addItem(it)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self._on_nav)
        who = f"{actor.label}（{ROLE_NAMES.get(actor.role, actor.role)}"
        who += f" · {actor.unit}）" if actor.unit else "）"
        self.user_label = QLabel(who)
        self.statusBar().addPermanentWidget(self.user_label)
        if app.is_demo():
            demo = QLabel("示例数据")
            demo.setStyleSheet("color: white; background: #c2410c; padding: 1px 8px; border-radius: 3px;")
            self.statusBar().addPermanentWidget(demo)
        for i, s in enumerate(self.specs[:9]):
            act = QAction(s.title, self)
            act.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            act.triggered.connect(lambda _=False, k=s.key: self.show_page(k))
            self.addAction(act)
        self.help_window: HelpWindow | None = None
        self.help_action = QAction("帮助", self)
        self.help_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))  # F1
        self.help_action.triggered.connect(self.show_help)
        self.addAction(self.help_action)
        help_btn = QToolButton()
        help_btn.setText("帮助（F1）")
        help_btn.setAutoRaise(True)
        help_btn.setToolTip("打开用户手册中本页的说明")
        help_btn.clicked.connect(self.show_help)
        self.statusBar().insertPermanentWidget(0, help_btn)
        if self.specs:
            self.nav.setCurrentRow(0)

    def warm_up(self) -> None:
        """Lay out and draw the hidden window once, off screen, at the size it will be
        shown at: the first real showing then only repaints (fonts, style sheets and
        layouts are ready). Used while the sign-in dialog waits for the user."""
        self._place()
        self.grab()

    def _place(self) -> bool:
        """Give the window its initial geometry; True when a saved one was restored."""
        geometry = QSettings().value("main_window/geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            return True
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            self.setGeometry(screen)  # the whole screen, also where no window manager maximises
        return False

    def show_initial(self) -> None:
        """Show the window as it was last closed (maximised if it was), or maximised on a
        first start: tables and lists use the whole screen, at 1366×768 and at 1920×1080."""
        if self._place() and not self.isMaximized():
            self.show()
        else:
            self.showMaximized()

    def closeEvent(self, ev: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(ev)

    def _title(self) -> str:
        """The plan's name; Qt adds the program's name (the application display name) after
        it, so the title names the program once: "…实施方案 — …碳达峰调度系统"."""
        t = self.app.plan.name
        if self.app.is_demo():
            t += "（示例数据）"
        return t

    def _visible(self, s: PageSpec) -> bool:
        if s.admin_only:
            return self.actor.is_admin
        if s.office_only:
            return self.actor.is_office
        return True

    def _on_nav(self, row: int) -> None:
        if 0 <= row < len(self.specs):
            self.show_page(self.specs[row].key)

    def page(self, key: str) -> QWidget:
        """The page widget for ``key``, created on first use."""
        if key not in self.pages:
            spec = next(s for s in self.specs if s.key == key)
            cls = getattr(importlib.import_module(spec.module), spec.cls)
            w = cls(self.app, self.actor, self) if _takes_actor(cls) else cls(self.app, self)
            self.pages[key] = w
            self.stack.addWidget(w)
        return self.pages[key]

    def current_spec(self) -> PageSpec | None:
        w = self.stack.currentWidget()
        return next((s for s in self.specs if self.pages.get(s.key) is w), None)

    def show_help(self) -> HelpWindow:
        """The user guide at the section of the page shown (F1); one help window, reused."""
        if self.help_window is None:
            self.help_window = HelpWindow(self)
        spec = self.current_spec()
        self.help_window.show_section((spec.help or spec.title) if spec else "")
        return self.help_window

    def show_page(self, key: str) -> QWidget:
        w = self.page(key)
        self.stack.setCurrentWidget(w)
        row = next(i for i, s in enumerate(self.specs) if s.key == key)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
        self.page_changed.emit(key)
        return w


def _takes_actor(cls: type) -> bool:
    return bool(getattr(cls, "needs_actor", False))
