"""Font files: the Windows fonts folder and the family name stored in a font file.

Light on purpose (no reportlab, no Qt): the interface reads the family name of
Microsoft YaHei (``msyh.ttc``) while the program starts.
"""

from __future__ import annotations

from models.authority import PUBLIC, rule
import os
import struct
from pathlib import Path

__all__ = ["windows_fonts_dir", "family_name"]

_WINDOWS_PLATFORM, _UNICODE_BMP, _MAC_PLATFORM = 3, 1, 1
_FAMILY = 1  # nameID of the (legacy) family name, the one Windows lists
_US_ENGLISH = 0x0409


@rule(PUBLIC)
def windows_fonts_dir() -> Path | None:
    """``%WINDIR%\\Fonts`` when it exists, else None (not Windows)."""
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if not windir:
        return None
    d = Path(windir) / "Fonts"
    return d if d.is_dir() else None


@rule(PUBLIC)
def family_name(path: str | Path, index: int = 0) -> str | None:
    """The family name in a TrueType/OpenType file (font ``index`` of a collection, .ttc),
    as Windows lists it (the US English name where there is one); None when the file is not
    a font or has no family name."""
    try:
        with open(path, "rb") as f:
            return _family(f.read(1 << 16), f, index)
    except (OSError, struct.error, ValueError, UnicodeDecodeError):
        return None


def _family(head: bytes, f: object, index: int) -> str | None:
    def read(offset: int, size: int) -> bytes:
        if offset + size <= len(head):
            return head[offset:offset + size]
        f.seek(offset)  # type: ignore[attr-defined]
        data: bytes = f.read(size)  # type: ignore[attr-defined]
        if len(data) != size:
            raise ValueError("truncated font file")
        return data

    start = 0
    if read(0, 4) == b"ttcf":
        count = struct.unpack(">I", read(8, 4))[0]
        if not 0 <= index < count:
            return None
        start = struct.unpack(">I", read(12 + 4 * index, 4))[0]
    elif index != 0:
        return None
    tables = struct.unpack(">H", read(start + 4, 2))[0]
    name_at = None
    for i in range(tables):
        tag, _, offset, _ = struct.unpack(">4sIII", read(start + 12 + 16 * i, 16))
        if tag == b"name":
            name_at = offset
            break
    if name_at is None:
        return None
    _, count, strings = struct.unpack(">HHH", read(name_at, 6))
    found: dict[int, str] = {}
    for i in range(count):
        platform, encoding, language, name_id, length, offset = struct.unpack(
            ">HHHHHH", read(name_at + 6 + 12 * i, 12))
        if name_id != _FAMILY:
            continue
        raw = read(name_at + strings + offset, length)
        if platform == _WINDOWS_PLATFORM and encoding in (0, _UNICODE_BMP):
            rank = 0 if language == _US_ENGLISH else 1
            found.setdefault(rank, raw.decode("utf-16-be"))
        elif platform == _MAC_PLATFORM and encoding == 0:
            found.setdefault(2, raw.decode("latin-1"))
    return found[min(found)].strip() if found else None
