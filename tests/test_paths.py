"""Trajectories (engine.verdicts.paths): linear, compound, step, milestones; worked examples from the strategy."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine.verdicts.paths import profile_dates, trajectory_for
from tests import factories

SETTINGS = settings(max_examples=75, deadline=None)
ROOT = Path(__file__).resolve().parent.parent


def make_target(baseline=("2013/14", 954), goal=("2016/17", 460), *, milestones=(), unit="per_100k",
                extra_goal=None, **fields):
    """The first-time-entrants shape by default: 954 (2013/14) to 460 per 100,000 (2016/17)."""
    return factories.make_target(baseline=baseline, goal=goal, unit=unit, goal_extra=extra_goal,
                                 milestones=[{"period": p, "value": v} for p, v in milestones] or None, **fields)


def path_of(**kwargs):
    trajectory = trajectory_for(make_target(**kwargs))
    assert trajectory is not None
    return trajectory


def days_between(a: date, b: date) -> int:
    return (b - a).days


# --- worked examples ------------------------------------------------------------------------

D0 = date(2014, 3, 31)  # end of 2013/14
D1 = date(2017, 3, 31)  # end of 2016/17


def test_first_time_entrants_year_by_year_linear_by_days():
    path = path_of(baseline=("2013/14", 954), goal=("2016/17", 460), trajectory="linear")
    span = days_between(D0, D1)
    assert span == 1096  # 2016 is a leap year
    for on in (date(2015, 3, 31), date(2016, 3, 31)):
        by_hand = 954 + (460 - 954) * days_between(D0, on) / 1096
        assert path.expected(on) == pytest.approx(by_hand, abs=1e-9)
    # The published profile, to one decimal: 789.5 then 624.5 (the leap day falls in 2015/16).
    assert round(path.expected(date(2015, 3, 31)), 1) == 789.5
    assert round(path.expected(date(2016, 3, 31)), 1) == pytest.approx(624.5)
    assert path.expected(D0) == 954
    assert path.expected(D1) == 460


def test_shipped_first_time_entrants_spec_gives_the_same_path():
    spec = ROOT / "targets" / "youth-crime" / "first-time-entrants.yaml"
    if not spec.exists():
        pytest.skip("shipped spec not present")
    from engine.checks.checker import check_paths

    result = check_paths([spec])
    assert not result.errors
    (target,) = result.targets
    path = trajectory_for(target)
    on = date(2015, 3, 31)
    assert path.expected(on) == pytest.approx(954 + (460 - 954) * 365 / 1096)
    assert target.goal.strict is True


def test_ete_annual_rate_compounds():
    target = make_target(baseline=("2013/14", 59.8), goal=("2016/17", None), polarity="higher_is_better",
                         unit="percent", extra_goal={"annual_rate": 0.10})
    assert target.trajectory == "compound"  # annual_rate defaults to a compound path
    assert target.goal.value == pytest.approx(59.8 * 1.1 ** 3)
    path = trajectory_for(target)
    assert path.expected(D1) == pytest.approx(79.5938, abs=1e-9)
    # By days: 365 of 1096 days is a touch under a third of the three years.
    at_2015 = path.expected(date(2015, 3, 31))
    assert at_2015 == pytest.approx(59.8 * (1.1 ** 3) ** (365 / 1096), rel=1e-12)
    assert at_2015 == pytest.approx(59.8 * 1.1, rel=1e-3)
    assert at_2015 < 59.8 * 1.1  # 1095/1096 of a year's growth
    assert path.expected(date(2016, 3, 31)) == pytest.approx(59.8 * (1.1 ** 3) ** (731 / 1096), rel=1e-12)


def test_step_levels_are_in_force_for_their_whole_period():
    path = path_of(baseline=("2013/14", 100), goal=("2016/17", 70), trajectory="step",
                   milestones=[("2014/15", 90), ("2015/16", 80)])
    assert path.expected(date(2014, 3, 30)) is None
    assert path.expected(date(2014, 3, 31)) == 100  # the baseline date
    assert path.expected(date(2014, 4, 1)) == 90  # the first day of 2014/15: its milestone's level
    assert path.expected(date(2015, 3, 31)) == 90
    assert path.expected(date(2015, 4, 1)) == 80
    assert path.expected(date(2016, 4, 1)) == 70  # 2016/17, the target period
    assert path.expected(date(2017, 3, 31)) == 70
    assert path.expected(date(2030, 1, 1)) == 70


def test_step_recycling_quarters_are_judged_against_this_years_milestone():
    # The recycling rate: 44.1% (2023/24), a milestone of 50% for 2024/25, 55% by 2025/26.
    target = make_target(baseline=("2023/24", 44.1), goal=("2025/26", 55), unit="percent",
                         polarity="higher_is_better", trajectory="step", milestones=[("2024/25", 50)])
    path = trajectory_for(target)
    for quarter, end in (("Q1", date(2024, 6, 30)), ("Q2", date(2024, 9, 30)), ("Q3", date(2024, 12, 31)),
                         ("Q4", date(2025, 3, 31))):
        assert path.expected(end) == 50, quarter
    assert path.expected(date(2025, 6, 30)) == 55  # 2025/26 Q1: the target's own period
    from engine.verdicts.evaluation import judge_one
    from engine.model.periods import parse_period

    verdict = judge_one(target, parse_period("2024/25 Q1"), 48.1)
    assert verdict.status == "off_track" and verdict.expected == 50  # was "on track" against 44.1


def test_step_gap_between_periods_keeps_the_earlier_level():
    # Milestone for calendar 2015, target for 2017: 2016 is in no point's period, so 2015's level holds.
    path = path_of(baseline=("2014", 100), goal=("2017", 70), trajectory="step", milestones=[("2015", 90)])
    assert path.expected(date(2014, 12, 31)) == 100
    assert path.expected(date(2015, 1, 1)) == 90
    assert path.expected(date(2016, 6, 30)) == 90
    assert path.expected(date(2017, 1, 1)) == 70


def test_step_periods_that_overlap_count_from_the_day_after_the_previous_point():
    # The baseline 2014/15 ends on 31 Mar 2015, inside the milestone's calendar 2015: the milestone
    # comes into force on 1 Apr 2015, not on 1 Jan 2015 (which would put it before the baseline date).
    path = path_of(baseline=("2014/15", 100), goal=("2016/17", 70), trajectory="step", milestones=[("2015", 90)])
    assert path.expected(date(2015, 3, 31)) == 100
    assert path.expected(date(2015, 4, 1)) == 90
    # ... and the target's 2016/17 starts on 1 Apr 2016, after the milestone's year has begun: so 2016
    # Jan-Mar keeps the milestone, April on the target.
    assert path.expected(date(2016, 3, 31)) == 90
    assert path.expected(date(2016, 4, 1)) == 70


def test_milestones_split_a_linear_path_into_segments():
    path = path_of(baseline=("2013/14", 100), goal=("2016/17", 40), milestones=[("2014/15", 90)])
    # First segment: 100 -> 90 over 365 days; second: 90 -> 40 over 731 days.
    mid_first = date(2014, 9, 30)
    assert path.expected(mid_first) == pytest.approx(100 - 10 * days_between(D0, mid_first) / 365)
    mid_second = date(2016, 3, 31)
    assert path.expected(mid_second) == pytest.approx(90 - 50 * 366 / 731)
    assert path.expected(date(2015, 3, 31)) == 90


def test_milestones_split_a_compound_path_into_segments():
    path = path_of(baseline=("2013/14", 100), goal=("2016/17", 50), trajectory="compound",
                   milestones=[("2015/16", 90)])
    on = date(2015, 3, 31)
    assert path.expected(on) == pytest.approx(100 * 0.9 ** (365 / 731))
    on = date(2016, 9, 30)
    assert path.expected(on) == pytest.approx(90 * (50 / 90) ** (183 / 365))


def test_direction_only_targets_have_no_path():
    assert trajectory_for(make_target(goal=None)) is None
    assert trajectory_for(make_target(baseline=None)) is None
    assert trajectory_for(make_target(goal=("2016/17", None))) is None


def test_profile_dates_year_by_year_and_quarters():
    assert profile_dates(D0, D1, "year") == [D0, date(2015, 3, 31), date(2016, 3, 31), D1]
    quarters = profile_dates(D0, date(2015, 3, 31), "quarter")
    assert quarters == [D0, date(2014, 6, 30), date(2014, 9, 30), date(2014, 12, 31), date(2015, 3, 31)]
    months = profile_dates(date(2015, 1, 31), date(2015, 4, 30), "month")
    assert months == [date(2015, 1, 31), date(2015, 2, 28), date(2015, 3, 31), date(2015, 4, 30)]


# --- properties ----------------------------------------------------------------------------

START = date(2005, 1, 1)


@st.composite
def paths(draw, kinds=("linear", "compound", "step"), max_milestones=3, min_gap=1):
    kind = draw(st.sampled_from(kinds))
    n = draw(st.integers(0, max_milestones))
    offsets = sorted(draw(st.lists(st.integers(0, 2200), min_size=n + 2, max_size=n + 2, unique=True)))
    gaps = [b - a for a, b in zip(offsets, offsets[1:])]
    assume(all(g >= min_gap for g in gaps))
    dates = [START + timedelta(days=o) for o in offsets]
    if kind == "compound":
        values = draw(st.lists(st.floats(0.01, 1e6, allow_nan=False), min_size=n + 2, max_size=n + 2))
    else:
        values = draw(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=n + 2, max_size=n + 2))
    labels = [d.isoformat() for d in dates]
    target = make_target(baseline=(labels[0], values[0]), goal=(labels[-1], values[-1]), trajectory=kind,
                         milestones=list(zip(labels[1:-1], values[1:-1])))
    return trajectory_for(target), dates, values


def each_day(first: date, last: date):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


@SETTINGS
@given(paths(), st.integers(1, 5000))
def test_endpoints_exact(case, later):
    path, dates, values = case
    d0, d1 = dates[0], dates[-1]
    assert path.expected(d0) == values[0]
    assert path.expected(d1) == values[-1]
    assert path.expected(d1 + timedelta(days=later)) == values[-1]
    assert path.expected(d0 - timedelta(days=1)) is None
    assert path.expected(d0 - timedelta(days=later)) is None
    for on, value in zip(dates, values):  # every point, milestones too, is on the path
        assert path.expected(on) == value


@SETTINGS
@given(paths(kinds=("linear", "compound"), max_milestones=0))
def test_linear_and_compound_are_monotone_between_endpoints(case):
    path, (d0, d1), (v0, v1) = case
    previous = None
    for on in each_day(d0, d1):
        e = path.expected(on)
        assert min(v0, v1) - 1e-9 * max(1.0, abs(v0), abs(v1)) <= e <= max(v0, v1) + 1e-9 * max(1.0, abs(v0), abs(v1))
        if previous is not None:
            # Monotone up to float rounding: v0 (v1/v0)**f with v1/v0 a hair from 1 (999999.9999999999
            # to 1e6) can step back by an ulp, which no reading could ever fall between.
            slack = 1e-12 * max(1.0, abs(previous))
            if v1 >= v0:
                assert e >= previous - slack
            else:
                assert e <= previous + slack
        previous = e


@SETTINGS
@given(paths(kinds=("compound",)))
def test_compound_stays_positive(case):
    path, dates, _ = case
    for on in each_day(dates[0], dates[-1] + timedelta(days=3)):
        assert path.expected(on) > 0


@st.composite
def step_paths(draw):
    """Step paths whose points are periods of any length (days, months, quarters, years), ends in order."""
    from engine.model.periods import parse_period

    labels, end = [], START
    for _ in range(draw(st.integers(2, 5))):
        while True:
            kind = draw(st.sampled_from(["day", "month", "quarter", "year", "financial_year"]))
            at = end + timedelta(days=draw(st.integers(1, 500)))
            label = {"day": at.isoformat(), "month": f"{at:%b %Y}", "quarter": f"{at.year} Q{(at.month - 1) // 3 + 1}",
                     "year": str(at.year),
                     "financial_year": f"{at.year - (at.month < 4)}/{(at.year - (at.month < 4) + 1) % 100:02d}"}[kind]
            if parse_period(label).end > end:
                break
        labels.append(label)
        end = parse_period(label).end
    values = draw(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=len(labels), max_size=len(labels)))
    target = make_target(baseline=(labels[0], values[0]), goal=(labels[-1], values[-1]), trajectory="step",
                         milestones=list(zip(labels[1:-1], values[1:-1])))
    return trajectory_for(target), [parse_period(label) for label in labels], values


@SETTINGS
@given(step_paths())
def test_step_level_is_that_of_the_point_whose_period_contains_the_day(case):
    path, periods, values = case
    for on in each_day(periods[0].end - timedelta(days=2), periods[-1].end + timedelta(days=2)):
        if on < periods[0].end:
            assert path.expected(on) is None
            continue
        # By the definition, one day at a time: the baseline until a later point's period begins
        # (counted from the day after the point before it ends); then that point's level.
        level = values[0]
        for i in range(1, len(periods)):
            if on >= max(periods[i].start, periods[i - 1].end + timedelta(days=1)):
                level = values[i]
        assert path.expected(on) == level
        # A period that contains the day and starts after the previous point's date sets the level.
        inside = [i for i in range(1, len(periods))
                  if periods[i].start <= on <= periods[i].end and periods[i].start > periods[i - 1].end]
        if inside:
            assert path.expected(on) == values[inside[0]]


@SETTINGS
@given(paths(kinds=("linear", "compound"), max_milestones=3, min_gap=2))
def test_piecewise_paths_are_continuous_at_milestones(case):
    path, dates, values = case
    assume(len(dates) > 2)
    one = timedelta(days=1)
    for i in range(1, len(dates) - 1):
        m, vm = dates[i], values[i]
        assert path.expected(m) == vm
        for side, (d_a, v_a, d_b, v_b) in (("left", (dates[i - 1], values[i - 1], m, vm)),
                                           ("right", (m, vm, dates[i + 1], values[i + 1]))):
            span = (d_b - d_a).days
            if path.kind == "linear":
                bound = abs(v_b - v_a) / span  # the segment's slope per day
            else:
                bound = max(v_a, v_b) * abs(math.log(v_b / v_a)) / span  # the largest daily change on it
            neighbour = m - one if side == "left" else m + one
            jump = abs(path.expected(neighbour) - vm)
            assert jump <= bound * (1 + 1e-9) + 1e-9 * max(1.0, abs(vm))


def test_step_changes_where_a_milestone_period_begins():
    path = path_of(baseline=("2013/14", 100), goal=("2016/17", 70), trajectory="step", milestones=[("2014/15", 90)])
    assert path.expected(date(2014, 4, 1)) - path.expected(date(2014, 3, 31)) == -10
    assert path.expected(date(2015, 3, 31)) == path.expected(date(2014, 4, 1))
