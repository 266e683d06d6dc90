"""佐证材料 in the office's outputs: the ledger's 佐证材料 columns and its 佐证材料清单 sheet (read
back with openpyxl), and chosen photos of projects in the work briefing (read back with
pdfplumber): on one page with their captions."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from exports.ledger import build_ledger
from models.app import CLI_ACTOR
from models.entries import Entries
from tests import evidence_files as ef

M = "2026-10"
UNIT = "区住建局"


def _rows(ws) -> list[list]:
    return [[c.value for c in r] for r in ws.iter_rows(min_row=4)]


@pytest.fixture
def evidenced(app, clerk_of):
    e = Entries(app)
    c = clerk_of(UNIT)
    task = app.tasks_of(UNIT)[0][0].code
    lead = next(t.code for t, role in app.tasks_of(UNIT) if role == "lead")
    e.save_task_report(c, task, UNIT, M, {"status": "推进中", "progress": "推进", "person": "王强"})
    uid = e.save_project(c, UNIT, M, lead, {"name": "光伏屋顶", "ptype": "新建", "total_invest": "100"})
    part = app.parts_of(UNIT)[0]
    e.save_indicator_value(c, part, UNIT, M, "8.5")
    rows = {
        "photo": e.attach_bytes(c, UNIT, M, "task_report", task, "现场.jpg", ef.jpeg(1600, 1200), "施工现场").row,
        "minutes": e.attach_bytes(c, UNIT, M, "task_report", task, "纪要.pdf", ef.pdf()).row,
        "roof": e.attach_bytes(c, UNIT, M, "project_month", uid, "屋顶.jpg", ef.jpeg(1200, 900, seed=4), "屋顶光伏").row,
        "stats": e.attach_bytes(c, UNIT, M, "indicator", f"{part}@{M[:4]}", "统计表.xlsx", ef.xlsx()).row,
    }
    return {"task": task, "lead": lead, "project": uid, "part": part, **rows}


def test_ledger_lists_the_files_beside_each_item_and_on_their_own_sheet(app, evidenced, tmp_path: Path) -> None:
    wb = load_workbook(build_ledger(app, CLI_ACTOR, M, tmp_path / "台账.xlsx", UNIT))
    tasks = wb["任务推进台账"]
    head = [c.value for c in tasks[3]]
    assert head[-1] == "佐证材料"
    by_task = {r[2]: r[-1] for r in _rows(tasks)}
    task = app.plan.task(evidenced["task"])
    assert by_task[f"{task.code} {task.title}"] == "2份：现场.jpg、纪要.pdf"
    assert sum(1 for v in by_task.values() if v) == 1
    projects = _rows(wb["项目台账"])
    assert any(r[1] == "光伏屋顶" and r[-1] == "1份：屋顶.jpg" for r in projects)
    inds = _rows(wb["指标监测"])
    assert any(r[1] == evidenced["part"] and r[-1] == "1份：统计表.xlsx" for r in inds)
    sheet = wb["佐证材料清单"]
    assert [c.value for c in sheet[3]][:6] == ["序号", "单位", "类别", "事项", "文件名", "说明"]
    listed = {r[4]: r for r in _rows(sheet)}
    assert set(listed) == {"现场.jpg", "纪要.pdf", "屋顶.jpg", "统计表.xlsx"}
    photo = listed["现场.jpg"]
    assert photo[1] == UNIT and photo[2] == "任务" and photo[5] == "施工现场" and photo[6] == "JPEG 图片"
    assert photo[8] == "1600×1200" and photo[9] == evidenced["photo"]["sha256"] and photo[12] == "草稿"
    assert listed["屋顶.jpg"][3] == "光伏屋顶" and listed["统计表.xlsx"][2] == "指标"


def test_consolidated_ledger_without_files_says_so(app, tmp_path: Path) -> None:
    wb = load_workbook(build_ledger(app, CLI_ACTOR, M, tmp_path / "台账.xlsx"))
    assert _rows(wb["佐证材料清单"])[0][0] == "本期没有佐证材料。"


def test_briefing_closes_with_one_page_of_chosen_photos(app, evidenced, clerk_of, tmp_path: Path) -> None:
    import pdfplumber

    from exports.briefing import BriefingOptions, build_briefing_ex
    from exports.briefing_photos import briefing_photos
    from models.app import CLI_ACTOR as office
    from models.errors import InvalidInput, PermissionDenied

    e = Entries(app)
    c = clerk_of(UNIT)
    more = [e.attach_bytes(c, UNIT, M, "project_month", evidenced["project"], f"进度{i}.jpg",
                           ef.jpeg(1400 + 100 * i, 1000, seed=20 + i), f"第{i}周进度").row for i in range(4)]
    choices = briefing_photos(app, office, M)
    assert [p.name for p in choices][:2] == ["屋顶.jpg", "进度0.jpg"]  # projects first
    assert "纪要.pdf" not in [p.name for p in choices] and "现场.jpg" in [p.name for p in choices]
    with pytest.raises(PermissionDenied):
        briefing_photos(app, c, M)
    plain = build_briefing_ex(app, office, M, tmp_path / "无图.pdf", BriefingOptions(record_issue=False))
    uids = (evidenced["roof"]["uid"], *[r["uid"] for r in more[:3]], evidenced["photo"]["uid"])
    res = build_briefing_ex(app, office, M, tmp_path / "简报.pdf", BriefingOptions(record_issue=False, photos=uids))
    assert plain.pages <= res.pages <= plain.pages + 1  # one page of pictures, the 报尾 below them
    with pdfplumber.open(res.path) as pdf:
        last = pdf.pages[-1]
        text = last.extract_text()
        assert "附：工作图片" in text and "图1" in text and "屋顶光伏" in text and "光伏屋顶" in text
        assert "图5" in text and "施工现场" in text and "共印" in text
        assert len(last.images) == 5
        assert all(len(p.images) == 0 for p in pdf.pages[:-1])  # every picture on that one page
        boxes = sorted((round(i["top"]), round(i["x0"])) for i in last.images)
        assert len({t for t, _ in boxes}) == 3  # five pictures: two columns of three rows
        for img in last.images:  # each within the text block, none distorted
            assert img["x0"] >= 28 * 72 / 25.4 - 1 and img["x1"] <= (28 + 156) * 72 / 25.4 + 1
            w, h = img["x1"] - img["x0"], img["bottom"] - img["top"]
            assert abs(w / h - img["srcsize"][0] / img["srcsize"][1]) < 0.02
    with pytest.raises(InvalidInput, match="最多附6张"):
        build_briefing_ex(app, office, M, tmp_path / "x.pdf",
                          BriefingOptions(record_issue=False, photos=(*uids, more[3]["uid"], "z" * 32)))
    with pytest.raises(InvalidInput, match="不是本月项目或任务的照片"):
        build_briefing_ex(app, office, M, tmp_path / "y.pdf",
                          BriefingOptions(record_issue=False, photos=(evidenced["minutes"]["uid"],)))


def test_briefing_page_picks_photos_and_the_preview_shows_them(qtbot, app, evidenced, clerk_of,
                                                              tmp_path: Path) -> None:
    import pdfplumber
    from PySide6.QtCore import QDate, Qt
    from ui.briefing_photo_picker import PhotoPicker
    from ui.briefing_view import BriefingView, Dialogs
    from models.app import CLI_ACTOR as office
    from exports.briefing_photos import briefing_photos

    e = Entries(app)
    c = clerk_of(UNIT)
    for i in range(6):
        e.attach_bytes(c, UNIT, M, "project_month", evidenced["project"], f"进度{i}.jpg",
                       ef.jpeg(900, 600, seed=40 + i), f"第{i}周")
    candidates = briefing_photos(app, office, M)
    picker = PhotoPicker(app, office, candidates, [])
    qtbot.addWidget(picker)
    assert picker.list.count() == len(candidates) == 8
    assert not picker.list.item(0).icon().isNull()
    for i in range(7):
        picker.list.item(i).setCheckState(Qt.CheckState.Checked)
    assert len(picker.chosen()) == 6 and "最多选择6张" in picker.limit.text()
    picked = picker.chosen()[:2]

    class Picks(Dialogs):
        def pick_photos(self, parent, app_, actor, cands, chosen):  # type: ignore[override]
            assert [x.uid for x in cands] == [x.uid for x in candidates]
            return picked

    view = BriefingView(app, office, None, Picks())
    qtbot.addWidget(view)
    view.date.setDate(QDate(2026, 11, 5))
    view.month.set_month(M)
    view.photos_btn.click()
    assert view.photos == picked and view.photos_btn.text() == "附图片（2张）…"
    assert view.preview()
    with pdfplumber.open(view.preview_path) as pdf:
        last = pdf.pages[-1]
        assert len(last.images) == 2 and "图2" in last.extract_text()
    view.month.set_month("2026-09")
    assert view.photos == [] and view.photos_btn.text() == "附图片…"
