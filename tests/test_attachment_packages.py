"""佐证材料 in packages: a month's files travel in its signed package, are checked and stored
once at the office, obey the office's size limit at both ends, hostile files are refused
row by row, the office's 佐证不足 marks travel back, and a killed import leaves no row
without its file."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from models import exchange_files, review
from models.attachment_store import BlobStore, sha256_of
from models.entries import Entries
from models.exchange import import_package, preview_package
from models.exchange_export import export_decisions, export_package
from models.package_format import PackageRejected, package_bytes
from models.store import Store
from tests import evidence_files as ef
from tests import test_package_trust
from tests.test_exchange import MONTH, OFFICE, UNIT, clerk, content_of, fill, key_of

ROOT = Path(__file__).resolve().parent.parent


pair = test_package_trust.pair  # the office's and a unit's databases (fixture)


def _files(app: Any) -> dict[str, float]:
    root = BlobStore.for_db(app.store.path).root
    return {p.name: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()} if root.exists() else {}


def _rebuild(src: Path, dst: Path, content: dict[str, Any], files: dict[str, bytes], key: str) -> Path:
    """The package with new content and evidence files, signed again with the unit's key
    (what a tampered unit PC could send)."""
    with zipfile.ZipFile(src) as z:
        manifest = json.loads(z.read("manifest.json"))
    dst.write_bytes(package_bytes(manifest, content, key, files))
    return dst


def test_a_months_files_travel_and_are_stored_once_at_the_office(pair: Any, tmp_path: Path) -> None:
    office, bureau = pair
    fill(bureau)
    e, ck = Entries(bureau), clerk()
    photo = e.attach_bytes(ck, UNIT, MONTH, "task_report", "6.3", "分类站.jpg", ef.jpeg(3000, 2000, noise=True),
                           "垃圾分类站建成").row
    minutes = e.attach_bytes(ck, UNIT, MONTH, "task_report", "6.4", "纪要.pdf", ef.pdf()).row
    pkg = export_package(bureau, ck, MONTH, tmp_path / "1.zsp")
    with zipfile.ZipFile(pkg) as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("manifest.json"))
        assert z.getinfo(f"files/{photo['sha256']}").compress_type == zipfile.ZIP_STORED
    assert {f"files/{photo['sha256']}", f"files/{minutes['sha256']}"} <= names
    listed = {m["name"]: m for m in manifest["members"]}
    assert listed[f"files/{photo['sha256']}"]["size"] == photo["size"] == (2000 * 0 + photo["size"])
    assert listed[f"files/{minutes['sha256']}"]["sha256"] == minutes["sha256"]
    assert [a["uid"] for a in content_of(pkg)["attachments"]] == [photo["uid"], minutes["uid"]]

    pv = preview_package(office, OFFICE, pkg)
    assert _files(office) == {}  # a preview stores nothing
    new = [it for it in pv.items if it.entity == "佐证材料" and it.status == "new"]
    assert [it.key for it in new] == ["任务6.3：分类站.jpg", "任务6.4：纪要.pdf"]
    pv = import_package(office, OFFICE, pkg)
    assert pv.applied and pv.refused == []
    eo = Entries(office)
    got = eo.attachments(OFFICE, UNIT, MONTH)
    assert [(a["uid"], a["name"], a["caption"], a["sha256"]) for a in got] == [
        (photo["uid"], "分类站.jpg", "垃圾分类站建成", photo["sha256"]), (minutes["uid"], "纪要.pdf", "", minutes["sha256"])]
    assert sha256_of(eo.attachment_data(OFFICE, photo["uid"])) == photo["sha256"]
    stored = _files(office)
    assert set(stored) == {photo["sha256"], minutes["sha256"]}

    # sent again (a new package of the same month): nothing read or stored twice
    pv2 = import_package(office, OFFICE, export_package(bureau, ck, MONTH, tmp_path / "2.zsp"))
    assert [it.status for it in pv2.items if it.entity == "佐证材料"] == ["unchanged", "unchanged"]
    assert _files(office) == stored
    # a caption changed and a file removed at the unit reach the office
    e.set_attachment_caption(ck, photo["uid"], "分类站建成并投用")
    e.remove_attachment(ck, minutes["uid"])
    pv3 = import_package(office, OFFICE, export_package(bureau, ck, MONTH, tmp_path / "3.zsp"))
    assert {it.key: it.detail for it in pv3.items if it.entity == "佐证材料" and it.status == "updated"} == {
        "任务6.3：分类站.jpg": "变更：说明", "任务6.4：纪要.pdf": "变更：删除"}
    assert [(a["name"], a["caption"]) for a in eo.attachments(OFFICE, UNIT, MONTH)] == [("分类站.jpg", "分类站建成并投用")]
    history = [h["field"] for h in eo.history(OFFICE, "task_report", "6.4", unit=UNIT, month=MONTH)]
    assert history.count("attachment") == 2  # the unit's audit trail came along: added, removed


def test_the_package_limit_holds_at_the_unit_and_at_the_office(pair: Any, tmp_path: Path) -> None:
    office, bureau = pair
    fill(bureau)
    e, ck = Entries(bureau), clerk()
    for i in range(3):
        e.attach_bytes(ck, UNIT, MONTH, "task_report", "6.3", f"现场{i}.jpg",
                       ef.jpeg(1900, 1400, seed=i, quality=97, noise=True))
    bureau.settings.set("attachment_package_mb", 1)  # as the office's installation or decisions set it
    with pytest.raises(Exception, match="超过办公室设定的每个报送包1 MB的上限，未生成") as info:
        export_package(bureau, ck, MONTH, tmp_path / "big.zsp")
    assert "现场" in str(info.value) and not (tmp_path / "big.zsp").exists()
    bureau.settings.set("attachment_package_mb", 50)
    pkg = export_package(bureau, ck, MONTH, tmp_path / "ok.zsp")
    assert pkg.stat().st_size > 1024 * 1024
    office.settings.set("attachment_package_mb", 1)
    before = office.store.scalar("SELECT COUNT(*) FROM task_reports")
    with pytest.raises(PackageRejected, match="超过办公室设定的每个报送包1 MB的上限"):
        import_package(office, OFFICE, pkg)
    assert office.store.scalar("SELECT COUNT(*) FROM task_reports") == before and _files(office) == {}


def test_hostile_files_in_a_signed_package_are_refused_row_by_row(pair: Any, tmp_path: Path) -> None:
    office, bureau = pair
    fill(bureau)
    e, ck = Entries(bureau), clerk()
    good = e.attach_bytes(ck, UNIT, MONTH, "task_report", "6.3", "现场.jpg", ef.jpeg(900, 600)).row
    pkg = export_package(bureau, ck, MONTH, tmp_path / "p.zsp")
    c = content_of(pkg)
    with zipfile.ZipFile(pkg) as z:
        files = {n: z.read(n) for n in z.namelist() if n.startswith("files/")}
    exe, broken = ef.executable(), ef.truncated(ef.jpeg(1200, 900, noise=True), 0.5)
    template = c["attachments"][0]

    def row(name: str, data: bytes, **kw: Any) -> dict[str, Any]:
        import uuid
        return dict(template, uid=uuid.uuid4().hex, name=name, sha256=sha256_of(data), source_sha256=sha256_of(data),
                    size=len(data), **kw)

    c["attachments"] += [row("照片.jpg", exe), row("半张.jpg", broken), row("没有文件.pdf", ef.pdf("x")),
                         row("别的单位的.jpg", ef.png(), entity="task_report", entity_key="1.1"),
                         row("名字\x00.jpg" + "长" * 200, ef.png(300, 200))]
    files[f"files/{sha256_of(exe)}"] = exe
    files[f"files/{sha256_of(broken)}"] = broken
    files[f"files/{sha256_of(ef.png(300, 200))}"] = ef.png(300, 200)
    forged = _rebuild(pkg, tmp_path / "forged.zsp", c, files, key_of(office))
    pv = import_package(office, OFFICE, forged)
    why = {r.item: f"{r.field}：{r.why}" for r in pv.refused}
    assert "可执行程序" in why["佐证材料“照片.jpg”"]
    assert "已损坏或不完整" in why["佐证材料“半张.jpg”"]
    assert "包中没有这份材料的文件" in why["佐证材料“没有文件.pdf”"]
    assert "不是区城管局的任务" in why["佐证材料“别的单位的.jpg”"]
    assert any(k.startswith("佐证材料“名字") and "文件名" in v for k, v in why.items())
    assert len(pv.refused) == 5
    assert [a["name"] for a in Entries(office).attachments(OFFICE, UNIT, MONTH)] == ["现场.jpg"]  # the rest landed
    assert set(_files(office)) == {good["sha256"]}  # nothing refused was stored
    # a file whose bytes differ from the signed list: the whole package is refused
    files[f"files/{good['sha256']}"] = ef.jpeg(900, 600, seed=9)
    with zipfile.ZipFile(forged) as z:
        manifest = json.loads(z.read("manifest.json"))
        parts = {n: z.read(n) for n in z.namelist()}
    parts[f"files/{good['sha256']}"] = files[f"files/{good['sha256']}"]
    swapped = tmp_path / "swapped.zsp"
    with zipfile.ZipFile(swapped, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    assert manifest["members"]
    BlobStore.for_db(office.store.path).remove(good["sha256"])  # so the office has to read it again
    office.store.execute("DELETE FROM attachments")
    with pytest.raises(PackageRejected, match="内容校验失败"):
        import_package(office, OFFICE, swapped)  # when storing (its content was judged once already)
    exchange_files._VERDICTS.clear()  # as in a new session
    with pytest.raises(PackageRejected, match="内容校验失败"):
        preview_package(office, OFFICE, swapped)  # when judging its content
    assert _files(office) == {} and office.store.scalar("SELECT COUNT(*) FROM attachments") == 0


def test_the_offices_insufficient_marks_travel_to_the_unit(pair: Any, tmp_path: Path, qtbot: Any) -> None:
    office, bureau = pair
    fill(bureau, submit=False)
    e, ck = Entries(bureau), clerk()
    e.attach_bytes(ck, UNIT, MONTH, "task_report", "6.3", "现场.jpg", ef.jpeg(900, 600))
    e.submit(ck, UNIT, MONTH)
    import_package(office, OFFICE, export_package(bureau, ck, MONTH, tmp_path / "1.zsp"))
    review.return_submission(office, OFFICE, UNIT, MONTH, "照片看不出分类站", [("task_report", "6.3")])
    pv = import_package(bureau, ck, export_decisions(office, OFFICE, UNIT, tmp_path / "d1.zsp"))
    assert any(it.entity == "佐证不足标记" for it in pv.items)
    assert [f["entity_key"] for f in e.evidence_flags(ck, UNIT, MONTH)] == ["6.3"]
    assert any("佐证不足" in msg for _, msg in e.month_problems(ck, UNIT, MONTH))
    e.attach_bytes(ck, UNIT, MONTH, "task_report", "6.3", "分类站全景.jpg", ef.jpeg(900, 600, seed=3))
    _next_second(qtbot)  # times are kept to the second: submitting again comes after the return
    e.submit(ck, UNIT, MONTH)
    pv2 = import_package(office, OFFICE, export_package(bureau, ck, MONTH, tmp_path / "2.zsp"))
    assert [it.status for it in pv2.items if it.entity == "报送状态"] == ["updated"]
    assert not any("佐证不足" in msg for _, msg in Entries(office).month_problems(OFFICE, UNIT, MONTH))
    review.approve(office, OFFICE, UNIT, MONTH)
    import_package(bureau, ck, export_decisions(office, OFFICE, UNIT, tmp_path / "d2.zsp"))
    assert e.evidence_flags(ck, UNIT, MONTH) == [] and e.state(ck, UNIT, MONTH) == "approved"


def _next_second(qtbot: Any) -> None:
    """Wait for the clock's next second (no fixed pause: polls the clock)."""
    from models.store import now_iso
    start = now_iso()
    qtbot.waitUntil(lambda: now_iso() != start, timeout=3000)


CHILD = r'''
import sys
sys.path.insert(0, sys.argv[1])
from models.app import App, Actor, REVIEWER
from models.exchange import import_package
from models.exchange_install import installed_plan_path

db = sys.argv[2]
app = App.open(db)
office = Actor("office", REVIEWER)
print("ready", flush=True)
for pkg in sys.argv[3:]:
    pv = import_package(app, office, pkg)
    print("I " + pkg, flush=True)
'''


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_import_leaves_no_row_without_its_file(pair: Any, tmp_path: Path, plan: Any) -> None:
    office, bureau = pair
    e, ck = Entries(bureau), clerk()
    months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    packages = []
    for i, m in enumerate(months):
        fill(bureau, month=m)
        for j in range(2):
            e.attach_bytes(ck, UNIT, m, "task_report", "6.3", f"{m}-{j}.jpg", ef.jpeg(1000, 700, seed=10 * i + j))
        packages.append(str(export_package(bureau, ck, m, tmp_path / f"{m}.zsp")))
    db = office.store.path
    office.close()
    script = tmp_path / "importer.py"
    script.write_text(CHILD, encoding="utf-8")
    rng = random.Random(20261201)
    done: list[str] = []
    for _round in range(4):
        todo = [p for p in packages if p not in done]
        if not todo:
            break
        proc = subprocess.Popen([sys.executable, str(script), str(ROOT), str(db), *todo], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, encoding="utf-8", cwd=str(ROOT))
        want = rng.randint(1, 2) if _round else 0  # the first one killed while opening
        with proc:
            try:
                got = 0
                while got < want:
                    line = proc.stdout.readline()
                    if not line:
                        pytest.fail(f"importer stopped on its own: {proc.stderr.read()[-2000:]}")
                    if line.startswith("I "):
                        done.append(line[2:].strip())
                        got += 1
            finally:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
        _check(db, plan, done)
    assert done


def _check(db: Path, plan: Any, done: list[str]) -> None:
    from models.app import App
    store = Store(db)
    try:
        assert store.scalar("PRAGMA integrity_check") == "ok"
        app = App(store, plan)
        blobs = BlobStore.for_db(db)
        for row in store.query("SELECT * FROM attachments WHERE removed_at = ''"):
            assert blobs.verify(row["sha256"]), row["name"]
        for pkg in done:
            month = Path(pkg).stem
            assert len(Entries(app).attachments(OFFICE, UNIT, month)) == 2, month
    finally:
        store.close()
