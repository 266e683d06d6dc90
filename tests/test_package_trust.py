"""What a signed package may say: it only submits, its rows pass the forms' checks, newer wins,
and it is read within bounds before it can cost memory.

Two real databases in temp folders (the office's and a unit's), packages re-signed with the
unit's real key as a tampered unit PC could send them; also through the command line.
"""

from __future__ import annotations

import io
import json
import time
import tracemalloc
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest

import main
from models import review
from models.app import cli_actor
from models.entries import Entries
from models.errors import PermissionDenied
from models.exchange import import_package, preview_package
from models.exchange_export import export_package
from models.package_format import MAX_CONTENT, PackageRejected, dumps, mac_of, sha256
from tests.test_exchange import (MONTH, OFFICE, UNIT, clerk, content_of, dump, fill, key_of, new_bureau, new_office,
                                 rewrite)


@pytest.fixture
def pair(tmp_path: Path) -> Any:
    office = new_office(tmp_path)
    bureau = new_bureau(office, tmp_path)
    yield office, bureau
    bureau.close()
    office.close()


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    rc = main.main(list(args))
    out = capsys.readouterr()
    return rc, out.out + out.err


# -- a package only submits ----------------------------------------------------------------------

def test_a_bureau_cannot_approve_and_a_package_cannot_claim_approval(pair: Any, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    office, bureau = pair
    fill(bureau, submit=True)
    with pytest.raises(PermissionDenied, match="填报电脑"):
        review.approve(bureau, cli_actor(bureau), UNIT, MONTH)  # the bureau's own administrator
    pkg = export_package(bureau, clerk(), MONTH, tmp_path / "p.zsp")
    c = content_of(pkg)
    c["submission"].update(state="approved", decided_at="2026-04-02T09:00:00", decided_by="office",
                           comment="自己批的", returns=0)
    c["review_events"].append({"at": "2026-04-02T09:00:00", "actor": "office", "unit": UNIT, "month": MONTH,
                               "action": "approve", "comment": "自己批的"})
    forged = rewrite(pkg, tmp_path / "forged.zsp", content=c, key=key_of(office))
    rc, text = _run(capsys, "--db", str(office.store.path), "import-package", str(forged))
    assert rc == 1 and "Traceback" not in text
    assert "审核结果只能由领导小组办公室作出" in text and "“审核通过”只能由领导小组办公室作出" in text
    office.invalidate()
    sub = office.store.one("SELECT * FROM submissions WHERE unit = ? AND month = ?", (UNIT, MONTH))
    assert sub is not None and sub["state"] == "draft" and sub["decided_by"] == "" and sub["comment"] == ""
    assert office.store.scalar("SELECT COUNT(*) FROM review_events WHERE action <> 'submit'") == 0
    # the rest of the package landed
    assert office.store.scalar("SELECT COUNT(*) FROM task_reports WHERE unit = ?", (UNIT,)) == 2


def test_the_offices_own_decision_carried_back_is_no_refusal(pair: Any, tmp_path: Path) -> None:
    """A unit that imported the office's approval exports it again: nothing to refuse or take."""
    from models.exchange_export import export_decisions
    office, bureau = pair
    fill(bureau, submit=True)
    import_package(office, OFFICE, export_package(bureau, clerk(), MONTH, tmp_path / "1.zsp"))
    review.approve(office, OFFICE, UNIT, MONTH, "很好")
    import_package(bureau, clerk(), export_decisions(office, OFFICE, UNIT, tmp_path / "d.zsp"))
    again = import_package(office, OFFICE, export_package(bureau, clerk(), MONTH, tmp_path / "2.zsp"))
    assert again.refused == [] and Entries(office).state(OFFICE, UNIT, MONTH) == "approved"


# -- every row checked with the forms' fields -----------------------------------------------------

def test_rows_are_checked_with_the_forms_and_the_rest_lands(pair: Any, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    office, bureau = pair
    fill(bureau)
    pkg = export_package(bureau, clerk(), MONTH, tmp_path / "p.zsp")
    c = content_of(pkg)
    tasks = {t["task_code"]: t for t in c["task_reports"]}
    tasks["6.3"]["status"] = "乱写的状态"
    m1 = c["milestone_values"][0]
    c["milestone_values"].append(dict(m1, milestone_code="6.4-M2", value=1e308, raw="1e308"))
    ind = c["indicator_values"][0]
    ind.update(value=-5.0, raw="-5")
    c["indicator_values"].append(dict(ind, part_code="I06b", period="1999", value=1.0, raw="是"))
    project = c["projects"][0]
    project["content"] = "长" * 200_000
    c["projects"].append(dict(project, uid=uuid.uuid4().hex, name="明天开工的项目", content="", plan_start="明天",
                              months=[]))
    bad = rewrite(pkg, tmp_path / "bad.zsp", content=c, key=key_of(office))
    rc, text = _run(capsys, "--db", str(office.store.path), "import-package", str(bad))
    assert rc == 1 and "Traceback" not in text
    for expected in ("任务6.3（完成状态）：完成状态“乱写的状态”无效", "里程碑6.4-M2（填报值）",
                     "指标I06a@2026（填报值）", "不能为负数", "指标I06b@1999（期间）", "不在方案的期间内",
                     "（建设内容）：建设内容过长", "（计划开工）：计划开工格式不对"):
        assert expected in text, expected
    assert text.count("拒绝：") == 6
    office.invalidate()
    e = Entries(office)
    assert e.task_report(OFFICE, "6.3", UNIT, MONTH)["updated_at"] == ""  # refused
    assert e.task_report(OFFICE, "6.4", UNIT, MONTH)["progress"]  # landed
    assert e.milestone_value(OFFICE, "6.4-M1", UNIT, MONTH)["raw"] == "是"
    assert e.milestone_value(OFFICE, "6.4-M2", UNIT, MONTH) is None
    assert office.store.scalar("SELECT COUNT(*) FROM indicator_values") == 0
    assert office.store.scalar("SELECT COUNT(*) FROM projects") == 0
    assert office.store.scalar("SELECT MAX(length(content)) FROM projects") is None


def test_a_figure_must_match_its_typed_text(pair: Any, tmp_path: Path) -> None:
    office, bureau = pair
    fill(bureau)
    pkg = export_package(bureau, clerk(), MONTH, tmp_path / "p.zsp")
    c = content_of(pkg)
    c["indicator_values"][0]["value"] = 99.0  # raw still says 65
    pv = import_package(office, OFFICE, rewrite(pkg, tmp_path / "x.zsp", content=c, key=key_of(office)))
    assert [r.field for r in pv.refused] == ["数值"] and "不一致" in pv.refused[0].why


# -- newer wins across months ------------------------------------------------------------------------

def test_an_older_package_never_overwrites_a_newer_value(pair: Any, tmp_path: Path) -> None:
    """September's package imported after October's does not take back the annual value
    October delivered for the same indicator and period."""
    office, bureau = pair
    e, ck = Entries(bureau), clerk()
    e.save_indicator_value(ck, "I06a", UNIT, "2026-09", "61")
    sep = export_package(bureau, ck, "2026-09", tmp_path / "sep.zsp")
    e.save_indicator_value(ck, "I06a", UNIT, "2026-10", "63")
    oct_ = export_package(bureau, ck, "2026-10", tmp_path / "oct.zsp")
    import_package(office, OFFICE, oct_)
    pv = import_package(office, OFFICE, sep)
    assert office.store.scalar("SELECT value FROM indicator_values WHERE part_code = 'I06a' AND period = '2026'") == 63
    older = [i for i in pv.items if i.status == "older"]
    assert [i.key for i in older] == ["I06a@2026"] and "未采用" in older[0].detail
    assert "较旧未采用 1 项" in pv.summary()


# -- read within bounds, signature before content ----------------------------------------------------

def _zip(files: dict[str, bytes], level: int = 9) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for n, b in files.items():
            z.writestr(n, b)
    return buf.getvalue()


def _manifest(pkg: Path, body: bytes, **more: Any) -> dict[str, Any]:
    with zipfile.ZipFile(pkg) as z:
        man = json.loads(z.read("manifest.json"))
    man.update(content_sha256=sha256(body), content_size=len(body),
               members=[{"name": "content.json", "size": len(body), "sha256": sha256(body)}], **more)
    return man


def _refused_cheaply(office: Any, path: Path, match: str) -> None:
    """Refused with ``match``, in well under a second of work and a few MB of memory."""
    before = dump(office.store.path)
    tracemalloc.start()
    t0 = time.process_time()
    try:
        with pytest.raises(PackageRejected, match=match):
            import_package(office, OFFICE, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, peak  # the package's own size is a few MB at most
    assert time.process_time() - t0 < 5
    assert dump(office.store.path) == before


def test_hostile_packages_are_refused_before_they_cost_memory(pair: Any, tmp_path: Path) -> None:
    office, bureau = pair
    fill(bureau)
    pkg = export_package(bureau, clerk(), MONTH, tmp_path / "p.zsp")
    key = key_of(office)
    # a zip bomb under a wrong signature: never decompressed
    bomb = b"[" + b"0," * (40 * 1024 * 1024) + b"0]"
    man = dumps(_manifest(pkg, bomb))
    f = tmp_path / "bomb.zsp"
    f.write_bytes(_zip({"manifest.json": man, "content.json": bomb,
                        "signature.json": dumps({"alg": "HMAC-SHA256", "mac": "0" * 64})}))
    assert f.stat().st_size < 200 * 1024
    _refused_cheaply(office, f, "压缩比异常|过大")
    # the same under a right signature (a unit PC's own key): the size is refused before unpacking
    f2 = tmp_path / "bomb-signed.zsp"
    f2.write_bytes(_zip({"manifest.json": man, "content.json": bomb,
                         "signature.json": dumps({"alg": "HMAC-SHA256", "mac": mac_of(key, man)})}))
    _refused_cheaply(office, f2, "压缩比异常|过大")
    # a valid-looking package whose content is fine in size but not signed by the unit's key
    body = json.dumps(content_of(pkg)).encode()
    forged = dumps(_manifest(pkg, body))
    f3 = tmp_path / "unsigned.zsp"
    f3.write_bytes(_zip({"manifest.json": forged, "content.json": body,
                         "signature.json": dumps({"alg": "HMAC-SHA256", "mac": mac_of("00" * 32, forged)})}))
    _refused_cheaply(office, f3, "签名校验失败")
    # a huge manifest, too many members, an unlisted member, deeply nested signed JSON
    f4 = tmp_path / "manifest.zsp"
    f4.write_bytes(_zip({"manifest.json": b'{"x": "' + b"a" * (2 * 1024 * 1024) + b'"}'}))
    _refused_cheaply(office, f4, "manifest.json")
    f5 = tmp_path / "many.zsp"
    f5.write_bytes(_zip({f"m{i}": b"" for i in range(40)}))
    _refused_cheaply(office, f5, "过多")
    with zipfile.ZipFile(pkg) as z:
        files = {n: z.read(n) for n in z.namelist()}
    f6 = tmp_path / "extra.zsp"
    f6.write_bytes(_zip({**files, "payload.exe": b"MZ" * 100}))
    _refused_cheaply(office, f6, "不在清单中")
    deep = b"[" * 100_000 + b"]" * 100_000
    man7 = dumps(_manifest(pkg, deep))
    f7 = tmp_path / "deep.zsp"
    f7.write_bytes(_zip({"manifest.json": man7, "content.json": deep,
                         "signature.json": dumps({"alg": "HMAC-SHA256", "mac": mac_of(key, man7)})}))
    _refused_cheaply(office, f7, "content.json 无法解析")
    # declared size above the cap, and a content of many small objects (signed)
    objs = b"[" + b"{}," * 400_000 + b"{}]"
    assert len(objs) < MAX_CONTENT
    man8 = dumps(_manifest(pkg, objs))
    f8 = tmp_path / "objects.zsp"
    f8.write_bytes(_zip({"manifest.json": man8, "content.json": objs,
                         "signature.json": dumps({"alg": "HMAC-SHA256", "mac": mac_of(key, man8)})}))
    with pytest.raises(PackageRejected, match="无法解析"):
        preview_package(office, OFFICE, f8)


def test_manifest_lists_every_member_with_size_and_hash(pair: Any, tmp_path: Path) -> None:
    """The signed manifest names each member with its size and SHA-256 (room for attachments)."""
    office, bureau = pair
    fill(bureau)
    pkg = export_package(bureau, clerk(), MONTH, tmp_path / "p.zsp")
    with zipfile.ZipFile(pkg) as z:
        man = json.loads(z.read("manifest.json"))
        body = z.read("content.json")
    assert man["members"] == [{"name": "content.json", "size": len(body), "sha256": sha256(body)}]
    c = content_of(pkg)
    c["task_reports"][0]["progress"] = "改过"
    tampered = rewrite(pkg, tmp_path / "t.zsp", content=c, rehash=False)
    with pytest.raises(PackageRejected, match="内容校验失败"):
        preview_package(office, OFFICE, tampered)


def test_the_exchange_page_lists_refused_rows_and_still_imports_the_rest(qtbot: Any, pair: Any,
                                                                        tmp_path: Path) -> None:
    from models.app import ADMIN, Actor
    from ui.exchange_view import ExchangeView
    office, bureau = pair
    fill(bureau, submit=True)
    pkg = export_package(bureau, clerk(), MONTH, tmp_path / "p.zsp")
    c = content_of(pkg)
    c["submission"]["state"] = "approved"
    c["task_reports"][0]["status"] = "乱写的状态"
    bad = rewrite(pkg, tmp_path / "bad.zsp", content=c, key=key_of(office))
    page = ExchangeView(office, Actor("admin", ADMIN, None, "管理员"))
    qtbot.addWidget(page)
    page.dialogs.open_paths = lambda *_a: [str(bad)]  # type: ignore[method-assign]
    page.on_choose()
    assert page.confirm_btn.isEnabled()
    refused = [r for r in page.detail_model.rows if r["status"] == "refused"]
    assert len(refused) == 2 and any("审核结果只能由领导小组办公室作出" in r["detail"] for r in refused)
    assert all(r["key"].startswith("2026年3月") for r in refused)
    page.on_confirm()
    assert "2 行未通过检查未写入" in page.message.text()
    assert office.store.scalar("SELECT COUNT(*) FROM task_reports WHERE unit = ?", (UNIT,)) == 1
