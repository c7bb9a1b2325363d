"""Readings from workbooks (issue 13): .xlsx, .xlsm, .xls and .ods, long and wide, built in code."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from engine.model.problems import LoadError
from engine.sources.readings import ReadOptions, read_readings
from engine.sources.workbooks import column_letter, is_month_format, is_percent_format, split_sheet
from tests.workbooks import ods, xls, xlsx

UNITS = {"youth-reoffending": "percent", "youth-custody": "count", "first-time-entrants": "per_100k",
         "asb-incidents": "count", "calls": "count"}


def accounted(batch) -> int:
    return batch.count() + len(batch.suppressed) + len(batch.superseded) + len(batch.rejected) + len(batch.not_used)


def where(batch):
    """Every row's place, by where it went."""
    return {
        "readings": sorted((r.file, r.line) for rs in batch.readings.values() for r in rs),
        "suppressed": [(s.where, s.symbol) for s in batch.suppressed],
        "superseded": [(s.file, s.line) for s in batch.superseded],
        "rejected": [(r.where, r.reason) for r in batch.rejected],
    }


# An ONS-shaped table: a title and notes above the header, GSS symbols, a provisional value, a date
# column, a percentage shown as one, a number stored as text and a target id merged over two rows.
ONS_ROWS = [
    ["Table 3: Youth justice indicators, Southampton"],
    ["Source: Youth Justice Board. Figures for 2016/17 are provisional."],
    ["Notes: [x] not available, [c] confidential, [z] not applicable, [low] rounds to zero"],
    [None],
    ["Target", "Period", "Value", "Note"],
    ["youth-reoffending", "2013/14", 0.483, "percent format"],   # row 6: 48.3% shown
    ["youth-reoffending", "2014/15", "45 [p]", None],
    ["youth-reoffending", "2015/16", "[x]", None],
    ["youth-custody", date(2015, 3, 31), 16, None],              # row 9: a date cell: a day
    ["youth-custody", "2015/16", "[c]", None],
    [None, None, None, None],
    ["youth-custody", "2016/17", "[z]", None],                  # row 12
    ["first-time-entrants", "2014/15", "[low]", None],
    ["first-time-entrants", "2015/16", " 1,234 ", "text"],     # row 14: a number stored as text
    ["asb-incidents", "2015/16", 12, None],                     # row 15: merged with 16 in column A
    [None, "2016/17", 11, None],
    ["nosuch", "2016/17", 1, None],                             # row 17
]


def test_an_ons_shaped_table_is_read_with_every_row_accounted(tmp_path):
    path = xlsx(tmp_path / "ons.xlsx", {"Table 3": ONS_ROWS}, formats={("Table 3", "C6"): "0.0%"},
                merged={"Table 3": ["A15:A16"]})
    batch = read_readings([path], UNITS)
    file = f"{path.as_posix()}[Table 3]"
    assert batch.rows == 11 == accounted(batch)  # the title, notes and blank rows are not rows
    got = {t: [(r.period.label, r.value, r.line, r.qualifiers) for r in rs] for t, rs in batch.readings.items()}
    assert got == {
        "youth-reoffending": [("2013/14", 48.3, 6, ()), ("2014/15", 45.0, 7, ("p",))],
        "youth-custody": [("2015-03-31", 16.0, 9, ())],
        "first-time-entrants": [("2015/16", 1234.0, 14, ())],
        "asb-incidents": [("2015/16", 12.0, 15, ()), ("2016/17", 11.0, 16, ())],
    }
    assert {r.file for rs in batch.readings.values() for r in rs} == {file}
    assert where(batch)["suppressed"] == [(f"{file}:8", "[x]"), (f"{file}:10", "[c]"), (f"{file}:12", "[z]"),
                                          (f"{file}:13", "[low]")]
    ((place, reason),) = where(batch)["rejected"]
    assert place == f"{file}:17" and "unknown target `nosuch`" in reason


WIDE_ROWS = [
    ["Safe City KPIs 2024/25", None, None, None, None, None, None],
    ["RAG: as reported to the board", None, None, None, None, None, None],
    ["KPI", "Title", datetime(2024, 4, 1), datetime(2024, 5, 1), "Jun-24", "Jul 2024", "Comments"],
    ["calls", "Calls", 10, 12, None, "[c]", "fine"],                 # row 4
    ["asb-incidents", "ASB", 100, "1,050", 98, None, None],          # row 5
    ["calls ", "Calls again", None, None, 15, None, None],           # row 6: later row for June wins? no, another month
    ["nosuch", "Typo", 1, None, None, None, None],                   # row 7
]


def test_a_wide_council_kpi_workbook_is_melted_with_every_cell_accounted(tmp_path):
    path = xlsx(tmp_path / "kpis.xlsx", {"KPIs": WIDE_ROWS})
    batch = read_readings([path], UNITS)
    file = f"{path.as_posix()}[KPIs]"
    # non-blank cells under the periods (C to F; the comments in G are outside them): 3 + 3 + 1 + 1
    assert batch.rows == 8 == accounted(batch)
    got = {t: [(r.period.label, r.value, r.line) for r in rs] for t, rs in batch.readings.items()}
    assert got == {
        "calls": [("2024-04", 10.0, 4), ("2024-05", 12.0, 4), ("2024-06", 15.0, 6)],
        "asb-incidents": [("2024-04", 100.0, 5), ("2024-05", 1050.0, 5), ("2024-06", 98.0, 5)],
    }
    assert where(batch)["suppressed"] == [(f"{file}:4:F", "[c]")]
    ((place, reason),) = where(batch)["rejected"]
    assert place == f"{file}:7:C" and "unknown target `nosuch`" in reason


def test_a_bad_period_header_and_a_merged_value_in_a_wide_layout_are_rejected_cell_by_cell(tmp_path):
    rows = [["target", "2014/15", "2015-16", "2016/17"],
            ["calls", 1, 2, 3],
            ["asb-incidents", 4, None, 6]]
    path = xlsx(tmp_path / "w.xlsx", {"S": rows}, merged={"S": ["B3:C3"]})
    batch = read_readings([path], UNITS)
    file = f"{path.as_posix()}[S]"
    assert accounted(batch) == batch.rows == 6
    rejected = where(batch)["rejected"]
    assert rejected[0][0] == f"{file}:2:C" and "column header `2015-16` (C1) is not a period" in rejected[0][1]
    assert rejected[1][0] == f"{file}:3:C" and "merged with B3" in rejected[1][1]
    assert [(r.period.label, r.value) for r in batch.readings["asb-incidents"]] == [("2014/15", 4.0), ("2016/17", 6.0)]


def test_a_wide_layout_by_target_reads_one_row_per_period(tmp_path):
    rows = [["Monthly returns"], [None],
            ["Period", "calls", "asb-incidents", "asb-incident", "Notes"],
            [datetime(2024, 4, 30), 10, 100, 1, "end of month dates are days"],
            ["May 2024", 11, "[x]", None, None]]
    path = xlsx(tmp_path / "t.xlsx", {"S": rows})
    batch = read_readings([path], UNITS)
    file = f"{path.as_posix()}[S]"
    assert accounted(batch) == batch.rows == 5
    assert [(r.period.label, r.value, r.line) for r in batch.readings["calls"]] == [("2024-04-30", 10.0, 4), ("2024-05", 11.0, 5)]
    ((place, reason),) = where(batch)["rejected"]
    assert place == f"{file}:4:D" and "did you mean `asb-incidents`" in reason  # a mistyped id column is not ignored
    assert where(batch)["suppressed"] == [(f"{file}:5:C", "[x]")]


def test_monthly_headers_keep_the_months_that_look_like_financial_years(tmp_path):
    rows = [["target", "2010-10", "2010-11", "2010-12"], ["calls", 1, 2, 3]]
    batch = read_readings([xlsx(tmp_path / "m.xlsx", {"S": rows})], UNITS)
    assert not batch.rejected
    assert sorted((r.period.end, r.period.label) for r in batch.readings["calls"]) == [
        (date(2010, 10, 31), "2010-10"), (date(2010, 11, 30), "Nov 2010"), (date(2010, 12, 31), "2010-12")]
    assert [r.line for r in batch.readings["calls"]] == [2, 2, 2]


def test_cell_formats_decide_percentages_and_months(tmp_path):
    rows = [["target", "period", "value"],
            ["youth-reoffending", "2014/15", 0.451],       # 45.1% shown: 45.1
            ["youth-reoffending", "2015/16", 0.4],         # no format: 0.4 as written
            ["calls", "2014/15", 0.5],                     # 50% shown for a count: rejected, as `50%` in a CSV is
            ["calls", datetime(2024, 4, 1), 7],            # mmm-yy: the month
            ["calls", datetime(2024, 5, 1), 8]]            # a plain date: the day
    formats = {("S", "C2"): "0.0%", ("S", "C4"): "0%", ("S", "B5"): "mmm-yy", ("S", "B6"): "dd/mm/yyyy"}
    batch = read_readings([xlsx(tmp_path / "f.xlsx", {"S": rows}, formats=formats)], UNITS)
    assert [(r.period.label, r.value) for r in batch.readings["youth-reoffending"]] == [("2014/15", 45.1), ("2015/16", 0.4)]
    assert [(r.period.label, r.value) for r in batch.readings["calls"]] == [("2024-04", 7.0), ("2024-05-01", 8.0)]
    (rejected,) = batch.rejected
    assert rejected.line == 4 and "`50%` has a % sign, but the target is measured in count" in rejected.reason


@pytest.mark.parametrize("code, percent, month", [
    ("0%", True, False), ("0.0%", True, False), ('0.0"%"', False, False), ("0.0\\%", False, False),
    ("mmm-yy", False, True), ("mmmm yyyy", False, True), ("[$-809]mmm yy", False, True), ("dd/mm/yyyy", False, False),
    ("yyyy-mm-dd hh:mm", False, False), ("General", False, False), ("#,##0", False, False),
])
def test_number_formats(code, percent, month):
    assert (is_percent_format(code), is_month_format(code)) == (percent, month)


def test_sheets_are_chosen_by_name_or_the_first_visible(tmp_path):
    sheets = {"Hidden": [["target", "period", "value"], ["calls", "2014/15", 1]],
              "First": [["target", "period", "value"], ["calls", "2014/15", 2]],
              "Second": [["target", "period", "value"], ["calls", "2014/15", 3]]}
    path = xlsx(tmp_path / "s.xlsx", sheets, hidden=("Hidden",))
    assert read_readings([path], UNITS).readings["calls"][0].value == 2
    assert read_readings([f"{path}:Second"], UNITS).readings["calls"][0].value == 3
    assert read_readings([path], UNITS, sheet="Hidden").readings["calls"][0].value == 1
    assert read_readings([f"{path}:second"], UNITS).readings["calls"][0].file.endswith("[Second]")
    with pytest.raises(LoadError) as caught:
        read_readings([f"{path}:Secnd"], UNITS)
    assert caught.value.problem.file == path.as_posix() and "no sheet `Secnd`: did you mean `Second`?" in str(caught.value)


def test_split_sheet():
    assert split_sheet("book.xlsx:KPIs 2024") == ("book.xlsx", "KPIs 2024")
    assert split_sheet("a/b.XLS:S") == ("a/b.XLS", "S")
    assert split_sheet("book.csv:x") == ("book.csv:x", None)
    assert split_sheet("book.xlsx") == ("book.xlsx", None)
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


def test_xls_ods_and_xlsm_are_read_the_same_way(tmp_path):
    rows = [["A title"], [None], ["target", "period", "value"], ["calls", "2014/15", 16],
            ["calls", date(2015, 3, 31), "12 [p]"], ["asb-incidents", "2014/15", 3]]
    expected = {"calls": [("2014/15", 16.0, 4), ("2015-03-31", 12.0, 5)], "asb-incidents": [("2014/15", 3.0, 6)]}
    shutil.copy(xlsx(tmp_path / "a.xlsx", {"S": rows}), tmp_path / "a.xlsm")
    for path in (xls(tmp_path / "a.xls", {"S": rows}), ods(tmp_path / "a.ods", {"S": rows}), tmp_path / "a.xlsm"):
        batch = read_readings([path], UNITS)
        assert {t: [(r.period.label, r.value, r.line) for r in rs] for t, rs in batch.readings.items()} == expected, path
        assert batch.readings["calls"][1].qualifiers == ("p",)


def test_merged_target_cells_in_xls_fill_their_rows(tmp_path):
    rows = [["target", "period", "value"], [None, "2014/15", 1], [None, "2015/16", 2]]
    batch = read_readings([xls(tmp_path / "m.xls", {"S": rows}, merged={"S": [(1, 2, 0, 0, "calls")]})], UNITS)
    assert [(r.period.label, r.value) for r in batch.readings["calls"]] == [("2014/15", 1.0), ("2015/16", 2.0)]


@pytest.mark.parametrize("content, words", [
    (b"not a workbook at all", "cannot read the file as a .xlsx workbook"),
    (b"PK\x03\x04broken zip", "cannot read the file as a .xlsx workbook"),
])
def test_a_broken_workbook_is_a_file_error_not_a_traceback(tmp_path, content, words):
    path = tmp_path / "b.xlsx"
    path.write_bytes(content)
    with pytest.raises(LoadError, match=words):
        read_readings([path], UNITS)


def test_a_sheet_without_a_header_says_what_a_header_is(tmp_path):
    path = xlsx(tmp_path / "n.xlsx", {"S": [["just", "some", "words"], [1, 2, 3]]})
    with pytest.raises(LoadError) as caught:
        read_readings([path], UNITS)
    assert caught.value.problem.file == f"{path.as_posix()}[S]" and "no header row" in str(caught.value)


def test_a_header_naming_a_column_twice_names_the_sheet_and_row(tmp_path):
    path = xlsx(tmp_path / "d.xlsx", {"S": [["title"], ["target", "period", "value", "Value"]]})
    with pytest.raises(LoadError) as caught:
        read_readings([path], UNITS)
    assert (caught.value.problem.file, caught.value.problem.line) == (f"{path.as_posix()}[S]", 2)


def test_evaluate_reads_a_workbook_from_the_command_line(tmp_path):
    from typer.testing import CliRunner

    import cli

    rows = [["target", "period", "value"], ["youth-reoffending", "2014/15", "45 [p]"], ["youth-custody", "2014/15", "x"]]
    path = xlsx(tmp_path / "r.xlsx", {"Data": rows, "Other": [["target", "period", "value"], ["youth-custody", "2014/15", 3]]})
    result = CliRunner().invoke(cli.app, ["evaluate", str(path), "--format", "json"])
    assert result.exit_code == 2  # a rejected row
    report = json.loads(result.stdout)
    assert report["rejected"][0]["file"] == f"{path.as_posix()}[Data]" and report["rejected"][0]["line"] == 3
    other = CliRunner().invoke(cli.app, ["evaluate", str(path), "--sheet", "Other", "--format", "json"])
    assert other.exit_code == 0, other.output
    custody = next(t for t in json.loads(other.stdout)["targets"] if t["id"] == "youth-custody")
    assert custody["readings"][0]["value"] == 3
