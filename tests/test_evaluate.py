"""Evaluating targets (engine.verdicts.evaluation) and the `targets evaluate` / `targets show` commands."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import app
from engine.verdicts.evaluation import evaluate, is_stale
from engine.model.periods import parse_period
from engine.model.readings import Reading, ReadingsBatch
from engine.reports import json_report
from engine.model.spec import build_target
from tests.factories import make_target, reading

ROOT = Path(__file__).resolve().parent.parent


# --- engine.verdicts.evaluation -----------------------------------------------------------------------

def test_the_latest_reading_by_date_decides_the_status():
    t = make_target()
    readings = {"t": [reading("t", "2016/17", 36), reading("t", "2014/15", 40), reading("t", "2015/16", 41)]}
    (result,) = evaluate([t], readings).results
    assert [v.period.label for v in result.verdicts] == ["2014/15", "2015/16", "2016/17"]
    assert [r.period.label for r in result.readings] == ["2014/15", "2015/16", "2016/17"]
    assert result.status == "missed"  # 36% at the target date, not the on-track 2014/15 reading
    assert result.breach and result.breach_reason == "missed"
    assert result.latest.period.label == "2016/17"
    assert result.explanation.startswith(result.latest.explanation)


def test_as_of_ignores_later_readings():
    t = make_target()
    readings = {"t": [reading("t", "2014/15", 40), reading("t", "2016/17", 36)]}
    evaluation = evaluate([t], readings, as_of=date(2016, 3, 31))
    (result,) = evaluation.results
    assert evaluation.as_of == date(2016, 3, 31)
    assert [v.period.label for v in result.verdicts] == ["2014/15"]
    assert result.status == "on_track"
    assert not result.breach
    assert result.after_as_of == 1 and evaluation.after_as_of == 1  # left out, but counted
    # A reading dated on the as-of day counts.
    assert evaluate([t], readings, as_of=date(2017, 3, 31)).results[0].status == "missed"


def test_without_as_of_the_as_of_date_is_the_latest_reading_given():
    a, b = make_target("a"), make_target("b")
    readings = {"a": [reading("a", "2014/15", 40)], "b": [reading("b", "2016/17", 30)]}
    evaluation = evaluate([a, b], readings)
    assert evaluation.as_of == date(2017, 3, 31)
    ra, rb = evaluation.results
    assert ra.stale  # two years old on 31 Mar 2017
    assert not rb.stale
    assert "Stale" in ra.explanation and "2014/15" in ra.explanation


def test_no_data():
    evaluation = evaluate([make_target()], {})
    (result,) = evaluation.results
    assert evaluation.as_of is None
    assert (result.status, result.breach, result.breach_reason, result.stale) == ("no_data", False, None, False)
    assert result.verdicts == () and result.latest is None
    # readings for other targets, or only after the as-of date, are no data too
    later = {"t": [reading("t", "2016/17", 30)], "x": [reading("x", "2014/15", 1)]}
    assert evaluate([make_target()], later, as_of=date(2015, 3, 31)).results[0].status == "no_data"


@pytest.mark.parametrize("frequency,period,fresh_until,stale_from", [
    ("annual", "2014/15", date(2016, 6, 30), date(2016, 7, 1)),  # 15 months after 31 Mar 2015
    ("annual", "2015", date(2017, 3, 31), date(2017, 4, 1)),  # 15 months after 31 Dec 2015
    ("quarterly", "2015 Q1", date(2015, 7, 31), date(2015, 8, 1)),  # 4 months after 31 Mar
    ("quarterly", "2014/15 Q1", date(2014, 10, 31), date(2014, 11, 1)),  # 4 months after 30 Jun
    ("quarterly", "2015 Q3", date(2016, 1, 31), date(2016, 2, 1)),  # 4 months after 30 Sep
    ("monthly", "2015-03", date(2015, 5, 19), date(2015, 5, 20)),  # 49 days after 31 Mar
    ("monthly", "2015-02", date(2015, 4, 18), date(2015, 4, 19)),  # 49 days after 28 Feb
])
def test_stale_by_frequency(frequency, period, fresh_until, stale_from):
    t = make_target(frequency=frequency)
    readings = {"t": [reading("t", period, 44)]}
    fresh = evaluate([t], readings, as_of=fresh_until).results[0]
    stale = evaluate([t], readings, as_of=stale_from).results[0]
    assert not fresh.stale
    assert stale.stale
    assert stale.status == fresh.status  # staleness is a flag, not a status
    assert "Stale" in stale.explanation and frequency in stale.explanation
    assert "Stale" not in fresh.explanation


def test_stale_helper_matches_the_rules_directly():
    assert not is_stale("annual", date(2015, 3, 31), date(2015, 3, 31))
    assert not is_stale(None, date(2000, 1, 1), date(2020, 1, 1))  # no frequency: never stale
    assert is_stale("monthly", date(2015, 1, 31), date(2015, 3, 22))  # 50 days


def test_evaluate_keeps_the_order_of_the_targets():
    targets = [make_target(i) for i in ("c", "a", "b")]
    assert [r.target.id for r in evaluate(targets, {}).results] == ["c", "a", "b"]


# --- the command line ------------------------------------------------------------------------

SPECS = {
    "reoffending.yaml": """\
id: reoffending
title: Youth re-offending rate
measure: {description: re-offending, unit: percent, polarity: lower_is_better, frequency: annual}
baseline: {period: 2013/14, value: 48.3}
target: {period: 2016/17, value: 35}
tolerance: {absolute: 1.0}
""",
    "fte.yaml": """\
id: fte
title: First time entrants
measure: {description: FTE per 100k, unit: per_100k, polarity: lower_is_better, frequency: annual}
baseline: {period: 2013/14, value: 954}
target: {period: 2016/17, value: 460, strict: true}
""",
    "crime.yaml": """\
id: crime
title: All crime
status: draft
measure: {description: crime, unit: per_1000, polarity: lower_is_better, frequency: quarterly}
baseline: {period: 2013/14, value: 80}
limit: 95
""",
    "nodata.yaml": """\
id: nodata
title: Nothing reported
measure: {description: x, unit: count, polarity: higher_is_better, frequency: annual}
baseline: {period: 2013/14, value: 10}
target: {period: 2016/17, value: 20}
""",
}

READINGS = """\
target,period,value,unit,note
reoffending,2015/16,40.6,,first estimate
reoffending,2014/15,44.0,,
reoffending,2015/16,40.0,,revised
reoffending,2012/13,50,,before the baseline
fte,2014/15,81.2,per_10k,given per 10000
fte,2015/16,[c],,small numbers
crime,2014/15 Q2,"82",,
"""
CONTRACT_TOP = {"as_of", "as_of_from", "targets", "suppressed", "superseded", "rejected", "not_used", "warnings"}
CONTRACT_TARGET = {"id", "title", "unit", "polarity", "status", "breach", "breach_reason", "stale", "explanation",
                   "latest", "readings", "after_as_of", "outcome"}
CONTRACT_READING = {"period", "date", "value", "expected", "shortfall", "tolerance", "status", "breach", "explanation"}


@pytest.fixture
def tree(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    for name, text in SPECS.items():
        (specs / name).write_text(text, encoding="utf-8")
    (tmp_path / "readings.csv").write_text(READINGS, encoding="utf-8")
    return tmp_path


def run(*args, env=None):
    runner = CliRunner()
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200", "NO_COLOR": "1", **(env or {})})


def evaluate_json(tree, *extra, readings=None):
    result = run("evaluate", readings or tree / "readings.csv", "--targets", tree / "specs", "--format", "json", *extra)
    return result, (json.loads(result.stdout) if result.stdout.strip() else None)


def test_json_matches_the_contract(tree):
    result, report = evaluate_json(tree)
    assert result.exit_code == 0, result.output
    assert set(report) == CONTRACT_TOP
    assert report["as_of"] == "2016-03-31"  # the latest reading given
    by_id = {t["id"]: t for t in report["targets"]}
    assert set(by_id) == {"reoffending", "fte", "crime", "nodata"}
    for t in report["targets"]:
        assert CONTRACT_TARGET <= set(t), set(t) ^ CONTRACT_TARGET
        for r in t["readings"]:
            assert CONTRACT_READING <= set(r)
            assert r["date"] == parse_period(r["period"]).end.isoformat()
        dates = [r["date"] for r in t["readings"]]
        assert dates == sorted(dates)
        assert t["latest"] == (t["readings"][-1] if t["readings"] else None)

    reoff = by_id["reoffending"]
    assert (reoff["title"], reoff["unit"], reoff["polarity"]) == ("Youth re-offending rate", "percent", "lower_is_better")
    assert [r["period"] for r in reoff["readings"]] == ["2012/13", "2014/15", "2015/16"]
    early, at_risk, latest = reoff["readings"]
    assert early["status"] == "not_started" and early["expected"] is None and early["shortfall"] is None
    e = 48.3 + (35 - 48.3) * 365 / 1096
    assert at_risk["status"] == "at_risk"
    assert at_risk["value"] == 44.0
    assert at_risk["expected"] == pytest.approx(e)
    assert at_risk["shortfall"] == pytest.approx(44.0 - e)
    assert at_risk["tolerance"] == 1.0
    assert latest["value"] == 40.0  # the revised figure superseded the first estimate
    e16 = 48.3 + (35 - 48.3) * 731 / 1096
    assert latest["expected"] == pytest.approx(e16)
    assert latest["status"] == ("on_track" if 40.0 <= e16 else "at_risk")
    assert reoff["status"] == latest["status"] and reoff["breach"] is False and reoff["breach_reason"] is None

    fte = by_id["fte"]
    (fte_reading,) = fte["readings"]
    assert fte_reading["value"] == pytest.approx(812.0)  # converted to the target's unit
    assert fte_reading["status"] == "off_track"  # 812 against 789.5 with no tolerance
    assert fte["stale"] is False  # a year old on 31 Mar 2016

    crime = by_id["crime"]
    (crime_reading,) = crime["readings"]
    assert crime_reading["expected"] is None  # direction-only: no path
    assert crime_reading["shortfall"] == 2.0  # against the baseline of 80 (docs/json-output.md)
    assert crime_reading["tolerance"] == 0
    assert crime_reading["date"] == "2014-09-30"  # 2014/15 Q2 is Jul-Sep 2014
    assert crime_reading["status"] == "worsening"
    assert crime["stale"] is True  # quarterly, 18 months old

    assert by_id["nodata"]["status"] == "no_data" and by_id["nodata"]["latest"] is None
    assert by_id["nodata"]["readings"] == []

    (sup,) = report["suppressed"]
    assert {k: sup[k] for k in ("line", "target", "period", "symbol")} == \
        {"line": 7, "target": "fte", "period": "2015/16", "symbol": "[c]"}
    assert sup["file"].endswith("readings.csv")
    (old,) = report["superseded"]
    assert {k: old[k] for k in ("line", "target", "period")} == {"line": 2, "target": "reoffending", "period": "2015/16"}
    assert old["file"].endswith("readings.csv")
    assert report["rejected"] == []


def test_json_is_the_default_when_not_at_a_terminal(tree):
    result = run("evaluate", tree / "readings.csv", "--targets", tree / "specs")
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) == CONTRACT_TOP


def test_csv_format(tree):
    result = run("evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"target", "period", "date", "value", "expected", "shortfall", "status", "breach", "explanation"} <= set(rows[0])
    assert {r["row"] for r in rows} <= {"reading", "no_data", "suppressed", "superseded", "rejected"}
    reoff = [r for r in rows if r["target"] == "reoffending" and r["row"] == "reading"]
    assert [r["period"] for r in reoff] == ["2012/13", "2014/15", "2015/16"]
    assert reoff[1]["status"] == "at_risk" and float(reoff[1]["value"]) == 44.0
    assert float(reoff[1]["expected"]) == pytest.approx(48.3 + (35 - 48.3) * 365 / 1096)
    assert reoff[0]["expected"] == ""
    (nodata,) = [r for r in rows if r["target"] == "nodata"]
    assert nodata["status"] == "no_data"


def test_markdown_format(tree):
    result = run("evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "markdown")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "| Target | Status | Latest [interval] | Trend | Explanation |" in text
    for tid in ("reoffending", "fte", "crime", "nodata"):
        assert f"(`{tid}`)" in text
    assert "1 suppressed value(s), 1 superseded row(s)" in text
    line = next(l for l in text.splitlines() if "(`fte`)" in l)
    assert "off track" in line


def test_table_format(tree):
    result = run("evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "table")
    assert result.exit_code == 0, result.output
    for word in ("Youth re-offending rate", "at risk", "off track", "no data", "stale"):
        assert word in result.stdout


def test_fail_on(tree):
    result, _ = evaluate_json(tree, "--fail-on", "off_track")
    assert result.exit_code == 1  # fte is off track
    result, _ = evaluate_json(tree, "--fail-on", "missed, achieved")
    assert result.exit_code == 0
    result, _ = evaluate_json(tree, "--fail-on", "stale")
    assert result.exit_code == 1  # crime is stale
    result, _ = evaluate_json(tree, "--fail-on", "breach")
    assert result.exit_code == 0  # nothing in breach
    (tree / "readings.csv").write_text(READINGS + "crime,2015/16 Q4,96,,\n", encoding="utf-8")
    result, report = evaluate_json(tree, "--fail-on", "breach")
    assert result.exit_code == 1
    crime = next(t for t in report["targets"] if t["id"] == "crime")
    assert crime["breach"] is True and crime["breach_reason"] == "limit"


def test_rejected_json_and_yaml_records_are_named_in_the_json_report(tree):
    (tree / "readings.json").write_text(json.dumps([{"target": "crime", "period": "2014/15", "value": 1},
                                                    {"target": "crime", "period": "2015/16", "value": "x"}]))
    result, report = evaluate_json(tree, readings=tree / "readings.json")
    assert result.exit_code == 2
    assert [(r["line"], r["record"], r["reason"]) for r in report["rejected"]] == [
        (1, 2, "record 2: the value `x` is not a number")]


def test_rejected_rows_exit_2_but_the_report_keeps_the_good_rows(tree):
    (tree / "readings.csv").write_text(READINGS + "reoffending,2014-15,44,,\nnope,2014/15,1,,\n", encoding="utf-8")
    result, report = evaluate_json(tree)
    assert result.exit_code == 2
    assert "2 row(s) rejected" in result.stderr
    assert [(r["line"], "2014-15" in r["reason"]) for r in report["rejected"]] == [(9, True), (10, False)]
    assert all(set(r) == {"file", "line", "column", "record", "reason"} and r["record"] is None for r in report["rejected"])
    by_id = {t["id"]: t for t in report["targets"]}
    assert len(by_id["reoffending"]["readings"]) == 3
    assert by_id["fte"]["status"] == "off_track"
    allowed, report2 = evaluate_json(tree, "--allow-rejected")
    assert allowed.exit_code == 0
    assert report2 == report
    # rejected rows win over --fail-on
    assert evaluate_json(tree, "--fail-on", "off_track")[0].exit_code == 2
    assert evaluate_json(tree, "--fail-on", "off_track", "--allow-rejected")[0].exit_code == 1


def test_invalid_specs_exit_2(tree):
    (tree / "specs" / "broken.yaml").write_text(
        "id: broken\ntitle: B\nmeasure: {description: x, unit: furlongs, polarity: lower_is_better}\n"
        "baseline: {period: 2013/14, value: 1}\n", encoding="utf-8")
    result, report = evaluate_json(tree)
    assert result.exit_code == 2
    assert report is None
    assert "broken.yaml" in result.stderr and "furlongs" in result.stderr
    assert "Traceback" not in result.output


def test_missing_readings_file_exit_2_with_a_message(tree):
    result = run("evaluate", tree / "nope.csv", "--targets", tree / "specs", "--format", "json")
    assert result.exit_code == 2
    assert "nope.csv" in result.stderr and "no such readings file" in result.stderr
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, (KeyError, TypeError, ValueError, OSError))


def test_unreadable_readings_file_exit_2(tree):
    (tree / "bad.csv").write_text("target,period,amount\nfte,2014/15,1\n", encoding="utf-8")
    result = run("evaluate", tree / "bad.csv", "--targets", tree / "specs", "--format", "json")
    assert result.exit_code == 2
    assert "bad.csv" in result.stderr and "value" in result.stderr


@pytest.mark.parametrize("option,value,words", [
    ("--fail-on", "of track", "unknown status `of_track` (did you mean `off_track`?)"),
    ("--fail-on", "on_track,late", "unknown status `late`"),
    ("--as-of", "2016-17", "2016-17"),
    ("--as-of", "soon", "soon"),
])
def test_bad_options_exit_2_with_a_message(tree, option, value, words):
    result, _ = evaluate_json(tree, option, value)
    assert result.exit_code == 2
    assert words in result.stderr
    assert "Traceback" not in result.output


def test_as_of_option(tree):
    result, report = evaluate_json(tree, "--as-of", "2014/15")
    assert result.exit_code == 0
    assert report["as_of"] == "2015-03-31"
    reoff = next(t for t in report["targets"] if t["id"] == "reoffending")
    assert [r["period"] for r in reoff["readings"]] == ["2012/13", "2014/15"]
    assert reoff["status"] == "at_risk"
    assert reoff["after_as_of"] == 1  # the 2015/16 reading, left out and counted
    crime = next(t for t in report["targets"] if t["id"] == "crime")
    assert crime["readings"][0]["date"] == "2014-09-30"
    assert crime["stale"] is True  # 6 months old on 31 Mar 2015; a quarterly measure allows 4
    _, report = evaluate_json(tree, "--as-of", "2015-01")
    crime = next(t for t in report["targets"] if t["id"] == "crime")
    assert crime["stale"] is False  # 4 months old on 31 Jan 2015


def test_show_prints_the_profile(tree):
    result = run("show", "fte", "--targets", tree / "specs")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for label, days in (("2013/14", 0), ("2014/15", 365), ("2015/16", 731), ("2016/17", 1096)):
        expected = 954 + (460 - 954) * days / 1096
        row = [l for l in lines if label in l]
        assert row, (label, result.stdout)
        assert f"{expected:,.1f} per 100,000" in row[0], (label, row)
    assert "2017/18" not in result.stdout and "2012/13" not in result.stdout


def test_show_with_readings(tree):
    result = run("show", "reoffending", "--targets", tree / "specs", "--readings", tree / "readings.csv")
    assert result.exit_code == 0, result.output
    row = next(l for l in result.stdout.splitlines() if "2014/15" in l)
    assert "43.9%" in row and "44.0%" in row and "at risk" in row
    assert any("2012/13" in l and "not started" in l for l in result.stdout.splitlines())


def test_show_quarterly(tree):
    result = run("show", "fte", "--targets", tree / "specs", "--every", "quarter")
    assert result.exit_code == 0, result.output
    rows = [l for l in result.stdout.splitlines() if " per 100,000" in l and "│" in l]
    assert len(rows) == 13  # 12 quarters and the baseline
    e = 954 + (460 - 954) * 91 / 1096  # 30 Jun 2014
    assert any("2014/15 Q1" in l and f"{e:,.1f}" in l for l in rows)


def test_show_labels_the_path_points_as_the_spec_writes_them(tree):
    # A calendar-year baseline with a financial-year target: the grid is calendar years, but the
    # target date is still called 2016/17, not a day.
    (tree / "specs" / "mixed.yaml").write_text(
        "id: mixed\ntitle: Mixed periods\n"
        "measure: {description: d, unit: percent, polarity: higher_is_better, frequency: annual}\n"
        "baseline: {period: 2014, value: 93}\ntarget: {period: 2016/17, maintain: true}\n", encoding="utf-8")
    result = run("show", "mixed", "--targets", tree / "specs")
    assert result.exit_code == 0, result.output
    labels = [l.split("│")[1].strip() for l in result.stdout.splitlines() if l.startswith("│")]
    assert labels == ["2014", "2015", "2016", "2016/17"]


def test_show_without_a_trajectory_says_why_the_profile_is_empty(tree):
    (tree / "specs" / "bare.yaml").write_text(
        "id: bare\ntitle: No baseline yet\nstatus: draft\n"
        "measure: {description: d, unit: count, polarity: lower_is_better}\n", encoding="utf-8")
    result = run("show", "bare", "--targets", tree / "specs")
    assert result.exit_code == 0, result.output
    assert "No profile to show" in result.stdout and "without a baseline" in result.stdout


def test_show_unknown_id_suggests_the_nearest(tree):
    result = run("show", "ftee", "--targets", tree / "specs")
    assert result.exit_code == 2
    assert "did you mean `fte`" in result.stderr
    assert "Traceback" not in result.output


# --- the shipped specs and the example readings -----------------------------------------------

def test_shipped_specs_evaluate_the_example_readings():
    example = ROOT / "examples" / "readings-2014-17.csv"
    if not example.exists():
        pytest.skip("examples/readings-2014-17.csv not written yet")
    result = run("evaluate", example, "--targets", ROOT / "targets", "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["rejected"] == []
    assert any(t["readings"] for t in report["targets"])


def test_csv_format_lists_every_row_that_is_not_a_reading(tree):
    (tree / "readings.csv").write_text(READINGS + "nope,2014/15,1,,\n", encoding="utf-8")
    result = run("evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "csv", "--allow-rejected")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    rejected = [r for r in rows if r["row"] == "rejected"]
    assert len(rejected) == 1 and "unknown target `nope`" in rejected[0]["explanation"]
    assert len({len(r) for r in csv.reader(io.StringIO(result.stdout))}) == 1


def test_the_markdown_summary_counts_readings_after_the_as_of_date(tree):
    result = run("evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "markdown",
                 "--as-of", "2014/15")
    assert result.exit_code == 0
    _, everything = evaluate_json(tree)
    _, until = evaluate_json(tree, "--as-of", "2014/15")
    later = sum(len(t["readings"]) for t in everything["targets"]) - sum(len(t["readings"]) for t in until["targets"])
    assert later > 0 and later == sum(t["after_as_of"] for t in until["targets"])
    assert f"{later} reading(s) dated after the as-of date left out" in result.stdout


def test_csv_format_lists_the_readings_left_out_by_as_of(tree):
    result = run("evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "csv", "--as-of", "2014/15")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    _, until = evaluate_json(tree, "--as-of", "2014/15")
    later = [r for r in rows if r["row"] == "after_as_of"]
    assert len(later) == sum(t["after_as_of"] for t in until["targets"]) > 0
    assert all(r["date"] > "2015-03-31" and "after the as-of date" in r["explanation"] for r in later)
    # every readings row once: judged, left out, suppressed, superseded or rejected
    _, everything = evaluate_json(tree)
    judged = sum(len(t["readings"]) for t in everything["targets"])
    assert sum(r["row"] in ("reading", "after_as_of") for r in rows) == judged


# --- the hand-written JSON writer against json itself ------------------------------------------------

_FILES = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
_PERIODS = st.sampled_from(["2012/13", "2013/14", "2014/15", "2015-02-14", "2015 Q1", "2016/17", "2018-06"])


@settings(max_examples=80, deadline=None)
@given(unit=st.sampled_from(["percent", "GBP", "count", "per_100k", "count/year"]),
       limit=st.none() | st.floats(1, 1e6),
       rows=st.lists(st.tuples(_PERIODS, st.floats(-1e12, 1e12, allow_nan=False), _FILES, st.integers(1, 10**6)),
                     max_size=8))
def test_the_streamed_json_says_what_json_dumps_would(unit, limit, rows):
    extra = {"limit": limit} if limit is not None else {}
    t = build_target({"id": "t", "title": 'Quotes " and \\ and £', "measure": {"description": "d", "unit": unit,
                      "polarity": "lower_is_better"}, "baseline": {"period": "2013/14", "value": 48.3},
                      "target": {"period": "2016/17", "value": 35}, **extra})
    readings = [Reading("t", parse_period(p), v, f, line) for p, v, f, line in rows]
    evaluation = evaluate([t], {"t": readings})
    text = json_report.evaluation_text(evaluation, ReadingsBatch())
    report = json.loads(text)  # valid JSON
    assert text.isascii()  # escaped as json.dumps does by default
    (got,) = report["targets"]
    (result,) = evaluation.results
    want = [{"period": v.period.label, "date": v.date.isoformat(), "value": v.value, "expected": v.expected,
             "shortfall": v.shortfall, "tolerance": v.tolerance, "status": v.status, "breach": v.breach,
             "interval": None if v.interval is None else {"lower": v.interval.lower, "upper": v.interval.upper,
                                                          "confidence": v.interval.confidence,
                                                          "method": v.interval.method},
             "significant": v.significant, "explanation": v.explanation, "file": r.file, "line": r.line}
            for v, r in zip(result.verdicts, result.readings)]
    assert got["readings"] == json.loads(json.dumps(want))
    assert got["latest"] == (got["readings"][-1] if want else None)
    assert got["title"] == t.title and got["explanation"] == result.explanation


def test_periods_of_different_lengths_ending_together_are_pointed_out():
    t = make_target()
    readings = {"t": [reading("t", "2015-03", 30, line=3), reading("t", "2014/15", 44, line=2)]}
    (result,) = evaluate([t], readings).results
    assert result.latest.period.label == "2015-03"  # the shorter, starting later, sorts last
    assert "Note: 2014/15 also ends on 31 Mar 2015" in result.explanation and "the shortest period, 2015-03, is taken as the latest" in result.explanation
    (plain,) = evaluate([t], {"t": [reading("t", "2014/15", 44)]}).results
    assert "Note:" not in plain.explanation


def test_every_period_ending_with_the_latest_is_named():
    t = make_target()
    readings = {"t": [reading("t", p, 40) for p in ("2015-03", "2014/15", "2015 Q1", "2013/14")]}
    (result,) = evaluate([t], readings).results
    assert "Note: 2014/15 and 2015 Q1 also end on 31 Mar 2015" in result.explanation


def test_fail_on_takes_statuses_as_the_reports_write_them_and_names_what_tripped(tree):
    result = run("evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "json",
                 "--fail-on", "Off Track, worsening")
    _, report = evaluate_json(tree)
    tripped = sorted(t["id"] for t in report["targets"] if t["status"] in ("off_track", "worsening"))
    assert tripped and result.exit_code == 1
    assert f"--fail-on: {len(tripped)} target(s): " in result.stderr
    assert all(f"{tid} (" in result.stderr for tid in tripped)


def test_show_allow_rejected_lists_the_rows_but_exits_0(tree):
    (tree / "readings.csv").write_text(READINGS + "reoffending,2014/15 Q9,1,,\n", encoding="utf-8")
    strict = run("show", "reoffending", "--targets", tree / "specs", "-r", tree / "readings.csv")
    assert strict.exit_code == 2 and "readings.csv:9: rejected:" in strict.stderr
    lenient = run("show", "reoffending", "--targets", tree / "specs", "-r", tree / "readings.csv", "--allow-rejected")
    assert lenient.exit_code == 0 and "readings.csv:9: rejected:" in lenient.stderr


def test_show_reads_only_the_rows_of_its_target_in_a_large_plain_file(tree):
    # Large enough to be read as columns (sources/readings.COLUMNAR_BYTES): the same rule holds there.
    from engine.sources.readings import COLUMNAR_BYTES

    rows = [f"fte,{y}-{m:02d},{'lots' if m == 5 else 700}" for y in range(1900, 2900) for m in range(1, 13)]
    text = "target,period,value\n" + "\n".join(rows) + "\nreoffending,2014/15,44\nnodata,2014/15,x\n"
    assert len(text) > COLUMNAR_BYTES
    (tree / "big.csv").write_text(text, encoding="utf-8")
    shown = run("show", "reoffending", "--targets", tree / "specs", "-r", tree / "big.csv")
    assert shown.exit_code == 0 and "rejected" not in shown.stderr, shown.output
    assert any("2014/15" in l and "44.0%" in l for l in shown.stdout.splitlines())
    assert run("show", "fte", "--targets", tree / "specs", "-r", tree / "big.csv").exit_code == 2


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_show_reads_only_the_rows_of_its_target(tree, suffix):
    # Rows of other targets that would be rejected (a bad value, a bad period, a comma in a number, an
    # unknown id that is not this one misspelt) are not this target's problem: `show` does not read them.
    others = [("fte", "2014/15", "lots"), ("crime", "2014/15 Q7", "80"), ("nodata", "2014/15", "1,760,"),
              ("recycling", "2014/15", "40")]
    if suffix == ".csv":
        text = READINGS + "".join(f"{t},{p},{v},,\n" for t, p, v in others[:2])
        text += "nodata,2014/15,1,760,,\n" + "recycling,2014/15,40,,\n"  # the third: one cell too many
    else:
        text = json.dumps([{"target": t, "period": p, "value": v} for t, p, v in others]
                          + [{"target": "fte", "value": 1}, {"target": "reoffending", "period": "2014/15", "value": 44}])
    path = tree / f"mixed{suffix}"
    path.write_text(text, encoding="utf-8")
    shown = run("show", "reoffending", "--targets", tree / "specs", "-r", path)
    assert shown.exit_code == 0, shown.output
    assert "rejected" not in shown.stderr
    assert any("2014/15" in l and "44.0%" in l for l in shown.stdout.splitlines())
    # The same file still fails `evaluate`, which reads every row, and `show` for a target with a bad row.
    assert run("evaluate", path, "--targets", tree / "specs", "--format", "json").exit_code == 2
    assert run("show", "fte", "--targets", tree / "specs", "-r", path).exit_code == 2


def test_show_still_rejects_rows_that_may_be_its_own(tree):
    # No target named, or an unknown id close to this one: they may be its rows, so they are reported.
    (tree / "readings.csv").write_text(READINGS + ",2014/15,40,,\nreofending,2014/15,40,,\n", encoding="utf-8")
    shown = run("show", "reoffending", "--targets", tree / "specs", "-r", tree / "readings.csv")
    assert shown.exit_code == 2
    assert "readings.csv:9: rejected: the target cell is empty" in shown.stderr
    assert "readings.csv:10: rejected: unknown target `reofending`; did you mean `reoffending`?" in shown.stderr


def test_long_lists_of_rejected_rows_are_cut_in_the_human_formats_not_in_csv(tree):
    (tree / "readings.csv").write_text(READINGS + "".join(f"nope{i},2014/15,1,,\n" for i in range(120)), encoding="utf-8")
    md = run("evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "markdown", "--allow-rejected")
    assert md.stdout.count("unknown target \\`nope") == 50 and "... and 70 more" in md.stdout
    table = run("evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "table", "--allow-rejected")
    assert "and 70 more" in table.stdout
    rows = run("evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "csv", "--allow-rejected")
    assert sum(1 for r in csv.DictReader(io.StringIO(rows.stdout)) if r["row"] == "rejected") == 120


def test_explain_targets_leaves_out_the_sentence_of_each_reading_but_nothing_else(tree):
    full = json.loads(run("evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "json").stdout)
    lean = json.loads(run("evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "json",
                          "--explain", "targets").stdout)
    assert [t["explanation"] for t in lean["targets"]] == [t["explanation"] for t in full["targets"]]
    for a, b in zip(full["targets"], lean["targets"]):
        assert [{k: v for k, v in r.items() if k != "explanation"} for r in a["readings"]] == b["readings"]
        assert a["latest"] == b["latest"]  # the latest keeps its sentence
        assert all("explanation" not in r for r in b["readings"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                          st.floats(min_value=-1e-3, max_value=1e-3), st.just(-0.0)), max_size=50))
def test_json_numbers_are_written_as_json_dumps_writes_them(values):
    """The JSON report formats numbers in compiled code: each must be the text json.dumps gives."""
    import numpy as np

    column = np.array(values + [float("nan")], dtype=np.float64)
    texts = json_report._number_texts(column).to_list()
    assert texts == [json.dumps(v) for v in values] + ["null"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(["2014/15", "2015/16", "2015-03", "2015-03-31"])),
                max_size=30))
def test_a_later_reading_supersedes_an_earlier_one_of_the_same_target_and_period(pairs):
    """Every row ends in one place: one reading per target and period (the last written), the
    others superseded; periods are the same when they start and end on the same days."""
    readings = [Reading(t, parse_period(p), float(i), "r.csv", i + 2) for i, (t, p) in enumerate(pairs)]
    batch = ReadingsBatch.of(readings)
    last: dict[tuple[str, object], int] = {}
    for r in readings:
        last[(r.target, r.period.key)] = r.line
    kept = sorted((r.target, r.line) for rs in batch.readings.values() for r in rs)
    assert kept == sorted((t, line) for (t, _), line in last.items())
    assert len(batch.superseded) == len(readings) - len(last)
    assert {s.line for s in batch.superseded} == {r.line for r in readings} - set(last.values())


# --- the outcome of a dated target (issue 14) ------------------------------------------------------

def five_by_2030(**fields):
    """"5% by 2030": lower is better, from 10% in 2020, annual."""
    return make_target(baseline=("2020", 10.0), goal=("2030", 5), **fields)


def test_a_later_reading_does_not_turn_an_achieved_target_into_a_missed_one():
    t = five_by_2030()
    evaluation = evaluate([t], {"t": [reading("t", "2029", 5.5), reading("t", "2030", 5.0), reading("t", "2031", 5.2)]})
    (result,) = evaluation.results
    assert (result.status, result.breach, result.breach_reason) == ("achieved", False, None)  # was missed, a breach
    assert result.outcome.period.label == "2030" and result.outcome.status == "achieved"
    assert result.explanation == ("achieved in 2030 (5.0%, exactly at the target of 5% by 2030); "
                                  "since then 5.2% in 2031, 0.2 points worse than the target")
    later = result.latest
    # The 2031 reading is still compared with the level, but it is not a breach and says the outcome stands.
    assert later.status == "missed" and not later.breach
    assert "another reading settled the outcome" in later.explanation and "so missed" not in later.explanation


def test_a_missed_outcome_stays_missed_and_a_breach_whatever_comes_after():
    t = five_by_2030()
    readings = [reading("t", "2030", 5.5), reading("t", "2031", 4.8), reading("t", "2032", 4.5)]
    (result,) = evaluate([t], {"t": readings}).results
    assert (result.status, result.breach, result.breach_reason) == ("missed", True, "missed")
    assert result.explanation.startswith("missed in 2030, a breach (5.5%, 0.5 points short of the target of 5% by 2030)")
    assert result.explanation.endswith("; since then 2 readings, the latest 4.5% in 2032, 0.5 points better than the target")
    assert [v.breach for v in result.verdicts] == [True, False, False]


def test_without_a_reading_for_the_target_period_the_first_after_it_settles_the_outcome():
    t = make_target(baseline=("2020/21", 10.0), goal=("2029/30", 5))
    readings = [reading("t", "2028/29", 6), reading("t", "2030 Q2", 4.9), reading("t", "2030 Q3", 5.3)]
    (result,) = evaluate([t], {"t": readings}).results
    assert result.outcome.period.label == "2030 Q2" and result.status == "achieved"
    assert result.explanation.startswith("achieved in 2030 Q2, the first reading after the target period 2029/30 (4.9%")
    # A shorter period ending on the target date is not the target period: the target period's own reading wins.
    own = [reading("t", "2029/30 Q4", 6.0), reading("t", "2029/30", 4.9)]
    (result,) = evaluate([t], {"t": own}).results
    assert result.outcome.period.label == "2029/30" and result.status == "achieved"
    assert "since then" not in result.explanation  # the quarter ends the same day: not "since"
    # Of two periods ending on the first day after the date, the shorter settles it (as for the latest).
    two = [reading("t", "2030 Q3", 4.0, line=2), reading("t", "2030-09", 6.0, line=3)]
    (result,) = evaluate([t], {"t": two}).results
    assert result.outcome.period.label == "2030-09" and result.status == "missed"


def test_a_concluded_target_is_never_stale_and_one_still_running_is():
    t = five_by_2030(frequency="annual")
    (done,) = evaluate([t], {"t": [reading("t", "2030", 5.0)]}, as_of=date(2040, 1, 1)).results
    assert done.status == "achieved" and not done.stale and "Stale" not in done.explanation
    (running,) = evaluate([t], {"t": [reading("t", "2028", 6.0)]}, as_of=date(2040, 1, 1)).results
    assert running.stale


def test_as_of_before_the_target_date_leaves_the_target_running():
    t = five_by_2030()
    readings = {"t": [reading("t", "2029", 5.5), reading("t", "2030", 5.0), reading("t", "2031", 5.2)]}
    (before,) = evaluate([t], readings, as_of=date(2029, 12, 31)).results
    assert before.outcome is None and before.status in ("on_track", "at_risk", "off_track")
    (at,) = evaluate([t], readings, as_of=date(2030, 12, 31)).results
    assert at.status == "achieved" and "since then" not in at.explanation


def test_a_limit_breach_after_the_outcome_is_still_a_breach():
    t = five_by_2030(limit=6)
    (result,) = evaluate([t], {"t": [reading("t", "2030", 5.0), reading("t", "2031", 6.5)]}).results
    assert (result.status, result.breach, result.breach_reason) == ("achieved", True, "limit")
    assert result.explanation.endswith("1.5 points worse than the target, and worse than the limit of 6%, a breach")


@settings(max_examples=60, deadline=None)
@given(first=st.floats(0, 20, allow_nan=False), later=st.lists(st.floats(0, 20, allow_nan=False), max_size=5),
       lower=st.booleans(), strict=st.booleans())
def test_readings_after_the_outcome_never_change_the_status(first, later, lower, strict):
    t = make_target(baseline=("2020", 10.0), goal=("2030", 5), polarity="lower_is_better" if lower else "higher_is_better",
                    goal_extra={"strict": strict})
    alone = [reading("t", "2030", first)]
    (settled,) = evaluate([t], {"t": alone}).results
    (result,) = evaluate([t], {"t": alone + [reading("t", str(2031 + i), v) for i, v in enumerate(later)]}).results
    assert result.status == settled.status in ("achieved", "missed")
    assert (result.breach_reason == "missed") == (settled.status == "missed")
    assert not result.stale
    assert sum(v.breach_reason == "missed" for v in result.verdicts) == (settled.status == "missed")


def test_the_json_names_the_outcome(tree):
    (tree / "readings.csv").write_text(READINGS + "reoffending,2016/17,35,,\nreoffending,2017/18,36,,\n", encoding="utf-8")
    _, report = evaluate_json(tree)
    by_id = {t["id"]: t for t in report["targets"]}
    assert by_id["reoffending"]["outcome"] == {"period": "2016/17", "date": "2017-03-31", "value": 35.0, "status": "achieved"}
    assert by_id["reoffending"]["status"] == "achieved" and by_id["reoffending"]["latest"]["status"] == "missed"
    assert by_id["fte"]["outcome"] is None  # still running


# --- where the as-of date came from (issue 14) ------------------------------------------------------

def test_every_report_says_which_reading_set_the_as_of_date(tree):
    # Quarterly readings, and one annual row in another file that moves the date to 31 Mar 2017.
    (tree / "annual.json").write_text('[{"target": "fte", "period": "2014/15", "value": 700},\n'
                                      ' {"target": "reoffending", "period": "2016/17", "value": 36}]', encoding="utf-8")
    files = (tree / "readings.csv", tree / "annual.json")
    _, report = evaluate_json(tree, tree / "annual.json")
    assert report["as_of"] == "2017-03-31"
    assert report["as_of_from"] == {"file": str(tree / "annual.json"), "line": 2, "record": 2,
                                    "target": "reoffending", "period": "2016/17", "readings": 1}
    said = f"the latest reading: {tree / 'annual.json'} record 2 (reoffending, 2016/17)"
    markdown = run("evaluate", *files, "--targets", tree / "specs", "--format", "markdown").stdout
    from engine.model.safetext import markdown_cell

    assert "As of 31 March 2017, " + markdown_cell(said) + "." in markdown
    table = run("evaluate", *files, "--targets", tree / "specs", "--format", "table", env={"COLUMNS": "400"}).stdout
    assert "as of 31 Mar 2017, " + said in table
    page = tree / "report.html"
    assert run("report", *files, "--targets", tree / "specs", "-o", page).exit_code == 0
    assert f"(the latest reading: {tree / 'annual.json'} record 2 (reoffending, 2016/17))." in page.read_text()
    # Given with --as-of, it says so; several readings of the latest date are counted.
    _, given = evaluate_json(tree, "--as-of", "2016/17")
    assert given["as_of_from"] is None
    assert "as of 31 Mar 2017, the date given (--as-of)" in run(
        "evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "table", "--as-of", "2016/17",
        env={"COLUMNS": "400"}).stdout
    _, plain = evaluate_json(tree)
    # The revised 2015/16 row (line 4) superseded line 2; fte's 2015/16 is suppressed, not a reading.
    assert plain["as_of_from"] == {"file": str(tree / "readings.csv"), "line": 4, "record": None, "target": "reoffending",
                                   "period": "2015/16", "readings": 1}


def test_the_as_of_reading_is_the_first_given_of_the_latest_date():
    t, u = make_target("t"), make_target("u")
    readings = [reading("t", "2014/15", 40, line=2), reading("u", "2015 Q1", 40, line=3), reading("u", "2014/15", 41, line=4)]
    evaluation = evaluate([t, u], ReadingsBatch.of(readings))
    assert evaluation.as_of == date(2015, 3, 31) and not evaluation.as_of_given
    assert evaluation.as_of_reading.line == 2 and evaluation.as_of_readings == 3
    assert evaluation.as_of_source == "the latest readings: r.csv line 2 (t, 2014/15) and 2 more"
    alone = evaluate([t], ReadingsBatch.of(readings[:1]))
    assert alone.as_of_source == "the latest reading: r.csv line 2 (t, 2014/15)"
    assert evaluate([t], {}).as_of_source == ""


def test_a_concluded_target_is_provisional_when_its_outcome_is():
    t = make_target(baseline=("2020", 10.0), goal=("2030", 5))
    outcome = Reading("t", parse_period("2030"), 5.0, "r.csv", 2, qualifiers=("p",))
    later = Reading("t", parse_period("2031"), 5.2, "r.csv", 3)
    (result,) = evaluate([t], ReadingsBatch.of([outcome, later])).results
    assert result.status == "achieved" and result.provisional  # the outcome rests on a provisional value
    settled = Reading("t", parse_period("2030"), 5.0, "r.csv", 2)
    since = Reading("t", parse_period("2031"), 5.2, "r.csv", 3, qualifiers=("p",))
    (result,) = evaluate([t], ReadingsBatch.of([settled, since])).results
    assert result.status == "achieved" and not result.provisional  # a provisional later reading changes nothing


# --- --excel: a CSV Excel opens right (issue 13) -----------------------------------------------------------

def test_excel_csv_starts_with_a_byte_order_mark_and_is_otherwise_the_csv(tree, monkeypatch):
    plain = run("evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "csv")
    excel = run("evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "csv", "--excel")
    assert excel.exit_code == plain.exit_code == 0, excel.output
    assert excel.stdout_bytes.startswith(b"\xef\xbb\xbf") and not plain.stdout_bytes.startswith(b"\xef\xbb\xbf")
    assert excel.stdout_bytes[3:] == plain.stdout_bytes
    assert excel.stdout_bytes.decode("utf-8-sig") == plain.stdout


def test_excel_csv_to_a_file_is_utf_8_with_a_bom(tree):
    out = tree / "board.csv"
    result = run("evaluate", tree / "readings.csv", "--targets", tree / "specs", "--format", "csv", "--excel", "-o", out)
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["target"] and "target" in rows[0]  # the first column's name is read without the mark


@pytest.mark.parametrize("extra", [(), ("--format", "json"), ("--format", "markdown")])
def test_excel_without_csv_is_refused(tree, extra):
    result = run("evaluate", tree / "readings.csv", "--targets", tree / "specs", *extra, "--excel")
    assert result.exit_code == 2
    assert "--excel is for a CSV report: add --format csv" in result.output


def heads_agree(evaluation, batch) -> None:
    """Each target's own fields in the JSON report (written as columns a chunk at a time) are its
    result's, key by key and in order, as a dict of them through json.dumps reads back."""
    from dataclasses import asdict

    written = json.loads(json_report.evaluation_text(evaluation, batch, "targets"))["targets"]
    assert len(written) == len(evaluation.results)
    for result, found in zip(evaluation.results, written):
        t = result.target
        head = {"id": t.id, **({"area": t.area} if t.area is not None else {})}
        outcome = result.outcome
        projection = asdict(result.projection) if result.projection is not None else None
        if projection is not None:
            day = projection["reaches_target_on"]
            goal = t.goal.period.end.isoformat() if t.goal is not None and t.goal.value is not None else None
            projection = {"value": projection.pop("value"), "date": goal, **projection,
                          "reaches_target_on": day.isoformat() if day is not None else None}
            projection = {k: projection[k] for k in ("value", "date", "meets_target", "gap", "reaches_target_on",
                                                     "slope", "points", "reason")}
        head.update(title=t.title, unit=t.measure.unit, polarity=t.measure.polarity, spec_status=t.status,
                    status=result.status, breach=result.breach, breach_reason=result.breach_reason, stale=result.stale,
                    provisional=result.provisional, explanation=result.explanation, after_as_of=result.after_as_of,
                    outcome=None if outcome is None else {"period": outcome.period.label, "date": outcome.date.isoformat(),
                                                          "value": outcome.value, "status": outcome.status},
                    trend=asdict(result.trend), projection=projection, progress=asdict(result.progress))
        expected = json.loads(json.dumps(head))
        assert list(found)[:len(expected)] == list(expected)
        assert {k: found[k] for k in expected} == expected


def test_each_targets_fields_in_the_json_are_its_results_as_json_dumps_would_write_them():
    from engine import run as library

    root = Path(__file__).resolve().parent.parent
    specs = library.load_specs(root / "targets")
    batch = library.read_readings([root / "examples" / "readings-2014-17.csv"], specs.targets, areas=specs.areas)
    heads_agree(library.evaluate(specs.targets, batch, areas=specs.areas), batch)
