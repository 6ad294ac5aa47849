"""Property tests of the pure progress/forecast/composite engine."""

from __future__ import annotations

import math

from hypothesis import assume, given
from hypothesis import strategies as st

from kechuang.indicators import progress

values = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)
years = st.floats(min_value=2015, max_value=2030, allow_nan=False)


@given(a=st.floats(min_value=-3, max_value=3), rate=st.floats(min_value=-0.5, max_value=1.0),
       ts=st.lists(years, min_size=2, max_size=6, unique=True))
def test_log_linear_fit_recovers_an_exact_growth_series(a, rate, ts):
    assume(max(ts) - min(ts) > 0.5)
    pts = [(t, math.exp(a + math.log1p(rate) * (t - 2020))) for t in ts]
    fit = progress.fit(pts, growth=True)
    assert fit is not None and fit.method == "log-linear"
    assert math.isclose(fit.at(2027.0), math.exp(a + math.log1p(rate) * 7), rel_tol=1e-6)


@given(a=st.floats(min_value=-100, max_value=100), b=st.floats(min_value=-10, max_value=10),
       ts=st.lists(years, min_size=2, max_size=6, unique=True))
def test_linear_fit_recovers_a_line(a, b, ts):
    assume(max(ts) - min(ts) > 0.5)
    fit = progress.fit([(t, a + b * (t - 2020)) for t in ts], growth=False)
    assert fit is not None and fit.method == "linear"
    assert math.isclose(fit.at(2027.0), a + 7 * b, rel_tol=1e-6, abs_tol=1e-6)


@given(t=years, v=values)
def test_one_point_is_insufficient(t, v):
    assert progress.fit([(t, v)], growth=True) is None
    result = progress.assess([(t, v)], v * 2, ">=", "higher", 2031, t, True)
    assert result.method == progress.INSUFFICIENT and result.status == progress.AT_RISK


@given(pts=st.lists(st.tuples(years, values), min_size=1, max_size=6), target=values,
       comparator=st.sampled_from([">=", ">", "<="]), growth=st.booleans())
def test_status_is_achieved_exactly_when_the_latest_value_meets_the_target(pts, target, comparator, growth):
    direction = "lower" if comparator == "<=" else "higher"
    result = progress.assess(pts, target, comparator, direction, 2030, 2024.5, growth)
    latest = sorted(pts)[-1][1]
    assert (result.status == progress.ACHIEVED) == progress.meets(latest, target, comparator)
    assert result.status in {progress.ACHIEVED, progress.ON_TRACK, progress.AT_RISK, progress.LAGGING}


@given(pts=st.lists(st.tuples(years, values), min_size=1, max_size=6), target=values)
def test_after_the_deadline_an_unmet_target_is_lagging(pts, target):
    result = progress.assess(pts, target, ">=", "higher", 2014, 2031.0, True)
    assert result.status in {progress.ACHIEVED, progress.LAGGING}


@given(latest=st.floats(min_value=1, max_value=1e4), target=st.floats(min_value=1, max_value=1e4),
       left=st.floats(min_value=1, max_value=20))
def test_growth_needed_reaches_the_target(latest, target, left):
    rate = progress.growth_needed(latest, target, left, growth=True)
    assert rate is not None and math.isclose(latest * (1 + rate) ** left, target, rel_tol=1e-6)
    step = progress.growth_needed(latest, target, left, growth=False)
    assert step is not None and math.isclose(latest + step * left, target, rel_tol=1e-6, abs_tol=1e-6)


table = st.dictionaries(st.sampled_from(["530102", "530103", "530111", "530112", "530114"]),
                        st.fixed_dictionaries({"A": values, "B": values}), min_size=1)


@given(table=table, wa=st.floats(min_value=0.01, max_value=1), wb=st.floats(min_value=0.01, max_value=1))
def test_minmax_composite_lies_between_0_and_100(table, wa, wb):
    index, scores = progress.composite(table, {"A": wa, "B": wb}, "minmax")
    assert all(-1e-9 <= v <= 100 + 1e-9 for v in index.values())
    best_a = max(table, key=lambda r: table[r]["A"])
    assert math.isclose(scores[best_a]["A"], 100.0)


@given(table=table)
def test_zscore_scores_have_mean_zero_and_lower_is_better_flips_the_order(table):
    column = {r: row["A"] for r, row in table.items()}
    z = progress.normalise(column, "zscore")
    assert abs(sum(z.values())) < 1e-6 * max(1, len(z))
    up, down = progress.normalise(column, "minmax"), progress.normalise(column, "minmax", lower_is_better=True)
    for r in column:
        for s in column:
            if column[r] > column[s]:
                assert up[r] > up[s] and down[r] < down[s]


@given(scores=st.dictionaries(st.text(min_size=1, max_size=3), st.floats(0, 100), min_size=1, max_size=8))
def test_strengths_and_weaknesses_do_not_overlap(scores):
    strong, weak = progress.strengths_and_weaknesses(scores)
    assert not set(strong) & set(weak)
    assert all(scores[s] >= scores[w] for s in strong for w in weak)


@given(pts=st.lists(st.tuples(years, st.floats(min_value=0, max_value=1e6)), min_size=2, max_size=6), target=values)
def test_growth_series_forecasts_are_never_negative(pts, target):
    result = progress.assess(pts, target, ">=", "higher", 2035, 2020.0, True)
    assert result.forecast is None or result.forecast >= 0
