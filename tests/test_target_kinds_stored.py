"""The target kinds applied to stored values of other districts' plans: the previous
year's value for 进一步下降, the 下降率 entered through the form's parser, a part that may
not exceed its whole (其中) checked at entry and before submitting, the ``check``
command with ``previous``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import main
from models.app import Actor, App
from models.checking import Judge
from models.entries import Entries
from models.plan_load import load_plan
from models.store import Store
from tests.conftest import clerk

PLANS = Path(__file__).resolve().parent / "data" / "plans"

OFFICE = Actor("office-admin", "admin", None, "办公室管理员")


@pytest.fixture
def jiading(tmp_path: Path) -> Iterator[App]:
    a = App(Store(tmp_path / "嘉定" / "jd.db"), load_plan(PLANS / "jiading-like.toml"))
    yield a
    a.close()


@pytest.fixture
def huangpu(tmp_path: Path) -> Iterator[App]:
    a = App(Store(tmp_path / "黄浦" / "hp.db"), load_plan(PLANS / "huangpu-like.toml"))
    yield a
    a.close()


def test_direction_only_target_uses_the_stored_previous_year(huangpu: App):
    e = Entries(huangpu)
    ck = clerk("区发展改革委")
    e.save_indicator_value(ck, "I02", "区发展改革委", "2026-12", "0.80", period="2026")
    e.save_indicator_value(ck, "I02", "区发展改革委", "2027-12", "0.78", period="2027")
    j = Judge(huangpu)
    period, value, v = j.latest(OFFICE, "I02", "2027-12")
    assert (period, value, v.status) == ("2027", 0.78, "green")
    assert "较上年（2026年）的0.8吨/万元下降0.02吨/万元" in v.message
    e.save_indicator_value(ck, "I02", "区发展改革委", "2028-12", "0.79", period="2028")
    assert Judge(huangpu).latest(OFFICE, "I02", "2028-12")[2].status == "red"
    # the year without a previous value asks for it
    e.save_indicator_value(ck, "I02", "区发展改革委", "2029-12", "0.7", period="2029")
    with huangpu.store.tx() as c:
        c.execute("DELETE FROM indicator_values WHERE part_code = 'I02' AND period = '2028'")
    v = Judge(huangpu).latest(OFFICE, "I02", "2029-12")[2]
    assert v.status == "grey" and "缺少上年同期的数值" in v.message


def test_pending_target_of_the_city_and_the_words_of_the_plan(huangpu: App):
    v = Judge(huangpu).verdict("I02", "2024", "0.9")
    assert v.status == "grey" and "确保完成市下达指标" in v.message and "省" not in v.message
    huangpu.settings.set("pending_targets", {"I02": {"year": 2025, "value": 0.85}})
    assert Judge(huangpu).verdict("I02", "2025", "0.8").status == "green"


def test_reduction_rate_is_entered_in_percent(jiading: App):
    e = Entries(jiading)
    ck = clerk("区发展改革委")
    res = e.save_indicator_value(ck, "I01", "区发展改革委", "2023-12", "8.5%", period="2023")
    assert res.errors == []
    assert e.indicator_value(OFFICE, "I01", "2023")["value"] == 8.5
    v = Judge(jiading).latest(OFFICE, "I01", "2023-12")[2]
    assert v.status == "green"  # 3/5 of 14% is 8.4%
    assert v.message.startswith("2023年单位生产总值能源消耗比2020年下降8.5%")
    bad = e.save_indicator_value(ck, "I01", "区发展改革委", "2024-12", "0.45吨标准煤/万元", period="2024")
    assert bad.errors and "下降率" in bad.errors[0].message  # a rate, not the intensity


def test_cumulative_from_2021_not_from_the_first_month(jiading: App):
    j = Judge(jiading)
    v = j.verdict("3.1-M1", "2023-06", "22")  # 30 of 60 months since 2021-01: 20
    assert (v.status, v.expected) == ("green", 20.0)
    assert j.verdict("3.1-M1", "2023-06", "17").status == "red"


def test_a_part_may_not_exceed_its_whole(jiading: App):
    e = Entries(jiading)
    lead = "区建设管理委"
    ck: Actor = clerk(lead)
    month = "2023-06"
    assert e.save_milestone_value(ck, "3.1-M1", lead, month, "22").errors == []
    res = e.save_milestone_value(ck, "3.1-JDXC", lead, month, "25")
    assert res.errors and "超过了它所属的“超低能耗建筑示范项目面积”" in res.errors[0].message
    assert e.milestone_value(OFFICE, "3.1-JDXC", lead, month)["value"] == 25.0  # kept, not lost
    problems = e.month_problems(OFFICE, lead, month)
    assert any(w == "里程碑3.1-JDXC" and "“其中”项不能大于总数" in m for w, m in problems)
    # lowering the whole below its part is refused the same way
    res = e.save_milestone_value(ck, "3.1-M1", lead, month, "20")
    assert res.errors and "总数不能小于其中项" in res.errors[0].message
    # corrected: both fit, nothing blocks submitting on their account
    e.save_milestone_value(ck, "3.1-M1", lead, month, "30")
    assert e.save_milestone_value(ck, "3.1-JDXC", lead, month, "12").errors == []
    assert not any("其中" in m for _w, m in e.month_problems(OFFICE, lead, month))


def test_check_command_takes_the_previous_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    items = [
        {"code": "I02", "period": "2027", "value": "0.8", "previous": {"value": 0.82}},
        {"code": "I02", "period": "2027", "value": "0.8", "previous": 0.78},
        {"code": "I02", "period": "2027", "value": "0.8"},
        {"code": "I04", "period": "2030", "value": "62%"},
        {"code": "I05", "period": "2035", "value": "否"},
        {"code": "I02", "period": "2027", "value": "0.8", "previous": {"value": "很多"}},
    ]
    f = tmp_path / "items.json"
    f.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    rc = main.main(["--db", str(tmp_path / "hp.db"), "--plan", str(PLANS / "huangpu-like.toml"), "check",
                    "--json", str(f)])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert [o["status"] for o in out] == ["green", "red", "grey", "green", "red", "invalid"]
    assert "上年（2026年）" in out[0]["message"]
    assert "在2030年目标区间（60%—65%）内" in out[3]["message"]
    assert "2035年基本建成国际大都市中心城区绿色低碳发展核心引领区" in out[4]["message"]
