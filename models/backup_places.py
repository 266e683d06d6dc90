"""Where backups are: their names, the ``backups`` folder beside the database, the second
place an administrator may choose, and copying a backup (with its evidence files) there.

Backups are named ``<stem>-YYYYMMDD-HHMMSS-<reason>.db`` (``zhushan-20261124-093000-daily.db``).
The second place is remembered in ``backups/copy-location.json`` with how the last copy
went; it is outside the database so that it is known even when the database is damaged.
Making, pruning and restoring backups is ``models.backup``; the evidence files of backups
(one pool per folder of backups) are ``models.backup_files``.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from models.atomic_write import WriteFailed, atomic_path, write_text
from models.authority import INTERNAL, PUBLIC, rule
from models.backup_files import pool, prune_pool, save_files

BACKUP_DIR = "backups"
DEFAULT_KEEP = 10
COPY_FILE = "copy-location.json"  # in the backups folder: the second place and how copying went
LOCAL, SECOND = "本机", "第二位置"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<d>\d{8})-(?P<t>\d{6})(?:-(?P<n>\d+))?-(?P<reason>[a-z0-9_]+)\.db$")
REASON_NAMES = {"daily": "每日自动备份", "import": "导入前", "migrate": "升级前", "manual": "手动备份",
                "restore": "恢复前", "corrupt": "损坏的原文件"}


@rule(PUBLIC)
class BackupInfo(NamedTuple):
    path: Path
    created: datetime
    reason: str
    size: int
    place: str = LOCAL  # LOCAL (the backups folder) or SECOND (the second place)

    @property
    def reason_name(self) -> str:
        return REASON_NAMES.get(self.reason, self.reason)


@rule(PUBLIC)
def backup_dir(db_path: str | Path) -> Path:
    return Path(db_path).resolve().parent / BACKUP_DIR


@rule(PUBLIC, why="names, dates and sizes of the backup files in a folder; no data is read")
def backups_in(folder: Path, stem: str, place: str) -> list[BackupInfo]:
    if not folder.is_dir():
        return []
    out = []
    try:
        files = list(folder.iterdir())
    except OSError:
        return []
    for p in files:
        m = _NAME.match(p.name)
        if not m or m["stem"] != stem or not p.is_file():
            continue
        try:
            d, t = m["d"], m["t"]  # checked by _NAME: 8 and 6 digits
            created = datetime(int(d[:4]), int(d[4:6]), int(d[6:]), int(t[:2]), int(t[2:4]), int(t[4:]))
            size = p.stat().st_size
        except (ValueError, OSError):
            continue
        out.append((created, int(m["n"] or 1), BackupInfo(p, created, m["reason"], size, place)))
    out.sort(key=lambda x: (x[0], x[1]), reverse=True)
    return [b for _, _, b in out]


# -- the second place ---------------------------------------------------------------------


def _copy_file(db_path: Path) -> Path:
    return backup_dir(db_path) / COPY_FILE


def _copy_state(db_path: str | Path) -> dict[str, Any]:
    try:
        data = json.loads(_copy_file(Path(db_path)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@rule(INTERNAL, why="remembers the second place and how the last copy went")
def write_copy_state(db_path: Path, state: dict[str, Any]) -> None:
    target = _copy_file(db_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, json.dumps(state, ensure_ascii=False, indent=1))


@rule(PUBLIC, why="where the backups are copied; no data is read")
def copy_location(db_path: str | Path) -> Path | None:
    """The second place chosen for the backups of ``db_path`` (None: none chosen)."""
    folder = _copy_state(db_path).get("folder")
    return Path(folder) if isinstance(folder, str) and folder else None


@rule(PUBLIC, why="how the last copy of a backup went; no data is read")
def copy_status(db_path: str | Path) -> str:
    """How the last copy to the second place went, in a sentence ("" when none is chosen)."""
    state = _copy_state(db_path)
    if not state.get("folder"):
        return ""
    if state.get("problem"):
        return f"{state.get('at', '')[:16].replace('T', ' ')} {state['problem']}"
    if state.get("at"):
        return f"{state['at'][:16].replace('T', ' ')} 已复制到第二位置。"
    return "尚未复制过。"


@rule(PUBLIC, why="why the last copy of a backup failed; no data is read")
def copy_problem(db_path: str | Path) -> str:
    """Why the last copy to the second place failed ("" when it worked or none is chosen)."""
    return str(_copy_state(db_path).get("problem") or "")


@rule(INTERNAL, why="copies a backup just made (by a rule-checked backup) to the second place")
def copy_to_second(db_path: str | Path, backup: Path, keep: int = DEFAULT_KEEP) -> str:
    """Copy a backup just made to the second place, keeping the newest ``keep`` there.
    "" when it was copied (or no second place is chosen); otherwise why not, which is
    also remembered for the 备份与恢复 page. Never raises: the backup itself is made."""
    db_path = Path(db_path)
    state = _copy_state(db_path)
    folder = copy_location(db_path)
    if folder is None or backup.name.endswith("-corrupt.db"):
        return ""
    problem = ""
    if not folder.is_dir():
        problem = f"第二位置 {folder} 现在不可用（U盘未插入或文件夹不存在），这份备份只保存在本机。"
    else:
        try:
            with atomic_path(folder / backup.name) as tmp:
                shutil.copy2(backup, tmp)
                save_files(tmp, db_path, pool(folder, db_path))  # its evidence files go with it
            for old in backups_in(folder, db_path.stem, SECOND)[max(1, keep):]:
                if old.path.name != backup.name:
                    old.path.unlink(missing_ok=True)
            prune_pool([b.path for b in backups_in(folder, db_path.stem, SECOND)], pool(folder, db_path))
        except (OSError, WriteFailed) as exc:
            problem = f"无法复制到第二位置 {folder}：{getattr(exc, 'strerror', None) or exc}"
    state.update(at=datetime.now().isoformat(timespec="seconds"), problem=problem,
                 copied=backup.name if not problem else state.get("copied", ""))
    try:
        write_copy_state(db_path, state)
    except (OSError, WriteFailed):
        pass
    return problem
