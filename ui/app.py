"""Starting the desktop application.

Sequence: Qt set-up → database path → one-program-per-database lock → open the
database (a corrupt file offers the latest good backup) → daily backup → plan
(a bureau installation's own plan when installed) → first-run administrator or
sign-in → main window. An administrator's "restore backup" closes the window;
the database is then replaced and the sequence resumes at "open the database".

Here: the sequence (``Startup``), the main window built ahead while the sign-in dialog
waits, signing out, restoring and shutting down. The questions asked are in
``ui.startup_dialogs``; opening the database (missing or damaged file, daily backup)
is in ``ui.startup_store``.

Developer and automation switches (environment variables, documented in
README（账户、权限与数据安全）):
- ``ZHUSHAN_AUTOLOGIN`` + ``ZHUSHAN_AUTOLOGIN_PASSWORD``: scripted sign-in; the
  password is checked exactly like a typed one (failures count towards lockout).
- ``ZHUSHAN_NO_LOGIN=1``: only while the database has no account at all, open as an
  administrator without the first-run dialog (tests, screenshots).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ui.qtsetup import make_application
from ui.startup_dialogs import Dialogs

if TYPE_CHECKING:
    from models.app import Actor, App
    from models.plan import Plan
    from models.plan_binding import PlanUpdatePending
    from models.instance import InstanceLock
    from models.store import Store
    from ui.main_window import MainWindow

DEV_ACTOR_NAME = "developer"

# Beside the database: the parsed plan, reused while the plan file is unchanged.
PLAN_CACHE_DIR = "cache"
# A window prepared longer ago than this is rebuilt (the month shown may have changed).
PREPARED_MAX_AGE_S = 600.0
_LAST_USER_KEY = "login/last_username"


def _last_username() -> str:
    """The account that last signed in on this computer (per Windows user), pre-filled."""
    from PySide6.QtCore import QSettings
    value = QSettings().value(_LAST_USER_KEY, "")
    return value if isinstance(value, str) else ""


def _remember_username(username: str) -> None:
    from PySide6.QtCore import QSettings
    QSettings().setValue(_LAST_USER_KEY, username)


class Startup:
    """One run of the GUI: holds the lock, the open App and the main window."""

    def __init__(self, args: argparse.Namespace, dialogs: Dialogs | None = None,
                 env: Mapping[str, str] | None = None):
        self.args = args
        self.dialogs = dialogs or Dialogs()
        self.env = os.environ if env is None else env
        self.db_path = self._db_path()
        self.lock: InstanceLock | None = None
        self.app: App | None = None
        self.actor: Actor | None = None
        self.window: MainWindow | None = None
        # A main window built while the sign-in dialog waited: (username, window, built at).
        self.prepared: tuple[str, MainWindow, float] | None = None
        self.window_was_prepared = False  # the shown window is the one prepared ahead
        self.pending_restore: Path | None = None
        self.relogin = False
        # A new version of the database's plan waiting for an office account (after sign-in).
        self.pending_update: PlanUpdatePending | None = None
        self._chosen: tuple[Any, Plan] | None = None  # (what the database recorded, plan file), plan

    def _db_path(self) -> Path:
        if getattr(self.args, "db", None):
            return Path(self.args.db)
        from ui.locations import default_db
        return default_db()

    # -- the sequence ---------------------------------------------------------------------
    def start(self) -> int | None:
        """Everything up to the shown main window; an exit code when it stops early."""
        from models.instance import InstanceLock
        self.lock = InstanceLock(self.db_path)
        if not self.lock.acquire():
            self.lock = None
            self.dialogs.critical("程序已在运行", InstanceLock(self.db_path).refusal_message())
            return 1
        rc = self.open_session()
        if rc is not None:
            self.shutdown()
        return rc

    def open_session(self) -> int | None:
        # The plan first, read before the database is touched: a database of another plan
        # is refused before anything (a migration, a backup) changes it.
        if self._choose_plan() is None:
            return 1
        store = self.open_store()
        if store is None:
            return 1
        plan = self._choose_plan()  # again: the database may have been restored from a backup
        if plan is None:
            store.close()
            return 1
        from PySide6.QtWidgets import QApplication
        qapp = QApplication.instance()
        if isinstance(qapp, QApplication):
            qapp.setApplicationDisplayName(plan.app_title)  # "<district>碳达峰调度系统"
        from ui.startup_store import daily_backup
        daily_backup(store, self.dialogs)
        from models.app import App
        from models.errors import DomainError
        from models.plan_binding import PlanUpdatePending
        from models.store import StoreError
        self.pending_update = None
        try:
            self.app = App(store, plan)
        except PlanUpdatePending as exc:
            # A new version of the database's plan: run on the database's own plan until an
            # office account accepts it after signing in.
            self.pending_update = exc
            self.app = App.without_binding(store, exc.stored or plan)
        except (StoreError, DomainError) as exc:
            store.close()
            self.dialogs.critical("无法打开数据库", str(exc))
            return 1
        self.actor = self.sign_in(self.app)
        if self.actor is None:
            self._discard_prepared()
            return 0
        if self.pending_update is not None:
            rc = self._offer_plan_update(self.actor)
            if rc is not None:
                self._discard_prepared()
                return rc
        prepared = self._take_prepared(self.actor)
        self.window_was_prepared = prepared is not None
        self.window = prepared or self._build_window(self.actor)
        _CURRENT[0] = self
        self.window.show_initial()
        return None

    def _choose_plan(self) -> Plan | None:
        """The plan to open the database with (``--plan``, a unit's installed plan, the
        plan the database keeps, else the built-in one); None when refused (the user was told)."""
        from models.errors import DomainError
        from models.plan import PlanError
        from models.plan_binding import peek, plan_for
        path = self._plan_path()
        key = (peek(self.db_path), str(path or ""))
        if self._chosen is not None and self._chosen[0] == key:
            return self._chosen[1]  # the database did not change in between: the same plan
        try:
            plan = plan_for(self.db_path, path, cache_dir=self.db_path.parent / PLAN_CACHE_DIR)
            self._chosen = (key, plan)
            return plan
        except PlanError as exc:
            self.dialogs.critical("计划文件有误", str(exc))
        except DomainError as exc:
            self.dialogs.critical("计划与数据库不符", str(exc))
        return None

    def _offer_plan_update(self, actor: Actor) -> int | None:
        """After signing in, while the plan file is a new version of the database's plan:
        an office account is shown the changes and may accept them; otherwise the
        database's own plan is used (or, when it keeps none, the program stops)."""
        exc, self.pending_update = self.pending_update, None
        assert exc is not None and self.app is not None
        from models.errors import DomainError
        from models.store import StoreError
        changes = exc.changes.text()
        if actor.is_office:
            if self.dialogs.confirm_plan_update(exc.own.label, exc.plan.label, changes):
                try:
                    self.app.accept_plan_update(actor, exc.plan)
                except (DomainError, StoreError) as err:
                    self.dialogs.critical("计划更新失败", f"{err}\n数据库保持原样。")
                    return 1
                self._discard_prepared()  # built for the previous version
                return None
            if exc.stored is None:
                self.dialogs.critical("未更新计划", "本数据库由旧版程序创建，没有保存原来的计划文件，不更新就无法继续。"
                                      "确认改动无误后请重新启动并接受更新。")
                return 1
            self.dialogs.warning("仍使用原计划", f"本次仍按数据库保存的计划{exc.own.label}运行。"
                                 "下次用新的计划文件启动时会再次询问。")
            return None
        if exc.stored is None:
            self.dialogs.critical("计划文件有新版本", f"计划文件是本数据库计划的新版本（{exc.own.version} → "
                                  f"{exc.plan.version}），须由领导小组办公室的审核员或管理员登录确认后才能使用。")
            return 1
        self.dialogs.warning("计划文件有新版本", f"计划文件是本数据库计划的新版本（{exc.own.version} → "
                             f"{exc.plan.version}），须由领导小组办公室的审核员或管理员登录确认后才会使用；"
                             f"本次仍按原计划（版本 {exc.own.version}）运行。")
        return None

    def open_store(self) -> Store | None:
        from ui.startup_store import open_store
        return open_store(self.db_path, self.dialogs)

    def _plan_path(self) -> str | Path | None:
        """--plan if given; on a unit's PC the plan file installed beside its database."""
        if getattr(self.args, "plan", None):
            return self.args.plan
        from models.plan_binding import installed_plan_file
        path = installed_plan_file(self.db_path)
        return path if path.is_file() else None

    # -- the main window, built ahead while the sign-in dialog waits ----------------------
    def _build_window(self, actor: Actor) -> MainWindow:
        assert self.app is not None
        from ui.main_window import MainWindow
        return MainWindow(self.app, actor)

    def prepare_window(self, username: str) -> None:
        """Build (hidden) the main window for the account ``username`` names, so that it
        appears at once after a successful sign-in. Nothing is shown or written; an
        unknown or inactive name prepares nothing (nor while a new version of the plan
        waits: the window is built for the plan the office then chooses)."""
        if self.app is None or self.pending_update is not None:
            return
        from models import accounts
        from models.errors import DomainError
        from models.store import StoreError
        if self.prepared is not None and self.prepared[0] == username and self._fresh(self.prepared):
            return
        self._discard_prepared()
        who = accounts.prospective_actor(self.app, username)
        if who is None:
            return
        try:
            window = self._build_window(who)
        except (DomainError, StoreError):
            return  # built again after signing in, where the problem is reported
        window.warm_up()
        self.prepared = (username, window, time.monotonic())

    @staticmethod
    def _fresh(prepared: tuple[str, MainWindow, float]) -> bool:
        return time.monotonic() - prepared[2] < PREPARED_MAX_AGE_S

    def _take_prepared(self, actor: Actor) -> MainWindow | None:
        """The prepared window if it was built for exactly this signed-in account."""
        prepared, self.prepared = self.prepared, None
        if prepared is None:
            return None
        _name, window, _t = prepared
        if window.actor == actor and self._fresh(prepared):
            return window
        window.deleteLater()
        return None

    def _discard_prepared(self) -> None:
        if self.prepared is not None:
            self.prepared[1].deleteLater()
            self.prepared = None

    def sign_in(self, app: App) -> Actor | None:
        from models import accounts, signin
        from models.app import ADMIN, Actor
        from models.errors import DomainError
        from models.store import StoreError
        if not accounts.has_users(app.store):
            if self.env.get("ZHUSHAN_NO_LOGIN") == "1":
                actor = Actor(DEV_ACTOR_NAME, ADMIN, None, "开发者（无账户）")
                app.log(actor, "login", "开发者开关 ZHUSHAN_NO_LOGIN=1（数据库中还没有账户）")
                return actor
            return self.dialogs.first_run(app)
        username = self.env.get("ZHUSHAN_AUTOLOGIN", "")
        password = self.env.get("ZHUSHAN_AUTOLOGIN_PASSWORD")
        message = ""
        if username and password is not None:
            try:
                actor = signin.authenticate(app, username, password)
                if not signin.must_change_password(app, actor):
                    return actor
                message = "管理员重置了您的密码，请登录后设置新密码。"
            except (DomainError, StoreError) as exc:
                message = f"自动登录失败：{exc}"
        username = username or _last_username()
        chosen = self.dialogs.login(app, message, username, prepare=self.prepare_window)
        if chosen is not None:
            _remember_username(chosen.username)
        return chosen

    # -- after the window closed ------------------------------------------------------------
    def request_restore(self, backup_path: Path) -> None:
        """Called by the backup page: close the window, then restore and sign in again."""
        self.pending_restore = Path(backup_path)
        if self.window is not None:
            self.window.close()

    def request_relogin(self) -> None:
        """Called by the account page: sign out, show the sign-in dialog again."""
        self.relogin = True
        if self.window is not None:
            self.window.close()

    def request_plan_reload(self) -> None:
        """Called after the office adopted a new plan in the program: sign in again and run
        on the database's plan (a ``--plan`` given at start-up is the old version now)."""
        self.args.plan = None
        self.request_relogin()

    def after_window(self) -> int | None:
        """After the event loop returned: restore or sign in again if asked; else finish."""
        self._close_app(log_logout=True)
        path, self.pending_restore = self.pending_restore, None
        relogin, self.relogin = self.relogin, False
        if path is None and not relogin:
            self.shutdown()
            return 0
        if path is not None:
            from models import backup
            from models.errors import DomainError
            from models.store import StoreError
            try:
                if self.actor is None:
                    raise StoreError("没有登录的管理员，不能恢复备份。")
                missing = backup.restore(self.db_path, path, self.actor)
            except (StoreError, DomainError) as exc:
                self.dialogs.critical("恢复失败", f"{exc}\n数据库保持原样。")
                path = None
            else:
                if missing:
                    shown = "、".join(missing[:10]) + ("……" if len(missing) > 10 else "")
                    self.dialogs.warning("佐证材料未能全部恢复", f"数据库已恢复，但有{len(missing)}份佐证材料的文件在备份和"
                                         f"佐证材料文件夹中都找不到：{shown}。这些材料打开时会提示文件缺失。")
        rc = self.open_session()
        if rc is None and path is not None and self.app is not None and self.actor is not None:
            self.app.log(self.actor, "restore", f"恢复备份 {path.name}")
        if rc is not None:
            self.shutdown()
        return rc

    def _close_app(self, log_logout: bool = False) -> None:
        self._discard_prepared()
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        if self.app is not None:
            if log_logout and self.actor is not None:
                try:
                    self.app.log(self.actor, "logout", "")
                except Exception:  # noqa: BLE001 - the database may be gone; nothing to log then
                    pass
            self.app.close()
            self.app = None
        if _CURRENT[0] is self:
            _CURRENT[0] = None

    def shutdown(self) -> None:
        self._close_app()
        if self.lock is not None:
            self.lock.release()
            self.lock = None


_CURRENT: list[Startup | None] = [None]


def current() -> Startup | None:
    """The running start-up (None when a page runs outside ``run_gui``, e.g. in tests)."""
    return _CURRENT[0]


def run_gui(args: argparse.Namespace, dialogs: Dialogs | None = None) -> int:
    qapp = make_application(sys.argv[:1])
    st = Startup(args, dialogs)
    rc: Any = st.start()
    while rc is None:
        qapp.exec()
        rc = st.after_window()
    return int(rc)
