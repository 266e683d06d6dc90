"""The target kinds county plans use, judged by the engine before, at and after the
deadline, without a baseline, as stretch targets: reductions against a base year
(entered as the intensity or as the published 下降率), cumulative totals over a stated
period, increments, ranges, targets the city or province assigns later, direction-only
targets and targets for any year. Worked examples as in README（目标判断）."""

from __future__ import annotations

import pytest

from models.plan import Part, Target
from models.target_rules import Baseline, Previous
from models.target_words import describe_target
from models.targets import judge


def part(*targets: Target, name: str = "单位地区生产总值能源消耗", unit: str = "吨标准煤/万元",
         direction: str = "lower", **kw: object) -> Part:
    return Part(code="X01", name=name, unit=unit, direction=direction, targets=targets, **kw)  # type: ignore[arg-type]


# -- 比2020年下降13.5%以上: the intensity entered -------------------------------------------------

REDUCTION = Target(2025, "<=", 13.5, "%", basis="reduction_vs_baseline", baseline_year=2020,
                   text="单位生产总值能耗比2020年下降13.5%以上")
BASE = Baseline(2020, 0.5)  # level at the deadline: 0.5 × (1 − 13.5%) = 0.4325


@pytest.mark.parametrize("period, value, status, expected", [
    ("2023", 0.4595, "green", 0.4595),  # 0.5 − 3/5 × 0.0675 on schedule
    ("2023", 0.465, "red", 0.4595),  # completion (0.5 − 0.465)/(0.0405) = 86.4 %
    ("2023", 0.4635, "yellow", 0.4595),  # 90.1 %
    ("2025", 0.4325, "green", 0.4325),  # exactly the floor on the reduction
    ("2025", 0.4326, "red", 0.4325),
    ("2027", 0.43, "green", 0.4325),  # after the deadline the last target holds
])
def test_reduction_entered_as_intensity(period, value, status, expected):
    v = judge(part(REDUCTION), period, value, baseline=BASE)
    assert (v.status, v.expected) == (status, expected), v.message
    assert "比2020年下降13.5%" in v.message


def test_reduction_needs_the_base_year_value_unless_entered_as_the_rate():
    v = judge(part(REDUCTION), "2023", 0.46)
    assert v.status == "grey" and "录入X01的2020年基期值" in v.message
    v = judge(part(REDUCTION), "2023", 0.46, baseline=Baseline(2019, 0.5))
    assert v.status == "grey" and "核对X01的基期值" in v.message


def test_reduction_written_as_a_floor_on_the_reduction_means_the_same():
    ge = REDUCTION._replace(op=">=")
    for period, value in (("2023", 0.465), ("2025", 0.43), ("2025", 0.44)):
        assert judge(part(ge), period, value, baseline=BASE).status == \
            judge(part(REDUCTION), period, value, baseline=BASE).status


# -- the same target entered as the published 下降率 ---------------------------------------------

RATE = part(REDUCTION, entered_as="reduction_rate")


@pytest.mark.parametrize("period, value, status, expected", [
    ("2023", 8.1, "green", 8.1),  # 3/5 of 13.5 on schedule, no baseline needed
    ("2023", 7.3, "yellow", 8.1),  # 90.1 %
    ("2023", 7.0, "red", 8.1),
    ("2023-06", 8.0, "green", 6.75),  # 2.5 of 5 years
    ("2025", 13.5, "green", 13.5),
    ("2025", 14.2, "green", 13.5),
    ("2025", 13.4, "red", 13.5),
    ("2026", 12.0, "red", 13.5),
])
def test_reduction_entered_as_the_rate(period, value, status, expected):
    v = judge(RATE, period, value)
    assert (v.status, v.expected) == (status, expected), v.message


def test_rate_messages_speak_of_the_reduction():
    v = judge(RATE, "2023", 7.0)
    assert v.message == ("2023年单位地区生产总值能源消耗比2020年下降7%，低于序时进度应下降的8.1%，差1.1个百分点，"
                         "完成序时进度的86.4%（2025年比2020年下降13.5%的目标）")
    v = judge(RATE, "2025", 14.2)
    assert v.message == "2025年单位地区生产总值能源消耗比2020年下降14.2%，达到比2020年下降13.5%的目标"
    assert RATE.entry_unit == "%" and RATE.entry_name == "单位地区生产总值能源消耗下降率"


def test_rate_stretch_target_is_at_worst_yellow():
    stretch = part(REDUCTION._replace(kind="stretch"), entered_as="reduction_rate")
    v = judge(stretch, "2025", 12.0)
    assert v.status == "yellow" and "力争" in v.message


# -- “十四五”期间累计…不少于40万平方米 -----------------------------------------------------------------

CUMUL = part(Target(2025, ">=", 40, "万平方米", basis="cumulative", since="2021-01"),
             name="既有公共建筑节能改造面积", unit="万平方米", direction="higher", task="2.1")


@pytest.mark.parametrize("period, value, status, expected", [
    ("2023-09", 22.0, "green", 22.0),  # 33 of 60 months since 2021-01, not from the plan's first month
    ("2023-09", 20.0, "yellow", 22.0),  # 90.9 %
    ("2023-09", 15.0, "red", 22.0),
    ("2025-12", 40.0, "green", 40.0),
    ("2025-12", 39.0, "red", 40.0),
    ("2026-03", 41.0, "green", 40.0),
])
def test_cumulative_target_counts_from_its_own_start(period, value, status, expected):
    v = judge(CUMUL, period, value, first_month="2023-09")
    assert (v.status, v.expected) == (status, expected), v.message


def test_cumulative_messages_and_periods_before_the_start():
    v = judge(CUMUL, "2023-09", 22.0, first_month="2023-09")
    assert v.message.startswith("2023年9月既有公共建筑节能改造面积累计22万平方米，达到序时进度")
    assert v.message.endswith("（2021年1月至2025年累计目标40万平方米）")
    assert judge(CUMUL, "2020-12", 1.0).status == "grey"
    assert describe_target(CUMUL, CUMUL.targets[0]) == "2021年1月至2025年累计≥40万平方米"


def test_cumulative_without_since_starts_after_the_baseline_year():
    t = Target(2025, ">=", 40, "万平方米", basis="cumulative", since="2021-01")
    later = part(t._replace(since="2023-01"), name="面积", unit="万平方米", direction="higher")
    # the same figure is further ahead when the period started later
    assert judge(later, "2023-12", 20.0).completion > judge(part(t, name="面积", unit="万平方米",
                                                                  direction="higher"), "2023-12", 20.0).completion


# -- 力争新增光伏装机容量19.2万千瓦 ---------------------------------------------------------------------

INCREMENT = part(Target(2025, ">=", 19.2, "万千瓦", basis="increment", baseline_year=2020, kind="stretch"),
                 name="光伏装机容量", unit="万千瓦", direction="higher")


@pytest.mark.parametrize("period, value, status", [
    ("2023", 21.52, "green"),  # 10 + 3/5 × 19.2
    ("2023", 15.0, "yellow"),  # behind, but a stretch target is never red
    ("2025", 29.2, "green"),
    ("2025", 25.0, "yellow"),
])
def test_increment_against_the_base_year(period, value, status):
    v = judge(INCREMENT, period, value, baseline=Baseline(2020, 10.0))
    assert v.status == status, v.message
    assert "比2020年新增19.2万千瓦" in v.message


def test_increment_binding_and_without_baseline():
    binding = part(INCREMENT.targets[0]._replace(kind="binding"), name="光伏装机容量", unit="万千瓦",
                   direction="higher")
    assert judge(binding, "2025", 25.0, baseline=Baseline(2020, 10.0)).status == "red"
    v = judge(binding, "2025", 25.0)
    assert v.status == "grey" and "录入X01的2020年基期值" in v.message


# -- 60%—65% --------------------------------------------------------------------------------------

RANGE = part(Target(2030, "range", 60, "%", value_high=65), name="城镇生活垃圾资源化利用率", unit="%",
             direction="higher")


@pytest.mark.parametrize("period, value, base, status", [
    ("2030", 60.0, None, "green"),
    ("2030", 65.0, None, "green"),
    ("2030", 66.0, None, "green"),  # beyond the band on the better side
    ("2030", 59.9, None, "red"),
    ("2025", 50.0, Baseline(2020, 40.0), "green"),  # toward the near edge 60
    ("2025", 48.0, Baseline(2020, 40.0), "red"),
    ("2025", 50.0, None, "grey"),
    ("2031", 58.0, None, "red"),
])
def test_range(period, value, base, status):
    v = judge(RANGE, period, value, baseline=base)
    assert v.status == status, v.message


def test_range_messages_and_a_lower_range():
    assert "在2030年目标区间（60%—65%）内" in judge(RANGE, "2030", 62.0).message
    assert "低于2030年目标区间（60%—65%），差0.1个百分点" in judge(RANGE, "2030", 59.9).message
    low = part(Target(2030, "range", 50, "%", value_high=55), name="煤炭消费比重", unit="%", direction="lower")
    assert judge(low, "2030", 56.0).status == "red"
    assert judge(low, "2030", 49.0).status == "green"
    assert describe_target(RANGE, RANGE.targets[0]) == "2030年60%—65%"


# -- 确保完成市下达指标 ------------------------------------------------------------------------------

PENDING = part(Target(2030, "<=", None, "吨/万元", assigned_by="市"), name="单位地区生产总值二氧化碳排放",
               unit="吨/万元", pending=True, assigned_by="市")


def test_pending_target_of_the_city():
    v = judge(PENDING, "2025", 0.8)
    assert v.status == "grey"
    assert "确保完成市下达指标" in v.message and "市级指标尚未下达" in v.message and "省" not in v.message
    assert describe_target(PENDING, PENDING.targets[0]) == "2030年确保完成市下达指标"
    # once entered it is judged like any ceiling
    assert judge(PENDING, "2030", 0.8, target_value=0.85).status == "green"
    assert judge(PENDING, "2030", 0.9, target_value=0.85).status == "red"
    assert judge(PENDING, "2025", 0.95, target_value=0.85, baseline=Baseline(2020, 1.0)).status == "red"


def test_pending_reduction_assigned_later():
    p = part(Target(2025, "<=", None, "%", basis="reduction_vs_baseline", baseline_year=2020, assigned_by="省"),
             pending=True, entered_as="reduction_rate")
    assert judge(p, "2025", 14.0).status == "grey"
    assert judge(p, "2025", 14.0, target_value=13.5).status == "green"


# -- 进一步下降: against the previous year ------------------------------------------------------------

FURTHER = part(Target(2025, "decrease", None, "吨/万元"), name="单位地区生产总值二氧化碳排放", unit="吨/万元")


@pytest.mark.parametrize("period, value, prev, status", [
    ("2023", 0.80, Previous("2022", 0.82), "green"),
    ("2023", 0.82, Previous("2022", 0.82), "yellow"),
    ("2023", 0.85, Previous("2022", 0.82), "red"),
    ("2025", 0.79, Previous("2024", 0.80), "green"),  # at the deadline
    ("2027", 0.81, Previous("2026", 0.80), "red"),  # after it
    ("2023", 0.80, None, "grey"),  # no previous value
])
def test_direction_only_target(period, value, prev, status):
    v = judge(FURTHER, period, value, previous=prev)
    assert v.status == status, v.message


def test_direction_only_messages_and_stretch():
    v = judge(FURTHER, "2023", 0.85, previous=Previous("2022", 0.82))
    assert v.message == ("2023年单位地区生产总值二氧化碳排放0.85吨/万元，较上年（2022年）的0.82吨/万元"
                         "上升0.03吨/万元，未实现进一步下降")
    assert "缺少上年同期的数值" in judge(FURTHER, "2023", 0.8).message
    up = part(Target(2025, "increase", None, "%", kind="stretch"), name="比重", unit="%", direction="higher")
    assert judge(up, "2023", 30.0, previous=Previous("2022", 31.0)).status == "yellow"
    assert judge(up, "2023-10", 32.0, previous=Previous("2022-10", 31.0)).status == "green"
    assert "上年同期（2022年10月）" in judge(up, "2023-10", 32.0, previous=Previous("2022-10", 31.0)).message


# -- any target year ---------------------------------------------------------------------------

def test_targets_for_2035():
    p = part(Target(2025, ">=", 25, "%"), Target(2035, ">=", 50, "%"), name="非化石能源消费比重", unit="%",
             direction="higher")
    v = judge(p, "2030", 37.5)  # 25 + 5/10 × 25, from the 2025 target
    assert (v.status, v.expected) == ("green", 37.5)
    assert judge(p, "2035", 49.0).status == "red"
    assert judge(p, "2040", 51.0).status == "green"
    q = part(Target(2035, "yes", None, "", label="基本建成清洁低碳安全高效的能源体系"), name="能源体系",
             unit="", direction="qualitative")
    assert judge(q, "2030", 0).status == "yellow"
    assert judge(q, "2035", 0).status == "red"
    assert "2035年底前基本建成" in judge(q, "2030", 0).message
