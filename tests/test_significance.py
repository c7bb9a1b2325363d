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


# --- significance-aware verdicts, end to end -------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from engine.model.periods import parse_period  # noqa: E402
from engine.model.readings import Reading, ReadingsBatch  # noqa: E402
from engine.model.spec import build_target  # noqa: E402
from engine.verdicts.evaluation import evaluate  # noqa: E402
from engine.verdicts.statuses import ALL_STATUSES  # noqa: E402


def _target(significance=True, **extra):
    data = {"id": "safe", "title": "Feel safe", "measure": {"description": "d", "unit": "percent",
            "polarity": "higher_is_better", "statistic": "proportion"},
            "baseline": {"period": "2014", "value": 93}, "target": {"period": "2015/16", "maintain": True}, **extra}
    if significance:
        data["significance"] = {"confidence": 95}
    return build_target(data)


def _judge(target, rows):
    readings = [Reading(target.id, parse_period(p), v, "r.csv", i + 2, numerator=n, denominator=d)
                for i, (p, v, n, d) in enumerate(rows)]
    return evaluate([target], ReadingsBatch.of(readings)).results[0]


def test_a_survey_reading_inside_its_sampling_error_is_at_risk_not_off_track():
    result = _judge(_target(), [("2015", 92.1, 921, 1000)])
    (verdict,) = result.verdicts
    assert verdict.status == "at_risk" and verdict.significant is False
    assert verdict.interval is not None and verdict.interval.method == "wilson"
    assert ("92.1% in 2015 against the target to maintain 93% until 2015/16: 0.9 points worse, not a significant "
            "difference at 95% (90.3% to 93.6%, 921 of 1,000), so at risk") == verdict.explanation
    # Judged by value alone (no significance), the same reading is off track.
    (alone,) = _judge(_target(significance=False), [("2015", 92.1, 921, 1000)]).verdicts
    assert alone.status == "off_track" and alone.significant is None


def test_a_difference_the_whole_interval_confirms_stays_off_track():
    (verdict,) = _judge(_target(), [("2015", 80.0, 8000, 10000)]).verdicts
    assert verdict.status == "off_track" and verdict.significant is True
    assert "a significant difference at 95% (79.2% to 80.8%, 8,000 of 10,000), so off track" in verdict.explanation


def test_a_reading_without_an_interval_is_judged_on_its_value_and_says_so():
    (verdict,) = _judge(_target(), [("2015", 92.1, None, None)]).verdicts
    assert verdict.status == "off_track" and verdict.significant is None and verdict.interval is None
    assert verdict.explanation.endswith("(judged on its value alone: the reading has no interval)")


def test_direction_only_needs_the_whole_interval_beyond_the_baseline():
    target = build_target({
        "id": "night", "title": "Night", "measure": {"description": "d", "unit": "percent",
        "polarity": "higher_is_better", "statistic": "proportion"}, "baseline": {"period": "2014", "value": 63},
        "significance": {"confidence": 95}})
    small, large = _judge(target, [("2015", 61.0, 610, 1000), ("2016", 66.0, 660, 1000)]).verdicts
    assert small.status == "no_change" and "no significant change at 95%" in small.explanation
    assert large.status == "improving" and large.significant is True


@settings(max_examples=150, deadline=None)
@given(value=st.floats(0.5, 99.5), size=st.integers(10, 100_000), year=st.sampled_from(["2015", "2016", "2017"]),
       higher=st.booleans(), tolerance=st.sampled_from([0.0, 0.5, 2.0]))
def test_significance_never_makes_a_status_worse(value, size, year, higher, tolerance):
    """A significance-aware status is never worse than the value-only status of the same reading."""
    numerator = round(value / 100 * size)
    shown = numerator / size * 100
    polarity = "higher_is_better" if higher else "lower_is_better"

    def target(significance):
        return _target(significance, measure={"description": "d", "unit": "percent", "polarity": polarity,
                                              "statistic": "proportion"}, tolerance={"absolute": tolerance})
    rank = {s: i for i, s in enumerate(("on_track", "achieved", "improving", "no_change", "at_risk", "worsening",
                                        "off_track", "missed"))}
    (with_interval,) = _judge(target(True), [(year, shown, numerator, size)]).verdicts
    (by_value,) = _judge(target(False), [(year, shown, numerator, size)]).verdicts
    assert with_interval.status in ALL_STATUSES
    assert rank[with_interval.status] <= rank[by_value.status]
    # The interval contains the value.
    assert with_interval.interval.lower <= shown + 1e-9 and shown - 1e-9 <= with_interval.interval.upper


# --- readings: numerator and denominator give the value, or must agree with it ----------------------

from engine.sources.readings import options_of, read_readings, units_of  # noqa: E402


def _read(tmp_path, text, target=None):
    target = target or _target()
    path = tmp_path / "r.csv"
    path.write_text(text)
    return read_readings([path], units_of([target]), options_of([target]))


def test_an_empty_value_is_worked_out_from_numerator_and_denominator(tmp_path):
    batch = _read(tmp_path, "target,period,value,numerator,denominator\nsafe,2015,,921,1000\n")
    (reading,) = batch.readings["safe"]
    assert reading.value == pytest.approx(92.1) and reading.numerator == 921 and reading.denominator == 1000
    assert batch.rejected == [] and batch.suppressed == []


def test_a_value_agrees_with_its_numerator_and_denominator_to_the_digits_written(tmp_path):
    batch = _read(tmp_path, "target,period,value,numerator,denominator\n"
                            "safe,2015,45.1,198,439\n"  # 45.1025...: agrees to one decimal
                            "safe,2016,45.3,198,439\n"  # does not
                            "safe,2017,45%,198,439\n")  # 45 to no decimals: 45.1 is within half of 1
    assert [r.line for r in batch.readings["safe"]] == [2, 4]
    (rejected,) = batch.rejected
    assert rejected.line == 3
    assert "the value `45.3` does not agree with its numerator and denominator (198 of 439 gives 45.1025)" in rejected.reason


def test_an_empty_value_without_a_denominator_is_rejected_with_the_fix(tmp_path):
    batch = _read(tmp_path, "target,period,value,numerator,denominator\nsafe,2015,,921,0\n")
    (rejected,) = batch.rejected
    assert "the numerator and denominator give none for a proportion" in rejected.reason


def test_a_target_without_a_statistic_keeps_an_empty_value_suppressed(tmp_path):
    other = build_target({"id": "safe", "title": "t", "measure": {"description": "d", "unit": "percent",
                          "polarity": "higher_is_better"}, "baseline": {"period": "2014", "value": 93}})
    batch = _read(tmp_path, "target,period,value,numerator,denominator\nsafe,2015,,921,1000\n", other)
    assert len(batch.suppressed) == 1 and batch.count() == 0


def test_an_achieved_target_says_whether_its_interval_excludes_the_level():
    target = build_target({"id": "safe", "title": "t", "measure": {"description": "d", "unit": "percent",
                           "polarity": "lower_is_better", "statistic": "proportion"},
                           "baseline": {"period": "2013/14", "value": 48.3}, "target": {"period": "2016/17", "value": 35},
                           "significance": {"confidence": 95}})
    close, far = _judge(target, [("2016/17", 35.0, 147, 420)]).verdicts + \
        _judge(target, [("2016/17", 30.0, 3000, 10000)]).verdicts
    assert close.status == far.status == "achieved"
    assert close.significant is False and "not significantly different from the target at 95%" in close.explanation
    assert far.significant is True and "significantly so at 95% (29.1% to 30.9%, 3,000 of 10,000)" in far.explanation


def test_a_worked_out_value_is_in_the_targets_unit_whatever_the_unit_column_says(tmp_path):
    rate = build_target({"id": "fte", "title": "t", "measure": {"description": "d", "unit": "per_100k",
                         "polarity": "lower_is_better", "statistic": "rate"}, "baseline": {"period": "2013/14", "value": 954}})
    batch = _read(tmp_path, "target,period,value,unit,numerator,denominator\nfte,2014/15,,per_10k,165,20320\n", rate)
    (reading,) = batch.readings["fte"]
    assert reading.value == pytest.approx(165 / 20320 * 100_000)
