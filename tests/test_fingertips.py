"""Fingertips exports read without editing (issue 13): rows mapped to targets by indicator,
breakdown and area; every other row counted as not used."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import cli
from engine.checks.checker import check_paths
from engine.sources.readings import ReadOptions, Wanted, options_of, read_readings, units_of
from tests.workbooks import xlsx

HEADER = ("Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,Category Type,"
          "Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,Lower CI 99.8 limit,Upper CI 99.8 limit,"
          "Count,Denominator,Value note,Recent Trend,Compared to England value or percentiles,"
          "Compared to Region value or percentiles,Time period Sortable,New data,Compared to goal")


def row(indicator=92904, area="E06000045", sex="Persons", age="<18 yrs", category="", period="2016/17 - 18/19",
        value="63.2", lower="50.1", upper="78.6", count="80", denominator="126600", note=""):
    name = "Southampton" if area == "E06000045" else "Elsewhere"
    return (f"{indicator},Admissions,E92000001,England,{area},{name},UA,{sex},{age},{category},"
            f"{'Most deprived' if category else ''},{period},{value},{lower},{upper},,,{count},{denominator},{note},,,,,,")


EXPORT = "\n".join([
    HEADER,
    row(area="E92000001", value="31.6", lower="30.9", upper="32.3"),  # 2: England: another area
    row(),                                                            # 3: the target's
    row(period="2017/18 - 19/20", value="55.0", lower="42.9", upper="69.4"),  # 4
    row(period="2017/18 - 19/20", sex="Male", value="45.0"),          # 5: another sex
    row(period="2017/18 - 19/20", category="Deprivation", value="99"),  # 6: a breakdown
    row(indicator=90630, period="2019", value="1"),                   # 7: no target takes it
    row(period="2018/19 - 20/21", value="", lower="", upper="", note="Value suppressed for disclosure control"),  # 8
]) + "\n"

OPTIONS = ReadOptions(fingertips={92904: (Wanted("alcohol", "Persons", None, "E06000045"),)})
UNITS = {"alcohol": "per_100k"}


def test_a_fingertips_export_is_read_without_editing(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(EXPORT)
    batch = read_readings([path], UNITS, OPTIONS)
    got = [(r.period.label, r.value, r.line, r.lower, r.upper, r.confidence, r.numerator, r.denominator, r.area)
           for r in batch.readings["alcohol"]]
    assert got == [("2016/17 - 18/19", 63.2, 3, 50.1, 78.6, 95.0, 80.0, 126600.0, "E06000045"),
                   ("2017/18 - 19/20", 55.0, 4, 42.9, 69.4, 95.0, 80.0, 126600.0, "E06000045")]
    assert [(s.line, s.symbol) for s in batch.suppressed] == [(8, "(empty)")]
    reasons = {x.line: x.reason for x in batch.not_used}
    assert set(reasons) == {2, 5, 6, 7}
    assert "area `E92000001`" in reasons[2] and "sex `Male`" in reasons[5] and "Deprivation" in reasons[6]
    assert "no target takes Fingertips indicator 90630" in reasons[7]
    assert batch.rows == 7 == batch.count() + len(batch.suppressed) + len(batch.not_used)
    assert not batch.rejected


def test_defaults_take_persons_and_the_only_age_and_area(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("\n".join([HEADER, row(), row(sex="Female", value="70")]) + "\n")
    batch = read_readings([path], UNITS, ReadOptions(fingertips={92904: (Wanted("alcohol"),)}))
    assert [r.value for r in batch.readings["alcohol"]] == [63.2]
    assert [x.line for x in batch.not_used] == [3]


def test_several_ages_or_areas_and_none_named_are_not_guessed(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("\n".join([HEADER, row(), row(age="All ages", value="20"), row(area="E92000001", value="31")]) + "\n")
    batch = read_readings([path], UNITS, ReadOptions(fingertips={92904: (Wanted("alcohol"),)}))
    assert batch.count() == 0 and len(batch.not_used) == 3
    assert all("several ages" in x.reason and "source.age" in x.reason for x in batch.not_used)
    (warning,) = batch.warnings
    assert "none of its rows are used" in warning.message
    named = read_readings([path], UNITS, ReadOptions(fingertips={92904: (Wanted("alcohol", age="<18 yrs"),)}))
    assert named.count() == 0 and "several areas" in named.not_used[0].reason and "area:" in named.not_used[0].reason
    both = read_readings([path], UNITS, ReadOptions(fingertips={92904: (Wanted("alcohol", age="<18 yrs", area="E06000045"),)}))
    assert [r.value for r in both.readings["alcohol"]] == [63.2]


def test_a_fingertips_workbook_is_read_the_same_way(tmp_path):
    rows = [line.split(",") for line in EXPORT.strip().split("\n")]
    path = xlsx(tmp_path / "export.xlsx", {"Data": [["Fingertips export"], *rows]})
    batch = read_readings([path], UNITS, OPTIONS)
    assert [(r.value, r.line) for r in batch.readings["alcohol"]] == [(63.2, 4), (55.0, 5)]
    assert sorted(x.line for x in batch.not_used) == [3, 6, 7, 8]


SPEC = """id: alcohol
title: Under 18 alcohol admissions
source: {fingertips: 92904, sex: Persons, age: <18 yrs, document: Safe City Partnership Strategy 2014-17}
area: E06000045
measure: {description: Admissions per 100000 under 18s, unit: per_100k, polarity: lower_is_better}
baseline: {period: 2016/17 - 18/19, value: 63.2}
target: {period: 2020/21 - 22/23, value: 50}
"""


def test_the_spec_names_its_indicator_breakdown_and_area(tmp_path):
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "alcohol.yaml").write_text(SPEC)
    checked = check_paths([tmp_path / "specs"])
    assert not checked.errors, checked.errors
    (target,) = checked.targets
    assert (target.fingertips.indicator, target.fingertips.sex, target.fingertips.age, target.area, target.source) == (
        92904, "Persons", "<18 yrs", "E06000045", "Safe City Partnership Strategy 2014-17")
    options = options_of(checked.targets)
    (wanted,) = options.fingertips[92904]
    assert (wanted.target, wanted.sex, wanted.age, wanted.area, wanted.places.own) == (
        "alcohol", "Persons", "<18 yrs", "E06000045", {"E06000045"})
    (tmp_path / "export.csv").write_text(EXPORT)
    result = CliRunner().invoke(cli.app, ["evaluate", str(tmp_path / "export.csv"), "-t", str(tmp_path / "specs"),
                                          "--format", "json"])
    assert result.exit_code == 0, result.output  # rows not used are not errors
    report = json.loads(result.stdout)
    assert [r["value"] for r in report["targets"][0]["readings"]] == [63.2, 55.0]
    assert sorted(x["line"] for x in report["not_used"]) == [2, 5, 6, 7]
    assert all(set(x) == {"file", "line", "column", "target", "period", "reason"} for x in report["not_used"])
    # `targets show` reads the export too (it has no target column to pick the target's rows by).
    shown = CliRunner().invoke(cli.app, ["show", "alcohol", "-t", str(tmp_path / "specs"), "-r",
                                         str(tmp_path / "export.csv")])
    assert shown.exit_code == 0, shown.output
    assert "63.2" in shown.stdout and "55.0" in shown.stdout


@pytest.mark.parametrize("source, area, words", [
    ("{fingertips: nine}", None, "source"),
    ("{fingertips: 92904, colour: red}", None, "source"),
    ("{sex: Persons}", None, "source"),
    ("{fingertips: 92904}", "Southampton", "area"),
])
def test_a_bad_source_or_area_is_a_spec_error(tmp_path, source, area, words):
    text = SPEC.replace("source: {fingertips: 92904, sex: Persons, age: <18 yrs, document: Safe City Partnership Strategy 2014-17}",
                        f"source: {source}")
    text = text.replace("area: E06000045", f"area: {area}" if area else "area: E06000045")
    (tmp_path / "alcohol.yaml").write_text(text)
    checked = check_paths([tmp_path / "alcohol.yaml"])
    assert checked.errors and any(words in p.message for p in checked.errors), checked.errors


def test_an_area_column_in_a_plain_file_leaves_other_areas_unused(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("target,period,value,area\nalcohol,2014/15,5,E06000045\nalcohol,2014/15,9,E08000025\nalcohol,2015/16,6,\n")
    batch = read_readings([path], UNITS, ReadOptions(areas={"alcohol": "E06000045"}))
    # A row that names no area is the target's own.
    assert [(r.value, r.area) for r in batch.readings["alcohol"]] == [(5.0, "E06000045"), (6.0, "E06000045")]
    (x,) = batch.not_used
    assert x.line == 3 and "area `E08000025`" in x.reason
    assert units_of([]) == {}
