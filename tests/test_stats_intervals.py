"""Intervals (engine.stats.intervals, engine.stats.special): published values, independent
checks of the exact Poisson limits, reasons for impossible readings, and properties."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.stats import intervals as ci
from engine.stats.special import gamma_p, gamma_p_inverse, gamma_q

SETTINGS = settings(max_examples=200, deadline=None)
TOL = 1e-9


# Published values (issue 11's "Done when"; PHEindicatormethods' test data for wilson_* and byars_*).

def test_wilson_65_of_100_at_95():
    lower, upper = ci.wilson(65, 100, 95)
    assert lower == pytest.approx(0.55254443296888, abs=TOL)
    assert upper == pytest.approx(0.73635751756902, abs=TOL)


def test_byar_65_events_at_95():
    lower, upper = ci.byar(65, 95)
    assert lower == pytest.approx(50.1631877104595, abs=TOL)
    assert upper == pytest.approx(82.8491385459398, abs=TOL)


def test_byar_formula_itself_for_1_event():
    lower, upper = ci.byar(1, 95)
    assert lower == pytest.approx(0.0130721329015, abs=TOL)
    assert upper == pytest.approx(5.56375558247526, abs=TOL)


def test_a_count_below_10_takes_the_exact_limits_not_byars():
    result = ci.count([1, 9, 10, 65])
    assert [result.method_name(i) for i in range(4)] == ["exact", "exact", "byar", "byar"]
    # 1 event: the lower limit solves 1 - e^-L = 0.025 (a closed form), not Byar's 0.01307.
    assert result.lower[0] == pytest.approx(-math.log(0.975), rel=1e-13)
    assert result.lower[0] != pytest.approx(0.0130721329015, abs=1e-3)
    assert result.lower[3] == pytest.approx(50.1631877104595, abs=TOL)


def test_z_is_the_exact_normal_quantile():
    assert ci.z_for(95) == 1.959963984540054
    assert ci.z_for(99.8) == 3.090232306167813
    assert ci.z_for(90) == pytest.approx(NormalDist().inv_cdf(0.95), rel=1e-15)
    with pytest.raises(ValueError):
        ci.z_for(100)


def poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean), summed term by term: an independent route to the limits."""
    return sum(math.exp(-mean) * mean ** j / math.factorial(j) for j in range(k + 1))


@pytest.mark.parametrize("confidence", [95.0, 99.8])
@pytest.mark.parametrize("events", range(10))
def test_exact_limits_are_the_poisson_means_that_just_reach_the_count(events, confidence):
    alpha = 1 - confidence / 100
    lower, upper = ci.poisson_exact(events, confidence)
    # Upper: the mean under which seeing `events` or fewer has probability alpha / 2.
    assert poisson_cdf(events, float(upper[0])) == pytest.approx(alpha / 2, rel=1e-11)
    if events == 0:
        assert lower == 0
    else:  # lower: the mean under which seeing `events` or more has probability alpha / 2
        assert 1 - poisson_cdf(events - 1, float(lower[0])) == pytest.approx(alpha / 2, rel=1e-11)


def test_exact_limits_match_the_published_table():
    # Garwood's limits as tabled for counts 1, 5 and 9 at 95% (e.g. Breslow & Day 1987, Table).
    lower, upper = ci.poisson_exact([1, 5, 9], 95)
    assert np.allclose(lower, [0.0253, 1.6235, 4.1153], atol=1e-4)
    assert np.allclose(upper, [5.5716, 11.6683, 17.0848], atol=1e-4)


def test_rate_scales_the_count_limits_by_multiplier_over_denominator():
    result = ci.rate([65, 5], [200_000, 50_000], 95, 100_000)
    assert np.allclose(result.value, [32.5, 10.0])
    lower, upper = ci.byar(65, 95)
    assert result.lower[0] == pytest.approx(lower / 2, rel=1e-15)
    assert result.upper[0] == pytest.approx(upper / 2, rel=1e-15)
    low5, high5 = ci.poisson_exact(5, 95)
    assert result.lower[1] == pytest.approx(low5 * 2, rel=1e-15)
    assert result.upper[1] == pytest.approx(high5 * 2, rel=1e-15)


def test_proportion_in_percent():
    result = ci.proportion(921, 1000, 95, 100)
    assert result.value[0] == pytest.approx(92.1)
    lower, upper = ci.wilson(921, 1000)
    assert (result.lower[0], result.upper[0]) == pytest.approx((lower[0] * 100, upper[0] * 100))
    assert result.method_name(0) == "wilson" and result.reason_name(0) == ""


def test_the_issues_survey_example_is_inside_its_own_error():
    # "about 1,000 people reading 92.1% against 'maintain 93%' is inside its own sampling error"
    result = ci.proportion(921, 1000, 95, 100)
    assert result.lower[0] < 93 < result.upper[0]
    assert result.lower[0] == pytest.approx(90.3, abs=0.05) and result.upper[0] == pytest.approx(93.6, abs=0.05)


@pytest.mark.parametrize("numerator, denominator, reason", [
    (math.nan, 100, "no_numerator"),
    (5, math.nan, "no_denominator"),
    (-1, 100, "negative_numerator"),
    (5, 0, "denominator_not_positive"),
    (5, -10, "denominator_not_positive"),
    (101, 100, "numerator_above_denominator"),
    (math.inf, 100, "not_finite"),
])
def test_impossible_proportions_have_no_interval_and_say_why(numerator, denominator, reason):
    result = ci.proportion([numerator, 5], [denominator, 10])
    assert result.reason_name(0) == reason and result.method_name(0) == ""
    assert math.isnan(result.lower[0]) and math.isnan(result.upper[0]) and math.isnan(result.value[0])
    assert result.reason_name(1) == "" and result.method_name(1) == "wilson"  # its neighbour is untouched


def test_a_rate_may_count_more_events_than_its_denominator_but_not_negative_ones():
    result = ci.rate([150, -1, 3], [100, 100, 0], multiplier=1000)
    assert [result.reason_name(i) for i in range(3)] == ["", "negative_numerator", "denominator_not_positive"]
    assert result.value[0] == 1500 and result.method_name(0) == "byar"
    assert result.method_name(1) == result.method_name(2) == ""


def test_counts_of_zero_and_missing_counts():
    result = ci.count([0, math.nan, -2])
    assert result.lower[0] == 0 and result.upper[0] == pytest.approx(-math.log(0.025), rel=1e-13)
    assert [result.reason_name(i) for i in range(3)] == ["", "no_numerator", "negative_numerator"]


def test_byar_lower_limit_below_zero_is_zero():
    lower, _ = ci.byar([1, 2, 0], 99.8)  # 1 event at 99.8%: (1 - 1/9 - 3.09/3)^3 < 0
    assert list(lower) == [0.0, pytest.approx(2 * (1 - 1 / 18 - ci.Z[99.8] / (3 * math.sqrt(2))) ** 3), 0.0]
    assert lower[1] > 0


def test_levels_may_differ_reading_by_reading():
    both = ci.rate([5, 5, 65, 65], [1000] * 4, [95, 99.8, 95, 99.8], 1000)
    assert both.lower[1] < both.lower[0] and both.upper[1] > both.upper[0]
    assert both.lower[3] < both.lower[2] and both.upper[3] > both.upper[2]
    alone = ci.rate([5], [1000], 99.8, 1000)
    assert both.upper[1] == alone.upper[0]


# The special functions, against closed forms.

def test_gamma_p_closed_forms():
    x = np.array([0.0, 1e-8, 0.3, 1.0, 2.5, 7.0, 30.0, 100.0])
    assert np.allclose(gamma_p(1.0, x), 1 - np.exp(-x), rtol=1e-13, atol=1e-16)  # shape 1: exponential
    assert np.allclose(gamma_p(0.5, x), [math.erf(math.sqrt(v)) for v in x], rtol=1e-13, atol=1e-16)
    assert np.allclose(gamma_p(3.0, x) + gamma_q(3.0, x), 1.0, rtol=0, atol=1e-15)


@SETTINGS
@given(st.floats(0.05, 60), st.floats(1e-9, 1 - 1e-9))
def test_gamma_p_inverse_inverts_gamma_p(a, p):
    x = gamma_p_inverse(a, p)
    if p <= 0.5:
        assert gamma_p(a, x) == pytest.approx(p, rel=1e-11)
    else:
        assert gamma_q(a, x) == pytest.approx(1 - p, rel=1e-9, abs=1e-15)


def test_gamma_p_inverse_refuses_what_has_no_answer():
    with pytest.raises(ValueError):
        gamma_p_inverse(0.0, 0.5)
    with pytest.raises(ValueError):
        gamma_p_inverse(2.0, 1.0)
    assert gamma_p_inverse(2.0, 0.0) == 0.0


# Properties.

sizes = st.integers(1, 10_000_000)


@st.composite
def proportions(draw):
    n = draw(sizes)
    return draw(st.integers(0, n)), n


@SETTINGS
@given(proportions(), st.sampled_from([95.0, 99.8]), st.sampled_from([1.0, 100.0]))
def test_a_proportions_interval_contains_its_value(sample, confidence, scale):
    x, n = sample
    result = ci.proportion(x, n, confidence, scale)
    assert result.lower[0] <= result.value[0] <= result.upper[0]
    assert 0 <= result.lower[0] and result.upper[0] <= scale


@SETTINGS
@given(st.integers(0, 10_000_000), st.floats(1, 1e9), st.sampled_from([95.0, 99.8]),
       st.sampled_from([1.0, 1000.0, 100_000.0]))
def test_a_rates_interval_contains_its_value(events, denominator, confidence, multiplier):
    result = ci.rate(events, denominator, confidence, multiplier)
    assert 0 <= result.lower[0] <= result.value[0] <= result.upper[0]


@SETTINGS
@given(proportions())
def test_99_8_is_wider_than_95_for_proportions(sample):
    x, n = sample
    low95, high95 = ci.wilson(x, n, 95)
    low998, high998 = ci.wilson(x, n, 99.8)
    assert low998 <= low95 and high998 >= high95
    assert high998 - low998 > high95 - low95


@SETTINGS
@given(st.integers(0, 10_000_000))
def test_99_8_is_wider_than_95_for_counts(events):
    at95, at998 = ci.count(events, 95), ci.count(events, 99.8)
    assert at998.lower[0] <= at95.lower[0] and at998.upper[0] > at95.upper[0]
    assert at998.upper[0] - at998.lower[0] > at95.upper[0] - at95.lower[0]


@SETTINGS
@given(st.integers(0, 1000), st.integers(1, 1000), st.integers(2, 1000), st.sampled_from([95.0, 99.8]))
def test_a_proportions_interval_narrows_as_its_denominator_grows(cases, extra, times, confidence):
    n = cases + extra  # the proportion cases / n, then the same proportion of `times` as many
    small = ci.proportion(cases, n, confidence)
    large = ci.proportion(cases * times, n * times, confidence)
    assert large.value[0] == pytest.approx(small.value[0])
    assert large.upper[0] - large.lower[0] < small.upper[0] - small.lower[0]


@SETTINGS
@given(st.integers(0, 1000), st.integers(1, 100_000), st.integers(2, 1000), st.sampled_from([95.0, 99.8]))
def test_a_rates_interval_narrows_as_its_denominator_grows(events, denominator, times, confidence):
    small = ci.rate(events, denominator, confidence, 100_000)
    large = ci.rate(events * times, denominator * times, confidence, 100_000)
    assert large.upper[0] - large.lower[0] < small.upper[0] - small.lower[0]


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 60), st.sampled_from([95.0, 99.8])), min_size=1, max_size=30))
def test_columns_give_what_each_reading_gives_alone(rows):
    x, n, level = (np.array(column, dtype=float) for column in zip(*rows))
    together = ci.rate(x, n, level, 1000)
    for i in range(len(rows)):
        alone = ci.rate(x[i], n[i], level[i], 1000)
        assert together.lower[i] == alone.lower[0] and together.upper[i] == alone.upper[0]
        assert together.method[i] == alone.method[0]
