"""The target engine: every rule and its boundaries (models/targets.py, no database)."""

from __future__ import annotations

import pytest

from models.plan import Part, Plan, Target
from models.periods import normalize_period, parse_period, period_time
from models.target_rules import STATUS_COLORS, STATUS_NAMES, Baseline, Rules
from models.target_words import describe_target
from models.targets import judge
from forms.values import ValueProblem


def part(*targets: Target, unit: str = "%", direction: str = "higher", code: str = "X01",
         name: str = "测试指标", task: str = "", **kw: object) -> Part:
    return Part(code=code, name=name, unit=unit, direction=direction, targets=targets, task=task,
                **kw)  # type: ignore[arg-type]


def floor(year: int, value: float, unit: str = "%", **kw: object) -> Target:
    return Target(year=year, op=">=", value=value, unit=unit, **kw)  # type: ignore[arg-type]


# -- periods ------------------------------------------------------------------------------


def test_periods() -> None:
    assert parse_period("2027") == (2027, None)
    assert parse_period("2026-10") == (2026, 10)
    assert parse_period("2026年10月") == (2026, 10)
    assert parse_period(2027) == (2027, None)
    assert normalize_period("2026/3") == "2026-03"
    assert period_time(2026, None) == 2026.0
    assert period_time(2026, 12) == 2026.0
    assert period_time(2026, 10) == pytest.approx(2025 + 10 / 12)
    for bad in ("2026-13", "2026-0", "abcd", "", "26", "2026-10-05"):
        with pytest.raises(ValueProblem):
            parse_period(bad)


def test_bad_period_and_value_are_invalid(plan: Plan) -> None:
    v = judge(plan.part("I01"), "2026年13月", 18.0)
    assert v.status == "invalid" and "月份" in v.message
    v = judge(plan.part("I01"), "2027", float("nan"))
    assert v.status == "invalid"
    v = judge(plan.part("I01"), "2027", "abc")  # type: ignore[arg-type]
    assert v.status == "invalid" and "不是数字" in v.message


def test_status_labels() -> None:
    assert STATUS_NAMES == {"green": "正常", "yellow": "预警", "red": "滞后", "grey": "待定",
                            "invalid": "无效"}
    assert set(STATUS_COLORS) == set(STATUS_NAMES)


# -- floor and ceiling at the deadline ------------------------------------------------------


def test_floor_at_deadline(plan: Plan) -> None:
    i07 = plan.part("I07")
    v = judge(i07, "2025", 8.5)
    assert (v.status, v.expected) == ("green", 8.0)
    assert v.message == "2025年城镇建筑可再生能源替代率8.5%，达到目标8%"
    assert judge(i07, "2025", 8.0).status == "green"  # exactly the floor
    v = judge(i07, "2025", 7.99)
    assert v.status == "red"
    assert v.message == "2025年城镇建筑可再生能源替代率7.99%，未达到2025年目标8%，差0.01个百分点"
    assert v.target is not None and v.target.year == 2025


def test_ceiling_at_deadline() -> None:
    p = part(Target(2030, "<=", 0.9, "吨/万元"), unit="吨/万元", direction="lower", name="碳排放强度")
    assert judge(p, "2030", 0.9).status == "green"
    v = judge(p, "2030", 0.95)
    assert v.status == "red"
    assert v.message == "2030年碳排放强度0.95吨/万元，未达到2030年控制目标0.9吨/万元，差0.05吨/万元"
    assert judge(p, "2030", 0.85).message == "2030年碳排放强度0.85吨/万元，达到控制目标0.9吨/万元"


def test_deadline_month_is_december() -> None:
    """A month period in the deadline year is before the deadline, except December."""
    p = part(floor(2025, 3000, "个"), unit="个", task="4.3", code="4.3-M1", name="充电桩")
    assert judge(p, "2025-12", 2999).status == "red"
    assert judge(p, "2025-12", 3000).status == "green"
    v = judge(p, "2025-11", 2900)  # interpolated: 0 at 2023-08 end → 3000 at 2025 end
    assert v.completion is not None and v.status == "green"


# -- interpolation before the deadline ---------------------------------------------------------


def test_interpolation_from_previous_milestone(plan: Plan) -> None:
    i01 = plan.part("I01")
    v = judge(i01, "2027", 18.2, baseline=Baseline(2020, 12.0))
    # start = 2025 target 17.5; 2 of 5 years toward 20 → 18.5
    assert v.expected == 18.5
    assert v.completion == pytest.approx(70.0)
    assert v.status == "red"
    assert v.message == ("2027年非化石能源消费比重18.2%，低于序时进度应达到的18.5%，差0.3个百分点，"
                         "完成序时进度的70%（2030年目标20%）")
    assert v.target is not None and v.target.year == 2030


def test_interpolation_by_months(plan: Plan) -> None:
    i01 = plan.part("I01")
    v = judge(i01, "2026-10", 18.0)
    # 10/12 of 2026, i.e. 0.8333/5 of the way from 17.5 (2025) to 20 (2030)
    assert v.expected == pytest.approx(17.5 + (10 / 12) / 5 * 2.5, abs=0.005)
    assert v.expected == 17.92
    v2 = judge(i01, "2026", 18.0)
    assert v2.expected == 18.0 and v2.status == "green"
    assert judge(i01, "2026-12", 18.0).expected == 18.0
    assert judge(i01, "2026-01", 18.0).expected == pytest.approx(17.5 + (1 / 12) / 5 * 2.5, abs=0.005)


def test_interpolation_from_baseline_before_first_milestone(plan: Plan) -> None:
    i01 = plan.part("I01")
    base = Baseline(2020, 12.0)
    v = judge(i01, "2023", 15.3, baseline=base)  # 12 + 3/5 × 5.5
    assert (v.status, v.expected, v.completion) == ("green", 15.3, 100.0)
    assert v.message == "2023年非化石能源消费比重15.3%，达到序时进度应达到的15.3%（2025年目标17.5%）"


@pytest.mark.parametrize("value, status, completion", [
    (15.3, "green", 100.0),      # exactly 100 %
    (15.31, "green", None),
    (15.299, "yellow", None),
    (14.97, "yellow", 90.0),     # exactly 90 %
    (14.969, "red", None),
    (12.0, "red", 0.0),          # no progress at all
    (11.0, "red", None),         # went backwards
])
def test_completion_boundaries(plan: Plan, value: float, status: str, completion: float | None) -> None:
    v = judge(plan.part("I01"), "2023", value, baseline=Baseline(2020, 12.0))
    assert v.status == status
    if completion is not None:
        assert v.completion == pytest.approx(completion)


def test_thresholds_are_settings(plan: Plan) -> None:
    rules = Rules(green_at=95.0, yellow_at=80.0)
    i01 = plan.part("I01")
    base = Baseline(2020, 12.0)
    assert judge(i01, "2023", 12 + 0.95 * 3.3, baseline=base, rules=rules).status == "green"
    assert judge(i01, "2023", 12 + 0.80 * 3.3, baseline=base, rules=rules).status == "yellow"
    assert judge(i01, "2023", 12 + 0.79 * 3.3, baseline=base, rules=rules).status == "red"


def test_lower_is_better_interpolation_and_reduction(plan: Plan) -> None:
    i11a = plan.part("I11a")  # 2030 ≤ baseline × (1 − 10 %), baseline 2020
    base = Baseline(2020, 91.0)
    at = judge(i11a, "2030", 81.9, baseline=base)
    assert (at.status, at.expected) == ("green", 81.9)
    assert "比2020年下降10%的目标（不高于81.9千克CO₂/百吨公里）" in at.message
    assert judge(i11a, "2030", 81.91, baseline=base).status == "red"
    mid = judge(i11a, "2025", 86.45, baseline=base)  # half way: 91 → 81.9
    assert (mid.status, mid.expected, mid.completion) == ("green", 86.45, 100.0)
    behind = judge(i11a, "2025", 87.0, baseline=base)
    assert behind.status == "red"
    assert behind.completion == pytest.approx((91 - 87) / (91 - 86.45) * 100, abs=1e-3)
    assert "高于序时进度应降至的86.45千克CO₂/百吨公里，差0.55千克CO₂/百吨公里" in behind.message
    y = judge(i11a, "2025", 86.9, baseline=base)  # (91−86.9)/4.55 = 90.1 %
    assert y.status == "yellow"


def test_reduction_needs_its_baseline(plan: Plan) -> None:
    i11a = plan.part("I11a")
    v = judge(i11a, "2030", 80.0)
    assert v.status == "grey"
    assert "请领导小组办公室在设置中录入I11a的2020年基期值" in v.message
    v = judge(i11a, "2030", 80.0, baseline=Baseline(2019, 90.0))
    assert v.status == "grey" and "以2020年为基期" in v.message


def test_start_already_meets_target_compares_the_floor(plan: Plan) -> None:
    i01 = plan.part("I01")
    v = judge(i01, "2023", 18.0, baseline=Baseline(2020, 18.0))
    assert (v.status, v.expected, v.completion) == ("green", 17.5, None)
    v = judge(i01, "2023", 17.4, baseline=Baseline(2020, 18.0))
    assert v.status == "red" and "按目标值比较" in v.message


def test_no_baseline_before_first_deadline_is_grey(plan: Plan) -> None:
    v = judge(plan.part("I01"), "2023", 16.0)
    assert v.status == "grey"
    assert v.expected is None
    assert v.message.endswith("请领导小组办公室在设置中录入I01的基期值（年份和数值）")


def test_period_before_baseline_is_grey(plan: Plan) -> None:
    v = judge(plan.part("I01"), "2019", 11.0, baseline=Baseline(2020, 12.0))
    assert v.status == "grey" and "早于基期2020年" in v.message
    v = judge(plan.part("I01"), "2020", 12.0, baseline=Baseline(2020, 12.0))  # at the baseline
    assert v.status == "green" and v.expected == 12.0
    assert judge(plan.part("I01"), "2020", 11.0, baseline=Baseline(2020, 12.0)).status == "red"


def test_baseline_in_deadline_year_compares_directly(plan: Plan) -> None:
    v = judge(plan.part("I07"), "2025-06", 7.0, baseline=Baseline(2025, 6.0))
    assert v.status == "grey" and "早于基期2025年" in v.message
    assert judge(plan.part("I07"), "2025", 7.0, baseline=Baseline(2025, 6.0)).status == "red"


# -- several milestones ----------------------------------------------------------------------


def test_first_milestone_at_or_after_period_is_judged(plan: Plan) -> None:
    i01 = plan.part("I01")
    assert judge(i01, "2025", 17.6).target.year == 2025  # type: ignore[union-attr]
    assert judge(i01, "2026", 17.6).target.year == 2030  # type: ignore[union-attr]
    assert judge(i01, "2030", 20.0).target.year == 2030  # type: ignore[union-attr]
    v = judge(i01, "2031", 22.0)
    assert v.target.year == 2060 and v.status == "green"  # type: ignore[union-attr]
    # 20 at 2030 → 80 at 2060: 1/30 of the way by 2031
    assert v.expected == 22.0


def test_after_last_deadline_judges_last_target(plan: Plan) -> None:
    i07 = plan.part("I07")
    v = judge(i07, "2027", 7.0)
    assert v.status == "red" and v.expected == 8.0
    assert judge(i07, "2027-05", 8.2).status == "green"
    assert judge(plan.part("I01"), "2070", 79.0).status == "red"


# -- stable, approx, stretch ---------------------------------------------------------------------


def test_stable_floor_applies_every_year(plan: Plan) -> None:
    i04 = plan.part("I04")  # 稳定在57.85%以上 to 2030, no baseline needed
    v = judge(i04, "2024", 57.85)
    assert (v.status, v.expected, v.completion) == ("green", 57.85, None)
    assert "保持在57.85%以上" in v.message
    v = judge(i04, "2024", 57.84)
    assert v.status == "red"
    assert v.message == "2024年森林覆盖率57.84%，低于应稳定保持的57.85%，差0.01个百分点"
    assert judge(i04, "2030", 57.84).status == "red"
    assert judge(i04, "2035", 58.0).status == "green"


def test_stretch_never_turns_met_binding_red(plan: Plan) -> None:
    i13 = plan.part("I13")  # stable ≥93 to 2025, 力争95
    v = judge(i13, "2025", 94.0)
    assert (v.status, v.stretch_met) == ("green", False)
    assert v.message == "2025年秸秆年综合利用率94%，达到目标93%，尚未达到力争目标95%（差1个百分点）"
    v = judge(i13, "2025", 95.0)
    assert (v.status, v.stretch_met) == ("green", True)
    assert v.message.endswith("，力争目标95%已达到")
    v = judge(i13, "2025", 92.0)
    assert (v.status, v.stretch_met) == ("red", False)
    assert v.target is not None and v.target.kind == "binding"
    v = judge(plan.part("I15"), "2024", 86.0)
    assert (v.status, v.stretch_met) == ("green", True)


def test_stretch_only_missed_is_yellow(plan: Plan) -> None:
    m = plan.part("10.1-M1")  # 争取创建3个 by 2030, count: starts from 0 at 2023-09
    v = judge(m, "2030-12", 2)
    assert (v.status, v.stretch_met) == ("yellow", False)
    assert "未达到2030年力争目标3个" in v.message and "不计为滞后" in v.message
    v = judge(m, "2030-12", 3)
    assert (v.status, v.stretch_met) == ("green", True)
    assert v.message == "2030年12月碳达峰试点街道累计3个，达到力争目标3个"
    early = judge(m, "2028-12", 0)
    assert early.status == "yellow" and early.completion == 0.0  # would be red if binding
    m2 = plan.part("3.3-M2")  # 力争50% by 2025, %: needs a baseline before the deadline
    assert judge(m2, "2025-12", 49.0).status == "yellow"
    assert judge(m2, "2025-12", 50.0).status == "green"
    assert judge(m2, "2024-12", 30.0).status == "grey"
    assert judge(m2, "2024-12", 30.0, baseline=Baseline(2023, 10.0)).status == "green"


@pytest.mark.parametrize("value, status, fragment", [
    (60.0, "green", "在目标60%左右的范围内（60%±1个百分点）"),
    (59.0, "green", "范围内"),      # lower edge of the band
    (61.0, "green", "范围内"),      # upper edge of the band
    (58.99, "red", "低于目标区间（60%±1个百分点），差0.01个百分点"),
    (61.01, "green", "高于目标区间（60%±1个百分点），超额完成"),
])
def test_approx_band_at_deadline(plan: Plan, value: float, status: str, fragment: str) -> None:
    v = judge(plan.part("I06a"), "2025", value)
    assert v.status == status
    assert fragment in v.message
    assert v.expected == 60.0


def test_approx_tolerance_settings(plan: Plan) -> None:
    i06a = plan.part("I06a")
    rules = Rules(tolerances={"I06a@2025": 0.3})
    assert judge(i06a, "2025", 59.7, rules=rules).status == "green"
    assert judge(i06a, "2025", 59.69, rules=rules).status == "red"
    assert judge(i06a, "2025", 59.0, rules=Rules(tolerance_pp=2.0)).status == "green"
    # non-% unit: ±2 % of the target by default
    p = part(Target(2030, "approx", 500, "万吨"), unit="万吨")
    assert judge(p, "2030", 490).status == "green"
    assert judge(p, "2030", 489.9).status == "red"
    assert judge(p, "2030", 510.1).status == "green"
    # a tolerance written in the plan file, overridden by the setting
    p2 = part(Target(2030, "approx", 500, "万吨", tolerance=50), unit="万吨", code="X02")
    assert judge(p2, "2030", 451).status == "green"
    assert judge(p2, "2030", 451, rules=Rules(tolerances={"X02@2030": 10})).status == "red"


def test_approx_before_deadline_interpolates_like_floor(plan: Plan) -> None:
    v = judge(plan.part("I06a"), "2024", 55.0, baseline=Baseline(2020, 40.0))
    assert v.expected == 56.0  # 40 → 60 over 5 years
    assert v.status == "yellow" and v.completion == pytest.approx(93.75)
    # after the 2025 band target, the 2030 floor starts from 60
    v = judge(plan.part("I06a"), "2027", 64.0)
    assert (v.status, v.expected) == ("green", 64.0)


def test_rules_from_settings() -> None:
    r = Rules.from_settings({"green_at": 98, "yellow_at": 85.5, "tolerance_pp": 0.5,
                             "tolerance_rel": 0.05, "tolerances": {"I06a@2025": 1.5, "bad": "x"}})
    assert (r.green_at, r.yellow_at, r.tolerance_pp, r.tolerance_rel) == (98.0, 85.5, 0.5, 0.05)
    assert dict(r.tolerances) == {"I06a@2025": 1.5}
    assert Rules.from_settings({"green_at": "abc", "tolerances": None}) == Rules()


# -- pending, monitor-only, qualitative --------------------------------------------------------------


def test_pending_is_grey_until_target_entered(plan: Plan) -> None:
    i03 = plan.part("I03")
    v = judge(i03, "2030", 0.8)
    assert v.status == "grey"
    assert "请领导小组办公室在设置中录入I03的目标值" in v.message and v.value == 0.8
    v = judge(i03, "2030", 0.8, target_value=0.9)
    assert (v.status, v.expected) == ("green", 0.9)
    assert judge(i03, "2030", 0.95, target_value=0.9).status == "red"
    mid = judge(i03, "2027", 0.95, target_value=0.9, baseline=Baseline(2020, 1.2))
    assert mid.expected == 0.99 and mid.status == "green"


def test_target_value_overrides_judged_target(plan: Plan) -> None:
    assert judge(plan.part("I07"), "2025", 8.5, target_value=9).status == "red"


def test_monitor_only_is_grey_and_records_value(plan: Plan) -> None:
    v = judge(plan.part("I05"), "2027", 100.0)
    assert (v.status, v.value, v.expected) == ("grey", 100.0, None)
    assert v.message == "2027年活立木蓄积量100万立方米，已记录（仅监测，不作判断）"
    assert "尚未填报" in judge(plan.part("I05"), "2027", None).message


def test_qualitative(plan: Plan) -> None:
    i08 = plan.part("I08")  # 2025 全面执行
    assert judge(i08, "2024", False).status == "yellow"
    assert judge(i08, "2024", 0.0).status == "yellow"
    assert judge(i08, "2025-06", 0.0).status == "yellow"
    assert judge(i08, "2025", 0.0).status == "red"
    assert judge(i08, "2026", False).status == "red"
    ok = judge(i08, "2025", True)
    assert ok.status == "green" and ok.expected is None
    assert "已实现" in ok.message
    assert judge(i08, "2023", 1.0).status == "green"
    i06b = plan.part("I06b")  # 2025 基本建成, 2030 全覆盖
    v = judge(i06b, "2026", False)
    assert v.status == "yellow" and v.target is not None and v.target.year == 2030
    assert judge(plan.part("3.2-M1"), "2025-12", 0.0).status == "red"


def test_not_entered_is_grey_with_expected(plan: Plan) -> None:
    v = judge(plan.part("I01"), "2027", None)
    assert (v.status, v.expected) == ("grey", 18.5)
    assert v.message == "2027年非化石能源消费比重尚未填报（序时进度应达到18.5%）"
    v = judge(plan.part("I07"), "2025", None)
    assert (v.status, v.expected) == ("grey", 8.0)


# -- task milestones -----------------------------------------------------------------------------


def test_count_milestone_starts_from_zero_at_first_month(plan: Plan) -> None:
    m = plan.part("4.3-M1")  # 3000 by end of 2025; 0 at the start of 2023-09 (28 months)
    v = judge(m, "2024-09", 1500)
    assert v.expected == 1393  # 1392.86 rounded up to whole charging piles
    assert v.status == "green"
    assert v.message.startswith("2024年9月新能源汽车充电桩累计1500个，快于序时进度（应达到1393个）")
    v = judge(m, "2025-03", 2100)
    assert v.status == "green" and "快于序时进度" in v.message
    v = judge(m, "2023-08", 0)
    assert v.status == "green" and v.expected == 0.0
    assert judge(m, "2023-07", 0).status == "grey"
    # another first month moves the start
    assert judge(m, "2024-09", 1500, first_month="2024-01").expected == round(3000 * 9 / 24, 2)
    # an entered baseline wins over the natural start
    v = judge(m, "2024-12", 2000, baseline=Baseline(2023, 1000))
    assert v.expected == 2000.0 and v.status == "green"


def test_percent_milestone_uses_baseline(plan: Plan) -> None:
    m = plan.part("3.3-M1")
    assert judge(m, "2024-06", 5.0).status == "grey"
    v = judge(m, "2024-06", 5.0, baseline=Baseline(2022, 2.0))
    assert v.expected == pytest.approx(2 + 6 * 1.5 / 3, abs=0.005)


def test_describe_target_still_works(plan: Plan) -> None:
    i01 = plan.part("I01")
    assert describe_target(i01, i01.targets[0]) == "2025年≥17.5%"
    i11a = plan.part("I11a")
    assert describe_target(i11a, i11a.targets[0]) == "2030年比2020年下降10%"
    i13 = plan.part("I13")
    assert describe_target(i13, i13.targets[1]) == "力争2025年≥95%"
    assert describe_target(plan.part("I03"), plan.part("I03").targets[0]) == "2030年确保完成省下达指标"


def test_every_plan_part_can_be_judged(plan: Plan) -> None:
    """No rule crashes on any part of the real plan, in any period shape."""
    for code, p in plan.parts_by_code.items():
        for period in ("2019", "2023", "2023-09", "2025", "2025-12", "2027-06", "2030", "2061"):
            for value in (None, 0.0, 1.0, 50.0):
                v = judge(p, period, value, baseline=Baseline(2020, 10.0))
                assert v.status in STATUS_NAMES, (code, period, value)
                assert v.message, (code, period, value)
            assert judge(p, period, 5.0).status in STATUS_NAMES


def test_going_backwards_is_said_plainly(plan: Plan) -> None:
    v = judge(plan.part("I01"), "2023", 11.5, baseline=Baseline(2020, 12.0))
    assert v.status == "red" and v.completion is not None and v.completion < 0
    assert "较基期2020年的12%不升反降" in v.message
    v = judge(plan.part("I11a"), "2025", 92.0, baseline=Baseline(2020, 91.0))
    assert v.status == "red" and "不降反升" in v.message


def test_approx_lower_is_better_is_symmetric() -> None:
    p = part(Target(2030, "approx", 100, "万吨"), unit="万吨", direction="lower")
    assert judge(p, "2030", 97.0).status == "green"  # below the band: better
    assert "低于目标区间" in judge(p, "2030", 97.0).message
    assert judge(p, "2030", 102.0).status == "green"  # on the edge (±2 %)
    assert judge(p, "2030", 102.5).status == "red"


def test_expected_rounding(plan: Plan) -> None:
    v = judge(plan.part("10.2-M1"), "2026-09", 1)  # 0 at 2023-08 end → 2 at 2030 end
    assert v.expected == 1  # 2 × 37/88 = 0.84 pilot parks: counts are whole, rounded up
    v = judge(plan.part("I03"), "2027", 0.5, target_value=0.4523, baseline=Baseline(2020, 0.6))
    assert v.expected == round(0.6 + 7 / 10 * (0.4523 - 0.6), 4) == 0.4966
    assert "应降至的0.4966吨/万元" in v.message
    assert judge(plan.part("I01"), "2027-05", 18.0).expected == round(17.5 + (17 / 12) / 5 * 2.5, 2)


def test_value_text_reads_like_a_person(plan: Plan) -> None:
    from models.target_words import value_text
    assert value_text(plan.part("I08"), 1.0) == "是"
    assert value_text(plan.part("I06b"), 0.0) == "否"
    assert value_text(plan.part("I01"), 18.6) == "18.6%"
    assert value_text(plan.part("4.3-M1"), 1500.0) == "1500个"
    assert value_text(plan.part("I01"), None) == ""
