"""Writing an output file safely: every file the program produces (ledger, template,
briefing, exchange packages, installation file, audit export, backup, plan copies) is
written under a temporary name in the target's folder, flushed to disk, and renamed over
the target only when complete. A failure leaves no file behind and the old file as it was.

Windows refuses to replace a file that another program holds open (Excel and WPS keep the
workbook they show open; so may a PDF reader). The rename then fails with a sharing
violation, reported here as a Chinese message asking to close the file and try again. Short
retries cover the moment an anti-virus scanner or the search indexer holds a new file.

Usage::

    with atomic_path(target) as tmp:    # a fresh empty file in the same folder
        workbook.save(tmp)              # write it completely, by path
    write_bytes(target, data)           # the same for bytes in memory

When the output goes with database work (an export that is logged, an issue number that
is recorded), the file must appear only if that work commits too::

    with staged_output(target) as out:  # out.tmp: the temporary file
        workbook.save(out.tmp)
        with store.tx():                # the database work
            log(...)
            out.place()                 # renamed into place inside the transaction
    # a failed COMMIT (disk full, a locked database) removes the placed file again and
    # puts back the file it replaced; nothing is left and nothing is logged as done
"""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from models.authority import PUBLIC, rule
from models.errors import DomainError

__all__ = ["FileInUse", "WriteFailed", "atomic_path", "staged_output", "Staged", "write_bytes", "write_text",
           "replace_file", "write_error", "TEMP_SUFFIX"]

TEMP_SUFFIX = ".part"
# Windows error codes: access denied (also given for a file open elsewhere), sharing and
# lock violations. Retried for up to about half a second before reporting.
_WIN_BUSY = {5, 32, 33}
_RETRIES = 6
_RETRY_PAUSE = 0.08


@rule(PUBLIC)
class WriteFailed(DomainError):
    """A file could not be written; the message says which, why and what to do."""


@rule(PUBLIC)
class FileInUse(WriteFailed):
    """The target is held open by another program (Windows), or is read-only."""


def _is_windows() -> bool:
    return sys.platform == "win32"


@rule(PUBLIC)
def write_error(exc: OSError, target: Path, replacing: bool = False) -> WriteFailed:
    """A Chinese message for an operating-system error while writing ``target``
    (``replacing``: while renaming the finished temporary file over it)."""
    winerror = getattr(exc, "winerror", None)
    if winerror in (32, 33) or (replacing and isinstance(exc, PermissionError)):
        return FileInUse(f"无法保存“{target.name}”：文件正被其他程序打开（例如 Excel、WPS 或 PDF 阅读器），"
                         f"或是只读文件。请关闭后重试。原有文件未改动（位置：{target.parent}）。")
    if isinstance(exc, PermissionError):
        return WriteFailed(f"没有权限在文件夹 {target.parent} 中保存文件，请换一个位置保存。")
    if exc.errno == errno.ENOSPC or winerror in (39, 112):
        return WriteFailed(f"磁盘空间不足，无法保存 {target}。请清理磁盘后重试，原有文件未改动。")
    if isinstance(exc, FileNotFoundError) or winerror in (3, 21):
        return WriteFailed(f"文件夹不存在或无法访问：{target.parent}（U 盘或网络盘是否已断开？）")
    return WriteFailed(f"无法写入文件 {target}：{exc.strerror or exc}")


def _temp_name(target: Path) -> Path:
    """A new empty file beside ``target`` (same folder, so the rename stays on one disk).
    Created with the usual permissions (not mkstemp's owner-only ones)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    stem = target.name[:60]
    for _ in range(100):
        tmp = target.with_name(f"~{stem}.{os.urandom(4).hex()}{TEMP_SUFFIX}")
        try:
            os.close(os.open(tmp, flags, 0o666))
            return tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "无法创建临时文件", str(target.parent))


def _flush_to_disk(path: Path) -> None:
    """Make the content durable before it replaces the old file (a power cut after the
    rename must not leave an empty file). Windows needs a writable handle for this."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _flush_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no handle for folders here)."""
    if _is_windows():
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@rule(PUBLIC)
def replace_file(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` over ``target``. On Windows a file held open briefly (a virus
    scanner) is retried; one held open by a program (Excel) fails with PermissionError."""
    for attempt in range(_RETRIES):
        try:
            os.replace(tmp, target)
            return
        except PermissionError as exc:
            busy = _is_windows() and getattr(exc, "winerror", None) in _WIN_BUSY
            if not busy or attempt == _RETRIES - 1:
                raise
        time.sleep(_RETRY_PAUSE)


def _remove(tmp: Path) -> None:
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        pass  # still held by a failed writer on Windows; the name marks it as a leftover


@rule(PUBLIC)
@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` (its folder is created when missing) to
    write completely; on leaving the block
    it is flushed and renamed over ``target``. On any error the temporary file is removed,
    ``target`` is untouched, and an OSError becomes a WriteFailed with a Chinese message.
    The writer must have closed the file when the block ends."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = _temp_name(target)
    except OSError as exc:
        raise write_error(exc, target) from None
    try:
        try:
            yield tmp
            _flush_to_disk(tmp)
        except OSError as exc:
            raise write_error(exc, target) from None
        try:
            replace_file(tmp, target)
        except OSError as exc:
            raise write_error(exc, target, replacing=True) from None
        _flush_folder(target.parent)
    finally:
        _remove(tmp)


@rule(PUBLIC)
class Staged:
    """An output written under a temporary name (``tmp``), placed over ``target`` by ``place``."""

    def __init__(self, target: Path, tmp: Path):
        self.target = target
        self.tmp = tmp
        self.placed = False
        self._kept: Path | None = None  # a second name of the replaced file, until the work commits

    def save(self, data: bytes) -> None:
        """Write the whole output (``data``) to the temporary file."""
        with self.tmp.open("wb") as f:
            f.write(data)

    def place(self) -> None:
        """Flush the finished temporary file and rename it over the target. The replaced
        file keeps a second name until the surrounding work has committed, so that a failed
        COMMIT can put it back: a hard link where the disk has them; on Windows the old file
        is renamed aside instead (see ``_keep_old``)."""
        if self.placed:
            return
        try:
            _flush_to_disk(self.tmp)
            self._keep_old()
            replace_file(self.tmp, self.target)
        except OSError as exc:
            self._put_back()
            raise write_error(exc, self.target, replacing=True) from None
        self.placed = True
        _flush_folder(self.target.parent)

    def _keep_old(self) -> None:
        if not self.target.exists():
            return
        kept = self.target.with_name(f"~{self.target.name[:60]}.{os.urandom(4).hex()}.old")
        if _is_windows():
            # Windows does make a hard link to a file that Excel holds open, but then can
            # neither replace that file nor remove the link again (it would stay in the
            # user's folder). Renaming the held file fails at once, changing nothing.
            replace_file(self.target, kept)
            self._kept = kept
            return
        try:
            os.link(self.target, kept)
            self._kept = kept
        except OSError:
            self._kept = None  # no hard links here (FAT): a failed COMMIT leaves no file at all

    def _put_back(self) -> None:
        """The new file was not placed: an old file renamed aside returns to its name; a
        second name (hard link) is dropped."""
        if self._kept is not None and not self.target.exists():
            try:
                replace_file(self._kept, self.target)
            except OSError:
                return  # still under its ~…old name beside the target: nothing is lost
            self._kept = None
            return
        self._drop_kept()

    def _drop_kept(self) -> None:
        if self._kept is not None:
            _remove(self._kept)
            self._kept = None

    def undo(self) -> None:
        """The work failed: no new file; the replaced one, if any, back in place."""
        _remove(self.tmp)
        if self.placed:
            self.placed = False
            if self._kept is not None:
                try:
                    replace_file(self._kept, self.target)
                    self._kept = None
                except OSError:
                    _remove(self.target)
            else:
                _remove(self.target)
        self._drop_kept()

    def done(self) -> None:
        _remove(self.tmp)
        self._drop_kept()


@rule(PUBLIC)
@contextmanager
def staged_output(target: str | Path) -> Iterator[Staged]:
    """Yield a ``Staged`` output for ``target`` (see the module's docstring): the file is
    written to ``out.tmp``, placed by ``out.place()`` inside the database work (or at the end
    of the block when not placed by then), and removed again if anything in the block fails."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = Staged(target, _temp_name(target))
    except OSError as exc:
        raise write_error(exc, target) from None
    try:
        try:
            yield out
        except OSError as exc:
            raise write_error(exc, target) from None
        out.place()
    except BaseException:
        out.undo()
        raise
    out.done()


@rule(PUBLIC)
def write_bytes(target: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically (see ``atomic_path``)."""
    target = Path(target)
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target


@rule(PUBLIC)
def write_text(target: str | Path, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``target`` atomically."""
    return write_bytes(target, text.encode("utf-8"))
