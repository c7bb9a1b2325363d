"""Intervals of readings and significance-aware verdicts (issue 11)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.stats.intervals import METHOD
from engine.verdicts.intervals import reading_intervals


def test_a_reading_with_numerator_and_denominator_gets_its_statistics_interval_in_the_unit():
    # Targets: 0 a percent proportion, 1 a rate per 100,000, 2 a count, 3 other.
    statistic = np.array([1, 2, 3, 0], dtype=np.int8)
    scale = np.array([100.0, 100_000.0, np.nan, np.nan])
    confidence = np.array([95.0, 95.0, 99.8, 95.0])
    target = np.array([0, 1, 2, 3, 0])
    numerator = np.array([65.0, 65.0, 65.0, 65.0, np.nan])
    denominator = np.array([100.0, 100_000.0, np.nan, 100.0, np.nan])
    got = reading_intervals(target, statistic, scale, confidence, numerator, denominator, None, None, None)
    # Wilson 65/100 at 95% (issue 11's reference), in percent.
    assert got.lower[0] == pytest.approx(55.254443296888, abs=1e-9)
    assert got.upper[0] == pytest.approx(73.635751756902, abs=1e-9)
    # Byar for 65 events, per 100,000 of 100,000 people: the count's limits.
    assert got.lower[1] == pytest.approx(50.1631877104595, abs=1e-9)
    assert got.upper[1] == pytest.approx(82.8491385459398, abs=1e-9)
    assert list(got.method[:2]) == [METHOD["wilson"], METHOD["byar"]]
    # The count at 99.8% is wider than at 95%.
    assert got.lower[2] < got.lower[1] and got.upper[2] > got.upper[1]
    assert got.confidence[2] == 99.8
    # `other`, and a reading without numbers, have none.
    assert np.isnan(got.lower[3]) and np.isnan(got.lower[4]) and got.method[3] == 0 and got.method[4] == 0


def test_a_published_interval_wins_and_keeps_its_own_confidence():
    statistic, scale, confidence = np.array([1], dtype=np.int8), np.array([100.0]), np.array([95.0])
    target = np.array([0, 0, 0])
    got = reading_intervals(target, statistic, scale, confidence, np.array([65.0, 65.0, np.nan]),
                            np.array([100.0, 100.0, np.nan]), np.array([60.0, np.nan, 1.0]),
                            np.array([70.0, np.nan, 2.0]), np.array([99.8, np.nan, np.nan]))
    assert (got.lower[0], got.upper[0], got.confidence[0]) == (60.0, 70.0, 99.8)
    assert got.method[0] == METHOD["published"]
    assert got.method[1] == METHOD["wilson"]  # no published interval: worked out
    assert (got.lower[2], got.confidence[2], got.method[2]) == (1.0, 95.0, METHOD["published"])  # the target's level
