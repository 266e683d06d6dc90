"""Properties of the target engine (hypothesis): monotonic in the value, plain at deadlines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from models.plan import Part, Target
from models.periods import parse_period, period_time
from models.target_rules import Baseline, Rules
from models.targets import judge

RANK = {"red": 0, "yellow": 1, "green": 2}

values = st.floats(min_value=0, max_value=1000, allow_nan=False, allow_infinity=False)
levels = st.floats(min_value=0.01, max_value=500, allow_nan=False, allow_infinity=False)


@st.composite
def periods(draw: st.DrawFn, first: int = 2021, last: int = 2035) -> str:
    year = draw(st.integers(min_value=first, max_value=last))
    if draw(st.booleans()):
        return str(year)
    return f"{year}-{draw(st.integers(min_value=1, max_value=12)):02d}"


def _pair(p: Part, period: str, base: float, u: float, w: float,
          absolute: tuple[float, float] | None) -> tuple[float, float]:
    """Two values, low first: mostly placed around the period's expected value (so that the
    90–100 % band is hit often), sometimes anywhere."""
    if absolute is not None:
        a, b = absolute
    else:
        t = period_time(*parse_period(period))
        chain = [tg for tg in p.targets if tg.kind == p.targets[0].kind]
        start = base if t <= chain[0].year or len(chain) == 1 else chain[0].value
        expected = judge(p, period, None, baseline=Baseline(2020, base)).expected
        if expected is None:
            expected = chain[-1].value if t > chain[0].year else chain[0].value
        assert start is not None and expected is not None
        a, b = start + u * (expected - start), start + w * (expected - start)
    return (a, b) if a <= b else (b, a)


near = st.floats(min_value=-0.5, max_value=1.5, allow_nan=False)
anywhere = st.one_of(st.none(), st.tuples(values, values))


def _part(op: str, direction: str, level: float, stable: bool = False, kind: str = "binding",
          second: float | None = None, unit: str = "万吨") -> Part:
    targets = [Target(2025, op, level, unit, kind=kind, stable=stable)]
    if second is not None:
        targets.append(Target(2030, op, second, unit, kind=kind))
    return Part(code="P01", name="指标", unit=unit, direction=direction, targets=tuple(targets))


@settings(deadline=None, max_examples=200, database=None)
@given(level=levels, base=values, period=periods(), u=near, w=near, absolute=anywhere,
       op=st.sampled_from([">=", "approx"]), stable=st.booleans(),
       kind=st.sampled_from(["binding", "stretch"]),
       second=st.one_of(st.none(), levels), green_at=st.floats(50, 100), gap=st.floats(0, 40))
def test_raising_a_value_never_worsens_a_floor(level: float, base: float, period: str, u: float,
                                               w: float, absolute: tuple[float, float] | None, op: str,
                                               stable: bool, kind: str, second: float | None,
                                               green_at: float, gap: float) -> None:
    p = _part(op, "higher", level, stable=stable and op == ">=", kind=kind, second=second)
    rules = Rules(green_at=green_at, yellow_at=green_at - gap)
    lo, hi = _pair(p, period, base, u, w, absolute)
    v_lo = judge(p, period, lo, baseline=Baseline(2020, base), rules=rules)
    v_hi = judge(p, period, hi, baseline=Baseline(2020, base), rules=rules)
    assert v_lo.status in RANK and v_hi.status in RANK
    assert RANK[v_hi.status] >= RANK[v_lo.status], (v_lo.message, v_hi.message)


@settings(deadline=None, max_examples=200, database=None)
@given(level=levels, base=values, period=periods(), u=near, w=near, absolute=anywhere,
       stable=st.booleans(), second=st.one_of(st.none(), levels), reduction=st.booleans(),
       pct=st.floats(0, 90))
def test_lowering_a_value_never_worsens_a_ceiling(level: float, base: float, period: str, u: float,
                                                  w: float, absolute: tuple[float, float] | None,
                                                  stable: bool, second: float | None, reduction: bool,
                                                  pct: float) -> None:
    if reduction:
        t = Target(2030, "<=", pct, "%", basis="reduction_vs_baseline", baseline_year=2020)
        p = Part(code="P02", name="强度", unit="吨/万元", direction="lower", targets=(t,))
    else:
        p = _part("<=", "lower", level, stable=stable, second=second)
    lo, hi = _pair(p, period, base, u, w, absolute)
    v_lo = judge(p, period, lo, baseline=Baseline(2020, base))
    v_hi = judge(p, period, hi, baseline=Baseline(2020, base))
    assert v_lo.status in RANK and v_hi.status in RANK
    assert RANK[v_lo.status] >= RANK[v_hi.status], (v_lo.message, v_hi.message)


@settings(deadline=None, max_examples=300, database=None)
@given(level=levels, base=values, period=periods(2021, 2025), u=near, w=near,
       lower=st.booleans(), green_at=st.floats(50, 100), gap=st.floats(0, 40))
def test_monotonic_in_the_progress_band(level: float, base: float, period: str, u: float, w: float,
                                        lower: bool, green_at: float, gap: float) -> None:
    """Focused on interpolation (one binding target, values around the expected value):
    a better value never gets a worse light, whatever the thresholds."""
    p = _part("<=" if lower else ">=", "lower" if lower else "higher", level)
    rules = Rules(green_at=green_at, yellow_at=green_at - gap)
    lo, hi = _pair(p, period, base, u, w, None)
    worse, better = (hi, lo) if lower else (lo, hi)
    v_worse = judge(p, period, worse, baseline=Baseline(2020, base), rules=rules)
    v_better = judge(p, period, better, baseline=Baseline(2020, base), rules=rules)
    assert RANK[v_better.status] >= RANK[v_worse.status], (v_worse.message, v_better.message)


@settings(deadline=None, max_examples=200, database=None)
@given(level=levels, value=values, op=st.sampled_from([">=", "<="]), year=st.integers(2025, 2040),
       december=st.booleans(), base=st.one_of(st.none(), values), stable=st.booleans())
def test_at_deadline_verdict_is_plain_comparison(level: float, value: float, op: str, year: int,
                                                 december: bool, base: float | None, stable: bool) -> None:
    """At or after the deadline (year 2025, or December of it), a floor/ceiling is green exactly
    when the value meets it, red otherwise, whatever the baseline."""
    p = _part(op, "higher" if op == ">=" else "lower", level, stable=stable)
    period = f"{year}-12" if december else str(year)
    v = judge(p, period, value, baseline=None if base is None else Baseline(2020, base))
    met = value >= level if op == ">=" else value <= level
    assert v.status == ("green" if met else "red")
    assert v.expected == round(level, 2) or abs(level) < 1


@settings(deadline=None, max_examples=200, database=None)
@given(level=st.floats(1, 99), value=st.floats(0, 100), tol=st.floats(0, 5))
def test_approx_at_deadline_is_the_band(level: float, value: float, tol: float) -> None:
    p = Part(code="P03", name="比率", unit="%", direction="higher",
             targets=(Target(2025, "approx", level, "%"),))
    v = judge(p, "2025", value, rules=Rules(tolerance_pp=tol))
    d = round(value - level, 9)
    assert v.status == ("red" if d < -round(tol, 9) else "green")
