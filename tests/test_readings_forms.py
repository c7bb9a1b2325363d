"""Readings as councils have them (issue 13): period labels people write, Windows-1252 CSV, numbers
split by an unquoted comma, GSS value qualifiers and the optional interval and area columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model.periods import month, parse_period
from engine.sources.readings import ReadOptions, read_readings

UNITS = {"asb-incidents": "count", "youth-custody": "count", "youth-reoffending": "percent", "calls": "count"}


def read(tmp_path: Path, content: str | bytes, name: str = "r.csv", units=UNITS, options=None):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return read_readings([path], units, options)


def labels(batch, target):
    return [(r.period.label, r.value, r.line) for r in batch.readings.get(target, [])]


# --- period labels people write ---------------------------------------------------------------

@pytest.mark.parametrize("label, expected", [
    ("Q1 2024/25", "2024/25 Q1"), ("Apr-24", "2024-04"), ("Apr 2024", "2024-04"), ("April 2024", "2024-04"),
    ("FY2019/20", "2019/20"), ("2019/20 FY", "2019/20"), ("2017 - 19", "2017 - 19"),
    ("2016/17 - 18/19", "2016/17 - 18/19"),
])
def test_period_labels_people_write_are_read(tmp_path, label, expected):
    batch = read(tmp_path, f"target,period,value\nasb-incidents,{label},5\n")
    assert not batch.rejected
    assert labels(batch, "asb-incidents") == [(expected, 5.0, 2)]


MONTHLY_SERIES = "".join(f"asb-incidents,{y}-{m:02d},{y % 100 * 100 + m}\n" for y in (2010, 2011) for m in range(1, 13))


def test_a_monthly_series_keeps_the_months_that_look_like_financial_years(tmp_path):
    # 2010-11 and 2011-12 would be financial years to most readers; among months they are months.
    batch = read(tmp_path, "target,period,value\n" + MONTHLY_SERIES)
    assert not batch.rejected
    got = labels(batch, "asb-incidents")
    assert len(got) == 24
    by_period = {parse_period(label): value for label, value, _ in got}
    assert by_period[month(2010, 11)] == 1011 and by_period[month(2011, 12)] == 1112
    assert [line for _, _, line in got] == list(range(2, 26))  # in their place, in file order


def test_the_target_frequency_decides_even_alone(tmp_path):
    raw = "target,period,value\nasb-incidents,2010-11,5\nyouth-custody,2010-11,6\n"
    batch = read(tmp_path, raw, options=ReadOptions(monthly=frozenset({"asb-incidents"})))
    assert labels(batch, "asb-incidents") == [("Nov 2010", 5.0, 2)]
    assert [r.line for r in batch.rejected] == [3]  # no other label for youth-custody: still ambiguous
    assert "ambiguous" in batch.rejected[0].reason and "frequency" in batch.rejected[0].reason


def test_other_kinds_of_label_for_the_target_leave_it_refused(tmp_path):
    # With financial years beside it, `2011-12` may well be 2011/12: refused, saying how to write either.
    raw = "target,period,value\nasb-incidents,2010/11,5\nasb-incidents,2011-12,6\nyouth-custody,2011-12,1\nyouth-custody,2011-11,2\n"
    batch = read(tmp_path, raw)
    assert labels(batch, "asb-incidents") == [("2010/11", 5.0, 2)]
    assert labels(batch, "youth-custody") == [("Dec 2011", 1.0, 4), ("2011-11", 2.0, 5)]  # its others are months
    (rejected,) = batch.rejected
    assert rejected.line == 3 and "`2011/12`" in rejected.reason and "`Dec 2011`" in rejected.reason


def test_labels_in_another_file_do_not_decide(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("target,period,value\nasb-incidents,2010-10,5\n")
    b = tmp_path / "b.csv"
    b.write_text("target,period,value\nasb-incidents,2010-11,6\n")
    batch = read_readings([a, b], UNITS)
    assert [r.file for r in batch.rejected] == [b.as_posix()]


def test_a_settled_row_is_superseded_by_a_later_row_for_the_same_month(tmp_path):
    raw = "target,period,value\nasb-incidents,2010-10,1\nasb-incidents,2010-11,2\nasb-incidents,Nov 2010,3\n"
    batch = read(tmp_path, raw)
    assert {label: value for label, value, _ in labels(batch, "asb-incidents")} == {"2010-10": 1.0, "Nov 2010": 3.0}
    (superseded,) = batch.superseded
    assert (superseded.line, superseded.by_line) == (3, 4)  # the later row wins, as for any duplicate


def test_a_suppressed_month_counts_among_the_labels_and_is_settled_too(tmp_path):
    raw = "target,period,value\nasb-incidents,2011-12,[c]\nasb-incidents,2011-10,4\nasb-incidents,2011-11,[x]\n"
    batch = read(tmp_path, raw)
    assert not batch.rejected
    assert [(s.line, s.period) for s in batch.suppressed] == [(2, "2011-12"), (4, "2011-11")]


def test_json_records_settle_ambiguous_months_the_same_way(tmp_path):
    records = [{"target": "asb-incidents", "period": "2010-11", "value": 5},
               {"target": "asb-incidents", "period": "2010-10", "value": 4},
               {"target": "youth-custody", "period": "2010-11", "value": 1}]
    batch = read(tmp_path, json.dumps(records), name="r.json", options=ReadOptions(monthly=frozenset({"asb-incidents"})))
    assert sorted(label for label, _, _ in labels(batch, "asb-incidents")) == ["2010-10", "Nov 2010"]
    # youth-custody is not monthly and has no other label: its `2010-11` is refused, not served from
    # the code another target's row gave the label
    assert [r.record for r in batch.rejected] == [3]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["asb-incidents", "youth-custody"]),
                          st.sampled_from(["2010-11", "2010-10", "2011-12", "2010/11", "Nov 2010", "2011-01"]),
                          st.integers(0, 99)), min_size=1, max_size=25))
def test_every_row_is_accounted_when_ambiguous_labels_wait(tmp_path_factory, rows):
    tmp_path = tmp_path_factory.mktemp("r")
    batch = read(tmp_path, "target,period,value\n" + "".join(f"{t},{p},{v}\n" for t, p, v in rows))
    assert batch.count() + len(batch.superseded) + len(batch.rejected) == len(rows) == batch.rows
    for target in ("asb-incidents", "youth-custody"):
        mine = [p for t, p, _ in rows if t == target]
        others = {parse_period(p).kind for p in mine if p not in ("2010-11", "2011-12")}
        ambiguous_read = others == {"month"}
        for r in batch.rejected:
            assert "ambiguous" in r.reason
        got = {r.line for r in batch.rejected if rows[r.line - 2][0] == target}
        expected = set() if ambiguous_read else {i + 2 for i, (t, p, _) in enumerate(rows) if t == target and p in ("2010-11", "2011-12")}
        assert got == expected


# --- Windows-1252 CSV ---------------------------------------------------------------------------

def test_a_windows_1252_file_is_read_with_a_warning_naming_the_file_and_byte(tmp_path):
    raw = "target,period,value,note\nasb-incidents,2013/14,12880,\u00a3 cost \u2013 high\n".encode("cp1252")
    batch = read(tmp_path, raw)
    (r,) = batch.readings["asb-incidents"]
    assert (r.value, r.note) == (12880.0, "\u00a3 cost \u2013 high")  # the pound sign and the dash as written
    (warning,) = batch.warnings
    assert (warning.file, warning.line, warning.column, warning.severity) == ((tmp_path / "r.csv").as_posix(), 2, 29, "warning")
    assert "0xa3" in warning.message and "Windows-1252" in warning.message and "CSV UTF-8" in warning.message


def test_a_utf_8_file_gets_no_warning(tmp_path):
    assert read(tmp_path, "target,period,value,note\nasb-incidents,2013/14,12880,\u00a3\n").warnings == []


@pytest.mark.parametrize("raw, words", [
    (b"target,period,value\nasb-incidents,2013/14,\x81\n", "byte 0x81 is not UTF-8"),  # undefined in Windows-1252
    (b"target,period,value\nasb-incidents,2013/14,\xa3\x01\x02\n", "byte 0xa3 is not UTF-8"),  # control bytes: binary
    (b"target,period,value\n\x00\xa3", "binary data"),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "zip archive"),  # a workbook renamed .csv
])
def test_binary_files_are_still_refused(tmp_path, raw, words):
    from engine.model.problems import LoadError

    with pytest.raises(LoadError, match=words):
        read(tmp_path, raw)


def test_standard_input_in_windows_1252_is_read_with_a_warning(tmp_path, monkeypatch):
    import io
    import sys

    class Stdin:
        buffer = io.BytesIO("target,period,value,note\nasb-incidents,2013/14,5,caf\u00e9\n".encode("cp1252"))
        closed = False

    monkeypatch.setattr(sys, "stdin", Stdin())
    batch = read_readings(["-"], UNITS)
    assert batch.readings["asb-incidents"][0].note == "caf\u00e9"
    assert [w.file for w in batch.warnings] == ["<stdin>"]


# --- a number split by an unquoted thousands comma ---------------------------------------------------

def test_an_unquoted_thousands_comma_beside_a_note_is_rejected_never_read_as_the_first_part(tmp_path):
    raw = ("target,period,value,note\n"
           "asb-incidents,2013/14,7,790\n"          # 7 and a note of 790? or 7,790? rejected
           "asb-incidents,2014/15,7,790,a note\n"   # a cell too many: rejected, saying why
           'asb-incidents,2015/16,"7,790",quoted\n'
           "asb-incidents,2016/17,12,a note\n")
    batch = read(tmp_path, raw)
    assert labels(batch, "asb-incidents") == [("2015/16", 7790.0, 4), ("2016/17", 12.0, 5)]
    first, second = batch.rejected
    assert first.line == 2 and "`7` is followed by `790` in the note column" in first.reason
    assert 'quote it ("7,790")' in first.reason and "drop the comma (7790)" in first.reason
    assert second.line == 3 and second.reason.startswith("the row has 5 cells but the header has 4: the value `7`")


def test_a_three_digit_number_in_a_numeric_column_is_not_taken_for_a_split_number(tmp_path):
    batch = read(tmp_path, "target,period,value,numerator,denominator\nyouth-reoffending,2014/15,45,450,1000\n")
    assert not batch.rejected
    (r,) = batch.readings["youth-reoffending"]
    assert (r.value, r.numerator, r.denominator) == (45.0, 450.0, 1000.0)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 999), st.integers(0, 999), st.sampled_from(["note", "source", "comment"]))
def test_a_short_value_and_three_digits_beside_it_never_read_as_the_short_value(tmp_path_factory, head, tail, column):
    tmp_path = tmp_path_factory.mktemp("r")
    batch = read(tmp_path, f"target,period,value,{column}\nasb-incidents,2014/15,{head},{tail:03d}\n")
    assert batch.count() == 0 and len(batch.rejected) == 1
    assert f"{head},{tail:03d}" in batch.rejected[0].reason


# --- GSS value qualifiers and the optional columns -------------------------------------------------

from engine.model.readings import QUALIFIERS, Reading, ReadingsBatch  # noqa: E402
from engine.verdicts.evaluation import evaluate  # noqa: E402
from engine.verdicts.statuses import CODE, STATUSES  # noqa: E402
from tests.factories import make_target  # noqa: E402


@pytest.mark.parametrize("cell, value, codes", [
    ("45 [p]", 45.0, ("p",)), ("45[p]", 45.0, ("p",)), ("45 [r][e]", 45.0, ("r", "e")),
    ("45 [e] [r]", 45.0, ("r", "e")), ("45 [P]", 45.0, ("p",)), ("45.5% [u]", 45.5, ("u",)),
    ('"1,234 [b]"', 1234.0, ("b",)), ("7 [f]", 7.0, ("f",)), ("45", 45.0, ()),
])
def test_qualified_values_are_read_and_their_qualifiers_kept(tmp_path, cell, value, codes):
    batch = read(tmp_path, f"target,period,value\nyouth-reoffending,2014/15,{cell}\n")
    (r,) = batch.readings["youth-reoffending"]
    assert (r.value, r.qualifiers) == (value, codes)
    assert (batch.qualifiers is None) == (not codes)  # the column exists only when a file gives qualifiers


@pytest.mark.parametrize("cell, words", [
    ("45 [c]", "[c] marks a value that is withheld"), ("45 [x]", "cannot follow a number"),
    ("45 [q]", "[q] is not a GSS value qualifier"), ("[p]", "no number before them"),
    ("[r][e]", "no number before them"), ("45 [p", "not a number"), ("abc [p]", "`abc` is not a number"),
])
def test_qualifiers_that_cannot_be_read_reject_the_row_saying_why(tmp_path, cell, words):
    batch = read(tmp_path, f"target,period,value\nyouth-reoffending,2014/15,{cell}\n")
    assert batch.count() == 0
    (r,) = batch.rejected
    assert words in r.reason


def test_the_suppression_symbols_stay_as_they_are(tmp_path):
    batch = read(tmp_path, "target,period,value\nyouth-reoffending,2014/15,[u]\nyouth-reoffending,2015/16,[low]\n")
    assert [s.symbol for s in batch.suppressed] == ["[u]", "[low]"] and not batch.rejected


def test_plain_files_make_no_optional_columns(tmp_path):
    batch = read(tmp_path, "target,period,value\nyouth-reoffending,2014/15,45\n" * 3)
    assert (batch.qualifiers, batch.lower, batch.upper, batch.confidence, batch.area) == (None,) * 5


def test_intervals_and_areas_are_read_and_kept(tmp_path):
    raw = ("target,period,value,lower,upper,confidence,area,unit\n"
           "youth-reoffending,2014/15,45,40,50,95,E06000045,\n"
           "youth-reoffending,2015/16,44,,,,Southampton,\n"
           "asb-incidents,2014/15,4,3,5,0.998,,count\n")
    batch = read(tmp_path, raw)
    assert not batch.rejected
    a, b = batch.readings["youth-reoffending"]
    assert (a.lower, a.upper, a.confidence, a.area) == (40.0, 50.0, 95.0, "E06000045")
    assert (b.lower, b.upper, b.confidence, b.area) == (None, None, None, "Southampton")
    (c,) = batch.readings["asb-incidents"]
    assert (c.lower, c.upper, c.confidence, c.area) == (3.0, 5.0, 99.8, None)  # 0.998 is read as 99.8, the level specs write


def test_fingertips_interval_columns_say_their_level(tmp_path):
    raw = ("target,period,value,Lower CI 95.0 limit,Upper CI 95.0 limit,Lower CI 99.8 limit,Upper CI 99.8 limit\n"
           "youth-reoffending,2014/15,45,40,50,38,52\nyouth-reoffending,2015/16,44,,,,\n")
    a, b = read(tmp_path, raw).readings["youth-reoffending"]
    assert (a.lower, a.upper, a.confidence) == (40.0, 50.0, 95.0)  # the 95% interval when both are given
    assert (b.lower, b.upper, b.confidence) == (None, None, None)  # no interval, no level
    only_99 = read(tmp_path, "target,period,value,Lower CI 99.8 limit,Upper CI 99.8 limit\nyouth-reoffending,2014/15,45,38,52\n")
    (r,) = only_99.readings["youth-reoffending"]
    assert (r.lower, r.upper, r.confidence) == (38.0, 52.0, 99.8)


def test_an_interval_is_converted_with_its_value(tmp_path):
    batch = read(tmp_path, "target,period,value,lower,upper,unit\nrate,2014/15,8,6,10,per_10k\n", units={"rate": "per_100k"})
    (r,) = batch.readings["rate"]
    assert (r.value, r.lower, r.upper) == (80.0, 60.0, 100.0)


@pytest.mark.parametrize("row, words", [
    ("youth-reoffending,2014/15,45,50,40,", "lower end (50) is above its upper end (40)"),
    ("youth-reoffending,2014/15,45,40,50,150", "not a level between 0 and 100%"),
    ("youth-reoffending,2014/15,45,forty,50,", "the lower `forty` is not a number"),
])
def test_a_bad_interval_rejects_the_row(tmp_path, row, words):
    batch = read(tmp_path, "target,period,value,lower,upper,confidence\n" + row + "\n")
    (r,) = batch.rejected
    assert words in r.reason


def test_the_optional_columns_follow_their_reading_when_a_later_row_supersedes_it(tmp_path):
    raw = ("target,period,value,lower,upper,area\n"
           "youth-reoffending,2014/15,45 [p],40,50,A\nasb-incidents,2014/15,3,,,\n"
           "youth-reoffending,2014/15,44 [r],41,47,B\n")
    batch = read(tmp_path, raw)
    (r,) = batch.readings["youth-reoffending"]
    assert (r.value, r.qualifiers, r.lower, r.upper, r.area, r.line) == (44.0, ("r",), 41.0, 47.0, "B", 4)
    assert batch.readings["asb-incidents"][0].qualifiers == ()


readings_with_marks = st.lists(
    st.tuples(st.sampled_from(["2013/14", "2014/15", "2015/16", "2016/17", "2017/18"]),
              st.floats(0, 100, allow_nan=False), st.sets(st.sampled_from(list(QUALIFIERS)), max_size=3)),
    min_size=1, max_size=6, unique_by=lambda r: r[0])

WORSE_THAN_AMBER = {"off_track", "missed", "worsening"}


@settings(max_examples=80, deadline=None)
@given(readings_with_marks, st.sampled_from([("2016/17", 35), ("2016/17", None)]))
def test_a_low_reliability_value_is_never_judged_worse_than_at_risk_and_nothing_else_changes(rows, goal):
    target = make_target(goal=goal, tolerance={"absolute": 1.0})
    marked = [Reading("t", parse_period(p), v, "r.csv", i + 2, qualifiers=tuple(q for q in QUALIFIERS if q in marks))
              for i, (p, v, marks) in enumerate(rows)]
    plain = [r._replace(qualifiers=()) for r in marked]
    judged = evaluate([target], ReadingsBatch.of(marked)).results[0]
    bare = evaluate([target], ReadingsBatch.of(plain)).results[0]
    for reading, verdict, before in zip(judged.readings, judged.verdicts, bare.verdicts):
        assert verdict.qualifiers == reading.qualifiers
        assert (verdict.value, verdict.expected, verdict.shortfall) == (before.value, before.expected, before.shortfall)
        if "u" in reading.qualifiers and before.status in WORSE_THAN_AMBER:
            assert STATUSES[verdict.status].rag == "amber"
            assert "low reliability [u]" in verdict.explanation and before.status.replace("_", " ") in verdict.explanation
            assert verdict.breach_reason != "missed"
        else:
            assert verdict.status == before.status
            assert verdict.breach_reason == before.breach_reason
        assert verdict.provisional == ("p" in reading.qualifiers)
        if verdict.provisional:
            assert "Provisional" in verdict.explanation
        for code in reading.qualifiers:
            assert QUALIFIERS[code] in verdict.explanation  # shown in words
    # The reading the target's status rests on: its latest, or the one that settled its outcome (issue 14).
    deciding = judged.readings[judged.settled - judged.start] if judged.settled >= 0 else judged.readings[-1]
    assert judged.provisional == ("p" in deciding.qualifiers)


def test_a_low_reliability_breach_of_the_limit_stands():
    target = make_target(limit=50)
    (verdict,) = evaluate([target], ReadingsBatch.of([Reading("t", parse_period("2014/15"), 60, "r.csv", 2,
                                                              qualifiers=("u",))])).results[0].verdicts
    assert (verdict.status, verdict.breach_reason) == ("at_risk", "limit")
    assert CODE["at_risk"] >= 0


def run_cli(*args: str):
    from typer.testing import CliRunner

    import cli

    return CliRunner().invoke(cli.app, list(args), env={"NO_COLOR": "1", "COLUMNS": "200"})


def test_the_json_gives_qualifiers_where_a_value_has_them_and_marks_a_provisional_status(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("target,period,value\nyouth-reoffending,2014/15,45 [r][e]\nyouth-reoffending,2015/16,40.1 [p]\n"
                    "youth-custody,2014/15,16\n")
    result = run_cli("evaluate", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    targets = {t["id"]: t for t in report["targets"]}
    first, second = targets["youth-reoffending"]["readings"]
    assert (first["qualifiers"], second["qualifiers"]) == (["r", "e"], ["p"])
    assert targets["youth-reoffending"]["provisional"] is True
    assert "qualifiers" not in targets["youth-custody"]["readings"][0]  # none given, no field
    assert targets["youth-custody"]["provisional"] is False
    assert "(revised, estimated)" in first["explanation"] and "Provisional" in second["explanation"]
    table = run_cli("evaluate", str(path), "--format", "table")
    assert "provisional" in table.stdout
    markdown = run_cli("evaluate", str(path), "--format", "markdown")
    assert "· provisional" in markdown.stdout


# --- numbers people write: the minus sign and spaces between thousands --------------------------------

SEPARATORS = {"thin space": "\u2009", "narrow no-break space": "\u202f", "no-break space": "\u00a0", "comma": ","}


def typeset(number: int, separator: str, minus: str = "\u2212") -> str:
    """The number as typeset text writes it: groups of three digits, the sign a minus sign."""
    grouped = f"{abs(number):,}".replace(",", separator)
    return (minus if number < 0 else "") + grouped


@settings(max_examples=80, deadline=None)
@given(st.integers(-10**12, 10**12), st.sampled_from(sorted(SEPARATORS.values())), st.sampled_from(["\u2212", "-"]),
       st.sampled_from(["", ".5", ".25"]))
def test_typeset_numbers_read_as_the_number_they_show(tmp_path_factory, number, separator, minus, fraction):
    tmp_path = tmp_path_factory.mktemp("r")
    cell = typeset(number, separator, minus) + fraction
    batch = read(tmp_path, f'target,period,value\nasb-incidents,2014/15,"{cell}"\n')
    assert batch.rejected == []
    expected = abs(number) + float(fraction or 0)
    assert [r.value for r in batch.readings["asb-incidents"]] == [-expected if number < 0 else expected]


@pytest.mark.parametrize("cell,expected", [
    ("\u221245.1%", -45.1), ("\u2212\u00a35", -5.0), ("\u00a3\u22125", -5.0), ("1\u2009430", 1430.0),
    ("\u00a31\u202f150", 1150.0), ("1\u00a0430\u00a0000.5", 1430000.5)])
def test_the_minus_sign_and_thousands_spaces_with_pounds_and_percents(tmp_path, cell, expected):
    units = {"p": "percent", "g": "GBP", "n": "count"}
    target = "p" if "%" in cell else "g" if "\u00a3" in cell else "n"
    batch = read(tmp_path, f"target,period,value,note\n{target},2014/15,{cell},\n", units=units)
    assert batch.rejected == [] and [r.value for r in batch.readings[target]] == [expected]


@pytest.mark.parametrize("cell,fix", [
    ("1 430", "write 1430"),                    # a plain space: two numbers run together?
    ("1\u2009430,000", "write 1430000"),        # two kinds of separator in one number
    ("1'430", "write 1430"), ("1\u2019430", "write 1430"),
    ("\u20135", "write -5"), ("\u20145", "write -5"), ("\u20105", "write -5"),  # dashes for a minus
    ("(5)", "write -5"), ("5-", "write -5"), ("(1,430)", "write -1,430"),
])
def test_numbers_in_other_shapes_are_refused_saying_what_to_write(tmp_path, cell, fix):
    batch = read(tmp_path, f'target,period,value\nasb-incidents,2014/15,"{cell}"\n')
    assert batch.count() == 0
    (rejected,) = batch.rejected
    assert f"the value `{cell}` is not a number as written: {fix} " in rejected.reason


@pytest.mark.parametrize("cell", ["1\u20094300", "\u2212\u22125", "(\u22125)", "45,1", "1\u200943"])
def test_numbers_that_cannot_be_told_are_refused_without_a_guess(tmp_path, cell):
    batch = read(tmp_path, f'target,period,value\nasb-incidents,2014/15,"{cell}"\n')
    (rejected,) = batch.rejected
    assert "is not a number" in rejected.reason and "write -" not in rejected.reason
    assert "not a number as written" not in rejected.reason


def test_the_columnar_path_leaves_typeset_numbers_to_the_general_way(tmp_path):
    from datetime import date, timedelta

    rows = [f"asb-incidents,{date(2000, 1, 1) + timedelta(days=i)},{i}" for i in range(6000)]
    rows[10] = "asb-incidents,2000-01-11,\u22121\u2009430"
    rows[11] = "asb-incidents,2000-01-12,1 430"
    text = "target,period,value\n" + "\n".join(rows) + "\n"
    assert len(text) > 65_536  # large enough for the columnar path
    batch = read(tmp_path, text)
    assert batch.rows == 6000 and len(batch.rejected) == 1
    assert batch.rejected[0].line == 13 and "write 1430" in batch.rejected[0].reason
    values = {r.line: r.value for r in batch.readings["asb-incidents"]}
    assert len(values) == 5999 and values[12] == -1430.0 and values[14] == 12.0


# --- ragged rows: empty trailing cells dropped by a spreadsheet export ---------------------------------

def test_a_row_short_only_of_optional_trailing_cells_is_read_with_them_empty(tmp_path):
    raw = ("target,period,value,note,source\n"
           "asb-incidents,2013/14,120,a note,police\n"
           "asb-incidents,2014/15,118,a note\n"   # source dropped
           "asb-incidents,2015/16,117\n"          # note and source dropped
           "asb-incidents,2016/17\n")             # the value missing: still ragged
    batch = read(tmp_path, raw)
    assert [(r.line, r.value, r.note, r.source) for r in batch.readings["asb-incidents"]] == [
        (2, 120.0, "a note", "police"), (3, 118.0, "a note", None), (4, 117.0, None, None)]
    (rejected,) = batch.rejected
    assert rejected.line == 5 and rejected.reason.startswith("the row has 2 cells but the header has 5")
    assert batch.rows == 4


def test_a_required_column_after_the_optional_ones_is_still_required(tmp_path):
    batch = read(tmp_path, "note,target,period,value\nx,asb-incidents,2014/15\nx,asb-incidents,2015/16,12\n")
    assert [r.line for r in batch.readings["asb-incidents"]] == [3]
    assert [r.line for r in batch.rejected] == [2] and "the header has 4" in batch.rejected[0].reason


def test_a_split_number_in_a_short_row_is_still_rejected(tmp_path):
    batch = read(tmp_path, "target,period,value,note,source\nasb-incidents,2014/15,7,790\n")
    (rejected,) = batch.rejected
    assert batch.count() == 0 and "`7` is followed by `790` in the note column" in rejected.reason


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 999), st.integers(0, 2)), min_size=1, max_size=12))
def test_dropping_empty_trailing_cells_reads_the_same_as_writing_them(tmp_path_factory, rows):
    """A file with the empty trailing cells written and one without them read alike."""
    tmp_path = tmp_path_factory.mktemp("r")
    full = ["target,period,value,note,source"]
    for i, (value, kept) in enumerate(rows):
        cells = ["asb-incidents", f"{2000 + i}/{(i + 1) % 100:02d}", str(value), "n" if kept > 1 else "", ""]
        full.append(",".join(cells))
    short = [full[0]] + [line.rstrip(",") for line in full[1:]]
    a = read(tmp_path, "\n".join(full) + "\n", "a.csv")
    b = read(tmp_path, "\n".join(short) + "\n", "b.csv")
    assert labels(a, "asb-incidents") == labels(b, "asb-incidents") and a.rejected == b.rejected == []
    assert [r.note for r in a.readings["asb-incidents"]] == [r.note for r in b.readings["asb-incidents"]]


# --- plausibility: values a reading of the measure cannot take ------------------------------------------

from engine.model.plausible import bounds  # noqa: E402
from engine.sources.readings import options_of, units_of  # noqa: E402


def measured(tid: str, unit: str, statistic: str = "other", range=None):
    """A target whose measure has this unit, statistic and range (make_target sets the unit alone)."""
    from dataclasses import replace

    target = make_target(tid, unit=unit, baseline=("2013/14", 50), goal=("2016/17", 40))
    return replace(target, measure=replace(target.measure, statistic=statistic,
                                           range=None if range is None else tuple(map(float, range))))


def plausible_targets():
    return [measured("share", "percent", "proportion"),
            measured("pct", "percent"),  # a percent change can be anything
            measured("crimes", "count/year"), measured("rate", "per_100k"), measured("place", "dimensionless", "rank"),
            measured("ranged", "GBP", range=[-1000, 5000])]


def read_plausible(tmp_path, rows: str):
    targets = plausible_targets()
    return read(tmp_path, "target,period,value,unit\n" + rows, units=units_of(targets), options=options_of(targets))


def test_readings_a_measure_cannot_take_are_rejected_with_the_reason(tmp_path):
    batch = read_plausible(tmp_path, "share,2014/15,101.5,\nshare,2015/16,100,\nshare,2016/17,-0.1%,\n"
                                     "pct,2014/15,-140,\ncrimes,2014/15,-3,\nrate,2014/15,-1,\nplace,2014/15,0,\n"
                                     "place,2015/16,1,\nranged,2014/15,-1500,\nranged,2015/16,-900,\n"
                                     "crimes,2015/16,-1,count/quarter\n")
    reasons = {r.line: r.reason for r in batch.rejected}
    assert reasons == {
        2: "the value `101.5` is above 100, but a proportion in percent is between 0 and 100: check the value "
           "(if it can be, give the measure a `range: [min, max]` in its spec)",
        4: "the value `-0.1%` is below 0, but a proportion in percent is between 0 and 100: check the value "
           "(if it can be, give the measure a `range: [min, max]` in its spec)",
        6: "the value `-3` is below 0, but a count cannot be negative: check the value (if it can be, give the "
           "measure a `range: [min, max]` in its spec)",
        7: "the value `-1` is below 0, but a rate cannot be negative: check the value (if it can be, give the "
           "measure a `range: [min, max]` in its spec)",
        8: "the value `0` is below 1, but a rank is 1 or more (1 is the first place): check the value (if it can "
           "be, give the measure a `range: [min, max]` in its spec)",
        10: "the value `-1500` is below -1000, but the measure's range is -1000 to 5000 (`measure.range`): "
            "check the value",
        12: "the value `-1` (-4 count/year) is below 0, but a count cannot be negative: check the value (if it can "
            "be, give the measure a `range: [min, max]` in its spec)",
    }
    assert {t: [r.value for r in rs] for t, rs in batch.readings.items()} == {
        "share": [100.0], "pct": [-140.0], "place": [1.0], "ranged": [-900.0]}


def test_a_range_replaces_the_bounds_its_unit_gives():
    within = bounds(measured("c", "count", range=[-50, 50]).measure)
    assert (within.low, within.high) == (-50.0, 50.0)
    assert bounds(measured("g", "GBP").measure) is None
    assert bounds(measured("p", "percent").measure) is None
    assert bounds(measured("f", "dimensionless", "proportion").measure) is None  # a fraction: not asked for yet


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([-5.0, -0.5, 0.0, 0.5, 1.0, 99.5, 100.0, 100.5, 250.0]), min_size=1, max_size=30),
       st.sampled_from(["share", "crimes", "place", "ranged"]))
def test_both_csv_paths_keep_the_same_plausible_readings(tmp_path_factory, values, target):
    """The columnar path (a file over 64 KB) and the row-at-a-time one agree on what is rejected."""
    from datetime import date, timedelta

    tmp_path = tmp_path_factory.mktemp("r")
    padding = [f"pct,{date(1900, 1, 1) + timedelta(days=i)},1" for i in range(4000)]  # to make the file large
    rows = [f"{target},{date(2000, 1, 1) + timedelta(days=i)},{v:g}" for i, v in enumerate(values)]
    targets = plausible_targets()
    small = read(tmp_path, "target,period,value\n" + "\n".join(rows) + "\n", "small.csv", units_of(targets),
                 options_of(targets))
    large_text = "target,period,value\n" + "\n".join(rows + padding) + "\n"
    assert len(large_text) > 65_536
    large = read(tmp_path, large_text, "large.csv", units_of(targets), options_of(targets))
    within = bounds(next(t for t in targets if t.id == target).measure)
    kept = [v for v in values if (within.low is None or v >= within.low) and (within.high is None or v <= within.high)]
    assert [r.value for r in small.readings.get(target, [])] == kept
    assert [r.value for r in large.readings.get(target, [])] == kept
    assert [(r.line, r.reason) for r in small.rejected] == [(r.line, r.reason) for r in large.rejected]


def test_a_bound_is_compared_as_every_threshold_is_allowing_rounding(tmp_path):
    # 100.00000000000001 is 100 up to rounding (engine/model/compare.py); 100.000001 is not.
    batch = read_plausible(tmp_path, "share,2014/15,100.00000000000001,\nshare,2015/16,100.000001,\n"
                                     "crimes,2014/15,-1e-300,\n")
    assert [r.line for r in batch.readings["share"]] == [2]
    # The slack is relative to the operands (as for every threshold), so a tiny negative count is still negative.
    assert [r.line for r in batch.rejected] == [3, 4] and "crimes" not in batch.readings
