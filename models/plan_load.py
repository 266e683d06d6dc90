"""Reading a plan file: its bytes, their digest, TOML, and a cache of the parsed data.

``load_plan`` reads the file (the bundled plan when no path is given), hashes it,
parses the TOML (or reuses the cached parse for the same digest) and hands the data
to ``models/plan_parse.parse_plan``, which checks it and builds the ``Plan``. A file
that cannot be read, is not UTF-8 or is not TOML raises ``PlanError`` with a Chinese
message.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from models.authority import PUBLIC, rule
from models.os_reasons import os_reason
from models.plan import Plan, PlanError
from models.plan_parse import parse_plan

DEFAULT_PLAN = Path(__file__).resolve().parent.parent / "resources" / "plan" / "zhushan.toml"


@rule(PUBLIC)
def load_plan(path: str | Path | None = None, cache_dir: str | Path | None = None) -> Plan:
    """Read and validate a plan file. Raises PlanError naming every problem.

    With ``cache_dir`` the parsed file is kept there as JSON, named by the SHA-256 of
    the file's bytes, and reused while the file is unchanged: reading TOML is the
    slow part of loading, and the desktop program loads the plan on every start. The
    cached data is validated exactly like freshly parsed data."""
    p = Path(path) if path else DEFAULT_PLAN
    try:
        data_bytes = p.read_bytes()
    except OSError as exc:
        raise PlanError(str(p), [f"无法读取文件：{os_reason(exc)}"]) from None
    return load_plan_bytes(data_bytes, str(p), cache_dir)


@rule(PUBLIC)
def load_plan_bytes(data_bytes: bytes, where: str, cache_dir: str | Path | None = None) -> Plan:
    """A plan from the bytes of a plan file (a file, or the text a database keeps);
    ``where`` names it in messages. Raises PlanError naming every problem."""
    digest = sha256_hex(data_bytes)
    text = _decode(where, data_bytes)
    cache = Path(cache_dir) / f"plan-{digest}.json" if cache_dir is not None else None
    raw = _read_cache(cache, digest) if cache is not None else None
    if raw is None:
        raw = _parse_toml(where, text)
        if cache is not None:
            _write_cache(cache, digest, raw)
    return parse_plan(raw, where, digest, source=text)


@rule(PUBLIC)
def sha256_hex(data: bytes) -> str:
    """SHA-256 of ``data`` in hex. Uses CPython's built-in SHA-256 where it has one:
    hashlib's OpenSSL back end takes a few milliseconds to load, and the plan is
    hashed on every start before the first window (the password check loads it later,
    while the user types). Same digest either way."""
    try:
        from _sha256 import sha256  # CPython 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[no-redef, unused-ignore]  # CPython 3.12+
        except ImportError:
            from hashlib import sha256  # type: ignore[no-redef, unused-ignore]
    return sha256(data).hexdigest()


def _decode(where: str, data_bytes: bytes) -> str:
    try:
        return data_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanError(where, [f"不是 UTF-8 编码的文本（第 {exc.start} 字节附近）"]) from None


def _parse_toml(where: str, text: str) -> dict[str, Any]:
    import tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(where, [f"格式错误：{exc}"]) from None
    except RecursionError:
        raise PlanError(where, ["格式错误：表或数组嵌套层次过深"]) from None


def _read_cache(cache: Path, digest: str) -> dict[str, Any] | None:
    """The parsed plan stored for ``digest``, or None (missing, unreadable or not ours)."""
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(stored, dict) and stored.get("sha256") == digest and isinstance(stored.get("plan"), dict):
        return stored["plan"]
    return None


def _write_cache(cache: Path, digest: str, raw: dict[str, Any]) -> None:
    """Store the parsed plan (only when JSON holds it exactly). A cache that cannot be
    written is no error: the plan is simply parsed again next time."""
    from models.atomic_write import WriteFailed, write_text
    try:
        text = json.dumps({"sha256": digest, "plan": raw}, ensure_ascii=False)
        if json.loads(text)["plan"] != raw:
            return  # TOML dates or similar: keep parsing the file
        write_text(cache, text)
        for old in cache.parent.glob("plan-*.json"):
            if old != cache:
                old.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError, RecursionError, WriteFailed):
        return
