"""Frozen dataclasses to JSON and back, exactly.

``encode(value)`` turns a dataclass or named tuple (fields of str, int, float, bool,
None, nested records, tuples of those) into plain JSON data; ``decode(cls, data)`` rebuilds it from
the type hints of ``cls``. Fields whose metadata says ``{"json": False}`` are left out
(``decode`` then needs them as keyword arguments). Floats are written with ``repr``
(shortest exact form), so ``decode(cls, encode(v)) == v`` and encoding the result again
gives the same text: what a stored issue needs to be rebuilt byte for byte.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from typing import Any, TypeVar, Union

from models.authority import module_rule, PUBLIC

__authority__ = module_rule(PUBLIC, why="turns records into JSON text and back; reads no data")

T = TypeVar("T")


class CodecError(ValueError):
    """The JSON does not describe a value of the expected type."""


def _is_named_tuple(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields")


def encode(value: Any) -> Any:
    """Plain JSON data (dicts, lists, strings, numbers) for a dataclass or named tuple value."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.metadata.get("json", True)}
    if _is_named_tuple(type(value)):
        return {name: encode(v) for name, v in zip(value._fields, value, strict=True)}
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise CodecError(f"cannot encode {type(value).__name__}")


def dumps(value: Any) -> str:
    """Canonical JSON text: keys in field order, no spaces, Chinese kept as is."""
    return json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def decode(tp: Any, data: Any, **extra: Any) -> Any:
    """The value of type ``tp`` described by ``data`` (``extra``: fields left out of JSON)."""
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(data, dict):
            raise CodecError(f"{tp.__name__}: expected an object")
        hints = _hints(tp)
        kwargs: dict[str, Any] = dict(extra)
        for f in dataclasses.fields(tp):
            if not f.metadata.get("json", True):
                continue
            if f.name not in data:
                if f.default is not dataclasses.MISSING:  # a field added later: its default
                    continue
                raise CodecError(f"{tp.__name__}: missing field {f.name}")
            kwargs[f.name] = decode(hints[f.name], data[f.name])
        return tp(**kwargs)
    if _is_named_tuple(tp):
        if not isinstance(data, dict):
            raise CodecError(f"{tp.__name__}: expected an object")
        hints = _hints(tp)
        missing = [n for n in tp._fields if n not in data]
        if missing:
            raise CodecError(f"{tp.__name__}: missing field {missing[0]}")
        return tp(**{n: decode(hints[n], data[n]) for n in tp._fields})
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        if data is None and type(None) in args:
            return None
        for a in args:
            if a is type(None):
                continue
            try:
                return decode(a, data)
            except CodecError:
                continue
        raise CodecError(f"no alternative of {tp} fits {type(data).__name__}")
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(data, list):
            raise CodecError("expected a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], v) for v in data)
        if len(args) != len(data):
            raise CodecError("tuple of the wrong length")
        return tuple(decode(a, v) for a, v in zip(args, data, strict=True))
    if tp is Any:
        return data
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise CodecError("expected a number")
        return data  # an int stays an int, so that encoding again gives the same text
    if tp in (str, int, bool):
        if not isinstance(data, tp) or (tp is int and isinstance(data, bool)):
            raise CodecError(f"expected {tp.__name__}")
        return data
    if tp is type(None):
        if data is not None:
            raise CodecError("expected null")
        return None
    raise CodecError(f"cannot decode {tp}")


def loads(cls: type[T], text: str, **extra: Any) -> T:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CodecError(f"not JSON: {exc}") from None
    return typing.cast(T, decode(cls, data, **extra))
