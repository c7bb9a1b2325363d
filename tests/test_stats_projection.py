"""Projection (engine.stats.projection): the fitted pace against an independent fit, the day the
target would be reached, the reasons for no projection, and properties."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.stats.projection import NOT_REACHED, projection, projections

SETTINGS = settings(max_examples=150, deadline=None)


def fy_end(year: int) -> int:
    """The last day of the financial year ending in March `year`, as an ordinal."""
    return date(year, 3, 31).toordinal()


BASELINE, TARGET_DAY = fy_end(2014), fy_end(2017)  # 2013/14 to 2016/17, as the Safe City targets


def test_linear_projection_against_an_independent_fit():
    days = [fy_end(2014), fy_end(2015), fy_end(2016)]
    values = [48.3, 44.0, 42.0]
    p = projection(days, values, baseline_day=BASELINE, target_day=TARGET_DAY, target_value=35.0, lower_is_better=True)
    slope, intercept = np.polyfit(np.array(days) - BASELINE, values, 1)
    expected = intercept + slope * (TARGET_DAY - BASELINE)
    assert p.value == pytest.approx(expected, abs=1e-9)
    assert p.slope == pytest.approx(slope, abs=1e-12)
    assert p.gap == pytest.approx(expected - 35.0, abs=1e-9) and p.gap > 0
    assert p.meets_target is False and p.points == 3 and p.reason is None
    # 38.5% on 31 Mar 2017, 3.5 points short of 35%: at this pace 35% comes in May 2018.
    assert round(p.value, 1) == 38.5 and round(p.gap, 1) == 3.5
    crossing = (35.0 - intercept) / slope  # days after the baseline
    assert p.reaches_target_on == date.fromordinal(BASELINE + math.ceil(crossing))
    assert p.reaches_target_on > date(2017, 3, 31)


def test_higher_is_better_gap_is_how_far_below():
    days = [fy_end(2014), fy_end(2015), fy_end(2016)]
    p = projection(days, [60.0, 62.0, 64.0], baseline_day=BASELINE, target_day=TARGET_DAY, target_value=65.0,
                   lower_is_better=False)
    assert p.value == pytest.approx(66.0, abs=0.01) and p.gap == pytest.approx(-1.0, abs=0.01)  # 2016 is a leap year
    assert p.meets_target is True
    assert p.reaches_target_on < date(2017, 3, 31)


def test_compound_projection_fits_the_logarithm():
    # A steady 10% fall a year, exactly on the readings' days: the log-linear fit is that rate.
    days = np.array([fy_end(2014), fy_end(2015), fy_end(2016), fy_end(2017)])
    t = (days - BASELINE).astype(float)
    rate = math.log(0.9) / 365.0
    values = 100 * np.exp(rate * t)
    level = float(100 * np.exp(rate * (TARGET_DAY - BASELINE)))
    p = projection(days, values, baseline_day=BASELINE, target_day=TARGET_DAY, target_value=level,
                   lower_is_better=True, compound=True)
    assert p.slope == pytest.approx(rate, rel=1e-12)
    assert p.value == pytest.approx(level, rel=1e-12)
    assert p.gap == 0 and p.meets_target is True  # on it, up to rounding
    assert p.reaches_target_on == date(2017, 3, 31)
    linear = projection(days, values, baseline_day=BASELINE, target_day=TARGET_DAY, target_value=level,
                        lower_is_better=True)
    assert linear.value != pytest.approx(level, rel=1e-6)  # a straight line through a curve misses


def test_heading_away_or_flat_never_reaches():
    days = [fy_end(2014), fy_end(2015), fy_end(2016)]
    away = projection(days, [48.3, 49.0, 50.0], baseline_day=BASELINE, target_day=TARGET_DAY, target_value=35.0,
                      lower_is_better=True)
    flat = projection(days, [48.3, 48.3, 48.3], baseline_day=BASELINE, target_day=TARGET_DAY, target_value=35.0,
                      lower_is_better=True)
    assert away.reaches_target_on is None and away.meets_target is False
    assert flat.reaches_target_on is None and flat.gap == pytest.approx(13.3)


def test_reached_only_after_the_year_2999_is_not_reached():
    days = [fy_end(2014), fy_end(2015), fy_end(2016)]
    p = projection(days, [48.3, 48.2999, 48.2998], baseline_day=BASELINE, target_day=TARGET_DAY, target_value=0.5,
                   lower_is_better=True)
    assert p.reaches_target_on is None and p.meets_target is False


def test_a_strict_target_must_be_beaten():
    days = [fy_end(2014), fy_end(2015), fy_end(2016)]
    values = [48.0 - 0.003 * (d - BASELINE) for d in days]  # a straight line in days
    level = 48.0 - 0.003 * (TARGET_DAY - BASELINE)  # ... that reaches the level on the target date
    on_it = dict(baseline_day=BASELINE, target_day=TARGET_DAY, target_value=level, lower_is_better=True)
    met = projection(days, values, **on_it)
    assert met.meets_target is True and met.gap == 0 and met.reaches_target_on == date(2017, 3, 31)
    assert projection(days, values, strict=True, **on_it).meets_target is False


@pytest.mark.parametrize("days, values, kwargs, reason", [
    ([fy_end(2015), fy_end(2016)], [44.0, 42.0], {}, "too_few_readings"),
    ([fy_end(2013), fy_end(2015), fy_end(2016)], [50.0, 44.0, 42.0], {}, "too_few_readings"),  # one before the baseline
    ([fy_end(2016)] * 3, [44.0, 43.0, 42.0], {}, "readings_on_one_day"),  # a year, a quarter, a month
    ([fy_end(2014), fy_end(2015), fy_end(2016)], [48.3, 0.0, 42.0], {"compound": True}, "not_positive"),
    ([fy_end(2014), fy_end(2015), fy_end(2016)], [48.3, 44.0, 42.0], {"target_value": None}, "no_target_level"),
])
def test_no_projection_says_why(days, values, kwargs, reason):
    args = {"baseline_day": BASELINE, "target_day": TARGET_DAY, "target_value": 35.0, "lower_is_better": True, **kwargs}
    p = projection(days, values, **args)
    assert p.reason == reason
    assert p.value is None and p.meets_target is None and p.gap is None and p.reaches_target_on is None


def test_a_linear_path_may_fit_values_of_zero_and_below():
    days = [fy_end(2014), fy_end(2015), fy_end(2016)]
    p = projection(days, [2.0, 0.0, -2.0], baseline_day=BASELINE, target_day=TARGET_DAY, target_value=-5.0,
                   lower_is_better=True)
    assert p.reason is None and p.value == pytest.approx(-4.0, abs=0.02)


# Properties.

@st.composite
def readings(draw):
    n = draw(st.integers(0, 8))
    days = draw(st.lists(st.integers(BASELINE - 400, TARGET_DAY + 400), min_size=n, max_size=n))
    values = draw(st.lists(st.floats(0.5, 1000), min_size=n, max_size=n))
    return days, values


@SETTINGS
@given(readings(), st.floats(1, 1000), st.booleans(), st.booleans())
def test_meets_gap_and_the_day_reached_agree(r, level, lower_is_better, compound):
    p = projection(*r, baseline_day=BASELINE, target_day=TARGET_DAY, target_value=level,
                   lower_is_better=lower_is_better, compound=compound)
    if p.reason is not None:
        return
    assert p.meets_target == (p.gap <= 0)
    heading = p.slope < 0 if lower_is_better else p.slope > 0
    if not heading:
        assert p.reaches_target_on is None
    elif p.reaches_target_on is not None:
        # Heading towards the level, it is met on the target date exactly when reached by then.
        assert (p.reaches_target_on <= date.fromordinal(TARGET_DAY)) == p.meets_target


@SETTINGS
@given(st.lists(st.integers(BASELINE, TARGET_DAY), min_size=3, max_size=8, unique=True),
       st.floats(-5, 5), st.floats(-1000, 1000))
def test_readings_on_a_straight_line_project_along_it(days, per_year, start):
    values = [start + per_year * (d - BASELINE) / 365 for d in days]
    p = projection(days, values, baseline_day=BASELINE, target_day=TARGET_DAY, target_value=0.0,
                   lower_is_better=True)
    assert p.value == pytest.approx(start + per_year * (TARGET_DAY - BASELINE) / 365, abs=1e-8)


@SETTINGS
@given(st.lists(readings(), min_size=1, max_size=5), st.randoms())
def test_many_targets_at_once_give_what_each_gives_alone(targets, random):
    rows = [(t, d, v) for t, (days, values) in enumerate(targets) for d, v in zip(days, values)]
    random.shuffle(rows)
    group, day, value = (np.array(c) for c in zip(*rows)) if rows else (np.zeros(0, int),) * 3
    n = len(targets)
    levels = [10.0 * (t + 1) for t in range(n)]
    polarity = [t % 2 == 0 for t in range(n)]
    compound = [t % 3 == 0 for t in range(n)]
    together = projections(group, day, value, baseline_day=[BASELINE] * n, target_day=[TARGET_DAY] * n,
                           target_value=levels, lower_is_better=polarity, compound=compound)
    for t, (days, values) in enumerate(targets):
        alone = projection(days, values, baseline_day=BASELINE, target_day=TARGET_DAY, target_value=levels[t],
                           lower_is_better=polarity[t], compound=compound[t])
        got = together.one(t)
        assert got.reason == alone.reason and got.points == alone.points
        assert got.meets_target == alone.meets_target and got.reaches_target_on == alone.reaches_target_on
        if alone.value is not None:
            assert got.value == pytest.approx(alone.value, rel=1e-9)
    assert together.reaches_target_on.dtype == np.int64 and NOT_REACHED == -1


def test_a_pace_that_overflows_is_no_projection_not_a_met_target():
    # Found by the property above: a compound fit so steep that the value at the target date is
    # infinite, which the comparison rule would call equal to any level.
    p = projection([BASELINE + 1, BASELINE + 2, BASELINE + 3], [1.0, 1e100, 1e200], baseline_day=BASELINE,
                   target_day=TARGET_DAY, target_value=5.0, lower_is_better=True, compound=True)
    assert p.reason == "too_steep" and p.value is None and p.meets_target is None
