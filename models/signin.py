"""Signing in: a user name and password checked, failures counted, accounts locked.

After ``MAX_FAILED`` wrong passwords in a row an account is locked for
``LOCK_MINUTES`` minutes (``users.failed``, ``users.locked_until``). Every sign-in
and failed sign-in is written to the event log. A successful sign-in with weaker
stored hashing parameters re-hashes the password with the current
``passwords.KDF_PARAMS``.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from models import passwords
from models.accounts import _row_info, _typed_name, _user, installation_unit
from models.app import CLERK, REVIEWER, Actor, App
from models.authority import PUBLIC, SIGNED_IN, STARTUP, rule
from models.errors import DomainError, PermissionDenied
from models.passwords import Derive, _derive, _weaker, hash_password, verify_password

MAX_FAILED = 5
LOCK_MINUTES = 15
# The one message for an unknown name, an inactive account and a wrong password: it says
# the rule without counting, so that it does not tell which names exist.
WRONG_MESSAGE = (f"用户名或密码错误。同一账户连续输错{MAX_FAILED}次密码将被锁定{LOCK_MINUTES}分钟。")


@rule(PUBLIC)
class LoginFailed(DomainError):
    """Wrong user name or password (the message does not say which)."""


@rule(PUBLIC)
class AccountLocked(DomainError):
    pass


@rule(STARTUP, why="prepares the key derivation while the password is typed (salt and parameters only)")
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
    return _UNKNOWN_SALT, dict(passwords.KDF_PARAMS)


_UNKNOWN_SALT = b"\0" * 16


@rule(STARTUP, why="signing in")
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
        (derive or _derive)(str(password or ""), _UNKNOWN_SALT, dict(passwords.KDF_PARAMS))
        app.log(who, "login_failed", "未知或已停用的账户")
        raise LoginFailed(WRONG_MESSAGE)
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
        raise LoginFailed(WRONG_MESSAGE)
    info = _row_info(row)
    actor = info.actor()._replace(bureau=installation_unit(app))
    if info.role == REVIEWER or info.role == CLERK:
        inst_unit = installation_unit(app)
        if inst_unit and not (info.role == CLERK and info.unit == inst_unit):
            app.log(actor, "login_failed", f"本机为{inst_unit}的安装，不允许该账户登录")
            raise PermissionDenied(f"本机是{inst_unit}的填报电脑，只有{inst_unit}的填报员和本机管理员可以登录。")
    with app.store.tx() as c:
        c.execute("UPDATE users SET failed = 0, locked_until = '' WHERE username = ?", (name,))
        stored = json.loads(row["pw_params"])  # valid: the password just matched with it
        if _weaker(stored):
            h, s, p = hash_password(str(password), params={**passwords.KDF_PARAMS, **(
                {"temp": True} if stored.get("temp") else {})})
            c.execute("UPDATE users SET pw_hash = ?, pw_salt = ?, pw_params = ? WHERE username = ?",
                      (h, s, p, name))
        app.log(actor, "login", f"{info.role_name}登录")
    return actor


@rule(SIGNED_IN, what="查看自己的账户")
def must_change_password(app: App, actor: Actor) -> bool:
    """True after an administrator reset ``actor``'s password (a new one must be chosen)."""
    return _user(app, actor.username).must_change
