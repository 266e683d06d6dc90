"""Offline exchange: installation files, submission packages, decisions, merge rules, CLI, GUI.

Every test uses two (or more) real databases in temp folders: the office's and the units'.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest

import main
from models import exchange, exchange_install, review
from models.app import ADMIN, CLERK, CLI_ACTOR, REVIEWER, Actor, App
from models.entries import Entries
from models.errors import DomainError, PermissionDenied
from models.exchange import import_package, import_packages, preview_package
from models.exchange_common import installation
from models.exchange_export import export_decisions, export_package
from models.exchange_install import install, installed_plan_path, make_install
from models.package_format import PackageRejected, dumps, mac_of, sha256
from models.plan_load import load_plan
from models.store import Store

UNIT = "区城管局"  # 2 tasks, 2 milestones, 2 indicator parts
MONTH = "2026-03"
OFFICE = Actor("office", REVIEWER, None, "办公室审核员")
ADMIN_ACTOR = Actor("admin", ADMIN, None, "管理员")


def clerk(unit: str = UNIT) -> Actor:
    return Actor(f"clerk-{unit}", CLERK, unit, f"{unit}填报员")


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (sorted), to prove a database did not change."""
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
    finally:
        conn.close()


def new_office(folder: Path) -> App:
    return App(Store(folder / "office" / "office.db"), load_plan())


def new_bureau(office: App, folder: Path, unit: str = UNIT) -> App:
    f = make_install(office, OFFICE, unit, folder / "inst" / f"{unit}.zsi")
    db = folder / "units" / unit / "unit.db"
    install(db, f, CLI_ACTOR)
    return App(Store(db), load_plan(installed_plan_path(db)))


def fill(b: App, unit: str = UNIT, month: str = MONTH, text: str = "本月推进", submit: bool = False) -> None:
    """Enter a month the way a unit's clerk does (every task, a milestone, an indicator, a project)."""
    e, ck = Entries(b), clerk(unit)
    tasks = b.tasks_of(unit)
    for task, _ in tasks:
        e.save_task_report(ck, task.code, unit, month, {"status": "推进中", "progress": f"{text}{task.code}",
                                                        "person": "张三", "deadline": "2026-12-31"})
    for code in b.milestones_of(unit)[:1]:
        e.save_milestone_value(ck, code, unit, month, "是" if b.plan.part(code).qualitative else "12",
                               note=text)
    for code in b.parts_of(unit)[:1]:
        e.save_indicator_value(ck, code, unit, month, "是" if b.plan.part(code).qualitative else "65",
                               source="统计年鉴")
    if tasks and not e.projects(CLI_ACTOR, unit, month):
        e.save_project(ck, unit, month, tasks[0][0].code,
                       {"name": f"{unit}示范项目", "ptype": "新建", "total_invest": "1000",
                        "year_plan_invest": "300", "cum_invest": "120", "progress": "主体施工"})
    if submit:
        e.submit(ck, unit, month)


def entries_of(a: App, unit: str = UNIT, month: str = MONTH) -> dict[str, list[tuple[Any, ...]]]:
    q = a.store.query
    return {
        "tasks": [tuple(r.values()) for r in q(
            "SELECT task_code, status, progress, person, deadline, updated_by FROM task_reports "
            "WHERE unit = ? AND month = ? ORDER BY task_code", (unit, month))],
        "miles": [tuple(r.values()) for r in q(
            "SELECT milestone_code, value, raw, note FROM milestone_values WHERE unit = ? AND month = ? "
            "ORDER BY milestone_code", (unit, month))],
        "inds": [tuple(r.values()) for r in q(
            "SELECT part_code, period, value, raw, source FROM indicator_values WHERE unit = ? AND month = ?",
            (unit, month))],
        "projects": [tuple(r.values()) for r in q(
            "SELECT p.uid, p.name, p.total_invest, pm.month, pm.cum_invest, pm.progress FROM projects p "
            "JOIN project_months pm ON pm.project_id = p.id WHERE p.unit = ? ORDER BY p.uid", (unit,))],
    }


def approve(office: App, unit: str = UNIT, month: str = MONTH, state: str = "approved",
            comment: str = "", at: str = "2099-01-01T00:00:00") -> None:
    """Record an office decision (stands in for the review service)."""
    with office.store.tx() as c:
        c.execute("UPDATE submissions SET state = ?, decided_at = ?, decided_by = 'office', comment = ?, "
                  "returns = returns + ? WHERE unit = ? AND month = ?",
                  (state, at, comment, 1 if state == "returned" else 0, unit, month))
        action = {"approved": "approve", "returned": "return"}.get(state, "reopen")
        c.execute("INSERT INTO review_events(at, actor, unit, month, action, comment) "
                  "VALUES (?, 'office', ?, ?, ?, ?)", (at, unit, month, action, comment))


def rewrite(src: Path, dst: Path, *, manifest: dict[str, Any] | None = None,
            content: dict[str, Any] | None = None, key: str | None = None, rehash: bool = True,
            drop: str = "") -> Path:
    """Copy a package changing its manifest or content; re-sign with ``key`` when given."""
    with zipfile.ZipFile(src) as z:
        files = {n: z.read(n) for n in z.namelist()}
    man = json.loads(files["manifest.json"])
    if content is not None:
        files["content.json"] = dumps(content)
        if rehash:
            body = files["content.json"]
            man.update(content_sha256=sha256(body), content_size=len(body))
            for m in man.get("members", []):
                if m["name"] == "content.json":
                    m.update(sha256=sha256(body), size=len(body))
    if manifest:
        man.update(manifest)
    if manifest is not None or (content is not None and rehash):
        files["manifest.json"] = dumps(man)
    if key is not None:
        files["signature.json"] = dumps({"alg": "HMAC-SHA256", "mac": mac_of(key, files["manifest.json"])})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in files.items():
            if n != drop:
                z.writestr(n, b)
    dst.write_bytes(buf.getvalue())
    return dst


def content_of(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("content.json"))


def key_of(office: App, unit: str = UNIT) -> str:
    return office.store.scalar("SELECT secret FROM unit_keys WHERE unit = ?", (unit,))


@pytest.fixture
def office(tmp_path: Path):
    a = new_office(tmp_path)
    yield a
    a.close()


@pytest.fixture
def bureau(office: App, tmp_path: Path):
    b = new_bureau(office, tmp_path)
    yield b
    b.close()


# -- installation ----------------------------------------------------------------------------------

def test_install_sets_identity_key_and_plan(office: App, tmp_path: Path) -> None:
    f = make_install(office, OFFICE, UNIT, tmp_path / "城管局.zsi")
    oid = office.settings.get("office_id")
    assert isinstance(oid, str) and len(oid) == 32
    key = key_of(office)
    assert len(bytes.fromhex(key)) == 32
    assert installation(office) is None
    db = tmp_path / "unit" / "unit.db"
    inst = install(db, f, CLI_ACTOR)
    assert inst["unit"] == UNIT and inst["office_id"] == oid
    assert inst["plan_id"] == office.plan.plan_id and inst["plan_version"] == office.plan.version
    assert inst["installed_at"]
    plan_file = installed_plan_path(db)
    assert plan_file is not None and plan_file.read_bytes() == Path(office.plan.path).read_bytes()
    b = App(Store(db), load_plan(plan_file))
    try:
        assert installation(b) == {k: v for k, v in inst.items() if k != "refused"} and inst["refused"] == []
        assert b.store.scalar("SELECT secret FROM unit_keys WHERE unit = ?", (UNIT,)) == key
        assert b.plan.digest == office.plan.digest
        assert b.settings.get("office_id") is None
        assert "安装文件" in b.store.scalar("SELECT detail FROM event_log ORDER BY id DESC LIMIT 1")
    finally:
        b.close()
    # a second installation file for the same unit keeps the key (old packages still verify)
    make_install(office, OFFICE, UNIT, tmp_path / "again.zsi")
    assert key_of(office) == key and office.settings.get("office_id") == oid
    assert install(db, tmp_path / "again.zsi", CLI_ACTOR)["unit"] == UNIT


def test_installed_plan_is_restored_from_database(office: App, tmp_path: Path) -> None:
    f = make_install(office, OFFICE, UNIT, tmp_path / "a.zsi")
    db = tmp_path / "u" / "u.db"
    install(db, f, CLI_ACTOR)
    plan_file = installed_plan_path(db)
    assert plan_file is not None
    plan_file.unlink()
    again = installed_plan_path(db)
    assert again == plan_file and again.read_bytes() == Path(office.plan.path).read_bytes()
    assert installed_plan_path(tmp_path / "none.db") is None


def test_install_refuses_other_unit_and_office_database(office: App, tmp_path: Path) -> None:
    a = make_install(office, OFFICE, UNIT, tmp_path / "a.zsi")
    other = make_install(office, OFFICE, "区科技局", tmp_path / "b.zsi")
    db = tmp_path / "u" / "u.db"
    install(db, a, CLI_ACTOR)
    before = dump(db)
    with pytest.raises(PackageRejected, match="已安装为“区城管局”"):
        install(db, other, CLI_ACTOR)
    assert dump(db) == before
    with pytest.raises(PackageRejected, match="办公室的数据库"):
        install(office, a, CLI_ACTOR)
    assert installation(office) is None


def test_install_is_an_administrators_action(office: App, tmp_path: Path) -> None:
    a = make_install(office, OFFICE, UNIT, tmp_path / "a.zsi")
    db = tmp_path / "u" / "u.db"
    for role, unit in ((CLERK, UNIT), (REVIEWER, None)):
        with pytest.raises(PermissionDenied, match="只有管理员"):
            install(db, a, Actor("someone", role, unit))
    assert not db.exists()  # refused before anything was written
    local_admin = Actor("本机管理员", ADMIN)
    assert install(db, a, local_admin)["unit"] == UNIT
    app = App(Store(db), load_plan(exchange_install.installed_plan_path(db)))
    assert app.store.one("SELECT actor FROM event_log WHERE kind = 'exchange'")["actor"] == "本机管理员"
    app.close()


def test_install_file_damaged_or_wrong_kind(office: App, bureau: App, tmp_path: Path) -> None:
    f = make_install(office, OFFICE, UNIT, tmp_path / "a.zsi")
    bad = rewrite(f, tmp_path / "bad.zsi", content={**content_of(f), "secret": "00"}, rehash=False)
    with pytest.raises(PackageRejected, match="内容校验失败"):
        install(tmp_path / "x" / "x.db", bad, CLI_ACTOR)
    pkg = export_package(bureau, clerk(), MONTH, tmp_path / "p.zsp")
    with pytest.raises(PackageRejected, match="不是安装文件"):
        install(tmp_path / "y" / "y.db", pkg, CLI_ACTOR)
    with pytest.raises(PackageRejected, match="是安装文件"):
        preview_package(office, CLI_ACTOR, f)


def test_permissions(office: App, bureau: App, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        make_install(office, clerk(), UNIT, tmp_path / "x.zsi")
    with pytest.raises(PermissionDenied):
        export_package(bureau, clerk("区科技局"), MONTH, tmp_path / "x.zsp")
    pkg = export_package(bureau, clerk(), MONTH, tmp_path / "p.zsp")
    with pytest.raises(PermissionDenied):
        import_package(office, clerk(), pkg)
    with pytest.raises(PermissionDenied):
        export_decisions(office, clerk(), UNIT, tmp_path / "d.zsp")
    with pytest.raises(DomainError, match="尚未导入安装文件"):
        export_package(office, ADMIN_ACTOR, MONTH, tmp_path / "o.zsp")
    with pytest.raises(DomainError, match="区城管局的填报电脑.*不能生成安装文件"):
        make_install(bureau, ADMIN_ACTOR, UNIT, tmp_path / "y.zsi")


# -- submission packages ---------------------------------------------------------------------------

def test_round_trip_unit_to_office(office: App, bureau: App, tmp_path: Path) -> None:
    fill(bureau, submit=True)
    pkg = export_package(bureau, clerk(), MONTH, tmp_path / "城管局-2026-03.zsp")
    with zipfile.ZipFile(pkg) as z:
        assert sorted(z.namelist()) == ["content.json", "manifest.json", "signature.json"]
        man = json.loads(z.read("manifest.json"))
    assert man["kind"] == "submission" and man["unit"] == UNIT and man["month"] == MONTH
    assert man["format_version"] == 1 and man["plan_digest"] == office.plan.digest
    assert man["counts"]["task_reports"] == 2 and man["counts"]["projects"] == 1
    before = dump(office.store.path)
    pv = preview_package(office, CLI_ACTOR, pkg)
    assert dump(office.store.path) == before
    # 2 task reports, 1 milestone, 1 indicator, 1 project, 1 project month, the submission state
    assert (pv.new, pv.updated, pv.unchanged, pv.conflicts) == (7, 0, 0, 0)
    assert pv.history_new > 0
    dry = import_package(office, OFFICE, pkg, dry_run=True)
    assert dry.new == 7 and not dry.applied and dump(office.store.path) == before
    res = import_package(office, OFFICE, pkg)
    assert res.applied and res.new == 7
    assert entries_of(office) == entries_of(bureau)
    assert Entries(office).state(CLI_ACTOR, UNIT, MONTH) == "submitted"
    cols = "at, actor, entity, entity_key, field, old, new"
    audit_b = bureau.store.query(f"SELECT {cols} FROM value_audit ORDER BY id")
    audit_o = office.store.query(f"SELECT {cols}, origin FROM value_audit "
                                 "WHERE unit = ? ORDER BY id", (UNIT,))
    assert [tuple(r.values()) for r in audit_b] == [tuple(r.values())[:7] for r in audit_o]
    assert {r["origin"] for r in audit_o} == {"package"}
    assert office.store.scalar("SELECT COUNT(*) FROM review_events WHERE unit = ? AND action = 'submit'",
                               (UNIT,)) == 1
    assert office.store.scalar("SELECT COUNT(*) FROM packages") == 1
    assert "导入报送包" in office.store.scalar("SELECT detail FROM event_log WHERE kind = 'exchange' "
                                             "ORDER BY id DESC LIMIT 1")
    # the same package again changes nothing, and so does a re-export of unchanged data
    before = dump(office.store.path)
    again = import_package(office, OFFICE, pkg)
    assert again.already_imported and not again.applied
    assert (again.new, again.updated, again.conflicts, again.history_new) == (0, 0, 0, 0)
    assert dump(office.store.path) == before
    pkg2 = export_package(bureau, clerk(), MONTH, tmp_path / "again.zsp")
    res2 = import_package(office, OFFICE, pkg2)
    assert (res2.new, res2.updated, res2.conflicts, res2.history_new) == (0, 0, 0, 0)
    assert res2.unchanged == 7


def test_newer_package_replaces_values_and_keeps_history(office: App, bureau: App, tmp_path: Path) -> None:
    fill(bureau, text="初稿")
    old_pkg = export_package(bureau, clerk(), MONTH, tmp_path / "v1.zsp")
    import_package(office, OFFICE, old_pkg)
    task = bureau.tasks_of(UNIT)[0][0].code
    Entries(bureau).save_task_report(clerk(), task, UNIT, MONTH, {"progress": "修改稿"})
    uid = Entries(bureau).projects(CLI_ACTOR, UNIT, MONTH)[0]["uid"]
    Entries(bureau).save_project(clerk(), UNIT, MONTH, task, {"cum_invest": "150"}, uid=uid)
    new_pkg = export_package(bureau, clerk(), MONTH, tmp_path / "v2.zsp")
    pv = preview_package(office, CLI_ACTOR, new_pkg)
    assert pv.updated == 2 and pv.new == 0 and pv.conflicts == 0
    assert {i.entity for i in pv.items if i.status == "updated"} == {"任务填报", "项目月度数据"}
    assert next(i.detail for i in pv.items if i.status == "updated" and i.entity == "任务填报") == "变更：本月进展情况"
    import_package(office, OFFICE, new_pkg)
    assert entries_of(office) == entries_of(bureau)
    hist = Entries(office).history(CLI_ACTOR, "task_report", task, "progress")
    assert [h["new"] for h in hist] == ["修改稿", f"初稿{task}"]
    # no duplicated audit rows
    n = office.store.scalar("SELECT COUNT(*) FROM value_audit WHERE unit = ?", (UNIT,))
    assert n == bureau.store.scalar("SELECT COUNT(*) FROM value_audit")
    # the older package arriving late does not bring the old values back
    office.store.execute("DELETE FROM packages WHERE digest = ?",
                         (preview_package(office, CLI_ACTOR, old_pkg).digest,))
    before = dump(office.store.path)
    late = import_package(office, OFFICE, old_pkg)
    assert late.older == 2 and not late.applied and "较旧" in late.conflict_reason  # each value: newer wins
    assert dump(office.store.path) == before


def test_approved_month_is_not_overwritten(office: App, bureau: App, tmp_path: Path) -> None:
    fill(bureau, submit=True)
    import_package(office, OFFICE, export_package(bureau, clerk(), MONTH, tmp_path / "v1.zsp"))
    review.approve(office, OFFICE, UNIT, MONTH)
    # the unit changes a value anyway (its PC has not heard of the approval)
    with bureau.store.tx() as c:
        c.execute("UPDATE submissions SET state = 'returned', decided_at = '2000-01-01' WHERE unit = ?",
                  (UNIT,))
    task = bureau.tasks_of(UNIT)[0][0].code
    Entries(bureau).save_task_report(clerk(), task, UNIT, MONTH, {"progress": "审核后又改"})
    pkg = export_package(bureau, clerk(), MONTH, tmp_path / "v2.zsp")
    before = dump(office.store.path)
    res = import_package(office, OFFICE, pkg)
    assert res.conflicts >= 1 and not res.applied and "审核通过" in res.conflict_reason
    assert any(i.status == "conflict" and i.key == task for i in res.items)
    assert dump(office.store.path) == before
    # the office reopens the month (review service), then the same package imports
    review.reopen(office, OFFICE, UNIT, MONTH, "请补充")
    res = import_package(office, OFFICE, pkg)
    assert res.applied and res.updated >= 1
    assert office.store.scalar("SELECT progress FROM task_reports WHERE unit = ? AND task_code = ?",
                               (UNIT, task)) == "审核后又改"
    assert Entries(office).state(CLI_ACTOR, UNIT, MONTH) == "returned"


def test_import_never_deletes(office: App, bureau: App, tmp_path: Path) -> None:
    fill(bureau)
    import_package(office, OFFICE, export_package(bureau, clerk(), MONTH, tmp_path / "v1.zsp"))
    # a package with fewer rows (e.g. from a restored unit PC) leaves the office's rows alone
    pkg = export_package(bureau, clerk(), MONTH, tmp_path / "v2.zsp")
    c = content_of(pkg)
    c["task_reports"] = c["task_reports"][:1]
    c["projects"] = []
    thin = rewrite(pkg, tmp_path / "thin.zsp", content=c, key=key_of(office),
                   manifest={"created_at": "2099-01-01T00:00:00"})
    before = entries_of(office)
    res = import_package(office, OFFICE, thin)
    assert res.applied
    assert entries_of(office) == before


def _reject_case(office: App, path: Path, pattern: str) -> None:
    before = dump(office.store.path)
    with pytest.raises(PackageRejected, match=pattern) as ei:
        import_package(office, OFFICE, path)
    assert "数据库未作任何修改" in str(ei.value)
    assert dump(office.store.path) == before


def test_rejections(office: App, bureau: App, tmp_path: Path) -> None:
    fill(bureau)
    pkg = export_package(bureau, clerk(), MONTH, tmp_path / "good.zsp")
    key = key_of(office)
    # unknown unit: an office that never made an installation file for it
    other_office = new_office(tmp_path / "other")
    try:
        make_install(other_office, OFFICE, "区科技局", tmp_path / "k.zsi")
        _reject_case(other_office, pkg, "未知单位“区城管局”")
    finally:
        other_office.close()
    # signed with the wrong key
    _reject_case(office, rewrite(pkg, tmp_path / "k.zsp", key="11" * 32), "签名校验失败")
    # altered after signing: the manifest (month), or the content (hash no longer matches)
    _reject_case(office, rewrite(pkg, tmp_path / "m.zsp", manifest={"month": "2026-04"}), "签名校验失败")
    c = content_of(pkg)
    c["task_reports"][0]["progress"] = "篡改"
    _reject_case(office, rewrite(pkg, tmp_path / "c.zsp", content=c, rehash=False), "内容校验失败")
    _reject_case(office, rewrite(pkg, tmp_path / "s.zsp", drop="signature.json"), "没有有效的签名")
    # entries of another unit, even when signed with the unit's own key
    c = content_of(pkg)
    c["task_reports"][0]["unit"] = "区发改委"
    _reject_case(office, rewrite(pkg, tmp_path / "u.zsp", content=c, key=key), "其他单位（区发改委）")
    c = content_of(pkg)
    c["task_reports"][0]["task_code"] = "1.1"  # a task of other units
    _reject_case(office, rewrite(pkg, tmp_path / "t.zsp", content=c, key=key), "不属于区城管局的任务1.1")
    c = content_of(pkg)
    c["indicator_values"][0]["part_code"] = "I01"
    _reject_case(office, rewrite(pkg, tmp_path / "i.zsp", content=c, key=key), "区发改委）负责的指标I01")
    # a plan the office does not know
    _reject_case(office, rewrite(pkg, tmp_path / "p.zsp", key=key, manifest={"plan_id": "other-2024",
                                                                               "plan_version": "2024-01-01"}),
                 r"“other-2024” 版本 2024-01-01.*“zhushan-2023” 版本 2023-08-17")
    _reject_case(office, rewrite(pkg, tmp_path / "d.zsp", key=key, manifest={"plan_digest": "ab" * 32,
                                                                               "plan_version": "2025-01-01"}),
                 r"计划版本“zhushan-2023” 版本 2025-01-01.*本机不认识.*版本 2023-08-17")
    # a newer format, garbage, a missing file
    _reject_case(office, rewrite(pkg, tmp_path / "f.zsp", key=key, manifest={"format_version": 2}),
                 "格式版本为 2")
    (tmp_path / "junk.zsp").write_bytes(b"PK\x03\x04 not really a zip")
    _reject_case(office, tmp_path / "junk.zsp", "不是有效的数据交换文件")
    with pytest.raises(PackageRejected, match="无法读取文件 missing.zsp：文件不存在。$"):
        import_package(office, OFFICE, tmp_path / "missing.zsp")
    (tmp_path / "folder.zsp").mkdir()
    with pytest.raises(PackageRejected, match="无法读取文件 folder.zsp：") as ei:
        import_package(office, OFFICE, tmp_path / "folder.zsp")
    assert not re.search(r"[A-Za-z]{3,}", str(ei.value).replace("folder.zsp", ""))  # no English OS text


def test_other_office_package_rejected(office: App, tmp_path: Path) -> None:
    """Same unit name and a key of another office: the signature does not verify."""
    other = new_office(tmp_path / "o2")
    try:
        b = new_bureau(other, tmp_path / "o2")
        fill(b)
        pkg = export_package(b, clerk(), MONTH, tmp_path / "o2.zsp")
        b.close()
        make_install(office, OFFICE, UNIT, tmp_path / "mine.zsi")
        _reject_case(office, pkg, "签名校验失败")
    finally:
        other.close()


def test_package_rejected_on_unit_pc(bureau: App, tmp_path: Path) -> None:
    pkg = export_package(bureau, clerk(), MONTH, tmp_path / "p.zsp")
    with pytest.raises(PackageRejected, match="不能在单位电脑上导入"):
        preview_package(bureau, CLI_ACTOR, pkg)


def test_failure_rolls_back_that_package_only(office: App, bureau: App, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    fill(bureau)
    good = export_package(bureau, clerk(), MONTH, tmp_path / "good.zsp")
    c = content_of(good)
    c["task_reports"][0]["updated_by"] = None  # passes nothing: shape check refuses
    bad = rewrite(good, tmp_path / "bad.zsp", content=c, key=key_of(office))
    results = import_packages(office, OFFICE, [bad, good])
    refused = results[0][1].refused  # type: ignore[union-attr]
    assert len(refused) == 1 and "类型不对" in refused[0].text()  # that row refused, the rest landed
    assert results[1][1].applied  # type: ignore[union-attr]
    # a database error in the middle of applying undoes the whole package
    fill(bureau, month="2026-04")
    pkg = export_package(bureau, clerk(), "2026-04", tmp_path / "apr.zsp")
    before = dump(office.store.path)
    real = exchange._load_package

    def broken(app: App, actor: Actor, path: Any) -> Any:
        work = real(app, actor, path)
        work.ops.append(("INSERT INTO no_such_table VALUES (1)", ()))
        return work

    monkeypatch.setattr(exchange, "_load_package", broken)
    with pytest.raises(PackageRejected, match="已撤销"):
        import_package(office, OFFICE, pkg)
    assert dump(office.store.path) == before


def test_backup_is_taken_before_applying(office: App, bureau: App, tmp_path: Path) -> None:
    from models.backup import list_backups
    fill(bureau)
    pkg = export_package(bureau, clerk(), MONTH, tmp_path / "p.zsp")
    before = len(list_backups(office.store.path))
    import_package(office, OFFICE, pkg, dry_run=True)
    assert len(list_backups(office.store.path)) == before
    import_package(office, OFFICE, pkg)
    backups = list_backups(office.store.path)
    assert len(backups) == before + 1
    import_package(office, OFFICE, pkg)  # nothing to apply: no backup
    assert len(list_backups(office.store.path)) == before + 1


# -- decisions (office → unit) ---------------------------------------------------------------------

def test_decisions_round_trip(office: App, bureau: App, tmp_path: Path) -> None:
    fill(bureau, submit=True)
    bureau.store.execute("UPDATE submissions SET submitted_at = '2020-01-01T00:00:00'")  # long ago
    import_package(office, OFFICE, export_package(bureau, clerk(), MONTH, tmp_path / "p.zsp"))
    approve(office, state="returned", comment="请补充项目投资数据", at="2020-02-01T00:00:00")
    office.settings.set("due_day", 8)
    office.settings.set("briefing_copies", 99)
    office.add_street(ADMIN_ACTOR, "新村街道")
    dec = export_decisions(office, OFFICE, UNIT, tmp_path / "回执.zsp")
    pv = preview_package(bureau, CLI_ACTOR, dec)
    assert {(i.entity, i.status) for i in pv.items if i.status != "unchanged"} == {
        ("审核结果", "updated"), ("设置", "updated"), ("街道", "new")}
    res = import_package(bureau, clerk(), dec)
    assert res.applied
    sub = Entries(bureau).submission(CLI_ACTOR, UNIT, MONTH)
    assert sub["state"] == "returned" and sub["comment"] == "请补充项目投资数据"
    assert bureau.settings.get("due_day") == 8
    assert bureau.settings.get("briefing_copies") == 30  # office-only setting stays
    assert "新村街道" in bureau.streets()
    assert bureau.store.scalar("SELECT COUNT(*) FROM review_events WHERE action = 'return'") == 1
    # the unit corrects and resubmits; the office's returned state moves to submitted
    task = bureau.tasks_of(UNIT)[0][0].code
    Entries(bureau).save_task_report(clerk(), task, UNIT, MONTH, {"progress": "已补充"})
    Entries(bureau).submit(clerk(), UNIT, MONTH)
    import_package(office, OFFICE, export_package(bureau, clerk(), MONTH, tmp_path / "p2.zsp"))
    assert Entries(office).state(CLI_ACTOR, UNIT, MONTH) == "submitted"
    # an old decisions package does not undo the resubmission
    again = import_package(bureau, clerk(), dec)
    assert not again.applied and Entries(bureau).state(CLI_ACTOR, UNIT, MONTH) == "submitted"
    approve(office, at="2099-02-01T00:00:00")
    import_package(bureau, clerk(), export_decisions(office, OFFICE, UNIT, tmp_path / "d2.zsp"))
    assert Entries(bureau).state(CLI_ACTOR, UNIT, MONTH) == "approved"


def test_decisions_carry_plan_update(office: App, bureau: App, tmp_path: Path) -> None:
    text = Path(office.plan.path).read_text(encoding="utf-8").replace(
        'version = "2023-08-17"', 'version = "2023-08-17a"', 1)
    new_plan_file = tmp_path / "plan2.toml"
    new_plan_file.write_text(text, encoding="utf-8")
    office2 = App(Store(office.store.path), load_plan(new_plan_file), accept_plan_update=True)
    try:
        dec = export_decisions(office2, OFFICE, UNIT, tmp_path / "d.zsp")
        pv = preview_package(bureau, CLI_ACTOR, dec)
        assert any(i.entity == "计划文件" and "2023-08-17a" in i.detail for i in pv.items)
        import_package(bureau, clerk(), dec)
        assert bureau.plan.version == "2023-08-17a"
        plan_file = installed_plan_path(bureau.store.path)
        assert plan_file is not None and load_plan(plan_file).version == "2023-08-17a"
        assert installation(bureau)["plan_version"] == "2023-08-17a"  # type: ignore[index]
        # the unit's next package is under the new plan and the office accepts it
        fill(bureau)
        res = import_package(office2, OFFICE, export_package(bureau, clerk(), MONTH, tmp_path / "p.zsp"))
        assert res.applied
        # the office still knows the previous plan version it had issued
        office.settings.invalidate()
        assert preview_package(office, CLI_ACTOR, tmp_path / "p.zsp").unchanged > 0
    finally:
        office2.close()


def test_decisions_rejections(office: App, bureau: App, tmp_path: Path) -> None:
    dec = export_decisions(office, OFFICE, UNIT, tmp_path / "d.zsp")
    before = dump(bureau.store.path)
    with pytest.raises(PackageRejected, match="签名校验失败"):
        import_package(bureau, clerk(), rewrite(dec, tmp_path / "k.zsp", key="22" * 32))
    c = content_of(dec)
    c["submissions"] = [{"unit": "区发改委", "month": MONTH, "state": "approved", "submitted_at": "",
                         "submitted_by": "", "decided_at": "2099", "decided_by": "x", "comment": "",
                         "returns": 0, "updated_at": ""}]
    with pytest.raises(PackageRejected, match="其他单位"):
        import_package(bureau, clerk(), rewrite(dec, tmp_path / "u.zsp", content=c, key=key_of(office)))
    other = new_bureau(office, tmp_path / "b2", "区科技局")
    try:
        with pytest.raises(PackageRejected, match="是发给“区城管局”的"):
            import_package(other, clerk("区科技局"), dec)
    finally:
        other.close()
    with pytest.raises(PackageRejected, match="只能在已导入安装文件的单位电脑上导入"):
        import_package(office, OFFICE, dec)
    with pytest.raises(PermissionDenied):
        import_package(bureau, clerk("区科技局"), dec)
    assert dump(bureau.store.path) == before


# -- many units at once ----------------------------------------------------------------------------

def test_25_units_one_month(office: App, tmp_path: Path) -> None:
    for i in range(6):
        office.add_street(ADMIN_ACTOR, f"第{i + 1}街道")
    units = office.reporting_units()
    assert len(units) >= 25
    units = units[:25]
    pkgs = []
    for u in units:
        b = new_bureau(office, tmp_path, u)
        try:
            fill(b, unit=u, submit=True)
            pkgs.append(export_package(b, clerk(u), MONTH, tmp_path / "pk" / f"{u}-{MONTH}.zsp"))
        finally:
            b.close()
    previews = import_packages(office, OFFICE, pkgs, dry_run=True)
    assert all(not isinstance(r, DomainError) for _, r in previews)
    results = import_packages(office, OFFICE, pkgs)
    assert all(r.applied for _, r in results)  # type: ignore[union-attr]
    assert office.store.scalar("SELECT COUNT(*) FROM packages WHERE month = ?", (MONTH,)) == 25
    assert office.store.scalar("SELECT COUNT(DISTINCT unit) FROM submissions WHERE month = ?", (MONTH,)) == 25
    streets = [u for u in units if office.is_street(u)]
    assert streets and office.store.scalar("SELECT COUNT(*) FROM task_reports WHERE unit = ?",
                                           (streets[0],)) == len(office.tasks_of(streets[0]))


# -- command line ----------------------------------------------------------------------------------

def test_cli_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odb, udb = str(tmp_path / "o" / "office.db"), str(tmp_path / "u" / "unit.db")
    zsi, zsp = str(tmp_path / "城管局.zsi"), str(tmp_path / "城管局-2026-03.zsp")
    assert main.main(["--db", odb, "make-install", "--unit", UNIT, "-o", zsi]) == 0
    assert main.main(["--db", udb, "install", zsi]) == 0
    assert "本机作为“区城管局”使用" in capsys.readouterr().out
    b = App(Store(udb), load_plan(installed_plan_path(udb)))
    fill(b)
    b.close()
    assert main.main(["--db", udb, "export-package", "--month", MONTH, "-o", zsp]) == 0
    assert main.main(["--db", udb, "export-package", "--month", "2026-13", "-o", zsp]) == 2
    assert "格式不对" in capsys.readouterr().err
    before = dump(Path(odb))
    junk = tmp_path / "坏包.zsp"
    junk.write_bytes(b"garbage")
    assert main.main(["--db", odb, "import-package", zsp, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "新增 7 项" in out and "预览" in out and "[新增] 任务填报" in out
    assert dump(Path(odb)) == before
    assert main.main(["--db", odb, "import-package", str(junk), zsp]) == 1
    cap = capsys.readouterr()
    assert "坏包.zsp" in cap.err and "已拒绝" in cap.err and "已导入" in cap.out
    o = App(Store(odb), load_plan())
    assert o.store.scalar("SELECT COUNT(*) FROM task_reports WHERE unit = ?", (UNIT,)) == 2
    o.close()
    dec = str(tmp_path / "回执.zsp")
    assert main.main(["--db", odb, "export-decisions", "--unit", UNIT, "-o", dec]) == 0
    assert main.main(["--db", udb, "import-package", dec]) == 0
    assert "回执包" in capsys.readouterr().out
    assert main.main(["--db", odb, "export-decisions", "--unit", "区科技局", "-o", dec]) == 1
    assert "尚未为“区科技局”生成安装文件" in capsys.readouterr().err
    assert main.main(["--db", odb, "make-install", "--unit", "不存在局", "-o", zsi]) == 2
    assert "“不存在局”不是填报单位" in capsys.readouterr().err
    with pytest.raises(SystemExit) as ei:
        main.main(["--db", odb, "import-package"])
    assert ei.value.code == 2


# -- the 数据交换 page ---------------------------------------------------------------------------------

class FakeDialogs:
    def __init__(self) -> None:
        self.save: list[str] = []
        self.open: list[list[str]] = []
        self.written: list[Path] = []  # files the page offered to open

    def save_path(self, parent: Any, title: str, suggested: str, filter_: str) -> str:
        return self.save.pop(0)

    def open_paths(self, parent: Any, title: str, filter_: str) -> list[str]:
        return self.open.pop(0)

    def open_path(self, parent: Any, title: str, filter_: str) -> str:
        return self.open.pop(0)[0]

    def done(self, parent: Any, title: str, text: str, path: Path) -> None:
        self.written.append(Path(path))


def _view(qtbot: Any, app: App, actor: Actor) -> Any:
    from ui.exchange_view import ExchangeView
    w = ExchangeView(app, actor)
    qtbot.addWidget(w)
    w.dialogs = FakeDialogs()
    w.resize(1100, 700)
    w.show()
    return w


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_page_office_previews_then_imports(qtbot: Any, office: App, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt
    w = _view(qtbot, office, OFFICE)
    assert w.office_box.isVisible() and not w.export_box.isVisible() and not w.install_box.isVisible()
    # make an installation file from the page
    w.unit_combo.setCurrentText(UNIT)
    w.dialogs.save.append(str(tmp_path / "城管局.zsi"))
    qtbot.mouseClick(w.make_btn, Qt.MouseButton.LeftButton)
    assert (tmp_path / "城管局.zsi").is_file() and "已生成" in w.message.text()
    db = tmp_path / "u" / "u.db"
    install(db, tmp_path / "城管局.zsi", CLI_ACTOR)
    b = App(Store(db), load_plan(installed_plan_path(db)))
    try:
        fill(b)
        good = export_package(b, clerk(), MONTH, tmp_path / "good.zsp")
    finally:
        b.close()
    junk = tmp_path / "junk.zsp"
    junk.write_bytes(b"not a package")
    before = dump(office.store.path)
    w.dialogs.open.append([str(good), str(junk)])
    qtbot.mouseClick(w.choose_btn, Qt.MouseButton.LeftButton)
    rows = w.files_model.rows
    assert [r["file"] for r in rows] == ["good.zsp", "junk.zsp"]
    assert rows[0]["new"] == 7 and rows[0]["note"] == "待确认导入"
    assert rows[1]["error"] and "已拒绝" in rows[1]["note"]
    assert any(r["entity"] == "任务填报" and r["status"] == "new" for r in w.detail_model.rows)
    assert w.confirm_btn.isEnabled() and dump(office.store.path) == before
    w.files.selectRow(1)
    qtbot.waitUntil(lambda: w.detail_model.rows and w.detail_model.rows[0]["entity"] == "已拒绝")
    qtbot.mouseClick(w.confirm_btn, Qt.MouseButton.LeftButton)
    assert w.files_model.rows[0]["note"] == "已导入"
    assert "1 个数据包已写入" in w.message.text() and "1 个被拒绝" in w.message.text()
    assert office.store.scalar("SELECT COUNT(*) FROM task_reports WHERE unit = ?", (UNIT,)) == 2
    assert not w.confirm_btn.isEnabled()
    # decisions for the unit from the same page
    w.dialogs.save.append(str(tmp_path / "回执.zsp"))
    qtbot.mouseClick(w.decisions_btn, Qt.MouseButton.LeftButton)
    assert (tmp_path / "回执.zsp").is_file() and "回执包" in w.message.text()
    assert w.dialogs.written[-1] == tmp_path / "回执.zsp"  # offered to open it or its folder


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_page_unit_installs_exports_and_imports_decisions(qtbot: Any, office: App, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel
    zsi = make_install(office, OFFICE, UNIT, tmp_path / "a.zsi")
    b = App(Store(tmp_path / "u" / "u.db"), load_plan())
    try:
        w = _view(qtbot, b, ADMIN_ACTOR)
        # a fresh PC opened by an administrator reads as the office's PC; turning it into a
        # bureau's PC is offered below, for the bureau's computer only
        assert "本机是领导小组办公室的电脑" in w.identity.text() and "填报电脑" not in w.identity.text()
        assert w.install_box.isVisible() and "办公室的电脑不要导入" in w.install_box.findChild(QLabel).text()
        w.dialogs.open.append([str(zsi)])
        qtbot.mouseClick(w.install_btn, Qt.MouseButton.LeftButton)
        assert "本机作为“区城管局”使用" in w.message.text()
        assert w.export_box.isVisible() and not w.install_box.isVisible() and not w.office_box.isVisible()
        fill(b)
        cw = _view(qtbot, b, clerk())
        cw.month_combo.set_month(MONTH)
        cw.dialogs.save.append(str(tmp_path / "p.zsp"))
        qtbot.mouseClick(cw.export_btn, Qt.MouseButton.LeftButton)
        assert "已导出2026年3月的报送包" in cw.message.text()
        import_package(office, OFFICE, tmp_path / "p.zsp")
        approve(office, state="returned", comment="请补充")
        export_decisions(office, OFFICE, UNIT, tmp_path / "d.zsp")
        cw.dialogs.open.append([str(tmp_path / "d.zsp")])
        qtbot.mouseClick(cw.choose_btn, Qt.MouseButton.LeftButton)
        assert cw.files_model.rows[0]["updated"] >= 1
        qtbot.mouseClick(cw.confirm_btn, Qt.MouseButton.LeftButton)
        assert Entries(b).submission(CLI_ACTOR, UNIT, MONTH)["comment"] == "请补充"
        # a clerk of another unit is refused with a message, not a crash
        other = _view(qtbot, b, clerk("区科技局"))
        other.dialogs.save.append(str(tmp_path / "x.zsp"))
        qtbot.mouseClick(other.export_btn, Qt.MouseButton.LeftButton)
        assert "失败" in other.message.text() and not (tmp_path / "x.zsp").exists()
    finally:
        b.close()


def test_page_in_main_window(qtbot: Any, office: App) -> None:
    from ui.main_window import MainWindow
    win = MainWindow(office, OFFICE)
    qtbot.addWidget(win)
    page = win.show_page("exchange")
    assert page.title == "数据交换" and page.actor == OFFICE
