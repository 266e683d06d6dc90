"""One desktop program per database: an operating-system lock on a file beside it.

``zhushan.db.lock`` is locked with ``fcntl.flock`` (Linux, macOS) or
``msvcrt.locking`` (Windows) for the life of the GUI process. The operating system
releases the lock when the process ends, even after a crash, so a stale lock file
never blocks anybody. The file's text says who holds it (for the refusal message).

Command-line tools do not take this lock: SQLite itself serialises their writes
with the running program (WAL mode, busy timeout), so an administrator may run
``backup`` or ``import-package`` while the program is open.
"""

from __future__ import annotations

from models.authority import PUBLIC, rule
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import IO, Any

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

# On Windows a byte range is locked; lock a byte past the holder's text so that
# the text stays readable by the refused process.
_WIN_LOCK_OFFSET = 4096


def _computer_name() -> str:
    """This computer's name, for the refusal message (without loading the socket module)."""
    if sys.platform == "win32":
        return os.environ.get("COMPUTERNAME", "")
    return os.uname().nodename


@rule(PUBLIC)
class InstanceLock:
    def __init__(self, db_path: str | Path):
        self.db_path = Path(db_path)
        try:
            real = self.db_path.resolve()  # the same lock for every spelling of the path
        except OSError:
            real = self.db_path.absolute()
        self.path = real.with_name(real.name + ".lock")
        self._fh: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._fh is not None

    def acquire(self) -> bool:
        """Try to take the lock; False when another process holds it."""
        if self._fh is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+b")
        try:
            if sys.platform == "win32":
                fh.seek(_WIN_LOCK_OFFSET)
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        fh.seek(0)
        fh.truncate()
        info = f"{os.getpid()}\n{_computer_name()}\n{datetime.now().isoformat(timespec='seconds')}\n"
        fh.write(info.encode("utf-8"))
        fh.flush()
        self._fh = fh
        return True

    def release(self) -> None:
        fh, self._fh = self._fh, None
        if fh is None:
            return
        try:
            if sys.platform == "win32":
                fh.seek(_WIN_LOCK_OFFSET)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
            else:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        except OSError:
            pass
        fh.close()

    def holder(self) -> dict[str, Any]:
        """Who holds the lock, as written in the lock file: pid, host, since."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return {}
        keys = ("pid", "host", "since")
        return {k: v for k, v in zip(keys, lines, strict=False)}

    def refusal_message(self) -> str:
        h = self.holder()
        since = h.get("since", "")
        when = f"（自 {since[:10]} {since[11:16]} 起，进程号 {h.get('pid', '?')}）" if since else ""
        return (f"本程序已经打开了数据库 {self.db_path}{when}。\n\n"
                "同一个数据库只能由一个程序窗口使用，以免数据互相覆盖。请切换到已经打开的窗口"
                "（可在任务栏中找到）；如果找不到，请先关闭它或重新登录 Windows 后再试。")

    def __enter__(self) -> InstanceLock:
        if not self.acquire():
            raise RuntimeError(self.refusal_message())
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
