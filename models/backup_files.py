"""Evidence files in backups: a backup of the database is only whole with the files it refers to.

Backups of a database share one pool of files, named by hash like the evidence folder
itself: ``backups/attachments/<database name>/ab/abcdef…``. A backup copies into the pool
every file its database copy refers to before the copy gets its real name (so a backup
that exists has its files); pruning old backups removes pool files no remaining backup
refers to; a restore copies the restored database's files back into the evidence
folder, each checked against its hash, and names any that cannot be found.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from models.attachment_store import FOLDER, BlobStore, attachments_dir
from models.authority import INTERNAL, rule


@rule(INTERNAL, why="a step of backing up or restoring, after its own rule")
def pool(backup_folder: Path, db_path: Path) -> BlobStore:
    """The shared pool of files of the backups of the database at ``db_path``."""
    return BlobStore(backup_folder / FOLDER / db_path.stem)


@rule(INTERNAL, why="a step of backing up or restoring, after its own rule")
def referenced(conn: sqlite3.Connection) -> dict[str, str]:
    """{hash: file name} of every stored file the database refers to (attachments not
    removed, and kept original photos); empty for a database without attachments."""
    try:
        rows = conn.execute("SELECT sha256, original_sha256, name FROM attachments WHERE removed_at = ''").fetchall()
    except sqlite3.Error:
        return {}  # older database (no attachments table) or not readable
    out: dict[str, str] = {}
    for sha, original, name in rows:
        out[sha] = name
        if original:
            out[original] = name
    return out


@rule(INTERNAL, why="a step of backing up or restoring, after its own rule")
def save_files(copy: Path, db_path: Path, target: BlobStore) -> None:
    """Copy the files the database copy at ``copy`` refers to from the evidence folder
    of ``db_path`` into ``target`` (files missing or damaged in the folder are skipped:
    the backup cannot hold what the database no longer has)."""
    conn = sqlite3.connect(str(copy))
    try:
        wanted = referenced(conn)
    finally:
        conn.close()
    live = BlobStore.for_db(db_path)
    for sha in wanted:
        live.copy_to(target, sha)


@rule(INTERNAL, why="a step of backing up or restoring, after its own rule")
def prune_pool(backups: list[Path], target: BlobStore) -> int:
    """Remove pool files that none of ``backups`` refers to. Nothing is removed when a
    backup cannot be read (its references are unknown). Returns how many were removed."""
    keep: set[str] = set()
    for b in backups:
        try:
            conn = sqlite3.connect(b.resolve().as_uri() + "?mode=ro", uri=True)
        except sqlite3.Error:
            return 0
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            keep.update(referenced(conn))
        except sqlite3.Error:
            return 0
        finally:
            conn.close()
    removed = 0
    for sha in list(target.shas()):
        if sha not in keep:
            target.remove(sha)
            removed += 1
    return removed


@rule(INTERNAL, why="a step of backing up or restoring, after its own rule")
def bring_back(db_path: Path, source: BlobStore) -> list[str]:
    """After a restore: put every file the restored database refers to back into its
    evidence folder. Returns the names of files found neither there nor in ``source``."""
    conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        wanted = referenced(conn)
    finally:
        conn.close()
    live = BlobStore(attachments_dir(db_path))
    missing = []
    for sha, name in wanted.items():
        if live.has(sha) and live.verify(sha):
            continue
        if not source.copy_to(live, sha):
            missing.append(name)
    return missing
