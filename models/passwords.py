"""Passwords: hashing, keys derived ahead of signing in, and the rules a new password meets.

Passwords are hashed with scrypt (standard library) and a per-user salt; the KDF
parameters are stored with each hash (``users.pw_params``) so they can be raised
later: a successful sign-in with weaker stored parameters re-hashes the password
with the current ``KDF_PARAMS`` (see ``models.signin``). Nothing here reads or
writes the database.
"""

from __future__ import annotations

import json
import os
import threading
import unicodedata
from collections.abc import Callable
from typing import Any

from models.authority import PUBLIC, rule
from models.errors import InvalidInput

# Current password-hashing parameters (scrypt: ~16 MiB of memory, ~50 ms per hash).
# Tests may replace this dict with cheaper parameters; stored hashes keep their own.
KDF_PARAMS: dict[str, Any] = {"alg": "scrypt", "n": 2 ** 14, "r": 8, "p": 1, "dklen": 32}
REAL_KDF_PARAMS: dict[str, Any] = dict(KDF_PARAMS)
MIN_PASSWORD = 8
MAX_PASSWORD = 128
# Passwords refused as too easy to guess (besides repeated characters and runs).
_COMMON = {"password", "password1", "passw0rd", "admin123", "admin888", "12345678a", "abc12345",
           "a1234567", "1qaz2wsx", "qwer1234", "woaini1314", "iloveyou", "88888888a", "zhushan123"}


# -- hashing ---------------------------------------------------------------------------
@rule(PUBLIC)
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


@rule(PUBLIC)
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


@rule(PUBLIC)
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



def _kdf_only(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k != "temp"}


def _weaker(stored: dict[str, Any]) -> bool:
    """Whether stored parameters are weaker than (or different from) the current ones."""
    return _kdf_only(stored) != _kdf_only(KDF_PARAMS)


# -- validation -------------------------------------------------------------------------
@rule(PUBLIC)
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
