"""The folder of evidence files beside the database, addressed by content.

Each file is stored once, named by the SHA-256 of its bytes:
``<database folder>/attachments/<database name>/ab/abcdef…`` (the first two hex digits
make a subfolder, so no folder holds more than a few hundred files). A file is written
under a temporary name, flushed to disk and renamed (``models.atomic_write``), so a
power cut never leaves half a file under a real name; every read hashes the bytes again
and refuses a file that no longer matches its name. The database refers to files by
their hash; the same file attached twice, or sent again in a package, is stored once.

Backups keep their own pool the same way (``backups/attachments/<database name>/``),
shared by all backups of the database (``models.backup``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from models.atomic_write import atomic_path
from models.authority import INTERNAL, PUBLIC, rule
from models.errors import DomainError

FOLDER = "attachments"
_HEX = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


class BlobMissing(DomainError):
    """A stored evidence file is missing from the folder."""


class BlobDamaged(DomainError):
    """A stored evidence file no longer matches its hash."""


@rule(PUBLIC)
def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@rule(PUBLIC)
def is_sha256(value: object) -> bool:
    return isinstance(value, str) and bool(_HEX.match(value))


@rule(PUBLIC)
def attachments_dir(db_path: str | Path) -> Path:
    """The evidence folder of the database at ``db_path``."""
    p = Path(db_path)
    return p.resolve().parent / FOLDER / p.stem


@rule(INTERNAL, why="the files of every unit, read and written by the services after their own rule")
class BlobStore:
    """Files named by their SHA-256 under ``root``."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    @classmethod
    def for_db(cls, db_path: str | Path) -> BlobStore:
        return cls(attachments_dir(db_path))

    def path(self, sha: str) -> Path:
        if not is_sha256(sha):
            raise ValueError(f"not a SHA-256: {sha!r}")
        return self.root / sha[:2] / sha

    def has(self, sha: str, size: int | None = None) -> bool:
        """The file is present (and of ``size`` bytes when given); not hashed."""
        try:
            st = self.path(sha).stat()
        except OSError:
            return False
        return size is None or st.st_size == size

    def verify(self, sha: str) -> bool:
        """The file is present and its bytes hash to its name."""
        p = self.path(sha)
        h = hashlib.sha256()
        try:
            with open(p, "rb") as f:
                while chunk := f.read(_CHUNK):
                    h.update(chunk)
        except OSError:
            return False
        return h.hexdigest() == sha

    def put(self, data: bytes, sha: str | None = None) -> str:
        """Store ``data`` (written once: an intact file of the same hash is kept). Returns its hash."""
        digest = sha256_of(data)
        if sha is not None and sha != digest:
            raise BlobDamaged("佐证材料的内容与其校验值不符，未保存。")
        if self.has(digest, len(data)) and self.verify(digest):
            return digest
        with atomic_path(self.path(digest)) as tmp:
            with open(tmp, "wb") as f:
                f.write(data)
        return digest

    def read(self, sha: str, name: str = "") -> bytes:
        """The file's bytes, checked against the hash; BlobMissing / BlobDamaged otherwise."""
        label = f"“{name}”" if name else ""
        try:
            data = self.path(sha).read_bytes()
        except OSError:
            raise BlobMissing(f"佐证材料{label}的文件不在佐证材料文件夹中（{self.root}），"
                              "可能被删除或移动；可从备份中恢复。") from None
        if sha256_of(data) != sha:
            raise BlobDamaged(f"佐证材料{label}的文件已损坏（内容与校验值不符），不能使用；可从备份中恢复。")
        return data

    def remove(self, sha: str) -> None:
        try:
            self.path(sha).unlink(missing_ok=True)
        except OSError:
            pass  # held open by a viewer on Windows: left behind, harmless

    def copy_to(self, other: BlobStore, sha: str) -> bool:
        """Copy one file into ``other`` when it is missing there and intact here."""
        if other.has(sha) and other.verify(sha):
            return False
        try:
            data = self.read(sha)
        except DomainError:
            return False
        other.put(data, sha)
        return True

    def shas(self) -> Iterator[str]:
        """Hashes of the files stored (by name; not verified)."""
        if not self.root.is_dir():
            return
        for sub in self.root.iterdir():
            if sub.is_dir() and len(sub.name) == 2:
                for f in sub.iterdir():
                    if is_sha256(f.name) and f.name[:2] == sub.name:
                        yield f.name
