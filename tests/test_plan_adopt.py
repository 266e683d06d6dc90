"""The services behind the plan screens (models/plan_adopt.py, models/plan_review.py): a new
database takes an imported plan at first run; the office sees a new version's changes by
code and only its administrator adopts it (refusals come from the service, nothing
changed); a hostile plan file gives a message; every review item has its row; cells are
edited through the draft's checked edits."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from models import accounts, passwords
from models.app import ADMIN, REVIEWER, Actor, App
from models.entries import Entries
from models.errors import DomainError, PermissionDenied
from models.plan import PlanError
from models.plan_adopt import adopt_plan, check_draft, plan_changes, read_plan_file, start_with_plan
from models.plan_binding import installed_plan_file, peek, plan_for
from models.plan_draft import PlanDraft
from models.plan_draft_edit import EditError
from models.plan_import import import_plan
from models.plan_review import edit_cell, items_by_row, review_rows, source_words
from models.store import Store
from tests.plan_docs import SEED_TXT, write_docx
from tests.plan_samples import county_plan

ADMIN_ACTOR = Actor("admin", ADMIN, None, "管理员")


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "KDF_PARAMS", {"alg": "scrypt", "n": 16, "r": 1, "p": 1, "dklen": 32})


def _county_draft(tmp_path: Path) -> PlanDraft:
    return PlanDraft.from_import(import_plan(write_docx(county_plan(), tmp_path / "青禾县碳达峰实施方案.docx")))


def _versions(app: App) -> list[tuple[str, str, int]]:
    return [(r["plan_id"], r["digest"], r["current"]) for r in app.store.query(
        "SELECT plan_id, digest, current FROM plan_versions ORDER BY id")]


def test_a_new_database_starts_with_an_imported_plan(app: App, tmp_path: Path) -> None:
    draft = _county_draft(tmp_path)
    _text, plan = check_draft(draft)
    start_with_plan(app, plan)
    assert app.plan.plan_id == plan.plan_id and app.plan.district == "青禾县"
    beside = installed_plan_file(app.store.path)
    assert beside.read_text(encoding="utf-8") == plan.source
    assert _versions(app) == [(plan.plan_id, plan.digest, 1)]  # the built-in plan is gone
    codes = {r["code"] for r in app.store.query("SELECT code FROM catalog_items")}
    assert codes == {r["code"] for r in app.store.query("SELECT code FROM catalog_items WHERE active = 1")}
    assert "I01" not in codes or plan.part("I01") is not None
    units = {r["name"] for r in app.store.query("SELECT name FROM units WHERE active = 1")}
    assert units == {u.name for u in plan.units}
    db = app.store.path
    app.close()
    assert peek(db) is not None and peek(db).plan_id == plan.plan_id  # type: ignore[union-attr]
    again = App(Store(db), plan_for(db, beside))
    assert again.plan.digest == plan.digest and again.plan.name == plan.name
    again.close()
    assert plan_for(db, None).plan_id == plan.plan_id  # without the file: the database's own


def test_a_database_with_an_account_keeps_its_plan(app: App, tmp_path: Path) -> None:
    accounts.create_first_admin(app, "admin", "Zs#2026-pass", "管理员")
    _text, plan = check_draft(_county_draft(tmp_path))
    before = _versions(app)
    with pytest.raises(DomainError, match="已经有账户或数据"):
        start_with_plan(app, plan)
    assert _versions(app) == before and app.plan.plan_id != plan.plan_id
    assert not installed_plan_file(app.store.path).exists()


def _edited(app: App) -> PlanDraft:
    draft = PlanDraft.from_text(app.plan.source or "", "当前计划")
    draft.set_title("1.1", "提高化石能源利用效率（修订）")
    draft.set_target("I01", 0, "value", "18")
    draft.set_meta("version", "2024-06-01")
    return draft


def test_only_the_office_administrator_adopts_a_new_version(app: App, clerk_of) -> None:  # type: ignore[no-untyped-def]
    lead = app.task_units(app.plan.task("1.1"))[0]
    Entries(app).save_task_report(clerk_of(lead), "1.1", lead, "2024-01", {"progress": "进展"})
    _text, plan = check_draft(_edited(app))
    reviewer = Actor("office", REVIEWER, None, "审核员")
    changes = plan_changes(app, reviewer, plan)  # the office reads the changes
    assert ("1.1", "task", "提高化石能源利用效率", "提高化石能源利用效率（修订）") in changes.renamed
    assert [c for c, *_ in changes.targets] == ["I01"]
    before = _versions(app)
    for actor in (reviewer, clerk_of(lead)):
        with pytest.raises(PermissionDenied):
            adopt_plan(app, actor, plan)
        assert _versions(app) == before and not installed_plan_file(app.store.path).exists()
    with pytest.raises(PermissionDenied):
        plan_changes(app, clerk_of(lead), plan)
    adopted = adopt_plan(app, ADMIN_ACTOR, plan)
    assert adopted.renamed and app.plan.version == "2024-06-01"
    assert _versions(app)[-1] == (plan.plan_id, plan.digest, 1) and len(_versions(app)) == len(before) + 1
    assert installed_plan_file(app.store.path).read_text(encoding="utf-8") == plan.source
    assert app.store.scalar("SELECT COUNT(*) FROM task_reports WHERE task_code = '1.1'") == 1  # kept by code
    logged = app.store.scalar("SELECT detail FROM event_log WHERE kind = 'plan' ORDER BY id DESC LIMIT 1")
    assert "2024-06-01" in logged and "改名1项" in logged
    db = app.store.path
    app.close()
    again = App(Store(db), plan_for(db, installed_plan_file(db)))  # the next start: no update to confirm
    assert again.plan.task("1.1").title.endswith("（修订）")
    again.close()


def test_a_plan_of_another_id_is_not_a_new_version(app: App, tmp_path: Path) -> None:
    _text, plan = check_draft(_county_draft(tmp_path))
    with pytest.raises(DomainError, match="方案标识不同") as info:
        plan_changes(app, ADMIN_ACTOR, plan)
    assert app.plan.plan_id in str(info.value) and plan.plan_id in str(info.value)
    with pytest.raises(DomainError, match="方案标识不同"):
        adopt_plan(app, ADMIN_ACTOR, plan)


def test_a_draft_that_does_not_load_names_its_problem(app: App) -> None:
    draft = PlanDraft.from_text(app.plan.source or "", "当前计划")
    draft.targets("I01")[0]["op"] = "about"  # what a hand-edited file might hold
    with pytest.raises(PlanError) as info:
        check_draft(draft)
    assert any("I01" in p and "op" in p for p in info.value.problems)


@pytest.mark.parametrize("content, words", [
    (b"\xff\xfe\x00bad", "UTF-8"),
    (b"[plan\nname = 1", "格式错误"),
    (b"[other]\nx = 1\n", "没有 [plan] 表"),
    (b"a = " + b"[" * 5000 + b"]" * 5000, "格式错误"),
])
def test_a_hostile_plan_file_gives_a_message(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "计划.toml"
    path.write_bytes(content)
    with pytest.raises(PlanError) as info:
        read_plan_file(path)
    assert words in str(info.value) and "计划.toml" in str(info.value)


def test_a_too_large_plan_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "大.toml"
    path.write_bytes(b"# x\n" * 600_000)
    with pytest.raises(PlanError, match="超过计划文件的上限"):
        read_plan_file(path)


def test_every_review_item_has_a_row_and_the_document_words() -> None:
    draft = PlanDraft.from_import(import_plan(SEED_TXT))
    rows = review_rows(draft)
    kinds = [r.kind for r in rows]
    assert kinds[0] == "plan" and kinds.count("task") == 35 and kinds.count("unit") == 21
    by_row = items_by_row(draft, rows)
    assert sorted(n for items in by_row.values() for n, _i in items) == list(range(len(draft.review)))
    typo = next(r for r in rows if r.ref == "unit:区自然资源和规划分局")
    assert any(i.kind == "unit_typo" for _n, i in by_row[typo.ref])
    task = next(r for r in rows if r.ref == "1.2")
    assert "24万千瓦以上" in source_words(draft, task).words and task.lead
    part = next(r for r in rows if r.ref == "I02")
    assert "140" in part.targets and "市规划目标" in source_words(draft, part).words


def test_cells_are_edited_through_the_checked_edits() -> None:
    draft = PlanDraft.from_import(import_plan(SEED_TXT))
    rows = {r.ref: r for r in review_rows(draft)}
    edit_cell(draft, rows["1.2"], 2, "新的标题")
    assert draft.row("1.2").item["title"] == "新的标题"  # type: ignore[union-attr]
    edit_cell(draft, rows["1.2"], 4, "区住建局、区工信局")
    assert draft.row("1.2").item["units"][1:] == ["区住建局", "区工信局"]  # type: ignore[union-attr]
    before = copy.deepcopy(draft.raw)
    for row, col, text, words in ((rows["1.2"], 3, "不存在的局", "不在单位列表中"), (rows["1.2"], 2, " ", "必填"),
                                  (rows["I02"], 4, "区住建局", "不能在表中修改")):
        with pytest.raises(EditError, match=words):
            edit_cell(draft, row, col, text)
        assert draft.raw == before
    edit_cell(draft, rows["I03"], 3, "区住建局（承上行）")
    assert draft.indicator("I03")["responsible_unit"] == "区住建局"  # type: ignore[index]
    _text, plan = check_draft(draft)
    assert plan.task("1.2").title == "新的标题" and list(plan.task("1.2").units[1:]) == ["区住建局", "区工信局"]

