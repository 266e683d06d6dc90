"""The office-wide audit trail: filters, Chinese names, CSV and xlsx export read back."""

from __future__ import annotations

from models.app import CLI_ACTOR

import csv

import openpyxl

from exports.audit_export import export_audit, write_audit
from models.audit import audit_rows
from models.entries import Entries


def _data(app, clerk_of):
    e = Entries(app)
    c = clerk_of("区工信局")
    e.save_task_report(c, "4.3", "区工信局", "2026-09", {"status": "推进中", "progress": "建成充电桩200个"})
    e.save_task_report(c, "4.3", "区工信局", "2026-09", {"progress": "建成充电桩210个"})
    e.save_indicator_value(c, "I10a", "区工信局", "2026-10", "60%")
    e.save_indicator_value(c, "I10a", "区工信局", "2026-10", "65")
    uid = e.save_project(c, "区工信局", "2026-10", "4.3", {"name": "城区充电站", "ptype": "新建",
                                                         "total_invest": "1200"})
    return uid


def test_filters_and_names(app, clerk_of):
    _data(app, clerk_of)
    rows = audit_rows(app, CLI_ACTOR, unit="区工信局", month="2026-09", entity="task_report")
    prog = [r for r in rows if r["field"] == "progress"]
    assert [(r["old"], r["new"]) for r in prog] == [("建成充电桩200个", "建成充电桩210个"), ("", "建成充电桩200个")]
    assert prog[0]["field_label"] == "本月进展情况" and prog[0]["item"].startswith("任务4.3")
    assert prog[0]["actor"] == "clerk-区工信局" and prog[0]["entity_name"] == "任务推进"
    ind = audit_rows(app, CLI_ACTOR, entity="indicator")
    assert [(r["old"], r["new"]) for r in ind if r["field"] == "value"] == [("60", "65"), ("", "60")]
    assert ind[0]["item"] == "I10a 公交车新能源汽车占比（2026）"
    proj = audit_rows(app, CLI_ACTOR, entity="project")
    assert proj and all(r["item"] == "项目 城区充电站" for r in proj)
    assert {r["field_label"] for r in proj} >= {"项目名称", "总投资"}
    assert audit_rows(app, CLI_ACTOR, month="2026-10", text="65")[0]["new"] == "65"
    assert audit_rows(app, CLI_ACTOR, unit="区发改委") == []


def test_export_csv_and_xlsx(app, clerk_of, tmp_path):
    _data(app, clerk_of)
    p = export_audit(app, CLI_ACTOR, tmp_path / "修改记录.csv", unit="区工信局")
    raw = p.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens Chinese correctly
    with p.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["时间", "操作人", "单位", "月份", "类别", "对象", "字段", "原值", "新值", "来源"]
    assert ["建成充电桩200个", "建成充电桩210个"] in [r[7:9] for r in rows[1:]]
    assert len(rows) - 1 == len(audit_rows(app, CLI_ACTOR, unit="区工信局"))
    x = write_audit(audit_rows(app, CLI_ACTOR, entity="indicator"), tmp_path / "out" / "指标.xlsx")
    wb = openpyxl.load_workbook(x)
    ws = wb.active
    assert ws["A1"].value == "数据修改记录"
    assert [c.value for c in ws[2]][:4] == ["时间", "操作人", "单位", "月份"]
    values = [(ws.cell(r, 8).value, ws.cell(r, 9).value) for r in range(3, ws.max_row + 1)]
    assert ("60", "65") in values
    assert ws.print_title_rows == "$2:$2"
