"""Every output is written under a temporary name and renamed only when complete.

Windows refuses to replace a file that Excel, WPS or a PDF reader holds open: the rename
fails with a sharing violation. Linux has no such refusal, so ``HeldFiles`` makes
``os.replace`` refuse the held targets the way Windows does (PermissionError with the
Windows error code).
"""

from __future__ import annotations

import ast
import errno
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import main
from models import atomic_write
from models.app import CLI_ACTOR, App
from models.atomic_write import FileInUse, WriteFailed, atomic_path, write_bytes
from models.errors import DomainError
from tests.test_exchange import MONTH, OFFICE, UNIT, clerk, fill, new_bureau, new_office

ROOT = Path(__file__).resolve().parent.parent
IN_USE = "文件正被其他程序打开"
RETRY = "请关闭后重试"


class HeldFiles:
    """Files "open in Excel": replacing them fails as on Windows (WinError 32 or 5).

    ``windows=True`` also runs the helper's Windows path and refuses what Windows refuses
    for a file held open without delete sharing: renaming it, and removing any other name
    (hard link) of it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, winerror: int = 32, windows: bool = False) -> None:
        self.held: set[Path] = set()
        self.refused = 0
        self.winerror = winerror
        real_replace, real_unlink = os.replace, os.unlink

        def refuse(path: Any) -> None:
            self.refused += 1
            exc = PermissionError(errno.EACCES, "另一个程序正在使用此文件，进程无法访问。", str(path))
            exc.winerror = self.winerror  # type: ignore[attr-defined]
            raise exc

        def is_held(path: Any) -> bool:
            p = Path(path)
            return p.resolve() in self.held or (windows and p.exists() and any(
                h.exists() and os.path.samefile(p, h) for h in self.held))

        def replace(src: Any, dst: Any, *a: Any, **k: Any) -> None:
            if is_held(dst) or (windows and is_held(src)):
                refuse(dst)
            real_replace(src, dst, *a, **k)

        def unlink(path: Any, *a: Any, **k: Any) -> None:
            if windows and is_held(path):
                refuse(path)
            real_unlink(path, *a, **k)

        monkeypatch.setattr(os, "replace", replace)
        monkeypatch.setattr(os, "unlink", unlink)
        if windows:
            monkeypatch.setattr(atomic_write, "_is_windows", lambda: True)
            monkeypatch.setattr(atomic_write, "_RETRY_PAUSE", 0)

    def hold(self, path: Path) -> None:
        self.held.add(path.resolve())


def leftovers(folder: Path, keep: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p != keep)


# -- the helper itself -----------------------------------------------------------------------

def test_write_replaces_completely_and_leaves_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "张三 文档" / "台账.xlsx"
    write_bytes(target, b"first")
    write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert leftovers(target.parent, target) == []
    if os.name == "posix":  # the usual permissions, not a temporary file's owner-only ones
        umask = os.umask(0)
        os.umask(umask)
        assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "简报.pdf"
    target.write_bytes(b"old")
    seen: list[Path] = []
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            seen.append(tmp)
            assert tmp.parent == target.parent and tmp.exists()
            tmp.write_bytes(b"half")
            raise RuntimeError("writer broke")
    assert target.read_bytes() == b"old"
    assert not seen[0].exists() and leftovers(tmp_path, target) == []


@pytest.mark.parametrize("winerror", [32, 5])
def test_held_file_is_a_clear_message_and_nothing_is_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          winerror: int) -> None:
    target = tmp_path / "台账.xlsx"
    target.write_bytes(b"what Excel shows")
    held = HeldFiles(monkeypatch, winerror)
    held.hold(target)
    with pytest.raises(FileInUse) as ei:
        write_bytes(target, b"new")
    msg = str(ei.value)
    assert IN_USE in msg and RETRY in msg and "台账.xlsx" in msg
    assert "Error" not in msg and "errno" not in msg.lower()
    assert target.read_bytes() == b"what Excel shows"
    assert leftovers(tmp_path, target) == []
    held.held.clear()
    write_bytes(target, b"new")  # closed in Excel: saving again works
    assert target.read_bytes() == b"new"


def test_brief_hold_on_windows_is_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A virus scanner holds a new file for a moment: the rename is tried again."""
    target = tmp_path / "回执.zsp"
    held = HeldFiles(monkeypatch)
    held.hold(target)
    real = os.replace
    monkeypatch.setattr(atomic_write, "_is_windows", lambda: True)
    monkeypatch.setattr(atomic_write, "_RETRY_PAUSE", 0)

    def release_after_two(src: Any, dst: Any) -> None:
        if held.refused >= 2:
            held.held.clear()
        real(src, dst)

    monkeypatch.setattr(os, "replace", release_after_two)
    write_bytes(target, b"ok")
    assert target.read_bytes() == b"ok" and held.refused == 2


def test_other_write_errors_are_chinese_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "x.zsp"
    full = atomic_write.write_error(OSError(errno.ENOSPC, "No space left on device"), target)
    assert "磁盘空间不足" in str(full) and isinstance(full, WriteFailed) and isinstance(full, DomainError)
    gone = atomic_write.write_error(FileNotFoundError(errno.ENOENT, "No such file"), target)
    assert "文件夹不存在" in str(gone) and str(tmp_path) in str(gone)
    denied = atomic_write.write_error(PermissionError(errno.EACCES, "denied"), target)
    assert "没有权限" in str(denied) and not isinstance(denied, FileInUse)
    blocker = tmp_path / "是文件不是文件夹"
    blocker.write_bytes(b"")
    with pytest.raises(WriteFailed) as ei:
        write_bytes(blocker / "台账.xlsx", b"x")
    assert "台账.xlsx" in str(ei.value) or str(blocker) in str(ei.value)


# -- every output of the program -------------------------------------------------------------

@pytest.fixture
def office_and_bureau(tmp_path: Path):
    office = new_office(tmp_path / "库")
    bureau = new_bureau(office, tmp_path / "库")
    fill(bureau, submit=True)
    yield office, bureau
    bureau.close()
    office.close()


def _ledger(o: App, b: App, p: Path) -> Any:
    from exports.ledger import build_ledger
    return build_ledger(o, CLI_ACTOR, MONTH, p)


def _template(o: App, b: App, p: Path) -> Any:
    from exports.template import build_template
    return build_template(o, CLI_ACTOR, MONTH, UNIT, p)


def _briefing(o: App, b: App, p: Path) -> Any:
    from exports.briefing import build_briefing
    return build_briefing(o, CLI_ACTOR, MONTH, p)


def _install(o: App, b: App, p: Path) -> Any:
    from models.exchange_install import make_install
    return make_install(o, OFFICE, "区科技局", p)


def _package(o: App, b: App, p: Path) -> Any:
    from models.exchange_export import export_package
    return export_package(b, clerk(), MONTH, p)


def _decisions(o: App, b: App, p: Path) -> Any:
    from models.exchange_export import export_decisions
    return export_decisions(o, OFFICE, UNIT, p)


def _audit_xlsx(o: App, b: App, p: Path) -> Any:
    from exports.audit_export import export_audit
    return export_audit(o, CLI_ACTOR, p)


def _audit_csv(o: App, b: App, p: Path) -> Any:
    from exports.audit_export import export_audit
    return export_audit(o, CLI_ACTOR, p)


OUTPUTS: dict[str, tuple[str, Callable[[App, App, Path], Any]]] = {
    "ledger": ("台账 2026年3月.xlsx", _ledger),
    "template": ("填报模板.xlsx", _template),
    "briefing": ("工作简报.pdf", _briefing),
    "installation file": ("区科技局.zsi", _install),
    "package": ("报送包.zsp", _package),
    "decisions": ("回执包.zsp", _decisions),
    "audit export xlsx": ("修改记录.xlsx", _audit_xlsx),
    "audit export csv": ("修改记录.csv", _audit_csv),
}


@pytest.mark.parametrize("windows", [False, True], ids=["posix", "windows"])
@pytest.mark.parametrize("kind", list(OUTPUTS))
def test_every_output_refuses_cleanly_over_a_held_file(office_and_bureau: tuple[App, App], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch, kind: str,
                                                       windows: bool) -> None:
    office, bureau = office_and_bureau
    name, write = OUTPUTS[kind]
    folder = tmp_path / "C盘" / "Users" / "张三" / "文档 资料"
    target = folder / name
    write(office, bureau, target)
    first = target.read_bytes()
    assert first
    held = HeldFiles(monkeypatch, windows=windows)
    held.hold(target)
    with pytest.raises(FileInUse) as ei:
        write(office, bureau, target)
    assert IN_USE in str(ei.value) and RETRY in str(ei.value)
    assert held.refused >= 1
    assert target.read_bytes() == first  # nothing lost
    assert leftovers(folder, target) == []  # the temporary file is removed


def test_backup_goes_through_a_temporary_file(app: App, admin, monkeypatch: pytest.MonkeyPatch) -> None:
    from models.backup import BackupFailed, backup_dir, backup_now
    first = backup_now(app.store, CLI_ACTOR, "manual")
    assert sqlite3.connect(first).execute("PRAGMA quick_check").fetchone()[0] == "ok"

    def no_space(src: Any, dst: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(BackupFailed) as ei:
        backup_now(app.store, CLI_ACTOR, "manual")
    assert "磁盘空间不足" in str(ei.value)
    assert [p.name for p in backup_dir(app.store.path).iterdir()] == [first.name]


def test_restore_over_a_database_in_use_keeps_it(app: App, admin, db_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from models import backup
    from models.store import StoreError
    b = backup.backup_now(app.store, CLI_ACTOR, "manual")
    app.close()
    before = db_path.read_bytes()
    held = HeldFiles(monkeypatch)
    held.hold(db_path)
    with pytest.raises(StoreError) as ei:
        backup.restore(db_path, b, CLI_ACTOR)
    assert "正被其他程序使用" in str(ei.value)
    assert db_path.read_bytes() == before
    assert not [p for p in db_path.parent.iterdir() if p.name.endswith(atomic_write.TEMP_SUFFIX)]


def test_cli_export_over_a_held_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "数据" / "办公室.db"
    out = tmp_path / "导出 文件" / "台账.xlsx"
    assert main.main(["--db", str(db), "export-ledger", "--month", MONTH, "-o", str(out)]) == 0
    capsys.readouterr()
    before = out.read_bytes()
    held = HeldFiles(monkeypatch)
    held.hold(out)
    assert main.main(["--db", str(db), "export-ledger", "--month", MONTH, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert IN_USE in err and RETRY in err and "Traceback" not in err
    assert out.read_bytes() == before and leftovers(out.parent, out) == []
    assert openpyxl.load_workbook(out).sheetnames


def test_briefing_page_reports_a_held_pdf(qtbot, app: App, admin, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import Qt

    from tests.test_briefing_ui import FakeDialogs
    from ui.briefing_view import BriefingView
    target = tmp_path / "另存 为" / "简报.pdf"
    target.parent.mkdir()
    target.write_bytes(b"%PDF-1.4 open in a reader")
    view = BriefingView(app, admin, None, FakeDialogs(target))
    qtbot.addWidget(view)
    held = HeldFiles(monkeypatch)
    held.hold(target)
    qtbot.mouseClick(view.save_btn, Qt.MouseButton.LeftButton)
    assert IN_USE in view.message.text() and RETRY in view.message.text()
    assert target.read_bytes() == b"%PDF-1.4 open in a reader" and leftovers(target.parent, target) == []


# -- no output bypasses the helper -----------------------------------------------------------

_RENAMES = {("os", "replace"), ("os", "rename"), ("shutil", "move")}
_DIRECT = {"write_bytes", "write_text"}


def test_no_program_module_writes_an_output_directly() -> None:
    """Renames and whole-file writes happen only in models/atomic_write.py; the program
    writes its outputs through it (``atomic_path``, ``write_bytes``, ``write_text``)."""
    found = []
    for folder in ("models", "exports", "ui", "forms"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name == "atomic_write.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                    continue
                f = node.func
                base = f.value.id if isinstance(f.value, ast.Name) else ""
                if (base, f.attr) in _RENAMES or f.attr in _DIRECT:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {base}.{f.attr}")
                # Path.replace(target) has one argument; str.replace has two.
                if f.attr == "replace" and len(node.args) == 1 and not node.keywords:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} .replace(...)")
    assert found == []
