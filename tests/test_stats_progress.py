"""Progress (engine.stats.progress): Open SDG's categories with worked numbers, every boundary,
the reasons for none, and properties."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.stats.progress import CATEGORIES, progress, progresses, years_between

SETTINGS = settings(max_examples=200, deadline=None)


def fy(year: int) -> date:
    """The end of the financial year ending in March `year`."""
    return date(year, 3, 31)


def youth(latest: float, *, year: int = 2016, target: float | None = 35.0, lower_is_better: bool = True, **kw):
    """The youth re-offending target: 48.3% in 2013/14 to 35% by 2016/17."""
    return progress(48.3, fy(2014), latest, fy(year), target_value=target, target_end=fy(2017),
                    lower_is_better=lower_is_better, **kw)


def test_worked_example_with_a_target():
    p = youth(44.0)  # 2015/16: two years after the baseline, one before the target date
    g_obs = (44.0 / 48.3) ** (1 / 2) - 1  # -4.56% a year
    g_req = (35.0 / 48.3) ** (1 / 3) - 1  # -10.18% a year needed
    assert p.observed_rate == pytest.approx(g_obs, rel=1e-14)
    assert p.required_rate == pytest.approx(g_req, rel=1e-14)
    assert p.ratio == pytest.approx(g_obs / g_req, rel=1e-14)  # 0.447
    assert p.category == "negligible_progress" and p.reason is None


def test_years_are_calendar_months_over_twelve():
    assert years_between(fy(2014).toordinal(), fy(2016).toordinal()) == 2.0  # not 731 / 365.25
    assert years_between(fy(2014).toordinal(), date(2014, 9, 30).toordinal()) == 0.5
    assert years_between(fy(2016).toordinal(), fy(2014).toordinal()) == -2.0


def latest_for_ratio(ratio: float) -> float:
    """The 2015/16 reading whose observed growth is `ratio` times the required growth."""
    g_req = (35.0 / 48.3) ** (1 / 3) - 1
    return 48.3 * (1 + ratio * g_req) ** 2


@pytest.mark.parametrize("ratio, category", [
    (1.2, "substantial_progress"),
    (0.95, "substantial_progress"),  # R >= 0.95 (equal up to rounding counts)
    (0.9499, "moderate_progress"),
    (0.6, "moderate_progress"),
    (0.5999, "negligible_progress"),
    (0.0, "negligible_progress"),
    (-0.0001, "deterioration"),
    (-1.0, "deterioration"),
])
def test_categories_by_the_ratio_of_observed_to_required_growth(ratio, category):
    p = youth(latest_for_ratio(ratio))
    assert latest_for_ratio(ratio) > 35  # not yet at the level
    assert p.ratio == pytest.approx(ratio, abs=1e-12)
    assert p.category == category


def test_target_achieved_when_the_latest_meets_the_level():
    assert youth(35.0).category == "target_achieved"
    assert youth(30.0).category == "target_achieved"
    assert youth(35.0, strict=True).category != "target_achieved"  # a strict level must be beaten
    higher = progress(60.0, fy(2014), 70.0, fy(2016), target_value=70.0, target_end=fy(2017), lower_is_better=False)
    assert higher.category == "target_achieved"
    # Growth is still worked out where it can be, for the explanation.
    assert youth(30.0).ratio == pytest.approx(((30 / 48.3) ** 0.5 - 1) / ((35 / 48.3) ** (1 / 3) - 1))


def test_a_met_level_needs_no_positive_values():
    p = progress(4.0, fy(2014), 0.0, fy(2016), target_value=0.0, target_end=fy(2017), lower_is_better=True)
    assert p.category == "target_achieved" and p.observed_rate is None and p.reason is None


def test_moving_away_when_the_baseline_already_met_the_level_is_deterioration():
    # Lower is better, the level (12) is above the baseline (10): g_obs / g_req alone would call a
    # rise to 13 progress; Open SDG's d g_obs / |g_req| calls it what it is.
    p = progress(10.0, fy(2014), 13.0, fy(2016), target_value=12.0, target_end=fy(2017), lower_is_better=True)
    assert p.observed_rate > 0 and p.required_rate > 0
    assert p.category == "deterioration" and p.ratio < 0


def direction_only(latest: float, lower_is_better: bool = False):
    return progress(100.0, fy(2014), latest, fy(2016), target_value=None, target_end=None,
                    lower_is_better=lower_is_better)


@pytest.mark.parametrize("growth, category", [
    (0.05, "substantial_progress"),
    (0.0101, "substantial_progress"),
    (0.01, "moderate_progress"),  # (0, 0.01]
    (0.0001, "moderate_progress"),
    (0.0, "moderate_deterioration"),  # [-0.01, 0]
    (-0.01, "moderate_deterioration"),
    (-0.0101, "substantial_deterioration"),
])
def test_direction_only_categories_by_growth(growth, category):
    higher = direction_only(100.0 * (1 + growth) ** 2)
    assert higher.observed_rate == pytest.approx(growth, abs=1e-13)
    assert higher.category == category and higher.ratio is None and higher.required_rate is None
    # Lower is better: the same category for the mirror-image growth.
    lower = direction_only(100.0 * (1 - growth) ** 2, lower_is_better=True)
    assert lower.category == category


@pytest.mark.parametrize("args, reason", [
    ({"latest": None}, "no_reading"),
    ({"latest": -1.0, "target_value": 60.0, "lower_is_better": False}, "not_positive"),
    ({"baseline": 0.0}, "not_positive"),
    ({"target_value": -5.0, "latest": 40.0}, "not_positive"),
    ({"latest_end": fy(2014)}, "no_time_elapsed"),
    ({"latest_end": fy(2013)}, "no_time_elapsed"),
    ({"target_end": fy(2014)}, "target_not_after_baseline"),
    ({"target_value": 48.3}, "no_change_required"),  # maintain, and not met
])
def test_no_category_says_why(args, reason):
    base = {"baseline": 48.3, "baseline_end": fy(2014), "latest": 50.0, "latest_end": fy(2016),
            "target_value": 35.0, "target_end": fy(2017), "lower_is_better": True}
    base.update(args)
    p = progress(base.pop("baseline"), base.pop("baseline_end"), base.pop("latest"), base.pop("latest_end"), **base)
    assert p.category is None and p.reason == reason and p.ratio is None


def test_direction_only_zero_values_have_no_category():
    assert direction_only(0.0).reason == "not_positive"


# Properties.

values = st.floats(0.01, 1e6)
ends = st.integers(fy(2010).toordinal(), fy(2030).toordinal())


@SETTINGS
@given(values, values, st.one_of(st.none(), values), ends, ends, st.booleans())
def test_category_follows_the_rule(baseline, latest, level, latest_day, target_day, lower_is_better):
    start = fy(2014)
    p = progress(baseline, start, latest, date.fromordinal(latest_day), target_value=level,
                 target_end=date.fromordinal(target_day), lower_is_better=lower_is_better)
    d = -1 if lower_is_better else 1
    if p.category == "target_achieved":
        assert (latest <= level) if lower_is_better else (latest >= level)
    elif p.category is None:
        assert p.reason is not None
    elif level is None:
        g = d * p.observed_rate
        expected = ("substantial_progress" if g > 0.01 + 1e-12 else "moderate_progress" if g > 1e-12
                    else "moderate_deterioration" if g >= -0.01 - 1e-12 else "substantial_deterioration")
        if min(abs(g - 0.01), abs(g), abs(g + 0.01)) > 1e-9:  # not on a boundary
            assert p.category == expected
    else:
        r = p.ratio
        assert r == pytest.approx(d * p.observed_rate / abs(p.required_rate))
        expected = ("substantial_progress" if r >= 0.95 else "moderate_progress" if r >= 0.6
                    else "negligible_progress" if r >= 0 else "deterioration")
        if min(abs(r - 0.95), abs(r - 0.6), abs(r)) > 1e-9:
            assert p.category == expected
        if (latest < baseline) == lower_is_better and latest != baseline and (level < baseline) == lower_is_better:
            assert r > 0  # moving towards a level on the better side is progress of some kind


@SETTINGS
@given(st.lists(st.tuples(values, values, st.one_of(st.none(), values), ends, st.booleans()), min_size=1, max_size=12))
def test_many_targets_at_once_give_what_each_gives_alone(rows):
    baseline, latest, level, latest_day, polarity = zip(*rows)
    n = len(rows)
    together = progresses(baseline, [fy(2014).toordinal()] * n, latest, latest_day,
                          target_value=[np.nan if v is None else v for v in level],
                          target_day=[fy(2020).toordinal()] * n, lower_is_better=polarity)
    for i in range(n):
        alone = progress(baseline[i], fy(2014), latest[i], date.fromordinal(latest_day[i]), target_value=level[i],
                         target_end=fy(2020), lower_is_better=polarity[i])
        assert together.one(i) == alone
        assert CATEGORIES[together.category[i]] == (alone.category or "")
