"""Judge (stored values, settings, baselines) and the ``check --json`` command end to end."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import main
from models.app import CLI_ACTOR, App
from models.checking import Judge, count_statuses, worst_first
from models.entries import Entries
from models.target_rules import Baseline

ROOT = Path(__file__).resolve().parent.parent


def set_baseline(app: App, code: str, year: int, value: float) -> None:
    with app.store.tx() as c:
        c.execute("INSERT INTO baselines(part_code, year, value, source) VALUES (?, ?, ?, '') "
                  "ON CONFLICT(part_code) DO UPDATE SET year = excluded.year, value = excluded.value",
                  (code, year, value))


def run_check(capsys: pytest.CaptureFixture[str], db: Path, items: Any, tmp_path: Path,
              raw: str | None = None) -> tuple[int, Any, str]:
    f = tmp_path / "items.json"
    f.write_text(raw if raw is not None else json.dumps(items, ensure_ascii=False), encoding="utf-8")
    rc = main.main(["--db", str(db), "check", "--json", str(f)])
    out, err = capsys.readouterr()
    return rc, (json.loads(out) if rc == 0 else out), err


# -- Judge ------------------------------------------------------------------------------------


def test_judge_reads_settings_baselines_and_pending(app: App) -> None:
    set_baseline(app, "I01", 2020, 12.0)
    app.settings.set("pending_targets", {"I03": {"year": 2030, "value": 0.9}})
    app.settings.set("tolerances", {"I06a@2025": 0.3})
    app.settings.set("green_at", 95)
    j = Judge(app)
    assert j.baseline("I01") == Baseline(2020, 12.0)
    assert j.baseline("I02") is None
    assert j.pending_target("I03") == 0.9
    assert j.pending_target("I01") is None
    assert j.rules().green_at == 95.0 and dict(j.rules().tolerances) == {"I06a@2025": 0.3}
    assert j.rules() is j.rules()  # cached per Judge
    v = j.verdict("I01", "2023", "15.0%")  # 12 → 17.5: expected 15.3, completion 90.9 %
    assert v.status == "yellow" and v.expected == 15.3
    assert j.verdict("I03", "2030", "0.85").status == "green"
    assert j.verdict("I03", "2030", "0.95").status == "red"
    assert j.verdict("I06a", "2025", "59.6%").status == "red"
    assert j.verdict("I06a", "2025", "59.7").status == "green"


def test_pending_target_with_another_year(app: App) -> None:
    app.settings.set("pending_targets", {"I03": {"year": 2028, "value": 0.9}})
    j = Judge(app)
    v = j.verdict("I03", "2028", 0.95)
    assert v.status == "red" and v.target is not None and v.target.year == 2028
    assert Judge(app).part("I01") is app.plan.part("I01")
    row = next(r for r in j.current(CLI_ACTOR, "2028-12") if r["code"] == "I03")
    assert row["target_text"] == "2028年确保完成省下达指标（已录入目标值0.9吨/万元）"


def test_judge_verdict_parses_raw_text_and_refuses_bad_input(app: App) -> None:
    j = Judge(app)
    assert j.verdict("I07", "2025", "８．５％").status == "green"
    assert j.verdict("I08", "2025", "是").status == "green"
    assert j.verdict("I08", "2025", "否").status == "red"
    assert j.verdict("I08", "2025", 1.0).status == "green"
    bad = j.verdict("I07", "2025", "八点五")
    assert bad.status == "invalid" and "不是数字" in bad.message
    assert j.verdict("I07", "2025", "101%").status == "invalid"
    assert j.verdict("I08", "2025", "也许").status == "invalid"
    assert j.verdict("I99", "2025", "1").status == "invalid"
    assert j.verdict("I07", "2025年13月", "1").status == "invalid"
    assert j.verdict("I07", "2025", "").status == "grey"


def test_latest_milestone_and_current(app: App, clerk_of: Any) -> None:
    set_baseline(app, "I01", 2020, 12.0)
    e = Entries(app)
    fgw = clerk_of("区发改委")
    e.save_indicator_value(fgw, "I01", "区发改委", "2023-12", "16.2%")  # each year's figure in that year
    e.save_indicator_value(fgw, "I01", "区发改委", "2024-12", "17.0")
    gxj = clerk_of("区工信局")
    e.save_milestone_value(gxj, "4.3-M1", "区工信局", "2024-08", "1200")
    e.save_milestone_value(gxj, "4.3-M1", "区工信局", "2024-09", "1300")
    e.save_milestone_value(clerk_of("区发改委"), "4.3-M1", "区发改委", "2024-09", "50")  # not the lead
    j = Judge(app)

    period, value, v = j.latest(CLI_ACTOR, "I01", "2023-06")  # annual part: period ≤ the month's year
    assert (period, value) == ("2023", 16.2)
    assert v.status == "green" and v.expected == 15.3
    period, value, v = j.latest(CLI_ACTOR, "I01", "2025-06")
    assert (period, value) == ("2024", 17.0)
    assert v.expected == 16.4 and v.status == "green"
    period, value, v = j.latest(CLI_ACTOR, "I01", "2022-12")
    assert (period, value) == (None, None)
    assert v.status == "grey" and "尚未填报" in v.message and v.expected == 14.2

    period, value, v = j.milestone(CLI_ACTOR, "4.3-M1", "2024-12")
    assert (period, value) == ("2024-09", 1300.0)
    assert v.status == "yellow" and v.expected == 1393  # judged at 2024-09: 93.3 %
    assert v.completion == pytest.approx(1300 / (3000 * 13 / 28) * 100, abs=1e-3)
    period, value, v = j.milestone(CLI_ACTOR, "4.3-M1", "2024-08")
    assert (period, value) == ("2024-08", 1200.0)
    assert j.milestone(CLI_ACTOR, "4.3-M1", "2024-12", unit="区发改委")[1] == 50.0
    assert j.latest(CLI_ACTOR, "4.3-M1", "2024-12")[:2] == ("2024-09", 1300.0)  # milestones go to milestone()
    assert j.latest(CLI_ACTOR, "X9", "2024-12")[2].status == "invalid"
    assert j.milestone(CLI_ACTOR, "I01", "2024-12")[2].status == "invalid"
    period, value, v = j.milestone(CLI_ACTOR, "4.3-M1", "2023-12")
    assert period is None and v.status == "grey" and v.expected is not None

    rows = j.current(CLI_ACTOR, "2025-06")
    codes = [r["code"] for r in rows]
    assert codes[: len(app.plan.parts)] == [p.code for p in app.plan.parts]
    assert codes[len(app.plan.parts):] == [m.code for m in app.plan.milestones]
    by = {r["code"]: r for r in rows}
    i01 = by["I01"]
    assert i01["kind"] == "indicator" and i01["responsible_unit"] == "区发改委"
    assert (i01["period"], i01["value"], i01["status"], i01["expected"]) == ("2024", 17.0, "green", 16.4)
    assert i01["baseline"] == Baseline(2020, 12.0)
    assert i01["target_text"] == "2025年≥17.5%；2030年≥20%；2060年≥80%"
    assert i01["message"].startswith("2024年非化石能源消费比重17%")
    ms = by["4.3-M1"]
    assert (ms["kind"], ms["responsible_unit"], ms["period"], ms["value"]) == \
        ("milestone", "区工信局", "2024-09", 1300.0)
    assert ms["status"] == "yellow"
    assert by["I05"]["status"] == "grey" and by["I05"]["target_text"] == "仅监测"
    assert by["I03"]["status"] == "grey"
    counts = count_statuses(rows)
    assert sum(counts.values()) == len(rows) and counts["yellow"] == 1 and counts["green"] == 1
    assert worst_first(rows)[0]["code"] == "4.3-M1"


def test_current_uses_few_queries(app: App) -> None:
    calls: list[str] = []
    app.store.conn.set_trace_callback(calls.append)
    try:
        rows = Judge(app).current(CLI_ACTOR, "2026-10")
    finally:
        app.store.conn.set_trace_callback(None)
    assert len(rows) == len(app.plan.parts) + len(app.plan.milestones)
    selects = [c for c in calls if c.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 6, selects


# -- the command ---------------------------------------------------------------------------------


def test_cli_check_end_to_end(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "新建" / "check.db"  # does not exist yet: created
    items = [
        {"code": "I01", "period": "2027", "value": "18.2%", "baseline": {"year": 2020, "value": 12.0}},
        {"code": "I01", "period": "2026-10", "value": "１８．２％"},
        {"code": "I03", "period": "2030", "value": "0.85", "target": 0.9},
        {"code": "I03", "period": "2030", "value": 0.85},
        {"code": "I99", "period": "2030", "value": "1"},
        {"code": "I01", "period": "2030-13", "value": "1"},
        {"code": "I01", "period": "2030", "value": "abc"},
        5,
        {"code": "4.3-M1", "period": "2025-03", "value": "2,100"},
        {"code": "I08", "period": "2025", "value": "是"},
        {"code": "I01", "period": "2023", "value": "15"},
        {"code": "I11a", "period": "2030", "value": 81.9, "baseline": {"year": 2020, "value": 91}},
        {"code": "I01", "period": "2027"},
        {"code": "I01", "period": "2027", "value": "18", "baseline": {"year": "x", "value": 1}},
        {"code": "I01", "period": "2027", "value": "18", "target": "多少"},
        {"code": "I07", "period": 2025, "value": 8},
    ]
    rc, out, err = run_check(capsys, db, items, tmp_path)
    assert rc == 0, err
    assert db.exists()
    assert [o["code"] for o in out] == ["I01", "I01", "I03", "I03", "I99", "I01", "I01", None, "4.3-M1",
                                        "I08", "I01", "I11a", "I01", "I01", "I01", "I07"]
    assert all(set(o) == {"code", "period", "status", "expected", "message"} for o in out)
    assert out[0] == {"code": "I01", "period": "2027", "status": "red", "expected": 18.5,
                      "message": "2027年非化石能源消费比重18.2%，低于序时进度应达到的18.5%，差0.3个百分点，"
                                 "完成序时进度的70%（2030年目标20%）"}
    assert (out[1]["status"], out[1]["expected"], out[1]["period"]) == ("green", 17.92, "2026-10")
    assert (out[2]["status"], out[2]["expected"]) == ("green", 0.9)
    assert out[3]["status"] == "grey" and "I03的目标值" in out[3]["message"]
    assert out[4]["status"] == "invalid" and "I99" in out[4]["message"]
    assert out[5]["status"] == "invalid" and "月份" in out[5]["message"]
    assert out[6]["status"] == "invalid" and "不是数字" in out[6]["message"]
    assert out[7]["status"] == "invalid" and "第8项应为对象" in out[7]["message"]
    assert out[8]["status"] == "green" and "新能源汽车充电桩累计2100个，快于序时进度" in out[8]["message"]
    assert out[9]["status"] == "green"
    assert out[10]["status"] == "grey" and "请领导小组办公室在设置中录入I01的基期值（年份和数值）" in out[10]["message"]
    assert out[11]["status"] == "green" and out[11]["expected"] == 81.9
    assert out[12]["status"] == "invalid" and "缺少数值" in out[12]["message"]
    assert out[13]["status"] == "invalid" and "基期年份" in out[13]["message"]
    assert out[14]["status"] == "invalid" and "目标值" in out[14]["message"]
    assert (out[15]["status"], out[15]["period"]) == ("green", "2025")


def test_cli_check_uses_stored_baselines_and_settings(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                      db_path: Path, app: App) -> None:
    set_baseline(app, "I01", 2020, 12.0)
    app.settings.set("pending_targets", {"I03": {"year": 2030, "value": 0.9}})
    app.close()
    rc, out, err = run_check(capsys, db_path, [
        {"code": "I01", "period": "2023", "value": "15.3"},
        {"code": "I03", "period": "2030", "value": "0.91"},
        {"code": "I01", "period": "2023", "value": "17.6", "baseline": {"year": 2020, "value": 18}},
    ], tmp_path)
    assert rc == 0, err
    assert [o["status"] for o in out] == ["green", "red", "green"]
    assert out[0]["expected"] == 15.3
    assert out[2]["expected"] == 17.5  # item baseline already meets the target: floor compared


@pytest.mark.parametrize("raw, fragment", [
    ('{"code": "I01"}', "应为 JSON 列表"),
    ('"text"', "应为 JSON 列表"),
    ("[1, 2", "不是有效的 JSON"),
    ("", "不是有效的 JSON"),
])
def test_cli_check_refuses_a_file_that_is_not_a_list(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                     raw: str, fragment: str) -> None:
    rc, out, err = run_check(capsys, tmp_path / "x.db", None, tmp_path, raw=raw)
    assert rc == 2
    assert out == ""
    assert err.startswith("错误：") and fragment in err


def test_cli_check_missing_and_non_utf8_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc = main.main(["--db", str(tmp_path / "x.db"), "check", "--json", str(tmp_path / "无.json")])
    assert rc == 2 and "找不到文件" in capsys.readouterr().err
    f = tmp_path / "gbk.json"
    f.write_bytes('[{"code": "I01", "value": "十八"}]'.encode("gbk"))
    rc = main.main(["--db", str(tmp_path / "x.db"), "check", "--json", str(f)])
    assert rc == 2 and "不是 UTF-8" in capsys.readouterr().err
    (tmp_path / "文件夹").mkdir()
    rc = main.main(["--db", str(tmp_path / "x.db"), "check", "--json", str(tmp_path / "文件夹")])
    assert rc == 2 and capsys.readouterr().err.endswith("文件夹：这是一个文件夹。\n")  # not the OS's English words


def test_cli_check_reads_stdin(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.dumps([{"code": "I07", "period": "2025", "value": "7.5%"}], ensure_ascii=False)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode("utf-8")), encoding="utf-8"))
    rc = main.main(["--db", str(tmp_path / "s.db"), "check", "--json", "-"])
    out = capsys.readouterr().out
    assert rc == 0
    assert json.loads(out) == [{"code": "I07", "period": "2025", "status": "red", "expected": 8.0,
                                "message": "2025年城镇建筑可再生能源替代率7.5%，未达到2025年目标8%，差0.5个百分点"}]
    assert "\\u" not in out  # ensure_ascii=False


def test_cli_check_as_a_process(tmp_path: Path) -> None:
    """The real command line: python main.py --db … check --json - (stdin, UTF-8 out)."""
    data = json.dumps([{"code": "I13", "period": "2025", "value": "96%"}, "bad"], ensure_ascii=False)
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(tmp_path / "p.db"),
                           "check", "--json", "-"], input=data.encode("utf-8"), capture_output=True,
                          timeout=60, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    out = json.loads(proc.stdout.decode("utf-8"))
    assert out[0]["status"] == "green" and out[0]["message"].endswith("力争目标95%已达到")
    assert out[1]["status"] == "invalid"
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(tmp_path / "p.db"),
                           "check", "--json", "-"], input=b"{}", capture_output=True, timeout=60,
                          cwd=tmp_path)
    assert proc.returncode == 2
    assert "应为 JSON 列表" in proc.stderr.decode("utf-8")


def test_current_rows_show_yes_no_values(app, clerk_of) -> None:
    Entries(app).save_indicator_value(clerk_of("区住建局"), "I08", "区住建局", "2026-10", "是")
    row = next(r for r in Judge(app).current(CLI_ACTOR, "2026-10") if r["code"] == "I08")
    assert (row["qualitative"], row["value"], row["value_text"]) == (True, 1.0, "是")
