"""Reading readings files (engine.sources.readings.read_readings) as people write them."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.sources.specs import UsageError
from engine.model.periods import parse_period
from engine.model.problems import LoadError
from engine.sources import readings as readings_module
from engine.sources.readings import read_readings
from engine.model.safetext import has_unsafe

UNITS = {
    "first-time-entrants": "per_100k",
    "youth-reoffending": "percent",
    "youth-custody": "count/year",
    "asb-incidents": "count",
}
SYMBOLS = ["[c]", "[x]", "[z]", "[low]", "[u]", "..", ":", "*", "-", ""]


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def read(tmp_path, content, name="r.csv", units=UNITS):
    return read_readings([write(tmp_path, name, content)], units)


def values(batch, target):
    return [(r.period.label, r.value) for r in batch.readings.get(target, [])]


def only_reason(batch):
    assert len(batch.rejected) == 1, batch.rejected
    return batch.rejected[0].reason


# --- CSV as people write it -----------------------------------------------------------------

def test_plain_csv_reads_every_row(tmp_path):
    batch = read(tmp_path, "target,period,value\nfirst-time-entrants,2014/15,800\nyouth-custody,2014/15,16\n")
    assert values(batch, "first-time-entrants") == [("2014/15", 800.0)]
    assert values(batch, "youth-custody") == [("2014/15", 16.0)]
    reading = batch.readings["youth-custody"][0]
    assert reading.period == parse_period("2014/15")
    assert reading.line == 3
    assert reading.file == (tmp_path / "r.csv").as_posix()
    assert batch.count() == 2 and not batch.rejected and not batch.suppressed and not batch.superseded


def test_bom_crlf_header_case_and_trimmed_cells(tmp_path):
    raw = "\ufeff Target , PERIOD,Value ,Note\r\n first-time-entrants , 2014/15 , 800 , hi \r\n\r\nyouth-custody,2015/16,12,\r\n"
    batch = read(tmp_path, raw)
    assert not batch.rejected
    assert values(batch, "first-time-entrants") == [("2014/15", 800.0)]
    assert batch.readings["first-time-entrants"][0].note == "hi"
    assert batch.readings["first-time-entrants"][0].line == 2
    assert batch.readings["youth-custody"][0].line == 4  # the blank line still counts as a line
    assert batch.readings["youth-custody"][0].note is None


def test_optional_columns_are_carried_through(tmp_path):
    raw = ("target,period,value,unit,note,source,numerator,denominator\n"
           "youth-reoffending,2014/15,45.1,percent,first estimate,YJB,\"1,203\",2667\n")
    (r,) = read(tmp_path, raw).readings["youth-reoffending"]
    assert (r.value, r.note, r.source, r.numerator, r.denominator) == (45.1, "first estimate", "YJB", 1203.0, 2667.0)


def test_thousands_separators(tmp_path):
    raw = 'target,period,value\nasb-incidents,2014/15,"1,683"\nasb-incidents,2015/16,"12,880.5"\nasb-incidents,2016/17,"1,234,567"\n'
    batch = read(tmp_path, raw)
    assert values(batch, "asb-incidents") == [("2014/15", 1683.0), ("2015/16", 12880.5), ("2016/17", 1234567.0)]


def test_misplaced_commas_are_not_read_as_thousands(tmp_path):
    batch = read(tmp_path, 'target,period,value\nasb-incidents,2014/15,"1,68"\n')
    assert not batch.readings.get("asb-incidents")
    assert "not a number" in only_reason(batch)


def test_percent_sign_when_the_unit_is_percent(tmp_path):
    batch = read(tmp_path, "target,period,value\nyouth-reoffending,2014/15,45.1%\nyouth-reoffending,2015/16,40 %\n")
    assert values(batch, "youth-reoffending") == [("2014/15", 45.1), ("2015/16", 40.0)]
    assert not batch.rejected


def test_percent_sign_rejected_when_the_unit_is_not_percent(tmp_path):
    batch = read(tmp_path, "target,period,value\nyouth-custody,2014/15,12%\n")
    assert not batch.readings.get("youth-custody")
    reason = only_reason(batch)
    assert "%" in reason and "count/year" in reason
    assert batch.rejected[0].line == 2


@pytest.mark.parametrize("symbol", SYMBOLS + ["[C]", " [x] "])
def test_suppression_symbols_are_suppressed_not_rejected(tmp_path, symbol):
    batch = read(tmp_path, f"target,period,value,note\nyouth-custody,2015/16,{symbol},small number\n")
    assert not batch.rejected
    assert batch.count() == 0
    (s,) = batch.suppressed
    assert (s.target, s.period, s.line) == ("youth-custody", "2015/16", 2)
    assert s.symbol == (symbol.strip() or "(empty)")


def test_suppressed_row_with_a_bad_period_or_target_is_rejected(tmp_path):
    batch = read(tmp_path, "target,period,value\nyouth-custody,2015-16,[c]\nno-such-target,2015/16,[c]\n")
    assert not batch.suppressed
    assert [r.line for r in batch.rejected] == [2, 3]


def test_unit_conversion(tmp_path):
    raw = ("target,period,value,unit\n"
           "first-time-entrants,2014/15,81.2,per_10k\n"
           "first-time-entrants,2015/16,6.55,per_1000\n"
           "first-time-entrants,2016/17,448,per_100k\n"
           "youth-reoffending,2014/15,0.451,proportion\n")
    batch = read(tmp_path, raw)
    assert not batch.rejected
    got = dict(values(batch, "first-time-entrants"))
    assert got["2014/15"] == pytest.approx(812.0)  # per 10,000 is ten times per 100,000
    assert got["2015/16"] == pytest.approx(655.0)
    assert got["2016/17"] == 448.0
    assert values(batch, "youth-reoffending")[0][1] == pytest.approx(45.1)


@pytest.mark.parametrize("unit", ["percent", "count", "GBP"])
def test_incompatible_unit_rejected(tmp_path, unit):
    batch = read(tmp_path, f"target,period,value,unit\nfirst-time-entrants,2014/15,81.2,{unit}\n")
    assert not batch.readings.get("first-time-entrants")
    reason = only_reason(batch)
    assert unit in reason and "per_100k" in reason


def test_unknown_unit_rejected(tmp_path):
    batch = read(tmp_path, "target,period,value,unit\nfirst-time-entrants,2014/15,81.2,furlongs\n")
    assert "furlongs" in only_reason(batch)


def test_unknown_target_rejected_with_did_you_mean(tmp_path):
    batch = read(tmp_path, "target,period,value\nfirst-time-entrant,2014/15,800\nzzz,2014/15,1\n")
    assert batch.count() == 0
    first, second = batch.rejected
    assert first.line == 2 and "first-time-entrant" in first.reason and "did you mean `first-time-entrants`" in first.reason
    assert second.line == 3 and "zzz" in second.reason and "did you mean" not in second.reason


@pytest.mark.parametrize("value", ["abc", "12a", "1.2.3", "1 000", "0x10", "1e", ".", "+-5", "5£"])
def test_not_a_number_rejected(tmp_path, value):
    batch = read(tmp_path, f"target,period,value\nasb-incidents,2014/15,{value}\n")
    assert batch.count() == 0
    assert "not a number" in only_reason(batch)


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999"])
def test_nan_and_infinity_rejected(tmp_path, value):
    batch = read(tmp_path, f"target,period,value\nasb-incidents,2014/15,{value}\n")
    assert batch.count() == 0
    assert "finite" in only_reason(batch)


@pytest.mark.parametrize("period", ["2014-15", "2014/16", "Q5 2015", "yesterday", "1850"])
def test_bad_period_rejected(tmp_path, period):
    batch = read(tmp_path, f"target,period,value\nasb-incidents,{period},5\n")
    assert batch.count() == 0
    assert period in only_reason(batch)


@pytest.mark.parametrize("row", ["asb-incidents,2014/15", "asb-incidents,2014/15,5,6", "asb-incidents"])
def test_wrong_number_of_cells_rejected(tmp_path, row):
    batch = read(tmp_path, f"target,period,value\n{row}\nasb-incidents,2015/16,7\n")
    assert values(batch, "asb-incidents") == [("2015/16", 7.0)]
    reason = only_reason(batch)
    assert "cells" in reason and batch.rejected[0].line == 2


def test_quoted_newlines_keep_line_numbers(tmp_path):
    raw = ('target,period,value,note\n'
           'asb-incidents,2014/15,5,"a note\nover three\nlines"\n'
           'asb-incidents,2015/16,oops,\n'
           'asb-incidents,2016/17,7,\n')
    batch = read(tmp_path, raw)
    assert batch.readings["asb-incidents"][0].line == 2
    assert batch.readings["asb-incidents"][0].note == "a note\nover three\nlines"
    assert batch.rejected[0].line == 5
    assert batch.readings["asb-incidents"][1].line == 6


def test_duplicates_later_wins_earlier_superseded(tmp_path):
    raw = ("target,period,value\n"
           "youth-reoffending,2015/16,40.6\n"
           "youth-reoffending,2014/15,45\n"
           "youth-reoffending,2015/2016,39.8\n")  # the same period, written the long way
    batch = read(tmp_path, raw)
    assert sorted(values(batch, "youth-reoffending")) == [("2014/15", 45.0), ("2015/16", 39.8)]
    (s,) = batch.superseded
    assert (s.line, s.target, s.period, s.by_line) == (2, "youth-reoffending", "2015/16", 4)
    winner = [r for r in batch.readings["youth-reoffending"] if r.period.label == "2015/16"][0]
    assert winner.line == 4


def test_several_files_later_file_wins(tmp_path):
    a = write(tmp_path, "a.csv", "target,period,value\nasb-incidents,2014/15,5\nasb-incidents,2015/16,6\n")
    b = write(tmp_path, "b.csv", "target,period,value\nasb-incidents,2014/15,50\n")
    batch = read_readings([a, b], UNITS)
    assert sorted(values(batch, "asb-incidents")) == [("2014/15", 50.0), ("2015/16", 6.0)]
    (s,) = batch.superseded
    assert (s.file, s.line, s.by_file, s.by_line) == (a.as_posix(), 2, b.as_posix(), 2)


# --- JSON and YAML ------------------------------------------------------------------------

def test_json_list_with_line_numbers(tmp_path):
    raw = ('[\n'
           '  {"target": "asb-incidents", "period": "2014/15", "value": 5},\n'
           '  {"target": "asb-incidents", "period": "2015/16", "value": "x"},\n'
           '  {"Target": "youth-reoffending", "period": "2015/16", "value": "40.5%", "unit": "percent"},\n'
           '  {"target": "youth-custody", "period": "2015/16", "value": "[c]"},\n'
           '  {"target": "asb-incidents", "period": "2016/17", "value": "1,683"}\n'
           ']\n')
    batch = read(tmp_path, raw, name="r.json")
    assert values(batch, "asb-incidents") == [("2014/15", 5.0), ("2016/17", 1683.0)]
    assert batch.readings["asb-incidents"][0].line == 2
    assert values(batch, "youth-reoffending") == [("2015/16", 40.5)]
    assert batch.readings["youth-reoffending"][0].line == 4
    assert [(r.line, "not a number" in r.reason) for r in batch.rejected] == [(3, True)]
    assert [(s.line, s.symbol) for s in batch.suppressed] == [(5, "[c]")]


def test_yaml_list_and_mapping_with_readings(tmp_path):
    listed = ("- target: asb-incidents\n  period: 2014/15\n  value: 5\n"
              "- target: asb-incidents\n  period: 2015/16\n  value: .nan\n"
              "- {target: asb-incidents, period: 2016/17}\n")
    batch = read(tmp_path, listed, name="r.yaml")
    assert values(batch, "asb-incidents") == [("2014/15", 5.0)]
    assert batch.readings["asb-incidents"][0].line == 1
    assert [r.line for r in batch.rejected] == [4, 7]
    assert "finite" in batch.rejected[0].reason
    assert "value" in batch.rejected[1].reason

    mapping = "# invented\nreadings:\n  - target: youth-custody\n    period: 2014/15\n    value: 16\n"
    batch = read(tmp_path, mapping, name="m.yml")
    assert values(batch, "youth-custody") == [("2014/15", 16.0)]
    assert batch.readings["youth-custody"][0].line == 3


def test_structured_entries_that_are_not_records_are_rejected(tmp_path):
    batch = read(tmp_path, "- 5\n- target: asb-incidents\n  period: 2014/15\n  value: 5\n", name="r.yaml")
    assert [r.line for r in batch.rejected] == [1]
    assert batch.count() == 1


def test_csv_json_and_yaml_in_one_call(tmp_path):
    a = write(tmp_path, "a.csv", "target,period,value\nasb-incidents,2014/15,5\n")
    b = write(tmp_path, "b.json", json.dumps([{"target": "asb-incidents", "period": "2015/16", "value": 6}]))
    c = write(tmp_path, "c.yaml", "- {target: asb-incidents, period: 2014/15, value: 7}\n")
    batch = read_readings([a, b, c], UNITS)
    assert sorted(values(batch, "asb-incidents")) == [("2014/15", 7.0), ("2015/16", 6.0)]
    assert batch.superseded[0].file == a.as_posix() and batch.superseded[0].by_file == c.as_posix()


# --- file-level errors --------------------------------------------------------------------

@pytest.mark.parametrize("name,content,words", [
    ("r.csv", "target,period,amount\nasb-incidents,2014/15,5\n", "value"),
    ("r.csv", "", "empty"),
    ("r.csv", "\n\n  \n", "empty"),
    ("r.csv", b"target,period,value\n\x00\x01\x02", "binary"),
    ("r.csv", b"target,period,value\nasb-incidents,2014/15,\x81\n", "UTF-8"),  # not Windows-1252 either
    ("r.csv", b"\xff\xfet\x00a\x00", "UTF-16"),
    ("r.json", '{"target": "asb-incidents"}', "list"),
    ("r.json", "", "empty"),
    ("r.yaml", "readings: [\n", ""),
    ("r.xlsx", "whatever", "workbook"),
])
def test_file_level_errors_name_the_file(tmp_path, name, content, words):
    path = write(tmp_path, name, content)
    with pytest.raises(LoadError) as caught:
        read_readings([path], UNITS)
    assert caught.value.problem.file == path.as_posix()
    assert words in caught.value.problem.message


def test_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError) as caught:
        read_readings([tmp_path / "nope.csv"], UNITS)
    assert "nope.csv" in caught.value.problem.file


# --- properties ---------------------------------------------------------------------------

PERIODS = ["2013/14", "2014/15", "2014/2015", "2015/16", "2015 Q1", "2015-03", "2016"]
GOOD = st.tuples(st.sampled_from(sorted(UNITS)), st.sampled_from(PERIODS),
                 st.floats(0, 1e6, allow_nan=False).map(lambda v: repr(round(v, 3)))).map(list)
SUPPRESSED = st.tuples(st.sampled_from(sorted(UNITS)), st.sampled_from(PERIODS), st.sampled_from(SYMBOLS)).map(list)
BAD = st.one_of(
    st.tuples(st.just("no-such-target"), st.sampled_from(PERIODS), st.just("5")).map(list),
    st.tuples(st.sampled_from(sorted(UNITS)), st.just("2014-15"), st.just("5")).map(list),
    st.tuples(st.sampled_from(sorted(UNITS)), st.sampled_from(PERIODS), st.sampled_from(["abc", "nan", "inf"])).map(list),
    st.tuples(st.sampled_from(sorted(UNITS)), st.sampled_from(PERIODS)).map(list),  # a cell short
    st.tuples(st.sampled_from(sorted(UNITS)), st.sampled_from(PERIODS), st.just("1"), st.just("x")).map(list),
)
ROWS = st.lists(st.one_of(GOOD, GOOD, SUPPRESSED, BAD), min_size=0, max_size=40)
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def to_csv(rows, *, crlf=False) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if crlf else "\n").writerows([["target", "period", "value"], *rows])
    return out.getvalue()


def where_rows_went(batch) -> Counter:
    lines = Counter(r.line for rs in batch.readings.values() for r in rs)
    lines.update(s.line for s in batch.suppressed)
    lines.update(s.line for s in batch.superseded)
    lines.update(r.line for r in batch.rejected)
    return lines


@PROPS
@given(ROWS, st.booleans())
def test_every_row_ends_in_exactly_one_place(tmp_path, rows, crlf):
    batch = read(tmp_path, to_csv(rows, crlf=crlf))
    assert batch.count() + len(batch.suppressed) + len(batch.superseded) + len(batch.rejected) == len(rows)
    # and by line: each data line (2 .. n+1) accounted for once
    assert where_rows_went(batch) == Counter(range(2, len(rows) + 2))
    assert batch.rows == len(rows)


def keyed(batch):
    return {(t, r.period) for t, rs in batch.readings.items() for r in rs}


@PROPS
@given(ROWS, st.randoms(use_true_random=False))
def test_shuffling_rows_changes_nothing_but_which_duplicate_is_superseded(tmp_path, rows, rnd):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    a = read(tmp_path, to_csv(rows), name="a.csv")
    b = read(tmp_path, to_csv(shuffled), name="b.csv")
    assert keyed(a) == keyed(b)
    assert a.count() == b.count()
    assert len(a.superseded) == len(b.superseded)
    assert len(a.suppressed) == len(b.suppressed)
    assert len(a.rejected) == len(b.rejected)
    # In each order, the reading kept for a (target, period) is the last good row for it.
    for batch, order in ((a, rows), (b, shuffled)):
        last = {}
        for row in order:
            if is_good(row):
                last[(row[0], parse_period(row[1]))] = float(row[2])
        assert {(t, r.period): r.value for t, rs in batch.readings.items() for r in rs} == last


def is_good(row) -> bool:
    """A row that is a reading (not suppressed, not bad), by the generators' construction."""
    if len(row) != 3 or row[0] not in UNITS or row[1] not in PERIODS or row[2] in SYMBOLS:
        return False
    return row[2] not in ("abc", "nan", "inf")



def test_a_suppressed_row_does_not_withdraw_a_reading_for_the_same_period(tmp_path):
    # Suppressed values are not readings, so they never supersede one: the set of readings
    # must not depend on row order (the shuffle property).
    path = tmp_path / "r.csv"
    path.write_text("target,period,value\nyouth-custody,2015/16,7\nyouth-custody,2015/16,[c]\n")
    batch = read_readings([path], {"youth-custody": "count/year"})
    assert [(r.period.label, r.value) for r in batch.readings["youth-custody"]] == [("2015/16", 7.0)]
    assert [s.line for s in batch.suppressed] == [3]
    assert batch.superseded == []


def test_rows_of_empty_cells_are_blank_lines_in_plain_and_wide_files(tmp_path):
    for header, blank in (("target,period,value", ",,"), ("target,period,value,note", " , ,, ")):
        path = tmp_path / "r.csv"
        path.write_text(f"{header}\n{blank}\nt,2014/15,40{',' if 'note' in header else ''}\n{blank}\n")
        batch = read_readings([path], {"t": "percent"})
        assert batch.rejected == [] and batch.rows == 1
        assert [r.line for r in batch.readings["t"]] == [3]


_cells = st.one_of(
    st.sampled_from(["t", "u", "g", " t", "T", "", "nope"]),
)
_periods = st.sampled_from(["2014/15", "2015/16", " 2014/15", "2015 Q1", "2014/15 Q4", "2014-15", "", "2016/17"])
_values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["44", " 44.5 ", "1,683", "44%", "[c]", "..", "-", "", "nan", "inf", "1e400", "x", "1_000",
                     "1_2.5_0", "1\u06623", "\uff14\uff14", "\U0001d7d7", "1,\u066234", "\u00a044\u00a0", "44\x1c",
                     "\u00a35", "-\u00a35", "\u00a3-5", "\u00a31,150", "+4_4", "4\u0664", "44\u2003"]),
    st.text("0123456789_,.+-e% \u00a3\u0661\uff11", max_size=6),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_cells, _periods, _values), max_size=25), crlf=st.booleans())
def test_the_fast_path_for_plain_files_agrees_with_the_general_one(tmp_path, monkeypatch, rows, crlf):
    """A plain file (just target,period,value, no quotes) is read as columns; with any other column,
    every row goes the general way. Both must end every row in the same place."""
    monkeypatch.setattr(readings_module, "COLUMNAR_BYTES", 0)  # however small the file
    plain, wide = io.StringIO(), io.StringIO()
    # Without quotes wherever a cell allows it, so the columnar path reads it (else the general one).
    csv.writer(plain, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n" if crlf else "\n").writerows(
        [("target", "period", "value"), *rows])
    csv.writer(wide).writerows([("target", "period", "value", "note"), *[(*r, "") for r in rows]])
    (tmp_path / "plain.csv").write_bytes(plain.getvalue().encode())
    (tmp_path / "wide.csv").write_text(wide.getvalue())
    units = {"t": "percent", "u": "count", "g": "GBP"}
    a = read_readings([tmp_path / "plain.csv"], units)
    b = read_readings([tmp_path / "wide.csv"], units)

    def where(batch):
        return ({t: [(r.period, r.value, r.line) for r in rs] for t, rs in batch.readings.items()},
                [(x.line, x.target, x.period, x.symbol) for x in batch.suppressed],
                [(x.line, x.target, x.period, x.by_line) for x in batch.superseded],
                [(x.line, x.reason) for x in batch.rejected], batch.rows)

    assert where(a) == where(b)


_areas = st.sampled_from(["E06000045", "E06000044", "Portsmouth", "portsmouth", "E92000001", "Nowhere", "",
                          " E06000045", "E08000025", "Bristol"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_cells, _periods, _values, _areas), max_size=25))
def test_the_fast_path_with_an_area_column_agrees_with_the_general_one(tmp_path, monkeypatch, rows):
    """With an `area` column too (issue 12): own areas, comparators, a benchmark, areas elsewhere,
    unknown areas and names all end where the general way puts them."""
    from engine.model.areas import Areas
    from engine.sources.readings import Places, ReadOptions

    monkeypatch.setattr(readings_module, "COLUMNAR_BYTES", 0)
    plain, wide = io.StringIO(), io.StringIO()
    csv.writer(plain, quoting=csv.QUOTE_MINIMAL, lineterminator="\n").writerows([("target", "period", "value", "area"), *rows])
    csv.writer(wide).writerows([("target", "period", "value", "area", "note"), *[(*r, "") for r in rows]])
    (tmp_path / "plain.csv").write_bytes(plain.getvalue().encode())
    (tmp_path / "wide.csv").write_text(wide.getvalue())
    units = {"t": "percent", "u": "count", "g": "GBP"}
    known = Areas.of({"E06000045": "Southampton", "E06000044": "Portsmouth", "E92000001": "England",
                      "E06000023": "Bristol"}, {})
    options = ReadOptions(places={"t": Places(frozenset({"E06000045"}), frozenset({"E06000044", "E92000001"}), "S"),
                                  "u": Places(frozenset({"E06000045", "E06000023"}), frozenset(), "two")},
                          known=known)
    a = read_readings([tmp_path / "plain.csv"], units, options)
    b = read_readings([tmp_path / "wide.csv"], units, options)

    def where(batch):
        return ({t: [(r.period, r.value, r.line, r.area) for r in rs] for t, rs in batch.readings.items()},
                [(x.line, x.target, x.period, x.symbol) for x in batch.suppressed],
                [(x.line, x.target, x.period, x.by_line) for x in batch.superseded],
                [(x.line, x.reason) for x in batch.rejected], [(x.line, x.reason) for x in batch.not_used],
                batch.rows)

    assert where(a) == where(b)


@settings(max_examples=300, deadline=None)
@given(numbers=st.lists(st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.from_regex(r"[+-]?(?:[0-9]{1,20}(?:\.[0-9]{0,20})?|\.[0-9]{1,20})(?:[eE][+-]?[0-9]{1,3})?", fullmatch=True),
    st.decimals(allow_nan=False, allow_infinity=False).map(str)), min_size=1, max_size=40))
def test_the_columnar_path_reads_every_number_as_float_does(numbers):
    """The columnar path parses numbers in compiled code: each must be exactly the float the
    grammar gives (float() of the text), and whatever it does not take goes the general way."""
    body = "\n".join(f"t,2014/15,{n}" for n in numbers)
    reader = readings_module._Reader({"t": "count"})
    reader.start_file("r.csv")
    assert readings_module._read_plain_columns(body, 2, ["target", "period", "value"],
                                               {"target": 0, "period": 1, "value": 2}, "r.csv", reader)
    builder = reader.batch
    read = dict(zip(builder.line, builder.value))
    rejected = {r.line for r in builder.rejected}
    for line, text in enumerate(numbers, 2):
        if line in read:
            assert read[line] == float(text.replace(",", "")), text
        else:
            assert line in rejected, text


@pytest.mark.parametrize("text,line,words", [
    ("target,period,value,note\nt,2013/14,40,\"revised\nt,2014/15,41,\nt,2015/16,42,\n", 2, "the file ends inside it"),
    ("target,period,value,note\nt,2013/14,\"40,\nt,2014/15,41,\"x\"\nt,2015/16,42,\n", 2, "followed by more text on line 3"),
    ("target,period,value\nt,2013/14,40\nt,\"2014/15,41\n", 3, "the file ends inside it"),  # the plain fast loop
])
def test_a_quote_left_open_is_an_error_at_its_row_not_lost_rows(tmp_path, text, line, words):
    path = tmp_path / "r.csv"
    path.write_text(text)
    with pytest.raises(LoadError) as caught:
        read_readings([path], {"t": "percent"})
    problem = caught.value.problem
    assert problem.line == line and "quote" in problem.message and words in problem.message


def test_quoted_newlines_inside_a_closed_quote_are_fine(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('target,period,value,note\nt,2013/14,40,"two\nlines"\nt,2014/15,41,\n')
    batch = read_readings([path], {"t": "percent"})
    assert [(r.value, r.line, r.note) for r in batch.readings["t"]] == [(40.0, 2, "two\nlines"), (41.0, 4, None)]


@pytest.mark.parametrize("header,row", [("target,period,value", "t,2014/15,{}"), ("target,period,value,note", "t,2014/15,{},")])
@pytest.mark.parametrize("value", ["1e16", "-2e15", "1e300"])
def test_values_beyond_what_a_spec_allows_are_rejected_on_both_paths(tmp_path, header, row, value):
    path = tmp_path / "r.csv"
    path.write_text(f"{header}\n{row.format(value)}\n")
    batch = read_readings([path], {"t": "count"})
    assert batch.count() == 0
    assert [(r.line, "too large" in r.reason) for r in batch.rejected] == [(2, True)]


def test_a_percent_sign_with_another_unit_is_rejected_not_multiplied(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("target,period,value,unit\nt,2014/15,45%,proportion\nt,2015/16,45%,percent\nt,2016/17,0.45,proportion\n")
    batch = read_readings([path], {"t": "percent"})
    assert [(r.line, r.value) for r in batch.readings["t"]] == [(3, 45.0), (4, pytest.approx(45.0))]
    assert [(r.line, "% sign" in r.reason and "proportion" in r.reason) for r in batch.rejected] == [(2, True)]


def test_structured_records_with_odd_or_clashing_keys_are_rejected(tmp_path):
    flow = tmp_path / "r.yaml"
    flow.write_text("- {target: t, period: 2014/15, value: 1,234}\n- {target: t, period: 2015/16, value: '1,234'}\n")
    batch = read_readings([flow], {"t": "count"})
    assert [(r.line, r.value) for r in batch.readings["t"]] == [(2, 1234.0)]
    assert [(r.line, "`234`" in r.reason and "quote" in r.reason) for r in batch.rejected] == [(1, True)]
    clash = tmp_path / "r.json"
    clash.write_text('[{"Target": "u", "target": "t", "period": "2014/15", "value": 1}]')
    batch = read_readings([clash], {"t": "count", "u": "count"})
    assert batch.count() == 0 and "`target` more than once" in batch.rejected[0].reason


def test_a_file_larger_than_a_readings_file_should_be_is_refused(tmp_path, monkeypatch):
    import engine.sources.readings as readings_module

    monkeypatch.setattr(readings_module, "MAX_CSV_BYTES", 100)
    path = tmp_path / "r.csv"
    path.write_text("target,period,value\n" + "t,2014/15,1\n" * 20)
    with pytest.raises(LoadError) as caught:
        read_readings([path], {"t": "count"})
    assert "split it into several files" in caught.value.problem.message


def test_a_boolean_value_is_quoted_as_written(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('[{"target": "t", "period": "2014/15", "value": true}]')
    batch = read_readings([path], {"t": "count"})
    assert [r.reason for r in batch.rejected] == ["record 1: the value `true` is not a number"]


def test_a_quote_left_open_over_a_long_file_names_its_row_not_the_cell_limit_line(tmp_path):
    path = tmp_path / "r.csv"
    rows = "".join(f"t,2014/15,{i},\n" for i in range(20_000))  # over 131,072 characters after the quote
    path.write_text(f'target,period,value,note\nt,2013/14,40,"never closed\n{rows}')
    with pytest.raises(LoadError) as caught:
        read_readings([path], {"t": "percent"})
    problem = caught.value.problem
    assert problem.line == 2 and "longer than" in problem.message and "quote" in problem.message


def test_the_value_limit_holds_after_unit_conversion_too(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("target,period,value,unit\nt,2014/15,1e15,per_1000\nt,2015/16,5,per_1000\n")
    batch = read_readings([path], {"t": "per_100k"})
    assert [(r.line, r.value) for r in batch.readings["t"]] == [(3, 500.0)]
    assert [(r.line, "too large" in r.reason) for r in batch.rejected] == [(2, True)]


def test_a_decimal_number_split_by_a_comma_in_yaml_is_rejected(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("- {target: t, period: 2014/15, value: 12,345.67}\n")
    batch = read_readings([path], {"t": "count"})
    assert batch.count() == 0 and "`345.67`" in batch.rejected[0].reason


def test_a_dos_end_of_file_mark_before_a_final_line_break_is_not_a_row(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(b"target,period,value\r\nt,2014/15,1\r\n\x1a\r\n")
    batch = read_readings([path], {"t": "count"})
    assert batch.rejected == [] and batch.count() == 1


@pytest.mark.parametrize("header,extra", [("target,period,value", ""), ("target,period,value,note", ",")])
def test_text_after_a_closing_quote_rejects_that_row_and_reading_goes_on(tmp_path, header, extra):
    path = tmp_path / "r.csv"
    path.write_text(f'{header}\nt,2013/14,40{extra}\nt,"2014/15" ,41{extra}\nt,2015/16,"42"{extra}\n\nt,2016/17,43{extra}\n')
    batch = read_readings([path], {"t": "percent"})
    assert [(r.line, r.value) for r in batch.readings["t"]] == [(2, 40.0), (4, 42.0), (6, 43.0)]
    assert [(r.line, "followed by more text" in r.reason) for r in batch.rejected] == [(3, True)]
    assert batch.rows == 4


def test_did_you_mean_is_given_for_the_first_distinct_unknown_ids_only(tmp_path, monkeypatch):
    import engine.sources.readings as readings_module

    monkeypatch.setattr(readings_module, "SUGGESTIONS", 2)
    path = tmp_path / "r.csv"
    path.write_text("target,period,value\n" + "".join(f"t{i},2014/15,1\nt{i},2015/16,1\n" for i in range(1, 5)))
    batch = read_readings([path], {"t": "count"})
    reasons = [r.reason for r in batch.rejected]
    assert len(reasons) == 8 and reasons[0] == reasons[1]  # one reason per id, worked out once
    assert sum("did you mean" in r for r in reasons) == 4  # t1 and t2, two rows each
    assert all("check the id against" in r for r in reasons[4:])


# --- user text in messages (issue 9): every cell a reason quotes is shown through safetext.visible ---

_HOSTILE = "x\n\x1b[2J\u202e"  # a line break, a terminal escape, a right-to-left override


@pytest.mark.parametrize("header,row", [  # cells in quotes, so that they may hold a line break
    ("target,period,value", '"{h}",2014/15,1'),  # an unknown target
    ("target,period,value", 't,"{h}2014/15",1'),  # a period that is not one
    ("target,period,value", 't,2014/15,"{h}"'),  # a value that is not a number
    ("target,period,value", 't,2014/15,"{h}%"'),
    ("target,period,value,unit", 't,2014/15,1,"{h}"'),  # an unknown unit
    ("target,period,value,unit", 't,2014/15,1%,"{h}"'),  # a % sign and another unit
    ("target,period,value,numerator", 't,2014/15,1,"{h}"'),
])
def test_cells_quoted_in_a_reason_are_made_visible(tmp_path, header, row):
    path = tmp_path / "r.csv"
    path.write_text(f"{header}\n{row.format(h=_HOSTILE)}\n")
    batch = read_readings([path], {"t": "percent"})
    (rejected,) = batch.rejected
    assert has_unsafe(rejected.reason) is False, rejected.reason
    assert "\\x1b" in rejected.reason and "\\u202e" in rejected.reason  # escaped, not dropped


@pytest.mark.parametrize("name,content", [
    ("r.csv", f'target,period,"{_HOSTILE}"\n'),  # the header names no value column
    ("r.csv", f'target,period,value,"{_HOSTILE}","{_HOSTILE}"\n'),  # a column named twice
    ("r.json", json.dumps([{"target": "t", "period": "2014/15", "value": 1, "target\u2028": "u"}])),  # a field twice
    ("r.json", json.dumps([{"target": "t", "period": "2014/15", "value": 1, "\u20281\n": 2}])),  # a field named by a number
    ("r.x\x1b[2J", "target,period,value\n"),  # an unknown format
])
def test_header_cells_and_keys_quoted_in_a_message_are_made_visible(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    try:
        batch = read_readings([path], {"t": "count"})
    except LoadError as exc:
        messages = [exc.problem.message]
    else:
        messages = [r.reason for r in batch.rejected]
    assert messages and not any(has_unsafe(m) for m in messages), messages


# --- a rejected row is rejected whole (issue 9, finding 6) ---------------------------------------

@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("header,extra", [("target,period,value,note", ","), ("target,period,value", "")])
def test_a_row_rejected_for_text_after_a_quote_takes_its_quoted_lines_with_it(tmp_path, newline, header, extra):
    # The note of the rejected row runs on over two lines; neither is a row of its own, and
    # 99999 on the second (inside the note) is no reading.
    note = ',"Revised; the old ""row"" was{nl}asb-incidents,2015/16,99999,withdrawn"'.format(nl=newline)
    rows = [header, f"asb-incidents,2013/14,12880{extra}",
            f'asb-incidents,2014/15,"12000" {note if extra else ""}',
            f"asb-incidents,2016/17,11500{extra}"]
    if not extra:  # three columns: the quoted lines are in the fourth cell of a ragged row
        rows[2] = f'asb-incidents,2014/15,"12000" {note}'
    path = tmp_path / "r.csv"
    path.write_text(newline.join(rows) + newline, newline="")
    batch = read_readings([path], UNITS)
    assert [(r.line, r.value) for r in batch.readings["asb-incidents"]] == [(2, 12880.0), (5, 11500.0)]
    (rejected,) = batch.rejected
    assert rejected.line == 3 and "followed by more text" in rejected.reason and "runs to line 4" in rejected.reason
    assert batch.rows == 3


def test_text_after_a_quote_on_a_later_line_of_the_row_rejects_the_row_whole(tmp_path):
    path = tmp_path / "r.csv"
    # The stray text is on the row's second line (after a quoted cell over two), and a quoted
    # cell after it runs on to a third.
    path.write_text('target,period,value,note\nt,2013/14,40,"two\nlines"\nt,"2014/15\nQ1","41" x,"and\nmore"\nt,2015/16,42,\n')
    batch = read_readings([path], {"t": "percent"})
    assert [(r.line, r.value) for r in batch.readings["t"]] == [(2, 40.0), (7, 42.0)]
    assert [(r.line, "`\"41\" x`" in r.reason and "runs to line 6" in r.reason) for r in batch.rejected] == [(4, True)]
    assert batch.rows == 3


def test_a_row_of_blank_cells_after_a_quote_is_a_blank_line_still(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('target,period,value\n"" ,,\nt,2014/15,41\n')
    batch = read_readings([path], {"t": "percent"})
    assert batch.rejected == [] and batch.rows == 1 and [r.line for r in batch.readings["t"]] == [3]


@pytest.mark.parametrize("text", [
    'target,period,value,note\nt,2013/14,"40" ,"never closed\nt,2014/15,41,\nt,2015/16,42,\n',
    'target,period,value\nt,2013/14,"40" ,"never closed\n',
    'target,period,value\nt,2013/14,"40" ,"""',  # the last quote is one written twice: still open
])
def test_text_after_a_quote_then_a_quote_never_closed_refuses_the_file_at_that_row(tmp_path, text):
    path = tmp_path / "r.csv"
    path.write_text(text)
    with pytest.raises(LoadError) as caught:
        read_readings([path], {"t": "percent"})
    problem = caught.value.problem
    assert problem.line == 2 and "the file ends inside it" in problem.message


def _csv_cell() -> st.SearchStrategy[str]:
    plain = st.text('ab1 x"', max_size=4).filter(lambda c: not c.startswith('"'))
    quoted = st.text('ab,"\n\r 1', max_size=6).map(lambda c: '"' + c.replace('"', '""') + '"')
    after_quote = st.tuples(st.text('ab,1 "', max_size=4), st.text('x "1', min_size=1, max_size=3)).filter(
        lambda parts: not parts[1].startswith('"')).map(lambda parts: '"' + parts[0].replace('"', '""') + '"' + parts[1])
    return st.one_of(plain, plain, quoted, after_quote)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_csv_cell(), min_size=1, max_size=5), max_size=8), st.sampled_from(["\n", "\r\n", "\r"]),
       st.sampled_from(["target,period,value", "target,period,value,note"]))
def test_rows_are_where_a_spreadsheet_sees_them_whatever_the_quotes(tmp_path, rows, newline, header):
    """Quoted cells over several lines, quotes followed by more text: every row the csv module (not
    strict, as spreadsheets read) finds is accounted once, at the line it starts on, and no other."""
    text = newline.join([header, *(",".join(cells) for cells in rows)]) + newline
    expected, line_end = [], 1
    parsed = csv.reader(io.StringIO(text, newline=""))
    next(parsed)
    for cells in parsed:
        if any(c.strip() for c in cells):
            expected.append(line_end + 1)
        line_end = parsed.line_num
    path = tmp_path / "r.csv"
    path.write_text(text, newline="")
    batch = read_readings([path], {"t": "percent"})
    assert sorted(where_rows_went(batch).elements()) == expected
    assert batch.rows == len(expected)


@pytest.mark.parametrize("text,line,words", [
    ('"" ,\n"target" ,period,value\nt,2014/15,41\n', 2, 'cannot read the header: a quoted cell in this row is followed by more text before the next comma (`"target" `'),
    ('"target",period,"value\nt,2014/15,41\n', 1, "the file ends inside it"),
])
def test_a_quote_in_the_header_row_is_a_file_error_at_its_line(tmp_path, text, line, words):
    path = tmp_path / "r.csv"
    path.write_text(text)
    with pytest.raises(LoadError) as caught:
        read_readings([path], {"t": "percent"})
    assert caught.value.problem.line == line and words in caught.value.problem.message


# --- a long cell without quotes is not a quote problem (issue 9, finding 13) ----------------------

@pytest.mark.parametrize("header,row", [
    ("target,period,value,note", "t,2014/15,41,{long}"),  # a 200 KB note, no quotes anywhere
    ("target,period,value", "t,2014/15,{long}"),  # the plain path
    ("target,period,value,note", 't,2014/15,41,{long},"and a quoted\nnote after it"'),  # ragged, and runs on
])
def test_a_long_cell_without_quotes_rejects_its_row_and_blames_no_quote(tmp_path, header, row):
    path = tmp_path / "r.csv"
    long_row = row.format(long="x" * 200_000)
    note = "," if "note" in header else ""
    path.write_text(f"{header}\nt,2013/14,40{note}\n{long_row}\nt,2015/16,42{note}\n")
    batch = read_readings([path], {"t": "percent"})
    after = 4 + long_row.count("\n")
    assert [(r.line, r.value) for r in batch.readings["t"]] == [(2, 40.0), (after, 42.0)]
    (rejected,) = batch.rejected
    assert rejected.line == 3
    assert "200,000 characters long, more than the 131,072 a cell can hold" in rejected.reason
    assert "quote" not in rejected.reason.replace("a quoted cell in it holds line breaks", "")


def test_a_long_header_cell_without_quotes_blames_no_quote(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(f"target,period,value,{'x' * 200_000}\nt,2014/15,41,\n")
    with pytest.raises(LoadError) as caught:
        read_readings([path], {"t": "percent"})
    problem = caught.value.problem
    assert problem.line == 1 and "200,000 characters long" in problem.message
    assert "quote" not in problem.message


# --- one grammar for numbers (issue 9, finding 12) -----------------------------------------------

NUMBER_UNITS = {"n": "count", "p": "percent", "g": "GBP", "gy": "GBP/year"}


@pytest.mark.parametrize("header,row", [("target,period,value", "{t},2014/15,{v}"),
                                        ("target,period,value,note", "{t},2014/15,{v},")])
@pytest.mark.parametrize("target,value,expected", [
    ("n", "1,234,567", 1234567.0), ("n", " 12880 ", 12880.0), ("n", "-1.5e3", -1500.0), ("n", "+.5", 0.5),
    ("n", "5.", 5.0), ("n", "\u00a012880\u00a0", 12880.0), ("p", "45.1 %", 45.1), ("p", "-2%", -2.0),
    ("g", "\u00a31,150", 1150.0), ("g", "-\u00a35", -5.0), ("g", "\u00a3-5", -5.0), ("g", "+\u00a35", 5.0),
    ("g", "\u00a3 250,000.50", 250000.5), ("gy", "\u00a31e3", 1000.0), ("g", "1,150", 1150.0),
])
def test_numbers_people_write_are_read_on_both_paths(tmp_path, header, row, target, value, expected):
    path = tmp_path / "r.csv"
    path.write_text(f"{header}\n{row.format(t=target, v=json.dumps(value, ensure_ascii=False))}\n")
    batch = read_readings([path], NUMBER_UNITS)
    assert batch.rejected == []
    assert [r.value for r in batch.readings[target]] == [expected]


@pytest.mark.parametrize("header,row", [("target,period,value", "{t},2014/15,{v}"),
                                        ("target,period,value,note", "{t},2014/15,{v},")])
@pytest.mark.parametrize("target,value,reason", [
    ("n", "1_000", "the value `1_000`: underscores are not allowed in numbers: write 1000"),
    ("n", "1_2.5_0", "the value `1_2.5_0`: underscores are not allowed in numbers: write 12.50"),
    ("p", "4_5%", "the value `4_5%`: underscores are not allowed in numbers: write 45%"),
    ("n", "1__0_x", "the value `1__0_x`: underscores are not allowed in numbers"),
    ("n", "1\u06623", "the value `1\u06623` has digits that are not 0-9"),
    ("n", "\u0661\u0662\u0663", "has digits that are not 0-9"),
    ("n", "\uff11\uff12\uff13", "has digits that are not 0-9"),  # fullwidth
    ("n", "\U0001d7d7", "has digits that are not 0-9"),  # mathematical bold
    ("n", "1,\u066234", "has digits that are not 0-9"),  # was read as thousands
    ("n", "\u00a35", "the value `\u00a35` has a \u00a3 sign, but the target is measured in count"),
    ("p", "\u00a345%", "has a \u00a3 sign, but the target is measured in percent"),
    ("g", "\u00a31,15", "commas are read only as thousands separators"),
    ("g", "-\u00a3-5", "the value `-\u00a3-5` is not a number"),
    ("g", "\u00a3\u00a35", "is not a number"),
    ("g", "\u00a3", "is not a number"),
    ("n", "1,234e3", "commas are read only as thousands separators"),
    ("n", "-nan", "not a finite number"),
    ("n", "Infinity", "not a finite number"),
])
def test_numbers_outside_the_grammar_are_rejected_with_what_is_wrong(tmp_path, header, row, target, value, reason):
    path = tmp_path / "r.csv"
    path.write_text(f"{header}\n{row.format(t=target, v=json.dumps(value, ensure_ascii=False))}\n")
    batch = read_readings([path], NUMBER_UNITS)
    assert batch.count() == 0
    assert reason in only_reason(batch)


def test_a_pound_sign_with_a_unit_cell(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("target,period,value,unit\ng,2014/15,\u00a35,GBP\ng,2015/16,\u00a35,count\nn,2016/17,\u00a35,GBP\n")
    batch = read_readings([path], NUMBER_UNITS)
    assert [(r.line, r.value) for r in batch.readings["g"]] == [(2, 5.0)]
    assert [r.line for r in batch.rejected] == [3, 4]
    assert "the value `\u00a35` has a \u00a3 sign, but the unit column says `count`" in batch.rejected[0].reason
    assert "has a \u00a3 sign, but the target is measured in count" in batch.rejected[1].reason


def test_numbers_in_json_strings_follow_the_grammar_and_json_numbers_are_numbers(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps([{"target": "n", "period": "2014/15", "value": "1_000"},
                                {"target": "n", "period": "2015/16", "value": 1000},
                                {"target": "n", "period": "2016/17", "value": "\u0661"},
                                {"target": "g", "period": "2014/15", "value": "\u00a31,150"},
                                {"target": "n", "period": "2017/18", "value": 5, "numerator": "4_0"}]))
    batch = read_readings([path], NUMBER_UNITS)
    assert [(r.period.label, r.value) for r in batch.readings["n"]] == [("2015/16", 1000.0)]
    assert [r.value for r in batch.readings["g"]] == [1150.0]
    reasons = [r.reason for r in batch.rejected]
    assert len(reasons) == 3
    assert "underscores are not allowed in numbers: write 1000" in reasons[0]
    assert "has digits that are not 0-9" in reasons[1]
    assert "the numerator `4_0`: underscores are not allowed in numbers: write 40" in reasons[2]


def test_a_percent_sign_on_a_numerator_says_what_a_numerator_is(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("target,period,value,numerator\np,2014/15,45,45%\n")
    batch = read_readings([path], NUMBER_UNITS)
    reason = only_reason(batch)
    assert "the numerator `45%` has a % sign" in reason and "measured in ," not in reason and not reason.endswith("in ")


# --- JSON and YAML rejects name their record (issue 9, finding 13) -------------------------------

def test_minified_json_rejects_name_the_record_not_just_line_1(tmp_path):
    records = [{"target": "t", "period": f"{2000 + i}", "value": i} for i in range(20)]
    records[16]["value"] = "x"
    records[18] = [1]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(records, separators=(",", ":")))  # all on line 1
    batch = read_readings([path], {"t": "count"})
    assert [(r.line, r.record) for r in batch.rejected] == [(1, 17), (1, 19)]
    assert batch.rejected[0].reason == "record 17: the value `x` is not a number"
    assert batch.rejected[1].reason.startswith("record 19: this entry is not a record")
    assert batch.count() == 18


def test_yaml_rejects_name_their_record_and_csv_rejects_have_none(tmp_path):
    yaml_path = tmp_path / "r.yaml"
    yaml_path.write_text("readings:\n  - {target: t, period: 2014/15, value: 1}\n  - target: t\n    period: 2015/16\n"
                         "    value: x\n  - {target: t, period: 2016/17, value: 1, Value: 2}\n  - {target: t, period: 2017/18}\n")
    batch = read_readings([yaml_path], {"t": "count"})
    assert [(r.line, r.record, r.reason.split(":")[0]) for r in batch.rejected] == [
        (3, 2, "record 2"), (6, 3, "record 3"), (7, 4, "record 4")]
    csv_path = tmp_path / "r.csv"
    csv_path.write_text("target,period,value\nt,2014/15,x\nt,2015/16\n")
    batch = read_readings([csv_path], {"t": "count"})
    assert [(r.line, r.record, r.reason.startswith("record")) for r in batch.rejected] == [(2, None, False), (3, None, False)]


# --- readings paths that are not regular files, and `-` (issue 9, finding 8) ---------------------

def _cli(*args: str, stdin: str | None = None):
    from typer.testing import CliRunner

    import cli

    result = CliRunner().invoke(cli.app, [str(a) for a in args], input=stdin, env={"NO_COLOR": "1", "COLUMNS": "250"})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


SPEC = ("id: t\ntitle: Custodial sentences\nmeasure:\n  description: Custodial sentences in the year\n  unit: count\n"
        "  polarity: lower_is_better\nbaseline: {period: 2013/14, value: 18}\ntarget: {period: 2016/17, value: 9}\n")


@pytest.fixture
def specs(tmp_path):
    folder = tmp_path / "specs"
    folder.mkdir()
    (folder / "t.yaml").write_text(SPEC)
    return folder


def _in_time(seconds: float):
    from tests.test_corpus import time_limit

    return time_limit(seconds)


@pytest.mark.parametrize("command", [("evaluate", "{r}", "-t", "{s}"), ("report", "{r}", "-t", "{s}", "-o", "{o}"),
                                     ("show", "t", "-t", "{s}", "-r", "{r}")])
def test_a_fifo_as_readings_is_refused_not_waited_on(tmp_path, specs, command):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer that never comes
    args = [part.format(r=fifo, s=specs, o=tmp_path / "out.html") for part in command]
    with _in_time(5):
        result = _cli(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{fifo.as_posix()}: error: is a pipe (FIFO), not a regular file"), result.stderr
    assert "`-`" in result.stderr  # the way to read a pipe


def _loop(tmp_path):
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    return tmp_path / "a.csv"


def _inside_a_file(tmp_path):
    (tmp_path / "file.csv").write_text("target,period,value\n")
    return tmp_path / "file.csv" / "r.csv"


@pytest.mark.parametrize("make,words", [
    (lambda tmp: tmp, "is a folder, not a readings file"),
    (lambda tmp: tmp / ("x" * 300 + ".csv"), "the file name is longer than the file system allows"),
    (lambda tmp: tmp / "/".join(["d" * 250] * 20) / "r.csv", "the path is longer than the file system allows"),
    (_loop, "the path is a loop of symbolic links"),
    (_inside_a_file, "a part of the path is a file, not a folder"),
    (lambda tmp: Path("/dev/null"), "is a device, not a regular file"),
])
def test_readings_paths_that_cannot_be_read_are_clear_usage_errors(tmp_path, specs, make, words):
    path = make(tmp_path)
    with pytest.raises(UsageError) as caught:
        read_readings([path], UNITS)
    assert caught.value.problem.file == path.as_posix() and words in caught.value.problem.message
    result = _cli("evaluate", path, "-t", specs)
    assert result.exit_code == 2 and result.stderr.startswith(f"{path.as_posix()}: error: {words}"), result.stderr


def test_a_readings_file_without_permission_is_a_clear_usage_error(tmp_path, specs, monkeypatch):
    path = write(tmp_path, "r.csv", "target,period,value\n")
    real_open = os.open

    def refuse(file, *args, **kwargs):  # as chmod 000 would, for any user but root
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    result = _cli("evaluate", path, "-t", specs)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path.as_posix()}: error: permission denied: "), result.stderr


def test_dash_reads_csv_from_standard_input(tmp_path, specs):
    result = _cli("evaluate", "-", "-t", specs, "--format", "json", stdin="target,period,value\nt,2014/15,16\nt,2015/16,x\n")
    assert result.exit_code == 2  # the rejected row
    report = json.loads(result.stdout)
    assert [(r["file"], r["line"], r["value"]) for r in report["targets"][0]["readings"]] == [("<stdin>", 2, 16.0)]
    assert [(r["file"], r["line"]) for r in report["rejected"]] == [("<stdin>", 3)]
    later = write(tmp_path, "later.csv", "target,period,value\nt,2014/15,15\n")
    result = _cli("show", "t", "-t", specs, "-r", "-", "-r", later, stdin="target,period,value\nt,2014/15,16\nt,2015/16,14\n")
    assert result.exit_code == 0 and "14" in result.stdout
    result = _cli("report", "-", "-t", specs, "-o", "-", stdin="target,period,value\nt,2014/15,16\n")
    assert result.exit_code == 0 and "<code>&lt;stdin&gt;</code>" in result.stdout


def test_dash_twice_or_a_closed_standard_input_is_a_usage_error(tmp_path, specs, monkeypatch):
    result = _cli("evaluate", "-", "-", "-t", specs, stdin="target,period,value\n")
    assert result.exit_code == 2 and result.stderr.startswith("<stdin>: error: `-` is given more than once")
    monkeypatch.setattr(sys, "stdin", None)  # `targets evaluate - <&-`
    with pytest.raises(UsageError) as caught:
        read_readings(["-"], UNITS)
    assert caught.value.problem.file == "<stdin>" and "standard input is closed" in caught.value.problem.message


def test_standard_input_larger_than_a_readings_file_should_be_is_refused(monkeypatch):
    import engine.sources.readings as readings_module

    monkeypatch.setattr(readings_module, "MAX_CSV_BYTES", 100)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"target,period,value\n" + b"t,2014/15,1\n" * 20)))
    with pytest.raises(LoadError) as caught:
        read_readings(["-"], UNITS)
    assert caught.value.problem.file == "<stdin>" and "split it into several files" in caught.value.problem.message


@pytest.mark.parametrize("entry", ["null", "3", "\"text\"", "[]", "{\"target\": \"youth-custody\"}"])
def test_a_json_list_read_a_record_at_a_time_accounts_for_every_entry(tmp_path, entry):
    raw = f'[\n{entry},\n{{"target": "youth-custody", "period": "2014/15", "value": 16}},\n' \
          '{"target": "youth-custody", "period": "2015/16", "value": 15, "note": "n"}\n]'
    batch = read(tmp_path, raw, name="r.json")
    assert batch.rows == 3 and batch.count() == 2
    (rejected,) = batch.rejected
    assert (rejected.line, rejected.record) == (2, 1)
    assert [(r.line, r.record, r.note) for r in batch.readings["youth-custody"]] == [(3, 2, None), (4, 3, "n")]


def test_a_minified_json_list_names_each_record(tmp_path):
    raw = '[{"target":"youth-custody","period":"2014/15","value":16},{"target":"nope","period":"2014/15","value":1}]'
    batch = read(tmp_path, raw, name="r.json")
    assert batch.count() == 1 and batch.rejected[0].record == 2 and batch.rejected[0].reason.startswith("record 2: ")


@pytest.mark.parametrize("digits", [310, 5000])
def test_a_json_integer_of_thousands_of_digits_is_infinite_not_a_traceback(tmp_path, digits):
    # int() refuses strings of over 4,300 digits; such a number is beyond any float, so infinite.
    huge = "9" * digits
    raw = (f'[{{"target": "youth-custody", "period": "2014/15", "value": {huge}}},\n'
           f' {{"target": "youth-custody", "period": "2015/16", "value": 15, "note": -{huge}}}]')
    batch = read(tmp_path, raw, name="r.json")
    assert batch.rows == 2
    assert "not a finite number" in batch.rejected[0].reason


@pytest.mark.parametrize("size", [50, 10**9])  # by a table of every key, and (too many keys for one) by sorting
def test_distinct_keys_are_found_in_the_order_they_first_appear(size):
    """The columnar path finds the distinct (target, area) pairs of a file as numbers, in the order
    the general way meets them; each row's pair is found again by its index."""
    import numpy as np

    rng = np.random.default_rng(3)
    for n in (0, 1, 7, 1000):
        key = rng.integers(0, 50, n).astype(np.int64)
        distinct, index = readings_module._first_seen(key, size)
        assert distinct.tolist() == list(dict.fromkeys(key.tolist()))
        assert distinct[index].tolist() == key.tolist()
