"""Recent trend (engine.stats.trend): Fingertips' worked examples and published labels, the
reasons a trend cannot be calculated, and properties against an independent fit."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.stats.intervals import Z
from engine.stats.trend import LABELS, THRESHOLD, recent_trend, recent_trends

SETTINGS = settings(max_examples=150, deadline=None)

# Fingertips' own worked example (fingertips-open, PholioVisualisationWS/AnalysisTest/
# TrendMarkerCalculatorTest.cs, data set 1), oldest first: 2014 to 2018.
YEARS = [2014, 2015, 2016, 2017, 2018]
VALUES = [24.67, 24.6, 28.0, 30.2, 30.6]
LOWER = [23.16, 23.15, 26.44, 28.63, 28.98]
UPPER = [26.25, 26.19, 29.64, 31.9, 32.25]


def independent_chi_squared(values, lower, upper, z):
    """slope^2 / var(slope) from numpy's weighted polyfit (weights 1/sigma), not our sums."""
    sigma = (np.array(upper) - np.array(lower)) / (2 * z)
    (slope, _), cov = np.polyfit(np.arange(1, 6), values, 1, w=1 / sigma, cov="unscaled")
    return slope, slope * slope / cov[0, 0]


def test_the_threshold_is_fingertips_chi_squared_point():
    assert THRESHOLD == 9.54953570608324  # Fingertips' ChiSquareConfidence, to the last digit
    assert THRESHOLD == pytest.approx(9.5495, abs=1e-4)


def test_fingertips_worked_example_as_fingertips_computes_it():
    # Fingertips divides the 95% interval's width by 3.92 (z = 1.96) and asserts chi-squared 46.77.
    trend = recent_trend(VALUES, LOWER, UPPER, z=1.96, lower_is_better=False)
    assert round(trend.chi_squared, 2) == 46.77
    assert trend.label == "increasing_getting_better"


def test_fingertips_worked_example_with_the_exact_z():
    trend = recent_trend(VALUES, LOWER, UPPER, lower_is_better=False)
    slope, chi = independent_chi_squared(VALUES, LOWER, UPPER, Z[95.0])
    assert trend.chi_squared == pytest.approx(chi, abs=1e-9)
    assert trend.slope == pytest.approx(slope, abs=1e-9)
    assert round(trend.chi_squared, 1) == 46.8 and trend.chi_squared > THRESHOLD
    assert trend.points == 5 and trend.reason is None
    # Rising from 24.67 (2014) to 30.6 (2018): increasing, and its words follow the polarity.
    assert trend.label == "increasing_getting_better"
    assert recent_trend(VALUES, LOWER, UPPER, lower_is_better=True).label == "increasing_getting_worse"


def test_the_example_read_newest_first_as_the_issue_lists_it_is_decreasing():
    # Issue 11 lists the values 30.6, 30.2, 28, 24.6, 24.67 (newest first) and calls the trend
    # decreasing: read as positions 1..5 in that order, it is, with the same chi-squared.
    forward = recent_trend(VALUES, LOWER, UPPER, lower_is_better=True)
    backward = recent_trend(VALUES[::-1], LOWER[::-1], UPPER[::-1], lower_is_better=True)
    assert backward.label == "decreasing_getting_better"
    assert backward.chi_squared == pytest.approx(forward.chi_squared, rel=1e-12)
    assert backward.slope == pytest.approx(-forward.slope, rel=1e-12)


def test_fingertips_example_that_is_not_significant():
    # TrendMarkerCalculatorTest.cs data set 2 (2014 to 2018): IsSignificant is false.
    trend = recent_trend([20.5506, 19.5952, 19.0349, 21.3966, 18.4372],
                         [18.1803, 17.3444, 16.8421, 19.0918, 16.2925],
                         [23.1427, 22.0602, 21.4394, 23.8975, 20.7941], lower_is_better=False)
    assert trend.label == "no_significant_change" and trend.reason is None
    assert trend.chi_squared < THRESHOLD


# Labels Fingertips publishes, as FingertipsNext's trend-analysis tests record them
# (TrendAnalysisApp.UnitTests/Calculator/IndicatorTestData.cs and TrendCalculatorTests.cs).
PUBLISHED = [
    # MMR for one dose at 2 years, Yorkshire and the Humber, 2020 to 2024: higher is better.
    ("decreasing_getting_worse", False,
     [92.6254, 92.3221, 90.8708, 90.017, 90.1013], [92.4168, 92.1072, 90.6358, 89.7694, 89.8578],
     [92.8288, 92.5315, 91.1004, 90.2594, 90.3396]),
    # Preventable sight loss from diabetic eye disease, England, 2020 to 2024 (a crude rate).
    ("increasing_getting_worse", True,
     [2.935, 1.93028, 2.7567, 2.8701, 3.0121], [2.7841, 1.8085, 2.6113, 2.7225, 2.8616],
     [3.0919, 2.058, 2.9082, 3.0237, 3.1683]),
    # Under 75 mortality from cancer, England, 2019 to 2023 (directly standardised). The source
    # writes the 2023 value as `120/7742`, evidently 120.7742: its interval is 119.8035 to 121.7507.
    ("decreasing_getting_better", True,
     [126.9341, 125.829, 121.5234, 122.3782, 120.7742], [125.9343, 124.8371, 120.5533, 121.4012, 119.8035],
     [127.94, 126.8268, 122.4993, 123.361, 121.7507]),
]


@pytest.mark.parametrize("label, lower_is_better, values, lower, upper", PUBLISHED, ids=["mmr", "eye", "cancer"])
def test_labels_fingertips_publishes(label, lower_is_better, values, lower, upper):
    assert recent_trend(values, lower, upper, lower_is_better=lower_is_better).label == label


def test_a_leave_one_out_slope_against_the_trend_makes_it_no_significant_change():
    # One high last reading pulls the line up; without it the others fall.
    values = [20.0, 10.0, 10.0, 10.0, 40.0]
    narrow = [v - 0.1 for v in values], [v + 0.1 for v in values]
    trend = recent_trend(values, *narrow, lower_is_better=True)
    assert trend.chi_squared > 1000 * THRESHOLD and trend.slope > 0
    assert trend.label == "no_significant_change"


def test_only_the_latest_five_count():
    older = [math.nan]  # an old reading with no interval is not among the latest five
    trend = recent_trend(older + VALUES, older + LOWER, older + UPPER, lower_is_better=False)
    assert trend == recent_trend(VALUES, LOWER, UPPER, lower_is_better=False)
    many = recent_trend([1.0, 2.0, 3.0, 4.0] + VALUES, [0.0, 1, 2, 3] + LOWER, [2.0, 3, 4, 5] + UPPER,
                        lower_is_better=False)
    assert many == recent_trend(VALUES, LOWER, UPPER, lower_is_better=False)


@pytest.mark.parametrize("change, reason", [
    ({"values": VALUES[:4], "lower": LOWER[:4], "upper": UPPER[:4]}, "too_few_points"),
    ({"lower": LOWER[:2] + [math.nan] + LOWER[3:]}, "no_interval"),
    ({"upper": UPPER[:4] + [math.nan]}, "no_interval"),
    ({"lower": LOWER[:1] + [UPPER[1]] + LOWER[2:]}, "zero_width_interval"),
    ({"length": [1, 1, 1, 1, 2]}, "mixed_period_lengths"),
    ({"numerator": [5, 6, 7, 8, 9], "denominator": [10, 10, 7, 10, 10]}, "numerator_equals_denominator"),
])
def test_what_cannot_be_calculated_says_why(change, reason):
    args = {"values": VALUES, "lower": LOWER, "upper": UPPER, **change}
    trend = recent_trend(args.pop("values"), args.pop("lower"), args.pop("upper"), lower_is_better=True, **args)
    assert trend.label == "cannot_be_calculated" and trend.reason == reason
    assert trend.chi_squared is None and trend.slope is None
    assert trend.points == min(5, len(change.get("values", VALUES)))


def test_no_readings_at_all():
    trends = recent_trends([], [], [], [], [], [], z=Z[95.0], lower_is_better=[True, False])
    assert [trends.one(i).reason for i in range(2)] == ["too_few_points"] * 2
    assert list(trends.points) == [0, 0]


# Properties.

@st.composite
def series(draw, size=None):
    n = size if size is not None else draw(st.integers(0, 8))
    values = draw(st.lists(st.floats(1, 1000), min_size=n, max_size=n))
    widths = draw(st.lists(st.floats(0.01, 50), min_size=n, max_size=n))
    return values, [v - w / 2 for v, w in zip(values, widths)], [v + w / 2 for v, w in zip(values, widths)]


@SETTINGS
@given(series(5), st.booleans(), st.sampled_from([Z[95.0], Z[99.8]]))
def test_chi_squared_and_slope_agree_with_an_independent_weighted_fit(s, lower_is_better, z):
    trend = recent_trend(*s, z=z, lower_is_better=lower_is_better)
    slope, chi = independent_chi_squared(*s, z)
    assert trend.slope == pytest.approx(slope, rel=1e-7, abs=1e-9)
    assert trend.chi_squared == pytest.approx(chi, rel=1e-7, abs=1e-9)
    if trend.label != "no_significant_change":
        assert trend.chi_squared > THRESHOLD
        assert trend.label.startswith("increasing" if slope > 0 else "decreasing")


@SETTINGS
@given(series(5), st.booleans())
def test_reversing_time_reverses_the_trend_and_swapping_polarity_swaps_its_words(s, lower_is_better):
    trend = recent_trend(*s, lower_is_better=lower_is_better)
    backward = recent_trend(*(c[::-1] for c in s), lower_is_better=lower_is_better)
    swapped = recent_trend(*s, lower_is_better=not lower_is_better)
    assert backward.chi_squared == pytest.approx(trend.chi_squared, rel=1e-9)
    flip = {"increasing": "decreasing", "decreasing": "increasing", "better": "worse", "worse": "better"}
    if trend.label == "no_significant_change":
        assert swapped.label == trend.label
    else:
        direction, _, word = trend.label.split("_")
        assert swapped.label == f"{direction}_getting_{flip[word]}"


@SETTINGS
@given(st.lists(series(), min_size=1, max_size=6), st.lists(st.booleans(), min_size=6, max_size=6), st.randoms())
def test_many_targets_at_once_give_what_each_gives_alone(targets, polarity, random):
    rows = [(t, i, v, lo, hi) for t, (values, lower, upper) in enumerate(targets)
            for i, (v, lo, hi) in enumerate(zip(values, lower, upper))]
    random.shuffle(rows)  # the input order must not matter: the order key does
    group, order, value, lower, upper = (np.array(c) for c in zip(*rows)) if rows else ([],) * 5
    trends = recent_trends(group, order, np.zeros(len(rows)), value, lower, upper, z=Z[95.0],
                           lower_is_better=polarity[:len(targets)])
    for t, s in enumerate(targets):
        assert trends.one(t) == recent_trend(*s, lower_is_better=polarity[t])
        assert LABELS[trends.label[t]] == trends.one(t).label


def test_any_order_key_sorts_the_same():
    # Period.key is an int in the trillions; a float key takes the two-sort way.
    keys = [np.arange(5), np.arange(5) * 4_000_000 + 3_000_000_000_000, np.arange(5) * 0.5]
    results = [recent_trends(np.zeros(5, dtype=int), k[::-1], np.zeros(5), VALUES[::-1], LOWER[::-1], UPPER[::-1],
                             z=Z[95.0], lower_is_better=[False]).one(0) for k in keys]
    assert results[0] == results[1] == results[2] == recent_trend(VALUES, LOWER, UPPER, lower_is_better=False)
