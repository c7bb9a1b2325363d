"""Ranks, quartiles, group medians and benchmark comparisons among an area's comparators (engine/stats/comparators.py)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.stats.comparators import BASES, COMPARISONS, standings


def one_group(values, *, lower_is_better=True, lower=np.nan, upper=np.nan, benchmark=np.nan):
    values = np.asarray(values, dtype=np.float64)
    return standings(np.zeros(len(values), dtype=np.int64), values, lower, upper,
                     lower_is_better=[lower_is_better], benchmark=[benchmark])


# Worked examples ------------------------------------------------------------------------------


def test_standard_competition_ranking_lower_is_better():
    s = one_group([30.0, 10.0, 20.0, 20.0, 40.0])
    assert s.rank.tolist() == [4, 1, 2, 2, 5]
    assert s.of.tolist() == [5]
    assert s.median.tolist() == [20.0]


def test_higher_is_better_ranks_the_largest_first():
    s = one_group([30.0, 10.0, 20.0, 20.0, 40.0], lower_is_better=False)
    assert s.rank.tolist() == [2, 5, 3, 3, 1]


def test_values_equal_up_to_rounding_are_tied():
    s = one_group([0.1 + 0.2, 0.3, 0.5])
    assert s.rank.tolist() == [1, 1, 3]


def test_a_member_without_a_value_is_not_counted():
    s = one_group([5.0, np.nan, 3.0])
    assert s.rank.tolist() == [2, 0, 1]
    assert s.of.tolist() == [2]
    assert s.quartile.tolist() == [0, 0, 0]  # fewer than 4 members: no quartiles
    assert s.median.tolist() == [4.0]


def test_a_group_of_one_and_a_group_with_no_values():
    s = standings([0, 1, 1], [7.0, np.nan, np.nan], lower_is_better=[True, True])
    assert s.rank.tolist() == [1, 0, 0]
    assert s.of.tolist() == [1, 0]
    assert s.median[0] == 7.0 and math.isnan(s.median[1])


def test_southampton_12th_of_15_is_in_the_third_quartile():
    # Fingertips' quartiles of 15 members: ranks 1-4, 5-8, 9-12, 13-15.
    s = one_group(np.arange(1.0, 16.0))
    assert s.rank.tolist() == list(range(1, 16))
    assert s.quartile.tolist() == [1] * 4 + [2] * 4 + [3] * 4 + [4] * 3
    assert s.quartile[11] == 3


def test_quartiles_of_eight_and_ties_across_a_boundary():
    assert one_group(np.arange(8.0)).quartile.tolist() == [1, 1, 2, 2, 3, 3, 4, 4]
    # Ranks 1, 2, 2, 2, 5: the tied members all take the quartile of rank 2.
    assert one_group([1.0, 2.0, 2.0, 2.0, 5.0]).quartile.tolist() == [1, 1, 1, 1, 4]


def test_groups_are_independent_and_may_be_interleaved():
    group = [0, 1, 0, 1, 0, 1]
    value = [3.0, 3.0, 1.0, 1.0, 2.0, 2.0]
    s = standings(group, value, lower_is_better=[True, False])
    assert s.rank.tolist() == [3, 1, 1, 3, 2, 2]
    assert s.of.tolist() == [3, 3]
    assert s.median.tolist() == [2.0, 2.0]


def comparison(value, lower=np.nan, upper=np.nan, benchmark=50.0, lower_is_better=True):
    s = one_group([value], lower=lower, upper=upper, benchmark=benchmark, lower_is_better=lower_is_better)
    return COMPARISONS[s.comparison[0]], BASES[s.basis[0]]


def test_benchmark_by_interval():
    assert comparison(40.0, 35.0, 45.0) == ("better", "interval")
    assert comparison(60.0, 55.0, 65.0) == ("worse", "interval")
    assert comparison(45.0, 38.0, 52.0) == ("similar", "interval")  # the interval includes 50
    assert comparison(45.0, 40.0, 50.0) == ("similar", "interval")  # touching counts as including
    assert comparison(60.0, 55.0, 65.0, lower_is_better=False) == ("better", "interval")


def test_benchmark_by_value_alone():
    assert comparison(40.0) == ("better", "value")
    assert comparison(60.0) == ("worse", "value")
    assert comparison(50.0) == ("similar", "value")
    assert comparison(40.0, lower_is_better=False) == ("worse", "value")


def test_no_benchmark_or_no_value_is_not_compared():
    assert comparison(40.0, benchmark=np.nan) == ("", "")
    s = one_group([np.nan], benchmark=50.0)
    assert s.comparison.tolist() == [0] and s.basis.tolist() == [0]


def test_the_group_median_as_the_benchmark():
    values = [10.0, 20.0, 30.0]
    median = one_group(values).median
    s = one_group(values, benchmark=median[0])
    assert [COMPARISONS[c] for c in s.comparison] == ["better", "similar", "worse"]


def test_no_readings_at_all():
    s = standings(np.zeros(0, dtype=np.int64), np.zeros(0), lower_is_better=[True])
    assert len(s.rank) == 0 and s.of.tolist() == [0] and math.isnan(s.median[0])


# Properties -----------------------------------------------------------------------------------

# Values from a small set of whole numbers (some missing): ties are common, and two values are
# either equal or far apart, so "equal up to rounding" is plain equality here.
member = st.one_of(st.integers(-5, 5).map(float), st.just(float("nan")))
groups_of_values = st.lists(st.lists(member, min_size=1, max_size=12), min_size=1, max_size=5)


def flatten(groups):
    group = np.array([g for g, values in enumerate(groups) for _ in values], dtype=np.int64)
    value = np.array([v for values in groups for v in values], dtype=np.float64)
    return group, value


@settings(max_examples=300)
@given(groups_of_values, st.lists(st.booleans(), min_size=5, max_size=5), st.randoms(use_true_random=False))
def test_rank_is_one_plus_the_members_strictly_better(groups, polarity, random):
    group, value = flatten(groups)
    shuffle = list(range(len(group)))
    random.shuffle(shuffle)  # the order the readings come in does not matter
    group, value = group[shuffle], value[shuffle]
    lower_is_better = polarity[: len(groups)]
    s = standings(group, value, lower_is_better=lower_is_better)
    for i in range(len(group)):
        g, v = group[i], value[i]
        peers = value[(group == g) & ~np.isnan(value)]
        assert s.of[g] == len(peers)
        if math.isnan(v):
            assert s.rank[i] == 0 and s.quartile[i] == 0
            continue
        better = np.sum(peers < v) if lower_is_better[g] else np.sum(peers > v)
        assert s.rank[i] == 1 + better
        assert 1 <= s.rank[i] <= s.of[g]
    for g, values in enumerate(groups):
        present = [v for v in values if not math.isnan(v)]
        if present:
            assert s.median[g] == float(np.median(present))
        # Some member has rank 1, and ranks with ties have gaps of exactly the tie's size.
        ranks = sorted(s.rank[(group == g) & (s.rank > 0)].tolist())
        if ranks:
            assert ranks[0] == 1
            for k, r in enumerate(ranks):
                assert r == ranks.index(r) + 1 and r <= k + 1


@settings(max_examples=300)
@given(st.lists(st.one_of(st.integers(-5, 5).map(float), st.floats(-1e6, 1e6)), min_size=1, max_size=30))
def test_flipping_the_polarity_reverses_the_ranks(values):
    low = one_group(values, lower_is_better=True)
    high = one_group(values, lower_is_better=False)
    n = len(values)
    for i in range(n):
        # Rank by the other polarity: 1 + the members strictly worse = n + 1 - (rank + ties - 1) ...
        # i.e. ranks reverse exactly when there are no ties; with ties, a tie's first rank one way
        # is n + 1 minus its last rank the other way.
        tied = int(np.sum(low.rank == low.rank[i]))
        assert high.rank[i] == n + 2 - low.rank[i] - tied
    if len(set(values)) == n:
        assert sorted(zip(low.rank, high.rank)) == sorted(zip(low.rank, n + 1 - low.rank))


@settings(max_examples=300)
@given(st.lists(st.integers(0, 20).map(float), min_size=1, max_size=60), st.booleans())
def test_quartiles_are_monotone_in_rank_and_roughly_equal_in_size(values, lower_is_better):
    s = one_group(values, lower_is_better=lower_is_better)
    n = len(values)
    pairs = sorted(zip(s.rank.tolist(), s.quartile.tolist()))
    if n < 4:
        assert all(q == 0 for _, q in pairs)
        return
    assert all(1 <= q <= 4 for _, q in pairs)
    assert all(a[1] <= b[1] for a, b in zip(pairs, pairs[1:]))  # a better rank is never in a worse quartile
    assert s.quartile[s.rank == 1].min() == 1
    if len(set(values)) == n:  # without ties, each quartile holds n/4 members, give or take one
        counts = np.bincount(s.quartile, minlength=5)[1:]
        assert counts.sum() == n and counts.max() - counts.min() <= 1


@settings(max_examples=300)
@given(st.floats(-100, 100), st.floats(0, 50), st.floats(0, 50), st.floats(-100, 100), st.booleans())
def test_the_benchmark_comparison_follows_the_interval(value, below, above, benchmark, lower_is_better):
    lower, upper = value - below, value + above
    name, basis = comparison(value, lower, upper, benchmark, lower_is_better)
    assert basis == "interval"
    if lower <= benchmark <= upper:
        assert name == "similar"
    elif lower - benchmark > 1e-9 or benchmark - upper > 1e-9:  # clearly beyond it, not by rounding
        assert name != "similar"
    elif name != "similar":  # an interval beyond the benchmark only by rounding is similar
        is_higher = lower > benchmark
        assert name == ("worse" if is_higher == lower_is_better else "better")
    # Without the interval the value alone decides, and a wider interval is never more decisive.
    alone, basis = comparison(value, benchmark=benchmark, lower_is_better=lower_is_better)
    assert basis == "value"
    if name != "similar":
        assert alone == name
