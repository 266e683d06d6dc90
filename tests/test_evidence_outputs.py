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
