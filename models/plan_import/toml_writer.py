"""Format-2 plan files as TOML text, in a stable order, readable by a person.

``write_toml(raw)`` writes the dict ``DraftPlan.to_raw()`` makes: scalars of a table
first, then its sub-tables (``[plan.words]``), then its arrays of tables
(``[[actions]]``, ``[[actions.tasks]]``, ``[[actions.tasks.subtasks]]``). ``targets``
are written as an array of inline tables, one per line, like the hand-written plan
files. Long or multi-line texts (the plan's verbatim words) are multi-line literal
strings (``'''…'''``, nothing escaped) when their characters allow it, else basic
strings with escapes. ``tomllib.loads(write_toml(raw)) == raw`` (tests).

``comments`` maps an entry's code (``1.2``, ``I02``, ``unit:<name>``) to lines written
as ``#`` comments above that entry (the review items), so that someone opening the
file sees what to check where.
"""

from __future__ import annotations

import math
import re
from typing import Any

INLINE_ARRAYS = ("targets",)
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def write_toml(raw: dict[str, Any], header: list[str] | None = None,
               comments: dict[str, list[str]] | None = None) -> str:
    out: list[str] = [f"# {_one_line(h)}" if h else "#" for h in (header or [])]
    if out:
        out.append("")
    _table(out, [], raw, dict(comments or {}))
    text = "\n".join(out).rstrip("\n") + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)


def _table(out: list[str], path: list[str], table: dict[str, Any], comments: dict[str, list[str]]) -> None:
    subtables = []
    arrays = []
    for key, value in table.items():
        if isinstance(value, dict):
            subtables.append((key, value))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value) \
                and key not in INLINE_ARRAYS:
            arrays.append((key, value))
        else:
            out.append(f"{_key(key)} = {_value(value, top=True)}")
    for key, value in subtables:
        out.append("")
        out.append(f"[{'.'.join(_key(k) for k in [*path, key])}]")
        _table(out, [*path, key], value, comments)
    for key, items in arrays:
        for item in items:
            out.append("")
            ref = str(item.get("code", "")) or (f"unit:{item['name']}" if "name" in item and path == [] else "")
            for line in comments.pop(ref, []):  # once: an indicator and its only part share a code
                out.append(f"# {_one_line(line)}")
            out.append(f"[[{'.'.join(_key(k) for k in [*path, key])}]]")
            _table(out, [*path, key], item, comments)


def _one_line(text: str) -> str:
    """Text fit for a ``#`` comment: one line, no control characters."""
    return _CONTROL.sub("", re.sub(r"\s*[\r\n]\s*", " ", text)).strip()


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _basic(key)


def _value(value: Any, top: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("计划文件不能写入非有限数值")
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, str):
        return _string(value) if top else _basic(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, dict) for v in value):
            return "[\n" + "".join(f"  {_value(v)},\n" for v in value) + "]"
        if not value:
            return "[]"
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _string(text: str) -> str:
    """A top-level string: multi-line literal for long or multi-line text when safe."""
    if ("\n" in text or len(text) > 100) and _literal_ok(text):
        return "'''\n" + text + "'''"
    return _basic(text)


def _literal_ok(text: str) -> bool:
    return ("'''" not in text and not _CONTROL.search(text) and "\r" not in text
            and not text.endswith("'") and not text.startswith("\n"))


def _basic(text: str) -> str:
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif _CONTROL.match(ch):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
