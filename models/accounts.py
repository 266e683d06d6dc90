"""Local accounts: roles, password hashing, sign-in with lockout, administration.

Passwords are hashed with scrypt (standard library) and a per-user salt; the KDF
parameters are stored with each hash (``users.pw_params``) so they can be raised
later: a successful sign-in with weaker stored parameters re-hashes the password
with the current ``KDF_PARAMS``.

After ``MAX_FAILED`` wrong passwords in a row an account is locked for
``LOCK_MINUTES`` minutes (``users.failed``, ``users.locked_until``). Every
sign-in, failed sign-in and account change is written to the event log.

All changing functions take the acting ``Actor`` and check permissions here:
only an administrator manages accounts; everybody may change their own password.
"""

from __future__ import annotations

import json
import os
import threading
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from models.app import ADMIN, CLERK, REVIEWER, ROLE_NAMES, Actor, App
from models.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from models.store import Store, now_iso

# Current password-hashing parameters (scrypt: ~16 MiB of memory, ~50 ms per hash).
# Tests may replace this dict with cheaper parameters; stored hashes keep their own.
KDF_PARAMS: dict[str, Any] = {"alg": "scrypt", "n": 2 ** 14, "r": 8, "p": 1, "dklen": 32}
REAL_KDF_PARAMS: dict[str, Any] = dict(KDF_PARAMS)
MAX_FAILED = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8
MAX_PASSWORD = 128
ROLES = (CLERK, REVIEWER, ADMIN)
# Passwords refused as too easy to guess (besides repeated characters and runs).
_COMMON = {"password", "password1", "passw0rd", "admin123", "admin888", "12345678a", "abc12345",
           "a1234567", "1qaz2wsx", "qwer1234", "woaini1314", "iloveyou", "88888888a", "zhushan123"}


class LoginFailed(DomainError):
    """Wrong user name or password (the message does not say which)."""


class AccountLocked(DomainError):
    pass


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


# -- hashing ---------------------------------------------------------------------------
def hash_password(password: str, salt: bytes | None = None,
                  params: dict[str, Any] | None = None) -> tuple[str, str, str]:
    """(hash hex, salt hex, params JSON) of ``password``."""
    params = dict(params or KDF_PARAMS)
    salt = salt if salt is not None else os.urandom(16)
    digest = _derive(password, salt, params)
    return digest.hex(), salt.hex(), json.dumps(params, sort_keys=True)


def _derive(password: str, salt: bytes, params: dict[str, Any]) -> bytes:
    import hashlib  # loads OpenSSL: not before the sign-in dialog is shown
    pw = unicodedata.normalize("NFC", password).encode("utf-8")
    alg = params.get("alg")
    if alg == "scrypt":
        n, r, p = int(params["n"]), int(params["r"]), int(params["p"])
        return hashlib.scrypt(pw, salt=salt, n=n, r=r, p=p, dklen=int(params.get("dklen", 32)),
                              maxmem=max(64 * 1024 * 1024, 130 * n * r * p))
    if alg == "pbkdf2_sha256":
        return hashlib.pbkdf2_hmac("sha256", pw, salt, int(params["iterations"]),
                                   dklen=int(params.get("dklen", 32)))
    raise ValueError(f"unknown password hashing algorithm: {alg!r}")


Derive = Callable[[str, bytes, dict[str, Any]], bytes]


def verify_password(password: str, pw_hash: str, pw_salt: str, pw_params: str,
                    derive: Derive | None = None) -> bool:
    """Whether ``password`` matches. A damaged stored hash never matches (and never raises).
    ``derive`` replaces the key derivation (a ``KeyDeriver`` that may have it ready)."""
    try:
        params = json.loads(pw_params)
        digest = (derive or _derive)(password, bytes.fromhex(pw_salt), params)
    except (ValueError, KeyError, TypeError, AttributeError, MemoryError):
        return False
    import hmac
    return hmac.compare_digest(digest.hex(), str(pw_hash))


class KeyDeriver:
    """Derives password keys on a worker thread while the sign-in dialog is in use.

    The derivation is deliberately slow (~50 ms). ``start`` begins it for what has been
    typed so far (scrypt releases the interpreter lock, so typing and building the main
    window go on meanwhile); ``derive`` returns the key, at once when the latest started
    input is the one asked for, else after computing it. Only the latest input and its
    key are kept. Whether a password is right is decided by ``authenticate`` alone, with
    the same counting and locking as without this helper.
    """

    def __init__(self, derive: Derive | None = None):
        self._derive = derive or _derive
        self._cond = threading.Condition()
        self._wanted: tuple[str, bytes, str] | None = None
        self._done: tuple[tuple[str, bytes, str], bytes | BaseException] | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    @staticmethod
    def _key(password: str, salt: bytes, params: dict[str, Any]) -> tuple[str, bytes, str]:
        return (password, bytes(salt), json.dumps(params, sort_keys=True))

    def warm_up(self) -> None:
        """Start the worker, which loads the hashing code, before the first key is typed."""
        with self._cond:
            self._ensure_thread()

    def _ensure_thread(self) -> None:
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(target=self._run, name="password-kdf", daemon=True)
            self._thread.start()

    def start(self, password: str, salt: bytes, params: dict[str, Any]) -> None:
        """Begin deriving the key of ``password`` (replacing any input not started yet)."""
        key = self._key(password, salt, params)
        with self._cond:
            if self._closed or (self._done is not None and self._done[0] == key):
                return
            self._wanted = key
            self._ensure_thread()
            self._cond.notify_all()

    def busy(self) -> bool:
        """True while a started derivation has not finished."""
        with self._cond:
            return self._wanted is not None

    def derive(self, password: str, salt: bytes, params: dict[str, Any]) -> bytes:
        """The key of ``password``: the one already derived or being derived, else a new one."""
        key = self._key(password, salt, params)
        with self._cond:
            if not self._closed and self._thread is not None:
                if self._wanted != key and not (self._done is not None and self._done[0] == key):
                    self._wanted = key
                    self._cond.notify_all()
                while not (self._done is not None and self._done[0] == key):
                    if self._wanted != key:  # replaced by a newer input meanwhile
                        break
                    self._cond.wait()
                if self._done is not None and self._done[0] == key:
                    result = self._done[1]
                    if isinstance(result, BaseException):
                        raise result
                    return result
        return self._derive(password, salt, params)

    def _run(self) -> None:
        import hashlib  # noqa: F401 - loads OpenSSL here, not at the first key typed
        while True:
            with self._cond:
                while self._wanted is None and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                key = self._wanted
                assert key is not None
            try:
                result: bytes | BaseException = self._derive(key[0], key[1], json.loads(key[2]))
            except Exception as exc:  # noqa: BLE001 - handed to the caller of derive()
                result = exc
            with self._cond:
                self._done = (key, result)
                if self._wanted == key:
                    self._wanted = None
                self._cond.notify_all()

    def close(self) -> None:
        """Stop the worker and forget the inputs and keys."""
        with self._cond:
            self._closed = True
            self._wanted = None
            self._done = None
            self._cond.notify_all()


def kdf_inputs(app: App, username: str) -> tuple[bytes, dict[str, Any]]:
    """Salt and parameters with which ``authenticate`` will derive the key for ``username``:
    the stored ones of an active account, else those of the stand-in derivation done for
    unknown names (so that a prepared key takes equally long either way)."""
    name = _typed_name(username)
    row = app.store.one("SELECT active, pw_salt, pw_params FROM users WHERE username = ?",
                        (name,)) if name else None
    if row is not None and row["active"]:
        try:
            return bytes.fromhex(row["pw_salt"]), json.loads(row["pw_params"])
        except (ValueError, TypeError):
            pass
    return _UNKNOWN_SALT, dict(KDF_PARAMS)


_UNKNOWN_SALT = b"\0" * 16


def _kdf_only(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k != "temp"}


def _weaker(stored: dict[str, Any]) -> bool:
    """Whether stored parameters are weaker than (or different from) the current ones."""
    return _kdf_only(stored) != _kdf_only(KDF_PARAMS)


# -- validation -------------------------------------------------------------------------
def check_password(password: str, username: str = "") -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidInput(f"密码至少需要{MIN_PASSWORD}个字符。")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"密码最多{MAX_PASSWORD}个字符。")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in password):
        raise InvalidInput("密码中不能含有控制字符。")
    if username and password.strip().lower() == username.strip().lower():
        raise InvalidInput("密码不能与用户名相同。")
    low = password.lower()
    if len(set(low)) <= 2 or low in _COMMON or low in "0123456789012345678909876543210" \
            or low in "abcdefghijklmnopqrstuvwxyz" or low in "qwertyuiopasdfghjklzxcvbnm":
        raise InvalidInput("密码太简单（重复字符、连续数字或常见密码），请换一个不容易被猜到的密码。")


def _typed_name(username: str) -> str:
    """A user name as typed, in the form accounts are stored under (NFKC, trimmed)."""
    return unicodedata.normalize("NFKC", str(username or "")).strip()


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


def has_users(store: Store) -> bool:
    return bool(store.scalar("SELECT COUNT(*) FROM users"))


def users(app: App) -> list[UserInfo]:
    """All accounts (office first, then by unit and name). Reading needs no permission:
    the caller shows it only to administrators."""
    rows = app.store.query(
        "SELECT * FROM users ORDER BY CASE role WHEN 'admin' THEN 0 WHEN 'reviewer' THEN 1 ELSE 2 END, "
        "unit, username")
    return [_row_info(r) for r in rows]


def user(app: App, username: str) -> UserInfo:
    r = app.store.one("SELECT * FROM users WHERE username = ?", (username,))
    if r is None:
        raise NotFound(f"账户“{username}”不存在。")
    return _row_info(r)


def exists(app: App, username: str) -> bool:
    return app.store.scalar("SELECT COUNT(*) FROM users WHERE username = ?", (username,)) == 1


def _active_admins(app: App) -> int:
    return int(app.store.scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1") or 0)


def installation_unit(app: App) -> str | None:
    """The unit of a bureau installation (None on the office's PC). Same rule as
    ``models.exchange.installation``, read directly to keep sign-in light."""
    inst = app.settings.get("installation")
    if isinstance(inst, dict) and inst.get("unit"):
        return str(inst["unit"])
    return None


# -- signing in ----------------------------------------------------------------------------
def authenticate(app: App, username: str, password: str, now: datetime | None = None,
                 derive: Derive | None = None) -> Actor:
    """Check a user name and password; count failures and lock after ``MAX_FAILED``.
    Raises LoginFailed or AccountLocked (Chinese messages); logs both outcomes.
    ``derive``: where the key comes from (a ``KeyDeriver.derive``); the decision is the same."""
    now = now or datetime.now()
    stamp = now.isoformat(timespec="seconds")
    name = _typed_name(username)
    row = app.store.one("SELECT * FROM users WHERE username = ?", (name,)) if name else None
    shown = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cs"))[:64]
    who = Actor(shown or "（空）", CLERK)  # as typed, for the log (bounded, printable)
    if row is None or not row["active"]:
        # Same work and message as a wrong password, so names cannot be probed.
        (derive or _derive)(str(password or ""), _UNKNOWN_SALT, dict(KDF_PARAMS))
        app.log(who, "login_failed", "未知或已停用的账户")
        raise LoginFailed("用户名或密码错误。")
    if row["locked_until"] and row["locked_until"] > stamp:
        app.log(who, "login_failed", "账户已锁定")
        raise AccountLocked(f"密码连续输错{MAX_FAILED}次，账户已锁定到{row['locked_until'][11:16]}；"
                            "请稍后再试，或请管理员解锁。")
    if not verify_password(str(password or ""), row["pw_hash"], row["pw_salt"], row["pw_params"], derive):
        failed = int(row["failed"]) + 1
        if failed >= MAX_FAILED:
            until = (now + timedelta(minutes=LOCK_MINUTES)).isoformat(timespec="seconds")
            with app.store.tx() as c:
                c.execute("UPDATE users SET failed = 0, locked_until = ? WHERE username = ?",
                          (until, name))
                app.log(who, "login_failed", f"密码错误，连续{failed}次，账户锁定{LOCK_MINUTES}分钟")
            raise AccountLocked(f"密码连续输错{MAX_FAILED}次，账户已锁定{LOCK_MINUTES}分钟"
                                f"（到{until[11:16]}）；请稍后再试，或请管理员解锁。")
        with app.store.tx() as c:
            c.execute("UPDATE users SET failed = ? WHERE username = ?", (failed, name))
            app.log(who, "login_failed", f"密码错误（第{failed}次）")
        raise LoginFailed(f"用户名或密码错误。再输错{MAX_FAILED - failed}次，账户将被锁定{LOCK_MINUTES}分钟。")
    info = _row_info(row)
    actor = info.actor()
    if info.role == REVIEWER or info.role == CLERK:
        inst_unit = installation_unit(app)
        if inst_unit and not (info.role == CLERK and info.unit == inst_unit):
            app.log(actor, "login_failed", f"本机为{inst_unit}的安装，不允许该账户登录")
            raise PermissionDenied(f"本机是{inst_unit}的填报电脑，只有{inst_unit}的填报员和本机管理员可以登录。")
    with app.store.tx() as c:
        c.execute("UPDATE users SET failed = 0, locked_until = '' WHERE username = ?", (name,))
        stored = json.loads(row["pw_params"])  # valid: the password just matched with it
        if _weaker(stored):
            h, s, p = hash_password(str(password), params={**KDF_PARAMS, **(
                {"temp": True} if stored.get("temp") else {})})
            c.execute("UPDATE users SET pw_hash = ?, pw_salt = ?, pw_params = ? WHERE username = ?",
                      (h, s, p, name))
        app.log(actor, "login", f"{info.role_name}登录")
    return actor


def must_change_password(app: App, username: str) -> bool:
    """True after an administrator reset the password (the user must choose a new one)."""
    return user(app, username).must_change


# -- administration ---------------------------------------------------------------------------
def create_user(app: App, actor: Actor, username: str, role: str, password: str,
                unit: str | None = None, display_name: str = "") -> UserInfo:
    actor.require_admin("管理账户")
    return _insert_user(app, actor, username, role, password, unit, display_name)


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
    return user(app, name)


def update_user(app: App, actor: Actor, username: str, *, role: str | None = None,
                unit: str | None = None, display_name: str | None = None) -> UserInfo:
    actor.require_admin("管理账户")
    old = user(app, username)
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
    return user(app, old.username)


def set_active(app: App, actor: Actor, username: str, active: bool) -> None:
    actor.require_admin("管理账户")
    old = user(app, username)
    if not active and old.role == ADMIN and old.active and _active_admins(app) <= 1:
        raise InvalidInput("这是唯一的管理员账户，不能停用。")
    with app.store.tx() as c:
        c.execute("UPDATE users SET active = ? WHERE username = ?", (1 if active else 0, old.username))
        app.log(actor, "account", f"{'启用' if active else '停用'}账户 {old.username}")


def unlock(app: App, actor: Actor, username: str) -> None:
    actor.require_admin("解锁账户")
    old = user(app, username)
    with app.store.tx() as c:
        c.execute("UPDATE users SET failed = 0, locked_until = '' WHERE username = ?", (old.username,))
        app.log(actor, "account", f"解锁账户 {old.username}")


def reset_password(app: App, actor: Actor, username: str, new_password: str,
                   temporary: bool = True) -> None:
    """An administrator sets a new password (by default the user must change it at next sign-in)."""
    actor.require_admin("重置其他账户的密码")
    old = user(app, username)
    check_password(new_password, old.username)
    h, s, p = hash_password(new_password, params={**KDF_PARAMS, **({"temp": True} if temporary else {})})
    with app.store.tx() as c:
        c.execute("UPDATE users SET pw_hash = ?, pw_salt = ?, pw_params = ?, failed = 0, locked_until = '' "
                  "WHERE username = ?", (h, s, p, old.username))
        app.log(actor, "account", f"重置账户 {old.username} 的密码")


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


def event_log(app: App, actor: Actor, kind: str | None = None, text: str = "",
              limit: int = 2000) -> list[dict[str, Any]]:
    """The newest events first (administrators only). There is no function to change it."""
    actor.require_admin("查看操作日志")
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
