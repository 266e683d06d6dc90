"""Backups: online backup API, retention, daily backups, restore, backup before migrations, CLI, page."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

import main as entry
from models import backup, schema
from models.app import CLI_ACTOR, App
from models.entries import Entries
from models.store import Store, StoreError

TASK, UNIT, MONTH = "1.1", "区发改委", "2026-10"


def save(app: App, admin, text: str, month: str = MONTH) -> None:
    Entries(app).save_task_report(admin, TASK, UNIT, month, {"progress": text})


def progress_in(path: Path, month: str = MONTH) -> str | None:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT progress FROM task_reports WHERE task_code = ? AND unit = ? AND month = ?",
                           (TASK, UNIT, month)).fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def test_backup_now_writes_a_checked_copy(app: App, admin) -> None:
    save(app, admin, "已完成燃煤锅炉改造")
    path = backup.backup_now(app.store, CLI_ACTOR, "manual", now=datetime(2026, 11, 24, 9, 30, 0))
    assert path.parent == app.store.path.parent / "backups"
    assert path.name == "test-20261124-093000-manual.db"
    assert progress_in(path) == "已完成燃煤锅炉改造"
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    assert not list(path.parent.glob("*.part"))
    # Same second again: a second file, not an overwrite.
    again = backup.backup_now(app.store, CLI_ACTOR, "manual", now=datetime(2026, 11, 24, 9, 30, 0))
    assert again != path and again.exists() and path.exists()
    infos = backup.list_backups(app.store.path)
    assert [b.path for b in infos] == [again, path]
    assert infos[0].reason_name == "手动备份" and infos[0].size > 0


def test_only_the_newest_backups_are_kept(app: App, admin) -> None:
    save(app, admin, "x")
    app.settings.set("backup_keep", 3)
    t0 = datetime(2026, 11, 1, 8, 0, 0)
    made = [backup.backup_now(app.store, CLI_ACTOR, "import", now=t0 + timedelta(hours=i)) for i in range(5)]
    left = [b.path for b in backup.list_backups(app.store.path)]
    assert left == made[:1:-1]  # the three newest, newest first
    assert not made[0].exists() and not made[1].exists()
    # Files of another database and stray files in the folder are left alone.
    (made[0].parent / "notes.txt").write_text("备注", encoding="utf-8")
    other = made[0].parent / "other-20200101-000000-daily.db"
    other.write_bytes(b"")
    backup.backup_now(app.store, CLI_ACTOR, "manual", now=t0 + timedelta(days=1))
    assert other.exists() and (made[0].parent / "notes.txt").exists()
    assert len(backup.list_backups(app.store.path)) == 3


def test_daily_backup_once_a_day_and_not_for_an_empty_database(app: App, admin) -> None:
    today = date.today()
    assert backup.daily_backup(app.store, today) is None  # nothing to keep yet
    save(app, admin, "一")
    first = backup.daily_backup(app.store, today)
    assert first is not None and first.name.endswith("-daily.db")
    assert backup.daily_backup(app.store, today) is None
    tomorrow = backup.daily_backup(app.store, today + timedelta(days=1))
    assert tomorrow is not None and tomorrow != first
    assert [b.reason for b in backup.list_backups(app.store.path)] == ["daily", "daily"]


def test_restore_replaces_data_and_keeps_the_current_state(app: App, admin, db_path: Path, plan) -> None:
    save(app, admin, "恢复点之前")
    point = backup.backup_now(app.store, CLI_ACTOR, "manual", now=datetime(2026, 11, 20, 10, 0, 0))
    save(app, admin, "恢复点之后")
    save(app, admin, "另一个月", month="2026-09")
    app.close()
    backup.restore(db_path, point, CLI_ACTOR, now=datetime(2026, 11, 24, 9, 0, 0))
    assert not db_path.with_name(db_path.name + "-wal").exists()
    assert progress_in(db_path) == "恢复点之前"
    assert progress_in(db_path, "2026-09") is None
    saved = [b for b in backup.list_backups(db_path) if b.reason == "restore"]
    assert len(saved) == 1 and progress_in(saved[0].path) == "恢复点之后"
    reopened = App(Store(db_path), plan)
    try:
        assert Entries(reopened).task_report(CLI_ACTOR, TASK, UNIT, MONTH)["progress"] == "恢复点之前"
    finally:
        reopened.close()


def test_restore_over_a_corrupt_file_keeps_a_raw_copy(app: App, admin, db_path: Path) -> None:
    save(app, admin, "好数据")
    good = backup.backup_now(app.store, CLI_ACTOR, "daily")
    app.close()
    db_path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError):
        Store(db_path)
    assert backup.latest_good_backup(db_path) == backup.list_backups(db_path)[0]
    backup.restore(db_path, good, CLI_ACTOR)
    assert progress_in(db_path) == "好数据"
    raw = [b for b in backup.list_backups(db_path) if b.reason == "corrupt"]
    assert len(raw) == 1 and raw[0].path.read_bytes().startswith(b"this is not a database")
    # The damaged copy is never offered as the latest good backup.
    assert backup.latest_good_backup(db_path).reason == "daily"


def test_bad_backups_are_refused(app: App, admin, db_path: Path) -> None:
    save(app, admin, "保留")
    folder = backup.backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    broken = folder / "test-20991231-235959-manual.db"
    broken.write_bytes(b"garbage" * 500)
    app.close()
    with pytest.raises(StoreError, match="不能恢复该备份"):
        backup.restore(db_path, broken, CLI_ACTOR)
    with pytest.raises(StoreError, match="不存在"):
        backup.restore(db_path, folder / "missing.db", CLI_ACTOR)
    assert progress_in(db_path) == "保留"
    assert backup.latest_good_backup(db_path) is None  # the newest file is broken and no other exists


def test_backup_before_migrating_an_existing_database(db_path: Path) -> None:
    old = Store(db_path, migrate=False)
    old.migrate(target=1)
    old.execute("INSERT INTO settings(key, value) VALUES ('due_day', '7')")
    old.close()
    assert backup.list_backups(db_path) == []
    s = Store(db_path)
    try:
        assert s.user_version == schema.SCHEMA_VERSION
    finally:
        s.close()
    made = backup.list_backups(db_path)
    assert [b.reason for b in made] == ["migrate"]
    conn = sqlite3.connect(made[0].path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT value FROM settings WHERE key = 'due_day'").fetchone()[0] == "7"
    finally:
        conn.close()
    # Opening an up-to-date database or creating a new one takes no backup.
    Store(db_path).close()
    Store(db_path.with_name("fresh.db")).close()
    assert len(backup.list_backups(db_path)) == 1
    assert backup.list_backups(db_path.with_name("fresh.db")) == []


def test_cli_backup_and_list(app: App, admin, db_path: Path, capsys) -> None:
    save(app, admin, "命令行备份")
    app.close()
    assert entry.main(["--db", str(db_path), "backup", "--list"]) == 0
    assert "还没有备份" in capsys.readouterr().out
    assert entry.main(["--db", str(db_path), "backup"]) == 0
    out = capsys.readouterr().out
    made = backup.list_backups(db_path)
    assert len(made) == 1 and str(made[0].path) in out and made[0].reason == "manual"
    assert entry.main(["--db", str(db_path), "backup", "--list"]) == 0
    assert "手动备份" in capsys.readouterr().out
    assert entry.main(["--db", str(db_path.with_name("none.db")), "backup"]) == 1
    assert "不存在" in capsys.readouterr().err


def test_backup_page_backs_up_and_refuses_non_admins(qtbot, app: App, admin, reviewer) -> None:
    from models.errors import PermissionDenied
    from ui.backup_view import BackupView
    save(app, admin, "页面")
    view = BackupView(app, admin)
    qtbot.addWidget(view)
    assert view.table.rowCount() == 0 and not view.restore_btn.isEnabled()
    view.backup_btn.click()
    assert view.table.rowCount() == 1 and "已备份" in view.message.text()
    assert app.store.query("SELECT kind FROM event_log WHERE kind = 'backup'")
    view.table.selectRow(0)
    assert view.restore_btn.isEnabled()
    asked = []
    view.confirm = lambda title, text: asked.append(text) or False
    view.restore_btn.click()
    assert asked and "替换当前数据" in asked[0]
    other = BackupView(app, reviewer)
    qtbot.addWidget(other)
    other.backup_now()  # the service refuses; the page says why
    assert "只有管理员" in other.message.text() and other.table.rowCount() == 1
    with pytest.raises(PermissionDenied):
        backup.backup_now(app.store, reviewer, "manual")


def test_backup_failure_is_a_clear_error_and_blocks_migration(db_path: Path, app: App, admin) -> None:
    save(app, admin, "数据")
    app.close()
    blocker = db_path.parent / "backups"
    blocker.write_text("不是文件夹", encoding="utf-8")  # the backup folder cannot be created
    s = Store(db_path)
    try:
        with pytest.raises(backup.BackupFailed, match="无法写入备份文件"):
            backup.backup_now(s, CLI_ACTOR, "manual")
    finally:
        s.close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 1")  # pretend an older program wrote it
    conn.close()
    with pytest.raises(backup.BackupFailed):
        Store(db_path)
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1  # not migrated without a backup
    finally:
        conn.close()


# -- the second place (a USB stick or another disk) -----------------------------------------


def test_backups_are_copied_to_the_second_place(app: App, admin, reviewer, tmp_path: Path) -> None:
    from models.errors import PermissionDenied
    save(app, admin, "第一")
    first = backup.backup_now(app.store, admin, "manual")
    usb = tmp_path / "U盘" / "碳达峰备份"
    usb.mkdir(parents=True)
    with pytest.raises(PermissionDenied):
        backup.set_copy_location(app, reviewer, usb)
    with pytest.raises(StoreError, match="不能是数据库所在的文件夹"):
        backup.set_copy_location(app, admin, backup.backup_dir(app.store.path))
    text = backup.set_copy_location(app, admin, usb)
    assert "最新的备份已复制过去" in text and (usb / first.name).is_file()  # copied at once
    for i in range(12):  # automatic and manual backups are copied too; the same number is kept
        save(app, admin, f"第{i}次")
        backup.backup_now(app.store, admin, "import" if i % 2 else "daily", now=datetime(2026, 11, 1, 9, 0, i))
    keep = app.settings.get("backup_keep")
    copies = backup.list_backups(app.store.path, second=True)
    assert len([b for b in copies if b.place == backup.SECOND]) == keep
    assert len([b for b in copies if b.place == backup.LOCAL]) == keep
    assert backup.copy_problem(app.store.path) == "" and "已复制到第二位置" in backup.copy_status(app.store.path)
    assert any("第二位置" in r["detail"] for r in app.store.query("SELECT detail FROM event_log WHERE kind = 'backup'"))


def test_second_place_unplugged_keeps_the_local_backup_and_says_so(app: App, admin, tmp_path: Path) -> None:
    save(app, admin, "数据")
    usb = tmp_path / "U盘"
    usb.mkdir()
    backup.set_copy_location(app, admin, usb)
    usb.rename(tmp_path / "拔出")  # the stick is taken out
    path = backup.backup_now(app.store, admin, "manual")
    assert path.is_file()  # the local backup is made anyway
    assert "现在不可用" in backup.copy_problem(app.store.path) and str(usb) in backup.copy_problem(app.store.path)
    (tmp_path / "拔出").rename(usb)  # plugged in again: the next backup is copied
    backup.backup_now(app.store, admin, "manual", now=datetime(2030, 1, 1))
    assert backup.copy_problem(app.store.path) == ""


def test_restore_from_the_second_place_when_the_disk_lost_its_backups(db_path: Path, app: App, admin,
                                                                       tmp_path: Path) -> None:
    import shutil
    save(app, admin, "保存在U盘上的内容")
    usb = tmp_path / "U盘"
    usb.mkdir()
    backup.set_copy_location(app, admin, usb)
    backup.backup_now(app.store, admin, "manual")
    app.close()
    # the local backups folder is lost (the place file with it is read from the copy's list)
    shutil.copy(backup.backup_dir(db_path) / backup.COPY_FILE, tmp_path / "place.json")
    shutil.rmtree(backup.backup_dir(db_path))
    backup.backup_dir(db_path).mkdir()
    shutil.copy(tmp_path / "place.json", backup.backup_dir(db_path) / backup.COPY_FILE)
    good = backup.latest_good_backup(db_path)
    assert good is not None and good.place == backup.SECOND and good.path.parent == usb.resolve()
    backup.restore(db_path, good.path, admin)
    assert progress_in(db_path) == "保存在U盘上的内容"


def test_backup_page_chooses_the_second_place(qtbot, app: App, admin, tmp_path: Path) -> None:
    from ui.backup_view import BackupView
    save(app, admin, "页面")
    view = BackupView(app, admin)
    qtbot.addWidget(view)
    assert "尚未设置" in view.second_label.text() and not view.second_clear.isEnabled()
    usb = tmp_path / "U盘"
    usb.mkdir()
    view.choose_folder = lambda: str(usb)
    view.second_btn.click()
    assert str(usb.resolve()) in view.second_label.text() and view.second_clear.isEnabled()
    view.backup_btn.click()
    assert "并已复制到第二位置" in view.message.text()
    places = {view.table.item(r, 2).text() for r in range(view.table.rowCount())}
    assert places == {"本机", "第二位置"}
    view.second_clear.click()
    assert "只保存在本机" in view.message.text() and backup.copy_location(app.store.path) is None


def test_cli_sets_the_second_place(db_path: Path, app: App, admin, tmp_path: Path, capsys) -> None:
    save(app, admin, "命令行")
    usb = tmp_path / "U盘"
    usb.mkdir()
    app.close()
    assert entry.main(["--db", str(db_path), "backup", "--copy-to", str(usb)]) == 0
    assert "第二位置已设为" in capsys.readouterr().out
    assert entry.main(["--db", str(db_path), "backup"]) == 0
    assert "并已复制到第二位置" in capsys.readouterr().out
    assert entry.main(["--db", str(db_path), "backup", "--list"]) == 0
    out = capsys.readouterr().out
    assert "第二位置\t" in out and "本机\t" in out


def test_the_second_place_carries_the_evidence_files(app: App, admin, clerk_of, db_path: Path, plan,
                                                      tmp_path: Path) -> None:
    import shutil

    from models.attachment_store import BlobStore
    from tests import evidence_files as ef
    e = Entries(app)
    c = clerk_of("区文广新旅局")
    photo = e.attach_bytes(c, "区文广新旅局", MONTH, "task_report", "9.2", "现场.jpg", ef.jpeg(600, 400)).row
    usb = tmp_path / "U盘"
    usb.mkdir()
    backup.set_copy_location(app, admin, usb)
    saved = backup.backup_now(app.store, admin, "manual")
    second_pool = BlobStore(usb.resolve() / "attachments" / db_path.stem)
    assert photo["sha256"] in set(second_pool.shas())  # the backup's files went with it
    e.remove_attachment(c, photo["uid"])
    app.close()
    # the disk loses its backups and their pool; the stick still has both
    place = (backup.backup_dir(db_path) / backup.COPY_FILE).read_text(encoding="utf-8")
    shutil.rmtree(backup.backup_dir(db_path))
    backup.backup_dir(db_path).mkdir()
    (backup.backup_dir(db_path) / backup.COPY_FILE).write_text(place, encoding="utf-8")
    copy = next(b for b in backup.list_backups(db_path, second=True) if b.path.name == saved.name)
    assert copy.place == backup.SECOND
    assert backup.restore(db_path, copy.path, admin) == []  # nothing missing: the photo came back
    again = App(Store(db_path), plan)
    try:
        assert BlobStore.for_db(db_path).has(photo["sha256"])
    finally:
        again.close()
