"""Damaged and hostile packages: random byte flips, truncations and re-signed malformed content.

Importing must never crash (only DomainError subclasses escape) and a refused package must
leave the database exactly as it was.
"""

from __future__ import annotations

import json
import random
import zipfile
from pathlib import Path
from typing import Any

from models.errors import DomainError
from models.exchange import import_package
from models.exchange_export import export_decisions, export_package
from tests.test_exchange import (MONTH, OFFICE, UNIT, clerk, dump, fill, key_of, new_bureau, new_office,
                                 rewrite)

SEED = 20260324


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    how = rng.randrange(5)
    if how == 0:  # flip a few bytes anywhere
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(b))
            b[i] ^= rng.randint(1, 255)
    elif how == 1:  # truncate
        b = b[:rng.randrange(len(b))]
    elif how == 2:  # flip one byte near the end (central directory, end record)
        i = len(b) - 1 - rng.randrange(min(len(b), 200))
        b[i] ^= rng.randint(1, 255)
    elif how == 3:  # insert junk
        i = rng.randrange(len(b))
        b[i:i] = rng.randbytes(rng.randint(1, 16))
    else:  # overwrite a run of bytes
        i = rng.randrange(len(b))
        b[i:i + 8] = rng.randbytes(8)
    return bytes(b)


def test_byte_flips_and_truncations(tmp_path: Path) -> None:
    office = new_office(tmp_path)
    bureau = new_bureau(office, tmp_path)
    try:
        fill(bureau, submit=True)
        pkg = export_package(bureau, clerk(), MONTH, tmp_path / "p.zsp")
        import_package(office, OFFICE, pkg)  # a mutation that still reads as the same package is a no-op
        dec = export_decisions(office, OFFICE, UNIT, tmp_path / "d.zsp")
        import_package(bureau, clerk(), dec)
        sources = [(pkg.read_bytes(), office, OFFICE), (dec.read_bytes(), bureau, clerk())]
        before = [dump(office.store.path), dump(bureau.store.path)]
        rng = random.Random(SEED)
        rejected = survived = 0
        for i in range(240):
            data, app, actor = sources[i % 2]
            f = tmp_path / "fuzz" / f"{i}.zsp"
            f.parent.mkdir(exist_ok=True)
            f.write_bytes(_mutate_bytes(data, rng))
            try:
                res = import_package(app, actor, f)
            except DomainError as exc:
                assert str(exc)  # a message for the user
                rejected += 1
            else:
                assert not res.changes and not res.conflicts
                survived += 1
        assert rejected + survived == 240 and rejected >= 200
        assert [dump(office.store.path), dump(bureau.store.path)] == before
    finally:
        bureau.close()
        office.close()


_ODD_VALUES: list[Any] = [None, 0, -1, 1e308, "", "x" * 300, [], {}, True, "2026-13", "区发改委", [{}]]


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _set(obj: Any, path: tuple[Any, ...], value: Any, delete: bool) -> None:
    for k in path[:-1]:
        obj = obj[k]
    if delete and isinstance(obj, dict):
        del obj[path[-1]]
    elif delete and isinstance(obj, list):
        obj.pop(path[-1])
    else:
        obj[path[-1]] = value


def test_resigned_malformed_content(tmp_path: Path) -> None:
    """Well-signed packages with odd content (as a tampered unit PC could send) never crash, and
    a refused one changes nothing."""
    office = new_office(tmp_path)
    bureau = new_bureau(office, tmp_path)
    try:
        fill(bureau)
        pkg = export_package(bureau, clerk(), MONTH, tmp_path / "p.zsp")
        with zipfile.ZipFile(pkg) as z:
            content = json.loads(z.read("content.json"))
        key = key_of(office)
        paths = _paths(content)
        rng = random.Random(SEED + 1)
        odd = tmp_path / "odd"
        odd.mkdir()
        refused = 0
        for i in range(60):
            c = json.loads(json.dumps(content))
            for _ in range(rng.randint(1, 3)):
                p = rng.choice(paths)
                try:
                    _set(c, p, rng.choice(_ODD_VALUES), delete=rng.random() < 0.2)
                except (KeyError, IndexError, TypeError):
                    continue
            f = rewrite(pkg, odd / f"{i}.zsp", content=c, key=key,
                        manifest={"created_at": f"2026-04-01T00:00:{i:02d}"})
            before = dump(office.store.path)
            try:
                import_package(office, OFFICE, f)
            except DomainError:
                refused += 1
                assert dump(office.store.path) == before
        assert refused >= 30
    finally:
        bureau.close()
        office.close()
