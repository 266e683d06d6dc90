"""Local accounts: roles, user names, reading and administering the accounts, the event log.

All changing functions take the acting ``Actor`` and check permissions here:
only an administrator manages accounts; everybody may change their own password.
Every account change is written to the event log. Password hashing and rules are in
``models.passwords``, signing in and lockout in ``models.signin``.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from typing import Any, NamedTuple

from models import passwords
from models.app import ADMIN, CLERK, REVIEWER, ROLE_NAMES, Actor, App
from models.authority import ADMIN_RULE, PUBLIC, SIGNED_IN, STARTUP, installed_unit, rule
from models.errors import InvalidInput, NotFound, PermissionDenied
from models.passwords import check_password, hash_password, verify_password
from models.store import Store, now_iso

ROLES = (CLERK, REVIEWER, ADMIN)


@rule(PUBLIC)
class UserInfo(NamedTuple):
    username: str
    display_name: str
    role: str
    unit: str | None
    active: bool
    failed: int
    locked_until: str
    created_at: str
    must_change: bool

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)

    def locked(self, now: datetime | None = None) -> bool:
        return bool(self.locked_until) and self.locked_until > (now or datetime.now()).isoformat(
            timespec="seconds")

    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.unit, self.display_name)


# -- user names, roles and units ---------------------------------------------------------
def _typed_name(username: str) -> str:
    """A user name as typed, in the form accounts are stored under (NFKC, trimmed)."""
    return unicodedata.normalize("NFKC", str(username or "")).strip()


@rule(PUBLIC)
def clean_username(username: str) -> str:
    name = _typed_name(username)
    if not name:
        raise InvalidInput("用户名不能为空。")
    if len(name) > 32:
        raise InvalidInput("用户名最多32个字符。")
    if any(unicodedata.category(ch)[0] in ("C", "Z") for ch in name):
        raise InvalidInput("用户名中不能含有空格或控制字符。")
    return name


def _clean_display(name: str | None) -> str:
    s = "".join(ch for ch in str(name or "") if unicodedata.category(ch) not in ("Cc", "Cs")).strip()
    if len(s) > 40:
        raise InvalidInput("姓名最多40个字符。")
    return s


def _check_role_unit(app: App, role: str, unit: str | None) -> str | None:
    if role not in ROLES:
        raise InvalidInput(f"未知的角色“{role}”，可选：填报员 clerk、审核员 reviewer、管理员 admin。")
    inst = installation_unit(app)
    if inst and role == REVIEWER:
        raise InvalidInput(f"本机是{inst}的填报电脑，审核员账户应建在领导小组办公室的电脑上。")
    if inst and role == CLERK and unit != inst:
        raise InvalidInput(f"本机是{inst}的填报电脑，只能新建{inst}的填报员。")
    if role == CLERK:
        if not unit:
            raise InvalidInput("填报员必须属于一个填报单位。")
        if unit not in app.reporting_units():
            raise InvalidInput(f"“{unit}”不是填报单位。")
        return unit
    return None


# -- reading ------------------------------------------------------------------------------
def _row_info(r: dict[str, Any]) -> UserInfo:
    try:
        temp = bool(json.loads(r["pw_params"]).get("temp"))
    except (ValueError, AttributeError):
        temp = False
    return UserInfo(r["username"], r["display_name"], r["role"], r["unit"], bool(r["active"]),
                    int(r["failed"]), r["locked_until"], r["created_at"], temp)


@rule(STARTUP, why="the first start asks for the first administrator when there is no account")
def has_users(store: Store) -> bool:
    return bool(store.scalar("SELECT COUNT(*) FROM users"))


@rule(ADMIN_RULE, what="查看账户列表")
def users(app: App, actor: Actor) -> list[UserInfo]:
    """All accounts (office first, then by unit and name); administrators only."""
    rows = app.store.query(
        "SELECT * FROM users ORDER BY CASE role WHEN 'admin' THEN 0 WHEN 'reviewer' THEN 1 ELSE 2 END, "
        "unit, username")
    return [_row_info(r) for r in rows]


@rule(ADMIN_RULE, what="查看账户")
def user(app: App, actor: Actor, username: str) -> UserInfo:
    return _user(app, username)


def _user(app: App, username: str) -> UserInfo:
    r = app.store.one("SELECT * FROM users WHERE username = ?", (username,))
    if r is None:
        raise NotFound(f"账户“{username}”不存在。")
    return _row_info(r)


@rule(PUBLIC, why="user names are not secret (README, threat model); nothing else is read")
def exists(app: App, username: str) -> bool:
    return app.store.scalar("SELECT COUNT(*) FROM users WHERE username = ?", (username,)) == 1


def _active_admins(app: App) -> int:
    return int(app.store.scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1") or 0)


@rule(PUBLIC)
def installation_unit(app: App) -> str | None:
    """The unit of a bureau installation (None on the office's PC)."""
    return installed_unit(app)


@rule(STARTUP, why="builds the main window ahead while the sign-in dialog waits (nothing is written)")
def prospective_actor(app: App, username: str) -> Actor | None:
    """Who would be signed in under ``username`` (None for an unknown or inactive name)."""
    try:
        info = _user(app, _typed_name(username))
    except NotFound:
        return None
    return info.actor()._replace(bureau=installed_unit(app)) if info.active else None


# -- administration ---------------------------------------------------------------------------
@rule(ADMIN_RULE, what="管理账户")
def create_user(app: App, actor: Actor, username: str, role: str, password: str,
                unit: str | None = None, display_name: str = "") -> UserInfo:
    return _insert_user(app, actor, username, role, password, unit, display_name)


@rule(STARTUP, why="the first start, allowed only while there is no account at all")
def create_first_admin(app: App, username: str, password: str, display_name: str = "") -> Actor:
    """The first-run set-up: allowed only while there is no account at all."""
    if has_users(app.store):
        raise PermissionDenied("已经存在账户，不能再次进行首次设置；请用管理员账户登录。")
    info = _insert_user(app, Actor(clean_username(username), ADMIN), username, ADMIN, password, None,
                        display_name or "系统管理员", kind_detail="首次设置管理员账户")
    return info.actor()


def _insert_user(app: App, actor: Actor, username: str, role: str, password: str,
                 unit: str | None, display_name: str, kind_detail: str = "") -> UserInfo:
    name = clean_username(username)
    unit = _check_role_unit(app, role, unit)
    check_password(password, name)
    display = _clean_display(display_name)
    h, s, p = hash_password(password)
    with app.store.tx() as c:
        if c.execute("SELECT 1 FROM users WHERE username = ?", (name,)).fetchone():
            raise InvalidInput(f"账户“{name}”已存在。")
        c.execute("INSERT INTO users(username, display_name, role, unit, pw_hash, pw_salt, pw_params, "
                  "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  (name, display, role, unit, h, s, p, now_iso()))
        detail = kind_detail or f"新建账户 {name}（{ROLE_NAMES[role]}{' · ' + unit if unit else ''}）"
        app.log(actor, "account", detail)
    return _user(app, name)


@rule(ADMIN_RULE, what="管理账户")
def update_user(app: App, actor: Actor, username: str, *, role: str | None = None,
                unit: str | None = None, display_name: str | None = None) -> UserInfo:
    old = _user(app, username)
    new_role = role or old.role
    new_unit = _check_role_unit(app, new_role, unit if unit is not None else old.unit)
    display = old.display_name if display_name is None else _clean_display(display_name)
    if old.role == ADMIN and new_role != ADMIN and old.active and _active_admins(app) <= 1:
        raise InvalidInput("这是唯一的管理员账户，不能改为其他角色。")
    with app.store.tx() as c:
        c.execute("UPDATE users SET role = ?, unit = ?, display_name = ? WHERE username = ?",
                  (new_role, new_unit, display, old.username))
        app.log(actor, "account", f"修改账户 {old.username}：{old.role_name}{' · ' + old.unit if old.unit else ''}"
                f" → {ROLE_NAMES[new_role]}{' · ' + new_unit if new_unit else ''}")
    return _user(app, old.username)


@rule(ADMIN_RULE, what="管理账户")
def set_active(app: App, actor: Actor, username: str, active: bool) -> None:
    old = _user(app, username)
    if not active and old.role == ADMIN and old.active and _active_admins(app) <= 1:
        raise InvalidInput("这是唯一的管理员账户，不能停用。")
    with app.store.tx() as c:
        c.execute("UPDATE users SET active = ? WHERE username = ?", (1 if active else 0, old.username))
        app.log(actor, "account", f"{'启用' if active else '停用'}账户 {old.username}")


@rule(ADMIN_RULE, what="解锁账户")
def unlock(app: App, actor: Actor, username: str) -> None:
    old = _user(app, username)
    with app.store.tx() as c:
        c.execute("UPDATE users SET failed = 0, locked_until = '' WHERE username = ?", (old.username,))
        app.log(actor, "account", f"解锁账户 {old.username}")


@rule(ADMIN_RULE, what="重置其他账户的密码")
def reset_password(app: App, actor: Actor, username: str, new_password: str,
                   temporary: bool = True) -> None:
    """An administrator sets a new password (by default the user must change it at next sign-in)."""
    old = _user(app, username)
    check_password(new_password, old.username)
    h, s, p = hash_password(new_password, params={**passwords.KDF_PARAMS, **({"temp": True} if temporary else {})})
    with app.store.tx() as c:
        c.execute("UPDATE users SET pw_hash = ?, pw_salt = ?, pw_params = ?, failed = 0, locked_until = '' "
                  "WHERE username = ?", (h, s, p, old.username))
        app.log(actor, "account", f"重置账户 {old.username} 的密码")


@rule(SIGNED_IN, what="修改自己的密码")
def change_password(app: App, actor: Actor, old_password: str, new_password: str) -> None:
    """A user changes their own password (the old one is required)."""
    row = app.store.one("SELECT * FROM users WHERE username = ?", (actor.username,))
    if row is None:
        raise NotFound("当前登录的账户不存在，不能修改密码。")
    if not verify_password(str(old_password or ""), row["pw_hash"], row["pw_salt"], row["pw_params"]):
        app.log(actor, "password", "修改密码失败：原密码错误")
        raise InvalidInput("原密码不正确。")
    check_password(new_password, actor.username)
    if new_password == old_password:
        raise InvalidInput("新密码不能与原密码相同。")
    h, s, p = hash_password(new_password)
    with app.store.tx() as c:
        c.execute("UPDATE users SET pw_hash = ?, pw_salt = ?, pw_params = ? WHERE username = ?",
                  (h, s, p, actor.username))
        app.log(actor, "password", "修改了自己的密码")


# -- event log (read-only) ----------------------------------------------------------------------
EVENT_KINDS = {"login": "登录", "login_failed": "登录失败", "logout": "退出", "account": "账户管理",
               "password": "修改密码", "review": "审核", "import": "导入",
               "exchange": "数据交换", "export": "导出", "settings": "设置",
               "backup": "备份", "restore": "恢复备份", "demo": "示例数据"}


@rule(ADMIN_RULE, what="查看操作日志")
def event_log(app: App, actor: Actor, kind: str | None = None, text: str = "",
              limit: int = 2000) -> list[dict[str, Any]]:
    """The newest events first (administrators only). There is no function to change it."""
    sql = "SELECT id, at, actor, kind, detail FROM event_log WHERE 1 = 1"
    params: list[Any] = []
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    if text:
        sql += " AND (actor LIKE ? ESCAPE '\\' OR detail LIKE ? ESCAPE '\\')"
        pat = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [pat, pat]
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(int(limit))
    return app.store.query(sql, params)
