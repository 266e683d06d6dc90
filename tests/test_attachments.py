"""佐证材料 in the service layer: stored once by content, downscaled, locked with the month,
audited, required where the office says so, verified on read, in backups and restores."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import backup, office
from models.attachment_store import BlobDamaged, BlobStore, attachments_dir, sha256_of
from models.entries import Entries
from models.errors import InvalidInput, Locked, PermissionDenied
from models.file_check import FileRefused, check_file
from tests import evidence_files as ef

M = "2026-10"
UNIT = "区文广新旅局"  # one task (9.2)


def _ready(e: Entries, actor, unit: str = UNIT, month: str = M) -> None:
    for t, _ in e.app.tasks_of(unit):
        e.save_task_report(actor, t.code, unit, month,
                           {"status": "推进中", "progress": "开展宣传活动", "person": "李娜"})


def _files(app) -> list[Path]:
    root = attachments_dir(app.store.path)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_attach_stores_the_file_by_hash_and_records_it(app, clerk_of, tmp_path: Path) -> None:
    e = Entries(app)
    c = clerk_of(UNIT)
    src = ef.write(tmp_path / "in", "9月宣传活动现场.jpg", ef.jpeg(1200, 900))
    res = e.attach_file(c, UNIT, M, "task_report", "9.2", src, caption="宣传活动现场")
    row = res.row
    assert (row["kind"], row["width"], row["height"], row["caption"]) == ("jpeg", 1200, 900, "宣传活动现场")
    assert not res.scaled and row["name"] == "9月宣传活动现场.jpg"
    stored = attachments_dir(app.store.path) / row["sha256"][:2] / row["sha256"]
    assert _files(app) == [stored]
    assert stored.parent.parent == app.store.path.parent / "attachments" / "test"
    assert sha256_of(stored.read_bytes()) == row["sha256"] == sha256_of(src.read_bytes())
    assert [r["uid"] for r in e.attachments(c, UNIT, M, "task_report", "9.2")] == [row["uid"]]
    assert e.state(c, UNIT, M) == "draft"
    audit = {(a["field"], a["new"]) for a in e.history(c, "task_report", "9.2", unit=UNIT, month=M)}
    assert ("attachment_caption", "宣传活动现场") in audit
    assert any(f == "attachment" and new.startswith("9月宣传活动现场.jpg（") for f, new in audit)
    assert e.attachment_data(c, row["uid"]) == src.read_bytes()


def test_large_photo_is_scaled_down_and_the_original_kept_only_when_asked(app, admin, clerk_of) -> None:
    e = Entries(app)
    c = clerk_of(UNIT)
    photo = ef.jpeg(2800, 2100, noise=True)
    res = e.attach_bytes(c, UNIT, M, "task_report", "9.2", "IMG_0001.JPG", photo)
    assert res.scaled and (res.row["width"], res.row["height"]) == (2000, 1500)
    assert res.row["size"] < len(photo) / 2 and res.row["original_sha256"] == ""
    assert "已缩小为 2000×1500" in res.note
    assert len(_files(app)) == 1
    office.set_setting(app, admin, "attachment_photo_px", 1000)
    office.set_setting(app, admin, "attachment_keep_originals", True)
    other = ef.jpeg(1500, 1000, seed=7, noise=True)
    res2 = e.attach_bytes(c, UNIT, M, "task_report", "9.2", "IMG_0002.JPG", other)
    assert (res2.row["width"], res2.row["height"]) == (1000, 667)
    assert res2.row["original_sha256"] == sha256_of(other) and res2.row["original_size"] == len(other)
    assert e.attachment_data(c, res2.row["uid"], original=True) == other
    assert len(_files(app)) == 3


def test_same_file_is_stored_once_and_not_twice_on_one_item(app, clerk_of) -> None:
    e = Entries(app)
    c = clerk_of("区住建局")
    photo = ef.jpeg(2600, 1800, noise=True)
    tasks = [t.code for t, _ in app.tasks_of("区住建局")][:2]
    a = e.attach_bytes(c, "区住建局", M, "task_report", tasks[0], "现场.jpg", photo)
    b = e.attach_bytes(c, "区住建局", M, "task_report", tasks[1], "现场(1).jpg", photo)
    assert b.reused and a.row["sha256"] == b.row["sha256"]
    assert len(_files(app)) == 1
    with pytest.raises(InvalidInput, match="已有相同内容的文件“现场.jpg”"):
        e.attach_bytes(c, "区住建局", M, "task_report", tasks[0], "又一次.jpg", photo)
    # removing one keeps the file the other still uses; removing both removes it
    e.remove_attachment(c, a.row["uid"])
    assert len(_files(app)) == 1
    e.remove_attachment(c, b.row["uid"])
    assert _files(app) == []
    assert e.attachments(c, "区住建局", M) == []
    assert len(e.attachments(c, "区住建局", M, removed=True)) == 2
    removed = [h for h in e.history(c, "task_report", tasks[0], unit="区住建局") if h["field"] == "attachment"]
    assert [bool(h["new"]) for h in removed] == [False, True]  # newest first: removed, then added


def test_hostile_files_are_refused_and_nothing_is_stored(app, admin, clerk_of, tmp_path: Path) -> None:
    e = Entries(app)
    c = clerk_of(UNIT)
    cases = [("照片.jpg", ef.executable(), "可执行程序"), ("照片2.jpg", ef.truncated(ef.jpeg(900, 700, noise=True)), "已损坏"),
             ("大照片.jpg", ef.truncated(ef.jpeg(2600, 1950, noise=True), 0.7), "已损坏"),
             ("纪要.docx", ef.zip_bomb_docx(40), "压缩炸弹")]
    for name, data, why in cases:
        with pytest.raises(FileRefused, match=why):
            e.attach_file(c, UNIT, M, "task_report", "9.2", ef.write(tmp_path, name, data))
    office.set_setting(app, admin, "attachment_max_mb", 0.5)
    big = ef.write(tmp_path, "大.pdf", ef.pdf() + b"%" + b"x" * 600_000 + b"\n%%EOF\n")
    with pytest.raises(FileRefused, match="超过每个文件512 KB的上限"):
        e.attach_file(c, UNIT, M, "task_report", "9.2", big)
    assert e.attachments(c, UNIT, M, removed=True) == [] and _files(app) == []
    assert not e.history(c, "task_report", "9.2", unit=UNIT)


def test_attachments_lock_with_the_month(app, reviewer, clerk_of) -> None:
    from models import review
    e = Entries(app)
    c = clerk_of(UNIT)
    _ready(e, c)
    row = e.attach_bytes(c, UNIT, M, "task_report", "9.2", "纪要.pdf", ef.pdf()).row
    e.submit(c, UNIT, M)
    for actor in (c, reviewer):
        with pytest.raises(Locked):
            e.attach_bytes(actor, UNIT, M, "task_report", "9.2", "补充.png", ef.png())
        with pytest.raises(Locked):
            e.remove_attachment(actor, row["uid"])
        with pytest.raises(Locked):
            e.set_attachment_caption(actor, row["uid"], "改说明")
    review.return_submission(app, reviewer, UNIT, M, "请补充照片")
    e.attach_bytes(c, UNIT, M, "task_report", "9.2", "补充.png", ef.png())
    assert e.set_attachment_caption(c, row["uid"], "会议纪要")
    assert [a["caption"] for a in e.attachments(c, UNIT, M)] == ["会议纪要", ""]


def test_other_units_may_neither_attach_nor_read(app, clerk_of, tmp_path: Path) -> None:
    e = Entries(app)
    row = e.attach_bytes(clerk_of(UNIT), UNIT, M, "task_report", "9.2", "a.png", ef.png()).row
    intruder = clerk_of("区工信局")
    with pytest.raises(PermissionDenied):
        e.attach_bytes(intruder, UNIT, M, "task_report", "9.2", "b.png", ef.png(300, 200))
    with pytest.raises(PermissionDenied):
        e.attachment_data(intruder, row["uid"])
    with pytest.raises(PermissionDenied):
        e.export_attachment(intruder, row["uid"], tmp_path)
    with pytest.raises(PermissionDenied):
        e.remove_attachment(intruder, row["uid"])
    with pytest.raises(PermissionDenied):  # a task of another unit, on one's own month
        e.attach_bytes(clerk_of(UNIT), UNIT, M, "task_report", "1.1", "c.png", ef.png(320, 200))


def test_reading_checks_the_hash_and_copies_for_the_viewer(app, clerk_of, tmp_path: Path) -> None:
    e = Entries(app)
    c = clerk_of(UNIT)
    row = e.attach_bytes(c, UNIT, M, "task_report", "9.2", "统计表", ef.xlsx()).row
    assert row["name"] == "统计表.xlsx"  # the kind's suffix, whatever the name said
    copy = e.export_attachment(c, row["uid"], tmp_path / "view")
    assert copy.name == "统计表.xlsx" and sha256_of(copy.read_bytes()) == row["sha256"]
    blob = BlobStore.for_db(app.store.path).path(row["sha256"])
    blob.write_bytes(blob.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(BlobDamaged, match="已损坏"):
        e.attachment_data(c, row["uid"])
    blob.unlink()
    with pytest.raises(Exception, match="不在佐证材料文件夹中"):
        e.export_attachment(c, row["uid"], tmp_path / "view2")


def test_required_evidence_blocks_submit_until_added(app, admin, clerk_of) -> None:
    e = Entries(app)
    unit = "区住建局"
    c = clerk_of(unit)
    task = app.tasks_of(unit)[0][0].code
    part = app.parts_of(unit)[0]
    office.set_setting(app, admin, "attachment_required", [task, part])
    _ready(e, c, unit)
    problems = [w for w, _ in e.month_problems(c, unit, M)]
    assert f"任务{task}“{app.plan.task(task).title}” · 佐证材料" in problems
    assert not any(w.startswith(f"指标{part}") for w in problems)  # no value entered this month
    e.save_indicator_value(c, part, unit, M, "8.5")
    assert f"指标{part} · 佐证材料" in [w for w, _ in e.month_problems(c, unit, M)]
    uid = e.save_project(c, unit, M, task, {"name": "光伏屋顶", "ptype": "新建"})
    e.attach_bytes(c, unit, M, "project_month", uid, "屋顶.jpg", ef.jpeg(640, 480))  # a project of the task counts
    period = e.period_for(part, M)
    e.attach_bytes(c, unit, M, "indicator", f"{part}@{period}", "报表.pdf", ef.pdf("stats"))
    assert not [w for w, _ in e.month_problems(c, unit, M) if "佐证材料" in w]
    with pytest.raises(InvalidInput, match="填报的是"):
        e.attach_bytes(c, unit, M, "indicator", f"{part}@2019", "旧.pdf", ef.pdf("old"))


def test_settings_are_validated(app, admin, reviewer) -> None:
    with pytest.raises(InvalidInput):
        office.set_setting(app, admin, "attachment_required", ["4.3", "不存在"])
    with pytest.raises(InvalidInput):
        office.set_setting(app, admin, "attachment_photo_px", 100)
    with pytest.raises(InvalidInput):
        office.set_setting(app, admin, "attachment_max_mb", 1000)
    with pytest.raises(InvalidInput):
        office.set_setting(app, admin, "attachment_keep_originals", "yes")
    with pytest.raises(PermissionDenied):
        office.set_setting(app, reviewer, "attachment_package_mb", 10)
    assert office.set_setting(app, admin, "attachment_required", ["4.3", "I01", "4.3"])
    assert app.settings.get("attachment_required") == ["4.3", "I01"]


def test_backups_carry_the_files_and_a_restore_brings_them_back(app, admin, clerk_of, db_path: Path, plan) -> None:
    e = Entries(app)
    c = clerk_of(UNIT)
    photo = e.attach_bytes(c, UNIT, M, "task_report", "9.2", "现场.jpg", ef.jpeg(900, 600)).row
    minutes = e.attach_bytes(c, UNIT, M, "task_report", "9.2", "纪要.pdf", ef.pdf()).row
    saved = backup.backup_now(app.store, admin, "manual")
    pool = BlobStore(db_path.parent / "backups" / "attachments" / db_path.stem)
    assert sorted(pool.shas()) == sorted([photo["sha256"], minutes["sha256"]])
    e.remove_attachment(c, photo["uid"])
    assert not BlobStore.for_db(db_path).has(photo["sha256"])
    app.close()
    assert backup.restore(db_path, saved, admin) == []
    from models.app import App
    from models.store import Store
    again = App(Store(db_path), plan)
    try:
        e2 = Entries(again)
        back = {r["uid"]: r for r in e2.attachments(c, UNIT, M)}
        assert set(back) == {photo["uid"], minutes["uid"]}
        assert check_file(e2.attachment_data(c, photo["uid"]), "x").kind == "jpeg"
        # pruning old backups drops pool files no remaining backup refers to
        e2.remove_attachment(c, minutes["uid"])
        e2.remove_attachment(c, photo["uid"])
        again.settings.set("backup_keep", 1)
        backup.backup_now(again.store, admin, "manual")
        # (two backups of the same second may both stay: the newest is always kept)
        import sqlite3
        kept: set[str] = set()
        for b in backup.list_backups(db_path):
            con = sqlite3.connect(b.path)
            kept |= {r[0] for r in con.execute("SELECT sha256 FROM attachments WHERE removed_at = ''")}
            con.close()
        assert photo["sha256"] not in kept and set(pool.shas()) == kept
    finally:
        again.close()


def test_restore_names_files_found_nowhere(app, admin, clerk_of, db_path: Path) -> None:
    e = Entries(app)
    c = clerk_of(UNIT)
    row = e.attach_bytes(c, UNIT, M, "task_report", "9.2", "纪要.pdf", ef.pdf()).row
    saved = backup.backup_now(app.store, admin, "manual")
    BlobStore(db_path.parent / "backups" / "attachments" / db_path.stem).remove(row["sha256"])
    BlobStore.for_db(db_path).remove(row["sha256"])
    app.close()
    assert backup.restore(db_path, saved, admin) == ["纪要.pdf"]
